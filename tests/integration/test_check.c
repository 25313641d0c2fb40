// SPDX-License-Identifier: GPL-2.0
/*
 * podlab check end to end: up a shipped topology with the real datapath,
 * check it with live traffic, tear it down, and hold the report to what
 * the routing mode must show (pod IPs seen in native/vxlan/fabric, the
 * source node's IP in legacy; the fabric's routes). Nothing of the run may remain afterwards.
 */
#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "net/run.h"
#include "net_fixture.h"
#include "probe/check.h"
#include "topo/topo.h"

struct seen_counts {
	int cross, cross_pod_ip, cross_node_ip, local, local_pod_ip, denied, drops;
};

static void count_seen(const struct pl_check_report *r, struct seen_counts *c)
{
	const struct topo *t = r->topo;
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];
		const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
		uint32_t seen = p->res.sighting.peer_ip;

		if (p->expect == PL_EXPECT_DENY && !p->delivered) {
			c->denied++;
			c->drops += p->has_drop && (p->drop_reason == PL_DROP_POLICY_DENIED ||
						    p->drop_reason == PL_DROP_POLICY_DENY);
		}
		if (!p->delivered)
			continue;
		if (s->node != d->node) {
			c->cross++;
			c->cross_pod_ip += seen == s->ip;
			c->cross_node_ip += seen == t->nodes[s->node].underlay_ip;
		} else {
			c->local++;
			c->local_pod_ip += seen == s->ip;
		}
	}
}

static int leftovers(const char *run)
{
	char prefix[32], path[256];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(prefix, sizeof(prefix), "pl-%s-", run);
	d = opendir("/run/netns");
	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "/sys/fs/bpf/podlab/%s", run);
	n += !access(path, F_OK);
	snprintf(path, sizeof(path), "%s/%s.state", PL_STATE_DIR, run);
	n += !access(path, F_OK);
	return n;
}

static void check_topology(const char *file, struct seen_counts *c, struct pl_check_report **rep)
{
	struct pl_up_opts up = {.topology = file, .datapath = true, .keep_owner = true};
	struct pl_check_opts opts = {};
	char run[PL_RUN_ID_MAX] = "";
	struct topo *t = NULL;

	*rep = NULL;
	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	if (!ASSERT_OK(pl_run_up(t, &up, run), "up"))
		goto out;
	opts.run = run;
	opts.topo = t;
	if (ASSERT_OK(pl_check_run(&opts, rep), "check")) {
		if (!(*rep)->ok || pl_verbose())
			pl_check_print(*rep, stderr);
		ASSERT_TRUE((*rep)->ok, "every section matches");
		count_seen(*rep, c);
		(*rep)->topo = NULL;
	}
	ASSERT_OK(pl_run_down(run), "down");
	ASSERT_EQ(leftovers(run), 0, "namespaces, pins and state file removed");
out:
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, check_two_node_native, pl_probe_bpf_netns)
{
	struct pl_check_report *r;
	struct seen_counts c;

	check_topology("topologies/two-node-native.yaml", &c, &r);
	if (!r)
		return;
	ASSERT_GT(c.cross, 0, "cross-node probes delivered");
	ASSERT_EQ(c.cross_pod_ip, c.cross, "destination sees the source pod IP");
	ASSERT_GT(c.denied, 0, "policy denials observed");
	ASSERT_EQ(c.drops, c.denied, "every denial has its drop reason in the flow events");
	ASSERT_EQ(r->mtu[0].got, 1472, "native MTU payload");
	pl_check_report_free(r);
}

PL_TEST_PROBE(integration, check_two_node_vxlan, pl_probe_bpf_netns)
{
	struct pl_check_report *r;
	struct seen_counts c;
	int i;

	check_topology("topologies/two-node-vxlan.yaml", &c, &r);
	if (!r)
		return;
	ASSERT_GT(c.cross, 0, "cross-node probes delivered");
	ASSERT_EQ(c.cross_pod_ip, c.cross, "destination sees the source pod IP");
	ASSERT_EQ(c.drops, c.denied, "every denial has its drop reason in the flow events");
	for (i = 0; i < r->nunderlay; i++)
		ASSERT_GT(r->underlay[i].vxlan_pod_pkts, 0, "VXLAN on the uplink");
	ASSERT_EQ(r->mtu[0].got, 1422, "vxlan MTU payload");
	pl_check_report_free(r);
}

PL_TEST_PROBE(integration, check_two_node_legacy_nat, pl_probe_bpf_netns)
{
	struct pl_check_report *r;
	struct seen_counts c;

	check_topology("topologies/two-node-legacy.yaml", &c, &r);
	if (!r)
		return;
	ASSERT_GT(c.cross, 0, "cross-node probes delivered");
	ASSERT_EQ(c.cross_node_ip, c.cross, "MASQUERADE: destination sees the source node IP");
	ASSERT_EQ(c.cross_pod_ip, 0, "no cross-node pod IP survives");
	ASSERT_EQ(c.local_pod_ip, c.local, "same-node traffic keeps the pod IP");
	pl_check_report_free(r);
}

/*
 * Fabric routing: the destination sees the source pod's IP, the wire carries bare pod
 * IPs (no VXLAN), the fabric router's table holds every pod and the nodes' tables
 * only their own pods.
 */
PL_TEST_PROBE(integration, check_two_node_fabric, pl_probe_bpf_netns)
{
	struct pl_check_report *r;
	struct seen_counts c;
	int i, fabric_rows = 0;

	check_topology("topologies/two-node-fabric.yaml", &c, &r);
	if (!r)
		return;
	ASSERT_GT(c.cross, 0, "cross-node probes delivered");
	ASSERT_EQ(c.cross_pod_ip, c.cross, "destination sees the source pod IP");
	ASSERT_GT(c.denied, 0, "policy denials observed");
	ASSERT_EQ(c.drops, c.denied, "every denial has its drop reason in the flow events");
	for (i = 0; i < r->nunderlay; i++) {
		ASSERT_GT(r->underlay[i].plain_pod_pkts, 0, "bare pod IPs on the uplink");
		ASSERT_EQ(r->underlay[i].vxlan_pkts, 0, "no encapsulation on the wire");
	}
	ASSERT_EQ(r->mtu[0].got, 1472, "no encapsulation overhead");
	ASSERT_EQ(r->nroutes, 3, "the fabric's table and both nodes'");
	for (i = 0; i < r->nroutes; i++) {
		const struct pl_check_routes *x = &r->routes[i];

		ASSERT_TRUE(x->judged && x->ok, "routes row as fabric routing wants");
		if (x->node < 0) {
			fabric_rows++;
			ASSERT_EQ(x->remote, 4, "the fabric routes every pod IP");
		} else {
			ASSERT_EQ(x->own, 2, "a node routes its own pods");
			ASSERT_EQ(x->remote, 0, "and no other node's pod");
			ASSERT_EQ(x->via_subnet, 2, "other pods only by the subnet, to the fabric");
		}
	}
	ASSERT_EQ(fabric_rows, 1, "one fabric row");
	pl_check_report_free(r);
}

/* check brings the topology up with its datapath: BPF first, then a machine that can time rates. */
static const char *probe_bpf_shaping(void)
{
	const char *why = pl_probe_bpf_netns();

	return why ? why : fixture_probe_shaping();
}

PL_TEST_PROBE(integration, check_seed_tc_rates, probe_bpf_shaping)
{
	struct pl_check_report *r;
	struct seen_counts c;
	int i, measured = 0;

	check_topology("topologies/seed-tc.yaml", &c, &r);
	if (!r)
		return;
	for (i = 0; i < r->nrates; i++) {
		if (r->rates[i].skipped)
			continue;
		measured++;
		ASSERT_TRUE(r->rates[i].ok, "rate within 10%");
	}
	/* tbf; both htb classes together (3 and 7 Mbit/s), then each alone (ceil 5 and 10). */
	ASSERT_EQ(measured, 5, "tbf and both htb classes, together and alone");
	pl_check_report_free(r);
}

PL_TEST_PROBE(integration, check_three_node_segment, pl_probe_bpf_netns)
{
	struct pl_check_report *r;
	struct seen_counts c;
	int i;

	check_topology("topologies/three-node-segment.yaml", &c, &r);
	if (!r)
		return;
	ASSERT_GT(c.cross, 0, "cross-node probes delivered");
	ASSERT_EQ(c.cross_pod_ip, c.cross, "destination sees the source pod IP");
	ASSERT_EQ(c.drops, c.denied, "every denial has its drop reason in the flow events");
	ASSERT_EQ(r->nmtu, 3, "an MTU row per node pair");
	for (i = 0; i < r->nmtu; i++)
		ASSERT_EQ(r->mtu[i].got, 1472, "native MTU payload across the segment");
	pl_check_report_free(r);
}

/* Dual stack: one MTU row per family and node pair, IPv4's payload, then IPv6's (40-byte header).
 */
static void assert_mtu_rows(const struct pl_check_report *r, uint32_t want4, uint32_t want6)
{
	int i, n4 = 0, n6 = 0;

	for (i = 0; i < r->nmtu; i++) {
		const struct pl_check_mtu *m = &r->mtu[i];

		if (m->v6) {
			n6++;
			ASSERT_EQ(m->got, want6, "largest DF UDP payload over IPv6");
		} else {
			n4++;
			ASSERT_EQ(m->got, want4, "largest DF UDP payload over IPv4");
		}
	}
	ASSERT_EQ(n4, 1, "an IPv4 MTU row for the node pair");
	ASSERT_EQ(n6, 1, "an IPv6 MTU row for the node pair");
}

/* Dual stack: the IPv6 matrix is the IPv4 one again, probe for probe, with the same outcome. */
static void check_dual_stack(const char *file, uint32_t mtu4, uint32_t mtu6)
{
	int i, n4 = 0, n6 = 0, cross6 = 0, pod_ip6 = 0, denied6 = 0, drops6 = 0, twins = 0;
	struct pl_check_report *r;
	struct seen_counts c;
	struct topo *t = NULL;

	/* The report's topology is freed with the run: the pods' addresses from a parse of ours. */
	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	check_topology(file, &c, &r);
	for (i = 0; r && i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i], *q;
		const struct topo_pod *s, *d;

		if (!p->v6) {
			n4++;
			continue;
		}
		n6++;
		q = &r->probes[i - n4];
		s = &t->pods[p->src];
		d = &t->pods[p->dst];
		/* The IPv4 twin sits n4 probes earlier: same pair, port, proto but ICMP. */
		twins += q->src == p->src && q->dst == p->dst && q->dport == p->dport &&
			 q->delivered == p->delivered &&
			 (q->proto == p->proto ||
			  (q->proto == IPPROTO_ICMP && p->proto == IPPROTO_ICMPV6));
		if (p->expect == PL_EXPECT_DENY && !p->delivered) {
			denied6++;
			drops6 += p->has_drop && (p->drop_reason == PL_DROP_POLICY_DENIED ||
						  p->drop_reason == PL_DROP_POLICY_DENY);
		}
		if (p->delivered && s->node != d->node) {
			cross6++;
			pod_ip6 +=
				p->res.sighting.v6 && !memcmp(p->res.sighting.peer_ip6, s->ip6, 16);
		}
	}
	pl_topo_free(t);
	if (!r)
		return;
	ASSERT_EQ(n6, n4, "an IPv6 probe for every IPv4 one");
	ASSERT_EQ(twins, n6, "each with its IPv4 twin's outcome");
	ASSERT_GT(cross6, 0, "cross-node IPv6 probes delivered");
	ASSERT_EQ(pod_ip6, cross6, "destination sees the source pod's IPv6 address");
	ASSERT_GT(denied6, 0, "IPv6 policy denials observed");
	ASSERT_EQ(drops6, denied6, "every IPv6 denial has its drop reason in the flow events");
	assert_mtu_rows(r, mtu4, mtu6);
	pl_check_report_free(r);
}

PL_TEST_PROBE(integration, check_two_node_dual_stack, pl_probe_bpf_netns)
{
	check_dual_stack("topologies/two-node-dual-stack.yaml", 1472, 1452);
}

PL_TEST_PROBE(integration, check_two_node_dual_stack_vxlan, pl_probe_bpf_netns)
{
	check_dual_stack("topologies/two-node-dual-stack-vxlan.yaml", 1422, 1402);
}

/*
 * Dual stack in legacy: both families pass, and across nodes the destination sees
 * the source node's address in each: its IPv4 (nft ip) and its ipv6 (nft ip6, NAT66).
 * frontend's TCP to backend:80 over IPv6 arrives from node1's ipv6.
 */
PL_TEST_PROBE(integration, check_two_node_dual_stack_legacy, pl_probe_bpf_netns)
{
	const char *file = "topologies/two-node-dual-stack-legacy.yaml";
	int i, fe, be, cross4 = 0, node_ip4 = 0, cross6 = 0, node_ip6 = 0, pod_ip6 = 0, local6 = 0,
		       local_pod6 = 0, fe_be = 0;
	struct pl_check_report *r;
	struct seen_counts c;
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse(file, &t), "parse"))
		return;
	fe = pl_topo_pod_by_name(t, "frontend");
	be = pl_topo_pod_by_name(t, "backend");
	check_topology(file, &c, &r);
	for (i = 0; r && i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];
		const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
		const uint8_t *seen = p->res.sighting.peer_ip6;

		if (!p->v6 && p->delivered && s->node != d->node) {
			cross4++;
			node_ip4 += p->res.sighting.peer_ip == t->nodes[s->node].underlay_ip;
		}
		if (!p->v6 || !p->delivered || !p->res.sighting.v6)
			continue;
		if (s->node == d->node) {
			local6++;
			local_pod6 += !memcmp(seen, s->ip6, 16);
			continue;
		}
		cross6++;
		node_ip6 += !memcmp(seen, t->nodes[s->node].underlay_ip6, 16);
		pod_ip6 += !memcmp(seen, s->ip6, 16);
		if (p->src == fe && p->dst == be && p->proto == IPPROTO_TCP && p->dport == 80)
			fe_be += !memcmp(seen, t->nodes[0].underlay_ip6, 16);
	}
	pl_topo_free(t);
	if (!r)
		return;
	ASSERT_GT(cross4, 0, "cross-node IPv4 probes delivered");
	ASSERT_EQ(node_ip4, cross4, "IPv4: destination sees the source node IP");
	ASSERT_GT(cross6, 0, "cross-node IPv6 probes delivered");
	ASSERT_EQ(node_ip6, cross6, "IPv6: destination sees the source node's ipv6 (NAT66)");
	ASSERT_EQ(pod_ip6, 0, "no cross-node pod IPv6 survives");
	ASSERT_GT(local6, 0, "same-node IPv6 probes delivered");
	ASSERT_EQ(local_pod6, local6, "same-node IPv6 keeps the pod's address");
	ASSERT_EQ(fe_be, 1, "backend saw frontend's TCP over IPv6 from node1's ipv6");
	assert_mtu_rows(r, 1422, 1402); /* the kernel's vxlan0 over the IPv4 underlay */
	pl_check_report_free(r);
}
