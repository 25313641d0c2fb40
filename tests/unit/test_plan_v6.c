// SPDX-License-Identifier: GPL-2.0
/* The IPv6 half of a dual-stack plan: steps, map elements, and the printed script saying the same.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "plan_test_util.h"
#include "test.h"

static const uint8_t *ip6(const char *s, uint8_t *buf)
{
	if (inet_pton(AF_INET6, s, buf) != 1)
		abort();
	return buf;
}

/* Step of kind in ns on dev with in6.ip (and gw when given), or -1. */
static int find6(const struct pl_plan *p, enum pl_step_kind kind, int ns, const char *dev,
		 const char *ip, uint8_t plen, const char *gw)
{
	uint8_t a[16], g[16] = {0};
	int i;

	ip6(ip, a);
	if (gw)
		ip6(gw, g);
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == kind && s->ns == ns && !strcmp(s->dev, dev) &&
		    !memcmp(s->in6.ip, a, 16) && (kind == PL_STEP_NEIGH6 || s->in6.plen == plen) &&
		    (kind != PL_STEP_ROUTE6 || !memcmp(s->in6.gw, g, 16)))
			return i;
	}
	return -1;
}

PL_TEST(unit, plan_v6_native_steps)
{
	struct pl_plan_opts o = {.datapath = true};
	struct pl_plan *p = NULL;
	struct pl_datapath_opts dpo;
	struct topo *t = NULL;
	int i, n1, n2, fe, sysctl, veth;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-dual-stack.yaml"), &t), "parse") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	n1 = plan_ns(p, "node1");
	n2 = plan_ns(p, "node2");
	fe = plan_ns(p, "frontend");
	/* Every pod: an address, the gateway neighbour and default route; its node: neighbour and
	 * /128. */
	ASSERT_EQ(plan_count(p, PL_STEP_ADDR6), t->npods + t->nnodes, "pod and uplink addresses");
	ASSERT_EQ(plan_count(p, PL_STEP_NEIGH6), 2 * t->npods, "neighbours");
	ASSERT_EQ(plan_count(p, PL_STEP_ROUTE6), 2 * t->npods + 2, "routes");
	ASSERT_GE(find6(p, PL_STEP_ADDR6, fe, "eth0", "fd00:10:244:1::10", 128, NULL), 0,
		  "frontend /128");
	ASSERT_GE(find6(p, PL_STEP_NEIGH6, fe, "eth0", "fe80::1", 0, NULL), 0, "gateway neighbour");
	ASSERT_GE(find6(p, PL_STEP_ROUTE6, fe, "eth0", "::", 0, "fe80::1"), 0,
		  "default via fe80::1");
	ASSERT_GE(find6(p, PL_STEP_ROUTE6, n1, "lxcfrontend", "fd00:10:244:1::10", 128, NULL), 0,
		  "node1 host route");
	ASSERT_GE(find6(p, PL_STEP_ADDR6, n2, "eth0", "fd00:192:168:50::2", 64, NULL), 0,
		  "node2 uplink ipv6");
	ASSERT_GE(find6(p, PL_STEP_ROUTE6, n1, "eth0", "fd00:10:244:2::", 64, "fd00:192:168:50::2"),
		  0, "node1 routes node2's podCIDRv6 via its ipv6");
	/* IPv6 on and DAD off in podlab's namespaces, before any device is made. */
	veth = plan_find(p, PL_STEP_VETH, -1, NULL);
	for (i = 0, sysctl = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_SYSCTL || strncmp(s->sysctl.key, "net/ipv6/", 9))
			continue;
		sysctl++;
		ASSERT_TRUE(p->ns[s->ns].role == PL_NS_NODE || p->ns[s->ns].role == PL_NS_POD,
			    "only nodes' and pods' namespaces");
		if (veth >= 0)
			ASSERT_LT(i, veth, "before the first veth");
	}
	ASSERT_EQ(sysctl, 4 * (t->npods + t->nnodes) + t->nnodes, "four a namespace, forwarding");
	pl_dp_opts(p, 0, &dpo);
	ASSERT_TRUE(dpo.ipv6, "the IPv6 maps are sized");
out:
	pl_plan_free(p);
	pl_topo_free(t);
}

PL_TEST(unit, plan_v6_map_entries)
{
	struct pl_plan_opts o = {.datapath = true};
	struct pl_map_entry *e = NULL;
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	int i, j, n = 0, ep4 = 0, ep6 = 0, ic6 = 0, node;
	uint8_t a[16];

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-dual-stack.yaml"), &t), "parse") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	for (node = 0; node < t->nnodes; node++) {
		pl_subtest("node %s", t->nodes[node].name);
		if (!ASSERT_OK(pl_dp_map_entries(p, node, &e, &n), "entries"))
			continue;
		ep4 = ep6 = ic6 = 0;
		for (i = 0; i < n; i++) {
			if (!strcmp(e[i].map, "endpoints"))
				ep4++;
			if (!strcmp(e[i].map, "ipcache6")) {
				struct pl_ipcache6_key k;
				struct pl_ipcache_info v;
				int pod;

				ic6++;
				memcpy(&k, e[i].key, sizeof(k));
				memcpy(&v, e[i].val, sizeof(v));
				ASSERT_EQ(k.prefixlen, 128, "/128");
				pod = pl_topo_pod_by_ip6(t, (const uint8_t *)k.ip6);
				if (pod < 0)
					continue;
				ASSERT_EQ(v.identity, t->pods[pod].identity, "pod identity");
				/* Cluster-wide: every pod's, its own node's included. */
				ASSERT_EQ(v.tunnel_endpoint,
					  t->nodes[t->pods[pod].node].underlay_ip,
					  "tunnel endpoint: the owning node's underlay IPv4");
			}
			if (strcmp(e[i].map, "endpoints6"))
				continue;
			ep6++;
			/* The same value as the pod's IPv4 entry. */
			for (j = 0; j < n; j++) {
				struct pl_endpoint_key k4;
				int pod;

				if (strcmp(e[j].map, "endpoints"))
					continue;
				memcpy(&k4, e[j].key, sizeof(k4));
				pod = pl_topo_pod_by_ip(t, k4.ip);
				if (pod >= 0 && !memcmp(t->pods[pod].ip6, e[i].key, 16))
					break;
			}
			if (ASSERT_LT(j, n, "a pod's IPv6 address"))
				ASSERT_MEMEQ(e[i].val, e[j].val, e[i].val_len, "value as IPv4's");
		}
		ASSERT_EQ(ep6, t->nodes[node].npods, "endpoints6: the node's pods");
		ASSERT_EQ(ep6, ep4, "one a pod, as IPv4");
		/* Filled once, by the node that loads the datapath. */
		ASSERT_EQ(ic6, node == pl_dp_loading_node(p) ? t->npods + t->nnodes : 0,
			  "ipcache6: every pod and node, once");
		free(e);
		e = NULL;
	}
	ASSERT_EQ(pl_topo_pod_by_ip6(t, ip6("fd00:10:244:2::1e", a)), 3, "db allocated");
out:
	pl_plan_free(p);
	pl_topo_free(t);
}

PL_TEST(unit, plan_v6_vxlan_and_print)
{
	static const char *const want[] = {
		"inns pl-t1-frontend sysctl -qw net/ipv6/conf/all/accept_dad=0\n",
		"inns pl-t1-node1 sysctl -qw net/ipv6/conf/all/forwarding=1\n",
		"ip -n pl-t1-frontend -6 addr add fd00:10:244:1::10/128 dev eth0 nodad\n",
		"ip -n pl-t1-frontend -6 neigh add fe80::1 lladdr 02:70:6c:01:00:00 dev eth0 nud "
		"permanent\n",
		"ip -n pl-t1-frontend -6 route add default via fe80::1 dev eth0\n",
		"ip -n pl-t1-node2 -6 route add fd00:10:244:2::20/128 dev lxcbackend\n",
		"bpftool map update pinned /sys/fs/bpf/podlab/t1/node1/endpoints6 key hex fd 00 00 "
		"10 "
		"02 44 00 01 00 00 00 00 00 00 00 10 value ",
	};
	struct pl_plan_opts o = {.datapath = true};
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	char *buf = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-dual-stack-vxlan.yaml"), &t),
		       "parse") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	/* The datapath redirects IPv6 into the tunnel: no IPv6 route to the other node. */
	ASSERT_EQ(plan_count(p, PL_STEP_ROUTE6), 2 * t->npods, "pods' routes only");
	ASSERT_EQ(plan_count(p, PL_STEP_ADDR6), t->npods, "no node ipv6, no uplink address");
	f = open_memstream(&buf, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	ASSERT_OK(pl_plan_print(p, f), "print");
	fclose(f);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ASSERT_STRSTR(buf, want[i], "printed");
	ASSERT_STRSTR(buf,
		      "map name endpoints6 pinned /sys/fs/bpf/podlab/t1/node1/endpoints6_sized",
		      "endpoints6 sized as endpoints");
	pl_plan_free(p);
	p = NULL;
	/* Its kernel-only twin has no IPv6 path: refused, not half-built. */
	o.datapath = false;
	ASSERT_EQ(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), -EINVAL, "no-datapath vxlan refused");
	ASSERT_TRUE(p == NULL, "no plan");
out:
	free(buf);
	pl_plan_free(p);
	pl_topo_free(t);
}

/* The dual-stack CIDR topology's prefilter: its IPv6 prefix in prefilter6, its IPv4 one beside. */
PL_TEST(unit, plan_v6_prefilter6)
{
	struct pl_plan_opts o = {.datapath = true, .xdp_prefilter = true};
	struct pl_prefilter6_key k6, want6 = {.prefixlen = 48};
	struct pl_map_entry *e = NULL;
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	int i, n = 0, n4 = 0, n6 = 0;
	uint32_t rule = 0;

	inet_pton(AF_INET6, "2001:db8:66::", want6.ip6);
	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-dual-stack-cidr.yaml"), &t),
		       "parse") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds") ||
	    !ASSERT_OK(pl_dp_map_entries(p, 1, &e, &n), "entries of node2"))
		goto out;
	ASSERT_EQ(t->nprefilter, 2, "two prefilter entries");
	ASSERT_TRUE(t->prefilter[0].v6 && !t->prefilter[1].v6, "the first is IPv6");
	for (i = 0; i < n; i++) {
		if (!strcmp(e[i].map, "prefilter"))
			n4++;
		if (strcmp(e[i].map, "prefilter6"))
			continue;
		n6++;
		memcpy(&k6, e[i].key, sizeof(k6));
		memcpy(&rule, e[i].val, sizeof(rule));
		ASSERT_MEMEQ(&k6, &want6, sizeof(k6), "2001:db8:66::/48");
		ASSERT_EQ(rule, 1, "rule id: its place in the list");
	}
	ASSERT_EQ(n6, 1, "one prefilter6 element");
	ASSERT_EQ(n4, 1, "one prefilter element");
	free(e);
out:
	pl_plan_free(p);
	pl_topo_free(t);
}

/* Legacy's IPv6 overlay: vxlan0 routes via link-local next hops, the reply rule, the ip6 NAT. */
PL_TEST(unit, plan_v6_legacy_and_print)
{
	static const char *const want[] = {
		"ip -n pl-t1-node1 -6 addr add fd00:192:168:50::1/128 dev vxlan0 nodad\n",
		"ip -n pl-t1-node1 -6 neigh add fe80::70:6cff:fe03:1 lladdr 02:70:6c:03:00:01 dev "
		"vxlan0 nud permanent\n",
		"ip -n pl-t1-node1 -6 route add fd00:10:244:2::/64 via fe80::70:6cff:fe03:1 dev "
		"vxlan0\n",
		"ip -n pl-t1-node1 -6 rule add from fd00:10:244:1::/64 lookup 100 priority 100\n",
		"ip -n pl-t1-node1 -6 route add fd00:192:168:50::2/128 via fe80::70:6cff:fe03:1 "
		"dev "
		"vxlan0 table 100\n",
		"add rule ip6 podlab postrouting ip6 saddr fd00:10:244:1::/64 ip6 daddr { "
		"fd00:10:244:2::/64 } oifname \"vxlan0\" masquerade\n",
		"add rule ip podlab postrouting ip saddr 10.244.1.0/24 ip daddr { 10.244.2.0/24 } "
		"oifname \"vxlan0\" masquerade\n",
	};
	struct pl_plan_opts o = {.datapath = true};
	int i, n1, r, m4 = -1, m6 = -1, rules6 = 0;
	struct pl_plan *p = NULL;
	struct topo *t = NULL;
	char *buf = NULL, *nft;
	uint8_t a[16];
	size_t len = 0;
	FILE *f;

	if (!ASSERT_OK(pl_topo_parse(topo_test_shipped("two-node-dual-stack-legacy.yaml"), &t),
		       "parse") ||
	    !ASSERT_OK(pl_plan_build(t, PLAN_TEST_RUN, &o, &p), "plan builds"))
		goto out;
	n1 = plan_ns(p, "node1");
	ASSERT_GE(find6(p, PL_STEP_ADDR6, n1, "vxlan0", "fd00:192:168:50::1", 128, NULL), 0,
		  "node1's ipv6 on vxlan0");
	ASSERT_GE(find6(p, PL_STEP_NEIGH6, n1, "vxlan0", "fe80::70:6cff:fe03:1", 0, NULL), 0,
		  "node2's vxlan0 link-local as a neighbour");
	r = find6(p, PL_STEP_ROUTE6, n1, "vxlan0", "fd00:10:244:2::", 64, "fe80::70:6cff:fe03:1");
	if (ASSERT_GE(r, 0, "node2's podCIDRv6 via vxlan0"))
		ASSERT_EQ(p->steps[r].in6.table, 0, "in main");
	r = find6(p, PL_STEP_ROUTE6, n1, "vxlan0", "fd00:192:168:50::2", 128,
		  "fe80::70:6cff:fe03:1");
	if (ASSERT_GE(r, 0, "node2's ipv6 via vxlan0"))
		ASSERT_EQ(p->steps[r].in6.table, PL_LEGACY_TABLE, "in the reply table");
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind == PL_STEP_RULE && s->ns == n1 && s->rule.v6) {
			rules6++;
			ASSERT_MEMEQ(s->rule.src6, ip6("fd00:10:244:1::", a), 16, "rule from");
			ASSERT_EQ(s->rule.plen, 64, "its podCIDRv6");
			ASSERT_EQ(s->rule.table, PL_LEGACY_TABLE, "lookup 100");
		}
		if (s->kind == PL_STEP_MASQUERADE && s->ns == n1)
			*(s->masq.v6 ? &m6 : &m4) = i;
	}
	ASSERT_EQ(rules6, 1, "one IPv6 reply rule on node1");
	if (ASSERT_GE(m4, 0, "IPv4 masquerade") && ASSERT_GE(m6, 0, "ip6 masquerade")) {
		ASSERT_STREQ(p->steps[m6].masq.oif, "vxlan0", "out of vxlan0");
		nft = pl_plan_nft_masquerade(p, &p->steps[m6]);
		ASSERT_STRSTR(nft ? nft : "", "add table ip6 podlab\n", "ip6 family");
		free(nft);
	}
	f = open_memstream(&buf, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	ASSERT_OK(pl_plan_print(p, f), "print");
	fclose(f);
	for (i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++)
		ASSERT_STRSTR(buf, want[i], "printed");
	/* addrconf's modified EUI-64: the universal/local bit flipped, ff:fe in the middle. */
	pl_plan_ll6((const uint8_t[]){0x02, 0x70, 0x6c, 0x03, 0x00, 0x01}, a);
	ASSERT_MEMEQ(a, ip6("fe80::70:6cff:fe03:1", (uint8_t[16]){0}), 16, "EUI-64 link-local");
out:
	free(buf);
	pl_plan_free(p);
	pl_topo_free(t);
}
