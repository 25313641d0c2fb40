// SPDX-License-Identifier: GPL-2.0
/* Strict reading of a libyaml document, with positions for every message. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/units.h"
#include "topo/topo_addr.h"
#include "topo/topo_yaml.h"

struct topo_pos ty_pos(const ynode *n)
{
	struct topo_pos pos = {0, 0};

	if (n) {
		pos.line = (int)n->start_mark.line + 1;
		pos.col = (int)n->start_mark.column + 1;
	}
	return pos;
}

static void vreport(struct topo_parser *p, struct topo_pos pos, const char *tag, const char *fmt,
		    va_list ap)
{
	FILE *f = *tag && p->warn ? p->warn : p->diag ? p->diag : stderr;

	fprintf(f, "%s:%d:%d: %s", p->file, pos.line, pos.col, tag);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

int ty_error_at(struct topo_parser *p, struct topo_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, pos, "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int ty_error(struct topo_parser *p, const ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, ty_pos(n), "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void ty_warn_at(struct topo_parser *p, struct topo_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, pos, "warning: ", fmt, ap);
	va_end(ap);
}

ynode *ty_node(struct topo_parser *p, int index)
{
	return yaml_document_get_node(&p->doc, index);
}

bool ty_is_null(const ynode *n)
{
	const char *v;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

const char *ty_kind(const ynode *n)
{
	if (!n || ty_is_null(n))
		return "empty";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

static const char *key_str(const ynode *k)
{
	return k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
}

int ty_map_len(const ynode *n)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return 0;
	return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

void ty_map_pair(struct topo_parser *p, const ynode *n, int i, ynode **key, ynode **value)
{
	yaml_node_pair_t *pair = n->data.mapping.pairs.start + i;

	*key = ty_node(p, pair->key);
	*value = ty_node(p, pair->value);
}

int ty_check_map(struct topo_parser *p, const ynode *n, const char *what, const char *const *keys)
{
	char expected[512];
	int i, j, len;
	size_t off = 0;
	ynode *k, *v, *k2, *v2;

	if (ty_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return ty_error(p, n, "%s must be a mapping, not %s", what, ty_kind(n));
	expected[0] = '\0';
	for (j = 0; keys[j] && off < sizeof(expected) - 1; j++)
		off += snprintf(expected + off, sizeof(expected) - off, "%s%s", j ? ", " : "",
				keys[j]);
	len = ty_map_len(n);
	for (i = 0; i < len; i++) {
		const char *name;

		ty_map_pair(p, n, i, &k, &v);
		name = key_str(k);
		if (!name)
			return ty_error(p, k, "%s: keys must be strings", what);
		for (j = 0; keys[j]; j++)
			if (!strcmp(keys[j], name))
				break;
		if (!keys[j])
			return ty_error(p, k, "unknown key '%s' in %s (expected one of: %s)", name,
					what, expected);
		for (j = 0; j < i; j++) {
			ty_map_pair(p, n, j, &k2, &v2);
			if (key_str(k2) && !strcmp(key_str(k2), name))
				return ty_error(p, k, "duplicate key '%s' in %s (first at line %d)",
						name, what, ty_pos(k2).line);
		}
	}
	return 0;
}

ynode *ty_get_key(struct topo_parser *p, const ynode *n, const char *key)
{
	int i, len = ty_map_len(n);
	ynode *k, *v;

	for (i = 0; i < len; i++) {
		ty_map_pair(p, n, i, &k, &v);
		if (key_str(k) && !strcmp(key_str(k), key))
			return k;
	}
	return NULL;
}

ynode *ty_get(struct topo_parser *p, const ynode *n, const char *key)
{
	int i, len = ty_map_len(n);
	ynode *k, *v;

	for (i = 0; i < len; i++) {
		ty_map_pair(p, n, i, &k, &v);
		if (key_str(k) && !strcmp(key_str(k), key))
			return v;
	}
	return NULL;
}

int ty_check_seq(struct topo_parser *p, const ynode *n, const char *what, int *len)
{
	*len = 0;
	if (ty_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return ty_error(p, n, "%s must be a list, not %s", what, ty_kind(n));
	*len = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

ynode *ty_seq_item(struct topo_parser *p, const ynode *n, int i)
{
	return ty_node(p, n->data.sequence.items.start[i]);
}

int ty_scalar(struct topo_parser *p, const ynode *n, const char *what, const char **out)
{
	if (!n || n->type != YAML_SCALAR_NODE || ty_is_null(n))
		return ty_error(p, n, "%s must be a value, not %s", what, ty_kind(n));
	*out = (const char *)n->data.scalar.value;
	return 0;
}

int ty_strdup(struct topo_parser *p, const ynode *n, const char *what, char **out)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

int ty_u32(struct topo_parser *p, const ynode *n, const char *what, uint32_t min, uint32_t max,
	   uint32_t *out)
{
	unsigned long long v;
	const char *s = NULL;
	char *end;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno)
		return ty_error(p, n, "%s must be a whole number, not '%s'", what, s);
	if (v < min || v > max)
		return ty_error(p, n, "%s %s is out of range %u..%u", what, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

int ty_bool(struct topo_parser *p, const ynode *n, const char *what, bool *out)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")) {
		*out = false;
		return 0;
	}
	return ty_error(p, n, "%s must be true or false, not '%s'", what, s);
}

int ty_ipv4(struct topo_parser *p, const ynode *n, const char *what, uint32_t *ip)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (topo_parse_ipv4(s, ip))
		return ty_error(p, n, "%s '%s' is not an IPv4 address", what, s);
	return 0;
}

int ty_cidr(struct topo_parser *p, const ynode *n, const char *what, bool bare_ok, uint32_t *ip,
	    uint8_t *plen)
{
	char net[INET_ADDRSTRLEN];
	const char *s = NULL;
	int err, has_len;
	uint32_t masked;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (topo_parse_cidr(s, ip, plen, &has_len) || (!has_len && !bare_ok))
		return ty_error(p, n, "%s '%s' is not an IPv4 CIDR (a.b.c.d/len)", what, s);
	masked = htonl(ntohl(*ip) & topo_mask(*plen));
	if (masked != *ip) {
		inet_ntop(AF_INET, &masked, net, sizeof(net));
		return ty_error(p, n, "%s '%s' has host bits set (did you mean %s/%u?)", what, s,
				net, *plen);
	}
	return 0;
}

int ty_rate(struct topo_parser *p, const ynode *n, const char *what, uint64_t *bps)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_rate(s, bps))
		return ty_error(p, n,
				"%s '%s' is not a rate (a number with bit, kbit, mbit, gbit, or "
				"Bps, KBps, MBps for bytes/s)",
				what, s);
	return 0;
}

int ty_size(struct topo_parser *p, const ynode *n, const char *what, uint32_t *bytes)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_size(s, bytes))
		return ty_error(p, n,
				"%s '%s' is not a size (bytes, or with b, kb, mb, gb, kbit, mbit)",
				what, s);
	return 0;
}

int ty_time(struct topo_parser *p, const ynode *n, const char *what, uint64_t *ns)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_time(s, ns))
		return ty_error(p, n, "%s '%s' is not a time (a number with s, ms, us or ns)", what,
				s);
	return 0;
}

int ty_percent(struct topo_parser *p, const ynode *n, const char *what, double *frac)
{
	const char *s = NULL;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_percent(s, frac))
		return ty_error(p, n, "%s '%s' is not a percentage 0%%..100%%", what, s);
	return 0;
}

int ty_proto(struct topo_parser *p, const ynode *n, const char *what, uint8_t *proto)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {{"any", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"sctp", 132}};
	const char *s = NULL;
	unsigned int i;
	uint32_t v;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*proto = names[i].proto;
			return 0;
		}
	}
	if (*s >= '0' && *s <= '9') {
		err = ty_u32(p, n, what, 0, 255, &v);
		*proto = (uint8_t)v;
		return err;
	}
	return ty_error(p, n, "%s '%s' is not a protocol (TCP, UDP, SCTP, ICMP, ANY or a number)",
			what, s);
}

int ty_name(struct topo_parser *p, const ynode *n, const char *what, size_t max, char **out)
{
	const char *s, *c;
	int err;

	err = ty_scalar(p, n, what, &s);
	if (err)
		return err;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			break;
	if (*c || *s == '-' || (c > s && c[-1] == '-'))
		return ty_error(p, n,
				"%s '%s' must be lowercase letters, digits and '-' (not at the "
				"ends)",
				what, s);
	if (strlen(s) > max)
		return ty_error(p, n, "%s '%s' is too long: %zu characters, at most %zu", what, s,
				strlen(s), max);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

void topo_labels_free(struct topo_label *l, int n)
{
	int i;

	for (i = 0; l && i < n; i++) {
		free(l[i].key);
		free(l[i].value);
	}
	free(l);
}

static bool label_chars_ok(const char *s, bool key)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' ||
		      (key && *s == '/')))
			return false;
	return true;
}

int ty_labels(struct topo_parser *p, const ynode *n, const char *what, struct topo_label **out,
	      int *nout)
{
	struct topo_label *l = NULL;
	int i, len, err = 0;
	ynode *k, *v;
	const char *ks, *vs;

	*out = NULL;
	*nout = 0;
	if (ty_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return ty_error(p, n, "%s must be a mapping of label: value, not %s", what,
				ty_kind(n));
	len = ty_map_len(n);
	l = calloc(len ? len : 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		ty_map_pair(p, n, i, &k, &v);
		err = ty_scalar(p, k, "a label key", &ks);
		if (err)
			goto out;
		if (!strncmp(ks, "k8s:", 4) || !strncmp(ks, "any:", 4))
			ks += 4;
		if (!*ks || strlen(ks) > 253 || !label_chars_ok(ks, true)) {
			err = ty_error(p, k, "label key '%s' is not a valid label name", ks);
			goto out;
		}
		vs = ty_is_null(v) ? "" : NULL;
		if (!vs) {
			err = ty_scalar(p, v, "a label value", &vs);
			if (err)
				goto out;
		}
		if (strlen(vs) > 63 || !label_chars_ok(vs, false)) {
			err = ty_error(p, v, "label value '%s' is not a valid label value", vs);
			goto out;
		}
		for (int j = 0; j < i; j++) {
			if (!strcmp(l[j].key, ks)) {
				err = ty_error(p, k, "duplicate label '%s' in %s", ks, what);
				goto out;
			}
		}
		l[i].key = strdup(ks);
		l[i].value = strdup(vs);
		*nout = i + 1;
		if (!l[i].key || !l[i].value) {
			err = -ENOMEM;
			goto out;
		}
	}
	*out = l;
	return 0;
out:
	topo_labels_free(l, len); /* calloc'ed: unfilled slots are NULL */
	*nout = 0;
	return err;
}
