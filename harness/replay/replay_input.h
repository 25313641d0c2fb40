/* SPDX-License-Identifier: GPL-2.0 */
/* Replay inputs: the packets of pcap files and inline specs, normalised to Ethernet. */
#ifndef PL_REPLAY_INPUT_H
#define PL_REPLAY_INPUT_H

#include <stdint.h>

#include "replay/result.h"

/* One input packet, normalised to Ethernet. */
struct pl_replay_pkt {
	uint32_t number;   /* in its input, 1-based */
	const char *input; /* file name or "inline" */
	uint8_t *data;
	uint32_t len;
	const char *skip;    /* non-NULL: not replayed, why (snaplen-truncated, ...) */
	struct pl_inject at; /* PL_INJECT_AUTO: the replay's --at, else chosen */
	uint64_t ts_ns;	     /* capture time (pcap), 0 for inline packets; sim mode's clock */
	uint16_t seg, nseg;  /* an oversized TCP frame split TSO-style: segment seg of nseg */
};

/*
 * A captured TCP frame longer than the link's MTU is what GRO, GSO or BIG TCP
 * made of several (test_run would refuse most of them): it is split back into
 * packets of this many bytes of IP, unless the loader is told the topology's MTU.
 */
#define PL_REPLAY_SEGMENT_MTU 1500

struct pl_replay_pkts {
	struct pl_replay_pkt *p;
	int n, cap;
	unsigned segment_mtu; /* TCP frames over it are split; 0 = PL_REPLAY_SEGMENT_MTU */
};

/* Reads a pcap/pcapng (any supported link type) with an optional pcap-filter; appends. */
int pl_replay_pkts_load_pcap(struct pl_replay_pkts *pk, const char *file, const char *filter);
/*
 * Inline spec lines (pcap gen syntax). Errors are "name:LINE:COL: message" with
 * the spec's line 1, column 1 at (line1, col1) of name. Appends.
 */
int pl_replay_pkts_load_spec(struct pl_replay_pkts *pk, const char *name, int line1, int col1,
			     const char *text, const char *filter);
/* Frees the packets, keeps the array for the next chunk. */
void pl_replay_pkts_clear(struct pl_replay_pkts *pk);
void pl_replay_pkts_free(struct pl_replay_pkts *pk);

/*
 * A capture read a chunk at a time, so a capture of any size replays in bounded
 * memory; `-i any` repeats are recognised across chunks. next() appends up to
 * max records to pk (several packets for a record it splits): 1 more may
 * follow, 0 the end, negative errno after a one-line message naming the file
 * and packet.
 */
struct pl_replay_reader;
int pl_replay_reader_open(const char *file, const char *filter, struct pl_replay_reader **out);
int pl_replay_reader_next(struct pl_replay_reader *rd, struct pl_replay_pkts *pk, int max);
void pl_replay_reader_close(struct pl_replay_reader *rd);
#define PL_REPLAY_CHUNK 65536 /* records a streaming replay holds at once */

#endif /* PL_REPLAY_INPUT_H */
