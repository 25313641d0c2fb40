// SPDX-License-Identifier: GPL-2.0
/* The replay loop every command shares (replay_session.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "replay/capture.h"
#include "replay/replay_run.h"
#include "replay/replay_session.h"
#include "replay/replay_sim.h"

#define PROGRESS_EVERY 10000

static int fail(struct pl_replay_session *s, enum pl_replay_step step, int err)
{
	s->failed = step;
	return err;
}

int pl_replay_session_open(struct pl_replay_session *s, const struct topo *t,
			   const struct pl_replay_session_opts *o)
{
	int i, err;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->stop && *o->stop)
		return fail(s, PL_STEP_STOPPED, -EINTR);
	err = pl_replay_open(t, &o->replay, &s->rp);
	if (err)
		return fail(s, PL_STEP_OPEN, err);
	for (i = 0; i < o->nprefilter; i++) {
		err = pl_replay_prefilter(s->rp, o->prefilter[i].ip, o->prefilter[i].plen, i + 1,
					  true);
		if (err)
			return fail(s, PL_STEP_PREFILTER, err);
	}
	return 0;
}

int pl_replay_session_run(struct pl_replay_session *s, const struct pl_replay_pkts *pk,
			  struct pl_result *results)
{
	struct pl_result one, *res;
	int i, err;

	/* The simulator walks all packets on one clock, after the prefilter is set. */
	if (s->o.replay.mode == PL_MODE_SIM && (err = pl_replay_sim_prepare(s->rp, pk)))
		return fail(s, PL_STEP_SIM, err);
	for (i = 0; i < pk->n; i++) {
		if (s->o.stop && *s->o.stop)
			return fail(s, PL_STEP_STOPPED, -EINTR);
		res = results ? &results[i] : &one;
		err = pl_replay_one(s->rp, &pk->p[i], res);
		if (err) {
			s->failed_number = pk->p[i].number;
			if (!results)
				pl_result_release(res);
			return fail(s, PL_STEP_PACKET, err);
		}
		s->replayed++;
		if (s->o.on_result)
			s->o.on_result(s->o.ctx, res);
		if (s->o.pcap_out && res->out_len)
			pl_pcap_out_write(s->o.pcap_out, res->out_dev, res->out, res->out_len);
		pl_result_count(&s->counts, res);
		if (!results)
			pl_result_release(res);
		if (s->o.progress && (i + 1) % PROGRESS_EVERY == 0)
			fprintf(stderr, "%s: %d/%d packets\n", s->o.progress, i + 1, pk->n);
	}
	return 0;
}

void pl_replay_session_close(struct pl_replay_session *s)
{
	int i;

	/* Entries go even when only some were added: a reused run keeps no leftovers. */
	for (i = 0; s->rp && i < s->o.nprefilter; i++)
		pl_replay_prefilter(s->rp, s->o.prefilter[i].ip, s->o.prefilter[i].plen, i + 1,
				    false);
	pl_replay_close(s->rp);
	s->rp = NULL;
}
