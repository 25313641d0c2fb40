// SPDX-License-Identifier: GPL-2.0
/* podlab check: largest DF payload between nodes, shaped rates per qdisc class. */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "probe/check.h"
#include "probe/check_internal.h"
#include "probe/rate.h"

#define RATE_TOLERANCE 0.10
#define RATE_OVERSEND  1.5 /* send this much above what the class may carry */
#define RATE_PORT_BASE 5201
#define UDP_OVERHEAD   (14 + 20 + 8)

static int first_pod_on(const struct topo *t, int node)
{
	return t->nodes[node].npods ? t->nodes[node].pods[0] : -1;
}

/* A pod pair (src on node a, dst on node b) whose UDP to port the policy does not deny. */
static bool pick_pair(const struct topo *t, int a, int b, uint16_t port, int *src, int *dst)
{
	int i, j;

	for (i = 0; i < t->nodes[a].npods; i++) {
		for (j = 0; j < t->nodes[b].npods; j++) {
			int s = t->nodes[a].pods[i], d = t->nodes[b].pods[j];

			if (pl_check_expected(t, s, d, IPPROTO_UDP, port, NULL) != PL_EXPECT_DENY) {
				*src = s;
				*dst = d;
				return true;
			}
		}
	}
	return false;
}

/* One node pair's row: a pod pair the policy lets UDP through, then the binary search. */
static void mtu_pair(const struct pl_check_opts *o, struct pl_check_report *r, int a, int b,
		     int fam, uint32_t overhead, const uint16_t *ports, int nports)
{
	const struct topo *t = o->topo;
	struct pl_check_mtu *m = &r->mtu[r->nmtu++];
	struct pl_probe_server *srv = NULL;
	char sns[128], dns[128];
	uint16_t port = 0;
	int k;

	m->v6 = fam;
	m->want = t->mtu - overhead;
	m->src = first_pod_on(t, a);
	m->dst = first_pod_on(t, b);
	/* Any pod pair, either direction, any UDP port the policy lets through (both families). */
	for (k = 0; k < nports; k++) {
		port = ports[k];
		if (pick_pair(t, a, b, port, &m->src, &m->dst) ||
		    pick_pair(t, b, a, port, &m->src, &m->dst))
			break;
	}
	if (k == nports) {
		m->skipped = true;
		snprintf(m->why, sizeof(m->why),
			 "the policy denies UDP between the pods of %s and %s", t->nodes[a].name,
			 t->nodes[b].name);
		return;
	}
	pl_check_netns(o->run, t->pods[m->src].name, sns, sizeof(sns));
	pl_check_netns(o->run, t->pods[m->dst].name, dns, sizeof(dns));
	m->err = pl_probe_server_start(dns, NULL, 0, &port, 1, fam ? PL_PROBE_SRV_IPV6 : 0, &srv);
	if (!m->err)
		m->err = pl_probe_mtu(sns, t->pods[m->dst].ip, fam ? t->pods[m->dst].ip6 : NULL,
				      port, srv, 300, &m->got);
	pl_probe_server_stop(srv);
	m->ok = !m->err && m->got == m->want;
	if (m->err)
		snprintf(m->why, sizeof(m->why), "%s", strerror(-m->err));
	else if (!m->ok)
		snprintf(m->why, sizeof(m->why), "expected %u (%u - %u)", m->want, t->mtu,
			 overhead);
}

/* Every node pair's largest DF UDP payload, IPv4 and, in dual stack, IPv6 after it. */
int pl_check_run_mtu(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	uint16_t ports[4];
	int a, b, fam, nports = pl_check_ports(t, IPPROTO_UDP, 53, ports);
	uint32_t overhead;

	/* Pairs a < b: half of nnodes², once per family. */
	r->mtu = calloc((size_t)t->nnodes * t->nnodes + 1, sizeof(*r->mtu));
	if (!r->mtu)
		return -ENOMEM;
	for (fam = 0; fam < (pl_topo_has_v6(t) ? 2 : 1); fam++) {
		/* IPv6's header is 40 bytes; the underlay (and its encapsulation) is IPv4. */
		overhead = (fam ? 40 : 20) + 8 + pl_topo_encap_overhead(t);
		for (a = 0; a < t->nnodes; a++) {
			for (b = a + 1; b < t->nnodes; b++) {
				if (first_pod_on(t, a) < 0 || first_pod_on(t, b) < 0)
					continue;
				mtu_pair(o, r, a, b, fam, overhead, ports, nports);
			}
		}
	}
	return 0;
}

static bool prefix_has(uint32_t net, uint8_t plen, uint32_t ip)
{
	uint32_t mask = plen ? htonl(~0u << (32 - plen)) : 0;

	return (ip & mask) == (net & mask);
}

/* The destination node of traffic shaped on link l's uplink egress. */
static int link_peer_node(const struct topo *t, const struct topo_link *l)
{
	int i;

	if (l->peer >= 0)
		return l->peer;
	for (i = 0; i < t->nnodes; i++)
		if (i != l->node && t->nodes[i].npods)
			return i;
	return -1;
}

static void plan_tbf(const struct topo *t, int li, int src, int dst, struct pl_check_rate *c)
{
	c->link = li;
	c->kind = TOPO_QDISC_TBF;
	c->src = src;
	c->dst = dst;
	c->dport = RATE_PORT_BASE;
	c->rate = c->ceil = t->links[li].qdisc.tbf.rate;
	c->expected = c->rate;
}

/* Would a UDP packet to ip:dport fall into some class's match rule? */
static bool htb_matched(const struct topo_htb *h, uint32_t ip, uint16_t dport)
{
	int k, i;

	for (k = 0; k < h->nclasses; k++) {
		for (i = 0; i < h->classes[k].nmatches; i++) {
			const struct topo_match *m = &h->classes[k].matches[i];

			if ((!m->dst_plen || prefix_has(m->dst, m->dst_plen, ip)) &&
			    (!m->dport || m->dport == dport) &&
			    (!m->proto || m->proto == IPPROTO_UDP))
				return true;
		}
	}
	return false;
}

/* One measurement per htb class that has a match rule, all classes at once. */
static int plan_htb(const struct topo *t, int li, int src, int dnode, struct pl_check_rate *c)
{
	const struct topo_htb *h = &t->links[li].qdisc.htb;
	double sum = 0, parent = h->ceil ? h->ceil : h->rate, spare;
	int k, j, n = 0;

	for (k = 0; k < h->nclasses; k++) {
		const struct topo_htb_class *hc = &h->classes[k];
		const struct topo_match *m = hc->nmatches ? &hc->matches[0] : NULL;
		struct pl_check_rate *x = &c[n++];

		x->link = li;
		x->kind = TOPO_QDISC_HTB;
		x->class_minor = hc->minor;
		x->rate = hc->rate;
		x->ceil = hc->ceil ? hc->ceil : hc->rate;
		x->src = src;
		x->dst = -1;
		x->dport = m && m->dport ? m->dport : RATE_PORT_BASE + k;
		if (!m && hc->minor == h->default_minor) {
			/* The default class: traffic no other class matches. */
			for (j = 0; j < t->nodes[dnode].npods && x->dst < 0; j++)
				if (!htb_matched(h, t->pods[t->nodes[dnode].pods[j]].ip, x->dport))
					x->dst = t->nodes[dnode].pods[j];
			if (x->dst < 0) {
				x->skipped = true;
				snprintf(x->why, sizeof(x->why),
					 "every pod there matches another class");
				continue;
			}
			sum += x->rate;
			continue;
		}
		if (!m) {
			x->skipped = true;
			snprintf(x->why, sizeof(x->why), "no match rule and not the default class");
			continue;
		}
		if (m->proto && m->proto != IPPROTO_UDP) {
			x->skipped = true;
			snprintf(x->why, sizeof(x->why), "matches protocol %u, the sender is UDP",
				 m->proto);
			continue;
		}
		for (j = 0; j < t->nodes[dnode].npods && x->dst < 0; j++) {
			int d = t->nodes[dnode].pods[j];

			if (!m->dst_plen || prefix_has(m->dst, m->dst_plen, t->pods[d].ip) ||
			    prefix_has(m->dst, m->dst_plen, t->nodes[dnode].underlay_ip))
				x->dst = d;
		}
		if (x->dst < 0) {
			x->skipped = true;
			snprintf(x->why, sizeof(x->why), "no pod behind the class's destination");
			continue;
		}
		sum += x->rate;
	}
	/* Saturated together, each class gets its rate plus a rate-proportional share of the rest.
	 */
	spare = parent > sum ? parent - sum : 0;
	for (k = 0; k < n; k++) {
		if (c[k].skipped)
			continue;
		c[k].expected = c[k].rate + (sum > 0 ? spare * c[k].rate / sum : 0);
		if (c[k].expected > c[k].ceil)
			c[k].expected = c[k].ceil;
	}
	return n;
}

static int measure_link(const struct pl_check_opts *o, struct pl_check_rate *c, int n)
{
	const struct topo *t = o->topo;
	struct pl_rate_flow fl[16] = {};
	struct pl_rate_opts ro = {.seconds = o->rate_seconds > 0 ? o->rate_seconds : 3,
				  .payload = 1200,
				  .overhead = UDP_OVERHEAD + pl_topo_encap_overhead(t)};
	char sns[16][128], dns[16][128];
	int idx[16], k, nf = 0, err;

	for (k = 0; k < n && nf < 16; k++) {
		if (c[k].skipped)
			continue;
		if (pl_check_expected(t, c[k].src, c[k].dst, IPPROTO_UDP, c[k].dport, NULL) ==
		    PL_EXPECT_DENY) {
			c[k].skipped = true;
			snprintf(c[k].why, sizeof(c[k].why), "the policy denies udp/%u",
				 c[k].dport);
			continue;
		}
		pl_check_netns(o->run, t->pods[c[k].src].name, sns[nf], sizeof(sns[nf]));
		pl_check_netns(o->run, t->pods[c[k].dst].name, dns[nf], sizeof(dns[nf]));
		fl[nf] = (struct pl_rate_flow){.src_netns = sns[nf],
					       .dst_netns = dns[nf],
					       .dst_ip = t->pods[c[k].dst].ip,
					       .dport = c[k].dport,
					       .target_bps = c[k].ceil * RATE_OVERSEND};
		idx[nf++] = k;
	}
	if (!nf)
		return 0;
	err = pl_rate_measure(fl, nf, &ro);
	for (k = 0; k < nf; k++) {
		struct pl_check_rate *x = &c[idx[k]];

		x->err = err;
		x->measured = fl[k].wire_bps;
		x->goodput = fl[k].goodput_bps;
		x->ok = !err && fabs(x->measured - x->expected) <= RATE_TOLERANCE * x->expected;
		if (err)
			snprintf(x->why, sizeof(x->why), "%s", strerror(-err));
		else if (!x->ok)
			snprintf(x->why, sizeof(x->why), "off by %+.1f%%",
				 (x->measured / x->expected - 1) * 100);
	}
	return 0;
}

/* Each class on its own borrows from the parent up to its ceil: the other half of htb. */
static void measure_htb_alone(const struct pl_check_opts *o, const struct topo_link *l,
			      const struct pl_check_rate *together, int n,
			      struct pl_check_report *r)
{
	double parent = l->qdisc.htb.ceil ? l->qdisc.htb.ceil : l->qdisc.htb.rate;
	int k;

	for (k = 0; k < n; k++) {
		struct pl_check_rate *x = &r->rates[r->nrates];

		if (together[k].skipped)
			continue;
		*x = together[k];
		x->alone = true;
		x->ok = false;
		x->why[0] = 0;
		x->expected = parent && x->ceil > parent ? parent : x->ceil;
		r->nrates++;
		measure_link(o, x, 1);
	}
}

int pl_check_run_shaping(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	int li, n, cap = 0, src, dnode;

	for (li = 0; li < t->nlinks; li++)
		cap += t->links[li].qdisc.kind == TOPO_QDISC_HTB
			       ? 2 * t->links[li].qdisc.htb.nclasses
			       : 1;
	r->rates = calloc(cap ? cap : 1, sizeof(*r->rates));
	if (!r->rates)
		return -ENOMEM;
	for (li = 0; li < t->nlinks; li++) {
		const struct topo_link *l = &t->links[li];
		struct pl_check_rate *c = &r->rates[r->nrates];

		if (l->qdisc.kind == TOPO_QDISC_NONE || l->qdisc.kind == TOPO_QDISC_PFIFO)
			continue;
		src = first_pod_on(t, l->node);
		dnode = link_peer_node(t, l);
		if (l->qdisc.kind == TOPO_QDISC_NETEM || src < 0 || dnode < 0 ||
		    first_pod_on(t, dnode) < 0) {
			c->link = li;
			c->kind = l->qdisc.kind;
			c->skipped = true;
			snprintf(c->why, sizeof(c->why), "%s",
				 l->qdisc.kind == TOPO_QDISC_NETEM ? "netem is not measured"
								   : "no pods on both ends");
			r->nrates++;
			continue;
		}
		if (l->qdisc.kind == TOPO_QDISC_TBF) {
			plan_tbf(t, li, src, first_pod_on(t, dnode), c);
			n = 1;
		} else {
			n = plan_htb(t, li, src, dnode, c);
		}
		r->nrates += n;
		measure_link(o, c, n);
		if (l->qdisc.kind == TOPO_QDISC_HTB && n > 1)
			measure_htb_alone(o, l, c, n, r);
	}
	return 0;
}

void pl_check_judge(struct pl_check_report *r)
{
	bool *ok = r->section_ok;
	int i;

	for (i = 0; i < PL_CHECK_NSECTIONS; i++)
		ok[i] = true;
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];

		ok[0] &= p->ok;
		if (p->delivered)
			ok[1] &= p->nat_ok;
	}
	for (i = 0; i < r->nunderlay; i++)
		ok[2] &= r->underlay[i].ok;
	for (i = 0; i < r->nmtu; i++)
		ok[3] &= r->mtu[i].skipped || r->mtu[i].ok;
	for (i = 0; i < r->nrates; i++)
		ok[4] &= r->rates[i].skipped || r->rates[i].ok;
	for (i = 0; i < r->nroutes; i++)
		ok[5] &= r->routes[i].ok;
	for (i = 0; i < r->ningress; i++)
		ok[6] &= r->ingress[i].ok;
	for (i = 0; i < r->nl7; i++)
		ok[7] &= r->l7[i].ok;
	r->ok = true;
	for (i = 0; i < PL_CHECK_NSECTIONS; i++)
		if (r->sections & (1u << i))
			r->ok &= ok[i];
}
