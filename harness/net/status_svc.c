// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab status RUN`: a node's services as its pinned maps hold them, one
 * line per frontend (ClusterIP:port/protocol, targetPort, affinity) and one
 * per backend with the share of the Maglev table it got.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "lib/pkt.h"
#include "net/status.h"

static int pinned(const char *dir, const char *map)
{
	char path[640];

	snprintf(path, sizeof(path), "%s/%s", dir, map);
	return bpf_obj_get(path);
}

/* Entries of service id's Maglev table per backend slot (count of them) into share. */
static void maglev_share(int fd, uint32_t id, uint32_t *share, uint32_t count)
{
	struct pl_maglev_chunk c;
	uint32_t k, i;

	for (k = 0; k < PL_MAGLEV_CHUNKS; k++) {
		struct pl_maglev_key key = {.id = id, .chunk = k};

		if (bpf_map_lookup_elem(fd, &key, &c))
			continue;
		for (i = 0; i < PL_MAGLEV_CHUNK && k * PL_MAGLEV_CHUNK + i < PL_MAGLEV_M; i++)
			if (c.slot[i] < count)
				share[c.slot[i]]++;
	}
}

static void print_service(FILE *out, const struct pl_service_key *k, const struct pl_service *v,
			  int backends_fd, int maglev_fd)
{
	uint32_t *share = calloc(v->count ? v->count : 1, sizeof(*share)), i;
	char a[INET_ADDRSTRLEN];

	fprintf(out, "    %s %s:%u/%s id %u -> targetPort %u, %u backends%s%s\n",
		k->ip ? "service" : "nodePort", k->ip ? pl_ip4_str(k->ip, a) : "node-ip",
		ntohs(k->port), k->proto == IPPROTO_UDP ? "UDP" : "TCP", v->id,
		ntohs(v->target_port), v->count,
		v->flags & PL_SVC_F_AFFINITY_CLIENTIP ? ", affinity ClientIP" : "",
		v->flags & PL_SVC_F_LOCAL ? ", externalTrafficPolicy Local (this node's)" : "");
	if (!v->count)
		fprintf(out, "      no backends: packets dropped (NO_SERVICE_BACKEND)\n");
	if (share && maglev_fd >= 0)
		maglev_share(maglev_fd, v->id, share, v->count);
	for (i = 0; i < v->count; i++) {
		struct pl_backend_key bk = {.id = v->id, .slot = i};
		struct pl_backend b;

		if (bpf_map_lookup_elem(backends_fd, &bk, &b)) {
			fprintf(out, "      backend %u: MISSING\n", i);
			continue;
		}
		fprintf(out, "      backend %u: %s:%u, maglev %u/%u entries\n", i,
			pl_ip4_str(b.ip, a), ntohs(v->target_port), share ? share[i] : 0,
			PL_MAGLEV_M);
	}
	free(share);
}

int pl_status_services(const char *node, const char *dir, FILE *out)
{
	int svc_fd = pinned(dir, "services"), be_fd = pinned(dir, "backends");
	int mg_fd = pinned(dir, "maglev"), n = 0, err = 0;
	struct pl_service_key key, next;
	struct pl_service v;
	void *prev = NULL;

	if (svc_fd < 0 || be_fd < 0) {
		err = -errno;
		goto out;
	}
	while (!bpf_map_get_next_key(svc_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(svc_fd, &key, &v))
			continue;
		if (!n++)
			fprintf(out, "  services of %s:\n", node);
		print_service(out, &key, &v, be_fd, mg_fd);
	}
	err = n;
out:
	if (svc_fd >= 0)
		close(svc_fd);
	if (be_fd >= 0)
		close(be_fd);
	if (mg_fd >= 0)
		close(mg_fd);
	return err;
}
