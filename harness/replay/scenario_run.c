// SPDX-License-Identifier: GPL-2.0
/* Runs one scenario and judges it. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"
#include "net/run.h"
#include "net/user_watch.h"
#include "replay/replay_run.h"
#include "replay/replay_session.h"
#include "replay/scenario_run.h"
#include "topo/topo.h"

volatile sig_atomic_t pl_scn_stop;

const char *pl_scenario_skip_reason(const struct pl_scenario *s)
{
	int i;

	if (geteuid() != 0)
		return "needs root: BPF_PROG_TEST_RUN inside the topology's namespaces";
	/* Live mode itself does not: it sends uplink frames from the far end without them. */
	for (i = 0; i < s->nrequires; i++) {
		if (!strcmp(s->requires[i], "live-frames") && pl_probe_xdp_live_frames())
			return pl_probe_xdp_live_frames();
		if (!strcmp(s->requires[i], "fexit") && pl_probe_user_watch())
			return pl_probe_user_watch();
	}
	return NULL;
}

static int set_outcome(struct pl_scn_report *rep, enum pl_scn_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_outcome(struct pl_scn_report *rep, enum pl_scn_outcome o, const char *fmt, ...)
{
	va_list ap;

	rep->outcome = o;
	free(rep->reason);
	rep->reason = NULL;
	va_start(ap, fmt);
	if (vasprintf(&rep->reason, fmt, ap) < 0)
		rep->reason = NULL;
	va_end(ap);
	return 0;
}

void pl_scn_interrupted(struct pl_scn_report *rep)
{
	set_outcome(rep, PL_SCN_ERROR,
		    "interrupted by signal %d before it finished; its run "
		    "was removed",
		    (int)pl_scn_stop);
}

int pl_scenario_load_inputs(const struct pl_scenario *s, const struct topo *t,
			    struct pl_replay_pkts *pk)
{
	struct pl_inject at = {.pod = -1};
	int i, err, base, j;
	char msg[256];

	for (i = 0; i < s->ninputs; i++) {
		const struct pl_scn_input *in = &s->inputs[i];

		if (in->at && pl_inject_parse(in->at, t, &at, msg, sizeof(msg))) {
			fprintf(stderr, "%s:%d:%d: at: %s\n", s->file, in->at_pos.line,
				in->at_pos.col, msg);
			return -EINVAL;
		}
		base = pk->n ? (int)pk->p[pk->n - 1].number : 0;
		j = pk->n;
		pk->segment_mtu = t->mtu;
		if (in->pcap)
			err = pl_replay_pkts_load_pcap(pk, in->pcap, in->filter);
		else
			err = pl_replay_pkts_load_spec(pk, s->file, in->spec_line, in->spec_col,
						       in->packets, in->filter);
		if (err)
			return err;
		/* Numbers run on across inputs: input 2 starts after input 1's last packet. */
		for (; j < pk->n; j++) {
			pk->p[j].number += base;
			if (in->at)
				pk->p[j].at = at;
		}
	}
	return 0;
}

/* Sums the counters a counter expectation names (program 0 = all, dir -1 = both). */
static int counter_sum(struct pl_replay *rp, const struct pl_scn_counter *c, int node,
		       uint64_t *packets)
{
	struct pl_counter_key k = {.verdict = c->verdict, .reason = c->reason};
	uint64_t v;
	int prog, dir, err;

	*packets = 0;
	for (prog = PL_PROG_FROM_POD; prog <= PL_PROG_XDP_PREFILTER; prog++) {
		if (c->prog && c->prog != prog)
			continue;
		for (dir = PL_DIR_INGRESS; dir <= PL_DIR_EGRESS; dir++) {
			if (c->dir >= 0 && c->dir != dir)
				continue;
			k.prog = (uint8_t)prog;
			k.dir = (uint8_t)dir;
			err = pl_replay_counter_read(rp, node, &k, &v);
			if (err)
				return err;
			*packets += v;
		}
	}
	return 0;
}

static int check_counters(const struct pl_scenario *s, struct pl_replay *rp, const uint64_t *before,
			  struct pl_scn_report *rep)
{
	uint64_t after;
	int i, node, err;

	for (i = 0; i < s->ncounters; i++) {
		const struct pl_scn_counter *c = &s->counters[i];

		node = pl_topo_node_by_name(rp->t, c->node);
		err = counter_sum(rp, c, node, &after);
		if (err)
			return err;
		if (after - before[i] != c->packets)
			pl_failures_add(&rep->fails,
					"counter at line %d (%s %s %s): expected %llu packets, got "
					"%llu",
					c->pos.line, c->node, pl_verdict_name(c->verdict),
					c->verdict == PL_VERDICT_DROPPED
						? pl_drop_reason_name(c->reason)
						: pl_note_name(c->reason),
					(unsigned long long)c->packets,
					(unsigned long long)(after - before[i]));
	}
	return 0;
}

static int resolve_counter_nodes(const struct pl_scenario *s, const struct topo *t,
				 struct pl_scn_report *rep)
{
	int i;

	for (i = 0; i < s->ncounters; i++) {
		if (pl_topo_node_by_name(t, s->counters[i].node) < 0) {
			fprintf(stderr, "%s:%d:%d: counters: '%s' is not a node of %s\n", s->file,
				s->counters[i].pos.line, s->counters[i].pos.col,
				s->counters[i].node, t->file);
			return set_outcome(rep, PL_SCN_ERROR, "counters: unknown node '%s'",
					   s->counters[i].node);
		}
	}
	return 0;
}

struct verbose_print {
	FILE *f;
	const struct topo *t;
};

/* Session callback: -v prints every packet's line. */
static void print_verbose(void *ctx, const struct pl_result *res)
{
	const struct verbose_print *vp = ctx;

	pl_result_print(vp->f, res, vp->t);
}

/* The report of a session that stopped at a step. */
static void session_failed(const struct pl_replay_session *sess, int err, struct pl_scn_report *rep)
{
	switch (sess->failed) {
	case PL_STEP_STOPPED:
		pl_scn_interrupted(rep);
		break;
	case PL_STEP_OPEN:
		if (err == -EOPNOTSUPP)
			set_outcome(rep, PL_SCN_SKIP,
				    "the kernel lacks a feature the topology needs");
		else
			set_outcome(rep, PL_SCN_ERROR, "replay setup failed: %s", strerror(-err));
		break;
	case PL_STEP_PREFILTER:
		set_outcome(rep, PL_SCN_ERROR, "prefilter: %s", strerror(-err));
		break;
	case PL_STEP_SIM:
		set_outcome(rep, PL_SCN_ERROR, "simulation failed: %s", strerror(-err));
		break;
	default:
		set_outcome(rep, PL_SCN_ERROR, "packet %u: replay failed: %s", sess->failed_number,
			    strerror(-err));
	}
}

int pl_scenario_run(const struct pl_scenario *s, const struct pl_scn_run_opts *o,
		    struct pl_scn_report *rep)
{
	struct pl_replay_session_opts so = {
		.replay = {.mode = s->mode, .run = o->run, .uplink_inject = o->uplink_inject},
		.prefilter = s->prefilter,
		.nprefilter = s->nprefilter,
		.pcap_out = o->pcap_out,
		.stop = &pl_scn_stop};
	struct pl_replay_session sess = {0};
	struct pl_expect_state *st = NULL;
	struct verbose_print vp = {0};
	struct pl_replay_pkts pk = {0};
	struct pl_result *res = NULL;
	uint64_t *before = NULL;
	struct topo *t = NULL;
	const char *skip;
	char msg[256];
	double t0 = pl_now();
	int i, err = 0;

	memset(rep, 0, sizeof(*rep));
	rep->file = strdup(s->file);
	rep->name = strdup(s->name);
	if (pl_topo_parse(s->topology, &t)) {
		set_outcome(rep, PL_SCN_ERROR, "topology %s is not valid", s->topology);
		goto out;
	}
	if (s->ct_max)
		t->ct_max = s->ct_max;
	if (s->at.text && pl_inject_parse(s->at.text, t, &so.replay.at, msg, sizeof(msg))) {
		fprintf(stderr, "%s:%d:%d: at: %s\n", s->file, s->at.pos.line, s->at.pos.col, msg);
		set_outcome(rep, PL_SCN_ERROR, "at: %s", msg);
		goto out;
	}
	if (resolve_counter_nodes(s, t, rep) || rep->outcome == PL_SCN_ERROR)
		goto out;
	if (pl_scenario_load_inputs(s, t, &pk)) {
		set_outcome(rep, PL_SCN_ERROR, "inputs cannot be read");
		goto out;
	}
	if (pl_expect_prepare(s, &st)) {
		set_outcome(rep, PL_SCN_ERROR, "expectations cannot be prepared");
		goto out;
	}
	skip = pl_scenario_skip_reason(s);
	if (skip) {
		set_outcome(rep, PL_SCN_SKIP, "%s", skip);
		goto out;
	}
	before = calloc(s->ncounters + 1, sizeof(*before));
	res = calloc(pk.n + 1, sizeof(*res));
	if (!before || !res) {
		err = -ENOMEM;
		goto out;
	}
	if (o->verbose) {
		vp.f = o->verbose;
		vp.t = t;
		so.on_result = print_verbose;
		so.ctx = &vp;
	}
	err = pl_replay_session_open(&sess, t, &so);
	if (err) {
		session_failed(&sess, err, rep);
		err = 0;
		goto out;
	}
	/* Counters before the packets (the prefilter is set): the expectations count the change. */
	for (i = 0; i < s->ncounters; i++) {
		int node = pl_topo_node_by_name(t, s->counters[i].node);

		err = counter_sum(sess.rp, &s->counters[i], node, &before[i]);
		if (err)
			goto out;
	}
	err = pl_replay_session_run(&sess, &pk, res);
	rep->packets = sess.replayed;
	if (err) {
		session_failed(&sess, err, rep);
		err = 0;
		goto out;
	}
	pl_expect_all(s, st, res, pk.n, t, &rep->fails);
	err = check_counters(s, sess.rp, before, rep);
	if (err)
		goto out;
	rep->outcome = rep->fails.n ? PL_SCN_FAIL : PL_SCN_PASS;
out:
	rep->seconds = pl_now() - t0;
	pl_replay_session_close(&sess);
	/* A build or replay cut short by the signal reads as interrupted, not as broken. */
	if (pl_scn_stop && rep->outcome == PL_SCN_ERROR)
		pl_scn_interrupted(rep);
	for (i = 0; res && i < pk.n; i++)
		pl_result_release(&res[i]);
	free(res);
	free(before);
	pl_expect_release(s, st);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
	return err;
}
