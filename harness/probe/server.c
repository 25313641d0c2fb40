// SPDX-License-Identifier: GPL-2.0
/* Probe server: sockets in the destination netns that record who they saw. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/icmpv6.h>
#include <linux/icmp.h> /* not netinet/ip_icmp.h: its icmp_seq macro breaks lib/pkt.h */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/http.h"
#include "lib/pkt.h"
#include "probe/nsrun.h"
#include "probe/probe.h"
#include "probe/probe_internal.h"

#define SRV_MAX_FDS  96
#define SRV_MAX_SEEN 4096

enum srv_kind { SRV_STOP, SRV_LISTEN, SRV_CONN, SRV_UDP, SRV_ICMP, SRV_ICMP6 };

struct srv_fd {
	int fd;
	enum srv_kind kind;
	uint16_t port;
	struct sockaddr_storage peer;	/* SRV_CONN */
	uint8_t buf[PL_PROBE_HTTP_MAX]; /* a probe header, or an HTTP request's head */
	size_t have;
};

struct pl_probe_server {
	pthread_t thread;
	bool running;
	struct srv_fd fds[SRV_MAX_FDS];
	int nfds;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pl_probe_sighting seen[SRV_MAX_SEEN];
	size_t nseen; /* total recorded; the last SRV_MAX_SEEN are kept */
};

static void srv_record(struct pl_probe_server *s, const struct pl_probe_sighting *sg)
{
	pthread_mutex_lock(&s->lock);
	s->seen[s->nseen++ % SRV_MAX_SEEN] = *sg;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static int srv_add(struct pl_probe_server *s, int fd, enum srv_kind kind, uint16_t port)
{
	if (s->nfds >= SRV_MAX_FDS)
		return -ENOSPC;
	memset(&s->fds[s->nfds], 0, sizeof(s->fds[0]));
	s->fds[s->nfds].fd = fd;
	s->fds[s->nfds].kind = kind;
	s->fds[s->nfds].port = port;
	s->nfds++;
	return 0;
}

static void srv_remove(struct pl_probe_server *s, int i)
{
	close(s->fds[i].fd);
	s->fds[i] = s->fds[--s->nfds];
}

/* A peer's address into the sighting, either family. */
static void srv_peer(struct pl_probe_sighting *sg, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (ss->ss_family == AF_INET6) {
		sg->v6 = true;
		memcpy(sg->peer_ip6, &s6->sin6_addr, 16);
		sg->peer_port = ntohs(s6->sin6_port);
		return;
	}
	sg->peer_ip = s4->sin_addr.s_addr;
	sg->peer_port = ntohs(s4->sin_port);
}

/*
 * An HTTP request (through an L7 proxy) whose X-Podlab-Probe header holds the
 * token: answered 200 "ok" and sg filled; -EAGAIN while its head is partial
 * (or the bytes may still become a probe header); -EINVAL otherwise.
 */
static int srv_http(struct srv_fd *f, struct pl_probe_sighting *sg)
{
	static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
				 "Content-Length: 3\r\nConnection: close\r\n\r\nok\n";
	uint8_t magic[PL_PROBE_HDR_LEN];
	struct pl_http_head h;
	int k, err;

	pl_probe_hdr_build(magic, 0);
	if (f->have < PL_PROBE_HDR_LEN && !memcmp(f->buf, magic, f->have < 4 ? f->have : 4))
		return -EAGAIN;
	err = pl_http_parse_request(f->buf, f->have, &h);
	if (err)
		return err;
	for (k = 0; k < h.nheaders; k++)
		if (!strcasecmp(h.name[k], PL_PROBE_HTTP_HEADER))
			sg->token = strtoull(h.value[k], NULL, 16);
	sg->len = (uint32_t)h.head_len;
	if (send(f->fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static void srv_on_conn_data(struct pl_probe_server *s, int i)
{
	struct srv_fd *f = &s->fds[i];
	struct pl_probe_sighting sg = {.proto = IPPROTO_TCP};
	ssize_t n;

	n = recv(f->fd, f->buf + f->have, sizeof(f->buf) - f->have, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			srv_remove(s, i);
		return;
	}
	f->have += n;
	if (f->have >= PL_PROBE_HDR_LEN && !pl_probe_hdr_parse(f->buf, f->have, &sg.token)) {
		srv_peer(&sg, &f->peer);
		sg.local_port = f->port;
		sg.len = PL_PROBE_HDR_LEN;
		srv_record(s, &sg);
	} else if (srv_http(f, &sg) == -EAGAIN && f->have < sizeof(f->buf)) {
		return; /* the rest of a request's head, or of a probe header, is on its way */
	} else if (sg.token) {
		srv_peer(&sg, &f->peer);
		sg.local_port = f->port;
		srv_record(s, &sg);
	}
	srv_remove(s, i);
}

static void srv_on_accept(struct pl_probe_server *s, int i)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	uint16_t port = s->fds[i].port;
	int fd;

	fd = accept4(s->fds[i].fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (srv_add(s, fd, SRV_CONN, port)) {
		close(fd);
		return;
	}
	s->fds[s->nfds - 1].peer = peer;
}

static void srv_on_udp(struct pl_probe_server *s, int i)
{
	struct pl_probe_sighting sg = {.proto = IPPROTO_UDP};
	static __thread uint8_t buf[65536];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	ssize_t n;

	n = recvfrom(s->fds[i].fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&peer, &plen);
	if (n < 0 || pl_probe_hdr_parse(buf, n, &sg.token))
		return;
	srv_peer(&sg, &peer);
	sg.local_port = s->fds[i].port;
	sg.len = n;
	srv_record(s, &sg);
	/* A short echo: the return path need not carry a big MTU probe. */
	sendto(s->fds[i].fd, buf, PL_PROBE_HDR_LEN, MSG_DONTWAIT, (struct sockaddr *)&peer, plen);
}

static void srv_on_icmp(struct pl_probe_server *s, int i)
{
	struct pl_probe_sighting sg = {.proto = IPPROTO_ICMP};
	static __thread uint8_t buf[65536];
	struct pl_pkt_info info;
	size_t body_len;
	ssize_t n;

	n = recv(s->fds[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n <= 0)
		return;
	/* A raw ICMP socket hands over the IPv4 header too. */
	pl_pkt_parse_ip(buf, n, &info);
	if (!info.ipv4 || !info.has_l4 || info.proto != IPPROTO_ICMP || info.icmp_type != ICMP_ECHO)
		return;
	body_len = info.l4_len - info.l4_hlen;
	if (body_len < PL_PROBE_HDR_LEN ||
	    pl_probe_hdr_parse(buf + info.l4_off + info.l4_hlen, body_len, &sg.token))
		return;
	sg.peer_ip = info.saddr;
	sg.peer_port = info.sport;
	sg.len = body_len;
	srv_record(s, &sg);
}

/* A raw ICMPv6 socket hands over the message alone; the source comes from recvfrom. */
static void srv_on_icmp6(struct pl_probe_server *s, int i)
{
	struct pl_probe_sighting sg = {.proto = IPPROTO_ICMPV6};
	static __thread uint8_t buf[65536];
	const struct icmp6hdr *h = (const void *)buf;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	ssize_t n;

	n = recvfrom(s->fds[i].fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&peer, &plen);
	if (n < (ssize_t)(sizeof(*h) + PL_PROBE_HDR_LEN) || h->icmp6_type != ICMPV6_ECHO_REQUEST ||
	    pl_probe_hdr_parse(buf + sizeof(*h), n - sizeof(*h), &sg.token))
		return;
	srv_peer(&sg, &peer);
	sg.peer_port = ntohs(h->icmp6_identifier);
	sg.len = n - sizeof(*h);
	srv_record(s, &sg);
}

static void *srv_thread(void *p)
{
	struct pl_probe_server *s = p;
	struct pollfd pfd[SRV_MAX_FDS];
	int i, n, nfds;

	for (;;) {
		nfds = s->nfds;
		for (i = 0; i < nfds; i++) {
			pfd[i].fd = s->fds[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		n = poll(pfd, nfds, -1);
		if (n < 0 && errno != EINTR)
			break;
		/* Backwards: srv_remove() moves the last entry into the hole. */
		for (i = nfds - 1; i >= 0; i--) {
			if (!pfd[i].revents)
				continue;
			switch (s->fds[i].kind) {
			case SRV_STOP:
				return NULL;
			case SRV_LISTEN:
				srv_on_accept(s, i);
				break;
			case SRV_CONN:
				srv_on_conn_data(s, i);
				break;
			case SRV_UDP:
				srv_on_udp(s, i);
				break;
			case SRV_ICMP:
				srv_on_icmp(s, i);
				break;
			case SRV_ICMP6:
				srv_on_icmp6(s, i);
				break;
			}
		}
	}
	return NULL;
}

static int srv_open(struct pl_probe_server *s, const char *netns, bool v6, int type, int proto,
		    uint16_t port, enum srv_kind kind)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct sockaddr_in6 sa6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	int one = 1, fd, err;

	fd = pl_nsrun_socket(netns, v6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK, proto);
	if (fd < 0)
		return fd;
	/* IPv6 sockets only IPv6: IPv4 probes keep their own sockets and addresses. */
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (kind != SRV_ICMP && kind != SRV_ICMP6) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if ((v6 ? bind(fd, (struct sockaddr *)&sa6, sizeof(sa6))
			: bind(fd, (struct sockaddr *)&sa, sizeof(sa))) ||
		    (kind == SRV_LISTEN && listen(fd, 128))) {
			err = -errno;
			close(fd);
			return err;
		}
	}
	err = srv_add(s, fd, kind, port);
	if (err)
		close(fd);
	return err;
}

int pl_probe_server_start(const char *netns, const uint16_t *tcp_ports, int ntcp,
			  const uint16_t *udp_ports, int nudp, unsigned int flags,
			  struct pl_probe_server **out)
{
	struct pl_probe_server *s;
	pthread_condattr_t ca;
	int i, fd, err, fam;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		err = -errno;
		goto err_out;
	}
	srv_add(s, fd, SRV_STOP, 0);
	for (fam = 0; fam < ((flags & PL_PROBE_SRV_IPV6) ? 2 : 1); fam++) {
		for (i = 0; i < ntcp; i++) {
			err = srv_open(s, netns, fam, SOCK_STREAM, 0, tcp_ports[i], SRV_LISTEN);
			if (err)
				goto err_out;
		}
		for (i = 0; i < nudp; i++) {
			err = srv_open(s, netns, fam, SOCK_DGRAM, 0, udp_ports[i], SRV_UDP);
			if (err)
				goto err_out;
		}
		if (flags & PL_PROBE_SRV_ICMP) {
			err = srv_open(s, netns, fam, SOCK_RAW, fam ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
				       0, fam ? SRV_ICMP6 : SRV_ICMP);
			if (err)
				goto err_out;
		}
	}
	err = pthread_create(&s->thread, NULL, srv_thread, s);
	if (err) {
		err = -err;
		goto err_out;
	}
	s->running = true;
	*out = s;
	return 0;
err_out:
	pl_probe_server_stop(s);
	return err;
}

void pl_probe_server_stop(struct pl_probe_server *s)
{
	uint64_t one = 1;
	int i;

	if (!s)
		return;
	if (s->running) {
		if (write(s->fds[0].fd, &one, sizeof(one)) != sizeof(one))
			pthread_cancel(s->thread);
		pthread_join(s->thread, NULL);
	}
	for (i = 0; i < s->nfds; i++)
		close(s->fds[i].fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

int pl_probe_server_find(struct pl_probe_server *s, uint8_t proto, uint64_t token, int timeout_ms,
			 struct pl_probe_sighting *out)
{
	struct timespec deadline;
	size_t i, first;
	int err = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	for (;;) {
		first = s->nseen > SRV_MAX_SEEN ? s->nseen - SRV_MAX_SEEN : 0;
		for (i = first; i < s->nseen; i++) {
			const struct pl_probe_sighting *sg = &s->seen[i % SRV_MAX_SEEN];

			if (sg->proto == proto && sg->token == token) {
				*out = *sg;
				goto out;
			}
		}
		if (err == ETIMEDOUT) {
			err = -ETIMEDOUT;
			goto out;
		}
		err = pthread_cond_timedwait(&s->cond, &s->lock, &deadline);
		if (err && err != ETIMEDOUT) {
			err = -err;
			goto out;
		}
		/* One more scan after a timeout, then give up. */
	}
out:
	if (err > 0)
		err = 0;
	pthread_mutex_unlock(&s->lock);
	return err;
}
