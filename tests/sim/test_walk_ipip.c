// SPDX-License-Identifier: GPL-2.0
/*
 * The walk in routing ipip: from_pod's test_run pushes the outer IPv4 header
 * itself (the frame on the wire is 20 bytes longer, protocol 4, node IPs
 * outside), node2's from_network strips it and delivers the inner packet
 * unchanged (TTL too: no kernel forwarding on the way). CrossSubnet: bare
 * inside a subnet (TTL-1), IP-in-IP across. natOutgoing: masqueraded to the
 * world host, never between pods.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "topo/topo.h"
#include "walk.h"

struct walk {
	struct sim_walk *w;
	struct topo *t;
	struct sim_walk_result r;
};

static bool walk_open(struct walk *x, const char *file)
{
	struct sim_walk_opts o = {.routing = -1};

	memset(x, 0, sizeof(*x));
	if (!ASSERT_OK(pl_topo_parse(file, &x->t), "parse"))
		return false;
	if (!ASSERT_OK(pl_sim_walk_open(x->t, &o, &x->w), "open")) {
		pl_topo_free(x->t);
		return false;
	}
	return true;
}

static bool walk(struct walk *x, const char *from, uint32_t daddr, uint8_t proto, uint16_t dport)
{
	struct sim_probe pr = {.proto = proto, .dport = dport, .daddr = daddr};

	pl_sim_walk_result_release(&x->r);
	memset(&x->r, 0, sizeof(x->r));
	pr.from_pod = pl_topo_pod_by_name(x->t, from);
	return ASSERT_OK(pl_sim_walk_probe(x->w, &pr, &x->r), "walk");
}

static void walk_close(struct walk *x)
{
	pl_sim_walk_result_release(&x->r);
	pl_sim_walk_close(x->w);
	pl_topo_free(x->t);
}

/* The first step whose headers show the outer IP-in-IP header, or -1. */
static int first_ipip_step(const struct sim_walk_result *r)
{
	int i;

	for (i = 0; i < r->nsteps; i++)
		if (r->steps[i].h.ipip)
			return i;
	return -1;
}

static uint32_t pod_ip(const struct topo *t, const char *name)
{
	return t->pods[pl_topo_pod_by_name(t, name)].ip;
}

PL_TEST_PROBE(sim, walk_ipip_pod_to_pod, pl_probe_bpf_netns)
{
	struct walk x;
	struct sim_hdrs h;
	int at;

	if (!walk_open(&x, "topologies/two-node-ipip.yaml"))
		return;
	if (!walk(&x, "frontend", pod_ip(x.t, "backend"), IPPROTO_TCP, 80))
		goto out;
	ASSERT_EQ(x.r.delivery, SIM_DELIV_POD, "delivered to a pod");
	ASSERT_EQ(x.r.deliver_pod, pl_topo_pod_by_name(x.t, "backend"), "backend");
	ASSERT_TRUE(x.r.encap && x.r.encap_ipip, "encapsulated in IP-in-IP");
	ASSERT_EQ(x.r.outer_saddr, inet_addr("192.168.50.1"), "outer source node1");
	ASSERT_EQ(x.r.outer_daddr, inet_addr("192.168.50.2"), "outer destination node2");
	ASSERT_FALSE(x.r.masqueraded, "no NAT");
	at = first_ipip_step(&x.r);
	if (ASSERT_GE(at, 0, "a step with the outer header")) {
		const struct sim_hdrs *o = &x.r.steps[at].h;

		ASSERT_EQ(o->outer_saddr, inet_addr("192.168.50.1"), "outer saddr on the wire");
		ASSERT_EQ(o->outer_ip_len, o->ip_len + 20, "outer length = inner + 20");
		ASSERT_TRUE(o->outer_df, "DF on the outer header");
		ASSERT_EQ(o->saddr, pod_ip(x.t, "frontend"), "inner source: the pod");
	}
	if (ASSERT_OK_PTR(x.r.out, "delivered bytes")) {
		pl_sim_hdrs_of(x.r.out, x.r.out_len, &h);
		ASSERT_FALSE(h.encap, "delivered without the outer header");
		ASSERT_EQ(h.saddr, pod_ip(x.t, "frontend"), "source: the pod's IP");
		ASSERT_EQ(h.ttl, 64, "inner TTL untouched");
	}
	/* natOutgoing: out of node1 to the world, from node1's address. */
	if (walk(&x, "client", x.t->world.ip, IPPROTO_UDP, 53)) {
		ASSERT_EQ(x.r.delivery, SIM_DELIV_WORLD, "left towards the world host");
		ASSERT_TRUE(x.r.masqueraded, "masqueraded");
		ASSERT_FALSE(x.r.encap, "not encapsulated");
		if (ASSERT_OK_PTR(x.r.out, "bytes")) {
			pl_sim_hdrs_of(x.r.out, x.r.out_len, &h);
			ASSERT_EQ(h.saddr, inet_addr("192.168.50.1"), "source: node1's address");
		}
	}
out:
	walk_close(&x);
}

PL_TEST_PROBE(sim, walk_ipip_cross_subnet, pl_probe_bpf_netns)
{
	struct walk x;
	struct sim_hdrs h;

	if (!walk_open(&x, "topologies/three-node-ipip-crosssubnet.yaml"))
		return;
	if (walk(&x, "frontend", pod_ip(x.t, "backend"), IPPROTO_TCP, 80)) {
		ASSERT_EQ(x.r.deliver_pod, pl_topo_pod_by_name(x.t, "backend"), "backend");
		ASSERT_FALSE(x.r.encap, "same subnet: bare");
		ASSERT_LT(first_ipip_step(&x.r), 0, "no step shows an outer header");
		if (ASSERT_OK_PTR(x.r.out, "bytes")) {
			pl_sim_hdrs_of(x.r.out, x.r.out_len, &h);
			ASSERT_EQ(h.ttl, 63, "routed natively: TTL-1");
		}
	}
	if (walk(&x, "frontend", pod_ip(x.t, "db"), IPPROTO_TCP, 80)) {
		ASSERT_EQ(x.r.deliver_pod, pl_topo_pod_by_name(x.t, "db"), "db");
		ASSERT_TRUE(x.r.encap && x.r.encap_ipip, "across subnets: IP-in-IP");
		ASSERT_EQ(x.r.outer_daddr, inet_addr("192.168.60.3"), "to node3");
	}
	walk_close(&x);
}
