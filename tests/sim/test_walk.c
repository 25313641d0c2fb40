// SPDX-License-Identifier: GPL-2.0
/*
 * The simulator's packet walk on the shipped two-node topologies: the real
 * programs at every hook, the kernel modelled between them. Run from the
 * repository root (make test does).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "lib/datapath.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "walk.h"
#include "walk_test_util.h"

struct hop_want {
	int node;
	enum pl_prog prog;
	uint8_t obs;
};

static struct topo *load(const char *file)
{
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse(file, &t), file))
		return NULL;
	return t;
}

static int pod(const struct topo *t, const char *name)
{
	int p = pl_topo_pod_by_name(t, name);

	ASSERT_GE(p, 0, name);
	return p;
}

/* Walks a probe from `from` to pod `to` with the given routing; res is the caller's. */
static bool walk(struct sim_walk *w, const struct topo *t, const char *from, const char *to,
		 uint16_t dport, uint16_t ip_len, struct sim_walk_result *res)
{
	struct sim_probe p = {.proto = IPPROTO_TCP, .dport = dport, .ip_len = ip_len};

	p.from_pod = pod(t, from);
	p.daddr = t->pods[pod(t, to)].ip;
	if (!ASSERT_OK(pl_sim_walk_reset(w), "reset"))
		return false;
	return ASSERT_OK(pl_sim_walk_probe(w, &p, res), "walk");
}

/* The program steps of res, in order, are exactly want[]. */
static void assert_hops(const struct sim_walk_result *r, const struct hop_want *want, int n)
{
	int i, k = 0;

	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];

		if (s->kind != SIM_STEP_PROG)
			continue;
		if (!ASSERT_LT(k, n, "no more program steps than expected"))
			return;
		pl_subtest("hop %d", k + 1);
		ASSERT_EQ(s->node, want[k].node, "node");
		ASSERT_EQ(s->prog, want[k].prog, "program");
		ASSERT_TRUE(s->has_event, "flow event");
		ASSERT_EQ(s->ev.obs_point, want[k].obs, "observation point");
		k++;
	}
	pl_subtest("%s", "");
	ASSERT_EQ(k, n, "program steps");
}

static void assert_delivered_nat_free(const struct topo *t, const struct sim_walk_result *r,
				      const char *from, const char *to, uint8_t ttl)
{
	struct sim_hdrs h;
	uint8_t mac[6];

	ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered to a pod");
	ASSERT_EQ(r->deliver_pod, pod(t, to), "the right pod");
	if (!ASSERT_OK_PTR(r->out, "output frame"))
		return;
	pl_sim_hdrs_of(r->out, r->out_len, &h);
	ASSERT_FALSE(h.encap, "delivered decapsulated");
	ASSERT_EQ(h.saddr, t->pods[pod(t, from)].ip, "source: the pod's IP (no NAT)");
	ASSERT_EQ(h.daddr, t->pods[pod(t, to)].ip, "destination unchanged");
	ASSERT_EQ(h.sport, 40000, "source port unchanged");
	ASSERT_EQ(h.ttl, ttl, "TTL at the destination");
	pl_plan_mac(0, pod(t, to), mac);
	ASSERT_MEMEQ(h.dmac, mac, 6, "destination MAC: the pod's eth0");
	ASSERT_FALSE(r->masqueraded, "no MASQUERADE");
}

PL_TEST_PROBE(sim, walk_native_pod_to_pod, pl_probe_bpf_netns)
{
	const struct hop_want want[] = {
		{0, PL_PROG_FROM_POD, PL_OBS_TO_NETWORK},
		{1, PL_PROG_XDP_PREFILTER, PL_OBS_TO_STACK},
		{1, PL_PROG_FROM_NETWORK, PL_OBS_TO_ENDPOINT},
	};
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct topo *t = load("topologies/two-node-native.yaml");
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;

	if (!t || !ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	if (!walk(w, t, "frontend", "backend", 80, 0, r))
		goto out;
	assert_hops(r, want, 3);
	assert_delivered_nat_free(t, r, "frontend", "backend", 63);
	ASSERT_FALSE(r->encap, "native: no encapsulation");
	ASSERT_EQ(r->steps[1].ev.redirect == PL_REDIR_NEIGH ||
			  r->steps[1].ev.redirect == PL_REDIR_FIB,
		  true, "from_pod: fib/neigh redirect");
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

PL_TEST_PROBE(sim, walk_vxlan_pod_to_pod, pl_probe_bpf_netns)
{
	const struct hop_want want[] = {
		{0, PL_PROG_FROM_POD, PL_OBS_TO_OVERLAY},
		{1, PL_PROG_XDP_PREFILTER, PL_OBS_TO_STACK},
		{1, PL_PROG_FROM_NETWORK, PL_OBS_TO_STACK},
		{1, PL_PROG_FROM_OVERLAY, PL_OBS_TO_ENDPOINT},
	};
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct topo *t = load("topologies/two-node-vxlan.yaml");
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	int i, encaps = 0;

	if (!t || !ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	if (!walk(w, t, "frontend", "backend", 80, 0, r))
		goto out;
	assert_hops(r, want, 4);
	assert_delivered_nat_free(t, r, "frontend", "backend", 64);
	ASSERT_TRUE(r->encap, "encapsulated");
	ASSERT_EQ(r->vni, t->pods[pod(t, "frontend")].identity, "VNI = source identity");
	ASSERT_EQ(r->outer_saddr, t->nodes[0].underlay_ip, "outer source: node1");
	ASSERT_EQ(r->outer_daddr, t->nodes[1].underlay_ip, "outer destination: node2");
	ASSERT_GE(r->outer_sport, 32768, "outer UDP source port in the local port range");
	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];

		if (s->kind != SIM_STEP_ENCAP)
			continue;
		encaps++;
		ASSERT_TRUE(s->h.encap, "outer headers after the encap step");
		ASSERT_EQ(s->h.len, r->steps[i - 1].h.len + SIM_VXLAN_OVERHEAD, "50 bytes added");
		ASSERT_EQ(s->h.outer_ttl, 64, "outer TTL 64");
		ASSERT_FALSE(s->h.outer_df, "outer DF clear (no BPF_F_DONT_FRAGMENT)");
		ASSERT_EQ(s->h.ttl, 64, "inner TTL untouched");
	}
	ASSERT_EQ(encaps, 1, "one encapsulation");
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

/* The source MASQUERADE picks leaving node's vxlan0: its own address, else the node's. */
static uint32_t masq_addr_of(const struct topo *t, int node)
{
	struct pl_plan_opts po = {.datapath = true};
	struct pl_plan *p = NULL;
	uint32_t ip = t->nodes[node].underlay_ip;
	int i;

	if (!ASSERT_OK(pl_plan_build(t, "tw", &po, &p), "plan"))
		return 0;
	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == PL_STEP_ADDR && p->steps[i].ns == p->node_ns[node] &&
		    !strcmp(p->steps[i].dev, "vxlan0"))
			ip = p->steps[i].addr.ip;
	pl_plan_free(p);
	return ip;
}

/*
 * Legacy: node1's stack forwards to vxlan0 and MASQUERADEs the pod's source
 * to the address the kernel picks there. node2's from_overlay then sees a
 * node, not frontend: backend's policy (from frontend only) cannot admit it.
 */
PL_TEST_PROBE(sim, walk_legacy_masquerade, pl_probe_bpf_netns)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct topo *t = load("topologies/two-node-legacy.yaml");
	struct sim_walk_opts o = {.routing = -1};
	const struct sim_step *s;
	struct sim_walk *w = NULL;
	uint32_t masq;
	int i, nat = 0;

	if (!t || !ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	masq = masq_addr_of(t, 0);
	ASSERT_NEQ(masq, 0, "a source address for MASQUERADE");
	if (!walk(w, t, "frontend", "backend", 80, 0, r))
		goto out;
	ASSERT_EQ(r->steps[1].prog, PL_PROG_FROM_POD, "from_pod first");
	ASSERT_EQ(r->steps[1].ev.obs_point, PL_OBS_TO_STACK, "legacy: from_pod hands to the stack");
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].kind != SIM_STEP_NAT)
			continue;
		nat++;
		ASSERT_EQ(r->steps[i].h.saddr, masq, "MASQUERADE source");
		ASSERT_EQ(r->steps[i].h.ttl, 63, "forwarded by node1's stack: TTL-1");
	}
	ASSERT_EQ(nat, 1, "one MASQUERADE");
	ASSERT_TRUE(r->masqueraded, "masqueraded");
	ASSERT_TRUE(r->encap, "encapsulated by the classic vxlan device");
	ASSERT_EQ(r->vni, t->vni_base ? t->vni_base : 1, "fixed VNI");
	ASSERT_EQ(r->outer_daddr, t->nodes[1].underlay_ip, "outer destination: node2");
	s = walk_last_prog(r);
	if (!ASSERT_OK_PTR(s, "a program ran"))
		goto out;
	ASSERT_EQ(s->node, 1, "node2 decides");
	ASSERT_EQ(s->prog, PL_PROG_FROM_OVERLAY, "from_overlay decides");
	ASSERT_EQ(s->ev.saddr, masq, "from_overlay sees the translated source");
	ASSERT_NEQ(s->ev.src_identity, t->pods[pod(t, "frontend")].identity,
		   "the pod's identity is lost");
	if (masq == t->nodes[0].underlay_ip)
		ASSERT_EQ(s->ev.src_identity, PL_ID_REMOTE_NODE, "identity: remote node");
	ASSERT_EQ(r->delivery, SIM_DELIV_DROPPED, "backend admits frontend only");
	ASSERT_FALSE(r->kernel_drop, "by the datapath");
	ASSERT_EQ(r->drop_node, 1, "on node2");
	pl_sim_walk_result_release(r);
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

static const struct policy_case {
	const char *desc, *file, *from, *to;
	uint16_t dport;
	int node;
	enum pl_prog prog;
	uint8_t reason;
} policy_cases[] = {
	{"native client->backend: backend's ingress", "topologies/two-node-native.yaml", "client",
	 "backend", 80, 1, PL_PROG_FROM_NETWORK, PL_DROP_POLICY_DENIED},
	{"vxlan client->backend: backend's ingress after decap", "topologies/two-node-vxlan.yaml",
	 "client", "backend", 80, 1, PL_PROG_FROM_OVERLAY, PL_DROP_POLICY_DENIED},
	{"vxlan frontend->backend:8080: not the allowed port", "topologies/two-node-vxlan.yaml",
	 "frontend", "backend", 8080, 0, PL_PROG_FROM_POD, PL_DROP_POLICY_DENIED},
	{"native frontend->db: egress deny on node1", "topologies/two-node-native.yaml", "frontend",
	 "db", 5432, 0, PL_PROG_FROM_POD, PL_DROP_POLICY_DENY},
};

PL_TEST_PROBE(sim, walk_policy_drop_at_hop, pl_probe_bpf_netns)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct sim_walk_opts o = {.routing = -1};
	size_t i;

	if (!ASSERT_OK_PTR(r, "calloc"))
		return;
	for (i = 0; i < sizeof(policy_cases) / sizeof(policy_cases[0]); i++) {
		const struct policy_case *c = &policy_cases[i];
		struct topo *t = load(c->file);
		struct sim_walk *w = NULL;
		const struct sim_step *s;

		pl_subtest("%s", c->desc);
		if (!t || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open")) {
			pl_topo_free(t);
			continue;
		}
		if (walk(w, t, c->from, c->to, c->dport, 0, r)) {
			s = walk_last_prog(r);
			ASSERT_EQ(r->delivery, SIM_DELIV_DROPPED, "dropped");
			ASSERT_FALSE(r->kernel_drop, "by the datapath");
			ASSERT_EQ(r->drop_reason, c->reason, "drop reason");
			if (ASSERT_OK_PTR(s, "program step")) {
				ASSERT_EQ(s->node, c->node, "node");
				ASSERT_EQ(s->prog, c->prog, "program");
				ASSERT_EQ(s->ev.verdict, PL_VERDICT_DROPPED, "event verdict");
			}
			pl_sim_walk_result_release(r);
		}
		pl_sim_walk_close(w);
		pl_topo_free(t);
	}
	free(r);
}

/* 1500-byte DF packets: fit native; in vxlan the pod's MTU is 50 bytes smaller. */
PL_TEST_PROBE(sim, walk_mtu_vxlan_oversize_df, pl_probe_bpf_netns)
{
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct topo *t = load("topologies/two-node-vxlan.yaml");
	struct sim_walk_opts o = {.routing = -1};
	struct sim_walk *w = NULL;
	int i;

	if (!t || !ASSERT_OK_PTR(r, "calloc") || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	pl_subtest("vxlan, 1450 bytes: outer 1500 fits the underlay");
	if (walk(w, t, "frontend", "backend", 80, 1450, r)) {
		ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered");
		for (i = 0; i < r->nsteps; i++)
			if (r->steps[i].kind == SIM_STEP_WIRE)
				ASSERT_EQ(r->steps[i].h.outer_ip_len, 1500, "outer IPv4 length");
		pl_sim_walk_result_release(r);
	}
	pl_subtest("vxlan, 1451 bytes DF: larger than the pod's MTU");
	if (walk(w, t, "frontend", "backend", 80, 1451, r)) {
		ASSERT_EQ(r->delivery, SIM_DELIV_DROPPED, "dropped");
		ASSERT_TRUE(r->kernel_drop, "by the kernel, before any program");
		ASSERT_EQ(r->drop_reason, PL_DROP_MTU_EXCEEDED, "MTU_EXCEEDED");
		ASSERT_EQ(r->drop_node, 0, "on node1");
		ASSERT_EQ(r->steps[r->nsteps - 1].mtu, t->mtu - SIM_VXLAN_OVERHEAD, "pod MTU");
		ASSERT_EQ(walk_last_prog(r) == NULL, true, "no program ran");
		pl_sim_walk_result_release(r);
	}
	pl_sim_walk_close(w);
	w = NULL;
	o.routing = PL_ROUTING_NATIVE;
	if (!ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open native"))
		goto out;
	pl_subtest("native, 1500 bytes DF: fits");
	if (walk(w, t, "frontend", "backend", 80, 1500, r)) {
		ASSERT_EQ(r->delivery, SIM_DELIV_POD, "delivered");
		pl_sim_walk_result_release(r);
	}
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
}

/* Every walk of a run printed into one buffer. */
static char *run_text(const char *file, uint64_t seed, size_t *len)
{
	static const char *const pairs[][2] = {{"client", "server"}, {"server", "client"}};
	struct sim_walk_opts o = {.routing = -1, .seed = seed};
	struct sim_walk_result *r = calloc(1, sizeof(*r));
	struct topo *t = load(file);
	struct sim_walk *w = NULL;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct sim_probe p = {.proto = IPPROTO_UDP, .dport = 53, .ip_len = 200};
	int i;

	if (!t || !r || !f || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	for (i = 0; i < 40; i++) {
		p.from_pod = pod(t, pairs[i % 2][0]);
		p.daddr = t->pods[pod(t, pairs[i % 2][1])].ip;
		p.sport = 1000 + i;
		if (!ASSERT_OK(pl_sim_walk_probe(w, &p, r), "walk"))
			break;
		pl_sim_walk_result_print(f, r, t);
		pl_sim_walk_result_release(r);
	}
out:
	if (f)
		fclose(f);
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(r);
	return buf;
}

/* netem delay + 10% loss on node1's uplink: the same seed gives the same bytes. */
PL_TEST_PROBE(sim, walk_deterministic, pl_probe_bpf_netns)
{
	size_t la = 0, lb = 0, lc = 0;
	char *a = run_text("topologies/seed-netem.yaml", 7, &la);
	char *b = run_text("topologies/seed-netem.yaml", 7, &lb);
	char *c = run_text("topologies/seed-netem.yaml", 8, &lc);

	if (ASSERT_OK_PTR(a, "run 1") && ASSERT_OK_PTR(b, "run 2") && ASSERT_OK_PTR(c, "run 3")) {
		ASSERT_GT(la, 0, "output");
		ASSERT_EQ(la, lb, "same length");
		ASSERT_TRUE(la == lb && !memcmp(a, b, la), "same seed: byte-identical");
		ASSERT_STRSTR(a, "qdisc", "the netem qdisc is on the path");
		ASSERT_STRSTR(a, "100000", "netem's 100 ms delay shows in the times");
		ASSERT_TRUE(la != lc || memcmp(a, c, la), "another seed: other losses or delays");
	}
	free(a);
	free(b);
	free(c);
}

/*
 * Clocked run: 1000-byte UDP packets every 1 ms (8 Mbit/s offered) from
 * server (node1) to sender (node2) through node1's tbf 1mbit/32kbit/400ms:
 * delivered at the tbf rate, the rest dropped by the qdisc, queueing delay
 * up to the tbf latency.
 */
PL_TEST_PROBE(sim, walk_run_tbf_contention, pl_probe_bpf_netns)
{
	const int n = 2000;
	struct sim_walk_input *in = calloc(n, sizeof(*in));
	struct sim_walk_result *res = calloc(n, sizeof(*res));
	struct topo *t = load("topologies/seed-tc.yaml");
	struct sim_probe p = {.proto = IPPROTO_UDP, .dport = 5001, .ip_len = 1000};
	struct sim_walk_opts o = {.routing = -1, .seed = 1};
	uint64_t bytes = 0, first = UINT64_MAX, last = 0, maxlat = 0;
	struct sim_walk *w = NULL;
	uint8_t *frame = malloc(PL_PKT_MAX);
	int i, len, delivered = 0, qdrops = 0, other = 0;
	double rate;

	if (!t || !in || !res || !frame || !ASSERT_OK(pl_sim_walk_open(t, &o, &w), "open"))
		goto out;
	p.from_pod = pod(t, "server");
	p.daddr = t->pods[pod(t, "sender")].ip;
	len = pl_sim_probe_frame(t, &p, frame, PL_PKT_MAX);
	if (!ASSERT_GT(len, 0, "frame"))
		goto out;
	for (i = 0; i < n; i++) {
		in[i].frame = frame;
		in[i].len = (uint32_t)len;
		in[i].at.kind = SIM_INJECT_POD;
		in[i].at.pod = p.from_pod;
		in[i].at.node = t->pods[p.from_pod].node;
		in[i].t_ns = (uint64_t)i * 1000000;
	}
	if (!ASSERT_OK(pl_sim_walk_reset(w), "reset") ||
	    !ASSERT_OK(pl_sim_walk_run(w, in, n, res), "run"))
		goto out;
	for (i = 0; i < n; i++) {
		if (res[i].delivery == SIM_DELIV_POD) {
			delivered++;
			bytes += len;
			first = res[i].t_deliver < first ? res[i].t_deliver : first;
			last = res[i].t_deliver > last ? res[i].t_deliver : last;
			if (res[i].t_deliver - res[i].t_inject > maxlat)
				maxlat = res[i].t_deliver - res[i].t_inject;
		} else if (res[i].drop_reason == PL_DROP_QDISC) {
			qdrops++;
		} else {
			other++;
		}
		pl_sim_walk_result_release(&res[i]);
	}
	rate = (double)bytes * 8 * 1e9 / (double)(last - first);
	if (pl_verbose())
		printf("tbf path: %d delivered, %d qdisc drops, %.0f bit/s, max latency %llu ns\n",
		       delivered, qdrops, rate, (unsigned long long)maxlat);
	ASSERT_EQ(other, 0, "only qdisc drops");
	ASSERT_GT(qdrops, n / 2, "8x the tbf rate offered: most dropped at the qdisc");
	/* 1014-byte frames at 1 Mbit/s over ~2 s: the IPv4 bytes give ~0.99 of the rate. */
	ASSERT_GT(rate, 1000000 * 0.95, "delivered >= 0.95 Mbit/s");
	ASSERT_LT(rate, 1000000 * 1.05, "delivered <= 1.05 Mbit/s");
	ASSERT_GT(maxlat, 300000000ull, "queueing delay builds up");
	ASSERT_LT(maxlat, 450000000ull, "bounded by the tbf latency (400 ms)");
out:
	pl_sim_walk_close(w);
	pl_topo_free(t);
	free(frame);
	free(in);
	free(res);
}
