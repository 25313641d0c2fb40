// SPDX-License-Identifier: GPL-2.0
/* `qdisc:` of a link: tbf, htb (with classes and u32-style matches), netem, pfifo. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_yaml.h"

static const char *const qdisc_keys[] = {"tbf", "htb", "netem", "pfifo", NULL};
static const char *const tbf_keys[] = {"rate",	   "burst", "latency", "limit",
				       "peakrate", "mtu",   NULL};
static const char *const htb_keys[] = {"default", "rate", "ceil", "classes", NULL};
static const char *const class_keys[] = {"id",	 "parent",  "rate",  "ceil",
					 "prio", "quantum", "match", NULL};
static const char *const match_keys[] = {"dst", "src", "dport", "sport", "proto", NULL};
static const char *const netem_keys[] = {"delay",   "jitter", "loss", "duplicate",
					 "reorder", "limit",  "rate", NULL};
static const char *const pfifo_keys[] = {"limit", NULL};

static int parse_tbf(struct topo_parser *p, const ynode *n, struct topo_tbf *tbf)
{
	const ynode *v;
	int err;

	err = pl_ty_check_map(p, n, "tbf", tbf_keys);
	if (err)
		return err;
	if (!pl_yaml_get(&p->y, n, "rate") || !pl_yaml_get(&p->y, n, "burst"))
		return pl_yaml_error(&p->y, n,
				     "tbf needs rate and burst (e.g. rate: 1mbit, burst: 32kbit)");
	err = pl_ty_rate(p, pl_yaml_get(&p->y, n, "rate"), "tbf rate", &tbf->rate);
	if (!err)
		err = pl_ty_size(p, pl_yaml_get(&p->y, n, "burst"), "tbf burst", &tbf->burst);
	if (err)
		return err;
	if (!tbf->burst)
		return pl_yaml_error(&p->y, pl_yaml_get(&p->y, n, "burst"),
				     "tbf burst must be more than 0");
	if (!!pl_yaml_get(&p->y, n, "latency") == !!pl_yaml_get(&p->y, n, "limit"))
		return pl_yaml_error(&p->y, n,
				     "tbf needs exactly one of latency and limit (as tc does)");
	v = pl_yaml_get(&p->y, n, "latency");
	if (v && (err = pl_ty_time(p, v, "tbf latency", &tbf->latency_ns)))
		return err;
	v = pl_yaml_get(&p->y, n, "limit");
	if (v && (err = pl_ty_size(p, v, "tbf limit", &tbf->limit)))
		return err;
	v = pl_yaml_get(&p->y, n, "peakrate");
	if (v) {
		err = pl_ty_rate(p, v, "tbf peakrate", &tbf->peakrate);
		if (err)
			return err;
		if (tbf->peakrate <= tbf->rate)
			return pl_yaml_error(&p->y, v, "tbf peakrate must be above rate");
		if (!pl_yaml_get(&p->y, n, "mtu"))
			return pl_yaml_error(&p->y, v,
					     "tbf peakrate needs mtu (the peak bucket size)");
	}
	v = pl_yaml_get(&p->y, n, "mtu");
	if (v && (err = pl_ty_size(p, v, "tbf mtu", &tbf->mtu)))
		return err;
	if (v && !tbf->peakrate)
		return pl_yaml_error(&p->y, v, "tbf mtu only applies with peakrate");
	return 0;
}

static int parse_match(struct topo_parser *p, const ynode *n, struct topo_match *m)
{
	const ynode *v;
	uint32_t port;
	int err;

	err = pl_ty_check_map(p, n, "a match", match_keys);
	if (err)
		return err;
	if (!pl_yaml_map_len(n))
		return pl_yaml_error(&p->y, n,
				     "an empty match would catch everything: use htb default");
	v = pl_yaml_get(&p->y, n, "dst");
	if (v && (err = pl_ty_cidr(p, v, "match dst", true, &m->dst, &m->dst_plen)))
		return err;
	v = pl_yaml_get(&p->y, n, "src");
	if (v && (err = pl_ty_cidr(p, v, "match src", true, &m->src, &m->src_plen)))
		return err;
	v = pl_yaml_get(&p->y, n, "dport");
	if (v && (err = pl_ty_u32(p, v, "match dport", 1, 65535, &port)))
		return err;
	m->dport = v ? (uint16_t)port : 0;
	v = pl_yaml_get(&p->y, n, "sport");
	if (v && (err = pl_ty_u32(p, v, "match sport", 1, 65535, &port)))
		return err;
	m->sport = v ? (uint16_t)port : 0;
	v = pl_yaml_get(&p->y, n, "proto");
	if (v && (err = pl_ty_proto(p, v, "match proto", &m->proto)))
		return err;
	if ((m->dport || m->sport) && m->proto != 6 && m->proto != 17 && m->proto != 132)
		return pl_yaml_error(&p->y, n, "a port match needs proto tcp, udp or sctp");
	return 0;
}

static int parse_class(struct topo_parser *p, const ynode *n, struct topo_htb *htb)
{
	struct topo_htb_class *c = &htb->classes[htb->nclasses++];
	const ynode *v;
	uint32_t u;
	int i, len, err;

	err = pl_ty_check_map(p, n, "an htb class", class_keys);
	if (err)
		return err;
	c->pos = ty_pos(n);
	if (!pl_yaml_get(&p->y, n, "id") || !pl_yaml_get(&p->y, n, "rate"))
		return pl_yaml_error(&p->y, n,
				     "an htb class needs id (the classid minor) and rate");
	err = pl_ty_u32(p, pl_yaml_get(&p->y, n, "id"), "class id", 2, 0xffff, &u);
	if (err)
		return err;
	c->minor = (uint16_t)u;
	for (i = 0; i < htb->nclasses - 1; i++)
		if (htb->classes[i].minor == c->minor)
			return pl_yaml_error(&p->y, pl_yaml_get(&p->y, n, "id"),
					     "duplicate class id %u (first at line %d)", u,
					     htb->classes[i].pos.line);
	v = pl_yaml_get(&p->y, n, "parent");
	if (v) {
		err = pl_ty_u32(p, v, "class parent", 1, 0xffff, &u);
		if (err)
			return err;
		for (i = 0; u != 1 && i < htb->nclasses - 1; i++)
			if (htb->classes[i].minor == u)
				break;
		if (u != 1 && i == htb->nclasses - 1)
			return pl_yaml_error(
				&p->y, v, "class parent %u is not the root (1) or an earlier class",
				u);
		c->parent_minor = u == 1 ? 0 : (uint16_t)u;
	}
	err = pl_ty_rate(p, pl_yaml_get(&p->y, n, "rate"), "class rate", &c->rate);
	if (err)
		return err;
	c->ceil = c->rate;
	v = pl_yaml_get(&p->y, n, "ceil");
	if (v && (err = pl_ty_rate(p, v, "class ceil", &c->ceil)))
		return err;
	if (c->ceil < c->rate)
		return pl_yaml_error(&p->y, v,
				     "class ceil is below its rate (ceil must be >= rate)");
	v = pl_yaml_get(&p->y, n, "prio");
	if (v && (err = pl_ty_u32(p, v, "class prio", 0, 7, &c->prio)))
		return err;
	v = pl_yaml_get(&p->y, n, "quantum");
	if (v && (err = pl_ty_size(p, v, "class quantum", &c->quantum)))
		return err;
	v = pl_yaml_get(&p->y, n, "match");
	if (!v)
		return 0;
	if (v->type == YAML_MAPPING_NODE) {
		c->matches = calloc(1, sizeof(*c->matches));
		if (!c->matches)
			return -ENOMEM;
		c->nmatches = 1;
		return parse_match(p, v, c->matches);
	}
	err = pl_ty_check_seq(p, v, "match (a mapping or a list of them)", &len);
	if (err || !len)
		return err;
	c->matches = calloc(len, sizeof(*c->matches));
	if (!c->matches)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++, c->nmatches++)
		err = parse_match(p, pl_yaml_seq_item(&p->y, v, i), &c->matches[i]);
	return err;
}

static int parse_htb(struct topo_parser *p, const ynode *n, struct topo_htb *htb)
{
	const ynode *v;
	uint32_t u;
	int i, len, err;

	err = pl_ty_check_map(p, n, "htb", htb_keys);
	if (err)
		return err;
	if (!pl_yaml_get(&p->y, n, "rate") || !pl_yaml_get(&p->y, n, "default"))
		return pl_yaml_error(&p->y, n,
				     "htb needs rate (of the root class 1:1) and default");
	err = pl_ty_rate(p, pl_yaml_get(&p->y, n, "rate"), "htb rate", &htb->rate);
	if (err)
		return err;
	htb->ceil = htb->rate;
	v = pl_yaml_get(&p->y, n, "ceil");
	if (v && (err = pl_ty_rate(p, v, "htb ceil", &htb->ceil)))
		return err;
	if (htb->ceil < htb->rate)
		return pl_yaml_error(&p->y, v, "htb ceil is below its rate (ceil must be >= rate)");
	v = pl_yaml_get(&p->y, n, "classes");
	err = pl_ty_check_seq(p, v, "classes", &len);
	if (err)
		return err;
	if (!len)
		return pl_yaml_error(&p->y, n, "htb needs at least one class");
	htb->classes = calloc(len, sizeof(*htb->classes));
	if (!htb->classes)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++)
		err = parse_class(p, pl_yaml_seq_item(&p->y, v, i), htb);
	if (err)
		return err;
	v = pl_yaml_get(&p->y, n, "default");
	err = pl_ty_u32(p, v, "htb default", 1, 0xffff, &u);
	if (err)
		return err;
	htb->default_minor = (uint16_t)u;
	for (i = 0; i < htb->nclasses; i++)
		if (htb->classes[i].minor == u)
			return 0;
	return pl_yaml_error(&p->y, v,
			     "htb default %u is not one of the classes (unclassified traffic would "
			     "leave unshaped)",
			     u);
}

static int parse_netem(struct topo_parser *p, const ynode *n, struct topo_netem *ne)
{
	const ynode *v;
	int err;

	err = pl_ty_check_map(p, n, "netem", netem_keys);
	if (err)
		return err;
	if (!pl_yaml_map_len(n))
		return pl_yaml_error(&p->y, n, "netem needs at least one of %s",
				     "delay, loss, duplicate, rate");
	if ((v = pl_yaml_get(&p->y, n, "delay")) &&
	    (err = pl_ty_time(p, v, "netem delay", &ne->delay_ns)))
		return err;
	if ((v = pl_yaml_get(&p->y, n, "jitter")) &&
	    (err = pl_ty_time(p, v, "netem jitter", &ne->jitter_ns)))
		return err;
	if (v && !ne->delay_ns)
		return pl_yaml_error(&p->y, v, "netem jitter needs a delay");
	if (ne->jitter_ns > ne->delay_ns)
		return pl_yaml_error(&p->y, v, "netem jitter is larger than the delay");
	if ((v = pl_yaml_get(&p->y, n, "loss")) &&
	    (err = pl_ty_percent(p, v, "netem loss", &ne->loss)))
		return err;
	if ((v = pl_yaml_get(&p->y, n, "duplicate")) &&
	    (err = pl_ty_percent(p, v, "netem duplicate", &ne->duplicate)))
		return err;
	if ((v = pl_yaml_get(&p->y, n, "reorder")) &&
	    (err = pl_ty_percent(p, v, "netem reorder", &ne->reorder)))
		return err;
	if (v && !ne->delay_ns)
		return pl_yaml_error(&p->y, v,
				     "netem reorder needs a delay (reordered packets skip it)");
	if ((v = pl_yaml_get(&p->y, n, "limit")) &&
	    (err = pl_ty_u32(p, v, "netem limit", 1, 1u << 30, &ne->limit)))
		return err;
	if ((v = pl_yaml_get(&p->y, n, "rate")) &&
	    (err = pl_ty_rate(p, v, "netem rate", &ne->rate)))
		return err;
	return 0;
}

int pl_topo_parse_qdisc(struct topo_parser *p, const ynode *n, struct topo_qdisc *q)
{
	ynode *k, *v;
	int err;

	err = pl_ty_check_map(p, n, "qdisc", qdisc_keys);
	if (err)
		return err;
	if (pl_yaml_map_len(n) != 1)
		return pl_yaml_error(&p->y, n, "a qdisc is exactly one of tbf, htb, netem, pfifo");
	q->pos = ty_pos(n);
	pl_yaml_map_pair(&p->y, n, 0, &k, &v);
	if (!strcmp((const char *)k->data.scalar.value, "tbf")) {
		q->kind = TOPO_QDISC_TBF;
		return parse_tbf(p, v, &q->tbf);
	}
	if (!strcmp((const char *)k->data.scalar.value, "htb")) {
		q->kind = TOPO_QDISC_HTB;
		return parse_htb(p, v, &q->htb);
	}
	if (!strcmp((const char *)k->data.scalar.value, "netem")) {
		q->kind = TOPO_QDISC_NETEM;
		return parse_netem(p, v, &q->netem);
	}
	q->kind = TOPO_QDISC_PFIFO;
	err = pl_ty_check_map(p, v, "pfifo", pfifo_keys);
	if (err)
		return err;
	if (!pl_yaml_get(&p->y, v, "limit"))
		return pl_yaml_error(&p->y, v, "pfifo needs limit (packets)");
	return pl_ty_u32(p, pl_yaml_get(&p->y, v, "limit"), "pfifo limit", 1, 1u << 30,
			 &q->pfifo_limit);
}

void pl_topo_qdisc_free(struct topo_qdisc *q)
{
	int i;

	if (q->kind != TOPO_QDISC_HTB)
		return;
	for (i = 0; i < q->htb.nclasses; i++)
		free(q->htb.classes[i].matches);
	free(q->htb.classes);
}
