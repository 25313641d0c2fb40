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
#include "replay/scenario_read.h"
#include "topo/topo_addr.h"
#include "topo/topo_v6.h"

int pl_scn_get_str(struct scn_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *v = pl_yaml_str(n);

	if (!v)
		return pl_yaml_error(&c->y, n, "%s: expected a string", key);
	*out = strdup(v);
	return *out ? 0 : -ENOMEM;
}

int pl_scn_get_u64(struct scn_ctx *c, const yaml_node_t *n, const char *key, uint64_t max,
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

int pl_scn_get_ip(struct scn_ctx *c, const yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *v = pl_yaml_str(n);

	if (!v || pl_topo_parse_ipv4(v, out))
		return pl_yaml_error(&c->y, n, "%s: '%s' is not an IPv4 address", key, v ? v : "");
	return 0;
}

static int get_cidr(struct scn_ctx *c, const yaml_node_t *n, const char *key, uint32_t *ip,
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

/* A prefilter entry: an IPv4 CIDR (get_cidr) or an IPv6 one, host bits clear. */
static int get_prefilter_cidr(struct scn_ctx *c, const yaml_node_t *n, struct pl_scn_cidr *p)
{
	const char *v = pl_yaml_str(n);
	uint8_t masked[16];
	int has_len;

	if (!v || !strchr(v, ':'))
		return get_cidr(c, n, "prefilter", &p->ip, &p->plen);
	if (pl_topo_parse_cidr6(v, p->ip6, &p->plen, &has_len))
		return pl_yaml_error(&c->y, n, "prefilter: '%s' is not an IPv6 CIDR", v);
	pl_topo_mask6(p->ip6, p->plen, masked);
	if (memcmp(masked, p->ip6, 16))
		return pl_yaml_error(&c->y, n, "prefilter: '%s' has host bits set", v);
	p->v6 = true;
	return 0;
}

static char *resolve(struct scn_ctx *c, const char *path)
{
	char *p;

	if (path[0] == '/' || !c->dir)
		return strdup(path);
	if (asprintf(&p, "%s/%s", c->dir, path) < 0)
		return NULL;
	return p;
}

int pl_scn_get_path(struct scn_ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	const char *v = pl_yaml_str(n);

	if (!v || !*v)
		return pl_yaml_error(&c->y, n, "%s: expected a file path", key);
	*out = resolve(c, v);
	return *out ? 0 : -ENOMEM;
}

int pl_scn_each_key(struct scn_ctx *c, yaml_node_t *map, const char *what, scn_key_fn fn, void *arg)
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

int pl_scn_by_name(const char *s, const char *(*name)(unsigned), unsigned max)
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

int pl_replay_mode_parse(const char *s)
{
	if (s && !strcmp(s, "unit"))
		return PL_MODE_UNIT;
	if (s && !strcmp(s, "live"))
		return PL_MODE_LIVE;
	if (s && !strcmp(s, "sim"))
		return PL_MODE_SIM;
	return -1;
}

int pl_verdict_parse(const char *s)
{
	return pl_scn_by_name(s, pl_verdict_name, 15);
}

int pl_drop_reason_parse(const char *s)
{
	if (s && (!strcasecmp(s, "none") || !strcmp(s, "0")))
		return 0;
	return pl_scn_by_name(s, pl_drop_reason_name, 255);
}

int pl_obs_point_parse(const char *s)
{
	return pl_scn_by_name(s, pl_obs_point_name, 255);
}

static const char *prog_name_u(unsigned p)
{
	return pl_prog_name((enum pl_prog)p);
}

int pl_prog_parse(const char *s)
{
	return pl_scn_by_name(s, prog_name_u, PL_PROG_XDP_PREFILTER);
}

static int input_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scn_input *in = arg;

	(void)k;
	if (!strcmp(key, "pcap"))
		return pl_scn_get_path(c, v, key, &in->pcap);
	if (!strcmp(key, "packets")) {
		bool block = v->type == YAML_SCALAR_NODE &&
			     (v->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
			      v->data.scalar.style == YAML_FOLDED_SCALAR_STYLE);

		/* A block scalar starts on the next line, indented (we assume) by two. */
		in->spec_line = (int)v->start_mark.line + 1 + block;
		in->spec_col =
			block ? (int)k->start_mark.column + 3 : (int)v->start_mark.column + 1;
		return pl_scn_get_str(c, v, key, &in->packets);
	}
	if (!strcmp(key, "filter"))
		return pl_scn_get_str(c, v, key, &in->filter);
	if (!strcmp(key, "at")) {
		in->at_pos = scn_pos(v);
		return pl_scn_get_str(c, v, key, &in->at);
	}
	return pl_yaml_error(&c->y, k, "inputs: unknown key '%s' (pcap, packets, filter, at)", key);
}

/* Allocates one array slot per sequence item and calls fn on each mapping. */
static int each_item(struct scn_ctx *c, yaml_node_t *v, const char *what, size_t size, void **arr,
		     int *n, int (*fn)(struct scn_ctx *, yaml_node_t *, void *))
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

static int one_input(struct scn_ctx *c, yaml_node_t *n, void *slot)
{
	struct pl_scn_input *in = slot;
	int err;

	in->pos = scn_pos(n);
	err = pl_scn_each_key(c, n, "inputs", input_key, in);
	if (err)
		return err;
	if (!!in->pcap == !!in->packets)
		return pl_yaml_error(&c->y, n,
				     "inputs: each input needs exactly one of pcap or packets");
	return 0;
}

static int top_key(struct scn_ctx *c, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct pl_scenario *s = c->s;
	const char *m;
	int i, mode;

	(void)arg;
	if (!strcmp(key, "name"))
		return pl_scn_get_str(c, v, key, &s->name);
	if (!strcmp(key, "topology"))
		return pl_scn_get_path(c, v, key, &s->topology);
	if (!strcmp(key, "mode")) {
		m = pl_yaml_str(v);
		mode = pl_replay_mode_parse(m);
		if (mode < 0)
			return pl_yaml_error(&c->y, v, "mode: '%s' is not unit, sim or live",
					     m ?: "");
		s->mode = mode;
		return 0;
	}
	if (!strcmp(key, "at")) {
		s->at.pos = scn_pos(v);
		return pl_scn_get_str(c, v, key, &s->at.text);
	}
	if (!strcmp(key, "inputs"))
		return each_item(c, v, key, sizeof(*s->inputs), (void **)&s->inputs, &s->ninputs,
				 one_input);
	if (!strcmp(key, "expect"))
		return each_item(c, v, key, sizeof(*s->expects), (void **)&s->expects, &s->nexpects,
				 pl_scn_one_expect);
	if (!strcmp(key, "counters"))
		return each_item(c, v, key, sizeof(*s->counters), (void **)&s->counters,
				 &s->ncounters, pl_scn_one_counter);
	if (!strcmp(key, "prefilter")) {
		if (v->type != YAML_SEQUENCE_NODE)
			return pl_yaml_error(&c->y, v, "prefilter: expected a list of CIDRs");
		s->prefilter = calloc(pl_yaml_seq_len(v) + 1, sizeof(*s->prefilter));
		if (!s->prefilter)
			return -ENOMEM;
		for (i = 0; i < pl_yaml_seq_len(v); i++) {
			struct pl_scn_cidr *p = &s->prefilter[s->nprefilter];

			if (get_prefilter_cidr(c, pl_yaml_seq_item(&c->y, v, i), p))
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
				   strcmp(r, "fexit") && strcmp(r, "nftables")))
				return pl_yaml_error(&c->y, item,
						     "requires: unknown feature '%s' "
						     "(root, live-frames, fexit, nftables)",
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

static int parse(struct scn_ctx *c, yaml_parser_t *p)
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
	err = pl_scn_each_key(c, root, "scenario", top_key, NULL);
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

static int parse_common(const char *name, FILE *f, const char *text, size_t len, FILE *diag,
			struct pl_scenario **out)
{
	struct scn_ctx c = {.y.file = name, .y.diag = diag};
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
		yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
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
	err = parse_common(file, f, NULL, 0, NULL, out);
	fclose(f);
	return err;
}

int pl_scenario_parse_string(const char *name, const char *text, struct pl_scenario **out)
{
	return parse_common(name, NULL, text, strlen(text), NULL, out);
}

int pl_scenario_parse_mem(const char *name, const char *text, size_t len, FILE *diag,
			  struct pl_scenario **out)
{
	return parse_common(name, NULL, text, len, diag, out);
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
		free(s->expects[i].l7.method);
		free(s->expects[i].l7.path);
		free(s->expects[i].l7.host);
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
