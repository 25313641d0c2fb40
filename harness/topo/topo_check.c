// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of nodes and pods against those read before them (called while
 * parsing, so messages point at the value). After parsing: derived fields (ep ids, identities from
 * label sets, which pods policies enforce) and the checks that need the whole file (selectors
 * matching nothing are warnings, not errors).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "topo/policy_l7.h"
#include "topo/topo_addr.h"
#include "topo/topo_yaml.h"

/* Nodes, pods and the world host each get a netns named after them: one namespace of names. */
int pl_topo_check_name(struct topo_parser *p, const ynode *n, const char *name, int self_node,
		       int self_pod)
{
	struct topo *t = p->t;
	int i;

	if (!strcmp(name, TOPO_NETNS_SEGMENT))
		return pl_yaml_error(
			&p->y, n, "name '%s' is reserved (the underlay segment's namespace)", name);
	if (t->routing == PL_ROUTING_FABRIC && !strcmp(name, TOPO_NETNS_FABRIC))
		return pl_yaml_error(&p->y, n,
				     "name '%s' is reserved (the fabric router's namespace)", name);
	for (i = 0; i < t->nnodes; i++)
		if (i != self_node && t->nodes[i].name && !strcmp(t->nodes[i].name, name))
			return pl_yaml_error(&p->y, n,
					     "duplicate name '%s': node '%s' at line %d has it",
					     name, name, t->nodes[i].pos.line);
	for (i = 0; i < t->npods; i++)
		if (i != self_pod && t->pods[i].name && !strcmp(t->pods[i].name, name))
			return pl_yaml_error(&p->y, n,
					     "duplicate name '%s': pod '%s' at line %d has it",
					     name, name, t->pods[i].pos.line);
	return 0;
}

/* A derived interface name with the user's name in it must fit IFNAMSIZ. */
int pl_topo_check_ifname(struct topo_parser *p, const ynode *n, const char *what, const char *name,
			 const char *prefix, const char *device)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", prefix, name);
	if (strlen(buf) < TOPO_IFNAMSIZ)
		return 0;
	return pl_yaml_error(
		&p->y, n,
		"%s name '%s' is too long: its %s '%s' would have %zu characters, interface "
		"names have at most %d (keep the name to %zu)",
		what, name, device, buf, strlen(buf), TOPO_IFNAMSIZ - 1,
		TOPO_IFNAMSIZ - 1 - strlen(prefix));
}

/* Not the network or broadcast address of net/plen (for plen < 31). */
static bool host_addr_ok(uint32_t ip, uint8_t plen)
{
	uint32_t h = ntohl(ip) & ~topo_mask(plen);

	return plen >= 31 || (h && h != ~topo_mask(plen));
}

/*
 * routing fabric: a node's podCIDR is its share of the underlay network (as a VPC's
 * secondary IPs or prefixes are), clear of the nodes' own IPs and of the fabric's.
 */
static int check_fabric_node(struct topo_parser *p, int self, const ynode *ip_n,
			     const ynode *cidr_n)
{
	struct topo *t = p->t;
	struct topo_node *nd = &t->nodes[self];
	uint32_t net = htonl(ntohl(nd->underlay_ip) & topo_mask(nd->underlay_plen));
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	int i;

	if (!self)
		t->fabric.ip = htonl(ntohl(net) + ~topo_mask(nd->underlay_plen) - 1);
	if (nd->underlay_ip == t->fabric.ip)
		return pl_yaml_error(&p->y, ip_n,
				     "node ip %s is the fabric router's address (the last host of "
				     "%s/%u)",
				     pl_ip4_str(nd->underlay_ip, a), pl_ip4_str(net, b),
				     nd->underlay_plen);
	if (!pl_topo_cidr_within(nd->pod_cidr, nd->pod_plen, net, nd->underlay_plen))
		return pl_yaml_error(&p->y, cidr_n,
				     "podCIDR %s/%u is outside the underlay network %s/%u: with "
				     "routing fabric pods take addresses from the underlay's own "
				     "subnet",
				     pl_ip4_str(nd->pod_cidr, a), nd->pod_plen, pl_ip4_str(net, b),
				     nd->underlay_plen);
	if (pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, t->fabric.ip))
		return pl_yaml_error(
			&p->y, cidr_n, "podCIDR %s/%u holds the fabric router's address %s",
			pl_ip4_str(nd->pod_cidr, a), nd->pod_plen, pl_ip4_str(t->fabric.ip, c));
	for (i = 0; i < self; i++) {
		const struct topo_node *o = &t->nodes[i];

		if (pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, o->underlay_ip))
			return pl_yaml_error(&p->y, cidr_n,
					     "podCIDR %s/%u holds the ip of node '%s'",
					     pl_ip4_str(nd->pod_cidr, a), nd->pod_plen, o->name);
		if (pl_topo_cidr_contains(o->pod_cidr, o->pod_plen, nd->underlay_ip))
			return pl_yaml_error(&p->y, ip_n,
					     "node ip %s lies inside podCIDR %s/%u of node '%s'",
					     pl_ip4_str(nd->underlay_ip, a),
					     pl_ip4_str(o->pod_cidr, b), o->pod_plen, o->name);
	}
	return 0;
}

int pl_topo_check_node(struct topo_parser *p, int self, const ynode *ip_n, const ynode *cidr_n)
{
	struct topo *t = p->t;
	struct topo_node *nd = &t->nodes[self], *o;
	uint32_t net = htonl(ntohl(nd->underlay_ip) & topo_mask(nd->underlay_plen));
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	if (!host_addr_ok(nd->underlay_ip, nd->underlay_plen))
		return pl_yaml_error(
			&p->y, ip_n, "node ip %s is the network or broadcast address of %s/%u",
			pl_ip4_str(nd->underlay_ip, a), pl_ip4_str(net, b), nd->underlay_plen);
	if (pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, nd->underlay_ip))
		return pl_yaml_error(&p->y, ip_n, "node ip %s lies inside its own podCIDR",
				     pl_ip4_str(nd->underlay_ip, a));
	if (t->routing != PL_ROUTING_FABRIC &&
	    (pl_topo_cidr_within(nd->pod_cidr, nd->pod_plen, net, nd->underlay_plen) ||
	     pl_topo_cidr_within(net, nd->underlay_plen, nd->pod_cidr, nd->pod_plen)))
		return pl_yaml_error(&p->y, cidr_n, "podCIDR overlaps the underlay network %s/%u",
				     pl_ip4_str(net, a), nd->underlay_plen);
	for (i = 0; i < self; i++) {
		o = &t->nodes[i];
		if (o->underlay_ip == nd->underlay_ip)
			return pl_yaml_error(&p->y, ip_n,
					     "node ip %s is already the ip of node '%s'",
					     pl_ip4_str(nd->underlay_ip, a), o->name);
		/* CrossSubnet is about nodes in several subnets: one segment carries them all. */
		if (!(t->routing == PL_ROUTING_IPIP && t->ipip_mode == TOPO_IPIP_CROSS_SUBNET) &&
		    !pl_topo_same_subnet(t, i, self))
			return pl_yaml_error(
				&p->y, ip_n,
				"node ip %s/%u is not in the underlay network of node '%s' "
				"(%s/%u): all nodes share one underlay network",
				pl_ip4_str(nd->underlay_ip, a), nd->underlay_plen, o->name,
				pl_ip4_str(
					htonl(ntohl(o->underlay_ip) & topo_mask(o->underlay_plen)),
					b),
				o->underlay_plen);
		if (pl_topo_cidr_within(nd->pod_cidr, nd->pod_plen, o->pod_cidr, o->pod_plen) ||
		    pl_topo_cidr_within(o->pod_cidr, o->pod_plen, nd->pod_cidr, nd->pod_plen))
			return pl_yaml_error(&p->y, cidr_n,
					     "podCIDR %s/%u overlaps podCIDR %s/%u of node '%s'",
					     pl_ip4_str(nd->pod_cidr, a), nd->pod_plen,
					     pl_ip4_str(o->pod_cidr, b), o->pod_plen, o->name);
	}
	return t->routing == PL_ROUTING_FABRIC ? check_fabric_node(p, self, ip_n, cidr_n) : 0;
}

int pl_topo_check_pod(struct topo_parser *p, int self, const ynode *ip_n)
{
	struct topo *t = p->t;
	struct topo_pod *pod = &t->pods[self];
	struct topo_node *nd = &t->nodes[pod->node];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	if (!pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, pod->ip))
		return pl_yaml_error(&p->y, ip_n,
				     "pod ip %s is outside podCIDR %s/%u of its node '%s'",
				     pl_ip4_str(pod->ip, a), pl_ip4_str(nd->pod_cidr, b),
				     nd->pod_plen, nd->name);
	if (!host_addr_ok(pod->ip, nd->pod_plen))
		return pl_yaml_error(
			&p->y, ip_n, "pod ip %s is the network or broadcast address of %s/%u",
			pl_ip4_str(pod->ip, a), pl_ip4_str(nd->pod_cidr, b), nd->pod_plen);
	for (i = 0; i < self; i++)
		if (t->pods[i].ip == pod->ip)
			return pl_yaml_error(
				&p->y, ip_n, "duplicate pod ip %s: pod '%s' (line %d) has it",
				pl_ip4_str(pod->ip, a), t->pods[i].name, t->pods[i].pos.line);
	return 0;
}

static bool same_label_set(const struct topo_pod *a, const struct topo_pod *b)
{
	return a->nlabels == b->nlabels &&
	       pl_topo_labels_match(a->labels, a->nlabels, b->labels, b->nlabels);
}

/* Pods with equal label sets share an identity, numbered from 256 in file order. */
static void assign_identities(struct topo *t)
{
	uint32_t next = PL_ID_POD_MIN;
	int i, j;

	for (i = 0; i < t->npods; i++) {
		t->pods[i].ep_id = (uint32_t)i + 1;
		for (j = 0; j < i; j++)
			if (same_label_set(&t->pods[i], &t->pods[j]))
				break;
		t->pods[i].identity = j < i ? t->pods[j].identity : next++;
	}
}

static void fmt_labels(const struct topo_label *l, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	off += snprintf(buf, len, "{");
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s: %s", i ? ", " : "", l[i].key,
				l[i].value);
	if (off < len)
		snprintf(buf + off, len - off, "}");
}

static void check_policies(struct topo_parser *p)
{
	struct topo *t = p->t;
	char sel[256];
	int i, j, k;

	for (i = 0; i < t->npolicies; i++) {
		struct topo_policy *pol = &t->policies[i];
		bool any = false;

		for (k = 0; k < t->npods; k++) {
			if (!pl_topo_policy_selects(pol, &t->pods[k]))
				continue;
			any = true;
			t->pods[k].ingress_enforced |= pol->select_ingress;
			t->pods[k].egress_enforced |= pol->select_egress;
		}
		if (!any) {
			fmt_labels(pol->selector, pol->nselector, sel, sizeof(sel));
			pl_yaml_warn_at(&p->y, pol->pos.line, pol->pos.col,
					"policy '%s' selects no pod (selector %s)", pol->name, sel);
		}
		for (j = 0; j < pol->nrules; j++) {
			struct topo_rule *r = &pol->rules[j];

			if (!r->npeer_labels)
				continue;
			for (k = 0; k < t->npods; k++)
				if (pl_topo_labels_match(r->peer_labels, r->npeer_labels,
							 t->pods[k].labels, t->pods[k].nlabels))
					break;
			if (k < t->npods)
				continue;
			fmt_labels(r->peer_labels, r->npeer_labels, sel, sizeof(sel));
			pl_yaml_warn_at(&p->y, r->pos.line, r->pos.col,
					"policy '%s': selector %s matches no pod", pol->name, sel);
		}
	}
}

static void check_links(struct topo_parser *p)
{
	struct topo *t = p->t;
	uint32_t frame = t->mtu + 14;
	int i, j;

	for (i = 0; i < t->nlinks; i++) {
		struct topo_qdisc *q = &t->links[i].qdisc;
		uint64_t sum = 0;

		if (q->kind == TOPO_QDISC_TBF && q->tbf.burst < frame)
			pl_yaml_warn_at(
				&p->y, q->pos.line, q->pos.col,
				"tbf burst %u bytes is below one full frame (%u bytes): such "
				"packets can never pass",
				q->tbf.burst, frame);
		if (q->kind != TOPO_QDISC_HTB)
			continue;
		for (j = 0; j < q->htb.nclasses; j++)
			if (!q->htb.classes[j].parent_minor)
				sum += q->htb.classes[j].rate;
		if (sum > q->htb.rate)
			pl_yaml_warn_at(&p->y, q->pos.line, q->pos.col,
					"htb classes' rates add up to more than the root rate: the "
					"guarantees cannot all hold");
	}
}

/* Ports that http rules proxy: every rule allowing them must name peers the proxy can match. */
static int check_l7(struct topo_parser *p)
{
	struct policy_proxies pp;
	struct topo_pos bad = {0};
	int err;

	err = pl_policy_proxies(p->t, &pp, &bad);
	if (err == -EINVAL)
		return pl_yaml_error_at(&p->y, bad.line, bad.col,
					"this rule allows a port that http rules proxy: "
					"fromCIDR and fromEntities peers are not supported there");
	pl_policy_proxies_free(&pp);
	return err;
}

int pl_topo_check(struct topo_parser *p)
{
	struct topo *t = p->t;

	assign_identities(t);
	if (t->world.present)
		t->world.gateway_node_ip = t->nodes[t->world.node].underlay_ip;
	check_policies(p);
	check_links(p);
	return check_l7(p);
}
