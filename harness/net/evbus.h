/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's flow events for many readers, as Hubble's ring: one collector
 * (net/collector.c) drains every node's BPF ring buffer into a file-backed
 * ring, /run/podlab/RUN.events, and each reader maps it and keeps a cursor
 * of its own. Reading consumes nothing; a reader that falls more than a ring
 * behind loses the oldest events and counts them.
 *
 * The file: struct pl_evbus_hdr, then slots records. Event i (0-based) is in
 * slot i % slots; its seq is i + 1 once whole (0 while written), so a reader
 * copying a slot the writer is overwriting sees the change and counts a loss.
 */
#ifndef PL_NET_EVBUS_H
#define PL_NET_EVBUS_H

#include <stdbool.h>
#include <stdint.h>

#include "podlab.h"

#define PL_EVBUS_MAGIC	       0x706c6576u /* "plev" */
#define PL_EVBUS_SLOTS_DEFAULT 32768
#define PL_EVBUS_MAX_NODES     64

struct pl_evbus_hdr {
	uint32_t magic;
	uint32_t slots; /* a power of two */
	uint32_t wake;	/* futex word: bumped after every batch the collector wrote */
	int32_t ready;	/* 0 starting, 1 draining the rings, -errno: the collector failed */
	int32_t pid;	/* the collector */
	uint32_t nnodes;
	uint64_t head; /* events written so far */
};

struct pl_evbus_rec {
	uint64_t seq; /* index + 1 once whole, 0 while written */
	uint32_t node;
	uint32_t pad;
	struct pl_flow_event ev;
};

/* One node's BPF ring positions, read-only: has the collector drained it up to now? */
struct pl_evbus_ring {
	const unsigned long *consumer, *producer;
	long page;
};

struct pl_evbus {
	struct pl_evbus_hdr *hdr;
	struct pl_evbus_rec *recs;
	size_t map_len;
	uint64_t cursor; /* the next event this reader reads */
	uint64_t lost;	 /* overwritten before this reader read them */
	struct pl_evbus_ring rings[PL_EVBUS_MAX_NODES];
	int nrings;
};

/* Path of run's ring file (PATH_MAX). */
void pl_evbus_path(const char *run, char *buf, size_t len);
/* Maps an initialised ring file; from_start: the cursor at the oldest event held, else head. */
int pl_evbus_map(int fd, bool writable, bool from_start, struct pl_evbus *bus);
/* Collector: lays out (or keeps, when already laid out alike) the ring in fd. */
int pl_evbus_init(int fd, uint32_t slots, uint32_t nnodes, struct pl_evbus *bus);
/* Collector: appends one event; pl_evbus_publish wakes the readers after a batch. */
void pl_evbus_write(struct pl_evbus *bus, uint32_t node, const struct pl_flow_event *ev);
void pl_evbus_publish(struct pl_evbus *bus);
/* Reader: 1 and the next event, 0 when none is waiting; bus->lost counts what it missed. */
int pl_evbus_next(struct pl_evbus *bus, uint32_t *node, struct pl_flow_event *ev);
/* Reader: waits up to timeout_ms for the collector's next batch (futex on hdr->wake). */
void pl_evbus_wait(struct pl_evbus *bus, uint32_t seen_wake, int timeout_ms);
/* Reader: maps node's pinned BPF ring positions (the pins of run), for pl_evbus_sync. */
int pl_evbus_watch_ring(struct pl_evbus *bus, int map_fd);
/* Reader: waits (bounded) until every event committed before the call is in the bus. */
int pl_evbus_sync(struct pl_evbus *bus, int timeout_ms);
void pl_evbus_close(struct pl_evbus *bus);

#endif /* PL_NET_EVBUS_H */
