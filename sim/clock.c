// SPDX-License-Identifier: GPL-2.0
/* Virtual clock: a binary min-heap ordered by (time, scheduling order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

int pl_sim_clock_init(struct sim_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->cap = 64;
	c->heap = malloc(c->cap * sizeof(*c->heap));
	return c->heap ? 0 : -ENOMEM;
}

void pl_sim_clock_free(struct sim_clock *c)
{
	free(c->heap);
	c->heap = NULL;
	c->n = c->cap = 0;
}

static inline bool before(const struct sim_event *a, const struct sim_event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

int pl_sim_clock_schedule(struct sim_clock *c, uint64_t t, int type, void *ptr, uint64_t data)
{
	struct sim_event ev, *h;
	size_t i;

	if (c->n == c->cap) {
		h = realloc(c->heap, 2 * c->cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		c->heap = h;
		c->cap *= 2;
	}
	ev.t = t < c->now ? c->now : t;
	ev.seq = c->seq++;
	ev.type = type;
	ev.ptr = ptr;
	ev.data = data;
	h = c->heap;
	for (i = c->n++; i > 0; i = (i - 1) / 2) {
		if (!before(&ev, &h[(i - 1) / 2]))
			break;
		h[i] = h[(i - 1) / 2];
	}
	h[i] = ev;
	return 0;
}

uint64_t pl_sim_clock_peek(const struct sim_clock *c)
{
	return c->n ? c->heap[0].t : SIM_TIME_NEVER;
}

bool pl_sim_clock_next(struct sim_clock *c, struct sim_event *ev)
{
	struct sim_event *h = c->heap, last;
	size_t i = 0, k;

	if (!c->n)
		return false;
	*ev = h[0];
	last = h[--c->n];
	for (;;) {
		k = 2 * i + 1;
		if (k >= c->n)
			break;
		if (k + 1 < c->n && before(&h[k + 1], &h[k]))
			k++;
		if (!before(&h[k], &last))
			break;
		h[i] = h[k];
		i = k;
	}
	h[i] = last;
	c->now = ev->t;
	c->popped++;
	return true;
}
