// SPDX-License-Identifier: GPL-2.0
/* The model's lookups, names, formatting and teardown. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "lib/datapath.h"
#include "topo/topo_addr.h"
#include "topo/topo_yaml.h"

static void topo_policy_free(struct topo_policy *pol)
{
	int i, j;

	free(pol->name);
	pl_topo_labels_free(pol->selector, pol->nselector);
	for (i = 0; i < pol->nrules; i++) {
		struct topo_rule *r = &pol->rules[i];

		pl_topo_labels_free(r->peer_labels, r->npeer_labels);
		for (j = 0; j < r->ncidrs; j++) {
			free(r->cidrs[j].except_ip);
			free(r->cidrs[j].except_ip6);
			free(r->cidrs[j].except_plen);
		}
		free(r->cidrs);
		free(r->ports);
	}
	free(pol->rules);
}

void pl_topo_free(struct topo *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->npods; i++) {
		free(t->pods[i].name);
		pl_topo_labels_free(t->pods[i].labels, t->pods[i].nlabels);
	}
	free(t->pods);
	for (i = 0; i < t->nnodes; i++) {
		free(t->nodes[i].name);
		free(t->nodes[i].pods);
	}
	free(t->nodes);
	for (i = 0; i < t->nlinks; i++)
		pl_topo_qdisc_free(&t->links[i].qdisc);
	free(t->links);
	free(t->world.name);
	for (i = 0; i < t->npolicies; i++)
		topo_policy_free(&t->policies[i]);
	free(t->policies);
	for (i = 0; i < t->nprograms; i++) {
		free(t->programs[i].object);
		free(t->programs[i].program);
		free(t->programs[i].device);
	}
	free(t->programs);
	for (i = 0; i < t->nservices; i++) {
		free(t->services[i].name);
		free(t->services[i].ports);
		free(t->services[i].backends);
		pl_topo_labels_free(t->services[i].selector, t->services[i].nselector);
	}
	free(t->services);
	free(t->prefilter);
	free(t->name);
	free(t->file);
	free(t);
}

int pl_topo_pod_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->npods; i++)
		if (t->pods[i].name && !strcmp(t->pods[i].name, name))
			return i;
	return -1;
}

int pl_topo_pod_by_ip(const struct topo *t, uint32_t ip)
{
	int i;

	for (i = 0; i < t->npods; i++)
		if (t->pods[i].ip == ip)
			return i;
	return -1;
}

int pl_topo_node_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].name && !strcmp(t->nodes[i].name, name))
			return i;
	return -1;
}

int pl_topo_node_by_pod_ip(const struct topo *t, uint32_t ip)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (pl_topo_cidr_contains(t->nodes[i].pod_cidr, t->nodes[i].pod_plen, ip))
			return i;
	return -1;
}

int pl_topo_node_by_underlay_ip(const struct topo *t, uint32_t ip)
{
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].underlay_ip == ip)
			return i;
	return -1;
}

int pl_topo_policy_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->npolicies; i++)
		if (t->policies[i].name && !strcmp(t->policies[i].name, name))
			return i;
	return -1;
}

int pl_topo_service_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nservices; i++)
		if (t->services[i].name && !strcmp(t->services[i].name, name))
			return i;
	return -1;
}

const char *pl_topo_svc_type_name(enum topo_svc_type type)
{
	return type == TOPO_SVC_NODE_PORT ? "NodePort" : "ClusterIP";
}

bool pl_topo_labels_match(const struct topo_label *want, int nwant, const struct topo_label *have,
			  int nhave)
{
	int i, j;

	for (i = 0; i < nwant; i++) {
		for (j = 0; j < nhave; j++)
			if (!strcmp(want[i].key, have[j].key) &&
			    !strcmp(want[i].value, have[j].value))
				break;
		if (j == nhave)
			return false;
	}
	return true;
}

bool pl_topo_policy_selects(const struct topo_policy *p, const struct topo_pod *pod)
{
	return pl_topo_labels_match(p->selector, p->nselector, pod->labels, pod->nlabels);
}

bool pl_topo_same_subnet(const struct topo *t, int a, int b)
{
	const struct topo_node *x = &t->nodes[a], *y = &t->nodes[b];

	return x->underlay_plen == y->underlay_plen &&
	       pl_topo_cidr_contains(x->underlay_ip, x->underlay_plen, y->underlay_ip);
}

const char *pl_topo_routing_name(enum pl_routing_mode mode)
{
	return pl_routing_mode_name(mode);
}

const char *pl_topo_qdisc_name(enum topo_qdisc_kind kind)
{
	static const char *const names[] = {"none", "tbf", "htb", "netem", "pfifo"};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char *pl_topo_hook_name(enum topo_hook hook)
{
	static const char *const names[] = {"xdp", "tc-ingress", "tc-egress"};

	return (unsigned int)hook < sizeof(names) / sizeof(names[0]) ? names[hook] : "?";
}

static int ifname(char buf[TOPO_IFNAMSIZ], const char *prefix, const char *name)
{
	int n = snprintf(buf, TOPO_IFNAMSIZ, "%s%s", prefix, name);

	return n < TOPO_IFNAMSIZ ? 0 : -ENAMETOOLONG;
}

/* The parser keeps pod names short enough; a longer one is cut, never overflowed. */
void pl_topo_ifname_pod_host(const struct topo_pod *pod, char buf[TOPO_IFNAMSIZ])
{
	ifname(buf, "lxc", pod->name);
}

int pl_topo_ifname_segment_port(const char *name, char buf[TOPO_IFNAMSIZ])
{
	return ifname(buf, "s-", name);
}

int pl_topo_ifname_world_gw(const struct topo_world *w, char buf[TOPO_IFNAMSIZ])
{
	(void)w;
	snprintf(buf, TOPO_IFNAMSIZ, "%s", TOPO_IFNAME_WORLD_GW);
	return 0;
}

int pl_topo_netns_name(const char *run, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "pl-%s-%s", run, name);

	return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}
