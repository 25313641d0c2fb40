/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay loop of podlab replay, podlab test and --compare: opens a replay
 * (mode, inject point, run to reuse), sets prefilter entries, runs the sim
 * prepare step, replays every packet, writes each output to --pcap-out,
 * counts results and hands each one to the caller, stopping at the first
 * fatal error or when asked to stop.
 */
#ifndef PL_REPLAY_SESSION_H
#define PL_REPLAY_SESSION_H

#include <signal.h>
#include <stdbool.h>

#include "replay/replay.h"

struct pl_pcap_out;

struct pl_replay_session_opts {
	struct pl_replay_opts replay;	     /* mode, run to reuse, inject point */
	const struct pl_scn_cidr *prefilter; /* put in every node's XDP prefilter meanwhile */
	int nprefilter;
	struct pl_pcap_out *pcap_out; /* each result's output frame goes here; NULL = none */
	const char *progress;	      /* "PROGRESS: i/n packets" on stderr every 10000; NULL none */
	bool streamed; /* packets come a chunk per run call: progress counts without a total */
	volatile sig_atomic_t *stop; /* non-zero: stop before the next packet; NULL = never */
	int workers; /* unit mode: replay threads, sharded by flow (replay_workers.h); 0, 1 = one */
	/* Called with each result, in input order; NULL = none. */
	void (*on_result)(void *ctx, const struct pl_result *res);
	void *ctx;
};

/* The step a session failed at (the error returned). */
enum pl_replay_step {
	PL_STEP_NONE = 0,
	PL_STEP_OPEN,	   /* pl_replay_open: building or attaching to the run */
	PL_STEP_PREFILTER, /* adding a prefilter entry */
	PL_STEP_SIM,	   /* the sim prepare step */
	PL_STEP_PACKET,	   /* pl_replay_one of packet .failed_number */
	PL_STEP_STOPPED,   /* *stop was set (-EINTR) */
};

struct pl_replay_workers;

struct pl_replay_session {
	struct pl_replay *rp;		   /* open between open and close: counters, sim flows */
	struct pl_replay_workers *workers; /* unit mode with o.workers > 1 */
	struct pl_replay_session_opts o;
	struct pl_result_counts counts; /* of the results handed out */
	unsigned replayed;		/* results handed out */
	enum pl_replay_step failed;
	uint32_t failed_number;
};

/* Opens the replay and sets the prefilter entries; 0 or -errno (s->failed says where). */
int pl_replay_session_open(struct pl_replay_session *s, const struct topo *t,
			   const struct pl_replay_session_opts *o);
/*
 * Replays every packet of pk (called once per chunk for a streamed capture:
 * counts and progress go on). results: pk->n entries the results stay in (the
 * caller releases them, also after an error); NULL = each is released after
 * on_result. 0 or -errno (s->failed says where).
 */
int pl_replay_session_run(struct pl_replay_session *s, const struct pl_replay_pkts *pk,
			  struct pl_result *results);
/* Removes the prefilter entries and closes the replay (removing a run it built). */
void pl_replay_session_close(struct pl_replay_session *s);

#endif /* PL_REPLAY_SESSION_H */
