// SPDX-License-Identifier: GPL-2.0
/*
 * `conntrack:` (cluster level): the size of every node's conntrack map.
 * An LRU map of that many entries is preallocated per node (about 100 bytes
 * an entry), hence the limit.
 */
#include "topo/topo_yaml.h"

static const char *const conntrack_keys[] = {"max", NULL};

int pl_topo_parse_conntrack(struct topo_parser *p, const ynode *n)
{
	const ynode *v;
	int err;

	err = pl_ty_check_map(p, n, "conntrack", conntrack_keys);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "max");
	if (!v)
		return 0;
	return pl_ty_u32(p, v, "conntrack max", 1, TOPO_CT_MAX_LIMIT, &p->t->ct_max);
}
