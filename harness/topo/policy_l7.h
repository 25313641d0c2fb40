/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The L7 (HTTP) part of compiled policies: which (pod, TCP port) pairs the
 * node's proxy handles, and the ingress rules that allow requests there, in
 * policy order. A rule without http rules that allows the port from its
 * peers allows every request from them (Cilium's wildcard). The decision
 * pl_policy_http_decide() is what the proxy config (harness/net/l7_config.c)
 * tells HAProxy to do, evaluated in C for `podlab explain` and tests.
 */
#ifndef PL_POLICY_L7_H
#define PL_POLICY_L7_H

#include <regex.h>
#include <stdint.h>

#include "topo/topo.h"

struct policy_proxy_rule {
	int pol, rule;		  /* t->policies[pol].rules[rule] */
	const struct topo_l7 *l7; /* NULL: an L4 rule, any request from its peers */
};

/* One proxied port of one pod. */
struct policy_proxy {
	int pod;       /* t->pods index */
	uint16_t port; /* host order */
	struct policy_proxy_rule *rules;
	int nrules;
};

struct policy_proxies {
	struct policy_proxy *p;
	int n;
};

/* The proxy of a node listens on PL_L7_PORT_BASE + the index of the proxied port on that node. */
#define PL_L7_PORT_BASE 15001

/* The listening port of pod's proxied port (host order), 0 when it is not proxied. */
uint16_t pl_policy_proxy_listen(const struct topo *t, const struct policy_proxies *pp, int pod,
				uint16_t port);

/* "^(pattern)$" compiled as an extended regex (REG_NOSUB): regcomp's code. */
int pl_l7_regcomp(regex_t *re, const char *pattern);

/*
 * The proxied ports of t's pods, by pod then port. -EINVAL when a rule allowing a proxied port
 * names peers the proxy cannot match (fromCIDR, fromEntities): *bad gets its position.
 */
int pl_policy_proxies(const struct topo *t, struct policy_proxies *out, struct topo_pos *bad);
void pl_policy_proxies_free(struct policy_proxies *pp);
/* t has proxied ports (false too when its rules cannot be compiled). */
bool pl_policy_has_proxies(const struct topo *t);
/* The proxy of pod's port, or NULL (plain L4). */
const struct policy_proxy *pl_policy_proxy_find(const struct policy_proxies *pp, int pod,
						uint16_t port);

/* A rule's peer selector matches pod src (the proxy matches it by source address). */
bool pl_policy_rule_has_peer(const struct topo *t, const struct topo_rule *r, int src);

struct pl_http_req {
	const char *method, *path, *host; /* host NULL: no Host header */
	const char *const *hdr_name;	  /* other headers */
	const char *const *hdr_value;
	int nheaders;
};

/*
 * The proxy's verdict on req from pod src to px's pod and port: 1 allowed,
 * 0 denied (403), -errno. *rule / *http (may be NULL) name the allowing
 * rule (index in px->rules) and its http[] item (-1: any request); -1 when
 * denied.
 */
int pl_policy_http_decide(const struct topo *t, const struct policy_proxy *px, int src,
			  const struct pl_http_req *req, int *rule, int *http);

/* One http rule as text: "method GET path /public.* host a headers X-A, X-B: v" ("any request"). */
const char *pl_policy_http_str(const struct topo_http_rule *h, char *buf, size_t len);
/* What allowed a request: "policy 'P' rule R http[H]: method GET" (http -1: an L4 rule). */
const char *pl_policy_proxy_rule_str(const struct topo *t, const struct policy_proxy *px, int rule,
				     int http, char *buf, size_t len);

#endif /* PL_POLICY_L7_H */
