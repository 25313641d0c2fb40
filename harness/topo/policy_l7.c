// SPDX-License-Identifier: GPL-2.0
/* L7 policy: the proxied ports of pods, and the proxy's decision on one request. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topo/policy_l7.h"

/* Port (host order) of TCP that the ingress allow rule r allows; its L7 set via *l7. */
static bool rule_covers(const struct topo_policy *pol, const struct topo_rule *r, uint16_t port,
			const struct topo_l7 **l7)
{
	bool plain = !r->nports, l7_hit = false;
	int i;

	*l7 = NULL;
	for (i = 0; i < r->nports; i++) {
		const struct topo_port *pt = &r->ports[i];

		if ((pt->proto && pt->proto != 6) || (pt->port && pt->port != port))
			continue;
		if (pt->l7) {
			l7_hit = true;
			*l7 = &pol->l7[pt->l7 - 1];
		} else {
			plain = true;
		}
	}
	/* A plain port beside an L7 one for the same peers: any request (Cilium's wildcard). */
	if (plain)
		*l7 = NULL;
	return plain || l7_hit;
}

static int proxy_add(struct policy_proxies *pp, int pod, uint16_t port)
{
	struct policy_proxy *p;
	int i;

	for (i = 0; i < pp->n; i++)
		if (pp->p[i].pod == pod && pp->p[i].port == port)
			return 0;
	p = realloc(pp->p, (pp->n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	pp->p = p;
	memset(&p[pp->n], 0, sizeof(*p));
	p[pp->n].pod = pod;
	p[pp->n].port = port;
	pp->n++;
	return 0;
}

static int proxy_rules(const struct topo *t, struct policy_proxy *px, struct topo_pos *bad)
{
	struct policy_proxy_rule *rr;
	const struct topo_l7 *l7;
	int i, j;

	for (i = 0; i < t->npolicies; i++) {
		const struct topo_policy *pol = &t->policies[i];

		if (!pl_topo_policy_selects(pol, &t->pods[px->pod]))
			continue;
		for (j = 0; j < pol->nrules; j++) {
			const struct topo_rule *r = &pol->rules[j];

			if (r->dir != TOPO_INGRESS || r->deny ||
			    !rule_covers(pol, r, px->port, &l7))
				continue;
			if (r->ncidrs || r->entities) {
				*bad = r->pos;
				return -EINVAL;
			}
			rr = realloc(px->rules, (px->nrules + 1) * sizeof(*rr));
			if (!rr)
				return -ENOMEM;
			px->rules = rr;
			rr[px->nrules++] =
				(struct policy_proxy_rule){.pol = i, .rule = j, .l7 = l7};
		}
	}
	return 0;
}

int pl_policy_proxies(const struct topo *t, struct policy_proxies *out, struct topo_pos *bad)
{
	struct policy_proxies pp = {0};
	int i, j, k, n, err = 0;

	memset(out, 0, sizeof(*out));
	for (k = 0; !err && k < t->npods; k++)
		for (i = 0; !err && i < t->npolicies; i++) {
			const struct topo_policy *pol = &t->policies[i];

			if (!pl_topo_policy_selects(pol, &t->pods[k]))
				continue;
			for (j = 0; !err && j < pol->nrules; j++)
				for (n = 0; !err && n < pol->rules[j].nports; n++)
					if (pol->rules[j].ports[n].l7)
						err = proxy_add(&pp, k,
								pol->rules[j].ports[n].port);
		}
	for (i = 0; !err && i < pp.n; i++)
		err = proxy_rules(t, &pp.p[i], bad);
	if (err) {
		pl_policy_proxies_free(&pp);
		return err;
	}
	*out = pp;
	return 0;
}

void pl_policy_proxies_free(struct policy_proxies *pp)
{
	int i;

	for (i = 0; i < pp->n; i++)
		free(pp->p[i].rules);
	free(pp->p);
	memset(pp, 0, sizeof(*pp));
}

const struct policy_proxy *pl_policy_proxy_find(const struct policy_proxies *pp, int pod,
						uint16_t port)
{
	int i;

	for (i = 0; i < pp->n; i++)
		if (pp->p[i].pod == pod && pp->p[i].port == port)
			return &pp->p[i];
	return NULL;
}

uint16_t pl_policy_proxy_listen(const struct topo *t, const struct policy_proxies *pp, int pod,
				uint16_t port)
{
	int i, k = 0;

	for (i = 0; i < pp->n; i++) {
		if (pp->p[i].pod == pod && pp->p[i].port == port)
			return (uint16_t)(PL_L7_PORT_BASE + k);
		if (t->pods[pp->p[i].pod].node == t->pods[pod].node)
			k++;
	}
	return 0;
}

bool pl_policy_rule_has_peer(const struct topo *t, const struct topo_rule *r, int src)
{
	if (r->any_peer)
		return true;
	if (src < 0 || !(r->npeer_labels || r->peer_all_pods))
		return false;
	return pl_topo_labels_match(r->peer_labels, r->npeer_labels, t->pods[src].labels,
				    t->pods[src].nlabels);
}

/* 1 match, 0 none, -errno. A NULL value never matches a regex. */
static int l7_re_match(const char *pattern, const char *value)
{
	regex_t re;
	int m;

	if (!pattern)
		return 1;
	if (!value)
		return 0;
	if (pl_l7_regcomp(&re, pattern))
		return -EINVAL;
	m = !regexec(&re, value, 0, NULL, 0);
	regfree(&re);
	return m;
}

static bool header_match(const struct topo_http_rule *h, int k, const struct pl_http_req *req)
{
	int i;

	for (i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->hdr_name[i], h->hdr_name[k]) &&
		    (!h->hdr_value[k] || !strcmp(req->hdr_value[i], h->hdr_value[k])))
			return true;
	return false;
}

static int http_match(const struct topo_http_rule *h, const struct pl_http_req *req)
{
	int k, m;

	m = l7_re_match(h->method, req->method);
	if (m > 0)
		m = l7_re_match(h->path, req->path);
	if (m > 0)
		m = l7_re_match(h->host, req->host);
	for (k = 0; m > 0 && k < h->nheaders; k++)
		m = header_match(h, k, req);
	return m;
}

int pl_policy_http_decide(const struct topo *t, const struct policy_proxy *px, int src,
			  const struct pl_http_req *req, int *rule, int *http)
{
	int i, j, m;

	if (rule)
		*rule = -1;
	if (http)
		*http = -1;
	for (i = 0; i < px->nrules; i++) {
		const struct policy_proxy_rule *pr = &px->rules[i];

		if (!pl_policy_rule_has_peer(t, &t->policies[pr->pol].rules[pr->rule], src))
			continue;
		for (j = 0, m = !pr->l7; !m && j < pr->l7->nhttp; j++) {
			m = http_match(&pr->l7->http[j], req);
			if (m < 0)
				return m;
		}
		if (!m)
			continue;
		if (rule)
			*rule = i;
		if (http)
			*http = pr->l7 ? j - 1 : -1;
		return 1;
	}
	return 0;
}

const char *pl_policy_http_str(const struct topo_http_rule *h, char *buf, size_t len)
{
	size_t n = 0;
	int k;

#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (n < len)                                                                       \
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);                      \
	} while (0)
	buf[0] = '\0';
	if (h->method)
		ADD("method %s", h->method);
	if (h->path)
		ADD("%spath %s", n ? " " : "", h->path);
	if (h->host)
		ADD("%shost %s", n ? " " : "", h->host);
	for (k = 0; k < h->nheaders; k++)
		ADD("%s%s%s%s%s",
		    k	? ", "
		    : n ? " headers "
			: "headers ",
		    h->hdr_name[k], h->hdr_value[k] ? ": " : "",
		    h->hdr_value[k] ? h->hdr_value[k] : "", "");
	if (!n)
		ADD("any request");
#undef ADD
	return buf;
}

const char *pl_policy_proxy_rule_str(const struct topo *t, const struct policy_proxy *px, int rule,
				     int http, char *buf, size_t len)
{
	const struct policy_proxy_rule *pr = &px->rules[rule];
	char h[128];

	if (http < 0)
		snprintf(buf, len, "policy '%s' rule %d: an L4 rule, any request",
			 t->policies[pr->pol].name, pr->rule);
	else
		snprintf(buf, len, "policy '%s' rule %d http[%d]: %s", t->policies[pr->pol].name,
			 pr->rule, http, pl_policy_http_str(&pr->l7->http[http], h, sizeof(h)));
	return buf;
}

bool pl_policy_has_proxies(const struct topo *t)
{
	struct policy_proxies pp;
	struct topo_pos bad;
	bool any;

	if (pl_policy_proxies(t, &pp, &bad))
		return false;
	any = pp.n > 0;
	pl_policy_proxies_free(&pp);
	return any;
}
