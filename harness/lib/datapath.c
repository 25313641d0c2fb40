// SPDX-License-Identifier: GPL-2.0
/* libpodlab datapath loader: skeleton, nodes sharing it, map programming (test_run:
 * datapath_run.c). */
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* The node maps' names, in the order of enum pl_node_map; the outer map is <name>_of. */
static const char *const node_map_names[PL_MAP__COUNT] = {
	"endpoints",  "ipcache",  "policy",	"conntrack", "prefilter", "events",   "counters",
	"endpoints6", "ipcache6", "conntrack6", "services",  "maglev",	  "backends", "prefilter6",
};

/* One map for every node of a load (no <name>_of): their values name no node as "this one". */
static bool cluster_kind(enum pl_node_map kind)
{
	return kind == PL_MAP_IPCACHE || kind == PL_MAP_IPCACHE6;
}

bool pl_map_cluster_wide(const char *name)
{
	int k;

	for (k = 0; k < PL_MAP__COUNT; k++)
		if (!strcmp(name, node_map_names[k]))
			return cluster_kind(k);
	return false;
}

const char *pl_prog_name(enum pl_prog prog)
{
	return (unsigned)prog < sizeof(progs) / sizeof(progs[0]) ? progs[prog].name : "?";
}

const char *pl_prog_hook(enum pl_prog prog)
{
	return (unsigned)prog < sizeof(progs) / sizeof(progs[0]) ? progs[prog].hook : "?";
}

/* Slot 0's map of kind: the template of every node's. */
static struct bpf_map *node_map_of(const struct datapath *skel, enum pl_node_map kind)
{
	struct bpf_map *const maps[PL_MAP__COUNT] = {
		skel->maps.endpoints,  skel->maps.ipcache,    skel->maps.policy,
		skel->maps.conntrack,  skel->maps.prefilter,  skel->maps.events,
		skel->maps.counters,   skel->maps.endpoints6, skel->maps.ipcache6,
		skel->maps.conntrack6, skel->maps.services,   skel->maps.maglev,
		skel->maps.backends,   skel->maps.prefilter6,
	};

	return maps[kind];
}

/* NULL for a cluster-wide kind: no slots. */
static struct bpf_map *outer_map_of(const struct datapath *skel, enum pl_node_map kind)
{
	struct bpf_map *const maps[PL_MAP__COUNT] = {
		skel->maps.endpoints_of,
		NULL,
		skel->maps.policy_of,
		skel->maps.conntrack_of,
		skel->maps.prefilter_of,
		skel->maps.events_of,
		skel->maps.counters_of,
		skel->maps.endpoints6_of,
		NULL,
		skel->maps.conntrack6_of,
		skel->maps.services_of,
		skel->maps.maglev_of,
		skel->maps.backends_of,
		skel->maps.prefilter6_of,
	};

	return maps[kind];
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

uint32_t pl_datapath_prog_id(const struct pl_datapath *dp, enum pl_prog prog)
{
	struct bpf_prog_info info = {0};
	uint32_t len = sizeof(info);
	int fd = pl_datapath_prog_fd(dp, prog);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
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

static int pin_fd(int fd, const char *dir, const char *name, const char *what)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (bpf_obj_pin(fd, path))
		return pl_err_errno(-errno, "pinning %s %s at %s", what, name, path);
	return 0;
}

static int pin_progs(struct pl_datapath *dp)
{
	enum pl_prog p;
	int err;

	for (p = PL_PROG_FROM_POD; p <= PL_PROG_XDP_PREFILTER; p++) {
		err = pin_fd(pl_datapath_prog_fd(dp, p), dp->opts.pin_dir, pl_prog_name(p),
			     "program");
		if (err)
			return err;
	}
	return 0;
}

/* An added node's pins, the same names as the loaded one's: programs, shared maps, its maps. */
static int pin_node(struct pl_datapath *dp)
{
	const struct datapath *skel = dp->skel;
	int k, err;

	if ((err = pin_progs(dp)))
		return err;
	if ((err = pin_fd(bpf_map__fd(skel->maps.devices), dp->opts.pin_dir, "devices", "map")))
		return err;
	for (k = 0; k < PL_MAP__COUNT; k++) {
		const struct bpf_map *outer = outer_map_of(skel, k);

		if (cluster_kind(k))
			continue; /* pinned once, by the loaded node */
		if ((err = pin_fd(bpf_map__fd(outer), dp->opts.pin_dir, bpf_map__name(outer),
				  "map")) ||
		    (err = pin_fd(dp->map_fd[k], dp->opts.pin_dir, node_map_names[k], "map")))
			return err;
	}
	return 0;
}

int pl_datapath_bind(struct pl_datapath *dp, uint32_t ifindex)
{
	struct pl_node_cfg cfg = {
		.slot = dp->slot,
		.node_ip = dp->opts.node_ip,
		.vxlan_ifindex = dp->opts.vxlan_ifindex,
		.uplink_ifindex = dp->opts.uplink_ifindex,
	};

	/* NOEXIST: two nodes planned with one ifindex would share maps unnoticed. */
	if (bpf_map_update_elem(bpf_map__fd(dp->skel->maps.devices), &ifindex, &cfg, BPF_NOEXIST))
		return pl_err_errno(-errno, "binding ifindex %u to datapath slot %u%s", ifindex,
				    dp->slot, errno == EEXIST ? " (bound to a node already)" : "");
	return 0;
}

int pl_datapath_load(const struct pl_datapath_opts *opts, struct pl_datapath **out)
{
	struct pl_datapath *dp;
	struct bpf_map *map;
	char path[512];
	int k, err;

	*out = NULL;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->opts = *opts;
	for (k = 0; k < PL_MAP__COUNT; k++)
		dp->map_fd[k] = -1;
	dp->skel = datapath__open();
	if (!dp->skel) {
		err = pl_err_errno(-errno, "opening the datapath BPF object");
		goto out;
	}
	dp->skel->rodata->routing_mode = opts->routing;
	dp->skel->rodata->enable_events = opts->events;
	dp->skel->rodata->ipip_cross_subnet = opts->ipip_cross_subnet;
	dp->skel->rodata->enable_services = !opts->no_services;
	/* Devices key 0 (pl_datapath_bind below) as rodata: an unlisted device costs one lookup. */
	dp->skel->rodata->default_node = !opts->multi_node;
	dp->skel->rodata->default_node_ip = opts->multi_node ? 0 : opts->node_ip;
	dp->skel->rodata->default_vxlan_ifindex = opts->multi_node ? 0 : opts->vxlan_ifindex;
	/* Slot 0's map, the template of every node's (create_node_map). */
	if (opts->ct_max &&
	    (err = bpf_map__set_max_entries(dp->skel->maps.conntrack, opts->ct_max))) {
		pl_err_errno(err, "sizing the conntrack map to %u entries", opts->ct_max);
		goto out;
	}
	/* IPv6 maps as large as their IPv4 twins, conntrack.max included. */
	if (opts->ipv6 &&
	    ((err = bpf_map__set_max_entries(dp->skel->maps.endpoints6,
					     bpf_map__max_entries(dp->skel->maps.endpoints))) ||
	     (err = bpf_map__set_max_entries(dp->skel->maps.conntrack6,
					     bpf_map__max_entries(dp->skel->maps.conntrack))))) {
		pl_err_errno(err, "sizing the IPv6 maps");
		goto out;
	}
	if ((err = bpf_map__set_max_entries(dp->skel->maps.counters, pl_counter_entries()))) {
		pl_err_errno(err, "sizing the counters map to %u entries", pl_counter_entries());
		goto out;
	}
	if (opts->pin_dir) {
		bpf_object__for_each_map(map, dp->skel->obj)
		{
			const char *dir = opts->pin_dir;

			if (bpf_map__is_internal(map))
				continue; /* .rodata: per load, never shared */
			if (opts->cluster_pin_dir && pl_map_cluster_wide(bpf_map__name(map)))
				dir = opts->cluster_pin_dir;
			snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
			err = bpf_map__set_pin_path(map, path);
			if (err) {
				pl_err_errno(err, "setting pin path %s", path);
				goto out;
			}
		}
	}
	for (k = 0; k < PL_MAP__COUNT && opts->share_with; k++) {
		if (!cluster_kind(k))
			continue;
		err = bpf_map__reuse_fd(node_map_of(dp->skel, k), opts->share_with->map_fd[k]);
		if (err) {
			pl_err_errno(err, "sharing the %s map", node_map_names[k]);
			goto out;
		}
	}
	err = datapath__load(dp->skel);
	if (err) {
		pl_err_errno(err, "loading the datapath (%s routing)%s",
			     pl_routing_mode_name(opts->routing),
			     pl_verbosity ? "" : "; run with -v for the verifier log");
		goto out;
	}
	if (opts->pin_dir) {
		err = pin_progs(dp);
		if (err)
			goto out;
	}
	for (k = 0; k < PL_MAP__COUNT; k++)
		dp->map_fd[k] = bpf_map__fd(node_map_of(dp->skel, k));
	if (!opts->multi_node && (err = pl_datapath_bind(dp, 0)))
		goto out;
	dp->rb = ring_buffer__new(dp->map_fd[PL_MAP_EVENTS], on_event, dp, NULL);
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

/* A fresh, empty map like slot 0's of kind (its sizes and flags, and what a loader set). */
static int create_node_map(const struct datapath *skel, enum pl_node_map kind)
{
	const struct bpf_map *t = node_map_of(skel, kind);
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = bpf_map__map_flags(t));
	int fd = bpf_map_create(bpf_map__type(t), node_map_names[kind], bpf_map__key_size(t),
				bpf_map__value_size(t), bpf_map__max_entries(t), &mo);

	return fd < 0 ? -errno : fd;
}

struct pl_datapath_pending {
	uint32_t slot;
	int fd[PL_MAP__COUNT]; /* dup'ed: the node may be destroyed before the commit */
};

static void drop_pending(struct pl_datapath *base)
{
	int i, k;

	for (i = 0; i < base->npending; i++)
		for (k = 0; k < PL_MAP__COUNT; k++)
			if (base->pending[i].fd[k] >= 0)
				close(base->pending[i].fd[k]);
	free(base->pending);
	base->pending = NULL;
	base->npending = 0;
}

static int add_pending(struct pl_datapath *base, const struct pl_datapath *dp)
{
	struct pl_datapath_pending *g, *e;
	int k;

	g = realloc(base->pending, (base->npending + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	base->pending = g;
	e = &g[base->npending];
	e->slot = dp->slot;
	for (k = 0; k < PL_MAP__COUNT; k++) {
		e->fd[k] = cluster_kind(k) ? -1 : dup(dp->map_fd[k]);
		if (e->fd[k] < 0 && !cluster_kind(k)) {
			while (k--)
				if (e->fd[k] >= 0)
					close(e->fd[k]);
			return pl_err_errno(-errno, "keeping the maps of datapath slot %u",
					    dp->slot);
		}
	}
	base->npending++;
	return 0;
}

/* One batch; a kernel without batch ops for this map type gets them one by one. */
static int set_slots(int outer, const uint32_t *keys, const uint32_t *vals, uint32_t *count)
{
	uint32_t n = *count, i;

	if (!bpf_map_update_batch(outer, keys, vals, count, NULL))
		return 0;
	/* 524: the kernel's ENOTSUPP, the map type has no batch operations. */
	if (errno != EINVAL && errno != EOPNOTSUPP && errno != 524)
		return -errno;
	for (i = 0; i < n; i++)
		if (bpf_map_update_elem(outer, &keys[i], &vals[i], BPF_ANY))
			break;
	*count = i;
	return i == n ? 0 : -errno;
}

int pl_datapath_commit(struct pl_datapath *dp)
{
	struct pl_datapath *base = dp->base ? dp->base : dp;
	uint32_t *keys, *vals, count;
	int i, k, err = 0;

	if (!base->npending)
		return 0;
	keys = calloc(base->npending, sizeof(*keys));
	vals = calloc(base->npending, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (k = 0; k < PL_MAP__COUNT && !err; k++) {
		if (cluster_kind(k))
			continue;
		for (i = 0; i < base->npending; i++) {
			keys[i] = base->pending[i].slot;
			vals[i] = base->pending[i].fd[k];
		}
		count = base->npending;
		err = set_slots(bpf_map__fd(outer_map_of(base->skel, k)), keys, vals, &count);
		if (err)
			pl_err_errno(err, "setting %d slots of %s_of (%u set)", base->npending,
				     node_map_names[k], count);
	}
out:
	free(keys);
	free(vals);
	drop_pending(base);
	return err;
}

int pl_datapath_add_node(struct pl_datapath *base, const struct pl_datapath_opts *opts,
			 uint32_t slot, struct pl_datapath **out)
{
	struct pl_datapath *dp;
	int k, fd, err;

	*out = NULL;
	if (base->base)
		base = base->base;
	if (opts->routing != base->opts.routing || opts->events != base->opts.events ||
	    opts->ipip_cross_subnet != base->opts.ipip_cross_subnet ||
	    opts->ct_max != base->opts.ct_max || opts->ipv6 != base->opts.ipv6 ||
	    opts->no_services != base->opts.no_services) {
		pl_err("adding a node to a datapath loaded for another configuration");
		return -EINVAL;
	}
	if (!slot || slot >= PL_MAX_NODES) {
		pl_err("datapath slot %u out of 1..%d", slot, PL_MAX_NODES - 1);
		return -ERANGE;
	}
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->opts = *opts;
	dp->skel = base->skel;
	dp->base = base;
	dp->slot = slot;
	base->nodes++;
	for (k = 0; k < PL_MAP__COUNT; k++)
		dp->map_fd[k] = -1;
	for (k = 0; k < PL_MAP__COUNT; k++) {
		/* The cluster-wide maps are base's: the same map, another descriptor. */
		fd = cluster_kind(k) ? dup(base->map_fd[k]) : create_node_map(dp->skel, k);
		if (fd < 0 && cluster_kind(k))
			fd = -errno;
		if (fd < 0) {
			err = pl_err_errno(fd, "creating the %s map of datapath slot %u",
					   node_map_names[k], slot);
			goto out;
		}
		dp->map_fd[k] = fd;
	}
	if (opts->pin_dir && (err = pin_node(dp)))
		goto out;
	if ((err = add_pending(base, dp)))
		goto out;
	dp->rb = ring_buffer__new(dp->map_fd[PL_MAP_EVENTS], on_event, dp, NULL);
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

static void destroy_loaded(struct pl_datapath *dp)
{
	drop_pending(dp);
	ring_buffer__free(dp->rb);
	datapath__destroy(dp->skel);
	free(dp->events);
	free(dp);
}

void pl_datapath_destroy(struct pl_datapath *dp)
{
	struct pl_datapath *base;
	int k;

	if (!dp)
		return;
	base = dp->base;
	if (!base) {
		/* Its nodes run its programs: the object goes with the last of them. */
		dp->released = true;
		if (!dp->nodes)
			destroy_loaded(dp);
		return;
	}
	ring_buffer__free(dp->rb);
	for (k = 0; k < PL_MAP__COUNT; k++)
		if (dp->map_fd[k] >= 0)
			close(dp->map_fd[k]);
	free(dp->events);
	free(dp);
	if (!--base->nodes && base->released)
		destroy_loaded(base);
}

static int update(int fd, const void *key, const void *val, const char *what)
{
	int err = bpf_map_update_elem(fd, key, val, BPF_ANY);

	return err ? pl_err_errno(-errno, "updating the %s map", what) : 0;
}

int pl_endpoint_add(struct pl_datapath *dp, uint32_t ip, const struct pl_endpoint_info *info)
{
	struct pl_endpoint_key key = {.ip = ip};

	return update(dp->map_fd[PL_MAP_ENDPOINTS], &key, info, "endpoints");
}

int pl_endpoint_del(struct pl_datapath *dp, uint32_t ip)
{
	struct pl_endpoint_key key = {.ip = ip};

	if (bpf_map_delete_elem(dp->map_fd[PL_MAP_ENDPOINTS], &key))
		return -errno;
	return 0;
}

int pl_ipcache_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen,
		   const struct pl_ipcache_info *info)
{
	struct pl_ipcache_key key = {.prefixlen = plen, .ip = ip};

	if (plen > 32)
		return -EINVAL;
	return update(dp->map_fd[PL_MAP_IPCACHE], &key, info, "ipcache");
}

int pl_policy_add(struct pl_datapath *dp, const struct pl_policy_key *key,
		  const struct pl_policy_entry *entry)
{
	return update(dp->map_fd[PL_MAP_POLICY], key, entry, "policy");
}

int pl_prefilter_add(struct pl_datapath *dp, uint32_t ip, uint8_t plen, uint32_t rule_id)
{
	struct pl_prefilter_key key = {.prefixlen = plen, .ip = ip};

	if (plen > 32)
		return -EINVAL;
	return update(dp->map_fd[PL_MAP_PREFILTER], &key, &rule_id, "prefilter");
}

int pl_prefilter6_add(struct pl_datapath *dp, const uint8_t *ip6, uint8_t plen, uint32_t rule_id)
{
	struct pl_prefilter6_key key = {.prefixlen = plen};

	if (plen > 128)
		return -EINVAL;
	memcpy(key.ip6, ip6, sizeof(key.ip6));
	return update(dp->map_fd[PL_MAP_PREFILTER6], &key, &rule_id, "prefilter6");
}

int pl_endpoint6_add(struct pl_datapath *dp, const uint8_t *ip6,
		     const struct pl_endpoint_info *info)
{
	struct pl_endpoint6_key key;

	memcpy(key.ip6, ip6, sizeof(key.ip6));
	return update(dp->map_fd[PL_MAP_ENDPOINTS6], &key, info, "endpoints6");
}

int pl_ipcache6_add(struct pl_datapath *dp, const uint8_t *ip6, uint8_t plen,
		    const struct pl_ipcache_info *info)
{
	struct pl_ipcache6_key key = {.prefixlen = plen};

	if (plen > 128)
		return -EINVAL;
	memcpy(key.ip6, ip6, sizeof(key.ip6));
	return update(dp->map_fd[PL_MAP_IPCACHE6], &key, info, "ipcache6");
}

/* Deletes every key; restarts from the beginning because deletion breaks iteration order. */
static int clear_map(const struct pl_datapath *dp, enum pl_node_map kind)
{
	const char *what = node_map_names[kind];
	int fd = dp->map_fd[kind];
	char key[64];

	if (bpf_map__key_size(node_map_of(dp->skel, kind)) > sizeof(key))
		return -E2BIG;
	while (!bpf_map_get_next_key(fd, NULL, key)) {
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return pl_err_errno(-errno, "clearing the %s map", what);
	}
	return errno == ENOENT ? 0 : pl_err_errno(-errno, "iterating the %s map", what);
}

int pl_policy_clear(struct pl_datapath *dp)
{
	return clear_map(dp, PL_MAP_POLICY);
}

/* Both families' empty, with the counters reset: evicted = created - present holds after a clear
 * too. */
int pl_ct_clear(struct pl_datapath *dp)
{
	const __u32 slots[] = {PL_COUNTER_CT_CREATED, PL_COUNTER_CT_UNTRACKED};
	int k, err;

	if ((err = clear_map(dp, PL_MAP_CONNTRACK)) || (err = clear_map(dp, PL_MAP_CONNTRACK6)))
		return err;
	for (k = 0; k < 2 && !err; k++)
		if ((err = pl_counter_slot_zero_fd(dp->map_fd[PL_MAP_COUNTERS], slots[k])))
			pl_err_errno(err, "resetting the conntrack counters");
	return err;
}

int pl_datapath_map_update(struct pl_datapath *dp, const char *map, const void *key,
			   const void *val)
{
	int k;

	for (k = 0; k < PL_MAP__COUNT; k++) {
		if (strcmp(map, node_map_names[k]))
			continue;
		/* Its programs would never look the entry up: say so, do not drop it silently. */
		if (dp->opts.no_services &&
		    (k == PL_MAP_SERVICES || k == PL_MAP_MAGLEV || k == PL_MAP_BACKENDS)) {
			pl_err("the %s map: this datapath was loaded without services", map);
			return -EOPNOTSUPP;
		}
		return bpf_map_update_elem(dp->map_fd[k], key, val, BPF_ANY) ? -errno : 0;
	}
	return -ENOENT;
}

/* CPU regions of a counters map: from its size, so a map the printed script made reads alike. */
static int counter_regions(int map_fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	return info.max_entries / PL_COUNTER_SLOTS ? (int)(info.max_entries / PL_COUNTER_SLOTS)
						   : -EINVAL;
}

uint32_t pl_counter_entries(void)
{
	int ncpu = libbpf_num_possible_cpus();

	return PL_COUNTER_SLOTS * (ncpu > 0 ? ncpu : 1);
}

int pl_counter_slot_read_fd(int map_fd, uint32_t slot, struct pl_counter_val *out)
{
	int n = counter_regions(map_fd), i;
	struct pl_counter_val v;
	__u32 key;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		key = (__u32)i * PL_COUNTER_SLOTS + slot;
		if (bpf_map_lookup_elem(map_fd, &key, &v))
			return -errno;
		out->packets += v.packets;
		out->bytes += v.bytes;
	}
	return 0;
}

int pl_counter_slot_zero_fd(int map_fd, uint32_t slot)
{
	int n = counter_regions(map_fd), i;
	struct pl_counter_val zero = {0};
	__u32 key;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		key = (__u32)i * PL_COUNTER_SLOTS + slot;
		if (bpf_map_update_elem(map_fd, &key, &zero, BPF_ANY))
			return -errno;
	}
	return 0;
}

int pl_counter_read_fd(int map_fd, const struct pl_counter_key *key, struct pl_counter_val *out)
{
	memset(out, 0, sizeof(*out));
	if (!pl_counter_valid(key))
		return 0; /* never counted */
	return pl_counter_slot_read_fd(
		map_fd, pl_counter_slot(key->prog, key->dir, key->verdict, key->reason), out);
}

int pl_counter_read(struct pl_datapath *dp, const struct pl_counter_key *key,
		    struct pl_counter_val *out)
{
	return pl_counter_read_fd(dp->map_fd[PL_MAP_COUNTERS], key, out);
}
