// SPDX-License-Identifier: GPL-2.0
/*
 * Sim mode of the replay: the simulator (sim/walk.h) walks every packet hop
 * by hop through the run's namespaces and pinned programs and maps (the same
 * ones unit and live mode use), then its walk becomes a struct pl_result.
 * Packets go one at a time on a virtual clock: each is injected when the one
 * before it is done, so results do not depend on the wall clock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/user_prog.h"
#include "lib/pkt.h"
#include "lib/datapath.h"
#include "replay/replay_run.h"
#include "replay/replay_sim.h"
#include "topo/topo.h"
#include "walk.h"

struct sim_flow {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint8_t proto;
	unsigned packets, delivered;
	uint64_t bytes;	      /* delivered frame bytes */
	uint64_t first, last; /* first injection, last delivery */
	uint64_t lat_sum, lat_min, lat_max;
};

struct replay_sim {
	struct sim_walk *w;
	/* pl_replay_sim_prepare: results of a clocked run, by index into its packets */
	const struct pl_replay_pkt *base;
	struct sim_walk_result *pre;
	bool *ready;
	int npre;
	uint64_t now; /* virtual time of the next injection */
	struct sim_flow *flows;
	int nflows, cap;
	struct sim_walk_result res;
};

static int sim_enter(void *ctx, int node)
{
	return pl_replay_enter(ctx, node);
}

static int sim_test_run(void *ctx, int node, enum pl_prog prog, const uint8_t *pkt, uint32_t len,
			uint32_t ifindex, uint32_t mark, struct pl_run_result *rr)
{
	return pl_replay_test_run(ctx, node, prog, pkt, len, ifindex, mark, rr);
}

int pl_replay_sim_open(struct pl_replay *rp)
{
	struct sim_walk_progs progs = {.ctx = rp, .enter = sim_enter, .test_run = sim_test_run};
	struct sim_walk_opts o = {.routing = -1, .seed = 1};
	struct replay_sim *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	err = pl_sim_walk_open_with(rp->t, &o, &progs, &s->w);
	if (err) {
		free(s);
		return err;
	}
	rp->sim = s;
	return 0;
}

void pl_replay_sim_close(struct pl_replay *rp)
{
	struct replay_sim *s = rp->sim;
	int i;

	if (!s)
		return;
	for (i = 0; i < s->npre; i++)
		if (s->ready[i])
			pl_sim_walk_result_release(&s->pre[i]);
	free(s->pre);
	free(s->ready);
	pl_sim_walk_close(s->w);
	free(s->flows);
	free(s);
	rp->sim = NULL;
}

static struct sim_flow *flow_of(struct replay_sim *s, const struct sim_hdrs *h)
{
	struct sim_flow *f;
	int i;

	for (i = 0; i < s->nflows; i++) {
		f = &s->flows[i];
		if (f->saddr == h->saddr && f->daddr == h->daddr && f->sport == h->sport &&
		    f->dport == h->dport && f->proto == h->proto)
			return f;
	}
	if (s->nflows == s->cap) {
		int cap = s->cap ? s->cap * 2 : 16;

		f = realloc(s->flows, cap * sizeof(*f));
		if (!f)
			return NULL;
		s->flows = f;
		s->cap = cap;
	}
	f = &s->flows[s->nflows++];
	memset(f, 0, sizeof(*f));
	f->saddr = h->saddr;
	f->daddr = h->daddr;
	f->sport = h->sport;
	f->dport = h->dport;
	f->proto = h->proto;
	f->lat_min = UINT64_MAX;
	return f;
}

static void account(struct replay_sim *s, const struct sim_walk_result *r)
{
	struct sim_flow *f = flow_of(s, &r->in);
	uint64_t lat;

	if (!f)
		return;
	if (!f->packets++)
		f->first = r->t_inject;
	if (r->delivery == SIM_DELIV_DROPPED || r->t_deliver == SIM_NO_TIME)
		return;
	lat = r->t_deliver - r->t_inject;
	f->delivered++;
	f->bytes += r->out_len;
	f->last = r->t_deliver;
	f->lat_sum += lat;
	f->lat_min = lat < f->lat_min ? lat : f->lat_min;
	f->lat_max = lat > f->lat_max ? lat : f->lat_max;
}

static void to_hops(struct pl_replay *rp, const struct sim_walk_result *r, struct pl_result *res)
{
	int i;

	for (i = 0; i < r->nsteps && res->nhops < PL_RESULT_MAX_HOPS; i++) {
		const struct sim_step *s = &r->steps[i];
		struct pl_hop *h;

		if (s->kind != SIM_STEP_PROG && s->kind != SIM_STEP_DROP)
			continue;
		h = &res->hops[res->nhops++];
		memset(h, 0, sizeof(*h));
		h->node = s->node;
		h->retval = s->retval;
		if (s->kind == SIM_STEP_DROP) {
			/* The kernel between hooks: no program, the simulator's reason. */
			h->verdict = PL_VERDICT_DROPPED;
			h->drop_reason = s->drop_reason;
			h->retval = -1;
			snprintf(h->remark, sizeof(h->remark), "kernel: %.80s", s->text);
			continue;
		}
		h->prog = s->prog;
		if (s->user) {
			h->prog = PL_PROG_USER;
			h->obs_point = pl_user_obs_point(&rp->t->programs[s->user - 1]);
			h->verdict = s->drop_reason ? PL_VERDICT_DROPPED : PL_VERDICT_FORWARDED;
			h->drop_reason = s->drop_reason;
			pl_user_hop_name(h->user, sizeof(h->user), rp->t, s->user - 1, s->node,
					 s->dev, s->hook);
			continue;
		}
		if (s->has_event)
			pl_replay_hop_event(rp, h, s->node, &s->ev);
	}
}

static void to_result(struct pl_replay *rp, const struct sim_walk_result *r, struct pl_result *res)
{
	const struct topo *t = rp->t;

	to_hops(rp, r, res);
	res->verdict = r->verdict;
	res->drop_reason = r->delivery == SIM_DELIV_DROPPED ? r->drop_reason : 0;
	res->deliver_pod = -1;
	res->deliver_node = r->delivery == SIM_DELIV_DROPPED ? r->drop_node : r->deliver_node;
	switch (r->delivery) {
	case SIM_DELIV_POD:
		res->delivery = PL_DELIV_POD;
		res->deliver_pod = r->deliver_pod;
		snprintf(res->out_dev, sizeof(res->out_dev), "%s", t->pods[r->deliver_pod].name);
		break;
	case SIM_DELIV_STACK:
		res->delivery = PL_DELIV_STACK;
		snprintf(res->out_dev, sizeof(res->out_dev), "%s.stack",
			 t->nodes[r->deliver_node].name);
		break;
	case SIM_DELIV_WORLD:
		/* Left the cluster towards the world host through this node. */
		res->delivery = PL_DELIV_UPLINK;
		snprintf(res->out_dev, sizeof(res->out_dev), "%s",
			 t->world.name ? t->world.name : "world");
		break;
	default:
		res->delivery = PL_DELIV_DROPPED;
		break;
	}
	res->encap = r->encap || r->in.encap;
	res->encap_ipip = r->encap && r->encap_ipip;
	res->vni = r->encap ? r->vni : r->in.vni;
	res->outer_saddr = r->encap ? r->outer_saddr : r->in.outer_saddr;
	res->outer_daddr = r->encap ? r->outer_daddr : r->in.outer_daddr;
	if (r->out && r->delivery != SIM_DELIV_DROPPED) {
		res->out = malloc(r->out_len);
		if (res->out) {
			memcpy(res->out, r->out, r->out_len);
			res->out_len = r->out_len;
		}
		pl_result_set_output(res, r->out, r->out_len);
	}
	res->timed = true;
	res->t_inject = r->t_inject;
	res->t_enqueue = r->t_enqueue;
	res->t_dequeue = r->t_dequeue;
	res->t_deliver = r->t_deliver;
}

static void to_sim_inject(const struct pl_inject *at, struct sim_inject *in)
{
	in->node = at->node;
	in->pod = at->pod;
	in->kind = at->kind == PL_INJECT_POD	 ? SIM_INJECT_POD
		   : at->kind == PL_INJECT_VXLAN ? SIM_INJECT_VXLAN
						 : SIM_INJECT_UPLINK;
}

int pl_replay_sim_prepare(struct pl_replay *rp, const struct pl_replay_pkts *pk)
{
	struct replay_sim *s = rp->sim;
	struct sim_walk_input *in = NULL;
	int *idx = NULL, i, m = 0, err = -ENOMEM;
	uint64_t t0 = UINT64_MAX;
	char why[128];

	if (!s || s->pre || pk->n <= 0)
		return 0;
	s->pre = calloc(pk->n, sizeof(*s->pre));
	s->ready = calloc(pk->n, sizeof(*s->ready));
	in = calloc(pk->n, sizeof(*in));
	idx = calloc(pk->n, sizeof(*idx));
	if (!s->pre || !s->ready || !in || !idx)
		goto out;
	for (i = 0; i < pk->n; i++)
		if (pk->p[i].ts_ns && pk->p[i].ts_ns < t0)
			t0 = pk->p[i].ts_ns;
	for (i = 0; i < pk->n; i++) {
		const struct pl_replay_pkt *p = &pk->p[i];
		struct pl_inject at = p->at.kind != PL_INJECT_AUTO ? p->at : rp->opts.at;

		if (p->skip || (at.kind == PL_INJECT_AUTO &&
				pl_inject_choose(rp->t, p->data, p->len, &at, why, sizeof(why))))
			continue; /* pl_replay_one reports why */
		in[m].frame = p->data;
		in[m].len = p->len;
		to_sim_inject(&at, &in[m].at);
		/* Capture times from the first packet; inline packets 1 ms apart. */
		in[m].t_ns =
			t0 != UINT64_MAX && p->ts_ns >= t0 ? p->ts_ns - t0 : (uint64_t)i * 1000000;
		idx[m++] = i;
	}
	s->base = pk->p;
	s->npre = pk->n;
	err = pl_sim_walk_reset(s->w);
	if (!err)
		err = pl_sim_walk_run(s->w, in, m, s->pre + 0);
	if (!err) {
		/* Results came out in input order: move each to its packet's index. */
		for (i = m - 1; i >= 0; i--) {
			struct sim_walk_result tmp = s->pre[i];

			s->pre[i] = (struct sim_walk_result){0};
			s->pre[idx[i]] = tmp;
			s->ready[idx[i]] = true;
		}
	}
out:
	if (err) {
		free(s->pre);
		free(s->ready);
		s->pre = NULL;
		s->ready = NULL;
		s->npre = 0;
	}
	free(in);
	free(idx);
	return err;
}

int pl_replay_sim_one(struct pl_replay *rp, const struct pl_replay_pkt *p,
		      const struct pl_inject *at, struct pl_result *res)
{
	struct replay_sim *s = rp->sim;
	struct sim_walk_result *r = &s->res;
	struct sim_inject in;
	long k = s->pre ? p - s->base : -1;
	int err = 0, i;

	to_sim_inject(at, &in);
	if (k >= 0 && k < s->npre && s->ready[k]) {
		*r = s->pre[k];
		s->ready[k] = false;
	} else {
		err = pl_sim_walk_packet(s->w, p->data, p->len, &in, s->now, r);
	}
	if (err) {
		res->status = PL_RES_ERROR;
		snprintf(res->skip, sizeof(res->skip), "walking: %s", strerror(-err));
		return 0;
	}
	if (r->refused) {
		res->status = PL_RES_SKIPPED;
		snprintf(res->skip, sizeof(res->skip), "%s",
			 "BPF_PROG_TEST_RUN refuses this frame (EINVAL): not walkable in sim mode");
	} else {
		to_result(rp, r, res);
		account(s, r);
	}
	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].t_ns > s->now)
			s->now = r->steps[i].t_ns;
	pl_sim_walk_result_release(r);
	return 0;
}

void pl_replay_sim_flows_print(const struct pl_replay *rp, FILE *out)
{
	const struct replay_sim *s = rp->sim;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	if (!s || !s->nflows)
		return;
	fprintf(out, "flows (virtual time):\n");
	for (i = 0; i < s->nflows; i++) {
		const struct sim_flow *f = &s->flows[i];
		uint64_t span = f->last > f->first ? f->last - f->first : 0;

		fprintf(out, "  %s:%u > %s:%u proto %u: %u packets, %u delivered, %llu bytes",
			pl_ip4_str(f->saddr, a), f->sport, pl_ip4_str(f->daddr, b), f->dport,
			f->proto, f->packets, f->delivered, (unsigned long long)f->bytes);
		if (f->delivered)
			fprintf(out, ", latency min/avg/max %llu/%llu/%llu ns",
				(unsigned long long)f->lat_min,
				(unsigned long long)(f->lat_sum / f->delivered),
				(unsigned long long)f->lat_max);
		if (span && f->delivered > 1)
			fprintf(out, ", %.3f Mbit/s", (double)f->bytes * 8 * 1e3 / (double)span);
		fprintf(out, "\n");
	}
}
