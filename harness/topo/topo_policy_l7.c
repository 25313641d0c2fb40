// SPDX-License-Identifier: GPL-2.0
/*
 * toPorts[].rules of a CiliumNetworkPolicy: the L7 (HTTP) part. Each http[]
 * item is a request match (method, path, host: extended regexes matched
 * against the whole field, as Cilium does; headers: present or equal); the
 * proxy config (harness/net/l7_config.c) and `podlab explain` read them.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "topo/policy_l7.h"
#include "topo/topo_yaml.h"

static const char *const rules_keys[] = {"http", NULL};
static const char *const http_keys[] = {"method", "path", "host", "headers", NULL};
/* Cilium's other L7 parsers: named so the error says "not supported", not "unknown key". */
static const char *const rules_unsupported[] = {"kafka", "dns", "l7proto", "l7", NULL};
static const char *const http_unsupported[] = {"headerMatches", NULL};

/* A value the proxy config quotes in '...': no quote, no control character. */
static int check_quotable(struct topo_parser *p, const ynode *v, const char *what, const char *s)
{
	const unsigned char *c;

	for (c = (const unsigned char *)s; *c; c++)
		if (*c == '\'' || *c < 0x20 || *c == 0x7f)
			return pl_yaml_error(&p->y, v,
					     "%s may not hold a quote (') or a control character",
					     what);
	return 0;
}

/* A regex field: must compile as an extended regex (as anchored ^(...)$). */
static int parse_regex(struct topo_parser *p, const ynode *n, const char *key, char **out)
{
	const ynode *v = pl_yaml_get(&p->y, n, key);
	char what[32], msg[128];
	regex_t re;
	int err;

	if (!v)
		return 0;
	snprintf(what, sizeof(what), "http %s", key);
	err = pl_ty_strdup(p, v, what, out);
	if (err)
		return err;
	if (!**out)
		return pl_yaml_error(&p->y, v, "%s is empty (leave it out to match any)", what);
	err = check_quotable(p, v, what, *out);
	if (err)
		return err;
	err = pl_l7_regcomp(&re, *out);
	if (err) {
		regerror(err, &re, msg, sizeof(msg));
		return pl_yaml_error(&p->y, v, "%s '%s' is not a valid extended regex: %s", what,
				     *out, msg);
	}
	regfree(&re);
	return 0;
}

/* RFC 9110 token characters: what a header name may hold. */
static bool is_token(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("!#$%&*+-.^_`|~", s[i])))
			return false;
	return true;
}

static int parse_headers(struct topo_parser *p, const ynode *list, struct topo_http_rule *h)
{
	const char *s = NULL, *colon;
	const ynode *v;
	int i, len, err;

	err = pl_ty_check_seq(p, list, "http headers", &len);
	if (err || !len)
		return err;
	h->hdr_name = calloc(len, sizeof(*h->hdr_name));
	h->hdr_value = calloc(len, sizeof(*h->hdr_value));
	if (!h->hdr_name || !h->hdr_value)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		v = pl_yaml_seq_item(&p->y, list, i);
		err = pl_ty_scalar(p, v, "an http header", &s);
		if (!err)
			err = check_quotable(p, v, "an http header", s);
		if (err)
			return err;
		colon = strchr(s, ':');
		if (!is_token(s, colon ? (size_t)(colon - s) : strlen(s)))
			return pl_yaml_error(&p->y, v,
					     "http header '%s' is not 'Name' or 'Name: value'", s);
		h->nheaders = i + 1;
		h->hdr_name[i] = colon ? strndup(s, colon - s) : strdup(s);
		if (!h->hdr_name[i])
			return -ENOMEM;
		if (!colon)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		h->hdr_value[i] = strdup(colon);
		if (!h->hdr_value[i])
			return -ENOMEM;
	}
	return 0;
}

static int parse_http(struct topo_parser *p, const ynode *n, struct topo_http_rule *h)
{
	const ynode *k;
	int i, err;

	h->pos = ty_pos(n);
	for (i = 0; http_unsupported[i]; i++) {
		k = pl_yaml_get_key(&p->y, n, http_unsupported[i]);
		if (k && n->type == YAML_MAPPING_NODE)
			return pl_yaml_error(&p->y, k,
					     "http %s is not supported (method, path, "
					     "host, headers)",
					     http_unsupported[i]);
	}
	err = pl_ty_check_map(p, n, "an http rule", http_keys);
	if (!err)
		err = parse_regex(p, n, "method", &h->method);
	if (!err)
		err = parse_regex(p, n, "path", &h->path);
	if (!err)
		err = parse_regex(p, n, "host", &h->host);
	if (!err)
		err = parse_headers(p, pl_yaml_get(&p->y, n, "headers"), h);
	return err;
}

int pl_topo_parse_l7(struct topo_parser *p, const ynode *rules, struct topo_policy *pol,
		     uint16_t *l7)
{
	struct topo_l7 *l, *all;
	const ynode *k, *http;
	int i, len, err;

	*l7 = 0;
	if (!rules)
		return 0;
	for (i = 0; rules_unsupported[i]; i++) {
		k = pl_yaml_get_key(&p->y, rules, rules_unsupported[i]);
		if (k && rules->type == YAML_MAPPING_NODE)
			return pl_yaml_error(&p->y, k,
					     "%s rules are not supported: podlab's proxy "
					     "enforces http rules only",
					     rules_unsupported[i]);
	}
	err = pl_ty_check_map(p, rules, "toPorts rules", rules_keys);
	if (err)
		return err;
	http = pl_yaml_get(&p->y, rules, "http");
	if (!http)
		return pl_yaml_error(&p->y, rules, "toPorts rules need 'http'");
	err = pl_ty_check_seq(p, http, "rules.http", &len);
	if (err)
		return err;
	if (!len)
		return pl_yaml_error(&p->y, http, "rules.http needs at least one rule");
	if (pol->nl7 >= 0xffff)
		return pl_yaml_error(&p->y, rules, "more than 65534 toPorts rules in one policy");
	all = realloc(pol->l7, (pol->nl7 + 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	pol->l7 = all;
	l = &all[pol->nl7++];
	memset(l, 0, sizeof(*l));
	l->pos = ty_pos(rules);
	l->http = calloc(len, sizeof(*l->http));
	if (!l->http)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		l->nhttp = i + 1; /* counted first: the topology's free frees what was parsed */
		err = parse_http(p, pl_yaml_seq_item(&p->y, http, i), &l->http[i]);
		if (err)
			return err;
	}
	*l7 = (uint16_t)pol->nl7;
	return 0;
}

void pl_topo_l7_free(struct topo_policy *pol)
{
	int i, j, k;

	for (i = 0; i < pol->nl7; i++) {
		for (j = 0; j < pol->l7[i].nhttp; j++) {
			struct topo_http_rule *h = &pol->l7[i].http[j];

			free(h->method);
			free(h->path);
			free(h->host);
			for (k = 0; k < h->nheaders; k++) {
				free(h->hdr_name[k]);
				free(h->hdr_value[k]);
			}
			free(h->hdr_name);
			free(h->hdr_value);
		}
		free(pol->l7[i].http);
	}
	free(pol->l7);
}

int pl_l7_regcomp(regex_t *re, const char *pattern)
{
	size_t len = strlen(pattern) + 5;
	char *anchored = malloc(len);
	int err;

	if (!anchored)
		return REG_ESPACE;
	snprintf(anchored, len, "^(%s)$", pattern);
	err = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	return err;
}

int pl_topo_parse_l7_ports(struct topo_parser *p, const ynode *e, struct topo_policy *pol,
			   enum topo_rule_dir dir, bool deny, struct topo_port *ports, int nports)
{
	const ynode *rules = pl_yaml_get(&p->y, e, "rules");
	uint16_t l7;
	int i, err;

	if (!rules)
		return 0;
	if (dir != TOPO_INGRESS || deny)
		return pl_yaml_error(&p->y, pl_yaml_get_key(&p->y, e, "rules"),
				     "toPorts rules are supported on ingress (allow) rules only");
	if (!nports)
		return pl_yaml_error(&p->y, pl_yaml_get_key(&p->y, e, "rules"),
				     "toPorts rules need ports (a TCP port number)");
	for (i = 0; i < nports; i++)
		if (!ports[i].port || (ports[i].proto && ports[i].proto != 6))
			return pl_yaml_error(
				&p->y, pl_yaml_seq_item(&p->y, pl_yaml_get(&p->y, e, "ports"), i),
				"a port with http rules must be a TCP port number");
	err = pl_topo_parse_l7(p, rules, pol, &l7);
	for (i = 0; !err && i < nports; i++) {
		ports[i].l7 = l7;
		ports[i].proto = 6; /* HTTP is TCP: ANY narrows to it, as in Cilium */
	}
	return err;
}

int pl_topo_check_l7_peers(struct topo_parser *p, const ynode *n, const struct topo_port *ports,
			   int nports)
{
	static const char *const keys[] = {"fromCIDR", "fromCIDRSet", "fromEntities", NULL};
	int i;

	for (i = 0; i < nports; i++)
		if (ports[i].l7)
			break;
	if (i == nports)
		return 0;
	for (i = 0; keys[i]; i++)
		if (pl_yaml_get(&p->y, n, keys[i]))
			return pl_yaml_error(&p->y, pl_yaml_get_key(&p->y, n, keys[i]),
					     "%s with http rules is not supported: use "
					     "fromEndpoints or no peer",
					     keys[i]);
	return 0;
}
