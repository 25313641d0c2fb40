// SPDX-License-Identifier: GPL-2.0
/* The file-backed ring of a run's flow events: one writer, readers with cursors of their own. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "lib/clock.h"
#include "net/evbus.h"
#include "net/run.h"

void pl_evbus_path(const char *run, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.events", PL_STATE_DIR, run);
}

static size_t bus_len(uint32_t slots)
{
	return sizeof(struct pl_evbus_hdr) + (size_t)slots * sizeof(struct pl_evbus_rec);
}

int pl_evbus_map(int fd, bool writable, bool from_start, struct pl_evbus *bus)
{
	struct pl_evbus_hdr h;
	struct stat sb;
	uint64_t head;
	void *p;

	memset(bus, 0, sizeof(*bus));
	if (fstat(fd, &sb))
		return -errno;
	if ((size_t)sb.st_size < sizeof(h) || pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return -EAGAIN; /* the collector is still laying it out */
	if (h.magic != PL_EVBUS_MAGIC || !h.slots || (h.slots & (h.slots - 1)) ||
	    (size_t)sb.st_size < bus_len(h.slots))
		return -EAGAIN;
	bus->map_len = bus_len(h.slots);
	p = mmap(NULL, bus->map_len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	bus->hdr = p;
	bus->recs = (struct pl_evbus_rec *)(bus->hdr + 1);
	head = __atomic_load_n(&bus->hdr->head, __ATOMIC_ACQUIRE);
	if (from_start)
		bus->cursor = head > h.slots ? head - h.slots : 0;
	else
		bus->cursor = head;
	return 0;
}

int pl_evbus_init(int fd, uint32_t slots, uint32_t nnodes, struct pl_evbus *bus)
{
	struct pl_evbus_hdr h = {};
	int err;

	/* A ring a collector before us laid out alike keeps its head: attached readers go on. */
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.magic != PL_EVBUS_MAGIC ||
	    h.slots != slots) {
		if (ftruncate(fd, 0) || ftruncate(fd, bus_len(slots)))
			return -errno;
		h = (struct pl_evbus_hdr){.magic = PL_EVBUS_MAGIC, .slots = slots};
		if (pwrite(fd, &h, sizeof(h), 0) != sizeof(h))
			return -errno;
	}
	err = pl_evbus_map(fd, true, false, bus);
	if (err)
		return err;
	bus->hdr->nnodes = nnodes;
	bus->hdr->pid = getpid();
	return 0;
}

void pl_evbus_write(struct pl_evbus *bus, uint32_t node, const struct pl_flow_event *ev)
{
	uint64_t i = bus->hdr->head;
	struct pl_evbus_rec *r = &bus->recs[i & (bus->hdr->slots - 1)];

	__atomic_store_n(&r->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	r->node = node;
	memcpy(&r->ev, ev, sizeof(*ev));
	__atomic_store_n(&r->seq, i + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&bus->hdr->head, i + 1, __ATOMIC_RELEASE);
}

void pl_evbus_publish(struct pl_evbus *bus)
{
	__atomic_add_fetch(&bus->hdr->wake, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &bus->hdr->wake, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int pl_evbus_next(struct pl_evbus *bus, uint32_t *node, struct pl_flow_event *ev)
{
	uint64_t slots = bus->hdr->slots, head, s1, s2;
	struct pl_evbus_rec *r;

	for (;;) {
		head = __atomic_load_n(&bus->hdr->head, __ATOMIC_ACQUIRE);
		if (head - bus->cursor > slots) {
			bus->lost += head - bus->cursor - slots;
			bus->cursor = head - slots;
		}
		if (bus->cursor >= head)
			return 0;
		r = &bus->recs[bus->cursor & (slots - 1)];
		s1 = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
		*node = r->node;
		memcpy(ev, &r->ev, sizeof(*ev));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
		bus->cursor++;
		if (s1 == bus->cursor && s2 == bus->cursor)
			return 1;
		bus->lost++; /* the writer lapped us while we copied it */
	}
}

void pl_evbus_wait(struct pl_evbus *bus, uint32_t seen_wake, int timeout_ms)
{
	struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};

	syscall(SYS_futex, &bus->hdr->wake, FUTEX_WAIT, seen_wake, &ts, NULL, 0);
}

int pl_evbus_watch_ring(struct pl_evbus *bus, int map_fd)
{
	struct pl_evbus_ring *r;
	long page = sysconf(_SC_PAGESIZE);
	void *c, *p;

	if (bus->nrings == PL_EVBUS_MAX_NODES)
		return -E2BIG;
	c = mmap(NULL, page, PROT_READ, MAP_SHARED, map_fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, map_fd, page);
	if (p == MAP_FAILED) {
		munmap(c, page);
		return -errno;
	}
	r = &bus->rings[bus->nrings++];
	r->consumer = c;
	r->producer = p;
	r->page = page;
	return 0;
}

int pl_evbus_sync(struct pl_evbus *bus, int timeout_ms)
{
	unsigned long want[PL_EVBUS_MAX_NODES];
	uint64_t deadline = pl_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	uint32_t wake;
	int i, behind;

	for (i = 0; i < bus->nrings; i++)
		want[i] = __atomic_load_n(bus->rings[i].producer, __ATOMIC_ACQUIRE);
	for (;;) {
		wake = __atomic_load_n(&bus->hdr->wake, __ATOMIC_ACQUIRE);
		for (i = behind = 0; i < bus->nrings; i++)
			behind +=
				__atomic_load_n(bus->rings[i].consumer, __ATOMIC_ACQUIRE) < want[i];
		if (!behind)
			return 0;
		if (pl_now_ns() >= deadline)
			return -ETIMEDOUT;
		pl_evbus_wait(bus, wake, 10);
	}
}

void pl_evbus_close(struct pl_evbus *bus)
{
	int i;

	for (i = 0; i < bus->nrings; i++) {
		munmap((void *)bus->rings[i].consumer, bus->rings[i].page);
		munmap((void *)bus->rings[i].producer, bus->rings[i].page);
	}
	if (bus->hdr)
		munmap(bus->hdr, bus->map_len);
	memset(bus, 0, sizeof(*bus));
}
