/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulk UDP throughput between namespaces: each flow sends at a target rate
 * (set it above the shaped rate) from a source netns to a receiver socket in
 * the destination netns, all flows at once, and the receiver counts what
 * arrives in the steady state (after a warm-up that absorbs the bucket's burst).
 */
#ifndef PL_PROBE_RATE_H
#define PL_PROBE_RATE_H

#include <stdint.h>

struct pl_rate_flow {
	/* in */
	const char *src_netns;
	const char *dst_netns;
	uint32_t dst_ip;     /* network order */
	uint16_t dport;	     /* receiver port, unique per flow and destination */
	uint8_t tos;	     /* IP TOS of the sent packets */
	uint64_t target_bps; /* sending rate in bits/s of wire bytes */
	/* out */
	uint64_t sent_pkts;
	uint64_t recv_pkts; /* in the measurement window */
	double goodput_bps; /* UDP payload bits/s received */
	double wire_bps;    /* the same packets counted as overhead + payload */
};

struct pl_rate_opts {
	double seconds;	   /* sending time, default 3 */
	double warmup;	   /* seconds not counted at the start, default 0.5 */
	uint32_t payload;  /* UDP payload bytes, default 1200 */
	uint32_t overhead; /* bytes per packet the shaper counts beyond the payload */
};

/* Runs all flows concurrently; 0 with the outputs filled, or -errno. */
int pl_rate_measure(struct pl_rate_flow *flows, int nflows, const struct pl_rate_opts *opts);

#endif /* PL_PROBE_RATE_H */
