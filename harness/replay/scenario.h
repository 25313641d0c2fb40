/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenario files (docs/scenario.md): a topology, inputs (pcaps or inline
 * packet specs), an injection point and expectations per packet, per filter
 * or per flow, plus counters after the run. Parsed with libyaml; errors are
 * "file:line:col: message" and -EINVAL.
 */
#ifndef PL_REPLAY_SCENARIO_H
#define PL_REPLAY_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/result.h"

enum pl_replay_mode {
	PL_MODE_UNIT = 0,
	PL_MODE_LIVE,
	PL_MODE_SIM, /* the simulator walks each packet (harness/replay/replay_sim.c) */
};

struct pl_scn_pos {
	int line, col; /* 1-based */
};

struct pl_scn_input {
	char *pcap;    /* resolved path, or NULL */
	char *packets; /* inline spec lines, or NULL */
	char *filter;  /* pcap-filter on this input, or NULL */
	char *at;      /* injection point of this input's packets, or NULL (scenario's) */
	struct pl_scn_pos pos, at_pos;
	int spec_line, spec_col; /* file position of the inline spec's line 1, column 1 */
};

/* Which packets an expectation covers. */
enum pl_scn_select {
	PL_SEL_NUMBERS = 0, /* packet: N | packets: [N, ...] */
	PL_SEL_FILTER,	    /* filter: pcap-filter expression */
	PL_SEL_FLOW,	    /* flow: {src, dst, sport, dport, proto}; both directions with reply */
	PL_SEL_ALL,	    /* all: true */
};

enum pl_scn_nat {
	PL_NAT_ANY = 0,
	PL_NAT_FREE,
	PL_NAT_TRANSLATED,
};

/* Fields set to "not checked" unless has_*. */
struct pl_scn_expect {
	enum pl_scn_select sel;
	uint32_t *numbers;
	int nnumbers;
	char *filter;
	struct {
		uint32_t src, dst;     /* network order, 0 = any */
		uint16_t sport, dport; /* host order, 0 = any */
		uint8_t proto;	       /* 0 = any */
		bool reply;	       /* also the reverse direction */
	} flow;

	bool has_verdict, has_drop_reason, has_points, has_delivered, has_encap;
	bool skipped; /* skipped: true, the packet must be reported as not replayed */
	uint8_t verdict;
	uint8_t drop_reason; /* 0 = none expected */
	uint8_t points[PL_RESULT_MAX_HOPS];
	int npoints;
	char *delivered_to; /* as pl_result_delivered_str prints it */
	enum pl_scn_nat nat;
	bool encap_none;	       /* encap: none */
	uint32_t vni;		       /* 0 = not checked */
	uint32_t outer_src, outer_dst; /* 0 = not checked */
	char *output_pcap; /* expected output bytes, packet i of the selection = frame i */
	/* output: {src, dst, sport, dport, checksums}: the headers as the packet left */
	struct {
		bool set;
		uint32_t src, dst;     /* network order, 0 = not checked */
		uint16_t sport, dport; /* host order, 0 = not checked */
		bool checksums;	       /* IPv4 header and TCP/UDP checksums verify */
	} out;
	/*
	 * nat: none | {dnat, snat, rev_nat, at}: the service translations the
	 * packet's programs made, exactly, and the headers it left with.
	 */
	struct pl_scn_nat_expect {
		bool set;
		bool none;
		bool dnat, snat, rnat;
		bool snat_node_ip;	     /* snat: node-ip, the translating node's own IP */
		uint32_t dnat_from, dnat_to; /* network order */
		uint16_t dnat_from_port, dnat_to_port;
		uint32_t snat_to;
		uint32_t rnat_from, rnat_to;
		uint16_t rnat_from_port, rnat_to_port;
		uint8_t at; /* enum pl_prog that made them, 0 = any */
	} xlat;
	/* l7: {method, path, host, segments, verdict}: the request a node's proxy took, its
	 * decision */
	struct {
		bool set;
		char *method, *path, *host; /* NULL: not checked */
		uint64_t segments;	    /* TCP segments the head came in; 0: not checked */
		int8_t allowed;		    /* -1: not checked */
	} l7;
	struct pl_scn_pos pos;
};

struct pl_scn_counter {
	char *node;
	uint8_t prog; /* enum pl_prog, 0 = sum over programs */
	uint8_t verdict;
	uint8_t reason;
	int dir; /* -1 = both */
	uint64_t packets;
	struct pl_scn_pos pos;
};

struct pl_scenario {
	char *file;
	char *name;
	char *topology; /* resolved path */
	enum pl_replay_mode mode;
	struct pl_inject_spec {
		char *text; /* "pod-a" | "node1:uplink" | "node1:vxlan" | NULL = auto */
		struct pl_scn_pos pos;
	} at;
	struct pl_scn_input *inputs;
	int ninputs;
	struct pl_scn_expect *expects;
	int nexpects;
	struct pl_scn_counter *counters;
	int ncounters;
	char **requires; /* features: "root", "live-frames", ... */
	int nrequires;
	struct pl_scn_cidr {
		uint32_t ip; /* network order */
		uint8_t plen;
		bool v6; /* ip6 holds it (prefilter6: a dual-stack topology) */
		uint8_t ip6[16];
	} * prefilter; /* CIDRs put in every node's XDP prefilter during the run */
	int nprefilter;
	uint32_t ct_max; /* podlab test --ct-max: replaces the topology's, 0 = keep it */
};

int pl_scenario_parse(const char *file, struct pl_scenario **out);
int pl_scenario_parse_string(const char *name, const char *text, struct pl_scenario **out);
/*
 * From len bytes in memory (NULs included), with the file parser's checks and
 * messages; these go to diag (NULL: stderr).
 */
int pl_scenario_parse_mem(const char *name, const char *text, size_t len, FILE *diag,
			  struct pl_scenario **out);
void pl_scenario_free(struct pl_scenario *s);

/* Name or number to value; -1 when unknown. */
int pl_verdict_parse(const char *s);
int pl_drop_reason_parse(const char *s);
int pl_obs_point_parse(const char *s);
int pl_prog_parse(const char *s);
/* "unit", "live" or "sim" (exactly); -1 otherwise. */
int pl_replay_mode_parse(const char *s);

#endif /* PL_REPLAY_SCENARIO_H */
