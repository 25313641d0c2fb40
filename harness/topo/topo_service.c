// SPDX-License-Identifier: GPL-2.0
/*
 * `serviceCIDR:` and `services:`, Kubernetes Services in their own shape:
 * name, type, clusterIP, ports (port, targetPort, nodePort, protocol),
 * selector, externalTrafficPolicy, sessionAffinity. The Endpoints are the
 * pods the selector matches that are ready (a pod's `ready: false` leaves it
 * out), in file order; a clusterIP not given is the
 * lowest free address of the service CIDR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "topo/topo_addr.h"
#include "topo/topo_yaml.h"

#define NODE_PORT_MIN 30000 /* kube-apiserver's default --service-node-port-range */
#define NODE_PORT_MAX 32767

static const char *const service_keys[] = {"name",
					   "type",
					   "clusterIP",
					   "ports",
					   "selector",
					   "externalTrafficPolicy",
					   "sessionAffinity",
					   NULL};
static const char *const port_keys[] = {"name", "port", "targetPort", "nodePort", "protocol", NULL};

/* Where the service CIDR may not be: pods, nodes and the world host have their own addresses. */
static int check_cidr_free(struct topo_parser *p, const ynode *v)
{
	const struct topo *t = p->t;
	int i;

	for (i = 0; i < t->nnodes; i++) {
		const struct topo_node *nd = &t->nodes[i];

		if (pl_topo_cidr_contains(t->svc_cidr, t->svc_plen, nd->pod_cidr) ||
		    pl_topo_cidr_contains(nd->pod_cidr, nd->pod_plen, t->svc_cidr))
			return pl_yaml_error(&p->y, v,
					     "the service CIDR overlaps the podCIDR of node '%s'",
					     nd->name);
		if (pl_topo_cidr_contains(t->svc_cidr, t->svc_plen, nd->underlay_ip))
			return pl_yaml_error(&p->y, v, "the service CIDR holds the ip of node '%s'",
					     nd->name);
	}
	if (t->world.present && pl_topo_cidr_contains(t->svc_cidr, t->svc_plen, t->world.ip))
		return pl_yaml_error(&p->y, v, "the service CIDR holds the world host's ip");
	return 0;
}

int pl_topo_parse_service_cidr(struct topo_parser *p, const ynode *v, const ynode *services)
{
	int err;

	if (!v)
		return services ? check_cidr_free(p, services) : 0; /* the default: if used */
	err = pl_ty_cidr(p, v, "serviceCIDR", false, &p->t->svc_cidr, &p->t->svc_plen);
	if (err)
		return err;
	if (p->t->svc_plen < 8 || p->t->svc_plen > 30)
		return pl_yaml_error(&p->y, v, "serviceCIDR must be /8../30");
	return check_cidr_free(p, v);
}

/* A port number 1..65535 (what names it in messages). */
static int port_number(struct topo_parser *p, const ynode *v, const char *what, uint16_t *out)
{
	uint32_t n;
	int err = pl_ty_u32(p, v, what, 1, 65535, &n);

	*out = (uint16_t)n;
	return err;
}

static int parse_target_port(struct topo_parser *p, const ynode *v, uint16_t *out)
{
	const char *s = NULL;
	int err = pl_ty_scalar(p, v, "targetPort", &s);

	if (err)
		return err;
	if (*s && (s[0] < '0' || s[0] > '9'))
		return pl_yaml_error(&p->y, v,
				     "targetPort '%s' names a container port, and pods here "
				     "declare none: give the port number",
				     s);
	return port_number(p, v, "targetPort", out);
}

/* Another service, or an earlier port of this one, with this nodePort and protocol. */
static int node_port_taken(const struct topo *t, const struct topo_service *self, int nports,
			   const struct topo_svc_port *sp)
{
	int i, k;

	for (i = 0; i < t->nservices; i++) {
		const struct topo_service *o = &t->services[i];
		int n = o == self ? nports : o->nports;

		for (k = 0; k < n; k++)
			if (&o->ports[k] != sp && o->ports[k].node_port == sp->node_port &&
			    o->ports[k].proto == sp->proto)
				return i;
	}
	return -1;
}

static int parse_port(struct topo_parser *p, const ynode *n, struct topo_service *svc)
{
	struct topo_svc_port *sp = &svc->ports[svc->nports];
	const ynode *v;
	int err, k, other;

	err = pl_ty_check_map(p, n, "a service port", port_keys);
	if (err)
		return err;
	sp->pos = ty_pos(n);
	sp->proto = IPPROTO_TCP;
	v = pl_yaml_get(&p->y, n, "port");
	if (!v)
		return pl_yaml_error(&p->y, n, "a service port needs 'port'");
	if ((err = port_number(p, v, "port", &sp->port)))
		return err;
	sp->target_port = sp->port;
	v = pl_yaml_get(&p->y, n, "targetPort");
	if (v && (err = parse_target_port(p, v, &sp->target_port)))
		return err;
	v = pl_yaml_get(&p->y, n, "protocol");
	if (v) {
		const char *s = NULL;

		if ((err = pl_ty_scalar(p, v, "protocol", &s)))
			return err;
		if (!strcmp(s, "UDP"))
			sp->proto = IPPROTO_UDP;
		else if (strcmp(s, "TCP"))
			return pl_yaml_error(&p->y, v, "protocol '%s': expected TCP or UDP", s);
	}
	for (k = 0; k < svc->nports; k++)
		if (svc->ports[k].port == sp->port && svc->ports[k].proto == sp->proto)
			return pl_yaml_error(&p->y, n, "service '%s' has port %u/%s twice",
					     svc->name, sp->port,
					     sp->proto == IPPROTO_UDP ? "UDP" : "TCP");
	v = pl_yaml_get(&p->y, n, "nodePort");
	if (v) {
		if (svc->type != TOPO_SVC_NODE_PORT)
			return pl_yaml_error(&p->y, v, "nodePort needs type: NodePort");
		uint32_t np;

		if ((err = pl_ty_u32(p, v, "nodePort", NODE_PORT_MIN, NODE_PORT_MAX, &np)))
			return err;
		sp->node_port = (uint16_t)np;
		other = node_port_taken(p->t, svc, svc->nports, sp);
		if (other >= 0)
			return pl_yaml_error(&p->y, v, "nodePort %u/%s is taken by service '%s'",
					     sp->node_port,
					     sp->proto == IPPROTO_UDP ? "UDP" : "TCP",
					     p->t->services[other].name);
	}
	svc->nports++;
	return 0;
}

/* One of the words a field takes (first: its default); index in *out. */
static int parse_word(struct topo_parser *p, const ynode *n, const char *key, const char *a,
		      const char *b, int *out)
{
	const ynode *v = pl_yaml_get(&p->y, n, key);
	const char *s = NULL;
	int err;

	*out = 0;
	if (!v)
		return 0;
	if ((err = pl_ty_scalar(p, v, key, &s)))
		return err;
	if (!strcmp(s, a))
		return 0;
	if (!strcmp(s, b)) {
		*out = 1;
		return 0;
	}
	return pl_yaml_error(&p->y, v, "%s '%s': expected %s or %s", key, s, a, b);
}

static int parse_cluster_ip(struct topo_parser *p, const ynode *v, struct topo_service *svc)
{
	const struct topo *t = p->t;
	char a[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	int err, i;

	if ((err = pl_ty_ipv4(p, v, "clusterIP", &svc->cluster_ip)))
		return err;
	pl_ip4_str(svc->cluster_ip, a);
	if (!pl_topo_cidr_contains(t->svc_cidr, t->svc_plen, svc->cluster_ip))
		return pl_yaml_error(&p->y, v, "clusterIP %s is outside the service CIDR %s/%u", a,
				     pl_ip4_str(t->svc_cidr, c), t->svc_plen);
	if (svc->cluster_ip == t->svc_cidr ||
	    svc->cluster_ip == (t->svc_cidr | htonl(~topo_mask(t->svc_plen))))
		return pl_yaml_error(&p->y, v, "clusterIP %s is the service CIDR's %s address", a,
				     svc->cluster_ip == t->svc_cidr ? "network" : "broadcast");
	for (i = 0; i < t->nservices; i++)
		if (&t->services[i] != svc && t->services[i].cluster_ip == svc->cluster_ip)
			return pl_yaml_error(&p->y, v, "clusterIP %s is service '%s''s already", a,
					     t->services[i].name);
	return 0;
}

static int parse_selector(struct topo_parser *p, const ynode *n, struct topo_service *svc)
{
	const struct topo *t = p->t;
	const ynode *v = pl_yaml_get(&p->y, n, "selector");
	int i, err, matched = 0;

	if (!v || pl_yaml_is_null(v))
		return pl_yaml_error(&p->y, v ? v : n,
				     "service '%s' needs a selector (its Endpoints are the pods it "
				     "matches)",
				     svc->name);
	if ((err = pl_ty_labels(p, v, "selector", &svc->selector, &svc->nselector)))
		return err;
	if (!svc->nselector)
		return pl_yaml_error(&p->y, v, "service '%s': an empty selector matches no pod",
				     svc->name);
	svc->backends = calloc(t->npods ? t->npods : 1, sizeof(*svc->backends));
	if (!svc->backends)
		return -ENOMEM;
	for (i = 0; i < t->npods; i++) {
		if (!pl_topo_labels_match(svc->selector, svc->nselector, t->pods[i].labels,
					  t->pods[i].nlabels))
			continue;
		matched++;
		if (t->pods[i].ready)
			svc->backends[svc->nbackends++] = i;
	}
	/* Matching only pods that are not ready is a service without backends, not a typo. */
	if (!matched)
		return pl_yaml_error(&p->y, v, "service '%s': the selector matches no pod",
				     svc->name);
	return 0;
}

static int parse_service(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	struct topo_service *svc = &t->services[t->nservices];
	const ynode *v, *ports;
	int err, i, len, word;

	if ((err = pl_ty_check_map(p, n, "a service", service_keys)))
		return err;
	svc->pos = ty_pos(n);
	v = pl_yaml_get(&p->y, n, "name");
	if (!v)
		return pl_yaml_error(&p->y, n, "a service needs a name");
	if ((err = pl_ty_name(p, v, "service name", TOPO_NAME_MAX - 1, &svc->name)))
		return err;
	t->nservices++; /* owned from here: freed with the topology */
	if (pl_topo_service_by_name(t, svc->name) != t->nservices - 1)
		return pl_yaml_error(&p->y, v, "a second service named '%s'", svc->name);
	v = pl_yaml_get(&p->y, n, "type");
	svc->type_pos = v ? ty_pos(v) : svc->pos;
	if ((err = parse_word(p, n, "type", "ClusterIP", "NodePort", &word)))
		return err;
	svc->type = word ? TOPO_SVC_NODE_PORT : TOPO_SVC_CLUSTER_IP;
	if ((err = parse_word(p, n, "sessionAffinity", "None", "ClientIP", &word)))
		return err;
	svc->affinity_client_ip = word;
	if ((err = parse_word(p, n, "externalTrafficPolicy", "Cluster", "Local", &word)))
		return err;
	svc->traffic_local = word;
	v = pl_yaml_get(&p->y, n, "externalTrafficPolicy");
	if (v && svc->type != TOPO_SVC_NODE_PORT)
		return pl_yaml_error(&p->y, v, "externalTrafficPolicy needs type: NodePort");
	v = pl_yaml_get(&p->y, n, "clusterIP");
	if (v && (err = parse_cluster_ip(p, v, svc)))
		return err;
	ports = pl_yaml_get(&p->y, n, "ports");
	if ((err = pl_ty_check_seq(p, ports, "ports", &len)))
		return err;
	if (!len)
		return pl_yaml_error(&p->y, ports ? ports : n, "service '%s' needs ports",
				     svc->name);
	svc->ports = calloc(len, sizeof(*svc->ports));
	if (!svc->ports)
		return -ENOMEM;
	for (i = 0; i < len && !err; i++)
		err = parse_port(p, pl_yaml_seq_item(&p->y, ports, i), svc);
	return err ? err : parse_selector(p, n, svc);
}

/* A NodePort port without a nodePort gets the lowest free one (per protocol), as the apiserver. */
static int allocate_node_ports(struct topo_parser *p)
{
	struct topo *t = p->t;
	int i, k;

	for (i = 0; i < t->nservices; i++) {
		struct topo_service *svc = &t->services[i];

		for (k = 0; svc->type == TOPO_SVC_NODE_PORT && k < svc->nports; k++) {
			struct topo_svc_port *sp = &svc->ports[k];
			uint32_t np;

			if (sp->node_port)
				continue;
			for (np = NODE_PORT_MIN; np <= NODE_PORT_MAX; np++) {
				sp->node_port = (uint16_t)np;
				if (node_port_taken(t, NULL, 0, sp) < 0)
					break;
			}
			if (np > NODE_PORT_MAX)
				return pl_yaml_error_at(&p->y, sp->pos.line, sp->pos.col,
							"no nodePort left in %u..%u", NODE_PORT_MIN,
							NODE_PORT_MAX);
		}
	}
	return 0;
}

/* The lowest address of the service CIDR no service was given (after the network address). */
static int allocate_cluster_ips(struct topo_parser *p)
{
	struct topo *t = p->t;
	uint32_t base = ntohl(t->svc_cidr), size = ~topo_mask(t->svc_plen), off = 1, ip;
	int i, k;

	for (i = 0; i < t->nservices; i++) {
		if (t->services[i].cluster_ip)
			continue;
		for (; off < size; off++) {
			ip = htonl(base + off);
			for (k = 0; k < t->nservices && t->services[k].cluster_ip != ip; k++)
				;
			if (k == t->nservices)
				break;
		}
		if (off >= size)
			return pl_yaml_error_at(&p->y, t->services[i].pos.line,
						t->services[i].pos.col,
						"the service CIDR has no address left for service "
						"'%s'",
						t->services[i].name);
		t->services[i].cluster_ip = htonl(base + off++);
	}
	return 0;
}

int pl_topo_parse_services(struct topo_parser *p, const ynode *n)
{
	struct topo *t = p->t;
	int i, len, err;

	if ((err = pl_ty_check_seq(p, n, "services", &len)) || !len)
		return err;
	if (len > PL_MAX_SERVICES)
		return pl_yaml_error(&p->y, n, "%d services: podlab's maps hold %d", len,
				     PL_MAX_SERVICES);
	t->services = calloc(len, sizeof(*t->services));
	if (!t->services)
		return -ENOMEM;
	for (i = 0; i < len && !err; i++)
		err = parse_service(p, pl_yaml_seq_item(&p->y, n, i));
	if (err)
		return err;
	err = allocate_node_ports(p);
	return err ? err : allocate_cluster_ips(p);
}
