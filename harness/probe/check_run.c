// SPDX-License-Identifier: GPL-2.0
/*
 * podlab check, the run: the connectivity matrix with its NAT-free evidence
 * and underlay capture, then the MTU and shaping sections (check_measure.c),
 * then the verdict.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "probe/capture.h"
#include "probe/check.h"
#include "probe/check_internal.h"
#include "probe/nsrun.h"
#include "topo/policy_l7.h"

#define MATRIX_WORKERS 16

/* legacy: pod traffic leaving its node is MASQUERADEd to the node's IP. */
static uint32_t want_source(const struct topo *t, int src, int dst)
{
	const struct topo_pod *s = &t->pods[src], *d = &t->pods[dst];

	if (t->routing == PL_ROUTING_LEGACY && s->node != d->node)
		return t->nodes[s->node].underlay_ip;
	return s->ip;
}

/* legacy: the ip6 MASQUERADE rewrites it to the source node's ipv6 (on its vxlan0). */
static void want_source6(const struct topo *t, int src, int dst, uint8_t *out)
{
	const struct topo_pod *s = &t->pods[src], *d = &t->pods[dst];

	if (t->routing == PL_ROUTING_LEGACY && s->node != d->node)
		memcpy(out, t->nodes[s->node].underlay_ip6, 16);
	else
		memcpy(out, s->ip6, 16);
}

#define NODE_ADDRS_MAX 16

/* Every IPv4 address a node's namespace holds: where a MASQUERADEd source may come from. */
struct node_addrs {
	uint32_t ip[NODE_ADDRS_MAX];
	int n;
};

static bool node_has_addr(const struct node_addrs *na, uint32_t ip)
{
	int i;

	for (i = 0; i < na->n; i++)
		if (na->ip[i] == ip)
			return true;
	return false;
}

struct matrix {
	const struct pl_check_opts *opts;
	struct node_addrs *naddrs;
	struct pl_check_report *r;
	struct pl_probe_server **servers;
	struct check_events *ce;
	int *next; /* next probe to run, shared by the workers */
};

/* An IPv6 probe: drops matched by the pods' IPv6 addresses (or legacy's masqueraded source). */
static void run_probe6(struct matrix *m, struct pl_check_probe *p)
{
	const struct topo *t = m->opts->topo;
	const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
	struct pl_probe_req req = {.proto = p->proto,
				   .v6 = true,
				   .dport = p->dport,
				   .timeout_ms = m->opts->timeout_ms,
				   .server = m->servers[p->dst]};
	char ns[128];
	struct pl_flow_event ev;
	uint64_t since = pl_now_ns();
	bool reply = false;

	memcpy(req.dst_ip6, d->ip6, 16);
	pl_check_netns(m->opts->run, s->name, ns, sizeof(ns));
	req.src_netns = ns;
	if (pl_probe(&req, &p->res)) {
		p->res.status = PL_PROBE_ERROR;
		p->res.err = errno;
	}
	p->delivered = p->res.status == PL_PROBE_DELIVERED && p->res.seen;
	if (!p->delivered)
		p->has_drop = pl_check_events_find_drop6(m->ce, since, s->ip6, d->ip6, p->proto,
							 p->dport, &ev, &p->drop_node, &reply);
	/* legacy: dropped on the far side with the node's ipv6 as its source. */
	want_source6(t, p->src, p->dst, p->want_src6);
	if (!p->delivered && !p->has_drop && memcmp(p->want_src6, s->ip6, 16))
		p->has_drop =
			pl_check_events_find_drop6(m->ce, since, p->want_src6, d->ip6, p->proto,
						   p->dport, &ev, &p->drop_node, &reply);
	if (p->has_drop) {
		p->drop_reply = reply;
		p->drop_reason = ev.drop_reason;
		p->drop_prog = ev.prog;
	}
	p->ok = p->expect == PL_EXPECT_UNKNOWN || (p->expect == PL_EXPECT_ALLOW) == p->delivered;
	if (p->ok && p->has_drop && p->expect == PL_EXPECT_DENY && p->expect_reason &&
	    p->drop_reason != p->expect_reason)
		p->ok = false;
	p->nat_ok = p->delivered && p->res.sighting.v6 &&
		    !memcmp(p->res.sighting.peer_ip6, p->want_src6, 16);
}

static void run_probe(struct matrix *m, struct pl_check_probe *p)
{
	const struct topo *t = m->opts->topo;
	const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
	struct pl_probe_req req = {.proto = p->proto,
				   .dst_ip = d->ip,
				   .dport = p->dport,
				   .timeout_ms = m->opts->timeout_ms,
				   .server = m->servers[p->dst]};
	char ns[128];
	struct pl_flow_event ev;
	uint64_t since = pl_now_ns();
	bool reply = false;
	int i;

	pl_check_netns(m->opts->run, s->name, ns, sizeof(ns));
	req.src_netns = ns;
	if (pl_probe(&req, &p->res)) {
		p->res.status = PL_PROBE_ERROR;
		p->res.err = errno;
	}
	p->delivered = p->res.status == PL_PROBE_DELIVERED && p->res.seen;
	/* The proxy terminates it: an accepted connection is what L4 lets through. */
	p->to_proxy = p->proxied && p->res.status == PL_PROBE_DELIVERED;
	/* The pod's own address first: it is unambiguous. */
	if (!p->delivered)
		p->has_drop = pl_check_events_find_drop(m->ce, since, s->ip, s->ip, d->ip, p->proto,
							p->dport, &ev, &p->drop_node, &reply);
	/* MASQUERADE may have put any of the source node's addresses on it. */
	for (i = 0; !p->delivered && !p->has_drop && i < m->naddrs[s->node].n; i++)
		p->has_drop = pl_check_events_find_drop(m->ce, since, s->ip,
							m->naddrs[s->node].ip[i], d->ip, p->proto,
							p->dport, &ev, &p->drop_node, &reply);
	if (p->has_drop) {
		p->drop_reply = reply;
		p->drop_reason = ev.drop_reason;
		p->drop_prog = ev.prog;
	}
	p->ok = p->expect == PL_EXPECT_UNKNOWN ||
		(p->expect == PL_EXPECT_ALLOW) == (p->delivered || p->to_proxy);
	/* A drop the datapath explains differently from the policy is a mismatch too. */
	if (p->ok && p->has_drop && p->expect == PL_EXPECT_DENY && p->expect_reason &&
	    p->drop_reason != p->expect_reason)
		p->ok = false;
	p->want_src = want_source(t, p->src, p->dst);
	if (p->want_src != s->ip && node_has_addr(&m->naddrs[s->node], p->res.sighting.peer_ip))
		p->want_src = p->res.sighting
				      .peer_ip; /* masqueraded to another of the node's addresses */
	p->nat_ok = p->delivered && p->res.sighting.peer_ip == p->want_src;
}

/*
 * Probes from one node to one destination socket share a lane and run one after the
 * other: in legacy mode they leave with the same masqueraded source, and a drop event
 * could not tell them apart. Lanes run in parallel.
 */
static bool same_lane(const struct topo *t, const struct pl_check_probe *a,
		      const struct pl_check_probe *b)
{
	return t->pods[a->src].node == t->pods[b->src].node && a->dst == b->dst && a->v6 == b->v6 &&
	       a->proto == b->proto && a->dport == b->dport;
}

static void *matrix_worker(void *arg)
{
	struct matrix *m = arg;
	const struct topo *t = m->opts->topo;
	struct pl_check_probe *p = m->r->probes;
	int i, j;

	while ((i = __atomic_fetch_add(m->next, 1, __ATOMIC_RELAXED)) < m->r->nprobes) {
		for (j = 0; j < i && !same_lane(t, &p[j], &p[i]); j++)
			;
		if (j < i)
			continue; /* not the first of its lane: that one's worker runs it */
		for (j = i; j < m->r->nprobes; j++) {
			if (!same_lane(t, &p[j], &p[i]))
				continue;
			if (p[j].v6)
				run_probe6(m, &p[j]);
			else
				run_probe(m, &p[j]);
		}
	}
	return NULL;
}

static int plan_probes(const struct pl_check_opts *o, struct pl_check_report *r, uint16_t *tcp,
		       int ntcp, uint16_t *udp, int nudp)
{
	const struct topo *t = o->topo;
	int s, d, k, n = 0, per = 1 + ntcp + nudp, fam, nfam = pl_topo_has_v6(t) ? 2 : 1;
	struct policy_proxies pp = {0};
	struct topo_pos bad;

	r->probes = calloc((size_t)t->npods * t->npods * per * nfam, sizeof(*r->probes));
	if (!r->probes)
		return -ENOMEM;
	/* IPv4's matrix, then (dual stack) the same pairs again over IPv6. */
	if (!o->no_datapath && pl_policy_proxies(t, &pp, &bad))
		return -EINVAL;
	for (fam = 0; fam < nfam; fam++) {
		for (s = 0; s < t->npods; s++) {
			for (d = 0; d < t->npods; d++) {
				if (s == d)
					continue;
				for (k = 0; k < per; k++) {
					struct pl_check_probe *p = &r->probes[n++];

					p->src = s;
					p->dst = d;
					p->v6 = fam;
					p->drop_node = -1;
					if (k == 0) {
						p->proto = fam ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
					} else if (k <= ntcp) {
						p->proto = IPPROTO_TCP;
						p->dport = tcp[k - 1];
					} else {
						p->proto = IPPROTO_UDP;
						p->dport = udp[k - 1 - ntcp];
					}
					p->proxied = !fam && p->proto == IPPROTO_TCP &&
						     pl_policy_proxy_find(&pp, d, p->dport);
					/* Without the datapath nothing enforces the policies. */
					p->expect = o->no_datapath
							    ? PL_EXPECT_ALLOW
							    : pl_check_expected(t, s, d, p->proto,
										p->dport,
										&p->expect_reason);
				}
			}
		}
	}
	r->nprobes = n;
	pl_policy_proxies_free(&pp);
	return 0;
}

/* Does this capture hold the probe's packets as the routing mode says they should look? */
static bool underlay_has(const struct topo *t, const struct pl_check_probe *p,
			 const struct pl_cap_flow *f, int nf)
{
	const struct topo_pod *s = &t->pods[p->src], *d = &t->pods[p->dst];
	int i;

	for (i = 0; i < nf; i++) {
		if (!f[i].outgoing)
			continue;
		if (t->routing == PL_ROUTING_IPIP) {
			/* CrossSubnet: bare inside a subnet, IP-in-IP across. */
			bool encap = t->ipip_mode == TOPO_IPIP_ALWAYS ||
				     !pl_topo_same_subnet(t, s->node, d->node);

			if (encap && f[i].kind == PL_CAP_IPIP &&
			    f[i].src == t->nodes[s->node].underlay_ip &&
			    f[i].dst == t->nodes[d->node].underlay_ip && f[i].inner_src == s->ip &&
			    f[i].inner_dst == d->ip && f[i].inner_proto == p->proto)
				return true;
			if (!encap && f[i].kind == PL_CAP_PLAIN && f[i].src == s->ip &&
			    f[i].dst == d->ip && f[i].proto == p->proto)
				return true;
			continue;
		}
		if (!pl_topo_overlay(t)) {
			if (f[i].kind == PL_CAP_PLAIN && f[i].src == s->ip && f[i].dst == d->ip &&
			    f[i].proto == p->proto)
				return true;
			continue;
		}
		if (f[i].kind == PL_CAP_VXLAN && f[i].src == t->nodes[s->node].underlay_ip &&
		    f[i].dst == t->nodes[d->node].underlay_ip && f[i].inner_dst == d->ip &&
		    f[i].inner_proto == p->proto &&
		    (t->routing == PL_ROUTING_LEGACY || f[i].inner_src == s->ip))
			return true;
	}
	return false;
}

static void underlay_judge(const struct topo *t, struct pl_check_report *r,
			   struct pl_check_underlay *u, const struct pl_cap_flow *f, int nf)
{
	int i, k;

	for (i = 0; i < nf; i++) {
		/* Pod <-> node address: legacy's replies to the MASQUERADE address go bare. */
		if (f[i].kind == PL_CAP_PLAIN && ((pl_check_in_pod_cidr(t, f[i].src) &&
						   pl_topo_node_by_underlay_ip(t, f[i].dst) >= 0) ||
						  (pl_check_in_pod_cidr(t, f[i].dst) &&
						   pl_topo_node_by_underlay_ip(t, f[i].src) >= 0)))
			u->plain_node_pkts += f[i].packets;
		if (f[i].kind == PL_CAP_PLAIN && pl_check_in_pod_cidr(t, f[i].src) &&
		    pl_check_in_pod_cidr(t, f[i].dst)) {
			u->plain_pod_pkts += f[i].packets;
			if (f[i].outgoing || !u->plain_src) {
				u->plain_src = f[i].src;
				u->plain_dst = f[i].dst;
			}
		}
		if (f[i].kind != PL_CAP_VXLAN && f[i].kind != PL_CAP_IPIP)
			continue;
		u->vxlan_pkts += f[i].packets;
		if (pl_check_in_pod_cidr(t, f[i].inner_src) ||
		    pl_check_in_pod_cidr(t, f[i].inner_dst))
			u->vxlan_pod_pkts += f[i].packets;
		if (f[i].outgoing && pl_check_in_pod_cidr(t, f[i].inner_dst)) {
			u->outer_src = f[i].src;
			u->outer_dst = f[i].dst;
			u->inner_src = f[i].inner_src;
			u->inner_dst = f[i].inner_dst;
			u->vni = f[i].vni;
		}
		if (f[i].kind != PL_CAP_VXLAN)
			continue;
		for (k = 0; k < u->nvnis && u->vnis[k] != f[i].vni; k++)
			;
		if (k == u->nvnis && k < (int)(sizeof(u->vnis) / sizeof(u->vnis[0])))
			u->vnis[u->nvnis++] = f[i].vni;
	}
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];

		/* The capture decodes IPv4 (inner IPv4 in VXLAN): IPv6 probes are not looked for.
		 */
		if (!p->delivered || p->v6 || t->pods[p->src].node != u->node ||
		    t->pods[p->dst].node == u->node)
			continue;
		u->want++;
		u->found += underlay_has(t, p, f, nf);
	}
	u->ok = u->found == u->want;
	if (!u->ok)
		snprintf(u->why, sizeof(u->why), "%d of %d cross-node probes not seen as %s",
			 u->want - u->found, u->want,
			 t->routing == PL_ROUTING_IPIP ? "IP-in-IP (or bare within a subnet)"
			 : !pl_topo_overlay(t)	       ? "plain pod IPs"
						       : "VXLAN");
	if (t->routing == PL_ROUTING_IPIP) {
		if (t->ipip_mode == TOPO_IPIP_ALWAYS && u->plain_pod_pkts) {
			u->ok = false;
			snprintf(u->why, sizeof(u->why),
				 "ipipMode Always but %llu packets with bare pod IPs",
				 (unsigned long long)u->plain_pod_pkts);
		}
	} else if (!pl_topo_overlay(t) && u->vxlan_pod_pkts) {
		u->ok = false;
		snprintf(u->why, sizeof(u->why), "native routing but %llu VXLAN packets",
			 (unsigned long long)u->vxlan_pod_pkts);
	} else if (pl_topo_overlay(t) && u->plain_pod_pkts) {
		u->ok = false;
		snprintf(u->why, sizeof(u->why), "%s but %llu packets with bare pod IPs",
			 pl_topo_routing_name(t->routing), (unsigned long long)u->plain_pod_pkts);
	} else if (u->ok && !u->want) {
		snprintf(u->why, sizeof(u->why), "no cross-node probe was delivered from here");
	} else if (u->ok && u->plain_node_pkts && t->routing == PL_ROUTING_LEGACY) {
		snprintf(u->why, sizeof(u->why),
			 "%llu bare packets between pods and node addresses (replies to the "
			 "MASQUERADE address take the underlay)",
			 (unsigned long long)u->plain_node_pkts);
	}
}

static int run_matrix(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	uint16_t tcp[CHECK_MAX_PORTS], udp[CHECK_MAX_PORTS];
	int ntcp = pl_check_ports(t, IPPROTO_TCP, 80, tcp),
	    nudp = pl_check_ports(t, IPPROTO_UDP, 53, udp);
	struct pl_probe_server **servers = NULL;
	struct pl_capture **caps = NULL;
	struct node_addrs *naddrs = NULL;
	struct matrix *m = NULL;
	pthread_t *th = NULL;
	char ns[128];
	int i, err, nth = 0, nworkers, next = 0;

	err = plan_probes(o, r, tcp, ntcp, udp, nudp);
	if (err)
		return err;
	servers = calloc(t->npods, sizeof(*servers));
	caps = calloc(t->nnodes, sizeof(*caps));
	nworkers = r->nprobes < MATRIX_WORKERS ? r->nprobes : MATRIX_WORKERS;
	m = calloc(nworkers ? nworkers : 1, sizeof(*m));
	th = calloc(nworkers ? nworkers : 1, sizeof(*th));
	naddrs = calloc(t->nnodes, sizeof(*naddrs));
	r->underlay = calloc(t->nnodes, sizeof(*r->underlay));
	if (!servers || !caps || !m || !th || !naddrs || !r->underlay) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < t->npods; i++) {
		pl_check_netns(o->run, t->pods[i].name, ns, sizeof(ns));
		err = pl_probe_server_start(ns, tcp, ntcp, udp, nudp,
					    PL_PROBE_SRV_ICMP |
						    (pl_topo_has_v6(t) ? PL_PROBE_SRV_IPV6 : 0),
					    &servers[i]);
		if (err) {
			pl_err_errno(err, "starting the probe server in %s", ns);
			goto out;
		}
	}
	for (i = 0; i < t->nnodes; i++) {
		pl_check_netns(o->run, t->nodes[i].name, ns, sizeof(ns));
		naddrs[i].n = pl_nsrun_addrs(ns, naddrs[i].ip, NODE_ADDRS_MAX);
		if (naddrs[i].n < 0) {
			err = pl_err_errno(naddrs[i].n, "listing the addresses of node %s (%s)",
					   t->nodes[i].name, ns);
			goto out;
		}
	}
	if (!o->no_datapath && pl_check_events_open(o->run, t, &m[0].ce))
		pl_warn("no flow events for run %s: drop reasons will not be shown", o->run);
	r->events_available = m[0].ce != NULL;
	for (i = 0; i < t->nnodes && (r->sections & PL_CHECK_UNDERLAY); i++) {
		struct pl_check_underlay *u = &r->underlay[r->nunderlay++];

		u->node = i;
		pl_check_netns(o->run, t->nodes[i].name, ns, sizeof(ns));
		err = pl_nsrun_dev_by_ip(ns, t->nodes[i].underlay_ip, u->dev);
		if (!err)
			err = pl_capture_start(ns, u->dev, &caps[i]);
		if (err) {
			pl_err_errno(err, "capturing on the uplink of node %s (%s)",
				     t->nodes[i].name, ns);
			goto out;
		}
	}
	/* Probes are independent (own sockets, tokens, addresses): their timeouts overlap. */
	for (i = 0; i < nworkers; i++) {
		m[i] = (struct matrix){.opts = o,
				       .naddrs = naddrs,
				       .r = r,
				       .servers = servers,
				       .ce = m[0].ce,
				       .next = &next};
		err = pthread_create(&th[nth], NULL, matrix_worker, &m[i]);
		if (err) {
			err = -err;
			break;
		}
		nth++;
	}
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
out:
	for (i = 0; i < t->nnodes && caps; i++) {
		struct pl_cap_flow *f = NULL;
		int nf = 0;

		if (!caps[i])
			continue;
		pl_capture_stop(caps[i], &f, &nf);
		if (!err)
			underlay_judge(t, r, &r->underlay[i], f, nf);
		free(f);
	}
	for (i = 0; i < t->npods && servers; i++)
		pl_probe_server_stop(servers[i]);
	if (m) {
		r->nunattr = pl_check_events_unattributed(m[0].ce, r->unattr, 8);
		pl_check_events_close(m[0].ce);
	}
	free(servers);
	free(naddrs);
	free(caps);
	free(m);
	free(th);
	return err;
}

int pl_check_run(const struct pl_check_opts *o, struct pl_check_report **out)
{
	struct pl_check_report *r;
	int err = 0;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->topo = o->topo;
	snprintf(r->run, sizeof(r->run), "%s", o->run);
	r->no_datapath = o->no_datapath;
	r->sections = o->sections ? o->sections : PL_CHECK_ALL;
	/* Ingress is the world's HTTP to nginx: by default only where a topology has both. */
	if (!o->sections && !pl_check_ingress_applies(o->topo))
		r->sections &= ~PL_CHECK_INGRESS;
	if (!o->sections && (o->no_datapath || !pl_policy_has_proxies(o->topo)))
		r->sections &= ~PL_CHECK_L7;
	if (r->sections & (PL_CHECK_CONNECTIVITY | PL_CHECK_NATFREE | PL_CHECK_UNDERLAY)) {
		err = run_matrix(o, r);
		if (err)
			goto err_out;
	}
	if (r->sections & PL_CHECK_MTU) {
		err = pl_check_run_mtu(o, r);
		if (err)
			goto err_out;
	}
	if (r->sections & PL_CHECK_SHAPING) {
		err = pl_check_run_shaping(o, r);
		if (err)
			goto err_out;
	}
	if (r->sections & PL_CHECK_ROUTES) {
		err = pl_check_run_routes(o, r);
		if (err)
			goto err_out;
	}
	if (r->sections & PL_CHECK_INGRESS) {
		err = pl_check_run_ingress(o, r);
		if (err)
			goto err_out;
	}
	if (r->sections & PL_CHECK_L7) {
		err = pl_check_run_l7(o, r);
		if (err)
			goto err_out;
	}
	pl_check_judge(r);
	*out = r;
	return 0;
err_out:
	pl_check_report_free(r);
	return err;
}
