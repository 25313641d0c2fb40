// SPDX-License-Identifier: GPL-2.0
/* nftables text of a masquerade step (pl_plan_nft_masquerade), shared by exec and print. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "plan/plan.h"

/* The other nodes' pod CIDRs (all of them when outgoing) in the step's family. */
static void pod_cidrs(FILE *f, const struct topo *t, const struct pl_step *s)
{
	char a[PL_ADDR_STRLEN];
	int i, n = 0;

	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *nd = &t->nodes[i];

		if (s->masq.v6) {
			if (!memcmp(nd->pod_cidr6, s->masq.cidr6, 16) && !s->masq.outgoing)
				continue;
			fprintf(f, "%s%s/%u", n++ ? ", " : "",
				pl_addr_str(AF_INET6, nd->pod_cidr6, a), nd->pod_plen6);
			continue;
		}
		if (nd->pod_cidr == s->masq.cidr && !s->masq.outgoing)
			continue;
		fprintf(f, "%s%s/%u", n++ ? ", " : "", pl_ip4_str(nd->pod_cidr, a), nd->pod_plen);
	}
}

char *pl_plan_nft_masquerade(const struct pl_plan *p, const struct pl_step *s)
{
	const char *fam = s->masq.v6 ? "ip6" : "ip";
	char a[PL_ADDR_STRLEN], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (s->masq.v6)
		pl_addr_str(AF_INET6, s->masq.cidr6, a);
	else
		pl_ip4_str(s->masq.cidr, a);
	fprintf(f,
		"add table %s podlab\n"
		"add chain %s podlab postrouting { type nat hook postrouting priority srcnat; }\n"
		"add rule %s podlab postrouting %s saddr %s/%u %s daddr %s{ ",
		fam, fam, fam, fam, a, s->masq.plen, fam, s->masq.outgoing ? "!= " : "");
	pod_cidrs(f, p->topo, s);
	if (s->masq.oif[0])
		fprintf(f, " } oifname \"%s\" masquerade\n", s->masq.oif);
	else
		fprintf(f, " } masquerade\n");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
