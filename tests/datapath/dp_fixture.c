// SPDX-License-Identifier: GPL-2.0
/* Datapath test fixture: private netns, devices, one node's maps, case runner. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>

#include "net/link.h"
#include "test.h"
#include "dp_fixture.h"
#include "svc/maglev.h"

const uint8_t MAC_A[6] = {0x02, 0xaa, 0, 0, 0, 0x0a};
const uint8_t MAC_A_NODE[6] = {0x02, 0xbb, 0, 0, 0, 0x0a};
const uint8_t MAC_B[6] = {0x02, 0xaa, 0, 0, 0, 0x0b};
const uint8_t MAC_B_NODE[6] = {0x02, 0xbb, 0, 0, 0, 0x0b};
const uint8_t MAC_UPLINK[6] = {0x02, 0xcc, 0, 0, 0, 0x01};
const uint8_t MAC_NODE2[6] = {0x02, 0xcc, 0, 0, 0, 0x02};
const uint8_t MAC_ANY_SRC[6] = {0x02, 0x11, 0x11, 0x11, 0x11, 0x11};
const uint8_t MAC_ANY_DST[6] = {0x02, 0x22, 0x22, 0x22, 0x22, 0x22};

static const char *const dev_names[DEV_MAX] = {
	[DEV_POD_A] = "poda",
	[DEV_POD_B] = "podb",
	[DEV_UPLINK] = "uplink",
	[DEV_VXLAN] = "vx0",
};

/* /proc/sys/net is the opener's namespace: the fixture's own forwarding switches. */
static int write_sysctl(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = write(fd, "1\n", 2) == 2 ? 0 : -errno;
	close(fd);
	return err;
}

/* The IPv6 twins of the routes: pod /64s via node2 (with a neighbour) and node3 (without). */
static int build_routes6(struct pl_nl *nl, uint32_t uplink)
{
	static const uint8_t pods2[16] = IP6_POD(2, 0), pods3[16] = IP6_POD(3, 0);
	static const uint8_t node2[16] = {0xfe, 0x80, [15] = 2}, node3[16] = {0xfe, 0x80, [15] = 3};
	int err;

	err = pl_route6_add(nl, uplink, pods2, 64, node2, false, 0, "uplink");
	err = err ?: pl_route6_add(nl, uplink, pods3, 64, node3, false, 0, "uplink");
	err = err ?: pl_neigh6_add(nl, uplink, node2, MAC_NODE2, "uplink");
	return err;
}

/*
 * The fixture node, built in its own netns with podlab's rtnetlink code (no
 * `ip`, no `sysctl`): veth pairs (no dummy module on these kernels) whose ends
 * both stay here, an external vxlan device, the uplink's address, routes and
 * node2's neighbour, for IPv4 and IPv6.
 */
static int build_node(void)
{
	static const char *const veths[][2] = {
		{"poda", "poda-p"}, {"podb", "podb-p"}, {"uplink", "uplink-p"}};
	struct pl_link_spec a = {.ns_fd = -1}, b = {.ns_fd = -1};
	const char *up[] = {"poda", "poda-p", "podb", "podb-p", "uplink", "uplink-p", "vx0"};
	uint32_t uplink;
	struct pl_nl nl;
	size_t i;
	int err;

	err = write_sysctl("/proc/sys/net/ipv4/ip_forward");
	if (err)
		return err;
	err = pl_nl_open(&nl);
	if (err)
		return err;
	for (i = 0; !err && i < sizeof(veths) / sizeof(veths[0]); i++) {
		a.name = veths[i][0];
		a.mac = !strcmp(a.name, "uplink") ? MAC_UPLINK : NULL;
		b.name = veths[i][1];
		err = pl_link_veth(&nl, &a, &b);
	}
	if (!err) {
		a.name = "vx0";
		a.mac = NULL;
		err = pl_link_vxlan(&nl, &a, true, 0, 0, 0, 4789);
	}
	for (i = 0; !err && i < sizeof(up) / sizeof(up[0]); i++)
		err = pl_link_up(&nl, if_nametoindex(up[i]), up[i]);
	uplink = if_nametoindex("uplink");
	if (!err)
		err = pl_addr_add(&nl, uplink, IP_NODE1, 24, "uplink");
	if (!err)
		err = pl_route_add(&nl, uplink, IP4(10, 244, 2, 0), 24, IP_NODE2, false, 0,
				   "uplink");
	if (!err)
		err = pl_route_add(&nl, uplink, IP4(10, 244, 3, 0), 24, IP_NODE3, false, 0,
				   "uplink");
	if (!err)
		err = pl_neigh_add(&nl, uplink, IP_NODE2, MAC_NODE2, "uplink");
	if (!err)
		err = build_routes6(&nl, uplink);
	/* After the devices: "all" sets every existing device's IPv6 forwarding. */
	if (!err)
		err = write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding");
	pl_nl_close(&nl);
	if (err)
		fprintf(stderr, "    fixture: building the node netns: %s\n", strerror(-err));
	return err;
}

/* Leaving the anonymous namespace frees it: nothing to delete, nothing to leak. */
void dp_fx_teardown(struct dp_fx *fx)
{
	pl_datapath_destroy(fx->dp);
	fx->dp = NULL;
	if (fx->orig_ns >= 0) {
		if (setns(fx->orig_ns, CLONE_NEWNET))
			perror("setns back to the original netns");
		close(fx->orig_ns);
		fx->orig_ns = -1;
	}
}

int dp_fx_setup(struct dp_fx *fx, enum pl_routing_mode routing, bool events)
{
	return dp_fx_setup_ct(fx, routing, events, 0);
}

int dp_fx_setup_ct(struct dp_fx *fx, enum pl_routing_mode routing, bool events, uint32_t ct_max)
{
	struct pl_datapath_opts opts = {
		.routing = routing, .events = events, .ct_max = ct_max, .ipv6 = true};
	size_t i;
	int err;

	memset(fx, 0, sizeof(*fx));
	fx->orig_ns = -1;
	fx->routing = routing;
	/* Anonymous: a test killed halfway cannot leave a namespace behind. */
	fx->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fx->orig_ns < 0 || unshare(CLONE_NEWNET)) {
		err = -errno;
		goto fail;
	}
	err = build_node();
	if (err)
		goto fail;
	for (i = DEV_POD_A; i < DEV_MAX; i++) {
		fx->ifindex[i] = if_nametoindex(dev_names[i]);
		if (!fx->ifindex[i]) {
			err = -ENODEV;
			goto fail;
		}
	}
	opts.node_ip = IP_NODE1;
	opts.vxlan_ifindex = fx->ifindex[DEV_VXLAN];
	opts.uplink_ifindex = fx->ifindex[DEV_UPLINK];
	err = pl_datapath_load(&opts, &fx->dp);
	if (err)
		goto fail;
	err = dp_fx_reset(fx, 0, 0);
	if (err)
		goto fail;
	err = pl_ct_clear(fx->dp);
	if (err)
		goto fail;
	return 0;
fail:
	dp_fx_teardown(fx);
	return err ? err : -EIO;
}

bool dp_v6_of(uint32_t ip4, uint8_t *out)
{
	const uint8_t *b = (const uint8_t *)&ip4;

	memset(out, 0, 16);
	if (b[0] == 10 && b[1] == 244) {
		static const uint8_t pod[7] = {0xfd, 0x00, 0x00, 0x10, 0x02, 0x44, 0x00};

		memcpy(out, pod, sizeof(pod));
		out[7] = b[2];
	} else if ((b[0] == 203 && b[1] == 0 && b[2] == 113) ||
		   (b[0] == 198 && b[1] == 51 && b[2] == 100)) {
		out[0] = 0x20;
		out[1] = 0x01;
		out[2] = 0x0d;
		out[3] = 0xb8;
		out[4] = 0x01;
		out[5] = b[0] == 203 ? 0x13 : 0x00;
	} else {
		return false;
	}
	out[15] = b[3];
	return true;
}

/* The prefix and its IPv6 twin (a /24 is a /48 of 2001:db8:113::, a /32 a /128). */
static int add_ipcache(struct dp_fx *fx, uint32_t ip, uint8_t plen, uint32_t id, uint32_t tunnel)
{
	struct pl_ipcache_info info = {.identity = id, .tunnel_endpoint = tunnel};
	uint8_t ip6[16];
	int err;

	err = pl_ipcache_add(fx->dp, ip, plen, &info);
	if (err || !dp_v6_of(ip, ip6))
		return err;
	return pl_ipcache6_add(fx->dp, ip6, plen == 32 ? 128 : 48, &info);
}

int dp_fx_reset(struct dp_fx *fx, uint32_t flags_a, uint32_t flags_b)
{
	struct pl_endpoint_info a = {.ifindex = fx->ifindex[DEV_POD_A],
				     .identity = ID_A,
				     .ep_id = EP_A,
				     .flags = flags_a};
	struct pl_endpoint_info b = {.ifindex = fx->ifindex[DEV_POD_B],
				     .identity = ID_B,
				     .ep_id = EP_B,
				     .flags = flags_b};
	int err;

	memcpy(a.mac, MAC_A, 6);
	memcpy(a.node_mac, MAC_A_NODE, 6);
	memcpy(b.mac, MAC_B, 6);
	memcpy(b.node_mac, MAC_B_NODE, 6);
	struct pl_ipcache_info exc = {.identity = ID_CIDR6_EXCEPT};
	static const uint8_t exc6[16] = IP6_WORLD_EXCEPT;
	uint8_t a6[16], b6[16];

	dp_v6_of(IP_A, a6);
	dp_v6_of(IP_B, b6);
	err = pl_endpoint_add(fx->dp, IP_A, &a);
	err = err ?: pl_endpoint_add(fx->dp, IP_B, &b);
	err = err ?: pl_endpoint6_add(fx->dp, a6, &a);
	err = err ?: pl_endpoint6_add(fx->dp, b6, &b);
	err = err ?: add_ipcache(fx, IP_A, 32, ID_A, IP_NODE1);
	err = err ?: add_ipcache(fx, IP_B, 32, ID_B, IP_NODE1);
	err = err ?: add_ipcache(fx, IP_C, 32, ID_C, IP_NODE2);
	err = err ?: add_ipcache(fx, IP_D, 32, ID_D, IP_NODE3);
	err = err ?: add_ipcache(fx, IP_E, 32, ID_E, IP_NODE9);
	err = err ?: add_ipcache(fx, IP_F, 32, ID_F, 0);
	err = err ?: add_ipcache(fx, IP_NODE1, 32, PL_ID_HOST, 0);
	err = err ?: add_ipcache(fx, IP_NODE2, 32, PL_ID_REMOTE_NODE, 0);
	err = err ?: add_ipcache(fx, IP_NODE3, 32, PL_ID_REMOTE_NODE, 0);
	err = err ?: add_ipcache(fx, IP4(203, 0, 113, 0), 24, ID_CIDR, 0);
	/* A nested IPv6 prefix, as the compiler gives an except prefix (ipcache6's LPM). */
	err = err ?: pl_ipcache6_add(fx->dp, exc6, 64, &exc);
	err = err ?: pl_policy_clear(fx->dp);
	return err;
}

static int add_policies(struct dp_fx *fx, const struct dp_policy *p)
{
	int i, err;

	for (i = 0; i < DP_MAX_POLICY && p[i].ep_id; i++) {
		struct pl_policy_key key = {.ep_id = p[i].ep_id,
					    .remote_identity = p[i].remote,
					    .dport = htons(p[i].dport),
					    .proto = p[i].proto,
					    .dir = p[i].dir};
		struct pl_policy_entry e = {.deny = p[i].deny,
					    .flags = p[i].proxy_port ? PL_POLICY_F_PROXY : 0,
					    .proxy_port = p[i].proxy_port,
					    .rule_id = i + 1};

		err = pl_policy_add(fx->dp, &key, &e);
		if (err)
			return err;
	}
	return 0;
}

/* The input with exactly the documented rewrites applied. */
static void expected_output(const struct dp_case *c, const uint8_t *in, size_t len, uint8_t *exp)
{
	uint8_t *ip = exp + 14;

	memcpy(exp, in, len);
	switch (c->rewrite) {
	case RW_TO_A:
		memcpy(exp, MAC_A, 6);
		memcpy(exp + 6, MAC_A_NODE, 6);
		break;
	case RW_TO_B:
		memcpy(exp, MAC_B, 6);
		memcpy(exp + 6, MAC_B_NODE, 6);
		break;
	case RW_FIB:
		memcpy(exp, MAC_NODE2, 6);
		memcpy(exp + 6, MAC_UPLINK, 6);
		/* fall through */
	case RW_TTL: {
		uint16_t csum;

		if (c->pkt.family == AF_INET6) {
			ip[7]--; /* the hop limit; IPv6 has no header checksum */
			break;
		}
		ip[8]--;
		ip[10] = ip[11] = 0;
		csum = pl_csum_ipv4_header(ip, (ip[0] & 0xf) * 4);
		ip[10] = csum >> 8;
		ip[11] = csum & 0xff;
		break;
	}
	default:
		break;
	}
}

static void check_event(struct dp_fx *fx, const struct dp_case *c, const struct pl_run_result *r,
			const uint8_t *out)
{
	const struct pl_flow_event *ev = &r->event;
	uint32_t ifindex = fx->ifindex[c->dev];

	if (!ASSERT_TRUE(r->has_event, "one event"))
		return;
	ASSERT_EQ(ev->prog, c->prog, "event prog");
	ASSERT_EQ(ev->obs_point, c->obs, "event obs point");
	ASSERT_EQ(ev->verdict, c->verdict, "event verdict");
	ASSERT_EQ(ev->drop_reason, c->reason, "event drop reason");
	ASSERT_EQ(ev->note, c->note, "event note");
	ASSERT_EQ(ev->redirect, c->redirect, "event redirect kind");
	ASSERT_EQ(ev->target_ifindex, fx->ifindex[c->target], "event redirect target");
	ASSERT_EQ(ev->ifindex, c->prog == PL_PROG_XDP_PREFILTER || ifindex ? ifindex : 1,
		  "event ifindex");
	ASSERT_EQ(ev->tunnel_remote, c->tunnel_remote, "event tunnel remote");
	ASSERT_EQ(ev->tunnel_vni, c->vni, "event tunnel vni");
	ASSERT_EQ(!!(ev->flags & PL_EV_F_CT_REPLY), c->ct_reply, "event CT reply flag");
	ASSERT_EQ(!!(ev->flags & PL_EV_F_CT_RELATED), c->ct_related, "event CT related flag");
	if (c->check_fib)
		ASSERT_EQ(ev->fib_rc, c->fib_rc, "event fib rc");
	if (ev->flags & PL_EV_F_IPV6) {
		ASSERT_EQ(c->pkt.family, AF_INET6, "IPv6 event of an IPv6 packet");
		ASSERT_EQ(ev->src_identity, c->src_id, "event src identity");
		ASSERT_EQ(ev->dst_identity, c->dst_id, "event dst identity");
		ASSERT_MEMEQ(ev->saddr6, c->pkt.saddr6, 16, "event saddr6");
		ASSERT_MEMEQ(ev->daddr6, c->pkt.daddr6, 16, "event daddr6");
		/* A drop in the walk names the header it stopped at; XDP does not walk. */
		if (!c->pkt.ext_count ||
		    (c->verdict != PL_VERDICT_DROPPED && c->prog != PL_PROG_XDP_PREFILTER))
			ASSERT_EQ(ev->proto, c->pkt.proto, "event proto (after extension headers)");
		return;
	}
	if (!(ev->flags & PL_EV_F_IPV4))
		return;
	ASSERT_EQ(ev->src_identity, c->src_id, "event src identity");
	ASSERT_EQ(ev->dst_identity, c->dst_id, "event dst identity");
	ASSERT_EQ(ev->saddr, c->pkt.saddr, "event saddr");
	ASSERT_EQ(ev->daddr, c->pkt.daddr, "event daddr");
	ASSERT_EQ(ev->proto, c->pkt.proto, "event proto");
	if (out && c->verdict != PL_VERDICT_DROPPED) {
		ASSERT_MEMEQ(ev->dmac, out, 6, "event dmac = output dmac");
		ASSERT_MEMEQ(ev->smac, out + 6, 6, "event smac = output smac");
	}
}

static void run_case(struct dp_fx *fx, const struct dp_case *c)
{
	static uint8_t in[2048], exp[2048], out[2048];
	struct pl_run_ctx ctx = {
		.ifindex = fx->ifindex[c->dev], .mark = c->mark, .gso_size = c->gso_size};
	struct pl_run_result r;
	int len, err;

	len = pl_pkt_build(&c->pkt, in, sizeof(in));
	if (!ASSERT_GT(len, 0, "build packet"))
		return;
	if (c->mutate)
		len = c->mutate(in, len);
	err = dp_fx_reset(fx, c->flags_a, c->flags_b);
	err = err ?: (c->keep_ct ? 0 : pl_ct_clear(fx->dp));
	err = err ?: add_policies(fx, c->policy);
	if (!ASSERT_OK(err, "program maps"))
		return;
	memset(out, 0, sizeof(out));
	err = pl_datapath_test_run(fx->dp, c->prog, in, len, &ctx, out, sizeof(out), &r);
	if (c->run_err) {
		ASSERT_EQ(err, c->run_err, "test_run refuses the frame");
		return;
	}
	if (!ASSERT_OK(err, "test_run"))
		return;
	ASSERT_EQ(r.retval, c->retval, "retval");
	check_event(fx, c, &r, out);
	if (!ASSERT_EQ(r.data_out_len, len, "output length"))
		return;
	expected_output(c, in, len, exp);
	ASSERT_MEMEQ(out, exp, len, "output bytes = input + documented rewrites");
	if (pl_verbose()) {
		char line[256];

		pl_event_format(&r.event, line, sizeof(line));
		fprintf(stderr, "      %s\n", line);
	}
}

void dp_run_cases(struct dp_fx *fx, const struct dp_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pl_subtest("%s", cases[i].desc);
		run_case(fx, &cases[i]);
	}
}

/* The IPv6 twin of an IPv4 case (see dp_run_table_v6); false: it has none. */
static bool case_v6(const struct dp_case *in, struct dp_case *out)
{
	struct pl_pkt_spec *s = &out->pkt;
	int i;

	*out = *in;
	if (in->mutate || in->pkt.eth_proto || in->pkt.vlan_id || in->pkt.ip_opt_len ||
	    in->pkt.frag || !dp_v6_of(in->pkt.saddr, s->saddr6))
		return false;
	if (!dp_v6_of(in->pkt.daddr, s->daddr6))
		return false;
	s->family = AF_INET6;
	s->saddr = s->daddr = 0;
	if (s->proto == 1) {
		s->proto = 58;
		s->icmp_type = s->icmp_type == 8 ? 128 : s->icmp_type == 0 ? 129 : s->icmp_type;
	}
	for (i = 0; i < DP_MAX_POLICY; i++)
		if (out->policy[i].proto == 1)
			out->policy[i].proto = 58;
	if (out->reason == PL_DROP_TTL_EXCEEDED)
		out->reason = PL_DROP_HOP_LIMIT_EXCEEDED; /* IPv6's own reason */
	return true;
}

void dp_run_table_v6(enum pl_routing_mode mode, const struct dp_case *cases, size_t n)
{
	struct dp_case c;
	struct dp_fx fx;
	size_t i;

	if (!ASSERT_OK(dp_fx_setup(&fx, mode, true), "fixture"))
		return;
	for (i = 0; i < n; i++) {
		if (!case_v6(&cases[i], &c))
			continue;
		pl_subtest("IPv6: %s", cases[i].desc);
		run_case(&fx, &c);
	}
	dp_fx_teardown(&fx);
}

void dp_run_table(enum pl_routing_mode mode, const struct dp_case *cases, size_t n)
{
	struct dp_fx fx;

	if (!ASSERT_OK(dp_fx_setup(&fx, mode, true), "fixture"))
		return;
	dp_run_cases(&fx, cases, n);
	dp_fx_teardown(&fx);
}

int dp_fx_add_service(struct dp_fx *fx, uint32_t id, uint32_t vip, uint16_t port, uint8_t proto,
		      uint16_t target, const uint32_t *be, int n, uint16_t flags)
{
	struct pl_service_key k = {.ip = vip, .port = htons(port), .proto = proto};
	struct pl_service v = {.id = id, .count = n, .flags = flags, .target_port = htons(target)};
	uint16_t *table = calloc(PL_MAGLEV_CHUNKS * PL_MAGLEV_CHUNK, sizeof(*table));
	int i, err;

	if (!table)
		return -ENOMEM;
	err = pl_datapath_map_update(fx->dp, "services", &k, &v);
	for (i = 0; i < n && !err; i++) {
		struct pl_backend_key bk = {.id = id, .slot = i};
		struct pl_backend b = {.ip = be[i]};

		err = pl_datapath_map_update(fx->dp, "backends", &bk, &b);
	}
	if (!err && n)
		err = pl_maglev_build(be, n, table, PL_MAGLEV_M);
	for (i = 0; i < PL_MAGLEV_CHUNKS && !err && n; i++) {
		struct pl_maglev_key mk = {.id = id, .chunk = i};

		err = pl_datapath_map_update(fx->dp, "maglev", &mk, &table[i * PL_MAGLEV_CHUNK]);
	}
	free(table);
	return err;
}
