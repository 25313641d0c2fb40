// SPDX-License-Identifier: GPL-2.0
/* BPF ring buffer reader with a lazily published consumer position. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "lib/log.h"
#include "replay/evring.h"

int pl_evring_open(struct pl_evring *r, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	void *p;

	memset(r, 0, sizeof(*r));
	r->fd = map_fd;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	r->page = sysconf(_SC_PAGESIZE);
	r->size = info.max_entries;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->consumer_pos = p;
	/* Producer page, then the data pages mapped twice so records never wrap. */
	p = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (p == MAP_FAILED) {
		munmap(r->consumer_pos, r->page);
		r->consumer_pos = NULL;
		return -errno;
	}
	r->producer_pos = p;
	r->data = (const uint8_t *)p + r->page;
	r->cons = r->published = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	return 0;
}

int pl_evring_read(struct pl_evring *r, bool publish, pl_evring_fn fn, void *ctx)
{
	unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE), c;
	int n = 0, err;

	/* The collector frees records as it reads them: a ring behind, ours may be reused. */
	if (r->shared && prod - r->cons > r->size) {
		c = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
		if (c > r->cons)
			r->cons = c;
	}
	while (r->cons < prod) {
		const uint32_t *hdr = (const uint32_t *)(r->data + (r->cons & (r->size - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			err = fn(ctx, hdr + 2,
				 len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT));
			if (err)
				return err;
			n++;
		}
		r->cons += ((len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) +
			    BPF_RINGBUF_HDR_SZ + 7) &
			   ~7ul;
	}
	if (!r->shared && (publish || r->cons - r->published >= r->size / 2)) {
		__atomic_store_n(r->consumer_pos, r->cons, __ATOMIC_RELEASE);
		r->published = r->cons;
	}
	return n;
}

void pl_evring_close(struct pl_evring *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->page + 2 * r->size);
	if (r->fd > 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
}
