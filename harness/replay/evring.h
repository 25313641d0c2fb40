/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF ring buffer reader that publishes its consumer position lazily.
 * The kernel wakes the consumer (irq_work + an IPI, costly in a VM) whenever
 * a record is committed while the consumer is caught up; unit-mode replay
 * reads after every BPF_PROG_TEST_RUN, so with libbpf's reader every packet
 * paid a wakeup. Here the position is published only every half ring.
 */
#ifndef PL_REPLAY_EVRING_H
#define PL_REPLAY_EVRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl_evring {
	unsigned long *consumer_pos; /* mmap'ed, shared with the kernel */
	const unsigned long *producer_pos;
	const uint8_t *data; /* double-mapped ring */
	size_t size, page;
	unsigned long cons, published;
	int fd;	     /* the map, pollable: readable when records wait */
	bool shared; /* a run's collector consumes the ring (net/collector.h): read, never publish
		      */
};

typedef int (*pl_evring_fn)(void *ctx, const void *data, size_t len);

/* Maps the ring; takes ownership of map_fd (closed by pl_evring_close). */
int pl_evring_open(struct pl_evring *r, int map_fd);
/* Hands every committed record to fn; publish = always publish the position. */
int pl_evring_read(struct pl_evring *r, bool publish, pl_evring_fn fn, void *ctx);
void pl_evring_close(struct pl_evring *r);

#endif /* PL_REPLAY_EVRING_H */
