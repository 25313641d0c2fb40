// SPDX-License-Identifier: GPL-2.0
/*
 * After parsing: derived fields (ep ids, identities from label sets, which
 * pods policies enforce) and the checks that need the whole file (selectors
 * matching nothing are warnings, not errors).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_yaml.h"

static bool same_label_set(const struct topo_pod *a, const struct topo_pod *b)
{
	return a->nlabels == b->nlabels &&
	       topo_labels_match(a->labels, a->nlabels, b->labels, b->nlabels);
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
			if (!topo_policy_selects(pol, &t->pods[k]))
				continue;
			any = true;
			t->pods[k].ingress_enforced |= pol->select_ingress;
			t->pods[k].egress_enforced |= pol->select_egress;
		}
		if (!any) {
			fmt_labels(pol->selector, pol->nselector, sel, sizeof(sel));
			ty_warn_at(p, pol->pos, "policy '%s' selects no pod (selector %s)", pol->name,
				   sel);
		}
		for (j = 0; j < pol->nrules; j++) {
			struct topo_rule *r = &pol->rules[j];

			if (!r->npeer_labels)
				continue;
			for (k = 0; k < t->npods; k++)
				if (topo_labels_match(r->peer_labels, r->npeer_labels,
						      t->pods[k].labels, t->pods[k].nlabels))
					break;
			if (k < t->npods)
				continue;
			fmt_labels(r->peer_labels, r->npeer_labels, sel, sizeof(sel));
			ty_warn_at(p, r->pos, "policy '%s': selector %s matches no pod", pol->name,
				   sel);
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
			ty_warn_at(p, q->pos,
				   "tbf burst %u bytes is below one full frame (%u bytes): such "
				   "packets can never pass",
				   q->tbf.burst, frame);
		if (q->kind != TOPO_QDISC_HTB)
			continue;
		for (j = 0; j < q->htb.nclasses; j++)
			if (!q->htb.classes[j].parent_minor)
				sum += q->htb.classes[j].rate;
		if (sum > q->htb.rate)
			ty_warn_at(p, q->pos,
				   "htb classes' rates add up to more than the root rate: the "
				   "guarantees cannot all hold");
	}
}

int topo_check(struct topo_parser *p)
{
	struct topo *t = p->t;

	assign_identities(t);
	if (t->world.present)
		t->world.gateway_node_ip = t->nodes[t->world.node].underlay_ip;
	check_policies(p);
	check_links(p);
	return 0;
}
