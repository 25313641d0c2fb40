// SPDX-License-Identifier: GPL-2.0
/* HTTP requests from a pod: through an L7 proxy, the status it answers and whether they arrived. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/clock.h"
#include "probe/nsrun.h"
#include "probe/probe.h"

int pl_probe_connect(int fd, const struct sockaddr_in *sa, int timeout_ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

/* The request's head: the method, path and headers asked for, the token, one request only. */
static int request_head(const struct pl_probe_http *q, uint64_t token, char *buf, size_t cap)
{
	size_t n;
	int i;

	n = (size_t)snprintf(buf, cap, "%s %s HTTP/1.0\r\n", q->method, q->path);
	if (q->host && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, "Host: %s\r\n", q->host);
	for (i = 0; i < q->nheaders && n < cap; i++)
		if (strcasecmp(q->hdr_name[i], "connection") && strcasecmp(q->hdr_name[i], "host"))
			n += (size_t)snprintf(buf + n, cap - n, "%s: %s\r\n", q->hdr_name[i],
					      q->hdr_value[i]);
	if (n < cap)
		n += (size_t)snprintf(buf + n, cap - n, "%s: %016llx\r\nConnection: close\r\n\r\n",
				      PL_PROBE_HTTP_HEADER, (unsigned long long)token);
	return n < cap ? (int)n : -E2BIG;
}

int pl_probe_http(const struct pl_probe_http *q, struct pl_probe_result *res)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(q->dport), .sin_addr = {q->dst_ip}};
	int timeout = q->timeout_ms > 0 ? q->timeout_ms : PL_PROBE_TIMEOUT_MS, fd, n, code = 0;
	double t0 = pl_now(), deadline = t0 + timeout / 1e3;
	char req[PL_PROBE_HTTP_MAX], line[256], *resp = q->resp ?: line;
	size_t got = 0, cap = q->resp ? q->resp_len : sizeof(line);
	struct sockaddr_in me;
	socklen_t melen = sizeof(me);
	int err;

	memset(res, 0, sizeof(*res));
	if (getrandom(&res->token, sizeof(res->token), 0) != sizeof(res->token))
		return -errno;
	if ((n = request_head(q, res->token, req, sizeof(req))) < 0)
		return n;
	fd = pl_nsrun_socket(q->src_netns, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	err = pl_probe_connect(fd, &sa, timeout);
	if (!err && !getsockname(fd, (struct sockaddr *)&me, &melen))
		res->local_port = ntohs(me.sin_port);
	if (!err && send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		err = -errno;
	/* The status line; with q->resp, all up to EOF (Connection: close ends it). */
	while (!err && got < cap - 1 && (q->resp || !memmem(resp, got, "\r\n", 2))) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int left = (int)((deadline - pl_now()) * 1e3);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		r = recv(fd, resp + got, cap - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	resp[got] = '\0';
	res->rtt_us = (uint32_t)((pl_now() - t0) * 1e6);
	if (sscanf(resp, "HTTP/1.%*d %d", &code) == 1)
		err = err == -ETIMEDOUT ? 0 : err; /* the status came, the rest was slow */
	else if (!err)
		err = -EPROTO; /* closed, or answered with no HTTP status */
	if (q->server)
		res->seen = !pl_probe_server_find(q->server, IPPROTO_TCP, res->token,
						  code == 200 ? 500 : 0, &res->sighting);
	res->status = err ? PL_PROBE_ERROR : PL_PROBE_DELIVERED;
	res->err = -err;
	return err ? err : code;
}
