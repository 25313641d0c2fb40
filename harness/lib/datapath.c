// SPDX-License-Identifier: GPL-2.0
/* libpodlab datapath loader: skeleton, map programming, test_run, event reader. */
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "lib/clock.h"
#include "datapath.skel.h"
#include "lib/datapath.h"
#include "lib/log.h"

/* From bpf/podlab_names.h: the programs' names and hooks. */
#define ROW(id, value, name, hook) [value] = {name, hook},
static const struct {
	const char *name;
	const char *hook;
} progs[] = {PL_PROG_LIST(ROW)};
#undef ROW

const char *pl_prog_name(enum pl_prog prog)
{
	return (unsigned)prog < sizeof(progs) / sizeof(progs[0]) ? progs[prog].name : "?";
}

const char *pl_prog_hook(enum pl_prog prog)
{
	return (unsigned)prog < sizeof(progs) / sizeof(progs[0]) ? progs[prog].hook : "?";
}

static struct bpf_program *prog_of(const struct pl_datapath *dp, enum pl_prog prog)
{
	switch (prog) {
	case PL_PROG_FROM_POD:
		return dp->skel->progs.from_pod;
	case PL_PROG_FROM_NETWORK:
		return dp->skel->progs.from_network;
	case PL_PROG_FROM_OVERLAY:
		return dp->skel->progs.from_overlay;
	case PL_PROG_XDP_PREFILTER:
		return dp->skel->progs.xdp_prefilter;
	default:
		return NULL;
	}
}

int pl_datapath_prog_fd(const struct pl_datapath *dp, enum pl_prog prog)
{
	struct bpf_program *p = prog_of(dp, prog);

	return p ? bpf_program__fd(p) : -EINVAL;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct pl_datapath *dp = ctx;
	struct pl_flow_event *grown;
	size_t cap;

	if (size < sizeof(struct pl_flow_event))
		return 0;
	if (dp->nevents == dp->cap_events) {
		cap = dp->cap_events ? dp->cap_events * 2 : 64;
		grown = realloc(dp->events, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		dp->events = grown;
		dp->cap_events = cap;
	}
	memcpy(&dp->events[dp->nevents++], data, sizeof(struct pl_flow_event));
	return 0;
}

static int pin_all(struct pl_datapath *dp)
{
	enum pl_prog p;
	char path[512];
	int err;

	for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++) {
		snprintf(path, sizeof(path), "%s/%s", dp->opts.pin_dir, pl_prog_name(p));
		err = bpf_program__pin(prog_of(dp, p), path);
		if (err)
			return pl_err_errno(err, "pinning program %s at %s", pl_prog_name(p), path);
	}
	return 0;
}

int pl_datapath_load(const struct pl_datapath_opts *opts, struct pl_datapath **out)
{
	struct pl_datapath *dp;
	struct bpf_map *map;
	char path[512];
	int err;

	*out = NULL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->opts = *opts;
	dp->skel = datapath__open();
	if (!dp->skel) {
		err = pl_err_errno(-errno, "opening the datapath BPF object");
		goto out;
	}
	dp->skel->rodata->routing_mode = opts->routing;
	dp->skel->rodata->node_ip = opts->node_ip;
	dp->skel->rodata->vxlan_ifindex = opts->vxlan_ifindex;
	dp->skel->rodata->uplink_ifindex = opts->uplink_ifindex;
	dp->skel->rodata->enable_events = opts->events;
	if (opts->pin_dir) {
		bpf_object__for_each_map(map, dp->skel->obj)
		{
			if (bpf_map__type(map) == BPF_MAP_TYPE_ARRAY)
				continue; /* .rodata: per load, never shared */
			snprintf(path, sizeof(path), "%s/%s", opts->pin_dir, bpf_map__name(map));
			err = bpf_map__set_pin_path(map, path);
			if (err) {
				pl_err_errno(err, "setting pin path %s", path);
				goto out;
			}
		}
	}
	err = datapath__load(dp->skel);
	if (err) {
		pl_err_errno(err, "loading the datapath (%s routing)%s",
			     opts->routing == PL_ROUTING_VXLAN	  ? "vxlan"
			     : opts->routing == PL_ROUTING_LEGACY ? "legacy"
								  : "native",
			     pl_verbosity ? "" : "; run with -v for the verifier log");
		goto out;
	}
	if (opts->pin_dir) {
		err = pin_all(dp);
		if (err)
			goto out;
	}
	dp->rb = ring_buffer__new(bpf_map__fd(dp->skel->maps.events), on_event, dp, NULL);
	if (!dp->rb) {
		err = pl_err_errno(-errno, "opening the events ring buffer");
		goto out;
	}
	*out = dp;
	return 0;
out:
	pl_datapath_destroy(dp);
	return err;
}

void pl_datapath_destroy(struct pl_datapath *dp)
{
	if (!dp)
		return;
	ring_buffer__free(dp->rb);
	datapath__destroy(dp->skel);
	free(dp->events);
	free(dp);
}

static int update(struct bpf_map *map, const void *key, const void *val, const char *what)
{
	int err = bpf_map_update_elem(bpf_map__fd(map), key, val, BPF_ANY);

	return err ? pl_err_errno(-errno, "updating the %s map", what) : 0;
}

int pl_endpoint_add(struct pl_datapath *dp, uint32_t ip, const struct pl_endpoint_info *info)
{
	struct pl_endpoint_key key = {.ip = ip};

	return update(dp->skel->maps.endpoints, &key, info, "endpoints");
}

int pl_endpoint_del(struct pl_datapath *dp, uint32_t ip)
{
	struct pl_endpoint_key key = {.ip = ip};

	if (bpf_map_delete_elem(bpf_map__fd(dp->skel->maps.endpoints), &key))
		return -errno;
	return 0;
}

int pl_ipcache_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen,
		   const struct pl_ipcache_info *info)
{
	struct pl_ipcache_key key = {.prefixlen = plen, .ip = ip};

	if (plen > 32)
		return -EINVAL;
	return update(dp->skel->maps.ipcache, &key, info, "ipcache");
}

int pl_policy_add(struct pl_datapath *dp, const struct pl_policy_key *key,
		  const struct pl_policy_entry *entry)
{
	return update(dp->skel->maps.policy, key, entry, "policy");
}

int pl_prefilter_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen, uint32_t rule_id)
{
	struct pl_prefilter_key key = {.prefixlen = plen, .ip = ip};

	if (plen > 32)
		return -EINVAL;
	return update(dp->skel->maps.prefilter, &key, &rule_id, "prefilter");
}

/* Deletes every key; restarts from the beginning because deletion breaks iteration order. */
static int clear_map(struct bpf_map *map, const char *what)
{
	int fd = bpf_map__fd(map);
	char key[64];

	if (bpf_map__key_size(map) > sizeof(key))
		return -E2BIG;
	while (!bpf_map_get_next_key(fd, NULL, key)) {
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return pl_err_errno(-errno, "clearing the %s map", what);
	}
	return errno == ENOENT ? 0 : pl_err_errno(-errno, "iterating the %s map", what);
}

int pl_policy_clear(struct pl_datapath *dp)
{
	return clear_map(dp->skel->maps.policy, "policy");
}

int pl_ct_clear(struct pl_datapath *dp)
{
	return clear_map(dp->skel->maps.conntrack, "conntrack");
}

int pl_datapath_map_update(struct pl_datapath *dp, const char *map, const void *key,
			   const void *val)
{
	struct bpf_map *m = bpf_object__find_map_by_name(dp->skel->obj, map);

	if (!m)
		return -ENOENT;
	return bpf_map_update_elem(bpf_map__fd(m), key, val, BPF_ANY) ? -errno : 0;
}

int pl_counter_read_fd(int map_fd, const struct pl_counter_key *key, struct pl_counter_val *out)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	struct pl_counter_val *vals;
	__u32 slot;

	memset(out, 0, sizeof(*out));
	if (ncpu < 0)
		return ncpu;
	if (!pl_counter_valid(key))
		return 0; /* never counted */
	slot = pl_counter_slot(key->prog, key->dir, key->verdict, key->reason);
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &slot, vals)) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < ncpu; i++) {
		out->packets += vals[i].packets;
		out->bytes += vals[i].bytes;
	}
out:
	free(vals);
	return err;
}

int pl_counter_read(struct pl_datapath *dp, const struct pl_counter_key *key,
		    struct pl_counter_val *out)
{
	return pl_counter_read_fd(bpf_map__fd(dp->skel->maps.counters), key, out);
}

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
