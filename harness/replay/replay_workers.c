// SPDX-License-Identifier: GPL-2.0
/* Unit-mode replay on several CPUs, sharded by flow (replay_workers.h). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "replay/evshare.h"
#include "replay/l7_stream.h"
#include "replay/replay.h"
#include "replay/replay_workers.h"
#include "topo/topo.h"

struct worker {
	struct pl_replay_workers *w;
	struct pl_replay view; /* the replay as this thread sees it: own buffer, netns, CPU */
	pthread_t thread;
	int index;
	/* this run */
	const struct pl_replay_pkts *pk;
	int from, to;
	struct pl_result *res;
	int *state;
	volatile sig_atomic_t *stop;
	int err; /* the thread's own setup failed */
};

struct pl_replay_workers {
	struct pl_replay *rp;
	struct pl_evshare evshare;
	struct worker *ws;
	int n;
	int started, start_err; /* threads of the run under way */
};

static uint32_t mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	h *= 0x846ca68b;
	h ^= h >> 16;
	return h;
}

/* Symmetric in the two ends: (a, ap) -> (b, bp) and back hash alike. */
static uint32_t tuple_key(uint32_t a, uint32_t b, uint16_t ap, uint16_t bp, uint8_t proto)
{
	uint64_t x = ((uint64_t)a << 16) | ap, y = ((uint64_t)b << 16) | bp, lo, hi;

	lo = x < y ? x : y;
	hi = x < y ? y : x;
	return mix32(mix32((uint32_t)lo ^ (uint32_t)(lo >> 32) * 0x9e3779b1u) ^ (uint32_t)hi ^
		     (uint32_t)(hi >> 32) * 0x85ebca6bu ^ proto);
}

static uint32_t fold6(const uint8_t *ip6)
{
	uint32_t w[4];

	memcpy(w, ip6, 16);
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

uint32_t pl_flow_shard_key(const struct topo *t, const struct pl_replay_pkt *p,
			   const struct pl_inject *opt_at)
{
	struct pl_inject at = p->at.kind != PL_INJECT_AUTO ? p->at : *opt_at;
	struct pl_pkt_info info;
	char why[8];
	bool inner;

	pl_pkt_parse(p->data, p->len, &info);
	if (at.kind == PL_INJECT_AUTO &&
	    pl_inject_choose(t, p->data, p->len, &at, why, sizeof(why)))
		return 0;
	/* The program that tracks a VXLAN frame sees its inner frame (replay_unit.c). */
	inner = info.vxlan && info.inner_off < p->len &&
		(at.kind == PL_INJECT_VXLAN ||
		 (at.kind == PL_INJECT_UPLINK && info.daddr == t->nodes[at.node].underlay_ip));
	if (inner)
		pl_pkt_parse(p->data + info.inner_off, p->len - info.inner_off, &info);
	if (info.ipv6 && info.quote.present) /* an ICMPv6 error: its quoted flow's key */
		return tuple_key(fold6(info.quote.src.v6), fold6(info.quote.dst.v6),
				 info.quote.proto == IPPROTO_ICMPV6 ? 0 : info.quote.sport,
				 info.quote.proto == IPPROTO_ICMPV6 ? 0 : info.quote.dport,
				 info.quote.proto);
	if (info.ipv6) { /* conntrack6: the same key, the addresses folded */
		uint32_t a = fold6(info.src.v6), b = fold6(info.dst.v6);

		if (info.proto == IPPROTO_ICMPV6 || !info.has_l4)
			return tuple_key(a, b, 0, 0, info.proto);
		return tuple_key(a, b, info.sport, info.dport, info.proto);
	}
	if (!info.ipv4)
		return 0;	/* to the stack untracked */
	if (info.quote.present) /* an ICMP error: conntrack looks its quoted flow up */
		return tuple_key(info.quote.saddr, info.quote.daddr,
				 info.quote.proto == IPPROTO_ICMP ? 0 : info.quote.sport,
				 info.quote.proto == IPPROTO_ICMP ? 0 : info.quote.dport,
				 info.quote.proto);
	/* ICMP without ports: the address pair (coarser than conntrack, never finer). */
	if (info.proto == IPPROTO_ICMP || !info.has_l4)
		return tuple_key(info.saddr, info.daddr, 0, 0, info.proto);
	return tuple_key(info.saddr, info.daddr, info.sport, info.dport, info.proto);
}

int pl_replay_workers_max(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set) ?: 1;
}

int pl_replay_workers_open(struct pl_replay *rp, int n, struct pl_replay_workers **out)
{
	struct pl_replay_workers *w;
	cpu_set_t set, mine;
	int i, cpu, err;

	*out = NULL;
	if (sched_getaffinity(0, sizeof(set), &set))
		return pl_err_errno(-errno, "reading the CPUs this process may run on");
	if (n > CPU_COUNT(&set))
		n = CPU_COUNT(&set);
	if (n < 1)
		n = 1;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ws = calloc(n, sizeof(*w->ws));
	if (!w->ws) {
		free(w);
		return -ENOMEM;
	}
	w->rp = rp;
	w->n = n;
	CPU_ZERO(&mine);
	for (i = 0, cpu = 0; i < n; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		w->ws[i].w = w;
		w->ws[i].index = i;
		w->ws[i].view = *rp;
		w->ws[i].view.cpu = cpu;
		w->ws[i].view.buf = malloc(PL_PKT_MAX + 256);
		w->ws[i].view.l7_streams = rp->l7_streams ? pl_l7_streams_new() : NULL;
		if (!w->ws[i].view.buf || (rp->l7_streams && !w->ws[i].view.l7_streams)) {
			w->n = i + 1;
			pl_replay_workers_close(w);
			return -ENOMEM;
		}
		w->ws[i].view.evshare = &w->evshare;
		CPU_SET(cpu, &mine);
		i++;
	}
	err = pl_evshare_init(&w->evshare, rp->t->nnodes, &mine);
	if (err) {
		pl_replay_workers_close(w);
		return err;
	}
	*out = w;
	return 0;
}

int pl_replay_workers_count(const struct pl_replay_workers *w)
{
	return w->n;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	int n = wk->w->n, i, err;

	/* The event tells workers apart by CPU: run only where pinned. */
	if (sched_getcpu() != wk->view.cpu) {
		wk->err = -EAGAIN;
		return NULL;
	}
	for (i = wk->from; i < wk->to; i++) {
		const struct pl_replay_pkt *p = &wk->pk->p[i];

		if (n > 1 &&
		    (int)(pl_flow_shard_key(wk->view.t, p, &wk->view.opts.at) % n) != wk->index)
			continue;
		if (wk->stop && *wk->stop)
			break;
		err = pl_replay_one(&wk->view, p, &wk->res[i - wk->from]);
		if (err) {
			wk->state[i - wk->from] = err;
			break;
		}
		wk->state[i - wk->from] = 1;
	}
	return NULL;
}

int pl_replay_workers_start(struct pl_replay_workers *w, const struct pl_replay_pkts *pk, int from,
			    int to, struct pl_result *res, int *state, volatile sig_atomic_t *stop)
{
	pthread_attr_t attr;
	cpu_set_t one;
	int started, err = 0;

	memset(state, 0, (to - from) * sizeof(*state));
	pthread_attr_init(&attr);
	for (started = 0; started < w->n; started++) {
		struct worker *wk = &w->ws[started];

		wk->pk = pk;
		wk->from = from;
		wk->to = to;
		wk->res = res;
		wk->state = state;
		wk->stop = stop;
		wk->err = 0;
		/* A new thread starts in the netns of its creator. */
		wk->view.cur_node = w->rp->cur_node;
		CPU_ZERO(&one);
		CPU_SET(wk->view.cpu, &one);
		err = -pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
		if (!err)
			err = -pthread_create(&wk->thread, &attr, worker_main, wk);
		if (err) {
			pl_err_errno(err, "starting replay worker %d on CPU %d", started,
				     wk->view.cpu);
			break;
		}
	}
	pthread_attr_destroy(&attr);
	w->started = started;
	w->start_err = err;
	return 0;
}

int pl_replay_workers_wait(struct pl_replay_workers *w)
{
	int i, err = w->start_err;

	for (i = 0; i < w->started; i++) {
		pthread_join(w->ws[i].thread, NULL);
		if (w->ws[i].err && !err)
			err = pl_err_errno(w->ws[i].err, "replay worker %d is not on its CPU %d", i,
					   w->ws[i].view.cpu);
	}
	w->started = 0;
	w->start_err = 0;
	return err;
}

int pl_replay_workers_run(struct pl_replay_workers *w, const struct pl_replay_pkts *pk, int from,
			  int to, struct pl_result *res, int *state, volatile sig_atomic_t *stop)
{
	pl_replay_workers_start(w, pk, from, to, res, state, stop);
	return pl_replay_workers_wait(w);
}

void pl_replay_workers_close(struct pl_replay_workers *w)
{
	int i;

	if (!w)
		return;
	pl_replay_workers_wait(w);
	for (i = 0; i < w->n; i++) {
		free(w->ws[i].view.buf);
		pl_l7_streams_free(w->ws[i].view.l7_streams);
	}
	pl_evshare_destroy(&w->evshare);
	free(w->ws);
	free(w);
}
