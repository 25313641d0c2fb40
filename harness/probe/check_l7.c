// SPDX-License-Identifier: GPL-2.0
/*
 * podlab check, l7: real HTTP requests from every pod the L4 policy lets
 * reach a port with http rules, through the node's proxy. Requests come from
 * the rules themselves (each http item whose method, path and host are
 * literals, or literals then ".*"), plus one no rule allows; the compiled
 * rules' decision (pl_policy_http_decide) is the expectation: allowed gets
 * 200 from the pod's own server, which must have seen the request's token;
 * denied gets 403 from the proxy, and the pod never sees it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/log.h"
#include "plan/plan.h"
#include "probe/check.h"
#include "probe/check_internal.h"
#include "topo/policy_l7.h"

#define L7_MAX_PER_PAIR 6 /* requests per source, pod and port */

/*
 * What an anchored extended regex matches when it is a literal ("\." and
 * the like escaped), possibly followed by ".*" (then the literal itself):
 * true and out, else false (a class, an alternation: no one string).
 */
static bool regex_literal(const char *re, char *out, size_t len)
{
	static const char meta[] = ".+*?()[]{}|^$\\";
	size_t n = 0;

	for (; *re; re++) {
		if (re[0] == '.' && re[1] == '*' && !re[2])
			break;
		if (*re == '\\' && re[1] && strchr(meta, re[1]))
			re++;
		else if (strchr(meta, *re))
			return false;
		if (n + 1 >= len)
			return false;
		out[n++] = *re;
	}
	out[n] = '\0';
	return true;
}

struct candidate {
	char method[16], path[128], host[64];
	const char *hdr_name[8], *hdr_value[8];
	int nheaders;
};

/* A request the http item h allows, when its fields are literals. */
static bool from_rule(const struct topo_http_rule *h, const char *dflt_host, struct candidate *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	if (!regex_literal(h->method ? h->method : "GET", c->method, sizeof(c->method)) ||
	    !regex_literal(h->path ? h->path : "/", c->path, sizeof(c->path)) ||
	    !regex_literal(h->host ? h->host : dflt_host, c->host, sizeof(c->host)))
		return false;
	if (!c->method[0] || c->path[0] != '/')
		return false;
	for (k = 0; k < h->nheaders && k < 8; k++) {
		c->hdr_name[k] = h->hdr_name[k];
		c->hdr_value[k] = h->hdr_value[k] ? h->hdr_value[k] : "podlab";
	}
	c->nheaders = k;
	return k == h->nheaders;
}

static bool same_request(const struct pl_check_l7 *x, const struct candidate *c)
{
	return !strcmp(x->method, c->method) && !strcmp(x->path, c->path) &&
	       !strcmp(x->host, c->host);
}

/* One row for c from src to px's pod and port, unless one like it exists. */
static void add_row(const struct topo *t, const struct policy_proxy *px, int src,
		    const struct candidate *c, struct pl_check_report *r, int first)
{
	struct pl_http_req req = {.method = c->method,
				  .path = c->path,
				  .host = c->host,
				  .hdr_name = c->hdr_name,
				  .hdr_value = c->hdr_value,
				  .nheaders = c->nheaders};
	struct pl_check_l7 *x;
	int i, rule, http, ret;

	for (i = first; i < r->nl7; i++)
		if (same_request(&r->l7[i], c))
			return;
	if (r->nl7 - first >= L7_MAX_PER_PAIR)
		return;
	ret = pl_policy_http_decide(t, px, src, &req, &rule, &http);
	if (ret < 0)
		return;
	x = &r->l7[r->nl7++];
	x->src = src;
	x->dst = px->pod;
	x->port = px->port;
	snprintf(x->method, sizeof(x->method), "%s", c->method);
	snprintf(x->path, sizeof(x->path), "%s", c->path);
	snprintf(x->host, sizeof(x->host), "%s", c->host);
	x->want_allowed = ret == 1;
	if (ret == 1)
		pl_policy_proxy_rule_str(t, px, rule, http, x->rule, sizeof(x->rule));
}

/* The rows of one proxied port and one source. */
static void plan_rows(const struct topo *t, const struct policy_proxy *px, int src,
		      struct pl_check_report *r)
{
	const char *pod = t->pods[px->pod].name;
	int first = r->nl7, i, k;
	struct candidate c;

	for (i = 0; i < px->nrules; i++) {
		const struct policy_proxy_rule *pr = &px->rules[i];

		if (!pr->l7) {
			if (from_rule(&(struct topo_http_rule){0}, pod, &c))
				add_row(t, px, src, &c, r, first);
			continue;
		}
		for (k = 0; k < pr->l7->nhttp; k++)
			if (from_rule(&pr->l7->http[k], pod, &c))
				add_row(t, px, src, &c, r, first);
	}
	/* One the rules are not written for: denied unless a rule allows anything. */
	memset(&c, 0, sizeof(c));
	snprintf(c.method, sizeof(c.method), "DELETE");
	snprintf(c.path, sizeof(c.path), "/podlab-check");
	snprintf(c.host, sizeof(c.host), "%s", pod);
	add_row(t, px, src, &c, r, first);
}

static void run_row(const struct pl_check_opts *o, struct pl_check_l7 *x,
		    struct pl_probe_server *srv)
{
	const struct topo *t = o->topo;
	char ns[PL_NETNS_NAME_MAX];
	struct pl_probe_http q = {.dst_ip = t->pods[x->dst].ip,
				  .dport = x->port,
				  .method = x->method,
				  .path = x->path,
				  .host = x->host,
				  .timeout_ms = o->timeout_ms,
				  .server = srv};
	struct pl_probe_result pr;
	int code;

	pl_check_netns(o->run, t->pods[x->src].name, ns, sizeof(ns));
	q.src_netns = ns;
	code = pl_probe_http(&q, &pr);
	x->status = code > 0 ? code : 0;
	x->err = code < 0 ? -code : 0;
	x->seen = pr.seen;
	x->ok = x->want_allowed ? x->status == 200 && x->seen : x->status == 403 && !x->seen;
}

int pl_check_run_l7(const struct pl_check_opts *o, struct pl_check_report *r)
{
	const struct topo *t = o->topo;
	struct pl_probe_server *srv = NULL;
	struct policy_proxies pp;
	struct topo_pos bad;
	char ns[PL_NETNS_NAME_MAX];
	int i, s, from, err;

	if ((err = pl_policy_proxies(t, &pp, &bad)))
		return err;
	r->l7 = calloc((size_t)pp.n * t->npods * L7_MAX_PER_PAIR + 1, sizeof(*r->l7));
	if (!r->l7) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < pp.n && !err; i++) {
		const struct policy_proxy *px = &pp.p[i];

		from = r->nl7;
		for (s = 0; s < t->npods; s++)
			if (s != px->pod && pl_check_expected(t, s, px->pod, IPPROTO_TCP, px->port,
							      NULL) == PL_EXPECT_ALLOW)
				plan_rows(t, px, s, r);
		if (from == r->nl7)
			continue;
		/* The pod's own server answers what the proxy lets through. */
		pl_check_netns(o->run, t->pods[px->pod].name, ns, sizeof(ns));
		err = pl_probe_server_start(ns, &px->port, 1, NULL, 0, 0, &srv);
		if (err) {
			pl_err_errno(err, "starting a server on %s:%u", t->pods[px->pod].name,
				     px->port);
			break;
		}
		for (s = from; s < r->nl7; s++)
			run_row(o, &r->l7[s], srv);
		pl_probe_server_stop(srv);
	}
out:
	pl_policy_proxies_free(&pp);
	return err;
}

void pl_check_print_l7(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	char req[256], st[48];
	int i;

	fprintf(f, "\nl7: HTTP through each node's proxy to the ports with http rules (from every "
		   "pod L4 lets in)\n");
	if (!r->nl7)
		fprintf(f, "  nothing to check: no pod may reach a port with http rules\n");
	else
		fprintf(f, "  %-12s %-12s %-5s %-44s %-6s %-7s %-7s %s\n", "SOURCE", "DESTINATION",
			"PORT", "REQUEST", "EXPECT", "STATUS", "REACHED", "MATCH");
	for (i = 0; i < r->nl7; i++) {
		const struct pl_check_l7 *x = &r->l7[i];

		snprintf(req, sizeof(req), "%s %s Host: %s", x->method, x->path, x->host);
		if (x->status)
			snprintf(st, sizeof(st), "%d", x->status);
		else
			snprintf(st, sizeof(st), "none (%s)", strerror(x->err));
		fprintf(f, "  %-12s %-12s %-5u %-44s %-6s %-7s %-7s %s%s%s\n", t->pods[x->src].name,
			t->pods[x->dst].name, x->port, req, x->want_allowed ? "allow" : "403", st,
			x->seen ? "pod" : "-", x->ok ? "ok" : "MISMATCH", x->rule[0] ? "  by " : "",
			x->rule);
	}
	fprintf(f, "  verdict: %s\n", r->section_ok[7] ? "PASS" : "FAIL");
}

void pl_check_json_l7(const struct pl_check_report *r, FILE *f)
{
	const struct topo *t = r->topo;
	int i;

	fprintf(f, "\"requests\":[");
	for (i = 0; i < r->nl7; i++) {
		const struct pl_check_l7 *x = &r->l7[i];

		fprintf(f, "%s{\"src\":\"%s\",\"dst\":\"%s\",\"port\":%u,\"method\":", i ? "," : "",
			t->pods[x->src].name, t->pods[x->dst].name, x->port);
		pl_json_string(f, x->method);
		fprintf(f, ",\"path\":");
		pl_json_string(f, x->path);
		fprintf(f, ",\"host\":");
		pl_json_string(f, x->host);
		fprintf(f, ",\"expect\":\"%s\",\"status\":%d,\"reached_pod\":%s,\"rule\":",
			x->want_allowed ? "allowed" : "denied", x->status,
			x->seen ? "true" : "false");
		pl_json_string(f, x->rule);
		fprintf(f, ",\"ok\":%s}", x->ok ? "true" : "false");
	}
	fprintf(f, "]");
}
