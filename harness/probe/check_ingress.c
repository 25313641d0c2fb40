// SPDX-License-Identifier: GPL-2.0
/*
 * podlab check, ingress: an HTTP GET from the world host to every node's IP
 * at each nodePort whose backends run nginx (`nginx:` pods), and the client
 * address nginx's access log shows: the node's IP where the request was
 * SNATed (externalTrafficPolicy Cluster, a backend on another node), the
 * world's own where it was not (Local, or a backend on the node entered).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "lib/clock.h"
#include "lib/escape.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "probe/check.h"
#include "probe/check_internal.h"
#include "probe/nsrun.h"

#define INGRESS_LOG_WAIT_S 1.0 /* nginx logs a request once it is answered: moments later */

/* The backends of service svc whose nginx listens on its target port. */
static int nginx_backends(const struct topo *t, const struct topo_service *s,
			  const struct topo_svc_port *sp, int node)
{
	int i, n = 0;

	for (i = 0; i < s->nbackends; i++) {
		const struct topo_pod *pod = &t->pods[s->backends[i]];

		if (pod->nginx.on && pod->nginx.port == sp->target_port &&
		    (node < 0 || pod->node == node))
			n++;
	}
	return n;
}

bool pl_check_ingress_applies(const struct topo *t)
{
	int i, j;

	if (!t->world.present)
		return false;
	for (i = 0; i < t->nservices; i++)
		for (j = 0; j < t->services[i].nports; j++)
			if (t->services[i].type == TOPO_SVC_NODE_PORT &&
			    nginx_backends(t, &t->services[i], &t->services[i].ports[j], -1))
				return true;
	return false;
}

/* GET / from the world; the status (0 = none), the body's first line and our source port. */
static int http_get(const char *world_ns, uint32_t ip, uint16_t port, int timeout_ms,
		    struct pl_check_ingress *x)
{
	char host[64], resp[1024], a[INET_ADDRSTRLEN], *body;
	struct pl_probe_http q = {.src_netns = world_ns,
				  .dst_ip = ip,
				  .dport = port,
				  .method = "GET",
				  .path = "/",
				  .host = host,
				  .timeout_ms = timeout_ms,
				  .resp = resp,
				  .resp_len = sizeof(resp)};
	struct pl_probe_result pr;
	int code;

	snprintf(host, sizeof(host), "%s:%u", pl_ip4_str(ip, a), port);
	code = pl_probe_http(&q, &pr);
	x->sport = pr.local_port;
	if (code < 0)
		return code == -EPROTO ? 0 : code; /* answered without a status: status 0 */
	x->status = code;
	body = strstr(resp, "\r\n\r\n");
	if (body) {
		body += 4;
		snprintf(x->body, sizeof(x->body), "%.*s", (int)strcspn(body, "\r\n"), body);
	}
	return 0;
}

/* The access log line of our request in pod's nginx: the client address nginx saw. */
static bool seen_by(const char *run, const struct topo_pod *pod, uint16_t sport, uint32_t *src)
{
	char path[256], line[512], addr[64];
	unsigned port;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s/access.log", PL_RUN_FILES, run, pod->name);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %u", addr, &port) == 2 && port == sport &&
		    inet_pton(AF_INET, addr, src) == 1)
			found = true; /* the last one: a port reused later is a later request */
	fclose(f);
	return found;
}

/* The node the world host hangs off (docs/topology.md, "world"). */
static int gateway(const struct topo *t)
{
	int n = t->world.node;

	if (n > 0 && n < t->nnodes)
		return n;
	n = pl_topo_node_by_underlay_ip(t, t->world.gateway_node_ip);
	return n < 0 ? 0 : n;
}

static void judge(const struct pl_check_opts *o, struct pl_check_ingress *x)
{
	const struct topo *t = o->topo;
	const struct topo_service *s = &t->services[x->svc];
	double deadline = pl_now() + INGRESS_LOG_WAIT_S;
	struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};
	int i;

	if (!x->expect_answer) {
		x->ok = !x->status;
		if (!x->ok)
			snprintf(x->why, sizeof(x->why),
				 "answered %d, but node %s has no backend (Local)", x->status,
				 t->nodes[x->node].name);
		return;
	}
	if (x->status != 200) {
		snprintf(x->why, sizeof(x->why), "%s", x->err ? strerror(-x->err) : "no HTTP 200");
		/* p2p: the world's packets enter its gateway node by world0, where no program runs.
		 */
		if (t->underlay != TOPO_UNDERLAY_SEGMENT && x->node == gateway(t))
			snprintf(x->why + strlen(x->why), sizeof(x->why) - strlen(x->why),
				 " (p2p: the world enters %s by world0, no from_network there)",
				 t->nodes[x->node].name);
		return;
	}
	/* Which backend answered: the one whose access log holds our source port. */
	while (x->backend < 0) {
		for (i = 0; i < s->nbackends && x->backend < 0; i++)
			if (t->pods[s->backends[i]].nginx.on &&
			    seen_by(o->run, &t->pods[s->backends[i]], x->sport, &x->seen_src))
				x->backend = s->backends[i];
		if (x->backend >= 0 || pl_now() > deadline)
			break;
		nanosleep(&tick, NULL);
	}
	if (x->backend < 0) {
		snprintf(x->why, sizeof(x->why), "no backend's access log has port %u", x->sport);
		return;
	}
	/* SNAT exactly when the request left the node it entered (Cluster to another node). */
	x->snat = t->pods[x->backend].node != x->node;
	x->want_src = x->snat ? t->nodes[x->node].underlay_ip : t->world.ip;
	x->ok = x->seen_src == x->want_src;
	if (!x->ok)
		snprintf(x->why, sizeof(x->why), "nginx saw the wrong source");
}

int pl_check_run_ingress(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	int timeout = o->timeout_ms ? o->timeout_ms : PL_PROBE_TIMEOUT_MS;
	char world[PL_NETNS_NAME_MAX];
	int i, j, n, cap = 0;

	if (!pl_check_ingress_applies(t))
		return 0;
	pl_check_netns(o->run, t->world.name ? t->world.name : "world", world, sizeof(world));
	for (i = 0; i < t->nservices; i++)
		for (j = 0; j < t->services[i].nports; j++)
			cap += t->nnodes;
	r->ingress = calloc(cap + 1, sizeof(*r->ingress));
	if (!r->ingress)
		return -ENOMEM;
	for (i = 0; i < t->nservices; i++) {
		const struct topo_service *s = &t->services[i];

		for (j = 0; j < s->nports; j++) {
			const struct topo_svc_port *sp = &s->ports[j];

			if (s->type != TOPO_SVC_NODE_PORT || !nginx_backends(t, s, sp, -1))
				continue;
			for (n = 0; n < t->nnodes; n++) {
				struct pl_check_ingress *x = &r->ingress[r->ningress++];

				x->svc = i;
				x->port = j;
				x->node = n;
				x->backend = -1;
				x->expect_answer = !s->traffic_local || nginx_backends(t, s, sp, n);
				x->err = http_get(world, t->nodes[n].underlay_ip, sp->node_port,
						  timeout, x);
				judge(o, x);
			}
		}
	}
	return 0;
}

void pl_check_print_ingress(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	fprintf(f,
		"\ningress: HTTP from %s %s to a node IP at a nodePort, the source nginx "
		"logged\n",
		t->world.present ? t->world.name : "world",
		t->world.present ? pl_ip4_str(t->world.ip, a) : "-");
	if (!r->ningress)
		fprintf(f, "  nothing to check: no world host, or no NodePort whose backends run "
			   "nginx\n");
	for (i = 0; i < r->ningress; i++) {
		const struct pl_check_ingress *x = &r->ingress[i];
		const struct topo_service *s = &t->services[x->svc];

		fprintf(f, "  %-12s %-7s via %-6s %s:%-5u ", s->name,
			s->traffic_local ? "Local" : "Cluster", t->nodes[x->node].name,
			pl_ip4_str(t->nodes[x->node].underlay_ip, a), s->ports[x->port].node_port);
		if (!x->expect_answer)
			fprintf(f, "%s (no backend on %s)", x->status ? "answered" : "no answer",
				t->nodes[x->node].name);
		else if (x->status != 200 || x->backend < 0)
			fprintf(f, "HTTP %d", x->status);
		else
			fprintf(f, "HTTP 200 \"%s\" from %s, nginx saw %s (%s)", x->body,
				t->pods[x->backend].name, pl_ip4_str(x->seen_src, b),
				x->snat ? "SNAT to the node's IP" : "the client's own");
		fprintf(f, "  %s%s%s\n", x->ok ? "ok" : "MISMATCH", x->why[0] ? ": " : "", x->why);
	}
	fprintf(f, "  verdict: %s\n", r->section_ok[6] ? "PASS" : "FAIL");
}

void pl_check_json_ingress(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	int i;

	fprintf(f, "\"requests\":[");
	for (i = 0; i < r->ningress; i++) {
		const struct pl_check_ingress *x = &r->ingress[i];
		const struct topo_service *s = &t->services[x->svc];

		fprintf(f,
			"%s{\"service\":\"%s\",\"policy\":\"%s\",\"node\":\"%s\",\"to\":\"%s:%u\","
			"\"expect_answer\":%s,\"status\":%d,\"body\":",
			i ? "," : "", s->name, s->traffic_local ? "Local" : "Cluster",
			t->nodes[x->node].name, pl_ip4_str(t->nodes[x->node].underlay_ip, a),
			s->ports[x->port].node_port, x->expect_answer ? "true" : "false",
			x->status);
		pl_json_string(f, x->body);
		fprintf(f,
			",\"backend\":\"%s\",\"seen_src\":\"%s\",\"want_src\":\"%s\",\"snat\":%s,"
			"\"ok\":%s,\"why\":",
			x->backend >= 0 ? t->pods[x->backend].name : "",
			x->seen_src ? pl_ip4_str(x->seen_src, b) : "",
			x->want_src ? pl_ip4_str(x->want_src, c) : "", x->snat ? "true" : "false",
			x->ok ? "true" : "false");
		pl_json_string(f, x->why);
		fputc('}', f);
	}
	fprintf(f, "]");
}
