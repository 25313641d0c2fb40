// SPDX-License-Identifier: GPL-2.0
/*
 * The nat: expectation (docs/scenario.md): the service translations the
 * packet's programs made, from their flow events, and the headers of the
 * frame that came out, which must carry each translation's result.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "lib/datapath.h"
#include "lib/pkt.h"
#include "replay/expect.h"
#include "topo/topo.h"

static void ep(char *buf, size_t len, uint32_t ip, uint16_t port)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s:%u", pl_ip4_str(ip, a), port);
}

/* The hop that made the translation flag, or NULL (one failure line). */
static const struct pl_hop *made_by(const struct pl_scn_nat_expect *x, const struct pl_result *r,
				    uint8_t flag, const char *kind, struct pl_failures *f,
				    const char *where)
{
	int i = pl_result_nat_hop(r, flag);

	if (i < 0) {
		pl_failures_add(f, "%s: nat: expected %s, no program made one", where, kind);
		return NULL;
	}
	if (x->at && r->hops[i].prog != x->at) {
		pl_failures_add(f, "%s: nat: expected %s at %s, got at %s", where, kind,
				pl_prog_name(x->at), pl_prog_name(r->hops[i].prog));
		return NULL;
	}
	return &r->hops[i];
}

static bool check_dnat(const struct pl_scn_nat_expect *x, const struct pl_result *r,
		       struct pl_failures *f, const char *where)
{
	const struct pl_hop *h = made_by(x, r, PL_EV_F_SVC_DNAT, "dnat", f, where);
	char w1[32], w2[32], g1[32], g2[32];
	bool ok = true;

	if (!h)
		return false;
	ep(w1, sizeof(w1), x->dnat_from, x->dnat_from_port);
	ep(w2, sizeof(w2), x->dnat_to, x->dnat_to_port);
	ep(g1, sizeof(g1), h->nat.svc_ip, h->nat.svc_port);
	ep(g2, sizeof(g2), h->nat.dst, h->nat.dport);
	if (h->nat.svc_ip != x->dnat_from || h->nat.svc_port != x->dnat_from_port ||
	    h->nat.dst != x->dnat_to || h->nat.dport != x->dnat_to_port) {
		pl_failures_add(f, "%s: nat: expected DNAT %s -> %s, got DNAT %s -> %s", where, w1,
				w2, g1, g2);
		ok = false;
	}
	/* The frame itself must carry the backend (the event could say one thing, the bytes
	 * another). */
	if (r->have_out_tuple && (r->out_daddr != x->dnat_to || r->out_dport != x->dnat_to_port)) {
		ep(g2, sizeof(g2), r->out_daddr, r->out_dport);
		pl_failures_add(f, "%s: nat: dnat: the output's destination is %s, expected %s",
				where, g2, w2);
		ok = false;
	}
	return ok;
}

static bool check_snat(const struct pl_scn_nat_expect *x, const struct pl_result *r,
		       const struct topo *t, struct pl_failures *f, const char *where)
{
	const struct pl_hop *h = made_by(x, r, PL_EV_F_SVC_SNAT, "snat", f, where);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t want;
	bool ok = true;

	if (!h)
		return false;
	want = x->snat_to;
	if (x->snat_node_ip)
		want = t && h->node >= 0 && h->node < t->nnodes ? t->nodes[h->node].underlay_ip : 0;
	if (h->nat.src != want) {
		pl_failures_add(f, "%s: nat: expected SNAT to %s%s, got %s", where,
				pl_ip4_str(want, a), x->snat_node_ip ? " (node-ip)" : "",
				pl_ip4_str(h->nat.src, b));
		ok = false;
	}
	if (r->have_out_tuple && r->out_saddr != want) {
		pl_failures_add(f, "%s: nat: snat: the output's source is %s, expected %s", where,
				pl_ip4_str(r->out_saddr, b), pl_ip4_str(want, a));
		ok = false;
	}
	return ok;
}

static bool check_rnat(const struct pl_scn_nat_expect *x, const struct pl_result *r,
		       struct pl_failures *f, const char *where)
{
	const struct pl_hop *h = made_by(x, r, PL_EV_F_SVC_RNAT, "rev_nat", f, where);
	char w1[32], w2[32], g1[32], g2[32];
	bool ok = true;

	if (!h)
		return false;
	ep(w1, sizeof(w1), x->rnat_from, x->rnat_from_port);
	ep(w2, sizeof(w2), x->rnat_to, x->rnat_to_port);
	ep(g1, sizeof(g1), h->nat.old_src, h->nat.old_sport);
	ep(g2, sizeof(g2), h->nat.src, h->nat.sport);
	if (h->nat.old_src != x->rnat_from || h->nat.old_sport != x->rnat_from_port ||
	    h->nat.src != x->rnat_to || h->nat.sport != x->rnat_to_port) {
		pl_failures_add(f, "%s: nat: expected RNAT %s -> %s, got RNAT %s -> %s", where, w1,
				w2, g1, g2);
		ok = false;
	}
	if (r->have_out_tuple && (r->out_saddr != x->rnat_to || r->out_sport != x->rnat_to_port)) {
		ep(g2, sizeof(g2), r->out_saddr, r->out_sport);
		pl_failures_add(f, "%s: nat: rev_nat: the output's source is %s, expected %s",
				where, g2, w2);
		ok = false;
	}
	return ok;
}

/* Translations made that the expectation does not list. */
static bool check_unlisted(const struct pl_scn_nat_expect *x, const struct pl_result *r,
			   struct pl_failures *f, const char *where)
{
	uint8_t want = (x->dnat ? PL_EV_F_SVC_DNAT : 0) | (x->snat ? PL_EV_F_SVC_SNAT : 0) |
		       (x->rnat ? PL_EV_F_SVC_RNAT : 0);
	bool ok = true;
	char buf[160];
	int i;

	for (i = 0; i < r->nhops; i++) {
		if (!(r->hops[i].nat.flags & ~want))
			continue;
		pl_hop_nat_str(&r->hops[i], buf, sizeof(buf));
		pl_failures_add(f, "%s: nat: expected %s, got %s at %s", where,
				x->none ? "none" : "no other translation", buf,
				pl_prog_name(r->hops[i].prog));
		ok = false;
	}
	return ok;
}

bool pl_expect_check_nat(const struct pl_scn_expect *e, const struct pl_result *r,
			 const struct topo *t, struct pl_failures *f, const char *where)
{
	const struct pl_scn_nat_expect *x = &e->xlat;
	bool ok = check_unlisted(x, r, f, where);

	if (x->none) {
		/* No program said it translated, and the bytes agree. */
		if (ok && r->have_out_tuple && !pl_result_nat_free(r)) {
			pl_failures_add(f,
					"%s: nat: expected none, got the output's addresses or "
					"ports rewritten",
					where);
			ok = false;
		}
		return ok;
	}
	if (!r->have_out_tuple && r->verdict != PL_VERDICT_DROPPED) {
		pl_failures_add(f, "%s: nat: no output packet to compare", where);
		ok = false;
	}
	if (x->dnat && !check_dnat(x, r, f, where))
		ok = false;
	if (x->snat && !check_snat(x, r, t, f, where))
		ok = false;
	if (x->rnat && !check_rnat(x, r, f, where))
		ok = false;
	return ok;
}
