// SPDX-License-Identifier: GPL-2.0
/*
 * podlab graph: the topology as Graphviz DOT (nodes as clusters, pods,
 * devices with their hooks and programs, qdiscs, underlay, world host), with
 * one packet's path from the simulator drawn on top.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/pkt.h"
#include "cli/cli.h"
#include "lib/datapath.h"
#include "lib/units.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "walk.h"

#define PATH_MAX_IDS 64

static void qdisc_label(const struct topo_qdisc *q, char *buf, size_t len)
{
	char a[32], b[32];

	switch (q->kind) {
	case TOPO_QDISC_TBF:
		pl_fmt_rate(q->tbf.rate, a, sizeof(a));
		pl_fmt_size(q->tbf.burst, b, sizeof(b));
		snprintf(buf, len, "tbf rate %s burst %s", a, b);
		break;
	case TOPO_QDISC_HTB:
		pl_fmt_rate(q->htb.rate, a, sizeof(a));
		snprintf(buf, len, "htb rate %s, %d classes", a, q->htb.nclasses);
		break;
	case TOPO_QDISC_NETEM:
		pl_fmt_time(q->netem.delay_ns, a, sizeof(a));
		snprintf(buf, len, "netem delay %s loss %g%%", a, q->netem.loss * 100);
		break;
	case TOPO_QDISC_PFIFO:
		snprintf(buf, len, "pfifo limit %u", q->pfifo_limit);
		break;
	default:
		buf[0] = '\0';
	}
}

static const struct topo_qdisc *node_qdisc(const struct topo *t, int node)
{
	int i;

	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].node == node && t->links[i].qdisc.kind != TOPO_QDISC_NONE)
			return &t->links[i].qdisc;
	return NULL;
}

/* The podlab program on a device of a node (the plan's attach steps). */
static const char *hooks_of(const struct pl_plan *p, int node, const char *dev, char *buf,
			    size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < p->nsteps; i++) {
		const struct pl_step *s = &p->steps[i];

		if (s->kind != PL_STEP_ATTACH || s->attach.node != node || strcmp(s->dev, dev))
			continue;
		off += snprintf(buf + off, len - off, "\\n%s: %s",
				pl_topo_hook_name(s->attach.hook),
				s->attach.user >= 0 ? p->topo->programs[s->attach.user].program
						    : pl_prog_name(s->attach.prog));
		if (off >= len)
			break;
	}
	return buf;
}

/* Where the datapath itself encapsulates (no tunnel device): ipip without the kernel twin. */
static const char *encap_label(const struct pl_plan *p)
{
	const struct topo *t = p->topo;
	int k;

	if (t->routing != PL_ROUTING_IPIP)
		return "";
	for (k = 0; k < p->nsteps; k++)
		if (p->steps[k].kind == PL_STEP_IPIP)
			return "";
	return t->ipip_mode == TOPO_IPIP_CROSS_SUBNET ? "\\nIP-in-IP by from_pod to other subnets"
						      : "\\nIP-in-IP by from_pod to other nodes";
}

/* The node's MASQUERADE as the plan programs it (legacy: to vxlan0; ipip natOutgoing). */
static const char *masq_label(const struct pl_plan *p, int ns, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	int k;

	buf[0] = '\0';
	for (k = 0; k < p->nsteps; k++) {
		const struct pl_step *s = &p->steps[k];

		if (s->kind != PL_STEP_MASQUERADE || s->ns != ns || s->masq.v6)
			continue; /* the IPv4 one names the device; legacy's ip6 twin leaves it too
				   */
		snprintf(buf, len, "\\nMASQUERADE %s/%u → %s", pl_ip4_str(s->masq.cidr, a),
			 s->masq.plen, s->masq.outgoing ? "outside the cluster" : s->masq.oif);
		break;
	}
	return buf;
}

static void emit_node(FILE *f, const struct pl_plan *p, int i)
{
	const struct topo *t = p->topo;
	const struct topo_node *n = &t->nodes[i];
	const struct topo_qdisc *q = node_qdisc(t, i);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], hooks[160], ql[96] = "", ml[96];
	int k, ns = p->node_ns[i];

	fprintf(f,
		"  subgraph \"cluster_%s\" {\n    label=\"node %s\\n%s, pods %s/%u\";\n"
		"    style=rounded; color=gray40;\n",
		n->name, n->name, pl_ip4_str(n->underlay_ip, a), pl_ip4_str(n->pod_cidr, b),
		n->pod_plen);
	fprintf(f, "    \"%s/stack\" [shape=diamond, label=\"IP stack\\nip_forward=1%s%s\"];\n",
		n->name, encap_label(p), masq_label(p, ns, ml, sizeof(ml)));
	if (q)
		qdisc_label(q, ql, sizeof(ql));
	for (k = 0; k < p->nsteps; k++) {
		const struct pl_step *s = &p->steps[k];
		const char *dev = NULL;

		if (s->kind == PL_STEP_VETH && s->ns == ns)
			dev = s->dev;
		else if (s->kind == PL_STEP_VETH && s->peer.ns == ns)
			dev = s->peer.dev;
		else if ((s->kind == PL_STEP_VXLAN || s->kind == PL_STEP_IPIP) && s->ns == ns)
			dev = s->dev;
		if (!dev)
			continue;
		fprintf(f,
			"    \"%s/%s\" [shape=box, style=filled, fillcolor=\"#eef3fb\", "
			"label=\"%s%s%s%s%s\"];\n",
			n->name, dev, dev,
			s->kind == PL_STEP_VXLAN
				? (s->vxlan.external ? " (external)" : " (classic)")
			: s->kind == PL_STEP_IPIP ? " (kernel IP-in-IP)"
						  : "",
			hooks_of(p, i, dev, hooks, sizeof(hooks)),
			!strcmp(dev, "eth0") && q ? "\\negress qdisc: " : "",
			!strcmp(dev, "eth0") && q ? ql : "");
		fprintf(f,
			"    \"%s/%s\" -> \"%s/stack\" [dir=both, color=gray60, arrowsize=0.5];\n",
			n->name, dev, n->name);
	}
	for (k = 0; k < n->npods; k++) {
		const struct topo_pod *pod = &t->pods[n->pods[k]];
		char lxc[PL_IFNAMSIZ];

		pl_pod_veth_name(t, n->pods[k], lxc, sizeof(lxc));
		fprintf(f,
			"    \"pod/%s\" [shape=ellipse, style=filled, fillcolor=\"#fff4d6\", "
			"label=\"pod %s\\n%s\\nidentity %u\"];\n",
			pod->name, pod->name, pl_ip4_str(pod->ip, a), pod->identity);
		fprintf(f, "    \"pod/%s\" -> \"%s/%s\" [dir=both, label=\"veth\", fontsize=8];\n",
			pod->name, n->name, lxc);
	}
	fprintf(f, "  }\n");
}

/* DOT node of a walk step. */
static void step_id(const struct topo *t, const struct sim_step *s, char *buf, size_t len)
{
	const char *node = s->node >= 0 ? t->nodes[s->node].name : "";

	switch (s->kind) {
	case SIM_STEP_STACK:
	case SIM_STEP_NAT:
	case SIM_STEP_DECAP:
		if (s->kind == SIM_STEP_DECAP || s->kind == SIM_STEP_NAT || !s->dev[0])
			snprintf(buf, len, "%s/%s", node,
				 s->kind == SIM_STEP_DECAP ? "vxlan0" : "stack");
		else
			snprintf(buf, len, "%s/%s", node, s->dev);
		break;
	case SIM_STEP_WIRE:
		snprintf(buf, len, "underlay");
		break;
	default:
		snprintf(buf, len, "%s/%s", node, s->dev);
	}
}

static void emit_path(FILE *f, const struct topo *t, const struct sim_probe *pr,
		      const struct sim_walk_result *r)
{
	char ids[PATH_MAX_IDS][64], id[64], where[64];
	int i, n = 0;

	snprintf(ids[n++], sizeof(ids[0]), "pod/%s", t->pods[pr->from_pod].name);
	for (i = 0; i < r->nsteps && n < PATH_MAX_IDS; i++) {
		const struct sim_step *s = &r->steps[i];

		if (s->kind == SIM_STEP_DELIVER && r->delivery == SIM_DELIV_POD)
			snprintf(id, sizeof(id), "pod/%s", t->pods[r->deliver_pod].name);
		else if (s->kind == SIM_STEP_DELIVER || s->kind == SIM_STEP_DROP)
			continue;
		else if (s->kind == SIM_STEP_VETH && s->dev[0] == 'w')
			snprintf(id, sizeof(id), "world");
		else
			step_id(t, s, id, sizeof(id));
		/* Onto the underlay through the uplink; decapsulated by the stack. */
		if (s->kind == SIM_STEP_WIRE && n < PATH_MAX_IDS)
			snprintf(ids[n++], sizeof(ids[0]), "%s/eth0", t->nodes[s->node].name);
		if (s->kind == SIM_STEP_DECAP && n < PATH_MAX_IDS)
			snprintf(ids[n++], sizeof(ids[0]), "%s/stack", t->nodes[s->node].name);
		if (n < PATH_MAX_IDS && strcmp(id, ids[n - 1]))
			snprintf(ids[n++], sizeof(ids[0]), "%s", id);
	}
	if (r->delivery == SIM_DELIV_WORLD && strcmp(ids[n - 1], "world") && n < PATH_MAX_IDS)
		snprintf(ids[n++], sizeof(ids[0]), "world");
	if (r->delivery == SIM_DELIV_DROPPED) {
		fprintf(f,
			"  \"dropped\" [shape=octagon, style=filled, fillcolor=\"#f8d0d0\", "
			"label=\"dropped\\n%s\\n(%s)\"];\n",
			pl_drop_reason_name(r->drop_reason),
			r->kernel_drop ? "by the kernel" : "by the datapath");
		if (n < PATH_MAX_IDS)
			snprintf(ids[n++], sizeof(ids[0]), "dropped");
	}
	for (i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]))
			fprintf(f,
				"  \"%s\" -> \"%s\" [color=red, penwidth=2.5, fontcolor=red, "
				"label=\"%d\", constraint=false];\n",
				ids[i - 1], ids[i], i);
	pl_sim_delivery_str(r, t, where, sizeof(where));
	fprintf(f,
		"  label=\"path of a TCP packet %s → %s (port %u): %s%s\"; labelloc=t; "
		"fontcolor=red;\n",
		t->pods[pr->from_pod].name, pl_ip4_str(pr->daddr, id), pr->dport ? pr->dport : 80,
		r->delivery == SIM_DELIV_DROPPED ? "dropped, " : "delivered to ",
		r->delivery == SIM_DELIV_DROPPED ? pl_drop_reason_name(r->drop_reason) : where);
}

static void emit(FILE *f, const struct pl_plan *p, const struct sim_probe *pr,
		 const struct sim_walk_result *r)
{
	const struct topo *t = p->topo;
	char a[INET_ADDRSTRLEN];
	int i;

	fprintf(f, "digraph podlab {\n  rankdir=LR; compound=true;\n"
		   "  node [fontname=\"Helvetica\", fontsize=10];\n"
		   "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	for (i = 0; i < t->nnodes; i++)
		emit_node(f, p, i);
	fprintf(f,
		"  \"underlay\" [shape=hexagon, style=filled, fillcolor=\"#e8e8e8\", "
		"label=\"underlay (%s)\\nMTU %u, routing %s\"];\n",
		t->underlay == TOPO_UNDERLAY_SEGMENT  ? "bridge br0"
		: t->underlay == TOPO_UNDERLAY_FABRIC ? "fabric router: a route per pod IP"
						      : "veth pair",
		t->mtu ? t->mtu : 1500, pl_topo_routing_name(t->routing));
	for (i = 0; i < t->nnodes; i++)
		fprintf(f, "  \"%s/eth0\" -> \"underlay\" [dir=both];\n", t->nodes[i].name);
	if (t->world.present) {
		fprintf(f,
			"  \"world\" [shape=ellipse, style=filled, fillcolor=\"#e3f4e3\", "
			"label=\"world host %s\\n%s\"];\n",
			t->world.name ? t->world.name : "world", pl_ip4_str(t->world.ip, a));
		if (t->underlay == TOPO_UNDERLAY_SEGMENT)
			fprintf(f, "  \"world\" -> \"underlay\" [dir=both];\n");
		else
			fprintf(f, "  \"world\" -> \"%s/world0\" [dir=both];\n",
				t->nodes[t->world.node >= 0 ? t->world.node : 0].name);
	}
	if (r)
		emit_path(f, t, pr, r);
	fprintf(f, "}\n");
}

/* Pipes DOT through `dot -Tsvg -o out`; PL_EXIT_ENV when Graphviz is missing. */
static int render_svg(const char *dot_text, const char *out)
{
	char cmd[1200];
	FILE *f;
	int st;

	if (system("command -v dot >/dev/null 2>&1") != 0) {
		pl_err("graph: Graphviz `dot` not found (Debian package graphviz); write .dot "
		       "instead");
		return PL_EXIT_ENV;
	}
	snprintf(cmd, sizeof(cmd), "dot -Tsvg -o '%s'", out);
	f = popen(cmd, "w");
	if (!f)
		return pl_err_errno(-errno, "running dot"), PL_EXIT_RUNTIME;
	fputs(dot_text, f);
	st = pclose(f);
	if (st) {
		pl_err("graph: dot failed (status %d) writing %s", st, out);
		return PL_EXIT_RUNTIME;
	}
	return PL_EXIT_OK;
}

static int cmd_graph(int argc, char **argv)
{
	const char *file = NULL, *out = NULL, *path = NULL, *routing = NULL;
	struct sim_probe pr = {.proto = IPPROTO_TCP, .dport = 80};
	struct pl_plan_opts po = {.datapath = true};
	struct sim_walk_result *res = NULL;
	struct sim_walk_opts wo = {.routing = -1};
	struct sim_walk *w = NULL;
	struct pl_plan *plan = NULL;
	struct topo *t = NULL, tm;
	char *text = NULL, from[64], *to;
	size_t len = 0;
	uint64_t port;
	int i, ret = PL_EXIT_INPUT, p;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--path") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--routing") && i + 1 < argc)
			routing = argv[++i];
		else if (!strcmp(argv[i], "--dport") && i + 1 < argc) {
			if (pl_cmd_parse_uint("graph", "--dport", argv[++i], 0, 65535, &port))
				return PL_EXIT_INPUT;
			pr.dport = (uint16_t)port;
		} else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return pl_cmd_usage_error("graph", "unexpected argument '%s'", argv[i]);
	}
	if (!file || !out)
		return pl_cmd_usage_error("graph", "a topology FILE and -o OUT are required");
	len = strlen(out);
	if (len < 4 || (strcmp(out + len - 4, ".svg") && strcmp(out + len - 4, ".dot")))
		return pl_cmd_usage_error("graph", "-o must name a .svg or .dot file");
	if (pl_topo_parse(file, &t))
		return PL_EXIT_INPUT;
	tm = *t;
	if (routing) {
		p = pl_routing_mode_by_name(routing);
		if (p < 0) {
			ret = pl_cmd_usage_error("graph", "unknown routing mode '%s'", routing);
			goto out;
		}
		if ((p == PL_ROUTING_FABRIC) != (t->routing == PL_ROUTING_FABRIC)) {
			ret = pl_cmd_usage_error("graph",
						 "--routing %s: fabric routing and the others need "
						 "topologies of their own (pods in or outside the "
						 "underlay subnet)",
						 routing);
			goto out;
		}
		tm.routing = p;
		wo.routing = p;
	}
	if (pl_plan_build(&tm, "graph", &po, &plan))
		goto out;
	if (path) {
		snprintf(from, sizeof(from), "%s", path);
		to = strchr(from, ',');
		if (!to || (pr.from_pod = pl_topo_pod_by_name(t, (*to++ = '\0', from))) < 0) {
			ret = pl_cmd_usage_error("graph", "--path FROM,TO: FROM must be a pod");
			goto out;
		}
		p = pl_topo_pod_by_name(t, to);
		if (p >= 0)
			pr.daddr = t->pods[p].ip;
		else if (inet_pton(AF_INET, to, &pr.daddr) != 1) {
			ret = pl_cmd_usage_error("graph", "--path: '%s' is not a pod or IPv4", to);
			goto out;
		}
		ret = PL_EXIT_ENV;
		res = calloc(1, sizeof(*res));
		if (!res || pl_sim_walk_open(t, &wo, &w))
			goto out;
		ret = PL_EXIT_RUNTIME;
		if (pl_sim_walk_probe(w, &pr, res))
			goto out;
	}
	ret = PL_EXIT_RUNTIME;
	f = open_memstream(&text, &len);
	if (!f)
		goto out;
	emit(f, plan, &pr, path ? res : NULL);
	fclose(f);
	if (!strcmp(out + strlen(out) - 4, ".svg")) {
		ret = render_svg(text, out);
	} else {
		f = fopen(out, "w");
		if (!f) {
			pl_err_errno(-errno, "writing %s", out);
			goto out;
		}
		fputs(text, f);
		ret = fclose(f) ? PL_EXIT_RUNTIME : PL_EXIT_OK;
	}
	if (ret == PL_EXIT_OK)
		printf("wrote %s\n", out);
out:
	if (res)
		pl_sim_walk_result_release(res);
	free(res);
	pl_sim_walk_close(w);
	free(text);
	pl_plan_free(plan);
	pl_topo_free(t);
	return ret;
}

PL_COMMAND(graph, .name = "graph", .summary = "draw a topology (Graphviz) with a packet's path",
	   .usage = "usage: podlab graph FILE -o OUT.svg|OUT.dot [--path FROM,TO] [options]\n"
		    "\n"
		    "Writes topology FILE as a Graphviz graph: each node a cluster with its\n"
		    "devices (uplink eth0, vxlan0, the pods' node-side veths), the hooks and\n"
		    "programs attached to them, the egress qdisc of the uplink, its IP stack;\n"
		    "pods, the underlay (veth pair or bridge) and the world host. With --path\n"
		    "one packet is walked through the simulator (real programs at every hook,\n"
		    "needs root) and its path is drawn in red, numbered, ending in the pod it\n"
		    "reached or a 'dropped' box with the reason. .svg runs Graphviz `dot\n"
		    "-Tsvg`; .dot writes the graph source.\n"
		    "\n"
		    "options:\n"
		    "  -o OUT            output: .svg (needs Graphviz) or .dot\n"
		    "  --path FROM,TO    a TCP packet from pod FROM to pod (or IPv4) TO\n"
		    "  --dport N         its destination port (default 80)\n"
		    "  --routing M       native, vxlan, ipip or legacy instead of the topology's\n"
		    "\n"
		    "examples:\n"
		    "  podlab graph topologies/two-node-vxlan.yaml -o vxlan.svg --path "
		    "frontend,backend\n"
		    "  podlab graph topologies/seed-tc.yaml -o seed-tc.dot\n"
		    "\n"
		    "exit codes: 0 written, 2 bad usage or topology, 3 Graphviz missing (or no\n"
		    "privilege for --path), 4 a kernel operation or dot failed\n",
	   .run = cmd_graph);
