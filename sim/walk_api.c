// SPDX-License-Identifier: GPL-2.0
/* The walk's public face: open/close, one packet, result names and text. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/datapath.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "walk_flight.h"

int pl_sim_walk_open(const struct topo *t, const struct sim_walk_opts *o, struct sim_walk **out)
{
	int err = pl_require_bpf_privileges();

	*out = NULL;
	return err ? err : pl_sim_walk_open_with(t, o, NULL, out);
}

const char *pl_sim_unsupported(const struct topo *t, int routing)
{
	if (routing >= 0 && (routing == PL_ROUTING_FABRIC) != (t->routing == PL_ROUTING_FABRIC))
		return "fabric routing and the other modes need topologies of their own (pods in "
		       "or outside the underlay subnet): walk a topology in its own mode";
	if ((routing >= 0 ? routing : (int)t->routing) == PL_ROUTING_LEGACY && pl_topo_has_v6(t)) {
		static const uint8_t zero[16];
		int i;

		for (i = 0; i < t->nnodes; i++)
			if (!memcmp(t->nodes[i].underlay_ip6, zero, 16))
				return "routing legacy with IPv6 needs every node's ipv6 (the "
				       "address MASQUERADE gives pod IPv6): walk it in another "
				       "mode";
	}
	return NULL;
}

int pl_sim_walk_open_with(const struct topo *t, const struct sim_walk_opts *o,
			  const struct sim_walk_progs *progs, struct sim_walk **out)
{
	struct sim_walk *w;
	int err;

	*out = NULL;
	if (t->nnodes < 1)
		return -EINVAL;
	if (pl_sim_unsupported(t, o ? o->routing : -1)) {
		pl_err("%s: %s", t->file ? t->file : "topology",
		       pl_sim_unsupported(t, o ? o->routing : -1));
		return -EOPNOTSUPP;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->orig_netns_fd = -1;
	pl_sim_pkt_pool_init(&w->pool);
	if (progs)
		w->progs = *progs;
	w->topo = *t;
	w->orig = t;
	if (o)
		w->opts = *o;
	else
		w->opts.routing = -1;
	if (w->opts.routing >= 0)
		w->topo.routing = (enum pl_routing_mode)w->opts.routing;
	if (!w->topo.mtu)
		w->topo.mtu = 1500;
	w->scratch = malloc(SIM_BUF);
	if (!w->scratch) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = pl_sim_env_build(w)))
		goto out;
	*out = w;
	return 0;
out:
	pl_sim_walk_close(w);
	return err;
}

void pl_sim_walk_close(struct sim_walk *w)
{
	if (!w)
		return;
	pl_sim_env_destroy(w);
	pl_sim_pkt_pool_free(&w->pool);
	free(w->scratch);
	free(w);
}

const char *pl_sim_walk_ifname(const struct sim_walk *w, int node, uint32_t ifindex)
{
	int d;

	if (node < 0 || node >= w->topo.nnodes)
		return "?";
	d = pl_sim_dev_by_ifindex(&w->nodes[node], ifindex);
	return d >= 0 ? w->nodes[node].devs[d].name : "?";
}

const struct topo *pl_sim_walk_topo(const struct sim_walk *w)
{
	return &w->topo;
}

enum pl_routing_mode pl_sim_walk_routing(const struct sim_walk *w)
{
	return w->topo.routing;
}

int pl_sim_walk_reset(struct sim_walk *w)
{
	int i, err;

	for (i = 0; i < w->topo.nnodes; i++) {
		w->nodes[i].nnat = 0;
		w->nodes[i].nnat6 = 0;
		w->nodes[i].link_busy = 0;
		w->nodes[i].ip_id = 0;
		if (w->nodes[i].dp && (err = pl_ct_clear(w->nodes[i].dp)))
			return err;
	}
	return pl_sim_env_qdiscs_reset(w);
}

void pl_sim_walk_result_release(struct sim_walk_result *res)
{
	free(res->out);
	res->out = NULL;
	res->out_len = 0;
}

/* Sets f's starting location for `at`; -EINVAL when the point does not exist. */
static int start(struct sim_walk *w, struct sim_flight *f, const struct sim_inject *at)
{
	struct sim_node *n;
	uint32_t vni;
	int len;

	switch (at->kind) {
	case SIM_INJECT_POD:
		if (at->pod < 0 || at->pod >= w->topo.npods)
			return -EINVAL;
		f->pod = at->pod;
		f->node = w->topo.pods[at->pod].node;
		f->loc = LOC_POD_TX;
		return 0;
	case SIM_INJECT_UPLINK:
		if (at->node < 0 || at->node >= w->topo.nnodes)
			return -EINVAL;
		f->node = at->node;
		f->loc = LOC_UPLINK_RX;
		return 0;
	case SIM_INJECT_VXLAN:
		if (at->node < 0 || at->node >= w->topo.nnodes)
			return -EINVAL;
		n = &w->nodes[at->node];
		f->node = at->node;
		f->dev = pl_sim_dev_by_kind(n, SIM_DEV_VXLAN);
		if (f->dev < 0)
			return -EINVAL;
		len = pl_sim_frame_decap(f->buf, f->len, &vni);
		if (len > 0)
			f->len = (uint32_t)len;
		else /* a bare inner frame: the source's identity, as unit mode gives it */
			vni = pl_sim_identity_of_src(&w->topo, f->buf, f->len);
		f->mark = n->vxlan_external ? PL_MARK_IDENTITY_MAGIC | (vni & PL_MARK_IDENTITY_MASK)
					    : 0;
		f->loc = LOC_VXLAN_RX;
		return 0;
	}
	return -EINVAL;
}

int pl_sim_fl_start(struct sim_walk *w, struct sim_flight *f, const uint8_t *frame, uint32_t len,
		    const struct sim_inject *at, uint64_t t, struct sim_walk_result *res)
{
	memset(res, 0, sizeof(*res));
	res->deliver_node = res->deliver_pod = res->drop_node = -1;
	res->t_inject = t;
	res->t_enqueue = res->t_dequeue = res->t_deliver = SIM_NO_TIME;
	if (len > PL_PKT_MAX)
		return -EMSGSIZE;
	pl_sim_hdrs_of(frame, len, &res->in);
	memset(&f->frags, 0, sizeof(*f) - offsetof(struct sim_flight, frags));
	memcpy(f->buf, frame, len);
	f->len = len;
	f->loc = LOC_DONE;
	f->node = f->dev = f->pod = -1;
	f->t = t;
	f->res = res;
	return start(w, f, at);
}

static int walk_one(struct sim_walk *w, struct sim_flight *f, const uint8_t *frame, uint32_t len,
		    const struct sim_inject *at, uint64_t t_ns, struct sim_walk_result *res)
{
	int err = pl_sim_fl_start(w, f, frame, len, at, t_ns, res);

	if (!err)
		err = pl_sim_fl_walk(w, f);
	if (err)
		pl_sim_walk_result_release(res);
	return err;
}

int pl_sim_walk_packet(struct sim_walk *w, const uint8_t *frame, uint32_t len,
		       const struct sim_inject *at, uint64_t t_ns, struct sim_walk_result *res)
{
	struct sim_flight *f = malloc(sizeof(*f));
	int err, err2;

	if (!f)
		return -ENOMEM;
	err = walk_one(w, f, frame, len, at, t_ns, res);
	free(f);
	err2 = pl_sim_env_enter(w, -1);
	return err ? err : err2;
}

int pl_sim_inject_choose(const struct topo *t, const uint8_t *frame, uint32_t len,
			 struct sim_inject *out)
{
	struct sim_hdrs h;
	int i;

	pl_sim_hdrs_of(frame, len, &h);
	memset(out, 0, sizeof(*out));
	out->pod = -1;
	if (!h.ipv4 && !h.encap)
		return -ENOENT;
	if (h.encap) {
		out->kind = SIM_INJECT_UPLINK;
		out->node = pl_topo_node_by_underlay_ip(t, h.outer_daddr);
		return out->node >= 0 ? 0 : -ENOENT;
	}
	if ((i = pl_topo_pod_by_ip(t, h.saddr)) >= 0) {
		out->kind = SIM_INJECT_POD;
		out->pod = i;
		out->node = t->pods[i].node;
		return 0;
	}
	out->kind = SIM_INJECT_UPLINK;
	if ((i = pl_topo_pod_by_ip(t, h.daddr)) >= 0)
		out->node = t->pods[i].node;
	else
		out->node = pl_topo_node_by_underlay_ip(t, h.daddr);
	return out->node >= 0 ? 0 : -ENOENT;
}

/* The IPv4 fields of one decoded header into h (the inner ones when encapsulated). */
const char *pl_sim_step_kind_name(enum sim_step_kind kind)
{
	static const char *const n[] = {
		[SIM_STEP_PROG] = "prog",   [SIM_STEP_VETH] = "veth",
		[SIM_STEP_STACK] = "stack", [SIM_STEP_NAT] = "nat",
		[SIM_STEP_ENCAP] = "encap", [SIM_STEP_DECAP] = "decap",
		[SIM_STEP_FRAG] = "frag",   [SIM_STEP_QDISC] = "qdisc",
		[SIM_STEP_WIRE] = "wire",   [SIM_STEP_DELIVER] = "deliver",
		[SIM_STEP_DROP] = "drop",
	};

	return kind <= SIM_STEP_DROP ? n[kind] : "?";
}

const char *pl_sim_delivery_name(enum sim_delivery d)
{
	static const char *const n[] = {"none", "pod", "stack", "world", "dropped"};

	return d <= SIM_DELIV_DROPPED ? n[d] : "?";
}

int pl_sim_delivery_str(const struct sim_walk_result *r, const struct topo *t, char *buf,
			size_t len)
{
	switch (r->delivery) {
	case SIM_DELIV_POD:
		return snprintf(buf, len, "%s", t->pods[r->deliver_pod].name);
	case SIM_DELIV_STACK:
		return snprintf(buf, len, "%s:stack", t->nodes[r->deliver_node].name);
	case SIM_DELIV_WORLD:
		return snprintf(buf, len, "world");
	case SIM_DELIV_DROPPED:
		return snprintf(buf, len, "dropped");
	default:
		return snprintf(buf, len, "none");
	}
}

static void print_hdrs(FILE *f, const struct sim_hdrs *h)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (h->ipip)
		fprintf(f, " [outer %s > %s ipip ttl %u]", pl_ip4_str(h->outer_saddr, s),
			pl_ip4_str(h->outer_daddr, d), h->outer_ttl);
	else if (h->encap)
		fprintf(f, " [outer %s > %s udp %u>4789 vni %u ttl %u]",
			pl_ip4_str(h->outer_saddr, s), pl_ip4_str(h->outer_daddr, d),
			h->outer_sport, h->vni, h->outer_ttl);
	if (h->ipv4)
		fprintf(f, " %s:%u > %s:%u proto %u ttl %u", pl_ip4_str(h->saddr, s), h->sport,
			pl_ip4_str(h->daddr, d), h->dport, h->proto, h->ttl);
	fprintf(f, " len %u\n", h->len);
}

void pl_sim_walk_result_print(FILE *f, const struct sim_walk_result *r, const struct topo *t)
{
	char where[64];
	int i;

	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];

		fprintf(f, "  %10llu ns %-8s %-8s %-10s %s |", (unsigned long long)s->t_ns,
			s->node >= 0 ? t->nodes[s->node].name : "-", pl_sim_step_kind_name(s->kind),
			s->dev, s->text);
		print_hdrs(f, &s->h);
	}
	pl_sim_delivery_str(r, t, where, sizeof(where));
	fprintf(f, "  => %s", where);
	if (r->delivery == SIM_DELIV_DROPPED)
		fprintf(f, " (%s%s)", pl_drop_reason_name(r->drop_reason),
			r->kernel_drop ? ", kernel" : "");
	if (r->t_deliver != SIM_NO_TIME)
		fprintf(f, " at %llu ns", (unsigned long long)r->t_deliver);
	fprintf(f, "\n");
}

int pl_sim_probe_frame(const struct topo *t, const struct sim_probe *p, uint8_t *buf, size_t cap)
{
	static uint8_t payload[PL_PKT_MAX];
	struct pl_pkt_spec s = {0};
	size_t hl;

	if (p->from_pod < 0 || p->from_pod >= t->npods)
		return -EINVAL;
	pl_plan_mac(0, p->from_pod, s.smac);
	pl_plan_mac(1, p->from_pod, s.dmac);
	s.saddr = t->pods[p->from_pod].ip;
	s.daddr = p->daddr;
	s.proto = p->proto ? p->proto : IPPROTO_TCP;
	s.ttl = 64;
	s.ip_id = 1;
	s.frag = p->no_df ? 0 : 0x4000;
	if (p->v6) {
		s.family = AF_INET6;
		memcpy(s.saddr6, t->pods[p->from_pod].ip6, 16);
		memcpy(s.daddr6, p->daddr6, 16);
		s.ip_id = 0;
		s.frag = 0;
	}
	s.sport = p->sport ? p->sport : 40000;
	s.dport = p->dport ? p->dport : 80;
	if (s.proto == IPPROTO_TCP) {
		s.tcp_flags = 0x02; /* SYN */
		s.seq = 1;
	} else if (s.proto == IPPROTO_ICMP) {
		s.proto = p->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		s.icmp_type = p->v6 ? 128 : 8;
		s.sport = p->sport ? p->sport : 1;
		s.icmp_seq = 1;
	}
	hl = (p->v6 ? 40 : 20) + (s.proto == IPPROTO_TCP ? 20 : 8);
	if (p->ip_len > hl) {
		if (p->ip_len - hl > sizeof(payload))
			return -EMSGSIZE;
		memset(payload, 0, p->ip_len - hl);
		s.payload = payload;
		s.payload_len = p->ip_len - hl;
	}
	return pl_pkt_build(&s, buf, cap);
}

int pl_sim_walk_probe(struct sim_walk *w, const struct sim_probe *p, struct sim_walk_result *res)
{
	struct sim_inject at = {.kind = SIM_INJECT_POD, .pod = p->from_pod};
	uint8_t *buf = malloc(PL_PKT_MAX);
	int len, err;

	if (!buf)
		return -ENOMEM;
	len = pl_sim_probe_frame(&w->topo, p, buf, PL_PKT_MAX);
	if (len < 0) {
		free(buf);
		return len;
	}
	at.node = w->topo.pods[p->from_pod].node;
	err = pl_sim_walk_packet(w, buf, (uint32_t)len, &at, 0, res);
	free(buf);
	return err;
}
