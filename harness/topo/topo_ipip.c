// SPDX-License-Identifier: GPL-2.0
/*
 * routing ipip's settings, as Calico's IPPool spells them: `ipipMode: Always
 * | CrossSubnet` and `natOutgoing: true | false`. CrossSubnet compares node
 * subnets, so every node's ip must then say its prefix (checked per node).
 */
#include <string.h>

#include "topo/topo_yaml.h"

int pl_topo_parse_ipip(struct topo_parser *p, const ynode *root)
{
	const ynode *mode = pl_yaml_get(&p->y, root, "ipipMode");
	const ynode *nat = pl_yaml_get(&p->y, root, "natOutgoing");
	struct topo *t = p->t;
	const char *s = NULL;
	int err;

	if (mode && t->routing != PL_ROUTING_IPIP)
		return pl_yaml_error(&p->y, mode, "ipipMode is a setting of routing ipip, not %s",
				     pl_topo_routing_name(t->routing));
	if (nat && t->routing != PL_ROUTING_IPIP)
		return pl_yaml_error(
			&p->y, nat, "natOutgoing is a setting of routing ipip, not %s%s",
			pl_topo_routing_name(t->routing),
			t->routing == PL_ROUTING_LEGACY ? " (legacy masquerades pod to pod already)"
							: "");
	if (mode) {
		if ((err = pl_ty_scalar(p, mode, "ipipMode", &s)))
			return err;
		if (!strcmp(s, "Always"))
			t->ipip_mode = TOPO_IPIP_ALWAYS;
		else if (!strcmp(s, "CrossSubnet"))
			t->ipip_mode = TOPO_IPIP_CROSS_SUBNET;
		else
			return pl_yaml_error(
				&p->y, mode, "ipipMode must be Always or CrossSubnet, not '%s'%s",
				s, !strcmp(s, "Never") ? " (Never is routing native)" : "");
		t->ipip_pos = ty_pos(mode);
	}
	if (nat && (err = pl_ty_bool(p, nat, "natOutgoing", &t->nat_outgoing)))
		return err;
	return 0;
}

int pl_topo_check_ipip_node(struct topo_parser *p, const ynode *ip_n, bool has_len)
{
	const struct topo *t = p->t;

	if (t->routing != PL_ROUTING_IPIP || t->ipip_mode != TOPO_IPIP_CROSS_SUBNET || has_len)
		return 0;
	return pl_yaml_error(&p->y, ip_n,
			     "ipipMode CrossSubnet (line %d) compares node subnets: give this node "
			     "ip its prefix (a.b.c.d/len)",
			     t->ipip_pos.line);
}
