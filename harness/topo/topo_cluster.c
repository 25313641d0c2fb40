// SPDX-License-Identifier: GPL-2.0
/*
 * Cluster-wide datapath sections: `prefilter:` (every node's XDP deny list)
 * and `conntrack:` (the size of every node's conntrack map: an LRU map of
 * that many entries is preallocated per node, about 120 bytes an entry,
 * hence the limit).
 */
#include <errno.h>
#include <stdlib.h>

#include "topo/topo_v6.h"
#include "topo/topo_yaml.h"

/* prefilter: [CIDR, ...] of either family (IPv6 in dual stack), a bare address is a /32 or /128. */
int pl_topo_parse_prefilter(struct topo_parser *p, const ynode *v)
{
	struct topo *t = p->t;
	int i, len, err;

	err = pl_ty_check_seq(p, v, "prefilter", &len);
	if (err || !len)
		return err;
	t->prefilter = calloc(len, sizeof(*t->prefilter));
	if (!t->prefilter)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		struct topo_cidr *c = &t->prefilter[t->nprefilter];

		err = pl_ty_cidr_either(p, pl_yaml_seq_item(&p->y, v, i), "prefilter entry", &c->v6,
					&c->ip, c->ip6, &c->plen);
		if (err)
			return err;
		t->nprefilter++;
	}
	return 0;
}

/* conntrack: {max: N}, N in 1..TOPO_CT_MAX_LIMIT. */
int pl_topo_parse_conntrack(struct topo_parser *p, const ynode *n)
{
	static const char *const conntrack_keys[] = {"max", NULL};
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
