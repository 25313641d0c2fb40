/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_PACKET capture on one device inside a netns, summarised as flows: what
 * crossed the wire, plain IPv4 (pod IPs directly) or VXLAN (UDP 4789, outer
 * node IPs, VNI, inner IPs). IPv4 addresses in network order.
 */
#ifndef PL_PROBE_CAPTURE_H
#define PL_PROBE_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#define PL_CAP_VXLAN_PORT 4789

enum pl_cap_kind {
	PL_CAP_PLAIN = 0, /* IPv4, not VXLAN */
	PL_CAP_VXLAN,	  /* IPv4/UDP 4789 carrying Ethernet/IPv4 */
	PL_CAP_OTHER,	  /* ARP, IPv6, anything else */
	PL_CAP_IPIP,	  /* IPv4 protocol 4 carrying IPv4 (routing ipip) */
};

struct pl_cap_flow {
	enum pl_cap_kind kind;
	bool outgoing;	   /* sent by this device's namespace */
	uint32_t src, dst; /* the (outer) IPv4 header */
	uint8_t proto;	   /* the (outer) IP protocol */
	uint32_t vni;	   /* VXLAN */
	uint32_t inner_src, inner_dst;
	uint8_t inner_proto;
	uint64_t packets;
	uint64_t bytes;
};

struct pl_capture;

/* Starts capturing on DEV in NETNS (a background thread); 0 or -errno. */
int pl_capture_start(const char *netns, const char *dev, struct pl_capture **out);
/* Stops and returns the flows (caller frees *flows); 0 or -errno. */
int pl_capture_stop(struct pl_capture *cap, struct pl_cap_flow **flows, int *nflows);
/* Classifies one Ethernet frame into f (packets/bytes/outgoing untouched). */
void pl_capture_classify(const uint8_t *frame, size_t len, struct pl_cap_flow *f);
const char *pl_cap_kind_name(enum pl_cap_kind kind); /* "plain", "vxlan", "other" */

#endif /* PL_PROBE_CAPTURE_H */
