// SPDX-License-Identifier: GPL-2.0
/*
 * podlab explain: one pod's packet walked through the simulator, printed hop
 * by hop with what each hook decided and what changed in the headers; with
 * several routing modes, a comparison table (the overlay + NAT lesson).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/explain_http.h"
#include "lib/datapath.h"
#include "lib/pkt.h"
#include "topo/topo.h"
#include "walk.h"

#define MAX_MODES	 PL_ROUTING__COUNT
#define EXPLAIN_HDRS_MAX 8

struct explain_args {
	const char *topology, *from, *to;
	struct sim_probe probe;
	int modes[MAX_MODES];
	int nmodes;
	bool http; /* --http-*: the L7 decision too */
	struct pl_http_req req;
	const char *hdr_name[EXPLAIN_HDRS_MAX], *hdr_value[EXPLAIN_HDRS_MAX];
	char hdr_buf[EXPLAIN_HDRS_MAX][256];
};

static const char *mac_s(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* What changed in the headers between two steps, as a teaching line. */
static void print_changes(const struct sim_hdrs *a, const struct sim_hdrs *b)
{
	char x[INET_ADDRSTRLEN], y[INET_ADDRSTRLEN], m1[18], m2[18];
	int n = 0;

#define SEP (n++ ? ", " : "")
	if (b->ipip && !a->encap)
		printf("%s+outer %s > %s protocol 4 (IP-in-IP) TTL %u%s (+20 bytes)", SEP,
		       pl_ip4_str(b->outer_saddr, x), pl_ip4_str(b->outer_daddr, y), b->outer_ttl,
		       b->outer_df ? " DF" : "");
	else if (b->encap && !a->encap)
		printf("%s+outer %s > %s UDP %u>4789 VNI %u TTL %u%s (+%d bytes)", SEP,
		       pl_ip4_str(b->outer_saddr, x), pl_ip4_str(b->outer_daddr, y), b->outer_sport,
		       b->vni, b->outer_ttl, b->outer_df ? " DF" : "", SIM_VXLAN_OVERHEAD);
	if (a->encap && !b->encap)
		printf("%souter headers removed (-%d bytes)", SEP,
		       a->ipip ? 20 : SIM_VXLAN_OVERHEAD);
	if (memcmp(a->smac, b->smac, 6) || memcmp(a->dmac, b->dmac, 6))
		printf("%sMAC %s > %s", SEP, mac_s(b->smac, m1), mac_s(b->dmac, m2));
	if (a->saddr != b->saddr)
		printf("%ssource %s → %s", SEP, pl_ip4_str(a->saddr, x), pl_ip4_str(b->saddr, y));
	if (a->daddr != b->daddr)
		printf("%sdestination %s → %s", SEP, pl_ip4_str(a->daddr, x),
		       pl_ip4_str(b->daddr, y));
	if (a->ttl != b->ttl)
		printf("%sTTL %u → %u", SEP, a->ttl, b->ttl);
	if (a->len != b->len && !(b->encap != a->encap))
		printf("%sframe %u → %u bytes", SEP, a->len, b->len);
	if (n)
		printf("\n");
#undef SEP
}

/* The service whose ClusterIP is ip (network order), or NULL. */
static const char *service_of(const struct topo *t, uint32_t ip)
{
	int i;

	for (i = 0; i < t->nservices; i++)
		if (t->services[i].cluster_ip == ip)
			return t->services[i].name;
	return NULL;
}

/* The service translation a program made, named after its service (ClusterIP or nodePort). */
static void print_nat(const struct topo *t, const struct pl_flow_event *ev)
{
	const char *svc = NULL;
	char nat[160];
	int i, j;

	if (pl_event_nat_str(ev, nat, sizeof(nat)) <= 0)
		return;
	for (i = 0; i < t->nservices && !svc && (ev->flags & PL_EV_F_SVC_DNAT); i++)
		for (j = 0; j < t->services[i].nports && !svc; j++)
			if (t->services[i].cluster_ip == ev->svc_daddr
				    ? t->services[i].ports[j].port == ntohs(ev->svc_dport)
				    : t->services[i].ports[j].node_port == ntohs(ev->svc_dport))
				svc = t->services[i].name;
	printf("  %2s %-6s %-12s %-11s service translation:%s", "", "", "", "", nat);
	if (svc)
		printf(" (service %s)", svc);
	printf("\n");
}

static void print_walk(const struct sim_walk *w, const struct topo *t,
		       const struct sim_walk_result *r)
{
	const struct sim_hdrs *prev = &r->in;
	char where[64];
	int i, hops = 0;

	for (i = 0; i < r->nsteps; i++) {
		const struct sim_step *s = &r->steps[i];
		uint32_t l3 = s->h.encap ? s->h.outer_ip_len : s->h.ip_len;

		if (s->kind == SIM_STEP_PROG)
			hops++;
		printf("  %2d %-6s %-12s %-11s %s\n", i + 1,
		       s->node >= 0 ? t->nodes[s->node].name : "-", s->dev,
		       s->kind == SIM_STEP_PROG ? s->hook : pl_sim_step_kind_name(s->kind),
		       s->text);
		if (s->kind == SIM_STEP_PROG && s->has_event && s->ev.redirect)
			printf("  %2s %-6s %-12s %-11s bpf redirect (%s) to %s (ifindex %u)\n", "",
			       "", "", "", pl_redirect_name(s->ev.redirect),
			       pl_sim_walk_ifname(w, s->node, s->ev.target_ifindex),
			       s->ev.target_ifindex);
		if (s->kind == SIM_STEP_PROG && s->has_event)
			print_nat(t, &s->ev);
		if (memcmp(prev, &s->h, sizeof(*prev))) {
			printf("  %2s %-6s %-12s %-11s ", "", "", "", "");
			print_changes(prev, &s->h);
		}
		if (s->mtu && l3 && s->kind != SIM_STEP_DROP)
			printf("  %2s %-6s %-12s %-11s MTU %u, packet %u: headroom %d bytes\n", "",
			       "", "", "", s->mtu, l3, (int)s->mtu - (int)l3);
		prev = &s->h;
	}
	pl_sim_delivery_str(r, t, where, sizeof(where));
	printf("  => %s", where);
	if (r->delivery == SIM_DELIV_DROPPED)
		printf(": %s (%s), %s", pl_drop_reason_name(r->drop_reason),
		       pl_drop_reason_str(r->drop_reason),
		       r->kernel_drop ? "by the kernel" : "by the datapath");
	printf(" — %d program runs\n", hops);
}

struct summary {
	char result[64];
	int progs, nodes;
	int overhead;
	char src_seen[PL_ADDR_STRLEN + 16];
	char identity[32];
	int ttl;
	uint32_t pod_mtu;
	char outer[48];
};

static void summarize(const struct topo *t, const struct sim_walk *w, const struct explain_args *a,
		      const struct sim_walk_result *r, struct summary *s)
{
	const struct topo *wt = pl_sim_walk_topo(w);
	char ip[PL_ADDR_STRLEN];
	int i, last_node = -3;

	memset(s, 0, sizeof(*s));
	pl_sim_delivery_str(r, t, s->result, sizeof(s->result));
	if (r->delivery == SIM_DELIV_DROPPED)
		snprintf(s->result, sizeof(s->result), "drop %s",
			 pl_drop_reason_name(r->drop_reason));
	for (i = 0; i < r->nsteps; i++) {
		if (r->steps[i].kind == SIM_STEP_PROG)
			s->progs++;
		if (r->steps[i].node >= 0 && r->steps[i].node != last_node) {
			s->nodes++;
			last_node = r->steps[i].node;
		}
	}
	s->overhead = (int)pl_topo_encap_overhead(wt);
	/* What the destination node's datapath saw: the last program's event. */
	for (i = r->nsteps - 1; i >= 0; i--)
		if (r->steps[i].kind == SIM_STEP_PROG && r->steps[i].has_event &&
		    r->steps[i].node != t->pods[a->probe.from_pod].node)
			break;
	if (i < 0) {
		snprintf(s->src_seen, sizeof(s->src_seen), "- (not reached)");
		snprintf(s->identity, sizeof(s->identity), "-");
	} else {
		const struct pl_flow_event *ev = &r->steps[i].ev;

		if (ev->flags & PL_EV_F_IPV6)
			snprintf(s->src_seen, sizeof(s->src_seen), "%s%s",
				 pl_addr_str(AF_INET6, ev->saddr6, ip),
				 !memcmp(ev->saddr6, t->pods[a->probe.from_pod].ip6, 16)
					 ? " (pod)"
					 : " (NAT)");
		else
			snprintf(s->src_seen, sizeof(s->src_seen), "%s%s",
				 pl_ip4_str(ev->saddr, ip),
				 ev->saddr == t->pods[a->probe.from_pod].ip ? " (pod)" : " (NAT)");
		snprintf(s->identity, sizeof(s->identity), "%u%s", ev->src_identity,
			 ev->src_identity == PL_ID_REMOTE_NODE ? " (remote-node)"
			 : ev->src_identity == t->pods[a->probe.from_pod].identity ? " (the pod's)"
										   : "");
	}
	s->ttl = -1;
	if (r->delivery == SIM_DELIV_POD && r->out) {
		struct sim_hdrs h;

		struct pl_pkt_info pi;

		pl_sim_hdrs_of(r->out, r->out_len, &h);
		s->ttl = h.ttl;
		if (a->probe.v6 && !pl_pkt_parse(r->out, r->out_len, &pi) && pi.ipv6)
			s->ttl = pi.ttl; /* the hop limit */
	}
	s->pod_mtu = pl_topo_pod_mtu(wt);
	if (r->encap && r->encap_ipip)
		snprintf(s->outer, sizeof(s->outer), "IPv4 proto 4");
	else if (r->encap)
		snprintf(s->outer, sizeof(s->outer), "VNI %u", r->vni);
	else
		snprintf(s->outer, sizeof(s->outer), "%s",
			 !pl_topo_encap_overhead(wt) ? "none" : "- (not reached)");
}

static void print_table(const struct explain_args *a, const struct summary *s)
{
	char c[2048], ttl[16];
	int m;

#define ROW(label, fmt, ...)                                                                       \
	do {                                                                                       \
		printf("  %-28s", label);                                                          \
		for (m = 0; m < a->nmodes; m++) {                                                  \
			snprintf(c, sizeof(c), fmt, __VA_ARGS__);                                  \
			printf(" %-24s", c);                                                       \
		}                                                                                  \
		printf("\n");                                                                      \
	} while (0)
	printf("\ncomparison:\n");
	ROW("", "%s", pl_topo_routing_name(a->modes[m]));
	ROW("result", "%s", s[m].result);
	ROW("program runs (hooks)", "%d", s[m].progs);
	ROW("nodes visited", "%d", s[m].nodes);
	ROW("encapsulation", "%s", s[m].outer);
	ROW("encap overhead per packet", "%d bytes", s[m].overhead);
	ROW("source seen by dest. node", "%s", s[m].src_seen);
	ROW("source identity it derived", "%s", s[m].identity);
	ROW("TTL at destination", "%s",
	    s[m].ttl < 0 ? "-" : (snprintf(ttl, sizeof(ttl), "%d", s[m].ttl), ttl));
	ROW("MTU available to the pod", "%u", s[m].pod_mtu);
#undef ROW
	printf("\nwhat differs:\n");
	for (m = 0; m < a->nmodes; m++) {
		const char *mode = pl_topo_routing_name(a->modes[m]);

		if (s[m].overhead)
			printf("  %s: every packet carries %d bytes of %s headers, so the pod's "
			       "MTU "
			       "is %u, not %u\n",
			       mode, s[m].overhead,
			       a->modes[m] == PL_ROUTING_IPIP ? "IP-in-IP (one outer IPv4)"
							      : "VXLAN/UDP/IPv4/Ethernet",
			       s[m].pod_mtu, s[m].pod_mtu + s[m].overhead);
		if (s[m].ttl >= 0)
			printf("  %s: the TTL arrives as %d: %d routed hop%s (%s)\n", mode,
			       s[m].ttl, 64 - s[m].ttl, 64 - s[m].ttl == 1 ? "" : "s",
			       s[m].ttl == 64 ? "inside the tunnel the node hop does not count"
			       : a->modes[m] == PL_ROUTING_FABRIC
				       ? "the sending node and the fabric router each decrement it"
				       : "each node that routes it decrements it");
		if (strstr(s[m].src_seen, "(NAT)"))
			printf("  %s: MASQUERADE rewrote the source: the destination sees %s and "
			       "derives identity %s, not the pod's; policies that name the pod "
			       "cannot match it\n",
			       mode, s[m].src_seen, s[m].identity);
		else if (strstr(s[m].src_seen, "(pod)"))
			printf("  %s: NAT-free: the destination sees the pod's own address and "
			       "identity %s\n",
			       mode, s[m].identity);
	}
}

static int parse_modes(struct explain_args *a, const char *list)
{
	char buf[64], *tok, *save;
	int m;

	snprintf(buf, sizeof(buf), "%s", list);
	a->nmodes = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		m = pl_routing_mode_by_name(tok);
		if (m < 0 || a->nmodes == MAX_MODES)
			return pl_cmd_usage_error("explain", "unknown routing mode '%s'", tok);
		a->modes[a->nmodes++] = m;
	}
	return a->nmodes ? 0 : pl_cmd_usage_error("explain", "--routing needs a mode");
}

/* A port or a size: 0..65535 (0 = the default). */
static int u16_arg(const char *opt, const char *v, uint16_t *out)
{
	uint64_t n;
	int ret;

	ret = pl_cmd_parse_uint("explain", opt, v, 0, 65535, &n);
	if (!ret)
		*out = (uint16_t)n;
	return ret;
}

/* --http-header "Name: value" (or "Name"). */
static int header_arg(struct explain_args *a, const char *v)
{
	int n = a->req.nheaders;
	char *c;

	if (n == EXPLAIN_HDRS_MAX)
		return pl_cmd_usage_error("explain", "at most %d --http-header", EXPLAIN_HDRS_MAX);
	snprintf(a->hdr_buf[n], sizeof(a->hdr_buf[n]), "%s", v);
	c = strchr(a->hdr_buf[n], ':');
	a->hdr_name[n] = a->hdr_buf[n];
	a->hdr_value[n] = "";
	if (c) {
		*c++ = '\0';
		a->hdr_value[n] = c + strspn(c, " \t");
	}
	a->req.hdr_name = a->hdr_name;
	a->req.hdr_value = a->hdr_value;
	a->req.nheaders = n + 1;
	a->http = true;
	return 0;
}

static int parse_args(int argc, char **argv, struct explain_args *a, const char **routing,
		      const char **proto)
{
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--topology") && v)
			a->topology = v;
		else if (!strcmp(o, "--from") && v)
			a->from = v;
		else if (!strcmp(o, "--to") && v)
			a->to = v;
		else if (!strcmp(o, "--proto") && v)
			*proto = v;
		else if (!strcmp(o, "--dport") && v)
			ret = u16_arg(o, v, &a->probe.dport);
		else if (!strcmp(o, "--sport") && v)
			ret = u16_arg(o, v, &a->probe.sport);
		else if (!strcmp(o, "--size") && v)
			ret = u16_arg(o, v, &a->probe.ip_len);
		else if (!strcmp(o, "--routing") && v)
			*routing = v;
		else if (!strcmp(o, "--http-method") && v)
			a->http = true, a->req.method = v;
		else if (!strcmp(o, "--http-path") && v)
			a->http = true, a->req.path = v;
		else if (!strcmp(o, "--http-host") && v)
			a->http = true, a->req.host = v;
		else if (!strcmp(o, "--http-header") && v)
			ret = header_arg(a, v);
		else if (!strcmp(o, "--no-df")) {
			a->probe.no_df = true;
			continue;
		} else if (!strcmp(o, "--ipv6")) {
			a->probe.v6 = true;
			continue;
		} else
			return pl_cmd_usage_error("explain", "unexpected argument '%s'", o);
		if (ret)
			return ret;
		i++;
	}
	if (!a->topology || !a->from || !a->to)
		return pl_cmd_usage_error("explain", "--topology, --from and --to are required");
	return 0;
}

static int cmd_explain(int argc, char **argv)
{
	struct explain_args a = {0};
	const char *routing = NULL, *proto = "tcp";
	struct summary sum[MAX_MODES];
	struct sim_walk_result *res = NULL;
	struct sim_walk *w = NULL;
	struct topo *t = NULL;
	char ip[PL_ADDR_STRLEN];
	int m, err, to, ret = PL_EXIT_RUNTIME;

	if ((err = parse_args(argc, argv, &a, &routing, &proto)))
		return err;
	a.probe.proto = !strcmp(proto, "tcp")	 ? IPPROTO_TCP
			: !strcmp(proto, "udp")	 ? IPPROTO_UDP
			: !strcmp(proto, "icmp") ? IPPROTO_ICMP
						 : 0;
	if (!a.probe.proto)
		return pl_cmd_usage_error("explain", "unknown protocol '%s' (tcp, udp, icmp)",
					  proto);
	if (pl_topo_parse(a.topology, &t))
		return PL_EXIT_INPUT;
	ret = PL_EXIT_INPUT;
	a.probe.from_pod = pl_topo_pod_by_name(t, a.from);
	if (a.probe.from_pod < 0) {
		pl_err("%s: no pod named '%s'", a.topology, a.from);
		goto out;
	}
	to = pl_topo_pod_by_name(t, a.to);
	if (to < 0 && inet_pton(AF_INET6, a.to, a.probe.daddr6) == 1)
		a.probe.v6 = true;
	if (a.probe.v6 && !pl_topo_has_v6(t)) {
		pl_err("%s: IPv6 asked ('%s'), but ipFamilies names no IPv6", a.topology, a.to);
		goto out;
	}
	if (to >= 0 && a.probe.v6)
		memcpy(a.probe.daddr6, t->pods[to].ip6, 16);
	else if (to >= 0)
		a.probe.daddr = t->pods[to].ip;
	else if (!a.probe.v6 && inet_pton(AF_INET, a.to, &a.probe.daddr) != 1) {
		pl_err("%s: '%s' is neither a pod nor an IPv4 or IPv6 address", a.topology, a.to);
		goto out;
	}
	if (a.http && (to < 0 || a.probe.proto != IPPROTO_TCP)) {
		pl_err("--http-* needs --to POD and --proto tcp");
		goto out;
	}
	if (routing && (err = parse_modes(&a, routing)))
		goto out;
	if (!routing) {
		a.modes[0] = t->routing;
		a.nmodes = 1;
	}
	res = calloc(1, sizeof(*res));
	if (!res)
		goto out;
	printf("%s: %s %s (%s, %s) → %s (%s%s), ", t->name ? t->name : a.topology,
	       pl_proto_name(a.probe.proto), a.from,
	       a.probe.v6 ? pl_addr_str(AF_INET6, t->pods[a.probe.from_pod].ip6, ip)
			  : pl_ip4_str(t->pods[a.probe.from_pod].ip, ip),
	       t->nodes[t->pods[a.probe.from_pod].node].name, a.to,
	       to >= 0			      ? t->nodes[t->pods[to].node].name
	       : service_of(t, a.probe.daddr) ? "ClusterIP of service "
					      : "outside the pods",
	       to < 0 && service_of(t, a.probe.daddr) ? service_of(t, a.probe.daddr) : "");
	{
		uint8_t *frame = malloc(PL_PKT_MAX);
		int len = frame ? pl_sim_probe_frame(t, &a.probe, frame, PL_PKT_MAX) : -ENOMEM;

		free(frame);
		if (len < 0) {
			pl_err_errno(len, "building the packet");
			goto out;
		}
		printf("dport %u, IPv%d length %d%s, underlay MTU %u\n",
		       a.probe.dport ? a.probe.dport : 80, a.probe.v6 ? 6 : 4, len - 14,
		       a.probe.no_df || a.probe.v6 ? "" : ", DF", t->mtu ? t->mtu : 1500);
	}
	if (a.http) {
		if (!a.req.method)
			a.req.method = "GET";
		if (!a.req.path)
			a.req.path = "/";
		ret = PL_EXIT_RUNTIME;
		if (pl_explain_http(t, a.probe.from_pod, to, a.probe.dport ? a.probe.dport : 80,
				    &a.req))
			goto out;
	}
	for (m = 0; m < a.nmodes; m++) {
		struct sim_walk_opts o = {.routing = a.modes[m]};

		if (a.probe.v6 && a.modes[m] != PL_ROUTING_NATIVE &&
		    a.modes[m] != PL_ROUTING_VXLAN && a.modes[m] != PL_ROUTING_LEGACY) {
			printf("\n== %s routing ==\n  IPv6 is walked in native, vxlan and legacy "
			       "routing only\n",
			       pl_topo_routing_name(a.modes[m]));
			memset(&sum[m], 0, sizeof(sum[m]));
			snprintf(sum[m].result, sizeof(sum[m].result), "- (no IPv6 here)");
			snprintf(sum[m].outer, sizeof(sum[m].outer), "-");
			snprintf(sum[m].src_seen, sizeof(sum[m].src_seen), "-");
			snprintf(sum[m].identity, sizeof(sum[m].identity), "-");
			sum[m].ttl = -1;
			sum[m].pod_mtu = t->mtu;
			continue;
		}
		if (pl_sim_unsupported(t, a.modes[m])) {
			/* fabric's pods are in the underlay subnet, the others' are not. */
			printf("\n== %s routing ==\n  %s\n", pl_topo_routing_name(a.modes[m]),
			       pl_sim_unsupported(t, a.modes[m]));
			memset(&sum[m], 0, sizeof(sum[m]));
			snprintf(sum[m].result, sizeof(sum[m].result), "- (other topology)");
			snprintf(sum[m].outer, sizeof(sum[m].outer), "-");
			snprintf(sum[m].src_seen, sizeof(sum[m].src_seen), "-");
			snprintf(sum[m].identity, sizeof(sum[m].identity), "-");
			sum[m].ttl = -1;
			sum[m].pod_mtu = t->mtu;
			continue;
		}
		ret = PL_EXIT_ENV;
		if ((err = pl_sim_walk_open(t, &o, &w)))
			goto out;
		ret = PL_EXIT_RUNTIME;
		printf("\n== %s routing ==\n", pl_topo_routing_name(a.modes[m]));
		if ((err = pl_sim_walk_probe(w, &a.probe, res))) {
			pl_err_errno(err, "walking the packet");
			goto out;
		}
		print_walk(w, t, res);
		summarize(t, w, &a, res, &sum[m]);
		pl_sim_walk_result_release(res);
		pl_sim_walk_close(w);
		w = NULL;
	}
	if (a.nmodes > 1)
		print_table(&a, sum);
	ret = PL_EXIT_OK;
out:
	pl_sim_walk_close(w);
	free(res);
	pl_topo_free(t);
	return ret;
}

PL_COMMAND(
	explain, .name = "explain",
	.summary = "walk one pod's packet through the simulator and explain every hop",
	.usage = "usage: podlab explain --topology FILE --from POD --to POD|IP [options]\n"
		 "\n"
		 "Builds one packet from POD's eth0, walks it through the simulator (the real\n"
		 "datapath programs run at every hook with BPF_PROG_TEST_RUN, the kernel\n"
		 "between hooks is modelled) and prints each step: node, device, hook,\n"
		 "decision and reason, what changed in the headers (MACs, TTL, source\n"
		 "address under MASQUERADE, VXLAN outer headers and their 50-byte cost) and\n"
		 "the MTU headroom. With several routing modes the same packet is walked in\n"
		 "each and a comparison table follows. Needs root (namespaces, BPF).\n"
		 "\n"
		 "options:\n"
		 "  --topology FILE     topology YAML (its pods, nodes, policies)\n"
		 "  --from POD          sending pod\n"
		 "  --to POD|IP         destination pod name, IPv4 or IPv6 address\n"
		 "  --ipv6              to the pod's IPv6 address (dual stack; native, vxlan, "
		 "legacy)\n"
		 "  --proto P           tcp (SYN, default), udp or icmp (echo request)\n"
		 "  --dport N           destination port (default 80)\n"
		 "  --sport N           source port (default 40000)\n"
		 "  --size N            IP total length in bytes (padded payload)\n"
		 "  --no-df             clear the Don't Fragment bit (set by default)\n"
		 "  --http-method M     also say what the L7 proxy does with an HTTP request\n"
		 "                      M (default GET) to --to POD's --dport: which policy\n"
		 "                      rule and http[] item allows it, or 403\n"
		 "  --http-path P       its path (default /)\n"
		 "  --http-host H       its Host header (default none)\n"
		 "  --http-header 'N: V' one more header (up to 8)\n"
		 "  --routing M[,M..]   native, vxlan, legacy, fabric, ipip (default: the "
		 "topology's);\n"
		 "                      fabric walks a fabric topology (pods in the underlay\n"
		 "                      subnet), the others a topology whose pods are not\n"
		 "\n"
		 "examples:\n"
		 "  podlab explain --topology topologies/two-node-native.yaml --from frontend \\\n"
		 "      --to backend --routing native,vxlan,legacy,fabric\n"
		 "  podlab explain --topology topologies/two-node-fabric.yaml --from frontend \\\n"
		 "      --to backend                  # the fabric router's hop\n"
		 "  podlab explain --topology topologies/two-node-vxlan.yaml --from frontend \\\n"
		 "      --to backend --size 1480      # too big once encapsulated?\n"
		 "  podlab explain --topology topologies/two-node-dual-stack-cidr.yaml \\\n"
		 "      --from frontend --to 2001:db8:113:5::10 --dport 443   # an IPv6 except\n"
		 "  podlab explain --topology topologies/two-node-l7.yaml --from frontend \\\n"
		 "      --to backend --http-method POST --http-path /public   # 403?\n"
		 "\n"
		 "exit codes: 0 explained (whatever the packet's fate), 2 bad usage or\n"
		 "topology, 3 no privilege or kernel feature, 4 a kernel operation failed\n",
	.run = cmd_explain);
