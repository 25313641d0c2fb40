// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 half of a dual-stack node in the walk: the plan's IPv6 addresses
 * and routes, modelled and realized in the node's namespace (bpf_fib_lookup
 * with AF_INET6 needs them and forwarding on), the route lookup and the
 * underlay's neighbour answers for an IPv6 next hop (pl_sim_fl_out_dev6).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "topo/topo_v6.h"
#include "walk_flight.h"

static bool zero16(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

static int add_route6(struct sim_node *n, const uint8_t *dst, uint8_t plen, const uint8_t *gw,
		      int dev, uint32_t table)
{
	struct sim_route6 *r;

	if (n->nroutes6 == (int)(sizeof(n->routes6) / sizeof(n->routes6[0])))
		return -E2BIG;
	r = &n->routes6[n->nroutes6++];
	pl_topo_mask6(dst, plen, r->dst);
	r->plen = plen;
	memcpy(r->gw, gw, 16);
	r->dev = dev;
	r->table = table;
	return 0;
}

/* The steps without a device of their own: an IPv6 rule, an ip6 masquerade. */
static int v6_nodev_step(struct sim_node *n, const struct pl_step *s, int dev)
{
	struct sim_rule6 *r;

	if (s->kind == PL_STEP_MASQUERADE) {
		n->masq6 = true;
		memcpy(n->masq6_cidr, s->masq.cidr6, 16);
		n->masq6_plen = s->masq.plen;
		n->masq6_dev = dev;
		return 0;
	}
	if (n->nrules6 == (int)(sizeof(n->rules6) / sizeof(n->rules6[0])))
		return -E2BIG;
	r = &n->rules6[n->nrules6++];
	memcpy(r->src, s->rule.src6, 16);
	r->plen = s->rule.plen;
	r->table = s->rule.table;
	return 0;
}

int pl_sim_env_v6_step(struct sim_node *n, const struct pl_step *s, int dev)
{
	static const uint8_t none[16];
	struct sim_neigh6 *nb;

	if ((s->kind == PL_STEP_RULE && s->rule.v6) ||
	    (s->kind == PL_STEP_MASQUERADE && s->masq.v6))
		return v6_nodev_step(n, s, dev);
	if (dev < 0)
		return 0;
	switch (s->kind) {
	case PL_STEP_NEIGH6:
		if (n->nneighs6 == SIM_MAX_NEIGH)
			return -E2BIG;
		nb = &n->neighs6[n->nneighs6++];
		memcpy(nb->ip, s->in6.ip, 16);
		memcpy(nb->mac, s->in6.mac, 6);
		nb->dev = dev;
		return 0;
	case PL_STEP_ADDR6:
		if (!n->devs[dev].has_addr6) {
			n->devs[dev].has_addr6 = true;
			memcpy(n->devs[dev].addr6, s->in6.ip, 16);
			n->devs[dev].plen6 = s->in6.plen;
		}
		/* The kernel's connected route of the prefix. */
		return s->in6.plen < 128 ? add_route6(n, s->in6.ip, s->in6.plen, none, dev, 0) : 0;
	case PL_STEP_ROUTE6:
		return add_route6(n, s->in6.ip, s->in6.plen, s->in6.gw, dev, s->in6.table);
	default:
		return 0;
	}
}

char *pl_sim_env_v6_batch(const struct sim_node *n)
{
	char a[PL_ADDR_STRLEN], g[PL_ADDR_STRLEN], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < n->ndevs; i++)
		if (n->devs[i].has_addr6)
			fprintf(f, "addr add %s/%u dev %s nodad\n",
				pl_addr_str(AF_INET6, n->devs[i].addr6, a), n->devs[i].plen6,
				n->devs[i].name);
	for (i = 0; i < n->nroutes6; i++) {
		const struct sim_route6 *r = &n->routes6[i];

		if (zero16(r->gw))
			continue; /* connected: the address made it */
		fprintf(f, "route add %s/%u via %s dev %s onlink table %u\n",
			pl_addr_str(AF_INET6, r->dst, a), r->plen, pl_addr_str(AF_INET6, r->gw, g),
			n->devs[r->dev].name, r->table ? r->table : 254);
	}
	for (i = 0; i < n->nroutes6; i++)
		if (zero16(n->routes6[i].gw) && n->routes6[i].plen == 128)
			fprintf(f, "route add %s/128 dev %s\n",
				pl_addr_str(AF_INET6, n->routes6[i].dst, a),
				n->devs[n->routes6[i].dev].name);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int sysctl_write(const char *key, const char *val)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -errno;
	close(fd);
	return err;
}

int pl_sim_env_v6_sysctls(bool pre)
{
	/* Before the devices: IPv6 on and no DAD for them; after: forwarding on every one. */
	static const char *const before[] = {"all/disable_ipv6", "default/disable_ipv6",
					     "all/accept_dad", "default/accept_dad"};
	unsigned int i;
	int err;

	if (!pre) {
		err = sysctl_write("all/forwarding", "1");
		return err ? pl_err_errno(err, "enabling IPv6 forwarding in a node namespace") : 0;
	}
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++)
		if ((err = sysctl_write(before[i], "0")))
			return pl_err_errno(err, "setting net.ipv6.conf.%s in a node namespace",
					    before[i]);
	return 0;
}

static int lookup6_table(const struct sim_node *n, uint32_t table, const uint8_t *daddr6)
{
	int i, best = -1;

	for (i = 0; i < n->nroutes6; i++) {
		const struct sim_route6 *r = &n->routes6[i];

		if (r->table != table || !pl_topo_cidr6_contains(r->dst, r->plen, daddr6))
			continue;
		if (best < 0 || r->plen > n->routes6[best].plen)
			best = i;
	}
	return best;
}

int pl_sim_route6_lookup(const struct sim_node *n, const uint8_t *daddr6)
{
	return lookup6_table(n, 0, daddr6);
}

int pl_sim_route6_lookup_from(const struct sim_node *n, const uint8_t *saddr6,
			      const uint8_t *daddr6)
{
	int i, r;

	/* A rule's table without a match falls through to the next rule, then main. */
	for (i = 0; i < n->nrules6; i++)
		if (pl_topo_cidr6_contains(n->rules6[i].src, n->rules6[i].plen, saddr6) &&
		    (r = lookup6_table(n, n->rules6[i].table, daddr6)) >= 0)
			return r;
	return lookup6_table(n, 0, daddr6);
}

int pl_sim_node_by_underlay6(const struct sim_walk *w, const uint8_t *ip6)
{
	int i;

	for (i = 0; i < w->topo.nnodes; i++)
		if (!zero16(w->topo.nodes[i].underlay_ip6) &&
		    !memcmp(w->topo.nodes[i].underlay_ip6, ip6, 16))
			return i;
	return -1;
}

uint32_t pl_sim_v6_len_over(const uint8_t *frame, uint32_t len, uint32_t mtu)
{
	struct pl_pkt_info pi;

	if (pl_pkt_parse(frame, len, &pi) || !pi.ipv6 || pi.vxlan)
		return 0;
	return pi.ip_len > mtu ? (uint32_t)pi.ip_len : 0;
}

uint32_t pl_sim_identity_of_src(const struct topo *t, const uint8_t *frame, uint32_t len)
{
	struct pl_pkt_info pi;
	int i;

	pl_pkt_parse(frame, len, &pi);
	if (pi.ipv6) {
		i = pl_topo_pod_by_ip6(t, pi.src.v6);
		return i >= 0 ? t->pods[i].identity : PL_ID_WORLD;
	}
	if (!pi.ipv4)
		return PL_ID_WORLD;
	if ((i = pl_topo_pod_by_ip(t, pi.saddr)) >= 0)
		return t->pods[i].identity;
	return pl_topo_node_by_underlay_ip(t, pi.saddr) >= 0 ? PL_ID_REMOTE_NODE : PL_ID_WORLD;
}

void pl_sim_fl_out_dev6(struct sim_walk *w, struct sim_flight *f, int dev, const uint8_t *nh6,
			const char *how)
{
	struct sim_node *n = &w->nodes[f->node];
	struct sim_dev *d = &n->devs[dev];
	char a[PL_ADDR_STRLEN];
	uint8_t mac[6];
	int j;

	switch (d->kind) {
	case SIM_DEV_UPLINK:
		/* Neighbour discovery on the underlay: the node owning the address answers. */
		j = w->topo.underlay == TOPO_UNDERLAY_FABRIC ? -1
							     : pl_sim_node_by_underlay6(w, nh6);
		if (j < 0 || j == f->node) {
			pl_sim_fl_kernel_drop(
				f, f->node, d->name, PL_DROP_STACK, 0,
				"no neighbour answers for the IPv6 next hop on the underlay");
			return;
		}
		pl_sim_mac(SIM_MAC_UPLINK, j, mac);
		memcpy(f->buf, mac, 6);
		memcpy(f->buf + 6, d->mac, 6);
		pl_sim_fl_step(f, SIM_STEP_STACK, f->node, d->name,
			       "%s: next hop %s is %02x:..:%02x:%02x", how,
			       pl_addr_str(AF_INET6, nh6, a), mac[0], mac[4], mac[5]);
		f->loc = LOC_UPLINK_TX;
		return;
	case SIM_DEV_LXC:
		pl_sim_fl_out_dev(w, f, dev, 0, how);
		return;
	default:
		pl_sim_fl_kernel_drop(f, f->node, d->name, PL_DROP_STACK, 0,
				      "IPv6 out of this device is not modelled");
		return;
	}
}
