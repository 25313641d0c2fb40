// SPDX-License-Identifier: GPL-2.0
/* One ring buffer, many workers: drained under a lock, each takes its own event. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "lib/datapath.h"
#include "replay/evshare.h"

int pl_evshare_init(struct pl_evshare *sh, int nnodes, const cpu_set_t *worker_cpus)
{
	memset(sh, 0, sizeof(*sh));
	sh->pool = calloc(nnodes, sizeof(*sh->pool));
	if (!sh->pool)
		return -ENOMEM;
	sh->nnodes = nnodes;
	sh->worker_cpus = *worker_cpus;
	pthread_mutex_init(&sh->lock, NULL);
	return 0;
}

void pl_evshare_destroy(struct pl_evshare *sh)
{
	int i;

	if (!sh->pool)
		return;
	for (i = 0; i < sh->nnodes; i++)
		free(sh->pool[i].evs);
	free(sh->pool);
	pthread_mutex_destroy(&sh->lock);
	memset(sh, 0, sizeof(*sh));
}

struct drain_ctx {
	struct pl_evshare *sh;
	struct pl_evpool *pool;
};

/* pl_evring callback: keeps the events a worker's CPU emitted. */
static int keep_event(void *ctx, const void *data, size_t size)
{
	struct drain_ctx *d = ctx;
	const struct pl_flow_event *ev = data;
	struct pl_evpool *p = d->pool;
	struct pl_flow_event *grown;

	if (size < sizeof(*ev) || ev->cpu >= CPU_SETSIZE ||
	    !CPU_ISSET(ev->cpu, &d->sh->worker_cpus))
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;

		grown = realloc(p->evs, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		p->evs = grown;
		p->cap = cap;
	}
	memcpy(&p->evs[p->n++], ev, sizeof(*ev));
	return 0;
}

static int find(const struct pl_evpool *p, int cpu, enum pl_prog prog, uint32_t ifindex, size_t len,
		uint64_t t0, uint64_t t1)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if ((int)p->evs[i].cpu == cpu &&
		    pl_event_of_test_run(&p->evs[i], prog, ifindex, len, t0, t1))
			return (int)i;
	return -1;
}

/* The committed records between the consumer position and target, without consuming. */
static bool peek(const struct pl_evring *r, int cpu, enum pl_prog prog, uint32_t ifindex,
		 size_t len, uint64_t t0, uint64_t t1, struct pl_flow_event *out)
{
	unsigned long pos = r->cons, target = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);

	while (pos < target) {
		const uint32_t *hdr = (const uint32_t *)(r->data + (pos & (r->size - 1)));
		uint32_t hlen = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t sz = hlen & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		const struct pl_flow_event *ev = (const void *)(hdr + 2);

		/* a busy record's length is already set at reserve: it can be stepped over */
		if (!(hlen & (BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) &&
		    sz >= sizeof(*ev) && (int)ev->cpu == cpu &&
		    pl_event_of_test_run(ev, prog, ifindex, len, t0, t1)) {
			memcpy(out, ev, sizeof(*out));
			return true;
		}
		pos += (sz + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
	}
	return false;
}

int pl_evshare_take(struct pl_evshare *sh, struct pl_evring *ring, int node, int cpu,
		    enum pl_prog prog, uint32_t ifindex, size_t len, uint64_t t0, uint64_t t1,
		    struct pl_flow_event *out)
{
	struct pl_evpool *p = &sh->pool[node];
	struct drain_ctx d = {.sh = sh, .pool = p};
	unsigned long target;
	size_t i, k;
	int at, err = 0;

	pthread_mutex_lock(&sh->lock);
	target = __atomic_load_n(ring->producer_pos, __ATOMIC_ACQUIRE);
	at = find(p, cpu, prog, ifindex, len, t0, t1);
	if (at < 0) {
		err = pl_evring_read(ring, false, keep_event, &d);
		if (err >= 0)
			at = find(p, cpu, prog, ifindex, len, t0, t1);
	}
	/*
	 * A read stops at a record another CPU is still writing; ours is committed
	 * (our test_run returned) and may lie behind it: look past without consuming.
	 * When read later it lands in the pool again, older than our next window.
	 */
	if (at < 0 && err >= 0 && ring->cons < target &&
	    peek(ring, cpu, prog, ifindex, len, t0, t1, out))
		at = INT_MAX;
	if (at >= 0 && at != INT_MAX)
		*out = p->evs[at];
	/*
	 * This CPU ran nothing of ours before t1 that is still to be taken: its
	 * events up to t1 are this run's or another program's (a live datapath).
	 */
	for (i = k = 0; i < p->n; i++)
		if ((int)p->evs[i].cpu != cpu || p->evs[i].ts_ns > t1)
			p->evs[k++] = p->evs[i];
	p->n = k;
	pthread_mutex_unlock(&sh->lock);
	if (err < 0)
		return err;
	return at >= 0;
}
