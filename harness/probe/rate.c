// SPDX-License-Identifier: GPL-2.0
/* Paced UDP senders and a counting receiver, one measurement window. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "probe/nsrun.h"
#include "probe/probe_internal.h"
#include "probe/rate.h"

#define RATE_MAX_FLOWS	  32
#define RATE_QUIET_US	  300000
#define RATE_DRAIN_MAX_US 20000000

struct rate_sender {
	struct pl_rate_flow *flow;
	const struct pl_rate_opts *opts;
	int fd;
	uint64_t start_us;
};

struct rate_receiver {
	int fds[RATE_MAX_FLOWS];
	uint64_t bytes[RATE_MAX_FLOWS];
	uint64_t pkts[RATE_MAX_FLOWS];
	int n;
	uint64_t win_start_us, win_end_us;
	_Atomic uint64_t last_rx_us; /* newest arrival, to know when the queues are empty */
	atomic_bool stop;
};

static void sleep_until_us(uint64_t t)
{
	struct timespec ts = {.tv_sec = t / 1000000, .tv_nsec = (t % 1000000) * 1000};

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void *sender_thread(void *p)
{
	struct rate_sender *s = p;
	uint32_t wire = s->opts->payload + s->opts->overhead;
	uint64_t end = s->start_us + (uint64_t)(s->opts->seconds * 1e6), now, due;
	uint8_t *buf = calloc(1, s->opts->payload);
	double us_per_pkt = wire * 8.0 * 1e6 / s->flow->target_bps;
	uint64_t i;

	if (!buf)
		return NULL;
	sleep_until_us(s->start_us);
	for (i = 0;; i++) {
		due = s->start_us + (uint64_t)(i * us_per_pkt);
		if (due >= end)
			break;
		now = pl_now_ns() / 1000;
		if (due > now + 50)
			sleep_until_us(due);
		/* A full qdisc or socket buffer is the shaper doing its job: count and go on. */
		if (send(s->fd, buf, s->opts->payload, MSG_DONTWAIT) > 0)
			s->flow->sent_pkts++;
	}
	free(buf);
	return NULL;
}

static void *receiver_thread(void *p)
{
	struct rate_receiver *r = p;
	struct pollfd pfd[RATE_MAX_FLOWS];
	static __thread uint8_t buf[65536];
	uint64_t now;
	ssize_t n;
	int i;

	for (i = 0; i < r->n; i++)
		pfd[i] = (struct pollfd){.fd = r->fds[i], .events = POLLIN};
	while (!atomic_load(&r->stop)) {
		if (poll(pfd, r->n, 50) <= 0)
			continue;
		now = pl_now_ns() / 1000;
		atomic_store(&r->last_rx_us, now);
		for (i = 0; i < r->n; i++) {
			while ((n = recv(r->fds[i], buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
				if (now < r->win_start_us || now >= r->win_end_us)
					continue;
				r->bytes[i] += n;
				r->pkts[i]++;
			}
		}
	}
	return NULL;
}

static int open_bound(const char *netns, uint32_t ip, uint16_t port, bool connect_it)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = ip};
	int fd, err, buf = 4 << 20;

	fd = pl_nsrun_socket(netns, AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, connect_it ? SO_SNDBUF : SO_RCVBUF, &buf, sizeof(buf));
	if (connect_it ? connect(fd, (struct sockaddr *)&sa, sizeof(sa))
		       : bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int pl_rate_measure(struct pl_rate_flow *flows, int nflows, const struct pl_rate_opts *o)
{
	struct pl_rate_opts opts = {.seconds = 3, .warmup = 0.5, .payload = 1200};
	struct rate_sender snd[RATE_MAX_FLOWS] = {};
	struct rate_receiver *rcv;
	pthread_t sth[RATE_MAX_FLOWS], rth;
	int i, nthreads = 0, err = 0;
	bool rth_started = false;
	uint64_t start;
	double window;

	if (nflows <= 0 || nflows > RATE_MAX_FLOWS)
		return -EINVAL;
	if (o) {
		opts.seconds = o->seconds > 0 ? o->seconds : opts.seconds;
		opts.warmup = o->warmup > 0 ? o->warmup : opts.warmup;
		opts.payload = o->payload ? o->payload : opts.payload;
		opts.overhead = o->overhead;
	}
	if (opts.warmup >= opts.seconds)
		return -EINVAL;
	rcv = calloc(1, sizeof(*rcv));
	if (!rcv)
		return -ENOMEM;
	for (i = 0; i < nflows; i++) {
		rcv->fds[i] = snd[i].fd = -1;
		if (!flows[i].target_bps) {
			err = -EINVAL;
			goto out;
		}
	}
	for (i = 0; i < nflows; i++) {
		flows[i].sent_pkts = flows[i].recv_pkts = 0;
		rcv->fds[i] = open_bound(flows[i].dst_netns, 0, flows[i].dport, false);
		if (rcv->fds[i] < 0) {
			err = rcv->fds[i];
			goto out;
		}
		rcv->n++;
		snd[i].fd = open_bound(flows[i].src_netns, flows[i].dst_ip, flows[i].dport, true);
		if (snd[i].fd < 0) {
			err = snd[i].fd;
			goto out;
		}
		if (flows[i].tos)
			setsockopt(snd[i].fd, IPPROTO_IP, IP_TOS, &flows[i].tos, 1);
		snd[i].flow = &flows[i];
		snd[i].opts = &opts;
	}
	start = (pl_now_ns() / 1000) + 20000;
	rcv->win_start_us = start + (uint64_t)(opts.warmup * 1e6);
	rcv->win_end_us = start + (uint64_t)(opts.seconds * 1e6);
	err = pthread_create(&rth, NULL, receiver_thread, rcv);
	if (err) {
		err = -err;
		goto out;
	}
	rth_started = true;
	for (i = 0; i < nflows; i++) {
		snd[i].start_us = start;
		err = pthread_create(&sth[i], NULL, sender_thread, &snd[i]);
		if (err) {
			err = -err;
			break;
		}
		nthreads++;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(sth[i], NULL);
	/*
	 * Wait until the qdisc queues are empty (nothing arrived for RATE_QUIET_US), so a
	 * measurement that follows does not share the link with this one's backlog.
	 */
	while ((pl_now_ns() / 1000) - atomic_load(&rcv->last_rx_us) < RATE_QUIET_US &&
	       (pl_now_ns() / 1000) < rcv->win_end_us + RATE_DRAIN_MAX_US)
		usleep(20000);
	window = (rcv->win_end_us - rcv->win_start_us) / 1e6;
	for (i = 0; i < nflows; i++) {
		flows[i].recv_pkts = rcv->pkts[i];
		flows[i].goodput_bps = rcv->bytes[i] * 8.0 / window;
		flows[i].wire_bps =
			(rcv->bytes[i] + (double)rcv->pkts[i] * opts.overhead) * 8.0 / window;
	}
out:
	if (rth_started) {
		atomic_store(&rcv->stop, true);
		pthread_join(rth, NULL);
	}
	for (i = 0; i < nflows; i++) {
		if (rcv->fds[i] >= 0)
			close(rcv->fds[i]);
		if (snd[i].fd >= 0)
			close(snd[i].fd);
	}
	free(rcv);
	return err;
}
