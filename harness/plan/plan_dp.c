// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath part of a plan as data: a node's rodata knobs, its pin
 * directory and every map element; `podlab up`, --print-commands and the
 * simulator write exactly these.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "plan/plan.h"
#include "plan/plan_internal.h"
#include "topo/policy_compile.h"

void pl_dp_pin_dir(const struct pl_plan *p, int node, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->pin_dir, p->topo->nodes[node].name);
}

void pl_dp_map_pin(const struct pl_plan *p, int node, const char *map, char *buf, size_t len)
{
	char dir[192];

	if (pl_map_cluster_wide(map)) {
		snprintf(buf, len, "%s/%s", p->pin_dir, map);
		return;
	}
	pl_dp_pin_dir(p, node, dir, sizeof(dir));
	snprintf(buf, len, "%s/%s", dir, map);
}

void pl_dp_opts(const struct pl_plan *p, int node, struct pl_datapath_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->routing = p->topo->routing;
	o->node_ip = p->topo->nodes[node].underlay_ip;
	o->vxlan_ifindex =
		pl_topo_overlay(p->topo) ? pl_node_ifindex(p->topo, node, PL_IFINDEX_VXLAN) : 0;
	o->uplink_ifindex = pl_node_ifindex(p->topo, node, PL_IFINDEX_UPLINK);
	o->events = true;
	o->ipip_cross_subnet =
		p->topo->routing == PL_ROUTING_IPIP && p->topo->ipip_mode == TOPO_IPIP_CROSS_SUBNET;
	o->ct_max = p->topo->ct_max;
	o->ipv6 = pl_topo_has_v6(p->topo);
	o->no_services = !p->topo->nservices;
}

int pl_dp_slot(const struct pl_plan *p, int node)
{
	int i, slot = 0;

	for (i = 0; i < p->nsteps; i++) {
		if (p->steps[i].kind != PL_STEP_DATAPATH)
			continue;
		if (p->steps[i].dp.node == node)
			return slot;
		slot++;
	}
	return -1;
}

int pl_dp_loading_node(const struct pl_plan *p)
{
	int i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == PL_STEP_DATAPATH)
			return p->steps[i].dp.node;
	return -1;
}

int pl_dp_devices(const struct pl_plan *p, int node, uint32_t *ifx, int max)
{
	const struct topo_node *nd = &p->topo->nodes[node];
	int n = 0, k;

	if (max < nd->npods + 2)
		return -E2BIG;
	ifx[n++] = pl_node_ifindex(p->topo, node, PL_IFINDEX_UPLINK);
	if (pl_topo_overlay(p->topo))
		ifx[n++] = pl_node_ifindex(p->topo, node, PL_IFINDEX_VXLAN);
	for (k = 0; k < nd->npods; k++)
		ifx[n++] = pl_pod_veth_ifindex(p->topo, nd->pods[k]);
	return n;
}

int pl__map_push(struct pl_map_entry **e, int *n, const char *map, const void *key, size_t klen,
		 const void *val, size_t vlen)
{
	struct pl_map_entry *g = *e;

	/* Doubling at each power of two (the capacity): a Maglev table's pushes stay linear. */
	if (!(*n & (*n - 1))) {
		g = realloc(*e, (*n ? 2 * (size_t)*n : 1) * sizeof(**e));
		if (!g)
			return -ENOMEM;
		*e = g;
	}
	g = &g[(*n)++];
	memset(g, 0, sizeof(*g));
	g->map = map;
	memcpy(g->key, key, klen);
	g->key_len = klen;
	memcpy(g->val, val, vlen);
	g->val_len = vlen;
	return 0;
}

/*
 * IPv6: endpoints6 (the node's pods, the same value as their IPv4 entry) and, with
 * cluster, the cluster-wide ipcache6 (pl_policy_ipcache6 of node -1: every pod /128 with its
 * identity and its node's underlay IPv4 as the tunnel endpoint; the nodes' ipv6; the IPv6
 * CIDR identities' prefixes).
 */
static int map_entries6(const struct pl_plan *p, const struct policy_set *ps, bool cluster,
			struct pl_map_entry **out, int *n)
{
	const struct topo *t = p->topo;
	struct policy_ipcache6_entry *ic6 = NULL;
	struct pl_map_entry *e = *out;
	uint8_t val[sizeof(e->val)];
	int i, k, n4 = *n, nic6 = 0, err = 0;
	size_t vlen;

	for (i = 0; i < n4 && !err; i++) {
		struct pl_endpoint6_key k6;
		struct pl_endpoint_key k4;

		if (strcmp(e[i].map, "endpoints"))
			continue;
		memcpy(&k4, e[i].key, sizeof(k4));
		k = pl_topo_pod_by_ip(t, k4.ip);
		if (k < 0)
			continue;
		memcpy(k6.ip6, t->pods[k].ip6, 16);
		/* the push may move *out: the value must not point into it */
		vlen = e[i].val_len;
		memcpy(val, e[i].val, vlen);
		err = pl__map_push(out, n, "endpoints6", &k6, sizeof(k6), val, vlen);
		e = *out;
	}
	if (!err && cluster && (err = pl_policy_ipcache6(t, ps, -1, &ic6, &nic6)))
		pl_err_errno(err, "computing the ipcache6");
	for (i = 0; i < nic6 && !err; i++)
		err = pl__map_push(out, n, "ipcache6", &ic6[i].key, sizeof(ic6[i].key),
				   &ic6[i].info, sizeof(ic6[i].info));
	free(ic6);
	return err;
}

int pl_dp_map_entries(const struct pl_plan *p, int node, struct pl_map_entry **out, int *n)
{
	const struct topo *t = p->topo;
	const struct topo_node *nd = &t->nodes[node];
	struct policy_ipcache_entry *ic = NULL;
	struct policy_set *own = NULL, *ps = p->policy;
	/* The cluster-wide maps are filled once, with the node that loads the datapath. */
	bool cluster = node == pl_dp_loading_node(p);
	int i, nic = 0, err = 0;

	*out = NULL;
	*n = 0;
	if (!ps && (err = pl_policy_compile(t, &own)))
		return pl_err_errno(err, "compiling the policies");
	if (!ps)
		ps = own;
	for (i = 0; i < nd->npods && !err; i++) {
		int pi = nd->pods[i];
		const struct topo_pod *pod = &t->pods[pi];
		struct pl_endpoint_key k = {.ip = pod->ip};
		struct pl_endpoint_info ep = {
			.ifindex = pl_pod_veth_ifindex(t, pi),
			.identity = pod->identity,
			.ep_id = pod->ep_id,
			.flags = pi < ps->npods ? ps->ep_flags[pi] : 0,
		};

		pl_plan_mac(0, pi, ep.mac);
		pl_plan_mac(1, pi, ep.node_mac);
		err = pl__map_push(out, n, "endpoints", &k, sizeof(k), &ep, sizeof(ep));
	}
	if (!err && cluster && (err = pl_policy_ipcache(t, ps, -1, &ic, &nic)))
		pl_err_errno(err, "computing the ipcache");
	/* Said before anything is built, not as ENOSPC from the kernel halfway through up. */
	if (!err && nic > PL_MAX_IPCACHE) {
		pl_err("the ipcache needs %d entries (every pod, node and CIDR prefix the "
		       "policies name), the datapath holds %d",
		       nic, PL_MAX_IPCACHE);
		err = -E2BIG;
	}
	if (!err && ps->nentries > PL_MAX_POLICY) {
		pl_err("the policies compile to %d policy entries, the datapath holds %d",
		       ps->nentries, PL_MAX_POLICY);
		err = -E2BIG;
	}
	for (i = 0; i < nic && !err; i++)
		err = pl__map_push(out, n, "ipcache", &ic[i].key, sizeof(ic[i].key), &ic[i].info,
				   sizeof(ic[i].info));
	for (i = 0; i < ps->nentries && !err; i++) {
		const struct policy_entry *pe = &ps->entries[i];
		int k;

		/* Only the endpoints of this node are looked up here. */
		for (k = 0; k < nd->npods; k++)
			if (t->pods[nd->pods[k]].ep_id == pe->key.ep_id)
				break;
		if (k < nd->npods)
			err = pl__map_push(out, n, "policy", &pe->key, sizeof(pe->key), &pe->val,
					   sizeof(pe->val));
	}
	for (i = 0; i < t->nprefilter && !err; i++) {
		struct pl_prefilter_key k = {.prefixlen = t->prefilter[i].plen,
					     .ip = t->prefilter[i].ip};
		struct pl_prefilter6_key k6 = {.prefixlen = t->prefilter[i].plen};
		uint32_t rule = i + 1;

		memcpy(k6.ip6, t->prefilter[i].ip6, 16);
		if (t->prefilter[i].v6)
			err = pl__map_push(out, n, "prefilter6", &k6, sizeof(k6), &rule,
					   sizeof(rule));
		else
			err = pl__map_push(out, n, "prefilter", &k, sizeof(k), &rule, sizeof(rule));
	}
	if (!err && pl_topo_has_v6(t))
		err = map_entries6(p, ps, cluster, out, n);
	if (!err)
		err = pl__plan_service_entries(t, node, out, n);
	free(ic);
	pl_policy_set_free(own);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}
