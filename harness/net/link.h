/* SPDX-License-Identifier: GPL-2.0 */
/* rtnetlink objects: links, addresses, neighbours, fdb entries, routes. */
#ifndef PL_NET_LINK_H
#define PL_NET_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "net/nl.h"

struct pl_link_spec {
	const char *name;
	uint32_t ifindex;   /* 0 = kernel picks */
	const uint8_t *mac; /* NULL = random */
	uint32_t mtu;	    /* 0 = default */
	int ns_fd;	    /* -1 = the socket's namespace */
};

int pl_link_veth(struct pl_nl *nl, const struct pl_link_spec *a, const struct pl_link_spec *b);
int pl_link_bridge(struct pl_nl *nl, const struct pl_link_spec *a);
/* external: collect_md (vni/local/link ignored). IPs network order. */
int pl_link_vxlan(struct pl_nl *nl, const struct pl_link_spec *a, bool external, uint32_t vni,
		  uint32_t local, uint32_t link, uint16_t port);
/* ipip with a local address and any remote; EOPNOTSUPP: the kernel has no ipip (a clear error). */
int pl_link_ipip(struct pl_nl *nl, const struct pl_link_spec *a, uint32_t local, uint8_t ttl);
int pl_link_up(struct pl_nl *nl, uint32_t ifindex, const char *what);
int pl_link_master(struct pl_nl *nl, uint32_t ifindex, uint32_t master, const char *what);
int pl_addr_add(struct pl_nl *nl, uint32_t ifindex, uint32_t ip, uint8_t plen, const char *what);
int pl_neigh_add(struct pl_nl *nl, uint32_t ifindex, uint32_t ip, const uint8_t *mac,
		 const char *what);
int pl_fdb_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *mac, uint32_t dst,
	       const char *what);
/* gw 0: scope link; onlink: gateway need not be on a connected subnet. */
/* dst/plen via gw (onlink) on a collect_md tunnel device, with `encap ip id tun_id dst tun_dst`. */
int pl_route_encap_add(struct pl_nl *nl, uint32_t ifindex, uint32_t dst, uint8_t plen, uint32_t gw,
		       uint32_t tun_id, uint32_t tun_dst, const char *what);
int pl_route_add(struct pl_nl *nl, uint32_t ifindex, uint32_t dst, uint8_t plen, uint32_t gw,
		 bool onlink, uint32_t table, const char *what);
/* IPv6 (16-byte addresses, network order): an address (nodad), a permanent neighbour, a route
 * via gw (NULL: connected) on ifindex [onlink] in table (0: main). */
int pl_addr6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *ip6, uint8_t plen,
		 const char *what);
int pl_neigh6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *ip6, const uint8_t *mac,
		  const char *what);
int pl_route6_add(struct pl_nl *nl, uint32_t ifindex, const uint8_t *dst6, uint8_t plen,
		  const uint8_t *gw6, bool onlink, uint32_t table, const char *what);
/* ip rule: from src/plen lookup table, at priority. */
/* `ip route add local default dev lo table T`: the L7 proxy's table. */
int pl_route_local_add(struct pl_nl *nl, uint32_t ifindex, uint32_t table, const char *what);
/* `ip -6 rule add from src6/plen lookup table priority P`. */
int pl_rule6_add(struct pl_nl *nl, const uint8_t *src6, uint8_t plen, uint32_t table,
		 uint32_t priority, const char *what);
/* fwmask 0: a rule on the source only; else on fwmark/fwmask (src 0/0). */
int pl_rule_add(struct pl_nl *nl, uint32_t src, uint8_t plen, uint32_t fwmark, uint32_t fwmask,
		uint32_t table, uint32_t priority, const char *what);
/* XDP program fd on ifindex (-1 detaches). */
int pl_link_xdp(struct pl_nl *nl, uint32_t ifindex, int prog_fd, const char *what);

#endif /* PL_NET_LINK_H */
