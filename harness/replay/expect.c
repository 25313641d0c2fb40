// SPDX-License-Identifier: GPL-2.0
/* Expectation matcher. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "lib/datapath.h"
#include "replay/expect.h"
#include "topo/topo.h"

int pl_failures_add(struct pl_failures *f, const char *fmt, ...)
{
	char **lines;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	lines = realloc(f->lines, (f->n + 1) * sizeof(*lines));
	if (!lines) {
		free(s);
		return -ENOMEM;
	}
	f->lines = lines;
	f->lines[f->n++] = s;
	return 0;
}

void pl_failures_free(struct pl_failures *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->lines[i]);
	free(f->lines);
	f->lines = NULL;
	f->n = 0;
}

int pl_expect_prepare(const struct pl_scenario *s, struct pl_expect_state **out)
{
	struct pl_expect_state *st;
	char msg[512];
	int i, err = 0;

	*out = NULL;
	st = calloc(s->nexpects + 1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	for (i = 0; i < s->nexpects; i++) {
		const struct pl_scn_expect *e = &s->expects[i];

		if (e->sel == PL_SEL_FILTER &&
		    pl_filter_compile(e->filter, &st[i].filter, msg, sizeof(msg))) {
			fprintf(stderr, "%s:%d:%d: filter '%s': %s\n", s->file, e->pos.line,
				e->pos.col, e->filter, msg);
			err = -EINVAL;
			goto out;
		}
		if (e->output_pcap && pl_frames_read(e->output_pcap, &st[i].frames)) {
			fprintf(stderr, "%s:%d:%d: output_pcap %s cannot be read\n", s->file,
				e->pos.line, e->pos.col, e->output_pcap);
			err = -EINVAL;
			goto out;
		}
	}
	*out = st;
out:
	if (err)
		pl_expect_release(s, st);
	return err;
}

void pl_expect_release(const struct pl_scenario *s, struct pl_expect_state *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i < s->nexpects; i++) {
		pl_filter_free(st[i].filter);
		pl_frames_free(&st[i].frames);
	}
	free(st);
}

static bool flow_match(const struct pl_scn_expect *e, uint32_t s, uint32_t d, uint16_t sp,
		       uint16_t dp)
{
	return (!e->flow.src || e->flow.src == s) && (!e->flow.dst || e->flow.dst == d) &&
	       (!e->flow.sport || e->flow.sport == sp) && (!e->flow.dport || e->flow.dport == dp);
}

bool pl_expect_selects(const struct pl_scn_expect *e, const struct pl_expect_state *st,
		       const struct pl_result *r)
{
	int i;

	switch (e->sel) {
	case PL_SEL_ALL:
		return true;
	case PL_SEL_NUMBERS:
		for (i = 0; i < e->nnumbers; i++)
			if (e->numbers[i] == r->number)
				return true;
		return false;
	case PL_SEL_FILTER:
		return r->in && st->filter && pl_filter_match(st->filter, r->in, r->in_len);
	case PL_SEL_FLOW:
		if (!r->ipv4 || (e->flow.proto && e->flow.proto != r->proto))
			return false;
		if (flow_match(e, r->in_saddr, r->in_daddr, r->in_sport, r->in_dport))
			return true;
		return e->flow.reply &&
		       flow_match(e, r->in_daddr, r->in_saddr, r->in_dport, r->in_sport);
	}
	return false;
}

static bool suffix_match(const char *want, const char *got)
{
	const char *colon = strchr(got, ':');

	if (!strcmp(want, got))
		return true;
	/* "stack", "uplink", "vxlan" without a node name match any node. */
	return !strchr(want, ':') && colon && !strcmp(colon + 1, want);
}

static void points_of(const uint8_t *p, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				pl_obs_point_name(p[i]));
	if (!n)
		snprintf(buf, len, "(none)");
}

static bool check_encap(const struct pl_scn_expect *e, const struct pl_result *r,
			struct pl_failures *f, const char *where)
{
	char a[16], b[16];
	bool ok = true;

	if (e->encap_none) {
		if (r->encap && r->encap_ipip)
			pl_failures_add(f, "%s: encap: expected none, got ipip %s>%s", where,
					pl_ip4_str(r->outer_saddr, a),
					pl_ip4_str(r->outer_daddr, b));
		else if (r->encap)
			pl_failures_add(f, "%s: encap: expected none, got vxlan vni %u %s>%s",
					where, r->vni, pl_ip4_str(r->outer_saddr, a),
					pl_ip4_str(r->outer_daddr, b));
		return !r->encap;
	}
	if (!r->encap) {
		pl_failures_add(f, "%s: encap: expected an outer header, got none", where);
		return false;
	}
	if (e->vni && e->vni != r->vni) {
		pl_failures_add(f, "%s: encap vni: expected %u, got %u", where, e->vni, r->vni);
		ok = false;
	}
	if (e->outer_src && e->outer_src != r->outer_saddr) {
		pl_failures_add(f, "%s: encap outer_src: expected %s, got %s", where,
				pl_ip4_str(e->outer_src, a), pl_ip4_str(r->outer_saddr, b));
		ok = false;
	}
	if (e->outer_dst && e->outer_dst != r->outer_daddr) {
		pl_failures_add(f, "%s: encap outer_dst: expected %s, got %s", where,
				pl_ip4_str(e->outer_dst, a), pl_ip4_str(r->outer_daddr, b));
		ok = false;
	}
	return ok;
}

static bool check_output(const struct pl_scn_expect *e, struct pl_expect_state *st,
			 const struct pl_result *r, struct pl_failures *f, const char *where)
{
	int i = st->selected - 1;
	uint32_t j;

	if (i < 0 || i >= st->frames.n) {
		pl_failures_add(f, "%s: output: %s has %d frames, this is selected packet %d",
				where, e->output_pcap, st->frames.n, i + 1);
		return false;
	}
	if (st->frames.len[i] != r->out_len) {
		pl_failures_add(f, "%s: output: expected %u bytes (%s frame %d), got %u", where,
				st->frames.len[i], e->output_pcap, i + 1, r->out_len);
		return false;
	}
	for (j = 0; j < r->out_len; j++) {
		if (st->frames.data[i][j] != r->out[j]) {
			pl_failures_add(f, "%s: output: byte %u: expected 0x%02x, got 0x%02x",
					where, j, st->frames.data[i][j], r->out[j]);
			return false;
		}
	}
	return true;
}

/* The output's IPv4 header and TCP/UDP checksums verify (a UDP checksum of 0 is none). */
static const char *bad_checksum(const struct pl_result *r)
{
	struct pl_pkt_info i;
	const uint8_t *l4;

	if (!r->out || pl_pkt_parse(r->out, r->out_len, &i) || !i.ipv4 || !i.has_payload)
		return "no IPv4 output to check";
	if (pl_csum_ipv4_header(r->out + i.l3_off, i.ip_hlen))
		return "the IPv4 header checksum is wrong";
	l4 = r->out + i.l4_off;
	if (i.proto == 17 && i.l4_len >= 8 && !(l4[6] | l4[7]))
		return NULL;
	if ((i.proto == 6 || i.proto == 17) && pl_csum_l4(i.saddr, i.daddr, i.proto, l4, i.l4_len))
		return i.proto == 6 ? "the TCP checksum is wrong" : "the UDP checksum is wrong";
	return NULL;
}

/* output: the addresses and ports the packet left with, and its checksums. */
static bool check_headers(const struct pl_scn_expect *e, const struct pl_result *r,
			  struct pl_failures *f, const char *where)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const char *why;
	bool ok = true;

	if (!r->have_out_tuple) {
		pl_failures_add(f, "%s: output: no output packet to check", where);
		return false;
	}
	if (e->out.src && e->out.src != r->out_saddr) {
		pl_failures_add(f, "%s: output: src expected %s, got %s", where,
				pl_ip4_str(e->out.src, a), pl_ip4_str(r->out_saddr, b));
		ok = false;
	}
	if (e->out.dst && e->out.dst != r->out_daddr) {
		pl_failures_add(f, "%s: output: dst expected %s, got %s", where,
				pl_ip4_str(e->out.dst, a), pl_ip4_str(r->out_daddr, b));
		ok = false;
	}
	if (e->out.sport && e->out.sport != r->out_sport) {
		pl_failures_add(f, "%s: output: sport expected %u, got %u", where, e->out.sport,
				r->out_sport);
		ok = false;
	}
	if (e->out.dport && e->out.dport != r->out_dport) {
		pl_failures_add(f, "%s: output: dport expected %u, got %u", where, e->out.dport,
				r->out_dport);
		ok = false;
	}
	if (e->out.checksums && (why = bad_checksum(r))) {
		pl_failures_add(f, "%s: output: checksums: %s", where, why);
		ok = false;
	}
	return ok;
}

/* One l7 field: want NULL is not checked. */
static bool l7_field(struct pl_failures *f, const char *where, const char *key, const char *want,
		     const char *got)
{
	if (!want || !strcmp(want, got))
		return true;
	pl_failures_add(f, "%s: l7: %s: expected %s, got %s", where, key, want,
			got[0] ? got : "none");
	return false;
}

static bool check_l7(const struct pl_scn_expect *e, const struct pl_result *r,
		     struct pl_failures *f, const char *where)
{
	const struct pl_l7_result *l = &r->l7;
	bool ok;

	if (!l->request) {
		pl_failures_add(f, "%s: l7: expected a request to a proxy, got %s", where,
				l->to_proxy ? "no HTTP request in the packet"
					    : "no proxy on its path");
		return false;
	}
	ok = l7_field(f, where, "method", e->l7.method, l->method);
	ok = l7_field(f, where, "path", e->l7.path, l->path) && ok;
	ok = l7_field(f, where, "host", e->l7.host, l->host) && ok;
	if (e->l7.segments && e->l7.segments != l->segments) {
		pl_failures_add(f, "%s: l7: segments: expected %llu, got %u", where,
				(unsigned long long)e->l7.segments, l->segments);
		ok = false;
	}
	if (e->l7.allowed >= 0 && e->l7.allowed != l->allowed) {
		pl_failures_add(f, "%s: l7: verdict: expected %s, got %s%s%s", where,
				e->l7.allowed ? "allowed" : "denied",
				l->allowed < 0 ? "not decided"
				: l->allowed   ? "allowed"
					       : "denied",
				l->why[0] ? ": " : "", l->why);
		ok = false;
	}
	return ok;
}

bool pl_expect_check(const struct pl_scn_expect *e, struct pl_expect_state *st,
		     const struct pl_result *r, const struct topo *t, struct pl_failures *f)
{
	char where[64], want[128], got[128];
	bool ok = true;

	st->selected++;
	snprintf(where, sizeof(where), "packet %u (expect at line %d)", r->number, e->pos.line);
	if (e->skipped || r->status != PL_RES_OK) {
		if (e->skipped && r->status == PL_RES_SKIPPED)
			return true;
		if (e->skipped)
			pl_failures_add(f, "%s: expected skipped, got replayed", where);
		else
			pl_failures_add(f, "%s: not replayed: %s", where, r->skip);
		return false;
	}
	if (e->has_verdict && e->verdict != r->verdict) {
		pl_failures_add(f, "%s: verdict: expected %s, got %s", where,
				pl_verdict_name(e->verdict), pl_verdict_name(r->verdict));
		ok = false;
	}
	if (e->has_drop_reason && e->drop_reason != r->drop_reason) {
		pl_failures_add(f, "%s: drop_reason: expected %s (%u), got %s (%u)", where,
				e->drop_reason ? pl_drop_reason_name(e->drop_reason) : "none",
				e->drop_reason,
				r->drop_reason ? pl_drop_reason_name(r->drop_reason) : "none",
				r->drop_reason);
		ok = false;
	}
	if (e->has_points) {
		uint8_t p[PL_RESULT_MAX_HOPS];
		int i;

		for (i = 0; i < r->nhops; i++)
			p[i] = r->hops[i].obs_point;
		if (e->npoints != r->nhops || memcmp(p, e->points, e->npoints)) {
			points_of(e->points, e->npoints, want, sizeof(want));
			points_of(p, r->nhops, got, sizeof(got));
			pl_failures_add(f, "%s: observation_points: expected %s, got %s", where,
					want, got);
			ok = false;
		}
	}
	if (e->has_delivered) {
		pl_result_delivered_str(r, t, got, sizeof(got));
		if (!suffix_match(e->delivered_to, got)) {
			pl_failures_add(f, "%s: delivered_to: expected %s, got %s", where,
					e->delivered_to, got);
			ok = false;
		}
	}
	if (e->nat != PL_NAT_ANY) {
		if (!r->have_out_tuple) {
			pl_failures_add(f, "%s: nat_free: no output packet to compare", where);
			ok = false;
		} else if ((e->nat == PL_NAT_FREE) != pl_result_nat_free(r)) {
			pl_failures_add(
				f, "%s: nat_free: expected %s, got %s", where,
				e->nat == PL_NAT_FREE ? "addresses preserved" : "translated",
				pl_result_nat_free(r) ? "addresses preserved" : "translated");
			ok = false;
		}
	}
	if (e->xlat.set && !pl_expect_check_nat(e, r, t, f, where))
		ok = false;
	if (e->has_encap && !check_encap(e, r, f, where))
		ok = false;
	if (e->output_pcap && !check_output(e, st, r, f, where))
		ok = false;
	if (e->out.set && !check_headers(e, r, f, where))
		ok = false;
	if (e->l7.set && !check_l7(e, r, f, where))
		ok = false;
	return ok;
}

bool pl_expect_all(const struct pl_scenario *s, struct pl_expect_state *st,
		   const struct pl_result *res, int nres, const struct topo *t,
		   struct pl_failures *fails)
{
	bool ok = true;
	int i, j;

	for (i = 0; i < s->nexpects; i++) {
		const struct pl_scn_expect *e = &s->expects[i];

		st[i].selected = 0;
		for (j = 0; j < nres; j++)
			if (pl_expect_selects(e, &st[i], &res[j]) &&
			    !pl_expect_check(e, &st[i], &res[j], t, fails))
				ok = false;
		if (!st[i].selected) {
			pl_failures_add(fails, "expect at line %d: selects no packet", e->pos.line);
			ok = false;
		}
		for (j = 0; e->sel == PL_SEL_NUMBERS && j < e->nnumbers; j++) {
			int k;

			for (k = 0; k < nres && res[k].number != e->numbers[j]; k++)
				;
			if (k == nres) {
				pl_failures_add(fails, "expect at line %d: no packet number %u",
						e->pos.line, e->numbers[j]);
				ok = false;
			}
		}
	}
	return ok;
}
