// SPDX-License-Identifier: GPL-2.0
/* podlab check --json: the same report as one JSON object. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/datapath.h"
#include "lib/pkt.h"
#include "probe/check.h"
#include "probe/check_internal.h"

static const char *jbool(bool b)
{
	return b ? "true" : "false";
}

static void json_probes(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char a[PL_ADDR_STRLEN], b[PL_ADDR_STRLEN], c[PL_ADDR_STRLEN], pb[TOPO_PROTO_STRLEN];
	int i;

	fprintf(f, "\"probes\":[");
	for (i = 0; i < r->nprobes; i++) {
		const struct pl_check_probe *p = &r->probes[i];

		fprintf(f,
			"%s{\"src\":\"%s\",\"dst\":\"%s\",\"src_node\":\"%s\",\"dst_node\":\"%s\","
			"\"src_ip\":\"%s\",\"family\":\"%s\",\"proto\":\"%s\",\"dport\":%u,"
			"\"expect\":\"%s\",\"result\":\"%s\",\"delivered\":%s,\"rtt_us\":%u,"
			"\"seen_src\":\"%s\",\"want_src\":\"%s\",\"nat_ok\":%s,\"ok\":%s",
			i ? "," : "", t->pods[p->src].name, t->pods[p->dst].name,
			t->nodes[t->pods[p->src].node].name, t->nodes[t->pods[p->dst].node].name,
			p->v6 ? pl_addr_str(AF_INET6, t->pods[p->src].ip6, c)
			      : pl_ip4_str(t->pods[p->src].ip, c),
			p->v6 ? "ipv6" : "ipv4", pl_check_proto_str(p, pb), p->dport,
			p->expect == PL_EXPECT_ALLOW  ? "allow"
			: p->expect == PL_EXPECT_DENY ? "deny"
						      : "unknown",
			pl_probe_status_name(p->res.status), jbool(p->delivered), p->res.rtt_us,
			!p->res.seen	     ? ""
			: p->res.sighting.v6 ? pl_addr_str(AF_INET6, p->res.sighting.peer_ip6, a)
					     : pl_ip4_str(p->res.sighting.peer_ip, a),
			p->v6 ? pl_addr_str(AF_INET6, p->want_src6, b) : pl_ip4_str(p->want_src, b),
			jbool(p->nat_ok), jbool(p->ok));
		if (p->proxied)
			fprintf(f, ",\"to_proxy\":%s", jbool(p->to_proxy));
		if (p->has_drop)
			fprintf(f,
				",\"drop\":{\"node\":\"%s\",\"prog\":\"%s\",\"reason\":%u,"
				"\"name\":\"%s\"}",
				t->nodes[p->drop_node].name, pl_prog_name(p->drop_prog),
				p->drop_reason, pl_drop_reason_name(p->drop_reason));
		fprintf(f, "}");
	}
	fprintf(f, "]");
}

static void json_underlay(const struct pl_check_report *r, FILE *f)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	int i, k;

	fprintf(f, "\"nodes\":[");
	for (i = 0; i < r->nunderlay; i++) {
		const struct pl_check_underlay *u = &r->underlay[i];

		fprintf(f,
			"%s{\"node\":\"%s\",\"dev\":\"%s\",\"plain_pod_packets\":%llu,"
			"\"plain_pod_node_packets\":%llu,"
			"\"vxlan_packets\":%llu,\"vxlan_pod_packets\":%llu,\"vnis\":[",
			i ? "," : "", r->topo->nodes[u->node].name, u->dev,
			(unsigned long long)u->plain_pod_pkts,
			(unsigned long long)u->plain_node_pkts, (unsigned long long)u->vxlan_pkts,
			(unsigned long long)u->vxlan_pod_pkts);
		for (k = 0; k < u->nvnis; k++)
			fprintf(f, "%s%u", k ? "," : "", u->vnis[k]);
		fprintf(f,
			"],\"outer\":[\"%s\",\"%s\"],\"inner\":[\"%s\",\"%s\"],\"probes\":%d,"
			"\"found\":%d,\"ok\":%s,\"why\":\"%s\"}",
			pl_ip4_str(u->outer_src, a), pl_ip4_str(u->outer_dst, b),
			pl_ip4_str(u->inner_src, c), pl_ip4_str(u->inner_dst, d), u->want, u->found,
			jbool(u->ok), u->why);
	}
	fprintf(f, "]");
}

static void json_mtu(const struct pl_check_report *r, FILE *f)
{
	int i;

	fprintf(f, "\"pairs\":[");
	for (i = 0; i < r->nmtu; i++) {
		const struct pl_check_mtu *m = &r->mtu[i];

		fprintf(f,
			"%s{\"src\":\"%s\",\"dst\":\"%s\",\"family\":\"%s\",\"expected\":%u,"
			"\"measured\":%u,\"skipped\":%s,\"ok\":%s,\"why\":\"%s\"}",
			i ? "," : "", r->topo->pods[m->src].name, r->topo->pods[m->dst].name,
			m->v6 ? "ipv6" : "ipv4", m->want, m->got, jbool(m->skipped), jbool(m->ok),
			m->why);
	}
	fprintf(f, "]");
}

static void json_rates(const struct pl_check_report *r, FILE *f)
{
	int i;

	fprintf(f, "\"classes\":[");
	for (i = 0; i < r->nrates; i++) {
		const struct pl_check_rate *x = &r->rates[i];

		fprintf(f,
			"%s{\"node\":\"%s\",\"qdisc\":\"%s\",\"class\":\"1:%u\",\"alone\":%s,"
			"\"src\":\"%s\","
			"\"dst\":\"%s\",\"dport\":%u,\"rate_bps\":%llu,\"ceil_bps\":%llu,"
			"\"expected_bps\":%.0f,\"measured_bps\":%.0f,\"goodput_bps\":%.0f,"
			"\"skipped\":%s,\"ok\":%s,\"why\":\"%s\"}",
			i ? "," : "", r->topo->nodes[r->topo->links[x->link].node].name,
			x->kind == TOPO_QDISC_HTB   ? "htb"
			: x->kind == TOPO_QDISC_TBF ? "tbf"
						    : "netem",
			x->class_minor, jbool(x->alone),
			x->src >= 0 && !x->skipped ? r->topo->pods[x->src].name : "",
			x->dst >= 0 && !x->skipped ? r->topo->pods[x->dst].name : "", x->dport,
			(unsigned long long)x->rate, (unsigned long long)x->ceil, x->expected,
			x->measured, x->goodput, jbool(x->skipped), jbool(x->ok), x->why);
	}
	fprintf(f, "]");
}

static void json_routes(const struct pl_check_report *r, FILE *f)
{
	int i;

	fprintf(f, "\"tables\":[");
	for (i = 0; i < r->nroutes; i++) {
		const struct pl_check_routes *x = &r->routes[i];

		fprintf(f,
			"%s{\"table\":\"%s\",\"netns\":\"%s\",\"own\":%d,\"own_want\":%d,"
			"\"other_pods\":%d,\"other_pods_want\":%d,\"via_subnet\":%d,"
			"\"no_route\":%d,\"judged\":%s,\"ok\":%s,\"why\":\"%s\"}",
			i ? "," : "",
			x->node < 0 ? TOPO_NETNS_FABRIC : r->topo->nodes[x->node].name, x->ns,
			x->own, x->own_want, x->remote, x->remote_want, x->via_subnet, x->none,
			jbool(x->judged), jbool(x->ok), x->why);
	}
	fprintf(f, "]");
}

void pl_check_print_json(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	bool first = true;
	int i;

	fprintf(f,
		"{\"run\":\"%s\",\"topology\":\"%s\",\"routing\":\"%s\",\"datapath\":%s,\"ok\":%s,"
		"\"sections\":{",
		r->run, t->name ? t->name : "", pl_topo_routing_name(t->routing),
		jbool(!r->no_datapath), jbool(r->ok));
	for (i = 0; i < PL_CHECK_NSECTIONS; i++) {
		if (!(r->sections & (1u << i)))
			continue;
		fprintf(f, "%s\"%s\":{\"ok\":%s,", first ? "" : ",", pl_check_section_name(1u << i),
			jbool(r->section_ok[i]));
		first = false;
		if (i <= 1)
			json_probes(r, f);
		else if (i == 2)
			json_underlay(r, f);
		else if (i == 3)
			json_mtu(r, f);
		else if (i == 4)
			json_rates(r, f);
		else if (i == 5)
			json_routes(r, f);
		else if (i == 6)
			pl_check_json_ingress(r, f);
		else
			pl_check_json_l7(r, f);
		fprintf(f, "}");
	}
	fprintf(f, "}}\n");
}
