/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every name list the datapath and user space share, defined once.
 * Each list is an X-macro: X(NAME, value, "what a user reads"): a description,
 * or for redirects the name flow lines print (programs have a name and a hook).
 * bpf/podlab.h turns them into enums; harness/lib/events.c into the
 * name and description tables. Adding a drop reason is one line here.
 */
#ifndef PODLAB_NAMES_H
#define PODLAB_NAMES_H

/*
 * Routing modes (the routing_mode knob, `routing:` in topology files):
 * X(NAME, value, "name", "how a packet for a pod on another node leaves").
 */
#define PL_ROUTING_MODE_LIST(X)                                                                    \
	X(NATIVE, 0, "native", "fib lookup, out of the uplink to the owning node (host-gw)")       \
	X(VXLAN, 1, "vxlan", "VXLAN to the owning node, the VNI carries the source identity")      \
	X(LEGACY, 2, "legacy", "the stack: VXLAN plus iptables MASQUERADE")                        \
	X(FABRIC, 3, "fabric", "fib lookup, out of the uplink to the fabric router")               \
	X(IPIP, 4, "ipip", "IPv4-in-IPv4 (protocol 4) to the owning node, out of the uplink")

/* Programs of the datapath, in event records: X(NAME, value, "name", "hook"). */
#define PL_PROG_LIST(X)                                                                            \
	X(NONE, 0, "?", "?")                                                                       \
	X(FROM_POD, 1, "from_pod", "tc ingress of a pod's node-side veth")                         \
	X(FROM_NETWORK, 2, "from_network", "tc ingress of the node's uplink")                      \
	X(FROM_OVERLAY, 3, "from_overlay", "tc ingress of the node's vxlan device")                \
	X(XDP_PREFILTER, 4, "xdp_prefilter", "xdp of the node's uplink")                          \
	/* a topology's own program (programs:): its drops, from podlab's fexit watch on it */     \
	X(USER, 5, "user", "the hook the topology names")

/* Observation points: Hubble's TraceObservationPoint numbers. */
#define PL_OBS_POINT_LIST(X)                                                                       \
	X(UNKNOWN_POINT, 0, "unknown observation point")                                           \
	X(TO_STACK, 3, "handed to the node's stack")                                               \
	X(TO_OVERLAY, 4, "sent into the overlay (vxlan device)")                                   \
	X(FROM_ENDPOINT, 5, "sent by a local pod")                                                 \
	X(FROM_OVERLAY, 9, "received from the overlay")                                            \
	X(FROM_NETWORK, 10, "received on the node's uplink")                                       \
	X(TO_NETWORK, 11, "sent out of the node's uplink")                                         \
	X(TO_ENDPOINT, 101, "delivered to a local pod")

/* Verdicts: Hubble's numbers. */
#define PL_VERDICT_LIST(X)                                                                         \
	X(UNKNOWN, 0, "no verdict")                                                                \
	X(FORWARDED, 1, "forwarded")                                                               \
	X(DROPPED, 2, "dropped")                                                                   \
	X(REDIRECTED, 5, "redirected to another device")

/*
 * Drop reasons: Cilium's numbers and texts where one exists, podlab's own from 240.
 * None for a full conntrack table: it evicts instead (bpf/lib/conntrack.h, pl_ct_commit).
 */
#define PL_DROP_REASON_LIST(X)                                                                     \
	X(NONE, 0, "None")                                                                         \
	X(INVALID_SIP, 132, "Invalid source ip")                                                   \
	X(POLICY_DENIED, 133, "Policy denied")                                                     \
	X(INVALID, 134, "Invalid packet")                                                          \
	X(CT_INVALID_HDR, 135, "CT: Truncated or invalid header")                                  \
	X(FRAG_NOSUPPORT, 157, "Fragmentation needed")                                             \
	X(NO_SERVICE_BACKEND, 158, "Service backend not found")                                    \
	X(NO_TUNNEL_ENDPOINT, 160, "No tunnel/encapsulation endpoint")                             \
	X(NO_FIB, 169, "No FIB entry found")                                                       \
	X(INVALID_IDENTITY, 171, "Invalid identity")                                               \
	X(PROXY_LOOKUP_FAILED, 176, "Proxy lookup failed")                                         \
	X(PROXY_SET_FAILED, 177, "Proxy assignment failed")                                        \
	X(POLICY_DENY, 181, "Policy denied by denylist")                                           \
	X(TTL_EXCEEDED, 196, "TTL exceeded")                                                       \
	X(PREFILTER, 240, "Denied by XDP prefilter")                                               \
	X(EMULATED_LOSS, 241, "Emulated loss")                                                     \
	/* Drops by the kernel between hooks, reported by the simulator (sim/walk.c). */           \
	X(MTU_EXCEEDED, 242, "Larger than the device MTU")                                         \
	X(NO_ROUTE, 243, "No route in the node's stack")                                           \
	X(QDISC, 244, "Dropped by an egress qdisc")                                                \
	X(STACK, 245, "Dropped by the kernel stack")                                               \
	/* IPv6 (Cilium folds the extension header ones into 156, INVALID_EXTHDR). */              \
	X(IPV6_TRUNCATED, 248, "Truncated IPv6 header")                                            \
	X(IPV6_PAYLOAD_LEN, 249, "IPv6 payload length inconsistent with the packet")               \
	X(IPV6_EXT_CHAIN, 250, "IPv6 extension header chain longer than the datapath walks")       \
	X(IPV6_EXT_UNKNOWN, 251, "Unknown IPv6 extension header")                                  \
	X(HOP_LIMIT_EXCEEDED, 252, "IPv6 hop limit exceeded")                                      \
	/* routing ipip: from_network decapsulates IP-in-IP from cluster nodes only. */            \
	X(IPIP_UNKNOWN_SENDER, 253, "IP-in-IP from an address that is no cluster node")            \
	/* a topology's own program (programs:) dropped it (XDP_DROP, TC_ACT_SHOT, ...). */       \
	X(USER_PROGRAM, 254, "Dropped by a user program")

/* Why a packet that was not dropped took its path (event .note). */
#define PL_NOTE_LIST(X)                                                                            \
	X(NONE, 0, "no note")                                                                      \
	X(NOT_IPV4, 1, "not IP (ARP, VLAN or other EtherType): to the stack untouched")            \
	X(CT_REPLY, 2, "passed as the reply of a tracked connection")                              \
	X(NO_POLICY, 3, "endpoint not selected by any policy in this direction")                   \
	X(POLICY_ALLOW, 4, "an allow entry matched")                                               \
	X(NEIGH_RESOLVE, 5, "fib said no neighbour: bpf_redirect_neigh resolves it")               \
	X(NOT_LOCAL, 6, "destination is not a pod of this node")                                   \
	X(CT_RELATED, 7, "ICMP error quoting a packet of a tracked connection")                    \
	X(FRAG_NEEDED, 8, "over the egress MTU: the stack sends ICMP frag-needed or fragments")    \
	X(ICMPV6_ND, 9, "ICMPv6 neighbour discovery: to the stack, no source check or policy")     \
	X(ICMPV6_PTB, 10, "ICMPv6 packet too big: passes policy (path MTU discovery)")             \
	X(IPV6_UNFILTERED, 11, "IPv6 unfiltered (no longer set: prefilter6 holds IPv6 prefixes)")  \
	X(IPV6_LINK_SCOPED, 12,                                                                    \
	  "IPv6 from fe80::/10 or ::, or to link-scoped multicast: the link's")                    \
	X(IPIP_SAME_SUBNET, 13,                                                                    \
	  "ipipMode CrossSubnet: the peer node shares the subnet, no IP-in-IP")                    \
	X(TO_PROXY, 14, "an L7 (http rules) port: to the node's proxy's socket (bpf_sk_assign)")

/* How a redirect was done (event .redirect); the text is what flow lines print. */
#define PL_REDIRECT_LIST(X)                                                                        \
	X(NONE, 0, "none")     /* no redirect */                                                   \
	X(PEER, 1, "peer")     /* bpf_redirect_peer into a local pod */                            \
	X(FIB, 2, "fib")       /* fib lookup ok: MACs rewritten, bpf_redirect */                   \
	X(NEIGH, 3, "neigh")   /* bpf_redirect_neigh, the kernel resolves the next hop */          \
	X(TUNNEL, 4, "tunnel") /* tunnel key set, bpf_redirect to the vxlan device */              \
	X(IPIP, 5, "ipip")     /* outer IPv4 header pushed, out of the uplink */

#endif /* PODLAB_NAMES_H */
