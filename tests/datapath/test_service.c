// SPDX-License-Identifier: GPL-2.0
/*
 * Services at from_pod: a packet to ClusterIP:port leaves with the backend's
 * address and targetPort (the backend the Maglev table picks for its flow)
 * and valid IPv4 and L4 checksums; the reply gets its source rewritten back
 * to ClusterIP:port, locally or arriving from another node; a service with
 * no backends drops with NO_SERVICE_BACKEND.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "dp_fixture.h"
#include "svc/maglev.h"

#define VIP	 IP4(10, 96, 0, 10)
#define VIP_UDP	 IP4(10, 96, 0, 53)
#define VIP_NONE IP4(10, 96, 0, 99)
#define VIP_AFF	 IP4(10, 96, 0, 11)

/* The backend the datapath must pick for a flow, from the same builder and hash. */
static uint32_t expected_backend(const uint32_t *be, int n, uint32_t s, uint32_t d, uint16_t sport,
				 uint16_t dport, uint8_t proto, bool affinity)
{
	uint16_t *table = calloc(PL_MAGLEV_M, sizeof(*table));
	uint32_t h = pl_svc_hash(s, d, htons(sport), htons(dport), proto, affinity), ip = 0;

	if (table && !pl_maglev_build(be, n, table, PL_MAGLEV_M))
		ip = be[table[h % PL_MAGLEV_M]];
	free(table);
	return ip;
}

struct sent {
	struct pl_run_result r;
	struct pl_pkt_info out;
	uint8_t bytes[256];
};

static bool send_pkt(struct dp_fx *fx, enum pl_prog prog, enum dp_dev dev, struct pl_pkt_spec *spec,
		     struct sent *s)
{
	struct pl_run_ctx ctx = {.ifindex = fx->ifindex[dev]};
	uint8_t pkt[256];
	int len = pl_pkt_build(spec, pkt, sizeof(pkt));

	memset(s, 0, sizeof(*s));
	if (!ASSERT_GT(len, 0, "build the packet"))
		return false;
	if (!ASSERT_OK(pl_datapath_test_run(fx->dp, prog, pkt, len, &ctx, s->bytes,
					    sizeof(s->bytes), &s->r),
		       "test_run"))
		return false;
	if (s->r.retval == TC_ACT_SHOT)
		return true;
	return ASSERT_OK(pl_pkt_parse(s->bytes, s->r.data_out_len, &s->out), "output parses");
}

/* The output's IPv4 header and TCP/UDP checksums verify (a UDP 0 means none). */
static void assert_checksums(const struct sent *s)
{
	const uint8_t *ip = s->bytes + s->out.l3_off, *l4 = s->bytes + s->out.l4_off;
	uint16_t udp_csum = s->out.proto == 17 ? (uint16_t)(l4[6] << 8 | l4[7]) : 1;

	ASSERT_EQ(pl_csum_ipv4_header(ip, s->out.ip_hlen), 0, "IPv4 header checksum verifies");
	if (udp_csum)
		ASSERT_EQ(pl_csum_l4(s->out.saddr, s->out.daddr, s->out.proto, l4, s->out.l4_len),
			  0, "L4 checksum verifies");
}

static void setup(struct dp_fx *fx)
{
	static const uint32_t local[] = {IP_B}, remote[] = {IP_C};
	static const uint32_t three[] = {IP_B, IP_C, IP_D};

	if (!ASSERT_OK(dp_fx_setup(fx, PL_ROUTING_NATIVE, true), "fixture"))
		return;
	ASSERT_OK(dp_fx_add_service(fx, 1, VIP, 80, 6, 8080, local, 1, 0),
		  "service: local backend");
	ASSERT_OK(dp_fx_add_service(fx, 2, VIP, 81, 6, 8081, remote, 1, 0),
		  "service: remote backend");
	ASSERT_OK(dp_fx_add_service(fx, 3, VIP_UDP, 53, 17, 5353, three, 3, 0),
		  "service: 3 backends");
	ASSERT_OK(dp_fx_add_service(fx, 4, VIP_NONE, 80, 6, 80, NULL, 0, 0),
		  "service: no backends");
	ASSERT_OK(dp_fx_add_service(fx, 5, VIP_AFF, 80, 6, 8080, three, 3,
				    PL_SVC_F_AFFINITY_CLIENTIP),
		  "service: affinity");
}

PL_TEST_PROBE(datapath, service_clusterip_local_backend_and_reply, pl_probe_bpf_netns)
{
	struct pl_pkt_spec req = PKT_TCP(IP_A, VIP, 40000, 80);
	struct pl_pkt_spec rep = PKT_TCP(IP_B, IP_A, 8080, 40000);
	struct dp_fx fx = {0};
	char line[512];
	struct sent s;

	setup(&fx);
	if (!fx.dp)
		goto out;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &req, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "delivered to the backend");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B's veth");
	ASSERT_EQ(s.out.daddr, IP_B, "destination rewritten to the backend");
	ASSERT_EQ(s.out.dport, 8080, "destination port rewritten to targetPort");
	ASSERT_EQ(s.out.saddr, IP_A, "source untouched");
	ASSERT_EQ(s.out.sport, 40000, "source port untouched");
	assert_checksums(&s);
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_SVC_DNAT, "event says DNAT");
	ASSERT_EQ(s.r.event.daddr, IP_B, "event names the backend");
	ASSERT_EQ(s.r.event.dst_identity, ID_B, "destination identity is the backend's");
	pl_event_format(&s.r.event, line, sizeof(line));
	ASSERT_STRSTR(line, "-> 10.244.1.20:8080 ", "flow line: the backend");
	ASSERT_STRSTR(line, " DNAT 10.96.0.10:80 -> 10.244.1.20:8080",
		      "flow line: both sides of the DNAT");

	rep.tcp_flags = 0x12;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_B, &rep, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "reply delivered to the client");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_POD_A], "to pod A's veth");
	ASSERT_EQ(s.out.saddr, VIP, "reply source rewritten to the ClusterIP");
	ASSERT_EQ(s.out.sport, 80, "reply source port rewritten to the service port");
	ASSERT_EQ(s.out.daddr, IP_A, "reply destination untouched");
	assert_checksums(&s);
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_CT_REPLY, "a conntrack reply");
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_SVC_RNAT, "event says reverse NAT");
	pl_event_format(&s.r.event, line, sizeof(line));
	ASSERT_STRSTR(line, " RNAT 10.244.1.20:8080 -> 10.96.0.10:80",
		      "flow line: the reverse NAT");

	/* Without the request's conntrack entry the same packet is no service's reply. */
	ASSERT_OK(pl_ct_clear(fx.dp), "flush conntrack");
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_B, &rep, &s))
		goto out;
	ASSERT_EQ(s.out.saddr, IP_B, "untracked: source untouched");
	ASSERT_FALSE(s.r.event.flags & PL_EV_F_SVC_RNAT, "untracked: no reverse NAT");
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, service_clusterip_remote_backend_and_reply, pl_probe_bpf_netns)
{
	struct pl_pkt_spec req = PKT_TCP(IP_A, VIP, 40001, 81);
	struct pl_pkt_spec rep = PKT_TCP(IP_C, IP_A, 8081, 40001);
	struct dp_fx fx = {0};
	struct sent s;

	setup(&fx);
	if (!fx.dp)
		goto out;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &req, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "routed towards node2");
	ASSERT_EQ(s.r.event.redirect, PL_REDIR_FIB, "fib redirect");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_UPLINK], "out of the uplink");
	ASSERT_EQ(s.out.daddr, IP_C, "destination rewritten to the remote backend");
	ASSERT_EQ(s.out.dport, 8081, "destination port rewritten to targetPort");
	ASSERT_EQ(s.r.event.dst_identity, ID_C, "destination identity is the backend's");
	assert_checksums(&s);

	rep.tcp_flags = 0x12;
	if (!send_pkt(&fx, PL_PROG_FROM_NETWORK, DEV_UPLINK, &rep, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "reply delivered to the client");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_POD_A], "to pod A's veth");
	ASSERT_EQ(s.out.saddr, VIP, "reply source rewritten to the ClusterIP");
	ASSERT_EQ(s.out.sport, 81, "reply source port rewritten to the service port");
	assert_checksums(&s);
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_SVC_RNAT, "event says reverse NAT");
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, service_maglev_pick_and_affinity, pl_probe_bpf_netns)
{
	static const uint32_t three[] = {IP_B, IP_C, IP_D};
	uint32_t seen = 0, aff = 0, want, i;
	struct dp_fx fx = {0};
	struct sent s;

	setup(&fx);
	if (!fx.dp)
		goto out;
	for (i = 0; i < 24; i++) {
		struct pl_pkt_spec udp = PKT_UDP(IP_A, VIP_UDP, 30000 + i, 53);
		struct pl_pkt_spec tcp = PKT_TCP(IP_A, VIP_AFF, 30000 + i, 80);

		pl_subtest("flow from port %u", 30000 + i);
		want = expected_backend(three, 3, IP_A, VIP_UDP, 30000 + i, 53, 17, false);
		if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &udp, &s))
			goto out;
		ASSERT_EQ(s.out.daddr, want, "UDP: the backend of the flow's Maglev entry");
		ASSERT_EQ(s.out.dport, 5353, "UDP: targetPort");
		assert_checksums(&s);
		seen |= 1u << (want == IP_B ? 0 : want == IP_C ? 1 : 2);

		want = expected_backend(three, 3, IP_A, VIP_AFF, 0, 0, 6, true);
		if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &tcp, &s))
			goto out;
		ASSERT_EQ(s.out.daddr, want,
			  "ClientIP affinity: the backend of the source's entry");
		aff |= 1u << (s.out.daddr == IP_B ? 0 : s.out.daddr == IP_C ? 1 : 2);
	}
	pl_subtest("over all flows");
	ASSERT_EQ(seen, 7, "24 flows reach all three backends");
	ASSERT_TRUE(aff == 1 || aff == 2 || aff == 4, "affinity: one backend for every port");
out:
	dp_fx_teardown(&fx);
}

PL_TEST_PROBE(datapath, service_udp_without_checksum_and_no_backend, pl_probe_bpf_netns)
{
	struct pl_pkt_spec udp = PKT_UDP(IP_A, VIP_UDP, 30000, 53);
	struct pl_pkt_spec none = PKT_TCP(IP_A, VIP_NONE, 40000, 80);
	struct pl_pkt_spec other = PKT_TCP(IP_A, VIP_NONE, 40000, 81);
	struct pl_pkt_info in;
	uint8_t pkt[256];
	struct dp_fx fx = {0};
	struct sent s;
	int len;

	setup(&fx);
	if (!fx.dp)
		goto out;
	/* A UDP checksum of 0 means none: it must stay 0, not become a wrong one. */
	len = pl_pkt_build(&udp, pkt, sizeof(pkt));
	if (!ASSERT_GT(len, 0, "build") || !ASSERT_OK(pl_pkt_parse(pkt, len, &in), "parse"))
		goto out;
	{
		struct pl_run_ctx ctx = {.ifindex = fx.ifindex[DEV_POD_A]};

		pkt[in.l4_off + 6] = pkt[in.l4_off + 7] = 0;
		if (!ASSERT_OK(pl_datapath_test_run(fx.dp, PL_PROG_FROM_POD, pkt, len, &ctx,
						    s.bytes, sizeof(s.bytes), &s.r),
			       "test_run") ||
		    !ASSERT_OK(pl_pkt_parse(s.bytes, s.r.data_out_len, &s.out), "parse output"))
			goto out;
		ASSERT_EQ(s.out.dport, 5353, "translated");
		ASSERT_EQ(s.bytes[s.out.l4_off + 6] | s.bytes[s.out.l4_off + 7], 0,
			  "UDP checksum 0 stays 0");
		ASSERT_EQ(pl_csum_ipv4_header(s.bytes + s.out.l3_off, s.out.ip_hlen), 0,
			  "IPv4 header checksum verifies");
	}

	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &none, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_SHOT, "no backends: dropped");
	ASSERT_EQ(s.r.event.verdict, PL_VERDICT_DROPPED, "verdict dropped");
	ASSERT_EQ(s.r.event.drop_reason, PL_DROP_NO_SERVICE_BACKEND, "reason NO_SERVICE_BACKEND");
	ASSERT_STREQ(pl_drop_reason_name(s.r.event.drop_reason), "NO_SERVICE_BACKEND", "its name");

	/* A port the service does not expose is no service: the address goes as any other. */
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &other, &s))
		goto out;
	ASSERT_NEQ(s.r.event.drop_reason, PL_DROP_NO_SERVICE_BACKEND, "other port: not dropped so");
	ASSERT_EQ(s.out.daddr, VIP_NONE, "other port: destination untouched");
out:
	dp_fx_teardown(&fx);
}

/*
 * Hairpin: pod B to a service whose backend is pod B. It must not see its own
 * address as the source (its kernel drops that as martian): SNAT to the
 * hairpin address; the reply gets ClusterIP:port and pod B back.
 */
PL_TEST_PROBE(datapath, service_hairpin_snat_and_reply, pl_probe_bpf_netns)
{
	struct pl_pkt_spec req = PKT_TCP(IP_B, VIP, 40002, 80);
	struct pl_pkt_spec rep = PKT_TCP(IP_B, htonl(PL_HAIRPIN_IP), 8080, 40002);
	struct dp_fx fx = {0};
	char line[512];
	struct sent s;

	setup(&fx);
	if (!fx.dp)
		goto out;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_B, &req, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "delivered back to pod B");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B's veth");
	ASSERT_EQ(s.out.daddr, IP_B, "destination rewritten to the backend");
	ASSERT_EQ(s.out.dport, 8080, "destination port rewritten to targetPort");
	ASSERT_EQ(s.out.saddr, htonl(PL_HAIRPIN_IP), "source SNATed to the hairpin address");
	ASSERT_EQ(s.out.sport, 40002, "source port untouched");
	assert_checksums(&s);
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_SVC_SNAT, "event says SNAT");
	pl_event_format(&s.r.event, line, sizeof(line));
	ASSERT_STRSTR(line,
		      " DNAT 10.96.0.10:80 -> 10.244.1.20:8080 SNAT 10.244.1.20:40002 -> "
		      "169.254.42.1:40002",
		      "flow line: hairpin");

	rep.tcp_flags = 0x12;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_B, &rep, &s))
		goto out;
	ASSERT_EQ(s.r.retval, TC_ACT_REDIRECT, "reply delivered to pod B");
	ASSERT_EQ(s.r.event.target_ifindex, fx.ifindex[DEV_POD_B], "to pod B's veth");
	ASSERT_EQ(s.out.saddr, VIP, "reply source rewritten to the ClusterIP");
	ASSERT_EQ(s.out.sport, 80, "reply source port rewritten to the service port");
	ASSERT_EQ(s.out.daddr, IP_B, "reply destination back to pod B");
	ASSERT_EQ(s.out.dport, 40002, "reply destination port untouched");
	assert_checksums(&s);
	ASSERT_TRUE(s.r.event.flags & PL_EV_F_SVC_RNAT, "event says reverse NAT");
	ASSERT_EQ(s.r.event.dst_identity, ID_B, "destination identity is pod B's");

	/* A's packet to the same service is no hairpin: its source stays. */
	req.saddr = IP_A;
	if (!send_pkt(&fx, PL_PROG_FROM_POD, DEV_POD_A, &req, &s))
		goto out;
	ASSERT_EQ(s.out.saddr, IP_A, "not a hairpin: source untouched");
	ASSERT_FALSE(s.r.event.flags & PL_EV_F_SVC_SNAT, "not a hairpin: no SNAT");
out:
	dp_fx_teardown(&fx);
}
