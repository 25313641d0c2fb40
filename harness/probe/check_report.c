// SPDX-License-Identifier: GPL-2.0
/* podlab check: section names, tables and JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/datapath.h"
#include "lib/pkt.h"
#include "probe/check.h"
#include "probe/check_internal.h"

static const char *const section_names[PL_CHECK_NSECTIONS] = {
	"connectivity", "natfree", "underlay", "mtu", "shaping", "routes", "ingress", "l7"};

const char *pl_check_section_name(unsigned int bit)
{
	int i;

	for (i = 0; i < PL_CHECK_NSECTIONS; i++)
		if (bit == 1u << i)
			return section_names[i];
	return "?";
}

int pl_check_sections_parse(const char *list, unsigned int *out, const char **bad)
{
	const char *p = list, *end;
	unsigned int bits = 0;
	size_t len;
	int i;

	while (*p) {
		end = strchrnul(p, ',');
		len = end - p;
		for (i = 0; i < PL_CHECK_NSECTIONS; i++)
			if (strlen(section_names[i]) == len && !strncmp(p, section_names[i], len))
				break;
		if (i == PL_CHECK_NSECTIONS) {
			*bad = p;
			return -EINVAL;
		}
		bits |= 1u << i;
		p = *end ? end + 1 : end;
	}
	if (!bits) {
		*bad = list;
		return -EINVAL;
	}
	*out = bits;
	return 0;
}

static const char *expect_str(enum pl_check_expect e)
{
	return e == PL_EXPECT_ALLOW ? "allow" : e == PL_EXPECT_DENY ? "deny" : "?";
}

static const char *verdict(bool ok)
{
	return ok ? "PASS" : "FAIL";
}

/* A probe's protocol as the matrix prints it: IPv6 ones as icmp6, tcp6, udp6. */
const char *pl_check_proto_str(const struct pl_check_probe *p, char buf[TOPO_PROTO_STRLEN])
{
	if (p->proto == IPPROTO_ICMPV6)
		return "icmp6";
	char tmp[TOPO_PROTO_STRLEN];
	const char *name = pl_topo_proto_str(p->proto, tmp);

	if (!p->v6)
		return strcpy(buf, name);
	snprintf(buf, TOPO_PROTO_STRLEN, "%.*s6", TOPO_PROTO_STRLEN - 2, name);
	return buf;
}

static void print_connectivity(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	int i, bad = 0, unknown = 0;
	const char *result;
	char drop[128];

	fprintf(f, "\nconnectivity: %d probes from every pod to every other pod\n", r->nprobes);
	if (r->no_datapath)
		fprintf(f, "  no datapath (podlab up --no-datapath): no policy is enforced, every "
			   "probe must be delivered\n");
	fprintf(f, "  %-12s %-12s %-5s %-5s %-6s %-11s %8s  %-34s %s\n", "SOURCE", "DESTINATION",
		"PROTO", "PORT", "EXPECT", "RESULT", "RTT(us)", "DROP (node, program: reason)",
		"MATCH");
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];
		char port[8] = "-", pb[TOPO_PROTO_STRLEN];

		bad += !p->ok;
		unknown += p->expect == PL_EXPECT_UNKNOWN;
		if (p->proto != IPPROTO_ICMP && p->proto != IPPROTO_ICMPV6)
			snprintf(port, sizeof(port), "%u", p->dport);
		drop[0] = 0;
		if (p->has_drop)
			snprintf(drop, sizeof(drop), "%s%s, %s: %s", p->drop_reply ? "reply: " : "",
				 t->nodes[p->drop_node].name, pl_prog_name(p->drop_prog),
				 pl_drop_reason_str(p->drop_reason));
		else if (!p->delivered && r->events_available)
			snprintf(drop, sizeof(drop), "(no drop event)");
		if (p->has_drop && p->expect == PL_EXPECT_DENY && p->expect_reason &&
		    p->expect_reason != p->drop_reason)
			snprintf(drop + strlen(drop), sizeof(drop) - strlen(drop), " (want %s)",
				 pl_drop_reason_str(p->expect_reason));
		result = p->delivered ? "delivered" : pl_probe_status_name(p->res.status);
		/* Connected or answered, yet the destination's socket never got the payload. */
		if (!p->delivered && p->res.status == PL_PROBE_DELIVERED)
			result = p->to_proxy ? "to-proxy" : "no-payload";
		fprintf(f, "  %-12s %-12s %-5s %-5s %-6s %-11s %8u  %-34s %s\n",
			t->pods[p->src].name, t->pods[p->dst].name, pl_check_proto_str(p, pb), port,
			expect_str(p->expect), result, p->res.rtt_us, drop,
			p->expect == PL_EXPECT_UNKNOWN ? "-"
			: p->ok			       ? "ok"
						       : "MISMATCH");
	}
	for (i = 0; i < r->nunattr; i++)
		fprintf(f,
			"  note: %u drops on %s (%s: %s) carried no addresses; no probe can claim "
			"them\n",
			r->unattr[i].count, t->nodes[r->unattr[i].node].name,
			pl_prog_name(r->unattr[i].prog), pl_drop_reason_str(r->unattr[i].reason));
	fprintf(f, "  verdict: %s (%d of %d as the policy predicts%s)\n", verdict(r->section_ok[0]),
		r->nprobes - bad - unknown, r->nprobes - unknown,
		unknown ? ", some without a prediction" : "");
}

static void print_natfree(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN];
	int i, j, npairs = 0, nat = 0;

	fprintf(f, "\nnat-free: the source address each destination socket saw\n");
	fprintf(f, "  %-12s %-15s %-12s %6s  %-15s %-26s %s\n", "SOURCE", "SOURCE IP",
		"DESTINATION", "PROBES", "SEEN SOURCE", "EXPECTED", "MATCH");
	for (i = 0; i < r->nprobes; i = j) {
		const struct pl_check_probe *p = &r->probes[i];
		const struct pl_probe_sighting *seen = NULL;
		int n = 0;
		bool ok = true;

		for (j = i; j < r->nprobes && r->probes[j].src == p->src &&
			    r->probes[j].dst == p->dst && r->probes[j].v6 == p->v6;
		     j++) {
			if (!r->probes[j].delivered)
				continue;
			if (!n || !r->probes[j].nat_ok)
				seen = &r->probes[j].res.sighting;
			ok &= r->probes[j].nat_ok;
			n++;
		}
		if (!n)
			continue;
		npairs++;
		if (p->v6) {
			fprintf(f, "  %-12s %-15s %-12s %6d  %-15s %-26s %s\n",
				t->pods[p->src].name, pl_addr_str(AF_INET6, t->pods[p->src].ip6, a),
				t->pods[p->dst].name, n,
				seen->v6 ? pl_addr_str(AF_INET6, seen->peer_ip6, b) : "(IPv4)",
				memcmp(p->want_src6, t->pods[p->src].ip6, 16)
					? "source node address (NAT66)"
					: "source pod IP",
				ok ? "ok" : "MISMATCH");
			nat += memcmp(p->want_src6, t->pods[p->src].ip6, 16) != 0;
			continue;
		}
		nat += p->want_src != t->pods[p->src].ip;
		fprintf(f, "  %-12s %-15s %-12s %6d  %-15s %-26s %s\n", t->pods[p->src].name,
			pl_ip4_str(t->pods[p->src].ip, a), t->pods[p->dst].name, n,
			pl_ip4_str(seen->peer_ip, b),
			p->want_src == t->pods[p->src].ip ? "source pod IP"
							  : "source node address (NAT)",
			ok ? "ok" : "MISMATCH");
	}
	if (r->topo->routing == PL_ROUTING_LEGACY)
		fprintf(f,
			"  legacy mode: %d of %d pairs cross nodes and see an address of the "
			"source NODE: "
			"MASQUERADE hides the pod, IPv6 too (native/vxlan keep it)\n",
			nat, npairs);
	else
		fprintf(f, "  %s mode: pod IPs are never rewritten between pods\n",
			pl_topo_routing_name(r->topo->routing));
	fprintf(f, "  verdict: %s (%d pod pairs with delivered probes)\n",
		verdict(r->section_ok[1]), npairs);
}

static void print_underlay(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	char example[96], vnis[48];
	int i, k, o;

	fprintf(f, "\nunderlay: capture on each node's uplink during the probes (%s expects %s)\n",
		pl_topo_routing_name(t->routing),
		t->routing == PL_ROUTING_IPIP
			? (t->ipip_mode == TOPO_IPIP_ALWAYS
				   ? "IP protocol 4, node IPs outside, pod IPs inside"
				   : "IP protocol 4 across subnets, bare pod IPs within one")
		: !pl_topo_overlay(t) ? "bare pod IPs"
				      : "UDP 4789, node IPs outside, pod IPs inside");
	fprintf(f, "  %-10s %-7s %9s %9s %-10s %-58s %-7s %s\n", "NODE", "DEVICE", "PLAIN-POD",
		t->routing == PL_ROUTING_IPIP ? "IPIP-POD" : "VXLAN-POD", "VNIs", "EXAMPLE",
		"PROBES", "MATCH");
	for (i = 0; i < r->nunderlay; i++) {
		const struct pl_check_underlay *u = &r->underlay[i];

		vnis[0] = 0;
		for (k = 0, o = 0; k < u->nvnis && o < (int)sizeof(vnis) - 12; k++)
			o += snprintf(vnis + o, sizeof(vnis) - o, "%s%u", k ? "," : "", u->vnis[k]);
		if (u->outer_src && t->routing == PL_ROUTING_IPIP)
			snprintf(example, sizeof(example), "%s>%s proto 4 [%s>%s]",
				 pl_ip4_str(u->outer_src, a), pl_ip4_str(u->outer_dst, b),
				 pl_ip4_str(u->inner_src, c), pl_ip4_str(u->inner_dst, d));
		else if (u->outer_src)
			snprintf(example, sizeof(example), "%s>%s:4789 vni %u [%s>%s]",
				 pl_ip4_str(u->outer_src, a), pl_ip4_str(u->outer_dst, b), u->vni,
				 pl_ip4_str(u->inner_src, c), pl_ip4_str(u->inner_dst, d));
		else if (u->plain_src)
			snprintf(example, sizeof(example), "%s>%s", pl_ip4_str(u->plain_src, a),
				 pl_ip4_str(u->plain_dst, b));
		else
			snprintf(example, sizeof(example), "-");
		fprintf(f, "  %-10s %-7s %9llu %9llu %-10s %-58s %3d/%-3d %s%s%s\n",
			t->nodes[u->node].name, u->dev, (unsigned long long)u->plain_pod_pkts,
			(unsigned long long)u->vxlan_pod_pkts, vnis[0] ? vnis : "-", example,
			u->found, u->want, u->ok ? "ok" : "MISMATCH", u->why[0] ? ": " : "",
			u->why);
	}
	fprintf(f, "  verdict: %s\n", verdict(r->section_ok[2]));
}

static void print_mtu(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	int i;

	fprintf(f, "\nmtu: largest don't-fragment UDP payload between nodes (underlay mtu %u)\n",
		t->mtu);
	fprintf(f, "  %-22s %-22s %-6s %8s %8s  %s\n", "SOURCE", "DESTINATION", "FAMILY",
		"EXPECTED", "MEASURED", "MATCH");
	for (i = 0; i < r->nmtu; i++) {
		const struct pl_check_mtu *m = &r->mtu[i];
		char s[64], d[64];

		snprintf(s, sizeof(s), "%s (%s)", t->pods[m->src].name,
			 t->nodes[t->pods[m->src].node].name);
		snprintf(d, sizeof(d), "%s (%s)", t->pods[m->dst].name,
			 t->nodes[t->pods[m->dst].node].name);
		if (m->skipped)
			fprintf(f, "  %-22s %-22s %-6s %8u %8s  skipped: %s\n", s, d,
				m->v6 ? "IPv6" : "IPv4", m->want, "-", m->why);
		else
			fprintf(f, "  %-22s %-22s %-6s %8u %8u  %s%s%s\n", s, d,
				m->v6 ? "IPv6" : "IPv4", m->want, m->got, m->ok ? "ok" : "MISMATCH",
				m->why[0] ? ": " : "", m->why);
	}
	fprintf(f, "  verdict: %s\n", verdict(r->section_ok[3]));
}

static void print_shaping(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	int i;

	fprintf(f,
		"\nshaping: wire rate per qdisc class; htb: all classes of a link loaded at once, "
		"then each alone (it may borrow up to its ceil)\n");
	fprintf(f, "  %-10s %-5s %-6s %-5s %-24s %10s %10s %10s %10s %10s  %s\n", "LINK", "QDISC",
		"CLASS", "LOAD", "FLOW", "RATE", "CEIL", "EXPECTED", "MEASURED", "GOODPUT",
		"MATCH");
	for (i = 0; i < r->nrates; i++) {
		const struct pl_check_rate *x = &r->rates[i];
		char cls[12] = "-", flow[64] = "-";
		const char *load = x->kind != TOPO_QDISC_HTB ? "-" : x->alone ? "alone" : "all";

		if (x->kind == TOPO_QDISC_HTB)
			snprintf(cls, sizeof(cls), "1:%u", x->class_minor);
		if (!x->skipped)
			snprintf(flow, sizeof(flow), "%s>%s udp/%u", t->pods[x->src].name,
				 t->pods[x->dst].name, x->dport);
		if (x->skipped) {
			fprintf(f,
				"  %-10s %-5s %-6s %-5s %-24s %10s %10s %10s %10s %10s  skipped: "
				"%s\n",
				t->nodes[t->links[x->link].node].name,
				x->kind == TOPO_QDISC_HTB   ? "htb"
				: x->kind == TOPO_QDISC_TBF ? "tbf"
							    : "netem",
				cls, load, flow, "-", "-", "-", "-", "-", x->why);
			continue;
		}
		fprintf(f,
			"  %-10s %-5s %-6s %-5s %-24s %9.2fM %9.2fM %9.2fM %9.2fM %9.2fM  %s%s%s\n",
			t->nodes[t->links[x->link].node].name,
			x->kind == TOPO_QDISC_HTB ? "htb" : "tbf", cls, load, flow, x->rate / 1e6,
			x->ceil / 1e6, x->expected / 1e6, x->measured / 1e6, x->goodput / 1e6,
			x->ok ? "ok" : "MISMATCH", x->why[0] ? ": " : "", x->why);
	}
	if (!r->nrates)
		fprintf(f, "  (no link has a qdisc)\n");
	fprintf(f,
		"  verdict: %s (within 10%%; MEASURED counts Ethernet/IP/UDP%s headers like "
		"the qdisc)\n",
		verdict(r->section_ok[4]), !pl_topo_overlay(t) ? "" : " and VXLAN");
}

void pl_check_print(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	int i;

	fprintf(f, "podlab check %s: %s, routing %s, %d nodes, %d pods\n", r->run,
		t->name ? t->name : "?", pl_topo_routing_name(t->routing), t->nnodes, t->npods);
	if (r->sections & PL_CHECK_CONNECTIVITY)
		print_connectivity(r, f);
	if (r->sections & PL_CHECK_NATFREE)
		print_natfree(r, f);
	if (r->sections & PL_CHECK_UNDERLAY)
		print_underlay(r, f);
	if (r->sections & PL_CHECK_MTU)
		print_mtu(r, f);
	if (r->sections & PL_CHECK_SHAPING)
		print_shaping(r, f);
	if (r->sections & PL_CHECK_ROUTES)
		pl_check_print_routes(r, f);
	if (r->sections & PL_CHECK_INGRESS)
		pl_check_print_ingress(r, f);
	if (r->sections & PL_CHECK_L7)
		pl_check_print_l7(r, f);
	fprintf(f, "\n");
	for (i = 0; i < PL_CHECK_NSECTIONS; i++)
		if (r->sections & (1u << i))
			fprintf(f, "%s %s  ", section_names[i], verdict(r->section_ok[i]));
	fprintf(f, "\nverdict: %s\n", r->ok ? "PASS (everything matches)" : "FAIL");
}
