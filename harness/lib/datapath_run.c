// SPDX-License-Identifier: GPL-2.0
/* libpodlab datapath: one BPF_PROG_TEST_RUN of a node's program, and its flow events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/log.h"

/* bpf_ktime_get_ns is CLOCK_MONOTONIC: the event must fall inside the syscall. */
bool pl_event_of_test_run(const struct pl_flow_event *ev, enum pl_prog prog, uint32_t ifindex,
			  size_t len, uint64_t t0, uint64_t t1)
{
	if (ev->prog != prog || ev->ts_ns < t0 || ev->ts_ns > t1)
		return false;
	if (ifindex && ev->ifindex != ifindex)
		return false;
	return ev->pkt_len == (len > 0xffff ? 0xffff : len);
}

int pl_datapath_test_run(struct pl_datapath *dp, enum pl_prog prog, const void *pkt, size_t len,
			 const struct pl_run_ctx *ctx, uint8_t *out, size_t out_cap,
			 struct pl_run_result *res)
{
	struct __sk_buff skb = {};
	struct xdp_md xdp = {};
	size_t before = dp->nevents, i;
	uint64_t t0, t1;
	int fd, err;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = len, .data_out = out,
		    .data_size_out = out ? out_cap : 0);

	memset(res, 0, sizeof(*res));
	fd = pl_datapath_prog_fd(dp, prog);
	if (fd < 0)
		return fd;
	topts.repeat = ctx && ctx->repeat > 1 ? ctx->repeat : 1;
	if (prog == PL_PROG_XDP_PREFILTER) {
		xdp.data_end = len;
		xdp.ingress_ifindex = ctx ? ctx->ifindex : 0;
		topts.ctx_in = &xdp;
		topts.ctx_size_in = sizeof(xdp);
	} else {
		skb.ifindex = ctx ? ctx->ifindex : 0;
		skb.mark = ctx ? ctx->mark : 0;
		if (ctx && ctx->gso_size) {
			skb.gso_size = ctx->gso_size;
			skb.gso_segs = (len + ctx->gso_size - 1) / ctx->gso_size;
		}
		topts.ctx_in = &skb;
		topts.ctx_size_in = sizeof(skb);
	}
	/* A live run's traffic shares the ring: drop what is there, then match by packet. */
	err = ring_buffer__consume(dp->rb);
	if (err < 0)
		return pl_err_errno(err, "reading flow events");
	dp->nevents = before;
	t0 = pl_now_ns();
	err = bpf_prog_test_run_opts(fd, &topts);
	if (err)
		return -errno;
	t1 = pl_now_ns();
	res->retval = topts.retval;
	res->data_out = out;
	res->data_out_len = topts.data_size_out;
	res->duration_ns = topts.duration;
	err = ring_buffer__consume(dp->rb);
	if (err < 0)
		return pl_err_errno(err, "reading flow events");
	for (i = before; i < dp->nevents; i++) {
		if (pl_event_of_test_run(&dp->events[i], prog, ctx ? ctx->ifindex : 0, len, t0,
					 t1)) {
			res->event = dp->events[i];
			res->has_event = true;
			break;
		}
	}
	dp->nevents = before;
	return 0;
}

int pl_datapath_events_poll(struct pl_datapath *dp, int timeout_ms)
{
	size_t before = dp->nevents;
	int err = ring_buffer__poll(dp->rb, timeout_ms);

	if (err < 0 && err != -EINTR)
		return pl_err_errno(err, "polling flow events");
	return dp->nevents - before;
}

size_t pl_datapath_events_take(struct pl_datapath *dp, struct pl_flow_event **out)
{
	size_t n = dp->nevents;

	*out = dp->events;
	dp->events = NULL;
	dp->nevents = dp->cap_events = 0;
	return n;
}
