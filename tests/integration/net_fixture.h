/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built topology models for the namespace builder's tests, and
 * normalised netlink dumps of what a run built (to compare back ends).
 */
#ifndef PL_TEST_NET_FIXTURE_H
#define PL_TEST_NET_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/probe.h"
#include "topo/topo.h"

struct fixture_opts {
	enum pl_routing_mode routing;
	int nnodes;
	int pods_per_node;
	bool segment; /* else p2p (2 nodes) */
	bool world;
	enum topo_qdisc_kind qdisc; /* on node 0's uplink */
	uint64_t tbf_rate;	    /* bits/s; 0 = 10 Mbit */
	uint32_t tbf_burst;	    /* bytes; 0 = 32 KiB */
};

/* Nodes n1.., pods p<node>a.. with 10.<node>.0.<k+10>/24 CIDRs, underlay 192.168.100.<node>/24. */
struct topo *fixture_topo(const struct fixture_opts *o);
void fixture_topo_free(struct topo *t);

/*
 * Normalised dump of every namespace named pl-<run>-*: links (name, kind,
 * ifindex, mtu, mac, up, master), addresses, routes, neighbours; "pl-<run>-"
 * written as "pl-RUN-" so two runs compare equal. Returns a malloc'd string.
 */
char *fixture_dump_run(const char *run);
/* Names of the namespaces pl-<run>-* that exist now. */
int fixture_count_netns(const char *run);
/* Deletes every pl-<run>-* namespace (script runs have no state file). */
void fixture_delete_netns(const char *run);

/*
 * Sorted "NODE MAP KEYHEX VALHEX" lines of the endpoints and policy maps
 * pinned for run, "run MAP KEYHEX VALHEX" of its cluster-wide ipcache and
 * ipcache6, plus "NODE rodata of from_pod HEX": the knobs the loaded program
 * really holds.
 */
char *fixture_dump_pins(const char *run);
/* rm -rf /sys/fs/bpf/podlab/<run> (script runs). */
void fixture_remove_pins(const char *run);

/* NULL when a and b hold the same lines, else the first difference (in buf). */
const char *fixture_first_diff(const char *a, const char *b, char *buf, size_t len);

/* Shared test helpers: probe netns + BPF; run id "t<pid><tag>"; run leftovers. */
const char *fixture_probe_netns_root(void);
/* Probe for shaped-rate tests: netns, and a machine whose CPU is not stalled by its host. */
const char *fixture_probe_shaping(void);
void fixture_run_id(char *buf, const char *tag);
bool fixture_state_exists(const char *run);
bool fixture_pins_exist(const char *run);
/* Asserts no namespace, state file or pins of run remain. */
void fixture_assert_gone(const char *run);
/* Dump of namespace pl-<run>-<what> (pl_dump_ns flags); malloc'd. */
char *fixture_dump_ns(const char *run, const char *what, unsigned flags);

/* A shell command, quiet unless -v (then echoed first); system()'s status. */
int fixture_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Namespaces pl-t<pid>-<tag>a and pl-t<pid>-<tag>b joined by a veth va/vb
 * created inside them (never in the root namespace), 10.200.0.1/24 <->
 * 10.200.0.2/24, lo up; mtu 0 keeps the veth default.
 */
struct fixture_pair {
	char a[32], b[32];
};
int fixture_pair_up(struct fixture_pair *p, const char *tag, int mtu);
void fixture_pair_down(struct fixture_pair *p);
/* On a's va: tbf rate 10mbit burst 32kbit latency 50ms. */
int fixture_pair_tbf(const struct fixture_pair *p);
/*
 * On a's va: htb default 30, root 1:1 10mbit; 1:10 3mbit and 1:20 7mbit
 * (ceil 10mbit) for IP dport 5003 and 5007; 1:30 1mbit.
 */
int fixture_pair_htb(const struct fixture_pair *p);

/* The IPv4 address s in network order (s is a literal of the test: no error). */
uint32_t fixture_ip4(const char *s);
/* One probe from pod src of run to dst:port; its outcome, the source srv saw in *seen_ip. */
enum pl_probe_status fixture_probe_from(const char *run, const char *src, uint8_t proto,
					const char *dst, uint16_t port, struct pl_probe_server *srv,
					uint32_t *seen_ip);

#endif /* PL_TEST_NET_FIXTURE_H */
