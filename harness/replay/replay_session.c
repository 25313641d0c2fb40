// SPDX-License-Identifier: GPL-2.0
/* The replay loop every command shares (replay_session.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/capture.h"
#include "replay/replay_run.h"
#include "replay/replay_session.h"
#include "replay/replay_sim.h"
#include "replay/replay_workers.h"

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
	/* Users' programs share one output buffer (rp->ubuf): one worker. */
	if (!err && o->workers > 1 && o->replay.mode == PL_MODE_UNIT && !s->rp->plan)
		err = pl_replay_workers_open(s->rp, o->workers, &s->workers);
	if (err)
		return fail(s, PL_STEP_OPEN, err);
	for (i = 0; i < o->nprefilter; i++) {
		err = pl_replay_prefilter(s->rp, &o->prefilter[i], i + 1, true);
		if (err)
			return fail(s, PL_STEP_PREFILTER, err);
	}
	return 0;
}

/* Hands one result out: callback, --pcap-out, counts, progress. */
static void hand_out(struct pl_replay_session *s, const struct pl_replay_pkts *pk,
		     const struct pl_result *res)
{
	s->replayed++;
	if (s->o.on_result)
		s->o.on_result(s->o.ctx, res);
	if (s->o.pcap_out && res->out_len)
		pl_pcap_out_write(s->o.pcap_out, res->out_dev, res->out, res->out_len);
	pl_result_count(&s->counts, res);
	if (s->o.progress && s->replayed % PROGRESS_EVERY == 0) {
		if (s->o.streamed)
			fprintf(stderr, "%s: %u packets\n", s->o.progress, s->replayed);
		else
			fprintf(stderr, "%s: %u/%d packets\n", s->o.progress, s->replayed, pk->n);
	}
}

/*
 * The workers replay a chunk at a time, then its results go out in input
 * order: memory stays bounded whatever the capture's size, and every packet of
 * a flow is replayed after the flow's packets of earlier chunks. The next
 * chunk runs while this one is handed out (printing is serial).
 */
#define CHUNK 4096
static int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* Releases what a chunk replayed (results the caller does not keep). */
static void release_chunk(struct pl_result *res, const int *state, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (state[i])
			pl_result_release(&res[i]);
}

static int run_workers(struct pl_replay_session *s, const struct pl_replay_pkts *pk,
		       struct pl_result *results)
{
	struct pl_result *chunk[2] = {NULL, NULL}, *res;
	int *state[2], from, to, i, k = 0, err = 0, werr;
	bool next;

	state[0] = calloc(CHUNK, sizeof(int));
	state[1] = calloc(CHUNK, sizeof(int));
	if (!results) {
		chunk[0] = calloc(CHUNK, sizeof(struct pl_result));
		chunk[1] = calloc(CHUNK, sizeof(struct pl_result));
	}
	if (!state[0] || !state[1] || (!results && (!chunk[0] || !chunk[1]))) {
		err = fail(s, PL_STEP_PACKET, -ENOMEM);
		goto out;
	}
	if (pk->n)
		pl_replay_workers_start(s->workers, pk, 0, min_int(CHUNK, pk->n),
					results ?: chunk[0], state[0], s->o.stop);
	for (from = 0; from < pk->n; from = to, k ^= 1) {
		to = min_int(from + CHUNK, pk->n);
		res = results ? results + from : chunk[k];
		werr = pl_replay_workers_wait(s->workers);
		if (werr) {
			s->failed_number = pk->p[from].number;
			err = fail(s, PL_STEP_PACKET, werr);
		}
		next = !err && to < pk->n;
		if (next)
			pl_replay_workers_start(s->workers, pk, to, min_int(to + CHUNK, pk->n),
						results ? results + to : chunk[k ^ 1], state[k ^ 1],
						s->o.stop);
		for (i = from; i < to; i++) {
			int st = state[k][i - from];

			if (!err && st == 1) {
				hand_out(s, pk, &res[i - from]);
			} else if (!err && st < 0) {
				s->failed_number = pk->p[i].number;
				err = fail(s, PL_STEP_PACKET, st);
			} else if (!err) {
				err = fail(s, PL_STEP_STOPPED, -EINTR);
			}
		}
		if (!results)
			release_chunk(res, state[k], to - from);
		if (err) {
			/* the chunk started meanwhile is not handed out */
			if (next) {
				pl_replay_workers_wait(s->workers);
				if (!results)
					release_chunk(chunk[k ^ 1], state[k ^ 1],
						      min_int(to + CHUNK, pk->n) - to);
			}
			break;
		}
	}
out:
	free(state[0]);
	free(state[1]);
	free(chunk[0]);
	free(chunk[1]);
	return err;
}

int pl_replay_session_run(struct pl_replay_session *s, const struct pl_replay_pkts *pk,
			  struct pl_result *results)
{
	struct pl_result one, *res, *batch = NULL;
	int i, j, used, err = 0;

	if (s->workers)
		return run_workers(s, pk, results);

	/* The simulator walks all packets on one clock, after the prefilter is set. */
	if (s->o.replay.mode == PL_MODE_SIM && (err = pl_replay_sim_prepare(s->rp, pk)))
		return fail(s, PL_STEP_SIM, err);
	if (!results && s->o.replay.mode == PL_MODE_LIVE) {
		unsigned w = s->o.replay.live_window ?: PL_LIVE_WINDOW_DEFAULT;

		batch = calloc(w < PL_LIVE_WINDOW_MAX ? w : PL_LIVE_WINDOW_MAX, sizeof(*batch));
		if (!batch)
			return fail(s, PL_STEP_PACKET, -ENOMEM);
	}
	for (i = 0; i < pk->n; i += used) {
		if (s->o.stop && *s->o.stop) {
			err = fail(s, PL_STEP_STOPPED, -EINTR);
			goto out;
		}
		res = results ? &results[i] : batch ?: &one;
		err = pl_replay_window(s->rp, &pk->p[i], pk->n - i, res, &used);
		if (err) {
			s->failed_number = pk->p[i].number;
			if (!results)
				for (j = 0; j < used; j++)
					pl_result_release(&res[j]);
			err = fail(s, PL_STEP_PACKET, err);
			goto out;
		}
		for (j = 0; j < used; j++) {
			hand_out(s, pk, &res[j]);
			if (!results)
				pl_result_release(&res[j]);
		}
	}
out:
	free(batch);
	return err;
}

void pl_replay_session_close(struct pl_replay_session *s)
{
	int i;

	/* Entries go even when only some were added: a reused run keeps no leftovers. */
	for (i = 0; s->rp && i < s->o.nprefilter; i++)
		pl_replay_prefilter(s->rp, &s->o.prefilter[i], i + 1, false);
	pl_replay_workers_close(s->workers);
	s->workers = NULL;
	pl_replay_close(s->rp);
	s->rp = NULL;
}
