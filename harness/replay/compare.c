// SPDX-License-Identifier: GPL-2.0
/*
 * Two modes, one scenario, packet by packet. What counts as agreement when a
 * mode cannot see what the other reports (docs/sim.md, "sim vs live"):
 *  - a drop the simulator attributes to the kernel between hooks (MTU,
 *    no route, qdisc) is silent live: a live timeout, or an injection the
 *    kernel refused (EMSGSIZE), agrees with it; a drop by a user's program
 *    (programs: in the topology) does too only where the kernel cannot watch
 *    it (no fexit): elsewhere its watch reports it live;
 *  - a packet a program handed to a node's stack which the stack then drops
 *    (no route, TTL) is "to the stack" for live, which sees no further;
 *  - a packet leaving towards the world host is "to a node" either way.
 * Verdict, drop reason, delivered-to and the delivered bytes must be equal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "net/user_watch.h"
#include "replay/compare.h"
#include "replay/replay_session.h"
#include "replay/scenario_run.h"
#include "topo/topo.h"

const char *pl_replay_mode_name(enum pl_replay_mode m)
{
	return m == PL_MODE_UNIT ? "unit" : m == PL_MODE_LIVE ? "live" : "sim";
}

static void outcome(struct pl_scn_report *rep, enum pl_scn_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void outcome(struct pl_scn_report *rep, enum pl_scn_outcome o, const char *fmt, ...)
{
	va_list ap;

	rep->outcome = o;
	free(rep->reason);
	va_start(ap, fmt);
	if (vasprintf(&rep->reason, fmt, ap) < 0)
		rep->reason = NULL;
	va_end(ap);
}

/* Replays every packet in mode m on a run of its own; res[] filled. */
static int replay_all(const struct pl_scenario *s, const struct topo *t,
		      const struct pl_replay_pkts *pk, const struct pl_inject *at,
		      enum pl_replay_mode m, struct pl_result *res, char *why, size_t whylen)
{
	struct pl_replay_session_opts so = {.replay = {.mode = m, .at = *at},
					    .prefilter = s->prefilter,
					    .nprefilter = s->nprefilter,
					    .stop = &pl_scn_stop};
	struct pl_replay_session sess;
	int err;

	err = pl_replay_session_open(&sess, t, &so);
	if (!err)
		err = pl_replay_session_run(&sess, pk, res);
	if (sess.failed == PL_STEP_STOPPED && !sess.rp)
		snprintf(why, whylen, "interrupted");
	else if (sess.failed == PL_STEP_OPEN)
		snprintf(why, whylen, "%s setup failed: %s", pl_replay_mode_name(m),
			 strerror(-err));
	else if (err)
		snprintf(why, whylen, "%s replay failed: %s", pl_replay_mode_name(m),
			 strerror(-err));
	pl_replay_session_close(&sess);
	return err;
}

static bool kernel_reason(uint8_t r)
{
	return r == PL_DROP_MTU_EXCEEDED || r == PL_DROP_NO_ROUTE || r == PL_DROP_QDISC ||
	       r == PL_DROP_STACK || r == PL_DROP_TTL_EXCEEDED;
}

/* A result as seen from outside: a silent kernel drop and a live timeout look alike. */
static bool silent(const struct pl_result *r)
{
	/* without fexit a user's program is not watched: live cannot see its drops */
	bool unwatched = r->drop_reason == PL_DROP_USER_PROGRAM && pl_probe_user_watch();

	if (r->status == PL_RES_ERROR && strstr(r->skip, "too long"))
		return true; /* the kernel refused the injection (EMSGSIZE) */
	if (r->status != PL_RES_OK)
		return false;
	if (r->delivery == PL_DELIV_TIMEOUT)
		return true;
	return r->delivery == PL_DELIV_DROPPED && r->nhops &&
	       ((r->hops[r->nhops - 1].prog == PL_PROG_NONE && kernel_reason(r->drop_reason)) ||
		unwatched);
}

/* r was dropped by the kernel model after its last program handed it to a stack. */
static bool dropped_in_stack(const struct pl_result *r)
{
	return silent(r) && r->status == PL_RES_OK && r->nhops >= 2 &&
	       r->hops[r->nhops - 2].obs_point == PL_OBS_TO_STACK;
}

/* One side saw the packet handed to a node's stack, the other saw that stack drop it. */
static bool stack_view(const struct pl_result *a, const struct pl_result *b)
{
	return dropped_in_stack(a) && b->status == PL_RES_OK && b->delivery == PL_DELIV_STACK;
}

static void delivered(const struct pl_result *r, const struct topo *t, char *buf, size_t len)
{
	if (r->delivery == PL_DELIV_UPLINK || r->delivery == PL_DELIV_STACK)
		snprintf(buf, len, "node %s",
			 t->nodes[r->deliver_node >= 0 ? r->deliver_node : 0].name);
	else
		pl_result_delivered_str(r, t, buf, len);
}

static const char *l7_word(const struct pl_l7_result *l)
{
	return l->allowed < 0 ? "not decided" : l->allowed ? "allowed" : "denied";
}

static void compare_one(const struct pl_result *a, const struct pl_result *b,
			enum pl_replay_mode ma, enum pl_replay_mode mb, const struct topo *t,
			struct pl_scn_report *rep, unsigned *agree)
{
	const char *na = pl_replay_mode_name(ma), *nb = pl_replay_mode_name(mb);
	char da[64], db[64];
	uint32_t i;

	if (a->status == PL_RES_SKIPPED || b->status == PL_RES_SKIPPED) {
		(*agree)++; /* not replayable in one mode: nothing to compare */
		return;
	}
	if ((silent(a) && silent(b)) || stack_view(a, b) || stack_view(b, a)) {
		(*agree)++;
		return;
	}
	if (a->status != PL_RES_OK || b->status != PL_RES_OK) {
		pl_failures_add(&rep->fails, "packet %u %s: %s %s, %s %s", a->number, a->summary,
				na, a->status == PL_RES_OK ? "ran" : a->skip, nb,
				b->status == PL_RES_OK ? "ran" : b->skip);
		return;
	}
	delivered(a, t, da, sizeof(da));
	delivered(b, t, db, sizeof(db));
	if (a->verdict != b->verdict)
		pl_failures_add(&rep->fails, "packet %u %s: verdict %s %s, %s %s", a->number,
				a->summary, na, pl_verdict_name(a->verdict), nb,
				pl_verdict_name(b->verdict));
	else if (a->drop_reason != b->drop_reason)
		pl_failures_add(&rep->fails, "packet %u %s: drop reason %s %s, %s %s", a->number,
				a->summary, na, pl_drop_reason_name(a->drop_reason), nb,
				pl_drop_reason_name(b->drop_reason));
	else if (strcmp(da, db))
		pl_failures_add(&rep->fails, "packet %u %s: delivered to %s %s, %s %s", a->number,
				a->summary, na, da, nb, db);
	else if (a->delivery == PL_DELIV_POD && a->out && b->out &&
		 (a->out_len != b->out_len || memcmp(a->out, b->out, a->out_len))) {
		for (i = 0; i < a->out_len && i < b->out_len && a->out[i] == b->out[i]; i++)
			;
		pl_failures_add(
			&rep->fails,
			"packet %u %s: output bytes differ at offset %u (%s %u bytes, %s %u)",
			a->number, a->summary, i, na, a->out_len, nb, b->out_len);
	} else if (a->l7.request && b->l7.request && a->l7.allowed != b->l7.allowed)
		pl_failures_add(&rep->fails, "packet %u %s: L7 %s %s, %s %s", a->number, a->summary,
				na, l7_word(&a->l7), nb, l7_word(&b->l7));
	else
		(*agree)++;
}

int pl_compare_scenario(const struct pl_scenario *s, enum pl_replay_mode a, enum pl_replay_mode b,
			FILE *verbose, struct pl_scn_report *rep)
{
	struct pl_result *ra = NULL, *rb = NULL;
	struct pl_inject at = {0};
	struct pl_replay_pkts pk = {0};
	struct topo *t = NULL;
	double t0 = pl_now();
	unsigned agree = 0;
	const char *skip;
	char why[256], msg[256];
	int i, err;

	memset(rep, 0, sizeof(*rep));
	rep->file = strdup(s->file);
	if (asprintf(&rep->name, "%s [%s vs %s]", s->name, pl_replay_mode_name(a),
		     pl_replay_mode_name(b)) < 0)
		rep->name = NULL;
	if (pl_topo_parse(s->topology, &t)) {
		outcome(rep, PL_SCN_ERROR, "topology %s is not valid", s->topology);
		goto out;
	}
	if (s->ct_max)
		t->ct_max = s->ct_max;
	if (pl_scenario_load_inputs(s, t, &pk)) {
		outcome(rep, PL_SCN_ERROR, "inputs cannot be read");
		goto out;
	}
	if ((skip = pl_scenario_skip_reason(s))) {
		outcome(rep, PL_SCN_SKIP, "%s", skip);
		goto out;
	}
	ra = calloc(pk.n + 1, sizeof(*ra));
	rb = calloc(pk.n + 1, sizeof(*rb));
	if (!ra || !rb) {
		outcome(rep, PL_SCN_ERROR, "out of memory");
		goto out;
	}
	err = s->at.text ? pl_inject_parse(s->at.text, t, &at, msg, sizeof(msg)) : 0;
	if (err)
		snprintf(why, sizeof(why), "at: %.200s", msg);
	if (err || replay_all(s, t, &pk, &at, a, ra, why, sizeof(why)) ||
	    replay_all(s, t, &pk, &at, b, rb, why, sizeof(why))) {
		outcome(rep, PL_SCN_ERROR, "%s", why);
		if (pl_scn_stop)
			pl_scn_interrupted(rep);
		goto out;
	}
	rep->packets = pk.n;
	for (i = 0; i < pk.n; i++) {
		if (verbose) {
			fprintf(verbose, "  %s: ", pl_replay_mode_name(a));
			pl_result_print(verbose, &ra[i], t);
			fprintf(verbose, "  %s: ", pl_replay_mode_name(b));
			pl_result_print(verbose, &rb[i], t);
		}
		compare_one(&ra[i], &rb[i], a, b, t, rep, &agree);
	}
	rep->outcome = rep->fails.n ? PL_SCN_FAIL : PL_SCN_PASS;
	if (asprintf(&rep->reason, "%u of %d packets agree", agree, pk.n) < 0)
		rep->reason = NULL;
out:
	for (i = 0; i < pk.n; i++) {
		if (ra)
			pl_result_release(&ra[i]);
		if (rb)
			pl_result_release(&rb[i]);
	}
	free(ra);
	free(rb);
	pl_replay_pkts_free(&pk);
	pl_topo_free(t);
	rep->seconds = pl_now() - t0;
	return 0;
}
