// SPDX-License-Identifier: GPL-2.0
/*
 * The underlay and the fabric sections of a topology file: how nodes are linked
 * (p2p, segment or a fabric router), the qdiscs on their uplinks, and the fabric
 * router's table size. Errors point at the value, as in topo_parse.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "topo/topo_yaml.h"

static const char *const underlay_keys[] = {"type", "links", NULL};
static const char *const link_keys[] = {"node", "qdisc", NULL};
static const char *const fabric_keys[] = {"maxRoutes", NULL};

int pl_ty_node_ref(struct topo_parser *p, const ynode *v, const char *what, int *node)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, v, what, &s);
	if (err)
		return err;
	*node = pl_topo_node_by_name(p->t, s);
	if (*node < 0)
		return pl_yaml_error(&p->y, v, "%s '%s' is not a node of this topology", what, s);
	return 0;
}

static int parse_link(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	struct topo_link *l;
	const ynode *v;
	int i, err;

	err = pl_ty_check_map(p, n, "a link", link_keys);
	if (err)
		return err;
	l = &t->links[t->nlinks++];
	l->pos = ty_pos(n);
	l->peer = -1;
	v = pl_yaml_get(&p->y, n, "node");
	if (!v)
		return pl_yaml_error(&p->y, n, "a link needs the node whose uplink it shapes");
	err = pl_ty_node_ref(p, v, "link node", &l->node);
	if (err)
		return err;
	for (i = 0; i < t->nlinks - 1; i++)
		if (t->links[i].node == l->node)
			return pl_yaml_error(&p->y, v, "node '%s' already has a link at line %d",
					     t->nodes[l->node].name, t->links[i].pos.line);
	v = pl_yaml_get(&p->y, n, "qdisc");
	return v ? pl_topo_parse_qdisc(p, v, &l->qdisc) : 0;
}

int pl_topo_parse_underlay(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	const ynode *v;
	const char *s = NULL;
	int i, len, err;

	err = pl_ty_check_map(p, n, "underlay", underlay_keys);
	if (err)
		return err;
	t->underlay = t->nnodes == 2 ? TOPO_UNDERLAY_P2P : TOPO_UNDERLAY_SEGMENT;
	v = pl_yaml_get(&p->y, n, "type");
	if (v) {
		err = pl_ty_scalar(p, v, "underlay type", &s);
		if (err)
			return err;
		if (!strcmp(s, "p2p"))
			t->underlay = TOPO_UNDERLAY_P2P;
		else if (!strcmp(s, "segment"))
			t->underlay = TOPO_UNDERLAY_SEGMENT;
		else if (!strcmp(s, "fabric"))
			t->underlay = TOPO_UNDERLAY_FABRIC;
		else
			return pl_yaml_error(
				&p->y, v,
				"unknown underlay type '%s' (expected p2p, segment or fabric)", s);
		if ((t->underlay == TOPO_UNDERLAY_FABRIC) != (t->routing == PL_ROUTING_FABRIC))
			return pl_yaml_error(
				&p->y, v,
				t->routing == PL_ROUTING_FABRIC
					? "routing fabric joins every node to the fabric router: "
					  "underlay type '%s' does not apply (omit it or say "
					  "fabric)"
					: "underlay type '%s' comes with routing fabric only",
				s);
		if (t->underlay == TOPO_UNDERLAY_P2P && t->nnodes != 2)
			return pl_yaml_error(&p->y, v,
					     "underlay type p2p joins exactly 2 nodes, this has %d",
					     t->nnodes);
	}
	v = pl_yaml_get(&p->y, n, "links");
	err = pl_ty_check_seq(p, v, "links", &len);
	if (err || !len)
		return err;
	t->links = calloc(len, sizeof(*t->links));
	if (!t->links)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++)
		err = parse_link(p, pl_yaml_seq_item(&p->y, v, i));
	if (t->routing == PL_ROUTING_FABRIC)
		t->underlay = TOPO_UNDERLAY_FABRIC;
	for (i = 0; !err && i < t->nlinks && t->underlay == TOPO_UNDERLAY_P2P; i++)
		t->links[i].peer = !t->links[i].node;
	return err;
}

/* fabric: {maxRoutes: N}; its pod routes must fit, as pods must fit an ENI's secondary IPs. */
int pl_topo_parse_fabric(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	const ynode *v;
	int err;

	if (t->routing != PL_ROUTING_FABRIC)
		return pl_yaml_error(&p->y, n,
				     "'fabric' comes with routing fabric only (this is %s)",
				     pl_routing_mode_name(t->routing));
	err = pl_ty_check_map(p, n, "fabric", fabric_keys);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "maxRoutes");
	if (!v)
		return 0;
	err = pl_ty_u32(p, v, "maxRoutes", 1, 1u << 20, &t->fabric.max_routes);
	if (err)
		return err;
	t->fabric.pos = ty_pos(v);
	if (t->fabric.max_routes < (uint32_t)t->npods)
		return pl_yaml_error(&p->y, v,
				     "fabric maxRoutes %u is smaller than the %d pods: the fabric "
				     "holds one route per pod IP",
				     t->fabric.max_routes, t->npods);
	return 0;
}
