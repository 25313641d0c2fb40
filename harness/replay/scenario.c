// SPDX-License-Identifier: GPL-2.0
/* Scenario files: libyaml document → struct pl_scenario, errors with positions. */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/datapath.h"
#include "lib/yaml_doc.h"
#include "replay/scenario.h"
#include "topo/topo_addr.h"

struct ctx {
	struct pl_yaml_doc y; /* messages go to stderr */
	char *dir;	      /* relative paths in the file are resolved against it */
	struct pl_scenario *s;
};

static struct pl_scn_pos pos_of(const yaml_node_t *n)
{
	return (struct pl_scn_pos){pl_yaml_line(n), pl_yaml_col(n)};
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *v = pl_yaml_str(n);

	if (!v)
		return pl_yaml_error(&c->y, n, "%s: expected a string", key);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

static int get_u64(struct ctx *c, const yaml_node_t *n, const char *key, uint64_t max,
		   uint64_t *out)
{
	const char *v = pl_yaml_str(n);
	unsigned long long x;
	char *end;

	if (!v || !*v)
		return pl_yaml_error(&c->y, n, "%s: expected a number", key);
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end || v[0] == '-' || x > max)
		return pl_yaml_error(&c->y, n, "%s: '%s' is not a number in 0..%llu", key, v,
				     (unsigned long long)max);
	*out = x;
	return 0;
}

static int get_ip(struct ctx *c, const yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *v = pl_yaml_str(n);

	if (!v || topo_parse_ipv4(v, out))
		return pl_yaml_error(&c->y, n, "%s: '%s' is not an IPv4 address", key, v ? v : "");
	return 0;
}

static int get_cidr(struct ctx *c, const yaml_node_t *n, const char *key, uint32_t *ip,
		    uint8_t *plen)
{
	const char *v = pl_yaml_str(n), *slash;
	char addr[INET_ADDRSTRLEN];
	unsigned long p = 32;
	struct in_addr a;
	char *end;

	slash = v ? strchr(v, '/') : NULL;
	if (!v || (slash && (size_t)(slash - v) >= sizeof(addr)))
		return pl_yaml_error(&c->y, n, "%s: expected a CIDR such as 198.51.100.0/24", key);
	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - v) : (int)strlen(v), v);
	if (slash) {
		p = strtoul(slash + 1, &end, 10);
		if (*end || !slash[1] || p > 32)
			return pl_yaml_error(&c->y, n, "%s: '%s' has a bad prefix length", key, v);
	}
	if (inet_pton(AF_INET, addr, &a) != 1)
		return pl_yaml_error(&c->y, n, "%s: '%s' is not an IPv4 CIDR", key, v);
	if (p < 32 && (ntohl(a.s_addr) & (0xffffffffu >> p)))
		return pl_yaml_error(&c->y, n, "%s: '%s' has host bits set", key, v);
	*ip = a.s_addr;
	*plen = (uint8_t)p;
	return 0;
}

static char *resolve(struct ctx *c, const char *path)
{
	char *p;

	if (path[0] == '/' || !c->dir)
		return strdup(path);
	if (asprintf(&p, "%s/%s", c->dir, path) < 0)
		return NULL;
	return p;
}

static int get_path(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *v = pl_yaml_str(n);

	if (!v || !*v)
		return pl_yaml_error(&c->y, n, "%s: expected a file path", key);
	*out = resolve(c, v);
	return *out ? 0 : -ENOMEM;
}

/* Walks a mapping, rejecting duplicate keys; fn handles one key. */
typedef int (*key_fn)(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

static int each_key(struct ctx *c, yaml_node_t *map, const char *what, key_fn fn, void *arg)
{
	yaml_node_t *k, *v, *k2, *v2;
	int i, j, err;

	if (map->type != YAML_MAPPING_NODE)
		return pl_yaml_error(&c->y, map, "%s: expected a mapping", what);
	for (i = 0; i < pl_yaml_map_len(map); i++) {
		const char *ks;

		pl_yaml_map_pair(&c->y, map, i, &k, &v);
		ks = pl_yaml_str(k);
		if (!ks)
			return pl_yaml_error(&c->y, k, "%s: keys must be strings", what);
		for (j = 0; j < i; j++) {
			pl_yaml_map_pair(&c->y, map, j, &k2, &v2);
			if (!strcmp(pl_yaml_str(k2) ?: "", ks))
				return pl_yaml_error(&c->y, k, "%s: duplicate key '%s'", what, ks);
		}
		err = fn(c, ks, k, v, arg);
		if (err)
			return err;
	}
	return 0;
}

static int by_name(const char *s, const char *(*name)(unsigned), unsigned max)
{
	unsigned long x;
	char *end;
	unsigned i;

	if (!s || !*s)
		return -1;
	x = strtoul(s, &end, 0);
	if (!*end && s[0] != '-')
		return x <= max ? (int)x : -1;
	for (i = 0; i <= max; i++) {
		const char *n = name(i);

		if (n && *n && strcmp(n, "?") && !strcasecmp(n, s))
			return (int)i;
	}
	return -1;
}

int pl_verdict_parse(const char *s)
{
	return by_name(s, pl_verdict_name, 15);
}

int pl_drop_reason_parse(const char *s)
{
	if (s && (!strcasecmp(s, "none") || !strcmp(s, "0")))
		return 0;
	return by_name(s, pl_drop_reason_name, 255);
}

int pl_obs_point_parse(const char *s)
{
	return by_name(s, pl_obs_point_name, 255);
}

static const char *prog_name_u(unsigned p)
{
	return pl_prog_name((enum pl_prog)p);
}

int pl_prog_parse(const char *s)
{
	return by_name(s, prog_name_u, PL_PROG_XDP_PREFILTER);
}

static int input_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_input *in = arg;

	(void)k;
	if (!strcmp(key, "pcap"))
		return get_path(c, v, key, &in->pcap);
	if (!strcmp(key, "packets")) {
		bool block = v->type == YAML_SCALAR_NODE &&
			     (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			      v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE);

		/* A block scalar starts on the next line, indented (we assume) by two. */
		in->spec_line = (int)v->start_mark.line + 1 + block;
		in->spec_col =
			block ? (int)k->start_mark.column + 3 : (int)v->start_mark.column + 1;
		return get_str(c, v, key, &in->packets);
	}
	if (!strcmp(key, "filter"))
		return get_str(c, v, key, &in->filter);
	if (!strcmp(key, "at")) {
		in->at_pos = pos_of(v);
		return get_str(c, v, key, &in->at);
	}
	return pl_yaml_error(&c->y, k, "inputs: unknown key '%s' (pcap, packets, filter, at)", key);
}

static int flow_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "src"))
		return get_ip(c, v, key, &e->flow.src);
	if (!strcmp(key, "dst"))
		return get_ip(c, v, key, &e->flow.dst);
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		err = get_u64(c, v, key, 65535, &x);
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

static int encap_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_expect *e = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "vni")) {
		err = get_u64(c, v, key, 0xffffff, &x);
		if (!err && !x)
			return pl_yaml_error(&c->y, v, "encap: vni 0 cannot be checked; omit it");
		e->vni = (uint32_t)x;
		return err;
	}
	if (!strcmp(key, "outer_src"))
		return get_ip(c, v, key, &e->outer_src);
	if (!strcmp(key, "outer_dst"))
		return get_ip(c, v, key, &e->outer_dst);
	return pl_yaml_error(&c->y, k, "encap: unknown key '%s' (vni, outer_src, outer_dst)", key);
}

static int numbers(struct ctx *c, yaml_node_t *v, struct pl_scn_expect *e)
{
	yaml_node_t *item;
	uint64_t x;
	int i, err;

	if (v->type == YAML_SCALAR_NODE) {
		e->numbers = calloc(1, sizeof(*e->numbers));
		if (!e->numbers)
			return -ENOMEM;
		err = get_u64(c, v, "packet", UINT32_MAX, &x);
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
		err = get_u64(c, item, "packets", UINT32_MAX, &x);
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

static int points(struct ctx *c, yaml_node_t *v, struct pl_scn_expect *e)
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

static int set_select(struct ctx *c, yaml_node_t *k, struct pl_scn_expect *e, bool *seen,
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

static int expect_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
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
		return err ?: get_str(c, v, key, &e->filter);
	}
	if (!strcmp(key, "flow")) {
		err = set_select(c, k, e, &a->selected, PL_SEL_FLOW);
		return err ?: each_key(c, v, "flow", flow_key, e);
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
		return get_str(c, v, key, &e->delivered_to);
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
	if (!strcmp(key, "encap")) {
		e->has_encap = true;
		if (s && !strcmp(s, "none")) {
			e->encap_none = true;
			return 0;
		}
		return each_key(c, v, "encap", encap_key, e);
	}
	if (!strcmp(key, "output_pcap"))
		return get_path(c, v, key, &e->output_pcap);
	if (!strcmp(key, "skipped")) {
		if (!s || strcmp(s, "true"))
			return pl_yaml_error(&c->y, v, "skipped: must be true");
		e->skipped = true;
		return 0;
	}
	return pl_yaml_error(
		&c->y, k,
		"expect: unknown key '%s' (packet, packets, filter, flow, all, verdict, "
		"drop_reason, observation_points, delivered_to, nat_free, encap, output_pcap, "
		"skipped)",
		key);
}

static int counter_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_counter *ct = arg;
	const char *s = pl_yaml_str(v);
	uint64_t x;
	int r;

	if (!strcmp(key, "node"))
		return get_str(c, v, key, &ct->node);
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
			r = by_name(s, pl_note_name, 255);
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
		r = get_u64(c, v, key, UINT64_MAX, &x);
		ct->packets = x;
		return r;
	}
	return pl_yaml_error(&c->y, k,
			     "counters: unknown key '%s' (node, program, verdict, reason, dir, "
			     "packets)",
			     key);
}

/* Allocates one array slot per sequence item and calls fn on each mapping. */
static int each_item(struct ctx *c, yaml_node_t *v, const char *what, size_t size, void **arr,
		     int *n, int (*fn)(struct ctx *, yaml_node_t *, void *))
{
	int i, cnt, err;

	if (v->type != YAML_SEQUENCE_NODE)
		return pl_yaml_error(&c->y, v, "%s: expected a list", what);
	cnt = pl_yaml_seq_len(v);
	if (!cnt)
		return pl_yaml_error(&c->y, v, "%s: empty list", what);
	*arr = calloc(cnt, size);
	if (!*arr)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		err = fn(c, pl_yaml_seq_item(&c->y, v, i), (char *)*arr + size * (*n)++);
		if (err)
			return err;
	}
	return 0;
}

static int one_input(struct ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_input *in = slot;
	int err;

	in->pos = pos_of(n);
	err = each_key(c, n, "inputs", input_key, in);
	if (err)
		return err;
	if (!!in->pcap == !!in->packets)
		return pl_yaml_error(&c->y, n,
				     "inputs: each input needs exactly one of pcap or packets");
	return 0;
}

static int one_expect(struct ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_expect *e = slot;
	struct expect_arg a = {.e = e};
	int err;

	e->pos = pos_of(n);
	err = each_key(c, n, "expect", expect_key, &a);
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
			"observation_points, delivered_to, nat_free, encap, output_pcap)");
	return 0;
}

static int one_counter(struct ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_counter *ct = slot;
	int err;

	ct->pos = pos_of(n);
	ct->dir = -1;
	ct->packets = UINT64_MAX;
	err = each_key(c, n, "counters", counter_key, ct);
	if (err)
		return err;
	if (!ct->node || !ct->verdict || ct->packets == UINT64_MAX)
		return pl_yaml_error(&c->y, n, "counters: node, verdict and packets are required");
	return 0;
}

static int top_key(struct ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scenario *s = c->s;
	const char *m;
	int i;

	(void)arg;
	if (!strcmp(key, "name"))
		return get_str(c, v, key, &s->name);
	if (!strcmp(key, "topology"))
		return get_path(c, v, key, &s->topology);
	if (!strcmp(key, "mode")) {
		m = pl_yaml_str(v);
		if (m && !strcmp(m, "unit"))
			s->mode = PL_MODE_UNIT;
		else if (m && !strcmp(m, "live"))
			s->mode = PL_MODE_LIVE;
		else if (m && !strcmp(m, "sim"))
			s->mode = PL_MODE_SIM;
		else
			return pl_yaml_error(&c->y, v, "mode: '%s' is not unit, sim or live",
					     m ?: "");
		return 0;
	}
	if (!strcmp(key, "at")) {
		s->at.pos = pos_of(v);
		return get_str(c, v, key, &s->at.text);
	}
	if (!strcmp(key, "inputs"))
		return each_item(c, v, key, sizeof(*s->inputs), (void **)&s->inputs, &s->ninputs,
				 one_input);
	if (!strcmp(key, "expect"))
		return each_item(c, v, key, sizeof(*s->expects), (void **)&s->expects, &s->nexpects,
				 one_expect);
	if (!strcmp(key, "counters"))
		return each_item(c, v, key, sizeof(*s->counters), (void **)&s->counters,
				 &s->ncounters, one_counter);
	if (!strcmp(key, "prefilter")) {
		if (v->type != YAML_SEQUENCE_NODE)
			return pl_yaml_error(&c->y, v, "prefilter: expected a list of CIDRs");
		s->prefilter = calloc(pl_yaml_seq_len(v) + 1, sizeof(*s->prefilter));
		if (!s->prefilter)
			return -ENOMEM;
		for (i = 0; i < pl_yaml_seq_len(v); i++) {
			struct pl_scn_cidr *p = &s->prefilter[s->nprefilter];

			if (get_cidr(c, pl_yaml_seq_item(&c->y, v, i), "prefilter", &p->ip,
				     &p->plen))
				return -EINVAL;
			s->nprefilter++;
		}
		return 0;
	}
	if (!strcmp(key, "requires")) {
		if (v->type != YAML_SEQUENCE_NODE)
			return pl_yaml_error(&c->y, v, "requires: expected a list");
		s->requires = calloc(pl_yaml_seq_len(v) + 1, sizeof(char *));
		if (!s->requires)
			return -ENOMEM;
		for (i = 0; i < pl_yaml_seq_len(v); i++) {
			yaml_node_t *item = pl_yaml_seq_item(&c->y, v, i);
			const char *r = pl_yaml_str(item);

			if (!r || (strcmp(r, "root") && strcmp(r, "live-frames") &&
				   strcmp(r, "nftables")))
				return pl_yaml_error(&c->y, item,
						     "requires: unknown feature '%s' "
						     "(root, live-frames, nftables)",
						     r ?: "");
			s->requires[s->nrequires++] = strdup(r);
		}
		return 0;
	}
	return pl_yaml_error(
		&c->y, k,
		"unknown key '%s' (name, topology, mode, at, inputs, expect, counters, "
		"requires)",
		key);
}

static int parse(struct ctx *c, yaml_parser_t *p)
{
	yaml_node_t *root;
	int err;

	if (!yaml_parser_load(p, &c->y.doc))
		return pl_yaml_error_at(&c->y, (int)p->problem_mark.line + 1,
					(int)p->problem_mark.column + 1, "%s",
					p->problem ?: "YAML syntax error");
	root = yaml_document_get_root_node(&c->y.doc);
	if (!root) {
		err = pl_yaml_error_at(&c->y, 1, 1, "empty scenario");
		goto out;
	}
	err = each_key(c, root, "scenario", top_key, NULL);
	if (err)
		goto out;
	if (!c->s->topology) {
		err = pl_yaml_error(&c->y, root, "topology: required");
		goto out;
	}
	if (!c->s->ninputs) {
		err = pl_yaml_error(&c->y, root, "inputs: required (pcap files or inline packets)");
		goto out;
	}
	if (!c->s->nexpects && !c->s->ncounters)
		err = pl_yaml_error(&c->y, root,
				    "a scenario without expectations: add expect or counters");
out:
	yaml_document_delete(&c->y.doc);
	return err;
}

static int parse_common(const char *name, FILE *f, const char *text, struct pl_scenario **out)
{
	struct ctx c = {.y.file = name};
	yaml_parser_t p;
	char *tmp;
	int err;

	*out = NULL;
	c.s = calloc(1, sizeof(*c.s));
	if (!c.s)
		return -ENOMEM;
	c.s->file = strdup(name);
	if (f) {
		tmp = strdup(name);
		c.dir = tmp ? strdup(dirname(tmp)) : NULL;
		free(tmp);
	}
	yaml_parser_initialize(&p);
	if (f)
		yaml_parser_set_input_file(&p, f);
	else
		yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	err = parse(&c, &p);
	yaml_parser_delete(&p);
	free(c.dir);
	if (err) {
		pl_scenario_free(c.s);
		return err;
	}
	if (!c.s->name)
		c.s->name = strdup(name);
	*out = c.s;
	return 0;
}

int pl_scenario_parse(const char *file, struct pl_scenario **out)
{
	FILE *f = fopen(file, "r");
	int err;

	if (!f) {
		err = -errno;
		fprintf(stderr, "%s: cannot open: %s\n", file, strerror(errno));
		return err;
	}
	err = parse_common(file, f, NULL, out);
	fclose(f);
	return err;
}

int pl_scenario_parse_string(const char *name, const char *text, struct pl_scenario **out)
{
	return parse_common(name, NULL, text, out);
}

void pl_scenario_free(struct pl_scenario *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->ninputs; i++) {
		free(s->inputs[i].pcap);
		free(s->inputs[i].packets);
		free(s->inputs[i].filter);
		free(s->inputs[i].at);
	}
	for (i = 0; s->expects && i < s->nexpects; i++) {
		free(s->expects[i].numbers);
		free(s->expects[i].filter);
		free(s->expects[i].delivered_to);
		free(s->expects[i].output_pcap);
	}
	for (i = 0; s->counters && i < s->ncounters; i++)
		free(s->counters[i].node);
	for (i = 0; i < s->nrequires; i++)
		free(s->requires[i]);
	free(s->requires);
	free(s->prefilter);
	free(s->inputs);
	free(s->expects);
	free(s->counters);
	free(s->at.text);
	free(s->topology);
	free(s->name);
	free(s->file);
	free(s);
}
