// SPDX-License-Identifier: GPL-2.0
/*
 * The services' map elements of a node. kube-proxy programs every service on
 * every node, and so do these: per port a services element (ClusterIP, port,
 * protocol → id, backends, targetPort), per service its backends (id, slot →
 * pod IP, slots in the order of its Endpoints) and its Maglev table in
 * PL_MAGLEV_CHUNKS maglev elements. A nodePort is one more services element
 * (ip 0: the node's own IP); with externalTrafficPolicy Local it has a table
 * of its own (id + PL_MAX_SERVICES) of the node's own backends only.
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "plan/plan_internal.h"
#include "svc/maglev.h"

/* Backends (pod IPs, Endpoints order) of table id, and its Maglev table. */
static int table_entries(uint32_t id, const uint32_t *addrs, int n, uint16_t *table,
			 struct pl_map_entry **e, int *ne)
{
	int i, err = 0;

	for (i = 0; i < n && !err; i++) {
		struct pl_backend_key k = {.id = id, .slot = i};
		struct pl_backend v = {.ip = addrs[i]};

		err = pl__map_push(e, ne, "backends", &k, sizeof(k), &v, sizeof(v));
	}
	if (err || !n)
		return err;
	if ((err = pl_maglev_build(addrs, n, table, PL_MAGLEV_M)))
		return err;
	for (i = 0; i < PL_MAGLEV_CHUNKS && !err; i++) {
		struct pl_maglev_key k = {.id = id, .chunk = i};

		err = pl__map_push(e, ne, "maglev", &k, sizeof(k), &table[i * PL_MAGLEV_CHUNK],
				   sizeof(struct pl_maglev_chunk));
	}
	return err;
}

static int frontend(uint32_t ip, uint16_t port, const struct topo_svc_port *sp, uint32_t id,
		    int count, uint16_t flags, struct pl_map_entry **e, int *n)
{
	struct pl_service_key k = {.ip = ip, .port = htons(port), .proto = sp->proto};
	struct pl_service v = {
		.id = id, .count = count, .flags = flags, .target_port = htons(sp->target_port)};

	return pl__map_push(e, n, "services", &k, sizeof(k), &v, sizeof(v));
}

static int service_entries(const struct topo *t, int node, int idx, uint16_t *table,
			   struct pl_map_entry **e, int *n)
{
	const struct topo_service *svc = &t->services[idx];
	uint32_t *all, *local, id = idx + 1, local_id = PL_MAX_SERVICES + idx + 1;
	uint16_t flags = svc->affinity_client_ip ? PL_SVC_F_AFFINITY_CLIENTIP : 0;
	int i, nlocal = 0, err = 0;

	if (svc->nbackends > PL_MAX_SERVICE_BACKENDS)
		return -E2BIG;
	all = calloc(svc->nbackends + 1, sizeof(*all));
	local = calloc(svc->nbackends + 1, sizeof(*local));
	if (!all || !local) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < svc->nbackends; i++) {
		const struct topo_pod *pod = &t->pods[svc->backends[i]];

		all[i] = pod->ip;
		if (pod->node == node)
			local[nlocal++] = pod->ip;
	}
	for (i = 0; i < svc->nports && !err; i++) {
		const struct topo_svc_port *sp = &svc->ports[i];

		err = frontend(svc->cluster_ip, sp->port, sp, id, svc->nbackends, flags, e, n);
		if (err || svc->type != TOPO_SVC_NODE_PORT)
			continue;
		if (svc->traffic_local)
			err = frontend(0, sp->node_port, sp, local_id, nlocal,
				       flags | PL_SVC_F_NODEPORT | PL_SVC_F_LOCAL, e, n);
		else
			err = frontend(0, sp->node_port, sp, id, svc->nbackends,
				       flags | PL_SVC_F_NODEPORT, e, n);
	}
	if (!err)
		err = table_entries(id, all, svc->nbackends, table, e, n);
	if (!err && svc->type == TOPO_SVC_NODE_PORT && svc->traffic_local)
		err = table_entries(local_id, local, nlocal, table, e, n);
out:
	free(all);
	free(local);
	return err;
}

int pl__plan_service_entries(const struct topo *t, int node, struct pl_map_entry **e, int *n)
{
	uint16_t *table;
	int i, err = 0;

	if (!t->nservices)
		return 0;
	/* Whole chunks: the last one's tail past PL_MAGLEV_M is never looked up, and zero. */
	table = calloc(PL_MAGLEV_CHUNKS * PL_MAGLEV_CHUNK, sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (i = 0; i < t->nservices && !err; i++)
		err = service_entries(t, node, i, table, e, n);
	free(table);
	return err;
}
