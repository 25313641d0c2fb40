// SPDX-License-Identifier: GPL-2.0
/*
 * `policies:` as users paste them from clusters: CiliumNetworkPolicy (and the
 * clusterwide kind) and Kubernetes NetworkPolicy, read into one model. A YAML
 * rule with several peers becomes one topo_rule per peer selector, each with
 * the rule's ports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_addr.h"
#include "topo/topo_v6.h"
#include "topo/topo_yaml.h"

static const char *const policy_keys[] = {"apiVersion", "kind", "metadata", "spec", NULL};
static const char *const meta_keys[] = {"name", "namespace", "labels", "annotations", NULL};
static const char *const cnp_keys[] = {"description", "endpointSelector", "ingress", "egress",
				       "ingressDeny", "egressDeny",	  NULL};
static const char *const cnp_in_keys[] = {"fromEndpoints", "fromCIDR", "fromCIDRSet",
					  "fromEntities",  "toPorts",  NULL};
static const char *const cnp_eg_keys[] = {"toEndpoints", "toCIDR",  "toCIDRSet",
					  "toEntities",	 "toPorts", NULL};
static const char *const selector_keys[] = {"matchLabels", NULL};
static const char *const toports_keys[] = {"ports", NULL};
static const char *const port_keys[] = {"port", "protocol", NULL};
static const char *const cidrset_keys[] = {"cidr", "except", NULL};
static const char *const knp_keys[] = {"podSelector", "policyTypes", "ingress", "egress", NULL};
static const char *const knp_in_keys[] = {"from", "ports", NULL};
static const char *const knp_eg_keys[] = {"to", "ports", NULL};
static const char *const knp_peer_keys[] = {"podSelector", "namespaceSelector", "ipBlock", NULL};

/* What one YAML rule says before it is split per peer. */
struct rule_ctx {
	struct topo_policy *pol;
	enum topo_rule_dir dir;
	bool deny;
	struct topo_port *ports;
	int nports;
};

/*
 * The limits of what a topology's policies may expand to: YAML aliases make a
 * rule list from a few bytes that is the product of the lists it nests.
 */
#define TOPO_RULES_MAX	    (1 << 20)
#define TOPO_RULE_PORTS_MAX (1 << 22)

/* A new rule (one peer selector) with rc's ports; NULL with *err set. */
static struct topo_rule *add_rule(struct topo_parser *p, struct rule_ctx *rc, const ynode *at,
				  int *err)
{
	struct topo_policy *pol = rc->pol;
	struct topo_rule *r, *rules;
	int n = pol->nrules;

	*err = 0;
	if (++p->nrules > TOPO_RULES_MAX || (p->nrule_ports += rc->nports) > TOPO_RULE_PORTS_MAX) {
		*err = pl_yaml_error(&p->y, at,
				     "the policies expand to more than %d rules or %d rule ports",
				     TOPO_RULES_MAX, TOPO_RULE_PORTS_MAX);
		return NULL;
	}

	/* Capacity doubles at each power of two: YAML aliases can make 100k rules. */
	if (!(n & (n - 1))) {
		rules = realloc(pol->rules, (n ? 2 * n : 1) * sizeof(*rules));
		if (!rules)
			goto nomem;
		pol->rules = rules;
	}
	r = &pol->rules[n];
	memset(r, 0, sizeof(*r));
	r->ports = rc->nports ? malloc(rc->nports * sizeof(*r->ports)) : NULL;
	if (rc->nports && !r->ports)
		goto nomem;
	pol->nrules++;
	if (rc->nports)
		memcpy(r->ports, rc->ports, rc->nports * sizeof(*r->ports));
	r->nports = rc->nports;
	r->dir = rc->dir;
	r->deny = rc->deny;
	r->pos = ty_pos(at);
	return r;
nomem:
	*err = -ENOMEM;
	return NULL;
}

/* {matchLabels: {...}}; empty or null selects every pod. */
static int parse_selector(struct topo_parser *p, const ynode *n, const char *what,
			  struct topo_label **labels, int *nlabels)
{
	int err;

	err = pl_ty_check_map(p, n, what, selector_keys);
	if (err)
		return err;
	return pl_ty_labels(p, pl_yaml_get(&p->y, n, "matchLabels"), "matchLabels", labels,
			    nlabels);
}

static int parse_port(struct topo_parser *p, const ynode *n, bool k8s, struct topo_port *port)
{
	const ynode *v;
	const char *s = NULL;
	uint32_t num;
	int err;

	err = pl_ty_check_map(p, n, "a port", port_keys);
	if (err)
		return err;
	port->proto = k8s ? 6 : 0; /* K8s defaults to TCP, Cilium to ANY */
	v = pl_yaml_get(&p->y, n, "protocol");
	if (v) {
		err = pl_ty_scalar(p, v, "protocol", &s);
		if (err)
			return err;
		if (!strcmp(s, "TCP") || !strcmp(s, "tcp"))
			port->proto = 6;
		else if (!strcmp(s, "UDP") || !strcmp(s, "udp"))
			port->proto = 17;
		else if (!strcmp(s, "SCTP") || !strcmp(s, "sctp"))
			port->proto = 132;
		else if (!k8s && (!strcmp(s, "ANY") || !strcmp(s, "any")))
			port->proto = 0;
		else
			return pl_yaml_error(&p->y, v, "protocol '%s' is not %s", s,
					     k8s ? "TCP, UDP or SCTP" : "TCP, UDP, SCTP or ANY");
	}
	v = pl_yaml_get(&p->y, n, "port");
	if (!v) {
		if (!k8s)
			return pl_yaml_error(&p->y, n, "a toPorts port needs 'port'");
		return 0;
	}
	err = pl_ty_scalar(p, v, "port", &s);
	if (err)
		return err;
	if (*s < '0' || *s > '9')
		return pl_yaml_error(&p->y, v,
				     "named port '%s' is not supported: use the port number", s);
	err = pl_ty_u32(p, v, "port", k8s ? 1 : 0, 65535, &num);
	port->port = (uint16_t)num;
	return err;
}

static int append_ports(struct topo_parser *p, const ynode *list, bool k8s, struct rule_ctx *rc)
{
	struct topo_port *ports;
	int i, len, err;

	err = pl_ty_check_seq(p, list, "ports", &len);
	if (err || !len)
		return err;
	ports = realloc(rc->ports, (rc->nports + len) * sizeof(*ports));
	if (!ports)
		return -ENOMEM;
	rc->ports = ports;
	for (i = 0; i < len; i++, rc->nports++) {
		memset(&ports[rc->nports], 0, sizeof(*ports));
		err = parse_port(p, pl_yaml_seq_item(&p->y, list, i), k8s, &ports[rc->nports]);
		if (err)
			return err;
	}
	return 0;
}

/* fromCIDR: [strings] (sets=false) or fromCIDRSet/ipBlock-like [{cidr, except}] (sets=true). */
static int parse_cidr_rule(struct topo_parser *p, const ynode *list, bool sets, struct rule_ctx *rc)
{
	struct topo_rule *r;
	const ynode *it;
	int i, len, err;

	err = pl_ty_check_seq(p, list, sets ? "a CIDR set list" : "a CIDR list", &len);
	if (err || !len)
		return err;
	r = add_rule(p, rc, list, &err);
	if (!r)
		return err;
	r->cidrs = calloc(len, sizeof(*r->cidrs));
	if (!r->cidrs)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		r->ncidrs =
			i + 1; /* counted first: topo_policy_free frees what parsing allocated */
		it = pl_yaml_seq_item(&p->y, list, i);
		if (!sets) {
			err = pl_topo_parse_policy_cidr(p, it, NULL, &r->cidrs[i]);
		} else {
			err = pl_ty_check_map(p, it, "a CIDR set", cidrset_keys);
			if (!err && !pl_yaml_get(&p->y, it, "cidr"))
				err = pl_yaml_error(&p->y, it, "a CIDR set needs 'cidr'");
			if (!err)
				err = pl_topo_parse_policy_cidr(p, pl_yaml_get(&p->y, it, "cidr"),
								pl_yaml_get(&p->y, it, "except"),
								&r->cidrs[i]);
		}
		if (err)
			return err;
	}
	return 0;
}

static int parse_entities(struct topo_parser *p, const ynode *list, struct rule_ctx *rc)
{
	static const struct {
		const char *name;
		unsigned int bits;
	} names[] = {{"world", TOPO_ENT_WORLD},
		     {"host", TOPO_ENT_HOST},
		     {"remote-node", TOPO_ENT_REMOTE_NODE},
		     {"cluster", TOPO_ENT_CLUSTER},
		     {"all", 0}};
	struct topo_rule *r;
	const char *s = NULL;
	unsigned int j;
	int i, len, err;

	err = pl_ty_check_seq(p, list, "entities", &len);
	if (err || !len)
		return err;
	r = add_rule(p, rc, list, &err);
	if (!r)
		return err;
	for (i = 0; i < len; i++) {
		err = pl_ty_scalar(p, pl_yaml_seq_item(&p->y, list, i), "an entity", &s);
		if (err)
			return err;
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (!strcmp(s, names[j].name))
				break;
		if (j == sizeof(names) / sizeof(names[0]))
			return pl_yaml_error(
				&p->y, pl_yaml_seq_item(&p->y, list, i),
				"entity '%s' is not supported (world, host, remote-node, "
				"cluster, all)",
				s);
		r->entities |= names[j].bits;
		r->any_peer |= !names[j].bits;
	}
	if (r->any_peer)
		r->entities = 0;
	return 0;
}

static int parse_endpoints(struct topo_parser *p, const ynode *list, struct rule_ctx *rc)
{
	struct topo_rule *r;
	const ynode *it;
	int i, len, err;

	err = pl_ty_check_seq(p, list, "an endpoint list", &len);
	for (i = 0; !err && i < len; i++) {
		it = pl_yaml_seq_item(&p->y, list, i);
		r = add_rule(p, rc, it, &err);
		if (!r)
			return err;
		err = parse_selector(p, it, "an endpoint selector", &r->peer_labels,
				     &r->npeer_labels);
		r->peer_all_pods = !r->npeer_labels;
	}
	return err;
}

static int parse_cnp_rule(struct topo_parser *p, const ynode *n, struct rule_ctx *rc)
{
	bool in = rc->dir == TOPO_INGRESS;
	const char *pre = in ? "from" : "to";
	const ynode *tp;
	char key[32];
	int i, len, err, before = rc->pol->nrules;

	err = pl_ty_check_map(p, n, in ? "an ingress rule" : "an egress rule",
			      in ? cnp_in_keys : cnp_eg_keys);
	if (err)
		return err;
	tp = pl_yaml_get(&p->y, n, "toPorts");
	err = pl_ty_check_seq(p, tp, "toPorts", &len);
	for (i = 0; !err && i < len; i++) {
		err = pl_ty_check_map(p, pl_yaml_seq_item(&p->y, tp, i), "a toPorts entry",
				      toports_keys);
		if (!err)
			err = append_ports(
				p, pl_yaml_get(&p->y, pl_yaml_seq_item(&p->y, tp, i), "ports"),
				false, rc);
	}
	snprintf(key, sizeof(key), "%sEndpoints", pre);
	if (!err)
		err = parse_endpoints(p, pl_yaml_get(&p->y, n, key), rc);
	snprintf(key, sizeof(key), "%sCIDR", pre);
	if (!err)
		err = parse_cidr_rule(p, pl_yaml_get(&p->y, n, key), false, rc);
	snprintf(key, sizeof(key), "%sCIDRSet", pre);
	if (!err)
		err = parse_cidr_rule(p, pl_yaml_get(&p->y, n, key), true, rc);
	snprintf(key, sizeof(key), "%sEntities", pre);
	if (!err)
		err = parse_entities(p, pl_yaml_get(&p->y, n, key), rc);
	/* Cilium: ports without peers apply to every peer; an empty rule allows nothing. */
	if (!err && rc->pol->nrules == before && rc->nports) {
		struct topo_rule *r = add_rule(p, rc, n, &err);

		if (!r)
			return err;
		r->any_peer = true;
	}
	return err;
}

static int parse_knp_peer(struct topo_parser *p, const ynode *n, struct rule_ctx *rc)
{
	const ynode *pod, *ns, *ipb;
	struct topo_rule *r;
	int err;

	err = pl_ty_check_map(p, n, "a peer", knp_peer_keys);
	if (err)
		return err;
	pod = pl_yaml_get(&p->y, n, "podSelector");
	ns = pl_yaml_get(&p->y, n, "namespaceSelector");
	ipb = pl_yaml_get(&p->y, n, "ipBlock");
	if (!pl_yaml_map_len(n))
		return pl_yaml_error(&p->y, n,
				     "a peer needs podSelector, namespaceSelector or ipBlock");
	if (ipb && (pod || ns))
		return pl_yaml_error(&p->y, ipb,
				     "ipBlock cannot be combined with a selector in one peer");
	if (ipb) {
		r = add_rule(p, rc, ipb, &err);
		if (!r)
			return err;
		err = pl_ty_check_map(p, ipb, "ipBlock", cidrset_keys);
		if (!err && !pl_yaml_get(&p->y, ipb, "cidr"))
			err = pl_yaml_error(&p->y, ipb, "ipBlock needs 'cidr'");
		if (err)
			return err;
		r->cidrs = calloc(1, sizeof(*r->cidrs));
		if (!r->cidrs)
			return -ENOMEM;
		r->ncidrs = 1;
		return pl_topo_parse_policy_cidr(p, pl_yaml_get(&p->y, ipb, "cidr"),
						 pl_yaml_get(&p->y, ipb, "except"), r->cidrs);
	}
	/* podlab has one namespace: only an empty namespaceSelector (all) has a meaning. */
	if (ns) {
		err = pl_ty_check_map(p, ns, "namespaceSelector", selector_keys);
		if (err)
			return err;
		if (pl_yaml_map_len(pl_yaml_get(&p->y, ns, "matchLabels")))
			return pl_yaml_error(
				&p->y, ns,
				"namespaceSelector with labels is not supported: podlab "
				"has one namespace");
	}
	r = add_rule(p, rc, pod ? pod : ns, &err);
	if (!r)
		return err;
	if (pod)
		err = parse_selector(p, pod, "podSelector", &r->peer_labels, &r->npeer_labels);
	r->peer_all_pods = !r->npeer_labels;
	return err;
}

static int parse_knp_rule(struct topo_parser *p, const ynode *n, struct rule_ctx *rc)
{
	bool in = rc->dir == TOPO_INGRESS;
	const ynode *peers;
	int i, len, err;

	err = pl_ty_check_map(p, n, in ? "an ingress rule" : "an egress rule",
			      in ? knp_in_keys : knp_eg_keys);
	if (!err)
		err = append_ports(p, pl_yaml_get(&p->y, n, "ports"), true, rc);
	if (err)
		return err;
	peers = pl_yaml_get(&p->y, n, in ? "from" : "to");
	err = pl_ty_check_seq(p, peers, in ? "from" : "to", &len);
	if (err)
		return err;
	/* Kubernetes: no peers means every peer. */
	if (!len) {
		struct topo_rule *r = add_rule(p, rc, n, &err);

		if (!r)
			return err;
		r->any_peer = true;
		return 0;
	}
	for (i = 0; !err && i < len; i++)
		err = parse_knp_peer(p, pl_yaml_seq_item(&p->y, peers, i), rc);
	return err;
}

/* Each item of a rule list (ingress, egress, ingressDeny, egressDeny). */
static int parse_rule_list(struct topo_parser *p, const ynode *list, const char *what, bool k8s,
			   struct topo_policy *pol, enum topo_rule_dir dir, bool deny)
{
	struct rule_ctx rc = {.pol = pol, .dir = dir, .deny = deny};
	int i, len, err;

	err = pl_ty_check_seq(p, list, what, &len);
	for (i = 0; !err && i < len; i++) {
		free(rc.ports);
		rc.ports = NULL;
		rc.nports = 0;
		if (k8s)
			err = parse_knp_rule(p, pl_yaml_seq_item(&p->y, list, i), &rc);
		else
			err = parse_cnp_rule(p, pl_yaml_seq_item(&p->y, list, i), &rc);
	}
	free(rc.ports);
	return err;
}

static int parse_cnp(struct topo_parser *p, const ynode *spec, struct topo_policy *pol)
{
	static const struct {
		const char *key;
		enum topo_rule_dir dir;
		bool deny;
	} lists[] = {{"ingress", TOPO_INGRESS, false},
		     {"egress", TOPO_EGRESS, false},
		     {"ingressDeny", TOPO_INGRESS, true},
		     {"egressDeny", TOPO_EGRESS, true}};
	const ynode *sel, *v;
	unsigned int i;
	int err;

	err = pl_ty_check_map(p, spec, "spec", cnp_keys);
	if (err)
		return err;
	sel = pl_yaml_get(&p->y, spec, "endpointSelector");
	if (!sel)
		return pl_yaml_error(&p->y, spec,
				     "a CiliumNetworkPolicy spec needs endpointSelector");
	pol->pos = ty_pos(sel);
	err = parse_selector(p, sel, "endpointSelector", &pol->selector, &pol->nselector);
	for (i = 0; !err && i < sizeof(lists) / sizeof(lists[0]); i++) {
		v = pl_yaml_get(&p->y, spec, lists[i].key);
		if (!v)
			continue;
		/* Any ingress section (deny ones too) puts the endpoint in default deny. */
		if (lists[i].dir == TOPO_INGRESS)
			pol->select_ingress = true;
		else
			pol->select_egress = true;
		err = parse_rule_list(p, v, lists[i].key, false, pol, lists[i].dir, lists[i].deny);
	}
	return err;
}

static int parse_knp(struct topo_parser *p, const ynode *spec, struct topo_policy *pol)
{
	const ynode *sel, *types, *v;
	const char *s = NULL;
	int i, len, err;

	err = pl_ty_check_map(p, spec, "spec", knp_keys);
	if (err)
		return err;
	sel = pl_yaml_get(&p->y, spec, "podSelector");
	if (!sel)
		return pl_yaml_error(&p->y, spec, "a NetworkPolicy spec needs podSelector");
	pol->pos = ty_pos(sel);
	err = parse_selector(p, sel, "podSelector", &pol->selector, &pol->nselector);
	if (err)
		return err;
	types = pl_yaml_get(&p->y, spec, "policyTypes");
	err = pl_ty_check_seq(p, types, "policyTypes", &len);
	for (i = 0; !err && i < len; i++) {
		v = pl_yaml_seq_item(&p->y, types, i);
		err = pl_ty_scalar(p, v, "a policy type", &s);
		if (err)
			return err;
		if (!strcmp(s, "Ingress"))
			pol->select_ingress = true;
		else if (!strcmp(s, "Egress"))
			pol->select_egress = true;
		else
			return pl_yaml_error(&p->y, v, "policy type '%s' is not Ingress or Egress",
					     s);
	}
	if (!err && !types) {
		pol->select_ingress = true;
		pol->select_egress = !!pl_yaml_get(&p->y, spec, "egress");
	}
	if (!err && pl_yaml_get(&p->y, spec, "ingress") && !pol->select_ingress)
		pl_yaml_warn(&p->y, pl_yaml_get_key(&p->y, spec, "ingress"),
			     "ingress rules are ignored: policyTypes does not list Ingress");
	if (!err && pl_yaml_get(&p->y, spec, "egress") && !pol->select_egress)
		pl_yaml_warn(&p->y, pl_yaml_get_key(&p->y, spec, "egress"),
			     "egress rules are ignored: policyTypes does not list Egress");
	if (!err && pol->select_ingress)
		err = parse_rule_list(p, pl_yaml_get(&p->y, spec, "ingress"), "ingress", true, pol,
				      TOPO_INGRESS, false);
	if (!err && pol->select_egress)
		err = parse_rule_list(p, pl_yaml_get(&p->y, spec, "egress"), "egress", true, pol,
				      TOPO_EGRESS, false);
	return err;
}

static int parse_policy(struct topo_parser *p, const ynode *n, struct topo_policy *pol)
{
	const ynode *kind, *api, *meta, *spec;
	const char *k, *a, *want;
	bool k8s;
	int err;

	err = pl_ty_check_map(p, n, "a policy", policy_keys);
	if (err)
		return err;
	pol->pos = ty_pos(n);
	kind = pl_yaml_get(&p->y, n, "kind");
	if (!kind)
		return pl_yaml_error(&p->y, n,
				     "a policy needs kind (CiliumNetworkPolicy or NetworkPolicy)");
	err = pl_ty_scalar(p, kind, "kind", &k);
	if (err)
		return err;
	k8s = !strcmp(k, "NetworkPolicy");
	if (!k8s && strcmp(k, "CiliumNetworkPolicy") && strcmp(k, "CiliumClusterwideNetworkPolicy"))
		return pl_yaml_error(&p->y, kind,
				     "kind '%s' is not CiliumNetworkPolicy, "
				     "CiliumClusterwideNetworkPolicy or NetworkPolicy",
				     k);
	want = k8s ? "networking.k8s.io/v1" : "cilium.io/v2";
	api = pl_yaml_get(&p->y, n, "apiVersion");
	if (api && (err = pl_ty_scalar(p, api, "apiVersion", &a)))
		return err;
	if (api && strcmp(a, want))
		return pl_yaml_error(&p->y, api,
				     "apiVersion '%s' does not go with kind %s (expected %s)", a, k,
				     want);
	meta = pl_yaml_get(&p->y, n, "metadata");
	err = pl_ty_check_map(p, meta, "metadata", meta_keys);
	if (err)
		return err;
	if (!pl_yaml_get(&p->y, meta, "name"))
		return pl_yaml_error(&p->y, meta ? meta : n, "a policy needs metadata.name");
	err = pl_ty_strdup(p, pl_yaml_get(&p->y, meta, "name"), "metadata.name", &pol->name);
	if (err)
		return err;
	if (pl_topo_policy_by_name(p->t, pol->name) != p->t->npolicies - 1)
		return pl_yaml_error(&p->y, pl_yaml_get(&p->y, meta, "name"),
				     "duplicate policy name '%s'", pol->name);
	spec = pl_yaml_get(&p->y, n, "spec");
	if (!spec || pl_yaml_is_null(spec))
		return pl_yaml_error(&p->y, n, "a policy needs spec");
	return k8s ? parse_knp(p, spec, pol) : parse_cnp(p, spec, pol);
}

int pl_topo_parse_policies(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	int i, len, err;

	err = pl_ty_check_seq(p, n, "policies", &len);
	if (err || !len)
		return err;
	t->policies = calloc(len, sizeof(*t->policies));
	if (!t->policies)
		return -ENOMEM;
	for (i = 0; !err && i < len; i++) {
		t->npolicies++;
		err = parse_policy(p, pl_yaml_seq_item(&p->y, n, i), &t->policies[i]);
	}
	return err;
}
