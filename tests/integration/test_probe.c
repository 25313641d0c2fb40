// SPDX-License-Identifier: GPL-2.0
/*
 * harness/probe on a pair of namespaces joined by a veth (10.200.0.1 <->
 * 10.200.0.2), built with `ip` and always removed: probes, the source
 * address the server saw, refused/timeout/unreachable, capture, MTU, rates.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include "net_fixture.h"
#include "test.h"
#include "probe/capture.h"
#include "probe/nsrun.h"
#include "probe/probe.h"
#include "probe/rate.h"

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* A VXLAN device (VNI 42) over the veth on both sides: 10.201.0.1 <-> 10.201.0.2. */
static int pair_vxlan(struct fixture_pair *p)
{
	return fixture_sh(
		       "ip -n %s link add vx0 type vxlan id 42 local 10.200.0.1 remote 10.200.0.2 "
		       "dstport 4789 dev va && ip -n %s addr add 10.201.0.1/24 dev vx0 && "
		       "ip -n %s link set vx0 up",
		       p->a, p->a, p->a) ||
	       fixture_sh(
		       "ip -n %s link add vx0 type vxlan id 42 local 10.200.0.2 remote 10.200.0.1 "
		       "dstport 4789 dev vb && ip -n %s addr add 10.201.0.2/24 dev vx0 && "
		       "ip -n %s link set vx0 up",
		       p->b, p->b, p->b);
}

PL_TEST_PROBE(integration, probe_delivered_and_source_seen, pl_probe_netns)
{
	static const uint16_t tcp[] = {8080}, udp[] = {8081};
	static const struct {
		const char *desc;
		uint8_t proto;
		uint16_t port;
	} cases[] = {
		{"icmp echo", IPPROTO_ICMP, 0},
		{"tcp connect", IPPROTO_TCP, 8080},
		{"udp echo", IPPROTO_UDP, 8081},
	};
	struct pl_probe_server *srv = NULL;
	struct pl_probe_result res;
	struct fixture_pair p;
	size_t i;

	if (!ASSERT_OK(fixture_pair_up(&p, "", 1500), "pair_up"))
		return;
	if (!ASSERT_OK(pl_probe_server_start(p.b, tcp, 1, udp, 1, true, &srv), "server"))
		goto out;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_probe_req req = {.src_netns = p.a,
					   .proto = cases[i].proto,
					   .dst_ip = ip4("10.200.0.2"),
					   .dport = cases[i].port,
					   .server = srv};

		pl_subtest("%s", cases[i].desc);
		if (!ASSERT_OK(pl_probe(&req, &res), "probe"))
			continue;
		ASSERT_EQ(res.status, PL_PROBE_DELIVERED, "status");
		ASSERT_TRUE(res.seen, "server saw it");
		ASSERT_EQ(res.sighting.peer_ip, ip4("10.200.0.1"), "source seen by destination");
		ASSERT_EQ(res.local_ip, ip4("10.200.0.1"), "prober's source");
		if (cases[i].proto != IPPROTO_ICMP)
			ASSERT_EQ(res.sighting.peer_port, res.local_port, "source port seen");
	}
out:
	pl_probe_server_stop(srv);
	fixture_pair_down(&p);
}

PL_TEST_PROBE(integration, probe_refused_timeout_unreachable, pl_probe_netns)
{
	static const struct {
		const char *desc;
		uint8_t proto;
		const char *dst;
		uint16_t port;
		enum pl_probe_status want;
	} cases[] = {
		{"tcp closed port", IPPROTO_TCP, "10.200.0.2", 9, PL_PROBE_REFUSED},
		{"udp closed port", IPPROTO_UDP, "10.200.0.2", 9, PL_PROBE_REFUSED},
		{"tcp to absent host", IPPROTO_TCP, "10.200.0.99", 80, PL_PROBE_TIMEOUT},
		{"icmp to absent host", IPPROTO_ICMP, "10.200.0.99", 0, PL_PROBE_TIMEOUT},
		{"udp without a route", IPPROTO_UDP, "10.202.0.1", 80, PL_PROBE_UNREACHABLE},
		{"icmp without a route", IPPROTO_ICMP, "10.202.0.1", 0, PL_PROBE_UNREACHABLE},
	};
	struct pl_probe_result res;
	char dev[16];
	struct fixture_pair p;
	size_t i;

	if (!ASSERT_OK(fixture_pair_up(&p, "", 1500), "pair_up"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_probe_req req = {.src_netns = p.a,
					   .proto = cases[i].proto,
					   .dst_ip = ip4(cases[i].dst),
					   .dport = cases[i].port,
					   .timeout_ms = 500};

		pl_subtest("%s", cases[i].desc);
		if (!ASSERT_OK(pl_probe(&req, &res), "probe"))
			continue;
		ASSERT_EQ(res.status, cases[i].want, "status");
		if (res.status != cases[i].want)
			fprintf(stderr, "  got %s (%s)\n", pl_probe_status_name(res.status),
				strerror(res.err));
	}
	ASSERT_OK(pl_nsrun_exists(p.a), "netns exists");
	ASSERT_EQ(pl_nsrun_ifindex(p.a, "nosuchdev"), -ENODEV, "missing device");
	ASSERT_GT(pl_nsrun_ifindex(p.a, "va"), 1, "veth ifindex");
	if (ASSERT_OK(pl_nsrun_dev_by_ip(p.b, ip4("10.200.0.2"), dev), "device by address"))
		ASSERT_STREQ(dev, "vb", "device holding 10.200.0.2");
	ASSERT_EQ(pl_nsrun_dev_by_ip(p.b, ip4("10.200.0.1"), dev), -ENODEV, "address not in ns");
	fixture_pair_down(&p);
	ASSERT_ERR(pl_nsrun_exists(p.a), "netns removed");
}

static const struct pl_cap_flow *find_flow(const struct pl_cap_flow *f, int n, enum pl_cap_kind k,
					   const char *src, const char *dst, uint8_t proto)
{
	int i;

	for (i = 0; i < n; i++) {
		if (f[i].kind != k)
			continue;
		if (k == PL_CAP_PLAIN && f[i].src == ip4(src) && f[i].dst == ip4(dst) &&
		    f[i].proto == proto)
			return &f[i];
		if (k == PL_CAP_VXLAN && f[i].inner_src == ip4(src) && f[i].inner_dst == ip4(dst) &&
		    f[i].inner_proto == proto)
			return &f[i];
	}
	return NULL;
}

PL_TEST_PROBE(integration, probe_capture_plain_and_vxlan, pl_probe_netns)
{
	struct pl_probe_req req = {.proto = IPPROTO_ICMP, .timeout_ms = 1000};
	struct pl_capture *cap_vb = NULL, *cap_vx = NULL;
	struct pl_cap_flow *f = NULL, *fx = NULL;
	const struct pl_cap_flow *hit;
	struct pl_probe_result res;
	int n = 0, nx = 0, k;
	struct fixture_pair p;

	if (!ASSERT_OK(fixture_pair_up(&p, "", 1500), "pair_up"))
		return;
	if (!ASSERT_OK(pair_vxlan(&p), "vxlan"))
		goto out;
	if (!ASSERT_OK(pl_capture_start(p.b, "vb", &cap_vb), "capture vb") ||
	    !ASSERT_OK(pl_capture_start(p.b, "vx0", &cap_vx), "capture vx0"))
		goto out;
	req.src_netns = p.a;
	for (k = 0; k < 3; k++) {
		req.dst_ip = ip4("10.200.0.2");
		ASSERT_OK(pl_probe(&req, &res), "underlay ping");
		ASSERT_EQ(res.status, PL_PROBE_DELIVERED, "underlay ping delivered");
		req.dst_ip = ip4("10.201.0.2");
		ASSERT_OK(pl_probe(&req, &res), "overlay ping");
		ASSERT_EQ(res.status, PL_PROBE_DELIVERED, "overlay ping delivered");
	}
	pl_capture_stop(cap_vb, &f, &n);
	pl_capture_stop(cap_vx, &fx, &nx);
	cap_vb = cap_vx = NULL;

	hit = find_flow(f, n, PL_CAP_PLAIN, "10.200.0.1", "10.200.0.2", IPPROTO_ICMP);
	if (ASSERT_OK_PTR(hit, "plain request on vb")) {
		ASSERT_GE(hit->packets, 3, "plain packets");
		ASSERT_FALSE(hit->outgoing, "request is incoming");
	}
	hit = find_flow(f, n, PL_CAP_PLAIN, "10.200.0.2", "10.200.0.1", IPPROTO_ICMP);
	if (ASSERT_OK_PTR(hit, "plain reply on vb"))
		ASSERT_TRUE(hit->outgoing, "reply is outgoing");
	hit = find_flow(f, n, PL_CAP_VXLAN, "10.201.0.1", "10.201.0.2", IPPROTO_ICMP);
	if (ASSERT_OK_PTR(hit, "vxlan request on vb")) {
		ASSERT_EQ(hit->vni, 42, "vni");
		ASSERT_EQ(hit->src, ip4("10.200.0.1"), "outer source");
		ASSERT_EQ(hit->dst, ip4("10.200.0.2"), "outer destination");
		ASSERT_EQ(hit->proto, IPPROTO_UDP, "outer proto");
		ASSERT_GE(hit->packets, 3, "vxlan packets");
	}
	ASSERT_TRUE(find_flow(f, n, PL_CAP_PLAIN, "10.201.0.1", "10.201.0.2", IPPROTO_ICMP) == NULL,
		    "no bare overlay IPs on the underlay");
	hit = find_flow(fx, nx, PL_CAP_PLAIN, "10.201.0.1", "10.201.0.2", IPPROTO_ICMP);
	ASSERT_OK_PTR(hit, "decapsulated request on vx0");
out:
	if (cap_vb)
		pl_capture_stop(cap_vb, &f, &n);
	if (cap_vx)
		pl_capture_stop(cap_vx, &fx, &nx);
	free(f);
	free(fx);
	fixture_pair_down(&p);
}

PL_TEST_PROBE(integration, probe_mtu, pl_probe_netns)
{
	static const struct {
		const char *desc;
		int mtu;
		bool vxlan;
		uint32_t want;
	} cases[] = {
		{"veth 1500", 1500, false, 1472},
		{"veth 1400", 1400, false, 1372},
		{"vxlan over veth 1500", 1500, true, 1422},
	};
	static const uint16_t udp[] = {8081};
	struct pl_probe_server *srv = NULL;
	uint32_t got = 0;
	struct fixture_pair p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		if (!ASSERT_OK(fixture_pair_up(&p, "", cases[i].mtu), "pair_up"))
			continue;
		if (cases[i].vxlan && !ASSERT_OK(pair_vxlan(&p), "vxlan"))
			goto next;
		if (!ASSERT_OK(pl_probe_server_start(p.b, NULL, 0, udp, 1, false, &srv), "server"))
			goto next;
		if (ASSERT_OK(pl_probe_mtu(p.a, ip4(cases[i].vxlan ? "10.201.0.2" : "10.200.0.2"),
					   NULL, 8081, srv, 300, &got),
			      "mtu probe"))
			ASSERT_EQ(got, cases[i].want, "largest DF payload");
	next:
		pl_probe_server_stop(srv);
		srv = NULL;
		fixture_pair_down(&p);
	}
}

/* UDP header + IPv4 header + Ethernet header: what the qdisc counts beyond the payload. */
#define WIRE_OVERHEAD (8 + 20 + 14)

PL_TEST_PROBE(integration, probe_rate_tbf, fixture_probe_shaping)
{
	struct pl_rate_opts opts = {.seconds = 3, .overhead = WIRE_OVERHEAD};
	struct pl_rate_flow fl = {
		.dst_ip = ip4("10.200.0.2"), .dport = 5001, .target_bps = 15000000};
	struct fixture_pair p;

	if (!ASSERT_OK(fixture_pair_up(&p, "", 1500), "pair_up"))
		return;
	if (!ASSERT_OK(fixture_pair_tbf(&p), "tbf"))
		goto out;
	fl.src_netns = p.a;
	fl.dst_netns = p.b;
	if (!ASSERT_OK(pl_rate_measure(&fl, 1, &opts), "measure"))
		goto out;
	if (pl_verbose())
		fprintf(stderr, "  tbf 10mbit: wire %.2f Mbit/s goodput %.2f Mbit/s\n",
			fl.wire_bps / 1e6, fl.goodput_bps / 1e6);
	ASSERT_GT(fl.wire_bps, 9.0e6, "tbf rate lower bound (10%)");
	ASSERT_LT(fl.wire_bps, 11.0e6, "tbf rate upper bound (10%)");
out:
	fixture_pair_down(&p);
}

PL_TEST_PROBE(integration, probe_rate_htb_classes, fixture_probe_shaping)
{
	struct pl_rate_opts opts = {.seconds = 3, .overhead = WIRE_OVERHEAD};
	struct pl_rate_flow fl[2] = {
		{.dst_ip = ip4("10.200.0.2"), .dport = 5003, .target_bps = 12000000},
		{.dst_ip = ip4("10.200.0.2"), .dport = 5007, .target_bps = 12000000},
	};
	static const double want[2] = {3e6, 7e6};
	struct fixture_pair p;
	int i;

	if (!ASSERT_OK(fixture_pair_up(&p, "", 1500), "pair_up"))
		return;
	if (!ASSERT_OK(fixture_pair_htb(&p), "htb"))
		goto out;
	for (i = 0; i < 2; i++) {
		fl[i].src_netns = p.a;
		fl[i].dst_netns = p.b;
	}
	if (!ASSERT_OK(pl_rate_measure(fl, 2, &opts), "measure"))
		goto out;
	for (i = 0; i < 2; i++) {
		pl_subtest("class %d: %.0f Mbit/s", i, want[i] / 1e6);
		if (pl_verbose())
			fprintf(stderr, "  wire %.2f Mbit/s\n", fl[i].wire_bps / 1e6);
		ASSERT_GT(fl[i].wire_bps, want[i] * 0.9, "htb class lower bound (10%)");
		ASSERT_LT(fl[i].wire_bps, want[i] * 1.1, "htb class upper bound (10%)");
	}
out:
	fixture_pair_down(&p);
}
