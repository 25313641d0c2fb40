// SPDX-License-Identifier: GPL-2.0
/* Scenario files: the expect and counters entries (docs/scenario.md). */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/datapath.h"
#include "replay/l7_stream.h"
#include "replay/scenario.h"
#include "replay/scenario_read.h"

static int flow_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "src"))
		return pl_scn_get_ip(c, v, key, &e->flow.src);
	if (!strcmp(key, "dst"))
		return pl_scn_get_ip(c, v, key, &e->flow.dst);
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		err = pl_scn_get_u64(c, v, key, 65535, &x);
		if (!err)
			*(key[0] == 's' ? &e->flow.sport : &e->flow.dport) = (uint16_t)x;
		return err;
	}
	if (!strcmp(key, "proto")) {
		const char *p = pl_yaml_str(v) ?: "";

		if (!strcasecmp(p, "tcp"))
			e->flow.proto = IPPROTO_TCP;
		else if (!strcasecmp(p, "udp"))
			e->flow.proto = IPPROTO_UDP;
		else if (!strcasecmp(p, "icmp"))
			e->flow.proto = IPPROTO_ICMP;
		else
			return pl_yaml_error(&c->y, v, "flow: proto '%s' is not tcp, udp or icmp",
					     p);
		return 0;
	}
	if (!strcmp(key, "reply")) {
		const char *b = pl_yaml_str(v) ?: "";

		if (strcmp(b, "true") && strcmp(b, "false"))
			return pl_yaml_error(&c->y, v, "flow: reply must be true or false");
		e->flow.reply = !strcmp(b, "true");
		return 0;
	}
	return pl_yaml_error(&c->y, k,
			     "flow: unknown key '%s' (src, dst, sport, dport, proto, reply)", key);
}

static int encap_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "vni")) {
		err = pl_scn_get_u64(c, v, key, 0xffffff, &x);
		if (!err && !x)
			return pl_yaml_error(&c->y, v, "encap: vni 0 cannot be checked; omit it");
		e->vni = (uint32_t)x;
		return err;
	}
	if (!strcmp(key, "outer_src"))
		return pl_scn_get_ip(c, v, key, &e->outer_src);
	if (!strcmp(key, "outer_dst"))
		return pl_scn_get_ip(c, v, key, &e->outer_dst);
	return pl_yaml_error(&c->y, k, "encap: unknown key '%s' (vni, outer_src, outer_dst)", key);
}

static int output_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	const char *s = pl_yaml_str(v);
	uint64_t x;
	int err;

	if (!strcmp(key, "src"))
		return pl_scn_get_ip(c, v, key, &e->out.src);
	if (!strcmp(key, "dst"))
		return pl_scn_get_ip(c, v, key, &e->out.dst);
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		err = pl_scn_get_u64(c, v, key, 65535, &x);
		if (!err && !x)
			return pl_yaml_error(&c->y, v, "output: port 0 cannot be checked; omit it");
		if (!err)
			*(key[0] == 's' ? &e->out.sport : &e->out.dport) = (uint16_t)x;
		return err;
	}
	if (!strcmp(key, "checksums")) {
		if (!s || strcmp(s, "valid"))
			return pl_yaml_error(&c->y, v, "output: checksums must be valid");
		e->out.checksums = true;
		return 0;
	}
	return pl_yaml_error(&c->y, k,
			     "output: unknown key '%s' (src, dst, sport, dport, checksums)", key);
}

static int l7_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	const char *s = pl_yaml_str(v);

	if (!strcmp(key, "method"))
		return pl_scn_get_str(c, v, key, &e->l7.method);
	if (!strcmp(key, "path"))
		return pl_scn_get_str(c, v, key, &e->l7.path);
	if (!strcmp(key, "host"))
		return pl_scn_get_str(c, v, key, &e->l7.host);
	if (!strcmp(key, "segments")) {
		if (pl_scn_get_u64(c, v, key, PL_L7_HEAD_MAX, &e->l7.segments))
			return -EINVAL;
		if (!e->l7.segments)
			return pl_yaml_error(&c->y, v, "l7: segments must be 1 or more");
		return 0;
	}
	if (!strcmp(key, "verdict")) {
		if (s && !strcmp(s, "allowed"))
			e->l7.allowed = 1;
		else if (s && !strcmp(s, "denied"))
			e->l7.allowed = 0;
		else
			return pl_yaml_error(&c->y, v, "l7: verdict must be allowed or denied");
		return 0;
	}
	return pl_yaml_error(&c->y, k,
			     "l7: unknown key '%s' (method, path, host, segments, verdict)", key);
}

/* "IP:PORT" into ip (network order) and port; false when it is not one. */
static bool endpoint(const char *s, size_t n, uint32_t *ip, uint16_t *port)
{
	char buf[32], *colon, *end;
	struct in_addr a;
	unsigned long p;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	colon = strchr(buf, ':');
	if (!colon || colon[1] < '0' || colon[1] > '9')
		return false;
	*colon = '\0';
	p = strtoul(colon + 1, &end, 10);
	if (*end || !p || p > 65535 || inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*ip = a.s_addr;
	*port = (uint16_t)p;
	return true;
}

/* "A:P -> B:Q" (dnat, rev_nat). */
static int translation(struct scn_ctx *c, yaml_node_t *v, const char *key, uint32_t *from,
		       uint16_t *from_port, uint32_t *to, uint16_t *to_port)
{
	const char *s = pl_yaml_str(v), *arrow = s ? strstr(s, " -> ") : NULL;

	if (!arrow || !endpoint(s, arrow - s, from, from_port) ||
	    !endpoint(arrow + 4, strlen(arrow + 4), to, to_port))
		return pl_yaml_error(&c->y, v, "nat: %s '%s' is not 'IP:PORT -> IP:PORT'", key,
				     s ?: "");
	return 0;
}

static int nat_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_nat_expect *x = arg;
	const char *s = pl_yaml_str(v);
	int p;

	if (!strcmp(key, "dnat")) {
		x->dnat = true;
		return translation(c, v, key, &x->dnat_from, &x->dnat_from_port, &x->dnat_to,
				   &x->dnat_to_port);
	}
	if (!strcmp(key, "rev_nat")) {
		x->rnat = true;
		return translation(c, v, key, &x->rnat_from, &x->rnat_from_port, &x->rnat_to,
				   &x->rnat_to_port);
	}
	if (!strcmp(key, "snat")) {
		x->snat = true;
		if (s && !strcmp(s, "node-ip")) {
			x->snat_node_ip = true;
			return 0;
		}
		if (!s || inet_pton(AF_INET, s, &x->snat_to) != 1)
			return pl_yaml_error(&c->y, v,
					     "nat: snat '%s' is not node-ip or an IPv4 address",
					     s ?: "");
		return 0;
	}
	if (!strcmp(key, "at")) {
		p = pl_prog_parse(s);
		if (p <= 0 || p == PL_PROG_XDP_PREFILTER)
			return pl_yaml_error(
				&c->y, v,
				"nat: at '%s' is not from_pod, from_network or from_overlay",
				s ?: "");
		x->at = (uint8_t)p;
		return 0;
	}
	return pl_yaml_error(&c->y, k, "nat: unknown key '%s' (dnat, snat, rev_nat, at)", key);
}

static int nat_expect(struct scn_ctx *c, yaml_node_t *v, struct pl_scn_expect *e)
{
	const char *s = pl_yaml_str(v);
	int err;

	e->xlat.set = true;
	if (v->type == YAML_SCALAR_NODE) {
		if (!s || strcmp(s, "none"))
			return pl_yaml_error(&c->y, v,
					     "nat: '%s' is neither none nor a mapping "
					     "{dnat, snat, rev_nat, at}",
					     s ?: "");
		e->xlat.none = true;
		return 0;
	}
	err = pl_scn_each_key(c, v, "nat", nat_key, &e->xlat);
	if (err)
		return err;
	if (!e->xlat.dnat && !e->xlat.snat && !e->xlat.rnat)
		return pl_yaml_error(&c->y, v, "nat: say dnat, snat or rev_nat (or nat: none)");
	return 0;
}

static int numbers(struct scn_ctx *c, yaml_node_t *v, struct pl_scn_expect *e)
{
	yaml_node_t *item;
	uint64_t x;
	int i, err;

	if (v->type == YAML_SCALAR_NODE) {
		e->numbers = calloc(1, sizeof(*e->numbers));
		if (!e->numbers)
			return -ENOMEM;
		err = pl_scn_get_u64(c, v, "packet", UINT32_MAX, &x);
		if (!err && !x)
			return pl_yaml_error(&c->y, v, "packet: numbers start at 1");
		e->numbers[e->nnumbers++] = (uint32_t)x;
		return err;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return pl_yaml_error(&c->y, v, "packets: expected a number or a list of numbers");
	e->numbers = calloc(pl_yaml_seq_len(v) + 1, sizeof(*e->numbers));
	if (!e->numbers)
		return -ENOMEM;
	for (i = 0; i < pl_yaml_seq_len(v); i++) {
		item = pl_yaml_seq_item(&c->y, v, i);
		err = pl_scn_get_u64(c, item, "packets", UINT32_MAX, &x);
		if (err)
			return err;
		if (!x)
			return pl_yaml_error(&c->y, item, "packets: numbers start at 1");
		e->numbers[e->nnumbers++] = (uint32_t)x;
	}
	if (!e->nnumbers)
		return pl_yaml_error(&c->y, v, "packets: empty list");
	return 0;
}

static int points(struct scn_ctx *c, yaml_node_t *v, struct pl_scn_expect *e)
{
	int i, p;

	if (v->type != YAML_SEQUENCE_NODE) {
		p = pl_obs_point_parse(pl_yaml_str(v));
		if (p <= 0)
			return pl_yaml_error(&c->y, v, "observation_points: unknown point '%s'",
					     pl_yaml_str(v) ?: "");
		e->points[e->npoints++] = (uint8_t)p;
		return 0;
	}
	for (i = 0; i < pl_yaml_seq_len(v); i++) {
		yaml_node_t *n = pl_yaml_seq_item(&c->y, v, i);

		if (e->npoints == PL_RESULT_MAX_HOPS)
			return pl_yaml_error(&c->y, n, "observation_points: more than %d",
					     PL_RESULT_MAX_HOPS);
		p = pl_obs_point_parse(pl_yaml_str(n));
		if (p <= 0)
			return pl_yaml_error(&c->y, n, "observation_points: unknown point '%s'",
					     pl_yaml_str(n) ?: "");
		e->points[e->npoints++] = (uint8_t)p;
	}
	return 0;
}

static int set_select(struct scn_ctx *c, yaml_node_t *k, struct pl_scn_expect *e, bool *seen,
		      enum pl_scn_select sel)
{
	if (*seen)
		return pl_yaml_error(&c->y, k,
				     "expect: choose one of packet, packets, filter, flow, all");
	*seen = true;
	e->sel = sel;
	return 0;
}

struct expect_arg {
	struct pl_scn_expect *e;
	bool selected;
	int checks;
};

static int expect_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct expect_arg *a = arg;
	struct pl_scn_expect *e = a->e;
	const char *s = pl_yaml_str(v);
	int x, err;

	if (!strcmp(key, "packet") || !strcmp(key, "packets")) {
		err = set_select(c, k, e, &a->selected, PL_SEL_NUMBERS);
		return err ?: numbers(c, v, e);
	}
	if (!strcmp(key, "filter")) {
		err = set_select(c, k, e, &a->selected, PL_SEL_FILTER);
		return err ?: pl_scn_get_str(c, v, key, &e->filter);
	}
	if (!strcmp(key, "flow")) {
		err = set_select(c, k, e, &a->selected, PL_SEL_FLOW);
		return err ?: pl_scn_each_key(c, v, "flow", flow_key, e);
	}
	if (!strcmp(key, "all")) {
		if (!s || strcmp(s, "true"))
			return pl_yaml_error(&c->y, v, "all: must be true");
		return set_select(c, k, e, &a->selected, PL_SEL_ALL);
	}
	a->checks++;
	if (!strcmp(key, "verdict")) {
		x = pl_verdict_parse(s);
		if (x <= 0)
			return pl_yaml_error(&c->y, v,
					     "verdict: unknown verdict '%s' (FORWARDED, DROPPED, "
					     "REDIRECTED)",
					     s ?: "");
		e->has_verdict = true;
		e->verdict = (uint8_t)x;
		return 0;
	}
	if (!strcmp(key, "drop_reason")) {
		x = pl_drop_reason_parse(s);
		if (x < 0)
			return pl_yaml_error(&c->y, v, "drop_reason: unknown drop reason '%s'",
					     s ?: "");
		e->has_drop_reason = true;
		e->drop_reason = (uint8_t)x;
		return 0;
	}
	if (!strcmp(key, "observation_points")) {
		e->has_points = true;
		return points(c, v, e);
	}
	if (!strcmp(key, "delivered_to")) {
		e->has_delivered = true;
		return pl_scn_get_str(c, v, key, &e->delivered_to);
	}
	if (!strcmp(key, "nat_free")) {
		if (s && !strcmp(s, "true"))
			e->nat = PL_NAT_FREE;
		else if (s && !strcmp(s, "translated"))
			e->nat = PL_NAT_TRANSLATED;
		else
			return pl_yaml_error(&c->y, v, "nat_free: must be true or translated");
		return 0;
	}
	if (!strcmp(key, "nat"))
		return nat_expect(c, v, e);
	if (!strcmp(key, "encap")) {
		e->has_encap = true;
		if (s && !strcmp(s, "none")) {
			e->encap_none = true;
			return 0;
		}
		return pl_scn_each_key(c, v, "encap", encap_key, e);
	}
	if (!strcmp(key, "output_pcap"))
		return pl_scn_get_path(c, v, key, &e->output_pcap);
	if (!strcmp(key, "output")) {
		e->out.set = true;
		return pl_scn_each_key(c, v, "output", output_key, e);
	}
	if (!strcmp(key, "l7")) {
		e->l7.set = true;
		e->l7.allowed = -1;
		return pl_scn_each_key(c, v, "l7", l7_key, e);
	}
	if (!strcmp(key, "skipped")) {
		if (!s || strcmp(s, "true"))
			return pl_yaml_error(&c->y, v, "skipped: must be true");
		e->skipped = true;
		return 0;
	}
	return pl_yaml_error(
		&c->y, k,
		"expect: unknown key '%s' (packet, packets, filter, flow, all, verdict, "
		"drop_reason, observation_points, delivered_to, nat_free, nat, encap, output, "
		"output_pcap, l7, skipped)",
		key);
}

static int counter_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v,
		       void *arg)
{
	struct pl_scn_counter *ct = arg;
	const char *s = pl_yaml_str(v);
	uint64_t x;
	int r;

	if (!strcmp(key, "node"))
		return pl_scn_get_str(c, v, key, &ct->node);
	if (!strcmp(key, "program")) {
		r = pl_prog_parse(s);
		if (r <= 0)
			return pl_yaml_error(&c->y, v, "program: unknown program '%s'", s ?: "");
		ct->prog = (uint8_t)r;
		return 0;
	}
	if (!strcmp(key, "verdict")) {
		r = pl_verdict_parse(s);
		if (r <= 0)
			return pl_yaml_error(&c->y, v, "verdict: unknown verdict '%s'", s ?: "");
		ct->verdict = (uint8_t)r;
		return 0;
	}
	if (!strcmp(key, "reason")) {
		/* Dropped packets count under a drop reason, the others under a note. */
		r = pl_drop_reason_parse(s);
		if (r < 0)
			r = pl_scn_by_name(s, pl_note_name, 255);
		if (r < 0)
			return pl_yaml_error(&c->y, v,
					     "reason: '%s' is neither a drop reason nor a note",
					     s ?: "");
		ct->reason = (uint8_t)r;
		return 0;
	}
	if (!strcmp(key, "dir")) {
		if (s && !strcmp(s, "ingress"))
			ct->dir = PL_DIR_INGRESS;
		else if (s && !strcmp(s, "egress"))
			ct->dir = PL_DIR_EGRESS;
		else
			return pl_yaml_error(&c->y, v, "dir: must be ingress or egress");
		return 0;
	}
	if (!strcmp(key, "packets")) {
		r = pl_scn_get_u64(c, v, key, UINT64_MAX, &x);
		ct->packets = x;
		return r;
	}
	return pl_yaml_error(&c->y, k,
			     "counters: unknown key '%s' (node, program, verdict, reason, dir, "
			     "packets)",
			     key);
}

int pl_scn_one_expect(struct scn_ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_expect *e = slot;
	struct expect_arg a = {.e = e};
	int err;

	e->pos = scn_pos(n);
	err = pl_scn_each_key(c, n, "expect", expect_key, &a);
	if (err)
		return err;
	if (!a.selected)
		return pl_yaml_error(&c->y, n,
				     "expect: say which packets: packet, packets, filter, flow or "
				     "all");
	if (!a.checks)
		return pl_yaml_error(
			&c->y, n,
			"expect: nothing to check (verdict, drop_reason, "
			"observation_points, delivered_to, nat_free, nat, encap, output, "
			"output_pcap, l7)");
	return 0;
}

int pl_scn_one_counter(struct scn_ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_counter *ct = slot;
	int err;

	ct->pos = scn_pos(n);
	ct->dir = -1;
	ct->packets = UINT64_MAX;
	err = pl_scn_each_key(c, n, "counters", counter_key, ct);
	if (err)
		return err;
	if (!ct->node || !ct->verdict || ct->packets == UINT64_MAX)
		return pl_yaml_error(&c->y, n, "counters: node, verdict and packets are required");
	return 0;
}
