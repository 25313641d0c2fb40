// SPDX-License-Identifier: GPL-2.0
/*
 * The services' map elements, the same on every node (kube-proxy programs
 * every service everywhere): per port a services element (ClusterIP, port,
 * protocol → id, backends, targetPort), per service its backends (id, slot →
 * pod IP, slots in the order of its Endpoints) and its Maglev table in
 * PL_MAGLEV_CHUNKS maglev elements.
 */
#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include "plan/plan_internal.h"
#include "svc/maglev.h"

static int service_entries(const struct topo *t, const struct topo_service *svc, uint32_t id,
			   uint16_t *table, struct pl_map_entry **e, int *n)
{
	uint32_t addrs[PL_MAX_SERVICE_BACKENDS];
	int i, err = 0;

	if (svc->nbackends > PL_MAX_SERVICE_BACKENDS)
		return -E2BIG;
	for (i = 0; i < svc->nports && !err; i++) {
		const struct topo_svc_port *sp = &svc->ports[i];
		struct pl_service_key k = {
			.ip = svc->cluster_ip, .port = htons(sp->port), .proto = sp->proto};
		struct pl_service v = {.id = id,
				       .count = svc->nbackends,
				       .flags = svc->affinity_client_ip ? PL_SVC_F_AFFINITY_CLIENTIP
									: 0,
				       .target_port = htons(sp->target_port)};

		err = pl__map_push(e, n, "services", &k, sizeof(k), &v, sizeof(v));
	}
	for (i = 0; i < svc->nbackends && !err; i++) {
		struct pl_backend_key k = {.id = id, .slot = i};
		struct pl_backend v = {.ip = addrs[i] = t->pods[svc->backends[i]].ip};

		err = pl__map_push(e, n, "backends", &k, sizeof(k), &v, sizeof(v));
	}
	if (err || !svc->nbackends)
		return err;
	if ((err = pl_maglev_build(addrs, svc->nbackends, table, PL_MAGLEV_M)))
		return err;
	for (i = 0; i < PL_MAGLEV_CHUNKS && !err; i++) {
		struct pl_maglev_key k = {.id = id, .chunk = i};

		err = pl__map_push(e, n, "maglev", &k, sizeof(k), &table[i * PL_MAGLEV_CHUNK],
				   sizeof(struct pl_maglev_chunk));
	}
	return err;
}

int pl__plan_service_entries(const struct topo *t, struct pl_map_entry **e, int *n)
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
		err = service_entries(t, &t->services[i], i + 1, table, e, n);
	free(table);
	return err;
}
