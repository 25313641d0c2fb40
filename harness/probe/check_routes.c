// SPDX-License-Identifier: GPL-2.0
/*
 * podlab check, section routes: which route table knows each pod. Every router
 * namespace (the fabric's, each node's) is dumped over rtnetlink and each pod IP
 * looked up in it by longest prefix: routed to a local veth (the node's own pod),
 * by a route of its own (a pod IP or podCIDR: the table knows that pod), or only by
 * the underlay subnet or a default route (the table knows the next hop, not the pod).
 * fabric: the fabric holds a route per pod IP via its node, nodes only their own
 * pods; native: nodes hold every other node's podCIDR. The overlay modes are shown,
 * not judged (their kernel tables depend on the datapath being loaded).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "net/dump.h"
#include "plan/plan.h"
#include "probe/check.h"
#include "probe/check_internal.h"
#include "topo/topo_addr.h"

struct rt {
	uint32_t dst, gw;
	uint8_t plen;
	char dev[16];
};

/* "route DST/PLEN [via GW] [dev DEV] ..." lines of pl_dump_ns, main table only. */
static int read_routes(const char *ns, struct rt **out, int *n)
{
	char *buf = NULL, *line, *save, *tok, *tsave;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rt *v = NULL, *nv;
	int err, cnt = 0;

	if (!f)
		return -ENOMEM;
	err = pl_dump_ns(ns, PL_DUMP_ROUTES, f);
	fclose(f);
	for (line = err ? NULL : strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct rt r = {0};
		char *slash;

		if (strncmp(line, "route ", 6) || strstr(line, " table "))
			continue;
		tok = strtok_r(line + 6, " ", &tsave);
		slash = tok ? strchr(tok, '/') : NULL;
		if (!slash)
			continue;
		*slash = 0;
		if (inet_pton(AF_INET, tok, &r.dst) != 1)
			continue;
		r.plen = (uint8_t)atoi(slash + 1);
		while ((tok = strtok_r(NULL, " ", &tsave))) {
			if (!strcmp(tok, "via") && (tok = strtok_r(NULL, " ", &tsave)))
				inet_pton(AF_INET, tok, &r.gw);
			else if (!strcmp(tok, "dev") && (tok = strtok_r(NULL, " ", &tsave)))
				snprintf(r.dev, sizeof(r.dev), "%s", tok);
		}
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			err = -ENOMEM;
			break;
		}
		v = nv;
		v[cnt++] = r;
	}
	free(buf);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static const struct rt *lookup(const struct rt *v, int n, uint32_t ip)
{
	const struct rt *best = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (pl_topo_cidr_contains(v[i].dst, v[i].plen, ip) &&
		    (!best || v[i].plen > best->plen))
			best = &v[i];
	return best;
}

/* The route names pods: a pod IP or inside some node's podCIDR. */
static bool pod_route(const struct topo *t, const struct rt *r)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (pl_topo_cidr_within(r->dst, r->plen, t->nodes[i].pod_cidr,
					t->nodes[i].pod_plen))
			return true;
	return false;
}

static void fmt_route(const struct rt *r, uint32_t pod, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN + 5] = "";
	int n = 0;

	if (r->gw)
		snprintf(via, sizeof(via), " via %s", pl_ip4_str(r->gw, b));
	if (r->plen != 32 || r->dst != pod)
		n = snprintf(buf, len, "%s by ", pl_ip4_str(pod, a));
	if (n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "%s/%u%s dev %s", pl_ip4_str(r->dst, a), r->plen, via,
			 r->dev);
}

static void judge(const struct topo *t, struct pl_check_routes *row)
{
	int others = t->npods - row->own_want;

	row->judged = t->routing == PL_ROUTING_FABRIC || t->routing == PL_ROUTING_NATIVE;
	if (!row->judged) {
		row->ok = true;
		return;
	}
	if (row->node < 0) {
		row->remote_want = t->npods;
		row->ok = row->remote == t->npods && !row->wrong_gw;
		if (!row->ok)
			snprintf(row->why, sizeof(row->why), "the fabric routes %d of %d pod IPs%s",
				 row->remote, t->npods,
				 row->wrong_gw ? ", some not via their node" : "");
		else if (t->fabric.max_routes && (uint32_t)row->remote > t->fabric.max_routes) {
			row->ok = false;
			snprintf(row->why, sizeof(row->why), "%d pod routes, over maxRoutes %u",
				 row->remote, t->fabric.max_routes);
		}
		return;
	}
	row->remote_want = t->routing == PL_ROUTING_FABRIC ? 0 : others;
	row->ok = row->own == row->own_want && row->remote == row->remote_want && !row->wrong_gw &&
		  !row->none;
	if (!row->ok)
		snprintf(row->why, sizeof(row->why),
			 "%s: own %d of %d, other nodes' pods %d (want %d)%s%s",
			 t->routing == PL_ROUTING_FABRIC ? "a node knows only its own pods"
							 : "a node routes each podCIDR to its node",
			 row->own, row->own_want, row->remote, row->remote_want,
			 row->wrong_gw ? ", a wrong next hop" : "", row->none ? ", no route" : "");
}

static int check_ns(const struct pl_check_opts *o, struct pl_check_routes *row)
{
	const struct topo *t = o->topo;
	struct rt *v = NULL;
	char veth[PL_IFNAMSIZ];
	int n = 0, i, err;

	err = read_routes(row->ns, &v, &n);
	if (err)
		return err;
	for (i = 0; i < t->npods; i++) {
		const struct topo_pod *pod = &t->pods[i];
		const struct rt *r = lookup(v, n, pod->ip);
		uint32_t node_ip = t->nodes[pod->node].underlay_ip;

		if (pod->node == row->node)
			row->own_want++;
		if (!r) {
			row->none++;
			continue;
		}
		pl_pod_veth_name(t, i, veth, sizeof(veth));
		if (pod->node == row->node && !strcmp(r->dev, veth)) {
			row->own++;
			continue;
		}
		if (!pod_route(t, r)) {
			row->via_subnet++;
			if (!row->example[0] || row->node < 0)
				fmt_route(r, pod->ip, row->example, sizeof(row->example));
			continue;
		}
		row->remote++;
		/* native and fabric: a pod route's next hop is the node holding the pod. */
		if (!pl_topo_overlay(t) && r->gw && r->gw != node_ip)
			row->wrong_gw = true;
		if (!row->example[0] || (row->node >= 0 && pod->node != row->node))
			fmt_route(r, pod->ip, row->example, sizeof(row->example));
	}
	free(v);
	judge(t, row);
	return 0;
}

int pl_check_run_routes(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	int fabric = t->underlay == TOPO_UNDERLAY_FABRIC, i, err = 0;

	r->routes = calloc(t->nnodes + 1, sizeof(*r->routes));
	if (!r->routes)
		return -ENOMEM;
	for (i = fabric ? -1 : 0; i < t->nnodes && !err; i++) {
		struct pl_check_routes *row = &r->routes[r->nroutes++];

		row->node = i;
		pl_check_netns(o->run, i < 0 ? TOPO_NETNS_FABRIC : t->nodes[i].name, row->ns,
			       sizeof(row->ns));
		err = check_ns(o, row);
		if (err)
			pl_err_errno(err, "reading the routes of %s", row->ns);
	}
	return err;
}

void pl_check_print_routes(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char own[16], remote[16], want[48];
	int i;

	fprintf(f, "\nroutes: which route table knows each pod (%s)\n",
		t->routing == PL_ROUTING_FABRIC
			? "fabric: the fabric router holds one route per pod IP, nodes only their "
			  "own pods"
		: t->routing == PL_ROUTING_NATIVE
			? "native: every node routes each other node's podCIDR to that node"
			: "overlay: shown, not judged");
	fprintf(f, "  %-10s %5s %7s %10s %8s  %-52s %-24s %s\n", "TABLE", "OWN", "OTHERS",
		"VIA-SUBNET", "NO-ROUTE", "EXAMPLE", "EXPECTED", "MATCH");
	for (i = 0; i < r->nroutes; i++) {
		const struct pl_check_routes *row = &r->routes[i];

		if (row->node < 0) {
			snprintf(own, sizeof(own), "-");
			snprintf(remote, sizeof(remote), "%d/%d", row->remote, t->npods);
			if (t->fabric.max_routes)
				snprintf(want, sizeof(want), "every pod IP (max %u)",
					 t->fabric.max_routes);
			else
				snprintf(want, sizeof(want), "every pod IP");
		} else {
			snprintf(own, sizeof(own), "%d/%d", row->own, row->own_want);
			snprintf(remote, sizeof(remote), "%d/%d", row->remote,
				 t->npods - row->own_want);
			snprintf(want, sizeof(want), "%s",
				 !row->judged			   ? "-"
				 : t->routing == PL_ROUTING_FABRIC ? "own pods only"
								   : "own + other podCIDRs");
		}
		fprintf(f, "  %-10s %5s %7s %10d %8d  %-52s %-24s %s%s%s\n",
			row->node < 0 ? TOPO_NETNS_FABRIC : t->nodes[row->node].name, own, remote,
			row->via_subnet, row->none, row->example[0] ? row->example : "-", want,
			!row->judged ? "-"
			: row->ok    ? "ok"
				     : "MISMATCH",
			row->why[0] ? ": " : "", row->why);
	}
	fprintf(f, "  verdict: %s\n", r->section_ok[5] ? "PASS" : "FAIL");
}
