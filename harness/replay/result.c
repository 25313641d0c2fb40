// SPDX-License-Identifier: GPL-2.0
/* Replay results: text line, JSON, counts. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/datapath.h"
#include "lib/escape.h"
#include "lib/pkt.h"
#include "replay/result.h"
#include "topo/topo.h"

static bool addr_eq(const struct pl_addr *a, const struct pl_addr *b)
{
	return a->family == b->family &&
	       (a->family == AF_INET6 ? !memcmp(a->v6, b->v6, 16) : a->v4 == b->v4);
}

bool pl_result_nat_free(const struct pl_result *r)
{
	if (!r->ipv4)
		return addr_eq(&r->in_src, &r->out_src) && addr_eq(&r->in_dst, &r->out_dst) &&
		       r->in_sport == r->out_sport && r->in_dport == r->out_dport;
	return r->in_saddr == r->out_saddr && r->in_daddr == r->out_daddr &&
	       r->in_sport == r->out_sport && r->in_dport == r->out_dport;
}

static const char *node_name(const struct topo *t, int node)
{
	if (!t || node < 0 || node >= t->nnodes)
		return "?";
	return t->nodes[node].name;
}

int pl_inject_str(const struct pl_inject *in, const struct topo *t, char *buf, size_t len)
{
	switch (in->kind) {
	case PL_INJECT_POD:
		if (t && in->pod >= 0 && in->pod < t->npods)
			return snprintf(buf, len, "%s", t->pods[in->pod].name);
		return snprintf(buf, len, "pod?");
	case PL_INJECT_UPLINK:
		return snprintf(buf, len, "%s:uplink", node_name(t, in->node));
	case PL_INJECT_VXLAN:
		return snprintf(buf, len, "%s:vxlan", node_name(t, in->node));
	default:
		return snprintf(buf, len, "auto");
	}
}

int pl_result_delivered_str(const struct pl_result *r, const struct topo *t, char *buf, size_t len)
{
	switch (r->delivery) {
	case PL_DELIV_POD:
		if (t && r->deliver_pod >= 0 && r->deliver_pod < t->npods)
			return snprintf(buf, len, "%s", t->pods[r->deliver_pod].name);
		return snprintf(buf, len, "pod?");
	case PL_DELIV_STACK: /* the proxy listens in the node's stack */
		return snprintf(buf, len, "%s:%s", node_name(t, r->deliver_node),
				r->l7.to_proxy ? "proxy" : "stack");
	case PL_DELIV_UPLINK:
		return snprintf(buf, len, "%s:uplink", node_name(t, r->deliver_node));
	case PL_DELIV_OVERLAY:
		return snprintf(buf, len, "%s:vxlan", node_name(t, r->deliver_node));
	case PL_DELIV_DROPPED:
		return snprintf(buf, len, "dropped");
	case PL_DELIV_TIMEOUT:
		return snprintf(buf, len, "timeout");
	default:
		return snprintf(buf, len, "unknown");
	}
}

int pl_result_points_str(const struct pl_result *r, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < r->nhops && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				pl_obs_point_name(r->hops[i].obs_point));
	if (!r->nhops)
		snprintf(buf, len, "-");
	return (int)off;
}

static void nat_str(const struct pl_result *r, char *buf, size_t len)
{
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];

	if (!r->have_out_tuple) {
		snprintf(buf, len, "-");
		return;
	}
	if (pl_result_nat_free(r)) {
		snprintf(buf, len, "preserved");
		return;
	}
	if (!r->ipv4) {
		bool src = !addr_eq(&r->in_src, &r->out_src) || r->in_sport != r->out_sport;
		const struct pl_addr *x = src ? &r->in_src : &r->in_dst;
		const struct pl_addr *y = src ? &r->out_src : &r->out_dst;

		snprintf(buf, len, "rewritten %s [%s]:%u->[%s]:%u", src ? "src" : "dst",
			 pl_addr_str(x->family, x->v6, a), src ? r->in_sport : r->in_dport,
			 pl_addr_str(y->family, y->v6, b), src ? r->out_sport : r->out_dport);
		return;
	}
	if (r->in_saddr != r->out_saddr || r->in_sport != r->out_sport)
		snprintf(buf, len, "rewritten src %s:%u->%s:%u", pl_ip4_str(r->in_saddr, a),
			 r->in_sport, pl_ip4_str(r->out_saddr, b), r->out_sport);
	else
		snprintf(buf, len, "rewritten dst %s:%u->%s:%u", pl_ip4_str(r->in_daddr, a),
			 r->in_dport, pl_ip4_str(r->out_daddr, b), r->out_dport);
}

static void encap_str(const struct pl_result *r, char *buf, size_t len)
{
	char a[16], b[16];

	if (!r->encap) {
		snprintf(buf, len, "none");
		return;
	}
	if (r->encap_ipip)
		snprintf(buf, len, "ipip %s>%s", pl_ip4_str(r->outer_saddr, a),
			 pl_ip4_str(r->outer_daddr, b));
	else
		snprintf(buf, len, "vxlan vni %u %s>%s", r->vni, pl_ip4_str(r->outer_saddr, a),
			 pl_ip4_str(r->outer_daddr, b));
}

/* The summary is formatted when first printed: formatting every packet costs replay rate. */
static void summarize(struct pl_result *r)
{
	if (r->summary[0])
		return;
	if (!r->in || pl_pkt_summary(r->in, r->in_len, r->summary, sizeof(r->summary)) < 0)
		snprintf(r->summary, sizeof(r->summary), "%u bytes", r->in_len);
	if (r->nseg) {
		size_t n = strlen(r->summary);

		snprintf(r->summary + n, sizeof(r->summary) - n, " [segment %u/%u]", r->seg,
			 r->nseg);
	}
}

void pl_result_print(FILE *f, const struct pl_result *r, const struct topo *t)
{
	char at[64], pts[128], dl[64], nat[96], enc[64];
	int i;

	summarize((struct pl_result *)r);
	pl_inject_str(&r->inject, t, at, sizeof(at));
	if (r->status != PL_RES_OK) {
		fprintf(f, "%5u %s | %s: %s\n", r->number, r->summary,
			r->status == PL_RES_SKIPPED ? "SKIPPED" : "ERROR", r->skip);
		return;
	}
	pl_result_points_str(r, pts, sizeof(pts));
	pl_result_delivered_str(r, t, dl, sizeof(dl));
	nat_str(r, nat, sizeof(nat));
	encap_str(r, enc, sizeof(enc));
	fprintf(f, "%5u %s | at %s", r->number, r->summary, at);
	for (i = 0; i < r->nhops; i++)
		fprintf(f, " %s %s", i ? ">" : "|",
			r->hops[i].user[0] ? r->hops[i].user : pl_prog_name(r->hops[i].prog));
	fprintf(f, " | %s | %s", pts, pl_verdict_name(r->verdict));
	if (r->drop_reason)
		fprintf(f, " (%s %u)", pl_drop_reason_name(r->drop_reason), r->drop_reason);
	fprintf(f, " | to %s | addrs %s | encap %s", dl, nat, enc);
	pl_result_nat_print(f, r);
	pl_result_l7_print(f, r);
	if (r->timed && r->t_deliver != UINT64_MAX)
		fprintf(f, " | t %llu..%llu ns", (unsigned long long)r->t_inject,
			(unsigned long long)r->t_deliver);
	if (r->timed && r->t_enqueue != UINT64_MAX)
		fprintf(f, " (qdisc %llu..%llu)", (unsigned long long)r->t_enqueue,
			(unsigned long long)r->t_dequeue);
	fprintf(f, "\n");
}

static void json_hop(FILE *f, const struct pl_hop *h, const struct topo *t)
{
	fprintf(f, "{\"node\":");
	pl_json_string(f, node_name(t, h->node));
	fprintf(f, ",\"program\":\"%s\",\"observation_point\":\"%s\",\"verdict\":\"%s\"",
		pl_prog_name(h->prog), pl_obs_point_name(h->obs_point),
		pl_verdict_name(h->verdict));
	fprintf(f, ",\"drop_reason\":%u,\"drop_reason_name\":\"%s\",\"note\":\"%s\"",
		h->drop_reason, h->drop_reason ? pl_drop_reason_name(h->drop_reason) : "",
		pl_note_name(h->note));
	fprintf(f, ",\"retval\":%d,\"redirect\":\"%s\",\"target\":", h->retval,
		pl_redirect_name(h->redirect));
	pl_json_string(f, h->target);
	fprintf(f, ",\"remark\":");
	pl_json_string(f, h->remark);
	if (h->user[0]) {
		fprintf(f, ",\"user_program\":");
		pl_json_string(f, h->user);
	}
	fputc('}', f);
}

void pl_result_print_json(FILE *f, const struct pl_result *r, const struct topo *t)
{
	static const char *const status[] = {"ok", "skipped", "error"};
	char buf[96], a[16], b[16];
	int i;

	summarize((struct pl_result *)r);
	fprintf(f, "{\"number\":%u,", r->number);
	if (r->nseg)
		fprintf(f, "\"segment\":%u,\"segments\":%u,", r->seg, r->nseg);
	fprintf(f, "\"input\":");
	pl_json_string(f, r->input);
	fprintf(f, ",\"summary\":");
	pl_json_string(f, r->summary);
	fprintf(f, ",\"status\":\"%s\"", status[r->status]);
	if (r->status != PL_RES_OK) {
		fprintf(f, ",\"reason\":");
		pl_json_string(f, r->skip);
		fputc('}', f);
		return;
	}
	pl_inject_str(&r->inject, t, buf, sizeof(buf));
	fprintf(f, ",\"injected_at\":");
	pl_json_string(f, buf);
	fprintf(f, ",\"hops\":[");
	for (i = 0; i < r->nhops; i++) {
		if (i)
			fputc(',', f);
		json_hop(f, &r->hops[i], t);
	}
	pl_result_delivered_str(r, t, buf, sizeof(buf));
	fprintf(f, "],\"verdict\":\"%s\",\"drop_reason\":%u,\"drop_reason_name\":\"%s\"",
		pl_verdict_name(r->verdict), r->drop_reason,
		r->drop_reason ? pl_drop_reason_name(r->drop_reason) : "");
	fprintf(f, ",\"delivered_to\":");
	pl_json_string(f, buf);
	if (!r->ipv4 && r->have_out_tuple) {
		char a6[PL_ADDR_STRLEN], b6[PL_ADDR_STRLEN];

		fprintf(f, ",\"nat_free\":%s", pl_result_nat_free(r) ? "true" : "false");
		fprintf(f, ",\"out\":{\"saddr\":\"%s\",\"daddr\":\"%s\",\"sport\":%u,\"dport\":%u}",
			pl_addr_str(r->out_src.family, r->out_src.v6, a6),
			pl_addr_str(r->out_dst.family, r->out_dst.v6, b6), r->out_sport,
			r->out_dport);
	}
	if (r->ipv4 && r->have_out_tuple) {
		fprintf(f, ",\"nat_free\":%s", pl_result_nat_free(r) ? "true" : "false");
		fprintf(f, ",\"out\":{\"saddr\":\"%s\",\"daddr\":\"%s\",\"sport\":%u,\"dport\":%u}",
			pl_ip4_str(r->out_saddr, a), pl_ip4_str(r->out_daddr, b), r->out_sport,
			r->out_dport);
	}
	pl_result_nat_json(f, r, t);
	pl_result_l7_json(f, r);
	if (r->encap)
		fprintf(f,
			",\"encap\":{\"type\":\"%s\",\"vni\":%u,\"outer_src\":\"%s\","
			"\"outer_dst\":\"%s\"}",
			r->encap_ipip ? "ipip" : "vxlan", r->vni, pl_ip4_str(r->outer_saddr, a),
			pl_ip4_str(r->outer_daddr, b));
	if (r->last_hop_saddr)
		fprintf(f, ",\"last_hop_saddr\":\"%s\"", pl_ip4_str(r->last_hop_saddr, a));
	if (r->wire_len)
		fprintf(f, ",\"underlay_len\":%u,\"input_len\":%u", r->wire_len, r->in_len);
	fprintf(f, ",\"output_device\":");
	pl_json_string(f, r->out_dev);
	fprintf(f, ",\"output_len\":%u}", r->out_len);
}

void pl_result_release(struct pl_result *r)
{
	free(r->out);
	free(r->in);
	r->out = r->in = NULL;
	r->out_len = r->in_len = 0;
}

void pl_result_count(struct pl_result_counts *c, const struct pl_result *r)
{
	c->total++;
	if (r->status == PL_RES_SKIPPED) {
		c->skipped++;
		return;
	}
	if (r->status == PL_RES_ERROR) {
		c->errors++;
		return;
	}
	if (r->delivery == PL_DELIV_TIMEOUT)
		c->timeouts++;
	else if (r->verdict == PL_VERDICT_DROPPED)
		c->dropped++;
	else if (r->delivery == PL_DELIV_STACK)
		c->to_stack++;
	else if (r->verdict == PL_VERDICT_REDIRECTED)
		c->redirected++;
	else
		c->forwarded++;
}

void pl_result_counts_print(FILE *f, const struct pl_result_counts *c)
{
	fprintf(f,
		"%u packets: %u redirected, %u forwarded, %u to a node stack, %u dropped, "
		"%u skipped, %u errors, %u timeouts\n",
		c->total, c->redirected, c->forwarded, c->to_stack, c->dropped, c->skipped,
		c->errors, c->timeouts);
}
