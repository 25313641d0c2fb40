// SPDX-License-Identifier: GPL-2.0
/* Service translations of a result's hops (from flow events) and its L7 decision, as text and JSON.
 */
#include <arpa/inet.h>
#include <string.h>

#include "lib/datapath.h"
#include "lib/escape.h"
#include "lib/pkt.h"
#include "replay/result.h"
#include "topo/topo.h"

void pl_hop_nat_from_event(struct pl_hop *h, const struct pl_flow_event *ev)
{
	struct pl_hop_nat *n = &h->nat;

	memset(n, 0, sizeof(*n));
	n->flags = ev->flags & PL_HOP_NAT_FLAGS;
	if (!n->flags || !(ev->flags & PL_EV_F_IPV4))
		return;
	n->svc_ip = ev->svc_daddr;
	n->svc_port = ntohs(ev->svc_dport);
	n->old_src = ev->nat_saddr;
	n->old_sport = ntohs(ev->nat_sport);
	n->src = ev->saddr;
	n->sport = ntohs(ev->sport);
	n->dst = ev->daddr;
	n->dport = ntohs(ev->dport);
}

static int ep(char *buf, size_t len, uint32_t ip, uint16_t port)
{
	char a[INET_ADDRSTRLEN];

	return snprintf(buf, len, "%s:%u", pl_ip4_str(ip, a), port);
}

/* One translation: "DNAT A:P -> B:Q"; kind is "DNAT", "SNAT" or "RNAT". */
static int one(char *buf, size_t len, const char *kind, uint32_t ip1, uint16_t p1, uint32_t ip2,
	       uint16_t p2)
{
	char x[32], y[32];

	ep(x, sizeof(x), ip1, p1);
	ep(y, sizeof(y), ip2, p2);
	return snprintf(buf, len, "%s %s -> %s", kind, x, y);
}

int pl_hop_nat_str(const struct pl_hop *h, char *buf, size_t len)
{
	const struct pl_hop_nat *n = &h->nat;
	size_t off = 0;
	int w;

	buf[0] = '\0';
	if (n->flags & PL_EV_F_SVC_DNAT) {
		w = one(buf, len, "DNAT", n->svc_ip, n->svc_port, n->dst, n->dport);
		off = w > 0 ? (size_t)w : 0;
	}
	if ((n->flags & PL_EV_F_SVC_SNAT) && off < len) {
		w = snprintf(buf + off, len - off, "%s", off ? ", " : "");
		off += w > 0 ? (size_t)w : 0;
		if (off < len) {
			w = one(buf + off, len - off, "SNAT", n->old_src, n->old_sport, n->src,
				n->sport);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	if ((n->flags & PL_EV_F_SVC_RNAT) && off < len) {
		w = one(buf + off, len - off, "RNAT", n->old_src, n->old_sport, n->src, n->sport);
		off += w > 0 ? (size_t)w : 0;
		/* A SNATed flow's reply also gets its client back as destination. */
		if (n->svc_ip && off < len) {
			char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

			w = snprintf(buf + off, len - off, " dst %s -> %s",
				     pl_ip4_str(n->svc_ip, a), pl_ip4_str(n->dst, b));
			off += w > 0 ? (size_t)w : 0;
		}
	}
	return (int)(off < len ? off : len - 1);
}

int pl_result_nat_hop(const struct pl_result *r, uint8_t flag)
{
	int i;

	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].nat.flags & flag)
			return i;
	return -1;
}

void pl_result_nat_print(FILE *f, const struct pl_result *r)
{
	char buf[160];
	int i;

	for (i = 0; i < r->nhops; i++) {
		if (!r->hops[i].nat.flags)
			continue;
		pl_hop_nat_str(&r->hops[i], buf, sizeof(buf));
		fprintf(f, " | %s at %s", buf, pl_prog_name(r->hops[i].prog));
	}
}

static void json_one(FILE *f, bool *first, const char *type, uint32_t ip1, uint16_t p1,
		     uint32_t ip2, uint16_t p2, const struct pl_hop *h, const struct topo *t)
{
	char x[32], y[32];

	ep(x, sizeof(x), ip1, p1);
	ep(y, sizeof(y), ip2, p2);
	fprintf(f, "%s{\"type\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"program\":\"%s\",\"node\":",
		*first ? "" : ",", type, x, y, pl_prog_name(h->prog));
	pl_json_string(f, t && h->node >= 0 && h->node < t->nnodes ? t->nodes[h->node].name : "?");
	fputc('}', f);
	*first = false;
}

void pl_result_nat_json(FILE *f, const struct pl_result *r, const struct topo *t)
{
	bool first = true;
	int i;

	fprintf(f, ",\"nat\":[");
	for (i = 0; i < r->nhops; i++) {
		const struct pl_hop *h = &r->hops[i];
		const struct pl_hop_nat *n = &h->nat;

		if (n->flags & PL_EV_F_SVC_DNAT)
			json_one(f, &first, "dnat", n->svc_ip, n->svc_port, n->dst, n->dport, h, t);
		if (n->flags & PL_EV_F_SVC_SNAT)
			json_one(f, &first, "snat", n->old_src, n->old_sport, n->src, n->sport, h,
				 t);
		if (n->flags & PL_EV_F_SVC_RNAT)
			json_one(f, &first, "rev_nat", n->old_src, n->old_sport, n->src, n->sport,
				 h, t);
	}
	fputc(']', f);
}

/* "allowed (200)", "denied (403)", "not decided: why" */
static const char *l7_verdict(const struct pl_l7_result *l, char *buf, size_t len)
{
	if (l->allowed < 0)
		snprintf(buf, len, "not decided: %s", l->why[0] ? l->why : "no request");
	else if (l->status)
		snprintf(buf, len, "%s (%u)", l->allowed ? "allowed" : "denied", l->status);
	else
		snprintf(buf, len, "%s", l->allowed ? "allowed" : "denied (403)");
	return buf;
}

void pl_result_l7_print(FILE *f, const struct pl_result *r)
{
	const struct pl_l7_result *l = &r->l7;
	char v[160];

	if (l->partial)
		fprintf(f, " | l7 request head in part: %u bytes so far", l->held);
	else if (!l->request && l->why[0])
		fprintf(f, " | l7 not decided: %s", l->why);
	if (!l->request)
		return;
	fprintf(f, " | l7 %s %s", l->method, l->path);
	if (l->host[0])
		fprintf(f, " host %s", l->host);
	if (l->segments > 1)
		fprintf(f, " (%u segments)", l->segments);
	fprintf(f, ": %s", l7_verdict(l, v, sizeof(v)));
	if (l->allowed > 0 && l->rule[0])
		fprintf(f, " by %s", l->rule);
}

void pl_result_l7_json(FILE *f, const struct pl_result *r)
{
	const struct pl_l7_result *l = &r->l7;

	if (!l->to_proxy)
		return;
	fprintf(f, ",\"l7\":{\"to_proxy\":true");
	if (l->partial)
		fprintf(f, ",\"partial\":true,\"held\":%u", l->held);
	if (!l->request && l->why[0]) {
		fprintf(f, ",\"why\":");
		pl_json_string(f, l->why);
	}
	if (l->request) {
		fprintf(f, ",\"segments\":%u", l->segments);
		fprintf(f, ",\"method\":");
		pl_json_string(f, l->method);
		fprintf(f, ",\"path\":");
		pl_json_string(f, l->path);
		fprintf(f, ",\"host\":");
		pl_json_string(f, l->host);
		fprintf(f, ",\"verdict\":\"%s\"",
			l->allowed < 0 ? "undecided"
			: l->allowed   ? "allowed"
				       : "denied");
		if (l->status)
			fprintf(f, ",\"status\":%u", l->status);
		fprintf(f, ",\"rule\":");
		pl_json_string(f, l->rule);
		fprintf(f, ",\"why\":");
		pl_json_string(f, l->why);
	}
	fprintf(f, "}");
}
