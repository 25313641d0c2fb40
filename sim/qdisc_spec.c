// SPDX-License-Identifier: GPL-2.0
/* Parses `key=value,...` qdisc and load specs (tc units, see qdisc_spec.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/units.h"
#include "qdisc_spec.h"
#include "topo/topo_addr.h"

#define TOKEN_MAX 256

/* Splits the next `sep`-separated token off *s into buf; false at the end. */
static bool next_token(const char **s, char sep, char *buf, size_t len)
{
	const char *e;
	size_t n;

	if (!*s || !**s)
		return false;
	e = strchr(*s, sep);
	n = e ? (size_t)(e - *s) : strlen(*s);
	if (n >= len)
		n = len - 1;
	memcpy(buf, *s, n);
	buf[n] = 0;
	*s = e ? e + 1 : NULL;
	return true;
}

/* "key=value" -> key, value (value "" when there is no '=') */
static char *split_kv(char *tok)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return NULL;
	*eq = 0;
	return eq + 1;
}

static int parse_u32(const char *s, int base, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (*end || errno || v > max || *s == '-')
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* IP or IP/N (a bare address is /32). */
static int parse_prefix(const char *s, uint32_t *ip, uint8_t *plen)
{
	int has_len;

	return pl_topo_parse_cidr(s, ip, plen, &has_len);
}

static int parse_proto(const char *s, uint8_t *proto)
{
	uint32_t v;

	if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "icmp"))
		*proto = IPPROTO_ICMP;
	else if (!parse_u32(s, 10, 255, &v))
		*proto = (uint8_t)v;
	else
		return -EINVAL;
	return 0;
}

#define BAD(what) pl_sim_errf(err, errlen, "%s: bad %s '%s'", kind, what, v ? v : "")
#define UNKNOWN() pl_sim_errf(err, errlen, "%s: unknown parameter '%s'", kind, tok)

/* A match field shared by htb classes and loads; 1 = not a match key. */
static int match_field(const char *key, const char *v, struct topo_match *m)
{
	uint32_t n;

	if (!strcmp(key, "dst"))
		return parse_prefix(v, &m->dst, &m->dst_plen);
	if (!strcmp(key, "src"))
		return parse_prefix(v, &m->src, &m->src_plen);
	if (!strcmp(key, "dport") || !strcmp(key, "sport")) {
		if (parse_u32(v, 10, 65535, &n))
			return -EINVAL;
		*(key[0] == 'd' ? &m->dport : &m->sport) = (uint16_t)n;
		return 0;
	}
	if (!strcmp(key, "proto"))
		return parse_proto(v, &m->proto);
	return 1;
}

static int parse_tbf(const char *kind, const char *s, struct topo_tbf *t, char *err, int errlen)
{
	char tok[TOKEN_MAX], *v;

	while (next_token(&s, ',', tok, sizeof(tok))) {
		v = split_kv(tok);
		if (!v)
			return pl_sim_errf(err, errlen, "%s: expected key=value, got '%s'", kind,
					   tok);
		if (!strcmp(tok, "rate")) {
			if (pl_parse_rate(v, &t->rate))
				return BAD("rate");
		} else if (!strcmp(tok, "peakrate")) {
			if (pl_parse_rate(v, &t->peakrate))
				return BAD("peakrate");
		} else if (!strcmp(tok, "burst") || !strcmp(tok, "buffer") ||
			   !strcmp(tok, "maxburst")) {
			if (pl_parse_size(v, &t->burst) || !t->burst)
				return BAD("burst");
		} else if (!strcmp(tok, "mtu") || !strcmp(tok, "minburst")) {
			if (pl_parse_size(v, &t->mtu) || !t->mtu)
				return BAD("mtu");
		} else if (!strcmp(tok, "latency")) {
			if (pl_parse_time(v, &t->latency_ns) || !t->latency_ns)
				return BAD("latency");
		} else if (!strcmp(tok, "limit")) {
			if (pl_parse_size(v, &t->limit) || !t->limit)
				return BAD("limit");
		} else {
			return UNKNOWN();
		}
	}
	if (t->latency_ns && t->limit)
		return pl_sim_errf(err, errlen, "%s: give latency or limit, not both", kind);
	return 0;
}

static int parse_netem(const char *kind, const char *s, struct sim_qdisc_spec *sp, char *err,
		       int errlen)
{
	struct topo_netem *n = &sp->qd.netem;
	char tok[TOKEN_MAX], *v;

	while (next_token(&s, ',', tok, sizeof(tok))) {
		v = split_kv(tok);
		if (!v)
			return pl_sim_errf(err, errlen, "%s: expected key=value, got '%s'", kind,
					   tok);
		if (!strcmp(tok, "delay")) {
			if (pl_parse_time(v, &n->delay_ns))
				return BAD("delay");
		} else if (!strcmp(tok, "jitter")) {
			if (pl_parse_time(v, &n->jitter_ns))
				return BAD("jitter");
		} else if (!strcmp(tok, "dist") || !strcmp(tok, "distribution")) {
			if (!strcmp(v, "uniform"))
				sp->dist = SIM_JITTER_UNIFORM;
			else if (!strcmp(v, "normal"))
				sp->dist = SIM_JITTER_NORMAL;
			else
				return BAD("distribution (uniform|normal)");
		} else if (!strcmp(tok, "loss")) {
			if (pl_parse_percent(v, &n->loss))
				return BAD("loss");
		} else if (!strcmp(tok, "duplicate")) {
			if (pl_parse_percent(v, &n->duplicate))
				return BAD("duplicate");
		} else if (!strcmp(tok, "reorder")) {
			if (pl_parse_percent(v, &n->reorder))
				return BAD("reorder");
		} else if (!strcmp(tok, "rate")) {
			if (pl_parse_rate(v, &n->rate))
				return BAD("rate");
		} else if (!strcmp(tok, "limit")) {
			if (parse_u32(v, 10, UINT32_MAX, &n->limit) || !n->limit)
				return BAD("limit");
		} else {
			return UNKNOWN();
		}
	}
	if (n->jitter_ns && !n->delay_ns)
		return pl_sim_errf(err, errlen, "%s: jitter needs a delay", kind);
	if (n->reorder > 0 && !n->delay_ns)
		return pl_sim_errf(err, errlen, "%s: reorder needs a delay", kind);
	return 0;
}

static int parse_htb_class(const char *kind, char *s, struct sim_qdisc_spec *sp, char *err,
			   int errlen)
{
	struct topo_htb *h = &sp->qd.htb;
	struct topo_htb_class *c;
	struct topo_match *m;
	char tok[TOKEN_MAX], *v, *colon = strchr(s, ':');
	const char *rest;
	uint32_t n;
	int r;

	if (h->nclasses >= SIM_SPEC_MAX_CLASSES)
		return pl_sim_errf(err, errlen, "%s: more than %d classes", kind,
				   SIM_SPEC_MAX_CLASSES);
	c = &sp->classes[h->nclasses];
	m = &sp->matches[h->nclasses];
	memset(c, 0, sizeof(*c));
	memset(m, 0, sizeof(*m));
	if (colon)
		*colon = 0;
	v = s;
	if (!colon || parse_u32(s, 16, 0xffff, &n) || n < 2)
		return BAD("class id (hex minor >= 2, then ':')");
	c->minor = (uint16_t)n;
	rest = colon + 1;
	while (next_token(&rest, ',', tok, sizeof(tok))) {
		v = split_kv(tok);
		if (!v)
			return pl_sim_errf(err, errlen, "%s: expected key=value, got '%s'", kind,
					   tok);
		if (!strcmp(tok, "rate")) {
			if (pl_parse_rate(v, &c->rate))
				return BAD("rate");
		} else if (!strcmp(tok, "ceil")) {
			if (pl_parse_rate(v, &c->ceil))
				return BAD("ceil");
		} else if (!strcmp(tok, "prio")) {
			if (parse_u32(v, 10, 7, &c->prio))
				return BAD("prio (0..7)");
		} else if (!strcmp(tok, "quantum")) {
			if (pl_parse_size(v, &c->quantum) || !c->quantum)
				return BAD("quantum");
		} else if (!strcmp(tok, "parent")) {
			if (parse_u32(v, 16, 0xffff, &n))
				return BAD("parent");
			c->parent_minor = n == 1 ? 0 : (uint16_t)n;
		} else if ((r = match_field(tok, v, m)) <= 0) {
			if (r < 0)
				return BAD(tok);
			c->matches = m;
			c->nmatches = 1;
		} else {
			return UNKNOWN();
		}
	}
	if (!c->rate)
		return pl_sim_errf(err, errlen, "%s: class %x has no rate", kind, c->minor);
	h->nclasses++;
	return 0;
}

static int parse_htb(const char *kind, const char *s, struct sim_qdisc_spec *sp, char *err,
		     int errlen)
{
	struct topo_htb *h = &sp->qd.htb;
	char part[TOKEN_MAX * 4], tok[TOKEN_MAX], *v;
	const char *ps;
	uint32_t n;
	int ret;

	h->classes = sp->classes;
	while (next_token(&s, ';', part, sizeof(part))) {
		if (!strncmp(part, "class=", 6)) {
			ret = parse_htb_class(kind, part + 6, sp, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		ps = part;
		while (next_token(&ps, ',', tok, sizeof(tok))) {
			v = split_kv(tok);
			if (!v)
				return pl_sim_errf(err, errlen, "%s: expected key=value, got '%s'",
						   kind, tok);
			if (!strcmp(tok, "rate")) {
				if (pl_parse_rate(v, &h->rate))
					return BAD("rate");
			} else if (!strcmp(tok, "ceil")) {
				if (pl_parse_rate(v, &h->ceil))
					return BAD("ceil");
			} else if (!strcmp(tok, "default")) {
				if (parse_u32(v, 16, 0xffff, &n))
					return BAD("default (hex minor)");
				h->default_minor = (uint16_t)n;
			} else {
				return UNKNOWN();
			}
		}
	}
	if (!h->rate)
		return pl_sim_errf(err, errlen, "%s: the root class needs rate=", kind);
	if (!h->nclasses)
		return pl_sim_errf(err, errlen, "%s: no class=MINOR:... given", kind);
	return 0;
}

int pl_sim_spec_parse_qdisc(const char *kind, const char *text, struct sim_qdisc_spec *sp,
			    char *err, int errlen)
{
	char tok[TOKEN_MAX], *v;
	const char *s = text;

	memset(sp, 0, sizeof(*sp));
	if (!strcmp(kind, "tbf")) {
		sp->qd.kind = TOPO_QDISC_TBF;
		return parse_tbf("tbf", text, &sp->qd.tbf, err, errlen);
	}
	if (!strcmp(kind, "netem")) {
		sp->qd.kind = TOPO_QDISC_NETEM;
		return parse_netem("netem", text, sp, err, errlen);
	}
	if (!strcmp(kind, "htb")) {
		sp->qd.kind = TOPO_QDISC_HTB;
		return parse_htb("htb", text, sp, err, errlen);
	}
	if (strcmp(kind, "pfifo"))
		return pl_sim_errf(err, errlen, "unknown qdisc '%s'", kind);
	sp->qd.kind = TOPO_QDISC_PFIFO;
	sp->qd.pfifo_limit = 1000;
	while (next_token(&s, ',', tok, sizeof(tok))) {
		v = split_kv(tok);
		if (!v || strcmp(tok, "limit"))
			return pl_sim_errf(err, errlen, "pfifo: unknown parameter '%s'", tok);
		if (parse_u32(v, 10, UINT32_MAX, &sp->qd.pfifo_limit) || !sp->qd.pfifo_limit)
			return pl_sim_errf(err, errlen, "pfifo: bad limit '%s'", v);
	}
	return 0;
}

int pl_sim_spec_parse_load(const char *text, struct sim_load *l, char *err, int errlen)
{
	const char *kind = "load", *s = text;
	struct topo_match m = {0};
	char tok[TOKEN_MAX], *v;
	int r;

	memset(l, 0, sizeof(*l));
	l->size = 1000;
	l->proto = IPPROTO_UDP;
	if (!next_token(&s, ',', tok, sizeof(tok)))
		return pl_sim_errf(err, errlen, "load: empty");
	v = strchr(tok, ':');
	if (!v)
		return pl_sim_errf(err, errlen,
				   "load: expected udp:RATE, poisson:RATE or burst:N, got '%s'",
				   tok);
	*v++ = 0;
	if (!strcmp(tok, "udp") || !strcmp(tok, "poisson")) {
		l->kind = tok[0] == 'u' ? SIM_LOAD_CBR : SIM_LOAD_POISSON;
		if (pl_parse_rate(v, &l->rate))
			return BAD("rate");
	} else if (!strcmp(tok, "burst")) {
		l->kind = SIM_LOAD_BURST;
		if (parse_u32(v, 10, 100000000, &l->count) || !l->count)
			return BAD("packet count");
	} else {
		return pl_sim_errf(err, errlen, "load: unknown kind '%s' (udp, poisson, burst)",
				   tok);
	}
	while (next_token(&s, ',', tok, sizeof(tok))) {
		v = split_kv(tok);
		if (!v)
			return pl_sim_errf(err, errlen, "load: expected key=value, got '%s'", tok);
		if (!strcmp(tok, "size")) {
			if (pl_parse_size(v, &l->size) || l->size < 20 || l->size > 65535)
				return BAD("size (20..65535 bytes)");
		} else if (!strcmp(tok, "start")) {
			if (pl_parse_time(v, &l->start_ns))
				return BAD("start");
		} else if (!strcmp(tok, "stop")) {
			if (pl_parse_time(v, &l->stop_ns) || !l->stop_ns)
				return BAD("stop");
		} else if ((r = match_field(tok, v, &m)) <= 0) {
			if (r < 0 || (m.dst_plen && m.dst_plen != 32) ||
			    (m.src_plen && m.src_plen != 32))
				return BAD(tok);
		} else {
			return UNKNOWN();
		}
	}
	if (l->stop_ns && l->stop_ns <= l->start_ns)
		return pl_sim_errf(err, errlen, "load: stop must be after start");
	l->src = m.src;
	l->dst = m.dst;
	l->sport = m.sport;
	l->dport = m.dport;
	if (m.proto)
		l->proto = m.proto;
	return 0;
}

void pl_sim_spec_describe(const struct sim_qdisc_spec *sp, char *buf, int len)
{
	char r1[32], r2[32];
	int n = 0, i;

	switch (sp->qd.kind) {
	case TOPO_QDISC_TBF:
		n = snprintf(buf, len, "tbf rate %s burst %ub limit %ub",
			     pl_fmt_rate(sp->qd.tbf.rate, r1, sizeof(r1)), sp->qd.tbf.burst,
			     pl_sim_tbf_limit(&sp->qd.tbf));
		if (sp->qd.tbf.peakrate && n < len)
			snprintf(buf + n, len - n, " peakrate %s mtu %ub",
				 pl_fmt_rate(sp->qd.tbf.peakrate, r1, sizeof(r1)), sp->qd.tbf.mtu);
		break;
	case TOPO_QDISC_NETEM:
		snprintf(buf, len,
			 "netem delay %.3fms jitter %.3fms (%s) loss %g%% duplicate %g%% reorder "
			 "%g%% "
			 "rate %s limit %u",
			 sp->qd.netem.delay_ns / 1e6, sp->qd.netem.jitter_ns / 1e6,
			 sp->dist == SIM_JITTER_NORMAL ? "normal" : "uniform",
			 sp->qd.netem.loss * 100, sp->qd.netem.duplicate * 100,
			 sp->qd.netem.reorder * 100,
			 sp->qd.netem.rate ? pl_fmt_rate(sp->qd.netem.rate, r1, sizeof(r1)) : "-",
			 sp->qd.netem.limit ? sp->qd.netem.limit : 1000);
		break;
	case TOPO_QDISC_HTB:
		n = snprintf(buf, len, "htb default %x; 1:1 rate %s ceil %s",
			     sp->qd.htb.default_minor, pl_fmt_rate(sp->qd.htb.rate, r1, sizeof(r1)),
			     pl_fmt_rate(sp->qd.htb.ceil ? sp->qd.htb.ceil : sp->qd.htb.rate, r2,
					 sizeof(r2)));
		for (i = 0; i < sp->qd.htb.nclasses && n < len; i++) {
			const struct topo_htb_class *c = &sp->qd.htb.classes[i];

			n += snprintf(buf + n, len - n, "; 1:%x rate %s ceil %s prio %u", c->minor,
				      pl_fmt_rate(c->rate, r1, sizeof(r1)),
				      pl_fmt_rate(c->ceil ? c->ceil : c->rate, r2, sizeof(r2)),
				      c->prio);
		}
		break;
	default:
		snprintf(buf, len, "pfifo limit %u", sp->qd.pfifo_limit);
		break;
	}
}

/* tc qdisc add dev eth0 root tbf rate 1mbit burst 32kbit latency 400ms;
 * ... netem delay 100ms loss 10%; the htb tree with 1:10 3/5mbit (u32 match
 * ip dst 192.168.1.100) and 1:20 7/10mbit. The text says `default 30`, a
 * class it never creates: seed-htb-literal keeps that (unmatched traffic
 * bypasses shaping in the direct queue), seed-htb uses default 20. */
static const struct sim_example examples[] = {
	{"seed-tbf", "tbf", "rate=1mbit,burst=32kbit,latency=400ms", {"udp:2mbit"}},
	{"seed-netem", "netem", "delay=100ms,loss=10%", {"udp:2mbit"}},
	{"seed-htb",
	 "htb",
	 "rate=10mbit;class=10:rate=3mbit,ceil=5mbit,dst=192.168.1.100;"
	 "class=20:rate=7mbit,ceil=10mbit;default=20",
	 {"udp:8mbit,dst=192.168.1.100,start=2s", "udp:12mbit,dst=192.168.1.200,stop=6s"}},
	{"seed-htb-literal",
	 "htb",
	 "rate=10mbit;class=10:rate=3mbit,ceil=5mbit,dst=192.168.1.100;"
	 "class=20:rate=7mbit,ceil=10mbit;default=30",
	 {"udp:8mbit,dst=192.168.1.100,start=2s", "udp:12mbit,dst=192.168.1.200,stop=6s"}},
};

const struct sim_example *pl_sim_example_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		if (!strcmp(examples[i].name, name))
			return &examples[i];
	return NULL;
}
