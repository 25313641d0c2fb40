/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapath test fixture: an anonymous network namespace (unshare, so a killed
 * test leaves nothing) holding the devices whose ifindexes test_run needs, a
 * loaded datapath with one node's maps, and a runner for Katran-style case
 * tables (packet, ctx, map state, expected retval, event and output bytes).
 */
#ifndef PL_DP_FIXTURE_H
#define PL_DP_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/pkt_cls.h>

#include "lib/datapath.h"
#include "lib/pkt.h"

/* An IPv4 address in network order, usable in static initializers. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define IP4(a, b, c, d)                                                                            \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#else
#define IP4(a, b, c, d)                                                                            \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#endif

/* The fixture node (node 1) and what its maps know. */
#define IP_A	  IP4(10, 244, 1, 10)  /* local pod, identity ID_A, on device "poda" */
#define IP_B	  IP4(10, 244, 1, 20)  /* local pod, identity ID_B, on device "podb" */
#define IP_C	  IP4(10, 244, 2, 30)  /* remote pod behind NODE2 (route + neighbour) */
#define IP_D	  IP4(10, 244, 3, 40)  /* remote pod behind NODE3 (route, no neighbour) */
#define IP_E	  IP4(10, 244, 9, 50)  /* remote pod, no route to it */
#define IP_F	  IP4(10, 244, 4, 60)  /* pod identity in the ipcache, no tunnel endpoint */
#define IP_NODE1  IP4(192, 168, 50, 1) /* this node (node_ip) */
#define IP_NODE2  IP4(192, 168, 50, 2)
#define IP_NODE3  IP4(192, 168, 50, 3)
#define IP_NODE9  IP4(192, 168, 60, 9) /* POD_E's node: unroutable */
#define IP_WORLD  IP4(203, 0, 113, 7)  /* in 203.0.113.0/24: CIDR identity ID_CIDR */
#define IP_WORLD2 IP4(198, 51, 100, 7) /* no ipcache entry: WORLD */

/*
 * IPv6 twins of the fixture's addresses, same identities and nodes (endpoints6,
 * ipcache6): 10.244.X.Y is fd00:10:244:X::Y, 203.0.113.Y 2001:db8:113::Y,
 * 198.51.100.Y 2001:db8:100::Y (dp_v6_of). Byte arrays for static initializers.
 */
#define IP6_POD(x, y)                                                                              \
	{                                                                                          \
		0xfd, 0x00, 0x00, 0x10, 0x02, 0x44, 0x00, (x), 0, 0, 0, 0, 0, 0, 0, (y)            \
	}
#define IP6_A IP6_POD(1, 10)
#define IP6_B IP6_POD(1, 20)
#define IP6_C IP6_POD(2, 30)
#define IP6_WORLD                                                                                  \
	{                                                                                          \
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7                   \
	}
#define IP6_WORLD_EXCEPT /* 2001:db8:113:5::7, in the /64 of ID_CIDR6_EXCEPT */                    \
	{                                                                                          \
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0x13, 0, 5, 0, 0, 0, 0, 0, 0, 0, 7                   \
	}
/* Link-local and multicast addresses of neighbour discovery: never endpoints. */
#define IP6_LL_A                                                                                   \
	{                                                                                          \
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a                            \
	}
#define IP6_SNM_B /* solicited-node multicast of B (ff02::1:ff00:14) */                            \
	{                                                                                          \
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x14                         \
	}
#define IP6_ALL_ROUTERS                                                                            \
	{                                                                                          \
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2                               \
	}
#define IP6_MLDV2_ROUTERS /* ff02::16, where MLDv2 reports go */                                   \
	{                                                                                          \
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16                            \
	}
#define IP6_UNSPEC                                                                                 \
	{                                                                                          \
		0                                                                                  \
	}

/* The IPv6 twin of a fixture IPv4 address (network order) into out; false: it has none. */
bool dp_v6_of(uint32_t ip4, uint8_t *out);

#define ID_A	1000
#define ID_B	2000
#define ID_C	3000
#define ID_D	3001
#define ID_E	3002
#define ID_F	3003
#define ID_CIDR (PL_ID_CIDR_MIN + 1)
/* 2001:db8:113:5::/64 inside the /48 of ID_CIDR (ipcache6 only): an except prefix's identity. */
#define ID_CIDR6_EXCEPT (PL_ID_CIDR_MIN + 2)
#define EP_A		1
#define EP_B		2

extern const uint8_t MAC_A[6], MAC_A_NODE[6], MAC_B[6], MAC_B_NODE[6];
extern const uint8_t MAC_UPLINK[6], MAC_NODE2[6], MAC_ANY_SRC[6], MAC_ANY_DST[6];

/* Devices of the fixture netns, named in cases and resolved to ifindexes at run time. */
enum dp_dev { DEV_NONE = 0, DEV_POD_A, DEV_POD_B, DEV_UPLINK, DEV_VXLAN, DEV_MAX };

struct dp_fx {
	int orig_ns; /* fd of the netns we came from, -1 when not switched */
	uint32_t ifindex[DEV_MAX];
	struct pl_datapath *dp;
	enum pl_routing_mode routing;
};

/* Builds the netns, devices, routes, neighbours and loads the datapath. */
int dp_fx_setup(struct dp_fx *fx, enum pl_routing_mode routing, bool events);
/* The same with a conntrack map of ct_max entries (0: the default). */
int dp_fx_setup_ct(struct dp_fx *fx, enum pl_routing_mode routing, bool events, uint32_t ct_max);
/* Always safe to call; removes the netns and returns to the original one. */
void dp_fx_teardown(struct dp_fx *fx);
/*
 * Programs service id: frontend vip:port/proto (vip 0 with PL_SVC_F_NODEPORT: a nodePort) to
 * the n backends be[] at targetPort target, and its Maglev table; 0 or -errno.
 */
int dp_fx_add_service(struct dp_fx *fx, uint32_t id, uint32_t vip, uint16_t port, uint8_t proto,
		      uint16_t target, const uint32_t *be, int n, uint16_t flags);
/* Resets endpoints (with flags), ipcache and policy to the base state (not conntrack). */
int dp_fx_reset(struct dp_fx *fx, uint32_t flags_a, uint32_t flags_b);

/* How the expected output differs from the input. */
enum dp_rewrite {
	RW_NONE = 0,
	RW_TO_A, /* delivered to pod A: dmac = MAC_A, smac = MAC_A_NODE */
	RW_TO_B,
	RW_FIB, /* native: TTL-1, checksum, dmac = MAC_NODE2, smac = MAC_UPLINK */
	RW_TTL, /* native, neighbour unresolved: TTL-1 and checksum only */
};

struct dp_policy {
	uint32_t ep_id, remote;
	uint16_t dport; /* host order */
	uint8_t proto, dir;
	bool deny;
	uint16_t proxy_port; /* an L7 entry: the proxy's listening port (0: plain L4) */
};

#define DP_MAX_POLICY 4

struct dp_case {
	const char *desc;
	enum pl_prog prog;
	struct pl_pkt_spec pkt;
	/* Damage after building (malformed inputs); NULL = none. */
	int (*mutate)(uint8_t *pkt, int len);
	enum dp_dev dev; /* ctx ifindex */
	uint32_t mark;
	uint32_t gso_size; /* ctx gso_size: a GSO packet */
	/* Map state. */
	uint32_t flags_a, flags_b;
	struct dp_policy policy[DP_MAX_POLICY];
	bool keep_ct; /* do not flush conntrack before this case (sequences) */
	/* Expected. */
	int retval;
	int run_err; /* expected test_run error (negative errno), 0 = success */
	uint8_t obs, verdict, reason, note, redirect;
	uint32_t src_id, dst_id;
	enum dp_dev target;
	uint32_t tunnel_remote;
	uint32_t vni;
	bool check_fib;
	uint32_t fib_rc; /* bpf_fib_lookup's return code, when check_fib */
	bool ct_reply;
	bool ct_related;
	enum dp_rewrite rewrite;
};

/* Packets and outcomes the case tables are written in. */
#define DP_SMAC                                                                                    \
	{                                                                                          \
		0x02, 0x11, 0x11, 0x11, 0x11, 0x11                                                 \
	}
#define DP_DMAC                                                                                    \
	{                                                                                          \
		0x02, 0x22, 0x22, 0x22, 0x22, 0x22                                                 \
	}
#define PKT_TCP(s, d, sp, dpt)                                                                     \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .saddr = (s), .daddr = (d), .proto = 6,          \
		.sport = (sp), .dport = (dpt), .tcp_flags = 0x02, .ip_id = 0x1234                  \
	}
#define PKT_UDP(s, d, sp, dpt)                                                                     \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .saddr = (s), .daddr = (d), .proto = 17,         \
		.sport = (sp), .dport = (dpt), .ip_id = 0x1234                                     \
	}
#define PKT6(s, d, pr)                                                                             \
	.smac = DP_SMAC, .dmac = DP_DMAC, .family = AF_INET6, .saddr6 = s, .daddr6 = d,            \
	.proto = (pr)
#define PKT6_TCP(s, d, sp, dpt)                                                                    \
	{                                                                                          \
		PKT6(s, d, 6), .sport = (sp), .dport = (dpt), .tcp_flags = 0x02                    \
	}
#define PKT6_ICMP(s, d, type)                                                                      \
	{                                                                                          \
		PKT6(s, d, 58), .icmp_type = (type), .sport = 1, .icmp_seq = 1, .ttl = 255         \
	}
#define PKT_ECHO(s, d, type, id)                                                                   \
	{                                                                                          \
		.smac = DP_SMAC, .dmac = DP_DMAC, .saddr = (s), .daddr = (d), .proto = 1,          \
		.icmp_type = (type), .sport = (id), .icmp_seq = 1, .ip_id = 0x1234                 \
	}

#define EGRESS_OF(ep, remote, proto, port)                                                         \
	{                                                                                          \
		(ep), (remote), (port), (proto), PL_DIR_EGRESS, false                              \
	}
#define INGRESS_OF(ep, remote, proto, port)                                                        \
	{                                                                                          \
		(ep), (remote), (port), (proto), PL_DIR_INGRESS, false                             \
	}
#define DENY_EGRESS_OF(ep, remote, proto, port)                                                    \
	{                                                                                          \
		(ep), (remote), (port), (proto), PL_DIR_EGRESS, true                               \
	}
/* An ingress allow whose port http rules proxy to a listener on lport. */
#define PROXY_INGRESS_OF(ep, remote, port, lport)                                                  \
	{                                                                                          \
		(ep), (remote), (port), 6, PL_DIR_INGRESS, false, (lport)                          \
	}
#define DENY_INGRESS_OF(ep, remote, proto, port)                                                   \
	{                                                                                          \
		(ep), (remote), (port), (proto), PL_DIR_INGRESS, true                              \
	}

#define ENF_IN	PL_EP_F_INGRESS_ENFORCED
#define ENF_OUT PL_EP_F_EGRESS_ENFORCED

#define DELIVERED(dev, rw)                                                                         \
	.retval = TC_ACT_REDIRECT, .obs = PL_OBS_TO_ENDPOINT, .verdict = PL_VERDICT_REDIRECTED,    \
	.redirect = PL_REDIR_PEER, .target = (dev), .rewrite = (rw)
#define DROPPED(point, why)                                                                        \
	.retval = TC_ACT_SHOT, .obs = (point), .verdict = PL_VERDICT_DROPPED, .reason = (why)
#define TO_STACK .retval = TC_ACT_OK, .obs = PL_OBS_TO_STACK, .verdict = PL_VERDICT_FORWARDED

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Runs every case as a subtest; asserts retval, event and output bytes. */
void dp_run_cases(struct dp_fx *fx, const struct dp_case *cases, size_t n);
/* dp_run_cases on a fixture of its own in that routing mode, events on. */
void dp_run_table(enum pl_routing_mode mode, const struct dp_case *cases, size_t n);
/*
 * The same IPv4 table run over IPv6: addresses by dp_v6_of, ICMP echo as
 * ICMPv6 echo (policy proto 1 as 58), TTL_EXCEEDED as HOP_LIMIT_EXCEEDED, same
 * identities, policies and expected verdicts: both families decide alike.
 * Rows without an IPv6 twin (node IPs, malformed IPv4) are left out.
 */
void dp_run_table_v6(enum pl_routing_mode mode, const struct dp_case *cases, size_t n);

#endif /* PL_DP_FIXTURE_H */
