// SPDX-License-Identifier: GPL-2.0
/* What every qdisc model shares: packets, their pool, queues, drop names, errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "qdisc.h"

#define POOL_SLAB 4096

const char *pl_sim_drop_name(enum sim_drop r)
{
	switch (r) {
	case SIM_DROP_NONE:
		return "none";
	case SIM_DROP_QUEUE_FULL:
		return "queue-full";
	case SIM_DROP_OVERSIZE:
		return "oversize";
	case SIM_DROP_LOSS:
		return "loss";
	default:
		return "?";
	}
}

int pl_sim_errf(char *err, int errlen, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (err && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		pl_oneline_str(err, errlen, msg); /* a spec's bad token may hold a newline */
	}
	return -EINVAL;
}

void pl_sim_pkt_pool_init(struct sim_pkt_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->next_id = 1;
}

void pl_sim_pkt_pool_free(struct sim_pkt_pool *pool)
{
	int i;

	for (i = 0; i < pool->nslabs; i++)
		free(pool->slabs[i]);
	free(pool->slabs);
	memset(pool, 0, sizeof(*pool));
}

static int pool_grow(struct sim_pkt_pool *pool)
{
	struct sim_pkt *slab;
	void **slabs;
	int i;

	slabs = realloc(pool->slabs, (pool->nslabs + 1) * sizeof(*slabs));
	if (!slabs)
		return -ENOMEM;
	pool->slabs = slabs;
	slab = malloc(POOL_SLAB * sizeof(*slab));
	if (!slab)
		return -ENOMEM;
	slabs[pool->nslabs++] = slab;
	for (i = POOL_SLAB - 1; i >= 0; i--) {
		slab[i].next = pool->free;
		pool->free = &slab[i];
	}
	return 0;
}

struct sim_pkt *pl_sim_pkt_alloc(struct sim_pkt_pool *pool)
{
	struct sim_pkt *p;

	if (!pool->free && pool_grow(pool))
		return NULL;
	p = pool->free;
	pool->free = p->next;
	memset(p, 0, sizeof(*p));
	p->id = pool->next_id++;
	return p;
}

void pl_sim_pkt_put(struct sim_pkt_pool *pool, struct sim_pkt *p)
{
	p->next = pool->free;
	pool->free = p;
}

void pl_sim_pktq_purge(struct sim_pktq *q, struct sim_pkt_pool *pool)
{
	struct sim_pkt *p;

	while ((p = sim_pktq_pop(q)))
		pl_sim_pkt_put(pool, p);
}
