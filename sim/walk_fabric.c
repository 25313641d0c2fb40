// SPDX-License-Identifier: GPL-2.0
/*
 * routing fabric's router between the nodes (a VPC's), modelled from the plan's
 * pl-<run>-fabric: proxy ARP on every port for what it routes through another
 * port, and IPv4 forwarding by its table (node IP/32 per port, pod IP/32 via its
 * node, the world host via its gateway node): longest prefix, TTL-1, the out
 * port's MAC to the next hop's uplink MAC. No encapsulation, no NAT.
 */
#include <arpa/inet.h>
#include <string.h>

#include "lib/pkt.h"
#include "plan/plan.h"
#include "walk_flight.h"

/* The fabric's route for ip (longest prefix) in the plan, or NULL; *port its node. */
static const struct pl_step *fabric_route(const struct sim_walk *w, uint32_t ip, int *port)
{
	const struct pl_plan *p = w->plan;
	const struct pl_step *best = NULL;
	char name[PL_IFNAMSIZ];
	int i, k;

	for (i = 0; p->fabric_ns >= 0 && i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];
		uint32_t mask = s->route.plen ? htonl(~0u << (32 - s->route.plen)) : 0;

		if (s->kind != PL_STEP_ROUTE || s->ns != p->fabric_ns || s->route.table ||
		    (ip & mask) != s->route.dst || (best && best->route.plen >= s->route.plen))
			continue;
		best = s;
	}
	for (k = 0; best && k < w->topo.nnodes; k++) {
		pl_fabric_port_name(&w->topo, k, name, sizeof(name));
		if (!strcmp(name, best->dev)) {
			*port = k;
			return best;
		}
	}
	return NULL;
}

bool pl_sim_fabric_resolve(const struct sim_walk *w, int from, uint32_t ip, uint8_t mac[6])
{
	int port = -1;

	if (ip != w->topo.fabric.ip && (!fabric_route(w, ip, &port) || port == from))
		return false;
	pl_sim_mac(SIM_MAC_FABRIC, (uint32_t)from, mac);
	return true;
}

bool pl_sim_fabric_port_mac(const struct sim_walk *w, int node, const uint8_t mac[6])
{
	uint8_t m[6];

	pl_sim_mac(SIM_MAC_FABRIC, (uint32_t)node, m);
	return w->topo.underlay == TOPO_UNDERLAY_FABRIC && !memcmp(m, mac, 6);
}

int pl_sim_fabric_forward(struct sim_walk *w, struct sim_flight *f)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], in[PL_IFNAMSIZ];
	const struct pl_step *r;
	struct sim_ip ip;
	uint8_t ttl;
	int to = -1;

	pl_fabric_port_name(&w->topo, f->node, in, sizeof(in));
	if (!pl_sim_frame_ip(f->buf, f->len, &ip)) {
		pl_sim_fl_kernel_drop(f, f->node, in, PL_DROP_STACK, 0,
				      "fabric router: not IPv4, nothing routes it");
		return -1;
	}
	if (ip.daddr == w->topo.fabric.ip) {
		pl_sim_fl_kernel_drop(f, f->node, in, PL_DROP_STACK, 0,
				      "fabric router: addressed to the fabric itself");
		return -1;
	}
	r = fabric_route(w, ip.daddr, &to);
	if (!r) {
		pl_sim_fl_kernel_drop(f, f->node, in, PL_DROP_NO_ROUTE, 0,
				      "fabric router: no route for the destination");
		return -1;
	}
	if (ip.ttl <= 1) {
		pl_sim_fl_kernel_drop(f, f->node, in, PL_DROP_TTL_EXCEEDED, 0,
				      "fabric router: TTL exceeded");
		return -1;
	}
	ttl = ip.ttl;
	pl_sim_frame_dec_ttl(&ip);
	pl_sim_mac(SIM_MAC_FABRIC, (uint32_t)to, f->buf + 6);
	pl_sim_mac(SIM_MAC_UPLINK, (uint32_t)to, f->buf);
	pl_sim_fl_step(f, SIM_STEP_STACK, -1, r->dev,
		       "fabric router: %s/%u%s%s dev %s, TTL %u → %u, no encapsulation, no NAT",
		       pl_ip4_str(r->route.dst, a), r->route.plen, r->route.gw ? " via " : "",
		       r->route.gw ? pl_ip4_str(r->route.gw, b) : "", r->dev, ttl, ip.ttl);
	return to;
}
