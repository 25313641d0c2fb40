// SPDX-License-Identifier: GPL-2.0
/*
 * NodePorts at from_network: a packet to this node's IP at a nodePort is
 * DNATed to a backend; a backend on another node (externalTrafficPolicy
 * Cluster) also gets the node's IP as source, and its reply, arriving at
 * the node, goes back to the client from node IP:nodePort. A local backend
 * sees the client's own address, and answers from node IP:nodePort through
 * its from_pod. Local with no backend on this node drops NO_SERVICE_BACKEND.
 * A pod of the node reaches a nodePort too, hairpin included.
 */
#include <arpa/inet.h>
#include <string.h>

#include "test.h"
#include "dp_fixture.h"

#define NP_CLUSTER	 30080 /* Cluster, one backend: C on node2 */
#define NP_LOCAL	 30081 /* Local, one backend here: B */
#define NP_LOCAL_NONE	 30082 /* Local, its only backend (C) elsewhere: none here */
#define NP_CLUSTER_LOCAL 30083 /* Cluster, one backend: B, here */

/* A nodePort (any node IP) to the n backends be[] at targetPort target. */
static int add_nodeport(struct dp_fx *fx, uint32_t id, uint16_t node_port, uint16_t target,
			const uint32_t *be, int n, uint16_t flags)
{
	return dp_fx_add_service(fx, id, 0, node_port, 6, target, be, n, PL_SVC_F_NODEPORT | flags);
}

struct out {
	struct pl_run_result r;
	struct pl_pkt_info p;
	uint8_t bytes[256];
};

static bool run(struct dp_fx *fx, enum pl_prog prog, enum dp_dev dev, uint32_t s, uint32_t d,
		uint16_t sport, uint16_t dport, uint8_t flags, struct out *o)
{
	struct pl_pkt_spec spec = PKT_TCP(s, d, sport, dport);
	struct pl_run_ctx ctx = {.ifindex = fx->ifindex[dev]};
	uint8_t pkt[256];
	int len;

	spec.tcp_flags = flags;
	len = pl_pkt_build(&spec, pkt, sizeof(pkt));
	memset(o, 0, sizeof(*o));
	if (!ASSERT_GT(len, 0, "build") ||
	    !ASSERT_OK(pl_datapath_test_run(fx->dp, prog, pkt, len, &ctx, o->bytes,
					    sizeof(o->bytes), &o->r),
		       "test_run"))
		return false;
	return o->r.retval == TC_ACT_SHOT ||
	       ASSERT_OK(pl_pkt_parse(o->bytes, o->r.data_out_len, &o->p), "output parses");
}

static void checksums_ok(const struct out *o)
{
	ASSERT_EQ(pl_csum_ipv4_header(o->bytes + o->p.l3_off, o->p.ip_hlen), 0,
		  "IPv4 header checksum verifies");
	ASSERT_EQ(
		pl_csum_l4(o->p.saddr, o->p.daddr, o->p.proto, o->bytes + o->p.l4_off, o->p.l4_len),
		0, "TCP checksum verifies");
}

static bool setup(struct dp_fx *fx)
{
	static const uint32_t remote[] = {IP_C}, local[] = {IP_B};

	if (!ASSERT_OK(dp_fx_setup(fx, PL_ROUTING_NATIVE, true), "fixture"))
		return false;
	return ASSERT_OK(add_nodeport(fx, 1, NP_CLUSTER, 8080, remote, 1, 0), "cluster") &&
	       ASSERT_OK(add_nodeport(fx, 2, NP_LOCAL, 8080, local, 1, PL_SVC_F_LOCAL), "local") &&
	       ASSERT_OK(add_nodeport(fx, 3, NP_LOCAL_NONE, 8080, NULL, 0, PL_SVC_F_LOCAL),
			 "local, none here") &&
	       ASSERT_OK(add_nodeport(fx, 4, NP_CLUSTER_LOCAL, 8080, local, 1, 0),
			 "cluster, backend here");
}

PL_TEST_PROBE(datapath, nodeport_cluster_remote_backend_snat_and_reply, pl_probe_bpf_netns)
{
	struct dp_fx fx = {0};
	struct out o;

	if (!setup(&fx))
		goto out;
	/* D (node3) to this node's IP at the nodePort; its backend C is on node2. */
	if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_D, IP_NODE1, 5555, NP_CLUSTER, 0x02, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "routed on to node2");
	ASSERT_EQ(o.r.event.redirect, PL_REDIR_FIB, "fib redirect");
	ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_UPLINK], "back out of the uplink");
	ASSERT_EQ(o.p.daddr, IP_C, "destination: the backend");
	ASSERT_EQ(o.p.dport, 8080, "destination port: targetPort");
	ASSERT_EQ(o.p.saddr, IP_NODE1, "source: this node's IP (SNAT)");
	ASSERT_EQ(o.p.sport, 5555, "source port kept");
	checksums_ok(&o);
	ASSERT_TRUE(o.r.event.flags & PL_EV_F_SVC_DNAT, "event: DNAT");
	ASSERT_TRUE(o.r.event.flags & PL_EV_F_SVC_SNAT, "event: SNAT");
	ASSERT_EQ(o.r.event.svc_daddr, IP_NODE1, "event: the node IP it was sent to");
	ASSERT_EQ(ntohs(o.r.event.svc_dport), NP_CLUSTER, "event: the nodePort");
	ASSERT_EQ(o.r.event.nat_saddr, IP_D, "event: the client's address before the SNAT");
	ASSERT_EQ(ntohs(o.r.event.nat_sport), 5555, "event: the client's port before the SNAT");

	/* C's reply to this node: back to D, from node IP:nodePort. */
	if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_C, IP_NODE1, 8080, 5555, 0x12, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "reply routed to the client");
	ASSERT_EQ(o.p.saddr, IP_NODE1, "reply source: the node IP");
	ASSERT_EQ(o.p.sport, NP_CLUSTER, "reply source port: the nodePort");
	ASSERT_EQ(o.p.daddr, IP_D, "reply destination: the client again");
	ASSERT_EQ(o.p.dport, 5555, "reply destination port: the client's");
	checksums_ok(&o);
	ASSERT_TRUE(o.r.event.flags & PL_EV_F_CT_REPLY, "a conntrack reply");
	ASSERT_TRUE(o.r.event.flags & PL_EV_F_SVC_RNAT, "event: reverse NAT");
	ASSERT_EQ(o.r.event.nat_saddr, IP_C, "event: the backend's address before the reverse NAT");
	ASSERT_EQ(ntohs(o.r.event.nat_sport), 8080, "event: the backend's port before it");

	/* Untracked, the same packet is the node's own traffic: to the stack, untouched. */
	ASSERT_OK(pl_ct_clear(fx.dp), "flush conntrack");
	if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_C, IP_NODE1, 8080, 5555, 0x12, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_OK, "untracked: to the stack");
	ASSERT_EQ(o.p.daddr, IP_NODE1, "untracked: destination untouched");
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, nodeport_local_backend_keeps_client_ip, pl_probe_bpf_netns)
{
	static const uint16_t ports[] = {NP_LOCAL, NP_CLUSTER_LOCAL};
	struct dp_fx fx = {0};
	struct out o;
	size_t i;

	if (!setup(&fx))
		goto out;
	for (i = 0; i < 2; i++) {
		pl_subtest("nodePort %u", ports[i]);
		ASSERT_OK(pl_ct_clear(fx.dp), "flush conntrack");
		if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_D, IP_NODE1, 5556, ports[i],
			 0x02, &o))
			goto out;
		ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "delivered");
		ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B");
		ASSERT_EQ(o.p.saddr, IP_D, "the client's own address (no SNAT)");
		ASSERT_EQ(o.p.daddr, IP_B, "destination: the backend");
		ASSERT_EQ(o.p.dport, 8080, "targetPort");
		ASSERT_FALSE(o.r.event.flags & PL_EV_F_SVC_SNAT, "event: no SNAT");
		checksums_ok(&o);

		if (!run(&fx, PL_PROG_FROM_POD, DEV_POD_B, IP_B, IP_D, 8080, 5556, 0x12, &o))
			goto out;
		ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "reply routed to the client");
		ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_UPLINK], "out of the uplink");
		ASSERT_EQ(o.p.saddr, IP_NODE1, "reply source: the node IP");
		ASSERT_EQ(o.p.sport, ports[i], "reply source port: the nodePort");
		ASSERT_EQ(o.p.daddr, IP_D, "reply destination untouched");
		checksums_ok(&o);
	}
	pl_subtest("Local without a backend on this node");
	if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_D, IP_NODE1, 5557, NP_LOCAL_NONE, 0x02,
		 &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_SHOT, "dropped");
	ASSERT_EQ(o.r.event.drop_reason, PL_DROP_NO_SERVICE_BACKEND, "NO_SERVICE_BACKEND");
	ASSERT_EQ(o.r.event.obs_point, PL_OBS_FROM_NETWORK, "at FROM_NETWORK");
	pl_subtest("a port that is no nodePort");
	if (!run(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, IP_D, IP_NODE1, 5558, 30099, 0x02, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_OK, "the node's own: to the stack");
	ASSERT_EQ(o.p.daddr, IP_NODE1, "untouched");
out:
	dp_fx_teardown(&fx);
}

/*
 * A pod's packet to its own node's IP at a nodePort is translated in its
 * from_pod: pod A reaches backend B with its own address; B itself (hairpin)
 * is SNATed to PL_HAIRPIN_IP, and its reply goes back to B from node IP:nodePort.
 */
PL_TEST_PROBE(datapath, nodeport_from_a_pod_of_the_node_and_hairpin, pl_probe_bpf_netns)
{
	struct dp_fx fx = {0};
	struct out o;

	if (!setup(&fx))
		goto out;
	pl_subtest("pod A to its node's nodePort");
	if (!run(&fx, PL_PROG_FROM_POD, DEV_POD_A, IP_A, IP_NODE1, 5560, NP_LOCAL, 0x02, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "delivered");
	ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B");
	ASSERT_EQ(o.p.daddr, IP_B, "destination: the backend");
	ASSERT_EQ(o.p.dport, 8080, "targetPort");
	ASSERT_EQ(o.p.saddr, IP_A, "the client's own address");
	checksums_ok(&o);
	if (!run(&fx, PL_PROG_FROM_POD, DEV_POD_B, IP_B, IP_A, 8080, 5560, 0x12, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "reply delivered");
	ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_POD_A], "to pod A");
	ASSERT_EQ(o.p.saddr, IP_NODE1, "reply source: the node IP");
	ASSERT_EQ(o.p.sport, NP_LOCAL, "reply source port: the nodePort");
	checksums_ok(&o);

	pl_subtest("pod B to its node's nodePort, B the backend (hairpin)");
	if (!run(&fx, PL_PROG_FROM_POD, DEV_POD_B, IP_B, IP_NODE1, 5561, NP_LOCAL, 0x02, &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "delivered");
	ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "back to pod B");
	ASSERT_EQ(o.p.daddr, IP_B, "destination: the backend");
	ASSERT_EQ(o.p.saddr, htonl(PL_HAIRPIN_IP), "source: the hairpin address");
	checksums_ok(&o);
	if (!run(&fx, PL_PROG_FROM_POD, DEV_POD_B, IP_B, htonl(PL_HAIRPIN_IP), 8080, 5561, 0x12,
		 &o))
		goto out;
	ASSERT_EQ(o.r.retval, TC_ACT_REDIRECT, "reply delivered");
	ASSERT_EQ(o.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B");
	ASSERT_EQ(o.p.saddr, IP_NODE1, "reply source: the node IP");
	ASSERT_EQ(o.p.sport, NP_LOCAL, "reply source port: the nodePort");
	ASSERT_EQ(o.p.daddr, IP_B, "reply destination: pod B");
	ASSERT_EQ(o.p.dport, 5561, "reply destination port: B's");
	checksums_ok(&o);
out:
	dp_fx_teardown(&fx);
}
