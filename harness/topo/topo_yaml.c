// SPDX-License-Identifier: GPL-2.0
/* The topology's strict readers of YAML values, with positions for every message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/pkt.h"
#include "lib/units.h"
#include "topo/topo_addr.h"
#include "topo/topo_yaml.h"

int pl_ty_check_map(struct topo_parser *p, const ynode *n, const char *what,
		    const char *const *keys)
{
	char expected[512];
	int i, j, len;
	size_t off = 0;
	ynode *k, *v, *k2, *v2;

	if (pl_yaml_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return pl_yaml_error(&p->y, n, "%s must be a mapping, not %s", what,
				     pl_yaml_kind(n));
	expected[0] = '\0';
	for (j = 0; keys[j] && off < sizeof(expected) - 1; j++)
		off += snprintf(expected + off, sizeof(expected) - off, "%s%s", j ? ", " : "",
				keys[j]);
	len = pl_yaml_map_len(n);
	for (i = 0; i < len; i++) {
		const char *name;

		pl_yaml_map_pair(&p->y, n, i, &k, &v);
		name = pl_yaml_str(k);
		if (!name)
			return pl_yaml_error(&p->y, k, "%s: keys must be strings", what);
		for (j = 0; keys[j]; j++)
			if (!strcmp(keys[j], name))
				break;
		if (!keys[j])
			return pl_yaml_error(&p->y, k,
					     "unknown key '%s' in %s (expected one of: %s)", name,
					     what, expected);
		for (j = 0; j < i; j++) {
			pl_yaml_map_pair(&p->y, n, j, &k2, &v2);
			if (pl_yaml_str(k2) && !strcmp(pl_yaml_str(k2), name))
				return pl_yaml_error(&p->y, k,
						     "duplicate key '%s' in %s (first at line %d)",
						     name, what, pl_yaml_line(k2));
		}
	}
	return 0;
}

int pl_ty_check_seq(struct topo_parser *p, const ynode *n, const char *what, int *len)
{
	*len = 0;
	if (pl_yaml_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return pl_yaml_error(&p->y, n, "%s must be a list, not %s", what, pl_yaml_kind(n));
	*len = pl_yaml_seq_len(n);
	return 0;
}

int pl_ty_scalar(struct topo_parser *p, const ynode *n, const char *what, const char **out)
{
	if (!n || n->type != YAML_SCALAR_NODE || pl_yaml_is_null(n))
		return pl_yaml_error(&p->y, n, "%s must be a value, not %s", what, pl_yaml_kind(n));
	*out = (const char *)n->data.scalar.value;
	return 0;
}

int pl_ty_strdup(struct topo_parser *p, const ynode *n, const char *what, char **out)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

int pl_ty_u32(struct topo_parser *p, const ynode *n, const char *what, uint32_t min, uint32_t max,
	      uint32_t *out)
{
	unsigned long long v;
	const char *s = NULL;
	char *end;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno)
		return pl_yaml_error(&p->y, n, "%s must be a whole number, not '%s'", what, s);
	if (v < min || v > max)
		return pl_yaml_error(&p->y, n, "%s %s is out of range %u..%u", what, s, min, max);
	*out = (uint32_t)v;
	return 0;
}

int pl_ty_bool(struct topo_parser *p, const ynode *n, const char *what, bool *out)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
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
	return pl_yaml_error(&p->y, n, "%s must be true or false, not '%s'", what, s);
}

int pl_ty_ipv4(struct topo_parser *p, const ynode *n, const char *what, uint32_t *ip)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_topo_parse_ipv4(s, ip))
		return pl_yaml_error(&p->y, n, "%s '%s' is not an IPv4 address", what, s);
	return 0;
}

int pl_ty_cidr(struct topo_parser *p, const ynode *n, const char *what, bool bare_ok, uint32_t *ip,
	       uint8_t *plen)
{
	char net[INET_ADDRSTRLEN];
	const char *s = NULL;
	int err, has_len;
	uint32_t masked;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (strchr(s, ':'))
		return pl_yaml_error(
			&p->y, n, "%s '%s' is IPv6: %s holds IPv4 only (mixed families%s)", what, s,
			what, !strcmp(what, "podCIDR") ? "; the IPv6 one goes in podCIDRv6" : "");
	if (pl_topo_parse_cidr(s, ip, plen, &has_len) || (!has_len && !bare_ok))
		return pl_yaml_error(&p->y, n, "%s '%s' is not an IPv4 CIDR (a.b.c.d/len)", what,
				     s);
	masked = htonl(ntohl(*ip) & topo_mask(*plen));
	if (masked != *ip) {
		pl_ip4_str(masked, net);
		return pl_yaml_error(&p->y, n, "%s '%s' has host bits set (did you mean %s/%u?)",
				     what, s, net, *plen);
	}
	return 0;
}

int pl_ty_rate(struct topo_parser *p, const ynode *n, const char *what, uint64_t *bps)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_rate(s, bps))
		return pl_yaml_error(
			&p->y, n,
			"%s '%s' is not a rate (a number with bit, kbit, mbit, gbit, or "
			"Bps, KBps, MBps for bytes/s)",
			what, s);
	return 0;
}

int pl_ty_size(struct topo_parser *p, const ynode *n, const char *what, uint32_t *bytes)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_size(s, bytes))
		return pl_yaml_error(
			&p->y, n,
			"%s '%s' is not a size (bytes, or with b, kb, mb, gb, kbit, mbit)", what,
			s);
	return 0;
}

int pl_ty_time(struct topo_parser *p, const ynode *n, const char *what, uint64_t *ns)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_time(s, ns))
		return pl_yaml_error(
			&p->y, n, "%s '%s' is not a time (a number with s, ms, us or ns)", what, s);
	return 0;
}

int pl_ty_percent(struct topo_parser *p, const ynode *n, const char *what, double *frac)
{
	const char *s = NULL;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	if (pl_parse_percent(s, frac))
		return pl_yaml_error(&p->y, n, "%s '%s' is not a percentage 0%%..100%%", what, s);
	return 0;
}

/* A protocol as topology files spell it (policy ports, "tcp/80"). */
static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {{"any", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"sctp", 132}};

const char *pl_topo_proto_str(uint8_t proto, char buf[TOPO_PROTO_STRLEN])
{
	unsigned int i;

	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].proto == proto)
			return proto_names[i].name;
	snprintf(buf, TOPO_PROTO_STRLEN, "%u", proto);
	return buf;
}

int pl_ty_proto(struct topo_parser *p, const ynode *n, const char *what, uint8_t *proto)
{
	const char *s = NULL;
	unsigned int i;
	uint32_t v;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	for (i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++) {
		if (!strcasecmp(s, proto_names[i].name)) {
			*proto = proto_names[i].proto;
			return 0;
		}
	}
	if (*s >= '0' && *s <= '9') {
		err = pl_ty_u32(p, n, what, 0, 255, &v);
		*proto = (uint8_t)v;
		return err;
	}
	return pl_yaml_error(&p->y, n,
			     "%s '%s' is not a protocol (TCP, UDP, SCTP, ICMP, ANY or a number)",
			     what, s);
}

int pl_ty_name(struct topo_parser *p, const ynode *n, const char *what, size_t max, char **out)
{
	const char *s, *c;
	int err;

	err = pl_ty_scalar(p, n, what, &s);
	if (err)
		return err;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			break;
	if (*c || *s == '-' || (c > s && c[-1] == '-'))
		return pl_yaml_error(
			&p->y, n,
			"%s '%s' must be lowercase letters, digits and '-' (not at the "
			"ends)",
			what, s);
	if (strlen(s) > max)
		return pl_yaml_error(&p->y, n, "%s '%s' is too long: %zu characters, at most %zu",
				     what, s, strlen(s), max);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

void pl_topo_labels_free(struct topo_label *l, int n)
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

int pl_ty_labels(struct topo_parser *p, const ynode *n, const char *what, struct topo_label **out,
		 int *nout)
{
	struct topo_label *l = NULL;
	int i, len, err = 0;
	ynode *k, *v;
	const char *ks, *vs;

	*out = NULL;
	*nout = 0;
	if (pl_yaml_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return pl_yaml_error(&p->y, n, "%s must be a mapping of label: value, not %s", what,
				     pl_yaml_kind(n));
	len = pl_yaml_map_len(n);
	l = calloc(len ? len : 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		pl_yaml_map_pair(&p->y, n, i, &k, &v);
		err = pl_ty_scalar(p, k, "a label key", &ks);
		if (err)
			goto out;
		if (!strncmp(ks, "k8s:", 4) || !strncmp(ks, "any:", 4))
			ks += 4;
		if (!*ks || strlen(ks) > 253 || !label_chars_ok(ks, true)) {
			err = pl_yaml_error(&p->y, k, "label key '%s' is not a valid label name",
					    ks);
			goto out;
		}
		vs = pl_yaml_is_null(v) ? "" : NULL;
		if (!vs) {
			err = pl_ty_scalar(p, v, "a label value", &vs);
			if (err)
				goto out;
		}
		if (strlen(vs) > 63 || !label_chars_ok(vs, false)) {
			err = pl_yaml_error(&p->y, v, "label value '%s' is not a valid label value",
					    vs);
			goto out;
		}
		for (int j = 0; j < i; j++) {
			if (!strcmp(l[j].key, ks)) {
				err = pl_yaml_error(&p->y, k, "duplicate label '%s' in %s", ks,
						    what);
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
	pl_topo_labels_free(l, len); /* calloc'ed: unfilled slots are NULL */
	*nout = 0;
	return err;
}
