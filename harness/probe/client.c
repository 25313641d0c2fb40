// SPDX-License-Identifier: GPL-2.0
/* Probe clients: ICMP/ICMPv6 echo, TCP connect, UDP echo, and the DF MTU search. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/icmpv6.h>
#include <linux/icmp.h> /* not netinet/ip_icmp.h: its icmp_seq macro breaks lib/pkt.h */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/pkt.h"
#include "probe/nsrun.h"
#include "probe/probe.h"
#include "probe/probe_internal.h"

#define PROBE_MAX_PAYLOAD 65000

const char *pl_probe_status_name(enum pl_probe_status st)
{
	switch (st) {
	case PL_PROBE_DELIVERED:
		return "delivered";
	case PL_PROBE_TIMEOUT:
		return "timeout";
	case PL_PROBE_REFUSED:
		return "refused";
	case PL_PROBE_UNREACHABLE:
		return "unreachable";
	case PL_PROBE_TOO_BIG:
		return "too-big";
	case PL_PROBE_ERROR:
		return "error";
	}
	return "?";
}

/* Maps a socket error to a probe outcome. */
static void probe_set_errno(struct pl_probe_result *res, int err)
{
	res->err = err;
	switch (err) {
	case ECONNREFUSED:
		res->status = PL_PROBE_REFUSED;
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		res->status = PL_PROBE_UNREACHABLE;
		break;
	case EMSGSIZE:
		res->status = PL_PROBE_TOO_BIG;
		break;
	case ETIMEDOUT:
		res->status = PL_PROBE_TIMEOUT;
		break;
	default:
		res->status = PL_PROBE_ERROR;
	}
}

static int remaining_ms(uint64_t deadline_us)
{
	uint64_t now = pl_now_ns() / 1000;

	return now >= deadline_us ? 0 : (int)((deadline_us - now + 999) / 1000);
}

/* The next datagram before the deadline: its length, or -ETIMEDOUT / -errno. */
static ssize_t recv_until(int fd, void *buf, size_t len, uint64_t deadline_us)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, remaining_ms(deadline_us)) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}

static void local_addr(int fd, struct pl_probe_result *res)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct sockaddr_in *s4 = (void *)&ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET6) {
		memcpy(res->local_ip6, &s6->sin6_addr, 16);
		res->local_port = ntohs(s6->sin6_port);
	} else {
		res->local_ip = s4->sin_addr.s_addr;
		res->local_port = ntohs(s4->sin_port);
	}
}

/* The destination of req at port, either family; its length. */
static socklen_t dst_sockaddr(const struct pl_probe_req *req, uint16_t port,
			      struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (req->v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, req->dst_ip6, 16);
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = req->dst_ip;
	return sizeof(*s4);
}

/*
 * ICMPv6 echo on a raw ICMPv6 socket: the kernel fills the checksum and hands over the
 * message without the IPv6 header. Errors quote our request: 40 bytes of IPv6 header, then it.
 */
static int probe_icmp6(int fd, const struct pl_probe_req *req, uint8_t *buf, size_t plen,
		       uint64_t deadline, struct pl_probe_result *res)
{
	struct icmp6hdr *h = (void *)buf;
	uint16_t id = htons(res->token & 0xffff), seq = htons((res->token >> 16) & 0xffff);
	uint8_t rx[65536];
	uint64_t tok;
	ssize_t n;

	h->icmp6_type = ICMPV6_ECHO_REQUEST;
	h->icmp6_identifier = id;
	h->icmp6_sequence = seq;
	pl_probe_hdr_build(buf + sizeof(*h), res->token);
	if (send(fd, buf, sizeof(*h) + plen, 0) < 0) {
		probe_set_errno(res, errno);
		return 0;
	}
	local_addr(fd, res);
	for (;;) {
		const struct icmp6hdr *r = (const void *)rx, *q;

		n = recv_until(fd, rx, sizeof(rx), deadline);
		if (n < 0) {
			probe_set_errno(res, -n);
			return 0;
		}
		if ((size_t)n < sizeof(*r))
			continue;
		if (r->icmp6_type == ICMPV6_ECHO_REPLY && r->icmp6_identifier == id &&
		    r->icmp6_sequence == seq &&
		    !pl_probe_hdr_parse(rx + sizeof(*r), n - sizeof(*r), &tok) &&
		    tok == res->token) {
			res->status = PL_PROBE_DELIVERED;
			return 0;
		}
		if ((r->icmp6_type != ICMPV6_DEST_UNREACH && r->icmp6_type != ICMPV6_PKT_TOOBIG) ||
		    (size_t)n < sizeof(*r) + 40 + sizeof(*q))
			continue;
		/* The quoted request: next header ICMPv6, our destination, our id. */
		q = (const void *)(rx + sizeof(*r) + 40);
		if (rx[sizeof(*r) + 6] != IPPROTO_ICMPV6 ||
		    memcmp(rx + sizeof(*r) + 24, req->dst_ip6, 16) ||
		    q->icmp6_type != ICMPV6_ECHO_REQUEST || q->icmp6_identifier != id)
			continue;
		probe_set_errno(res, r->icmp6_type == ICMPV6_PKT_TOOBIG	    ? EMSGSIZE
				     : r->icmp6_code == ICMPV6_PORT_UNREACH ? ECONNREFUSED
									    : EHOSTUNREACH);
		return 0;
	}
}

/* An ICMP error quoting our echo request: unreachable/too-big outcome, or 0 if not ours. */
static int icmp_error_for_us(const struct pl_pkt_info *info, uint32_t dst, uint16_t id)
{
	const struct pl_pkt_quote *q = &info->quote;

	if (!q->present || q->daddr != dst || q->proto != IPPROTO_ICMP ||
	    q->icmp_type != ICMP_ECHO || q->sport != id)
		return 0;
	if (info->icmp_code == ICMP_FRAG_NEEDED)
		return EMSGSIZE;
	return info->icmp_code == ICMP_PORT_UNREACH ? ECONNREFUSED : EHOSTUNREACH;
}

static int probe_icmp(int fd, const struct pl_probe_req *req, uint8_t *buf, size_t plen,
		      uint64_t deadline, struct pl_probe_result *res)
{
	struct icmphdr *h = (void *)buf;
	uint16_t id = htons(res->token & 0xffff), seq = htons((res->token >> 16) & 0xffff);
	uint8_t rx[65536];
	ssize_t n;
	int err;

	h->type = ICMP_ECHO;
	h->un.echo.id = id;
	h->un.echo.sequence = seq;
	pl_probe_hdr_build(buf + sizeof(*h), res->token);
	h->checksum = htons(pl_csum(buf, sizeof(*h) + plen));
	if (send(fd, buf, sizeof(*h) + plen, 0) < 0) {
		probe_set_errno(res, errno);
		return 0;
	}
	local_addr(fd, res);
	for (;;) {
		struct pl_pkt_info info;
		const uint8_t *body;
		uint64_t tok;

		n = recv_until(fd, rx, sizeof(rx), deadline);
		if (n < 0) {
			probe_set_errno(res, -n);
			return 0;
		}
		/* A raw ICMP socket hands over the IPv4 header too. */
		pl_pkt_parse_ip(rx, n, &info);
		if (!info.ipv4 || !info.has_l4 || info.proto != IPPROTO_ICMP)
			continue;
		body = rx + info.l4_off + info.l4_hlen;
		if (info.icmp_type == ICMP_ECHOREPLY && info.sport == ntohs(id) &&
		    info.icmp_seq == ntohs(seq) &&
		    !pl_probe_hdr_parse(body, info.l4_len - info.l4_hlen, &tok) &&
		    tok == res->token) {
			res->status = PL_PROBE_DELIVERED;
			return 0;
		}
		if (info.icmp_type == ICMP_DEST_UNREACH) {
			err = icmp_error_for_us(&info, req->dst_ip, ntohs(id));
			if (err) {
				probe_set_errno(res, err);
				return 0;
			}
		}
	}
}

static int probe_tcp(int fd, const struct pl_probe_req *req, uint64_t deadline,
		     struct pl_probe_result *res)
{
	struct sockaddr_storage sa;
	socklen_t salen = dst_sockaddr(req, req->dport, &sa);
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	uint8_t hdr[PL_PROBE_HDR_LEN];
	socklen_t elen = sizeof(int);
	int soerr = 0;

	if (connect(fd, (struct sockaddr *)&sa, salen) && errno != EINPROGRESS) {
		probe_set_errno(res, errno);
		return 0;
	}
	local_addr(fd, res);
	if (poll(&pfd, 1, remaining_ms(deadline)) <= 0) {
		probe_set_errno(res, ETIMEDOUT);
		return 0;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen);
	if (soerr) {
		probe_set_errno(res, soerr);
		return 0;
	}
	local_addr(fd, res);
	pl_probe_hdr_build(hdr, res->token);
	if (send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL) != sizeof(hdr)) {
		probe_set_errno(res, errno);
		return 0;
	}
	res->status = PL_PROBE_DELIVERED;
	return 0;
}

static int probe_udp(int fd, const struct pl_probe_req *req, uint8_t *buf, size_t plen,
		     uint64_t deadline, struct pl_probe_result *res)
{
	struct sockaddr_storage sa;
	socklen_t salen = dst_sockaddr(req, req->dport, &sa);
	uint8_t rx[PL_PROBE_HDR_LEN * 4];
	uint64_t tok;
	ssize_t n;

	if (connect(fd, (struct sockaddr *)&sa, salen)) {
		probe_set_errno(res, errno);
		return 0;
	}
	local_addr(fd, res);
	pl_probe_hdr_build(buf, res->token);
	if (send(fd, buf, plen, 0) < 0) {
		probe_set_errno(res, errno);
		return 0;
	}
	for (;;) {
		n = recv_until(fd, rx, sizeof(rx), deadline);
		if (n < 0) {
			probe_set_errno(res, -n);
			return 0;
		}
		if (!pl_probe_hdr_parse(rx, n, &tok) && tok == res->token) {
			res->status = PL_PROBE_DELIVERED;
			return 0;
		}
	}
}

int pl_probe(const struct pl_probe_req *req, struct pl_probe_result *res)
{
	int timeout = req->timeout_ms > 0 ? req->timeout_ms : PL_PROBE_TIMEOUT_MS;
	size_t plen = req->payload < PL_PROBE_HDR_LEN ? PL_PROBE_HDR_LEN : req->payload;
	int type, proto = 0, pmtu = IP_PMTUDISC_DO, pmtu6 = IPV6_PMTUDISC_DO, fd, err;
	uint64_t start, deadline;
	uint8_t *buf = NULL;

	memset(res, 0, sizeof(*res));
	if (plen > PROBE_MAX_PAYLOAD)
		return -EINVAL;
	switch (req->proto) {
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if ((req->proto == IPPROTO_ICMPV6) != req->v6)
			return -EPROTONOSUPPORT; /* echo is ICMP over IPv4, ICMPv6 over IPv6 */
		type = SOCK_RAW;
		proto = req->proto;
		break;
	case IPPROTO_TCP:
		type = SOCK_STREAM;
		break;
	case IPPROTO_UDP:
		type = SOCK_DGRAM;
		break;
	default:
		return -EPROTONOSUPPORT;
	}
	if (getrandom(&res->token, sizeof(res->token), 0) != sizeof(res->token))
		return -errno;
	fd = pl_nsrun_socket(req->src_netns, req->v6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK,
			     proto);
	if (fd < 0)
		return fd;
	buf = calloc(1, plen + sizeof(struct icmphdr));
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	if (req->dont_fragment && !req->v6 &&
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu))) {
		err = -errno;
		goto out;
	}
	/* IPv6 routers never fragment; the sender must not either: EMSGSIZE past the path MTU. */
	if (req->dont_fragment && req->v6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu6, sizeof(pmtu6))) {
		err = -errno;
		goto out;
	}
	err = 0;
	start = pl_now_ns() / 1000;
	deadline = start + (uint64_t)timeout * 1000;
	if (req->proto == IPPROTO_ICMP || req->proto == IPPROTO_ICMPV6) {
		struct sockaddr_storage sa;
		socklen_t salen = dst_sockaddr(req, 0, &sa);

		/* connect() picks the route and source address, and filters replies by peer. */
		if (connect(fd, (struct sockaddr *)&sa, salen))
			probe_set_errno(res, errno);
		else if (req->v6)
			err = probe_icmp6(fd, req, buf, plen, deadline, res);
		else
			err = probe_icmp(fd, req, buf, plen, deadline, res);
	} else if (req->proto == IPPROTO_TCP) {
		err = probe_tcp(fd, req, deadline, res);
	} else {
		err = probe_udp(fd, req, buf, plen, deadline, res);
	}
	res->rtt_us = (pl_now_ns() / 1000) - start;
	if (req->server) {
		/* The reply proves delivery; the wait only covers the server thread's lag. */
		int wait = res->status == PL_PROBE_DELIVERED ? 500 : 0;

		res->seen = !pl_probe_server_find(req->server, req->proto, res->token, wait,
						  &res->sighting);
	}
out:
	free(buf);
	close(fd);
	return err;
}

int pl_probe_mtu(const char *src_netns, uint32_t dst_ip, const uint8_t *dst_ip6, uint16_t dport,
		 struct pl_probe_server *srv, int timeout_ms, uint32_t *payload)
{
	struct pl_probe_req req = {.src_netns = src_netns,
				   .proto = IPPROTO_UDP,
				   .v6 = dst_ip6 != NULL,
				   .dst_ip = dst_ip,
				   .dport = dport,
				   .timeout_ms = timeout_ms,
				   .dont_fragment = true,
				   .server = srv};
	struct pl_probe_result res;
	uint32_t lo = PL_PROBE_HDR_LEN, hi = 9000, mid;
	int attempt, err;

	if (dst_ip6)
		memcpy(req.dst_ip6, dst_ip6, 16);

	/* Invariant: lo crosses, hi + 1 does not (a jumbo path is capped at 9000). */
	for (attempt = 0; attempt < 3; attempt++) {
		req.payload = lo;
		err = pl_probe(&req, &res);
		if (err)
			return err;
		if (res.status == PL_PROBE_DELIVERED && (!srv || res.seen))
			break;
	}
	if (attempt == 3)
		return -EHOSTUNREACH;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		req.payload = mid;
		for (attempt = 0; attempt < 2; attempt++) {
			err = pl_probe(&req, &res);
			if (err)
				return err;
			if (res.status != PL_PROBE_TIMEOUT)
				break;
		}
		if (res.status == PL_PROBE_DELIVERED && (!srv || res.seen))
			lo = mid;
		else
			hi = mid - 1;
	}
	*payload = lo;
	return 0;
}
