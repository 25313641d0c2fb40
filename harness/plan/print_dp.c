// SPDX-License-Identifier: GPL-2.0
/*
 * bpftool forms of loading podlab's datapath and programming its maps.
 * The rodata knobs: bpftool cannot write a frozen .rodata, so the script
 * creates the .rodata map itself (same type, sizes and flags libbpf uses),
 * fills and freezes it, and `prog loadall ... map name datapath.rodata pinned` makes
 * libbpf reuse it instead of creating its own. The conntrack map, sized by
 * the topology, and the counters map, sized by the CPU count, come in the
 * same way.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>

#include <bpf/libbpf.h>

#include "datapath.skel.h"
#include "lib/files.h"
#include "lib/datapath.h"
#include "plan/print_dp.h"

static void hex(FILE *f, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i;

	fprintf(f, "hex");
	for (i = 0; i < len; i++)
		fprintf(f, " %02x", b[i]);
}

/* The .rodata image the loader would write for node's knobs. */
static int rodata_image(const struct pl_plan *p, int node, void *buf, size_t *len)
{
	struct pl_datapath_opts o;
	struct datapath *skel = datapath__open();
	const void *img;
	size_t sz;

	if (!skel)
		return -errno;
	pl_dp_opts(p, node, &o);
	skel->rodata->routing_mode = o.routing;
	skel->rodata->enable_events = o.events;
	skel->rodata->ipip_cross_subnet = o.ipip_cross_subnet;
	skel->rodata->enable_services = !o.no_services;
	/* A run binds every device (multi_node, harness/net/dp.c): no default node. */
	skel->rodata->default_node = 0;
	img = bpf_map__initial_value(skel->maps.rodata, &sz);
	if (!img || sz > *len) {
		datapath__destroy(skel);
		return -E2BIG;
	}
	memcpy(buf, img, sz);
	*len = sz;
	datapath__destroy(skel);
	return 0;
}

/* The conntrack map's size the loader sets for node. */
static uint32_t ct_entries(const struct pl_plan *p, int node)
{
	struct pl_datapath_opts o;

	pl_dp_opts(p, node, &o);
	return o.ct_max ? o.ct_max : PL_CT_MAX_DEFAULT;
}

/* Entries of map m of node as the loader sizes it: conntrack, counters, the IPv6 maps. */
static uint32_t map_entries(const struct pl_plan *p, int node, struct datapath *skel,
			    const struct bpf_map *m)
{
	bool v6 = pl_topo_has_v6(p->topo);

	if (m == skel->maps.conntrack || (v6 && m == skel->maps.conntrack6))
		return ct_entries(p, node);
	if (m == skel->maps.counters)
		return pl_counter_entries();
	if (v6 && m == skel->maps.endpoints6)
		return bpf_map__max_entries(skel->maps.endpoints);
	return bpf_map__max_entries(m);
}

/* A dual-stack node's preallocated IPv6 maps, sized as their IPv4 twins, for `prog loadall`. */
static void print_sized_maps6(const struct pl_plan *p, int node, const char *dir,
			      struct datapath *skel, FILE *f)
{
	const struct bpf_map *const maps[] = {skel->maps.endpoints6, skel->maps.conntrack6};
	unsigned int k;

	if (!pl_topo_has_v6(p->topo))
		return;
	for (k = 0; k < sizeof(maps) / sizeof(maps[0]); k++)
		fprintf(f,
			"bpftool map create %s/%s_sized type %s key %u value %u entries %u "
			"name %s flags 0x%x\n",
			dir, bpf_map__name(maps[k]),
			libbpf_bpf_map_type_str(bpf_map__type(maps[k])), bpf_map__key_size(maps[k]),
			bpf_map__value_size(maps[k]), map_entries(p, node, skel, maps[k]),
			bpf_map__name(maps[k]), bpf_map__map_flags(maps[k]));
}

/* The loading node's conntrack and counters maps, made here to be reused by `prog loadall`. */
static void print_sized_maps(const struct pl_plan *p, int node, const char *dir, FILE *f)
{
	struct datapath *skel = datapath__open();
	const struct bpf_map *m;

	if (!skel) {
		fprintf(f, "# cannot open the datapath skeleton\nfalse\n");
		return;
	}
	print_sized_maps6(p, node, dir, skel, f);
	m = skel->maps.conntrack;
	fprintf(f,
		"bpftool map create %s/conntrack_sized type %s key %u value %u entries %u "
		"name conntrack flags 0x%x\n",
		dir, libbpf_bpf_map_type_str(bpf_map__type(m)), bpf_map__key_size(m),
		bpf_map__value_size(m), ct_entries(p, node), bpf_map__map_flags(m));
	m = skel->maps.counters;
	fprintf(f, "# counters: %u slots for each of this machine's %u possible CPUs\n",
		PL_COUNTER_SLOTS, pl_counter_entries() / PL_COUNTER_SLOTS);
	fprintf(f,
		"bpftool map create %s/counters_sized type %s key %u value %u entries %u "
		"name counters flags 0x%x\n",
		dir, libbpf_bpf_map_type_str(bpf_map__type(m)), bpf_map__key_size(m),
		bpf_map__value_size(m), pl_counter_entries(), bpf_map__map_flags(m));
	datapath__destroy(skel);
}

/* The cluster-wide maps (ipcache, ipcache6), once in the run's directory, for `prog loadall`. */
static void print_cluster_maps(const struct pl_plan *p, FILE *f)
{
	struct datapath *skel = datapath__open();
	const struct bpf_map *m;

	if (!skel) {
		fprintf(f, "# cannot open the datapath skeleton\nfalse\n");
		return;
	}
	fprintf(f, "# the run's ipcache and ipcache6: one for every node\n");
	bpf_object__for_each_map(m, skel->obj)
	{
		if (!pl_map_cluster_wide(bpf_map__name(m)))
			continue;
		fprintf(f,
			"bpftool map create %s/%s type %s key %u value %u entries %u name %s "
			"flags 0x%x\n",
			p->pin_dir, bpf_map__name(m), libbpf_bpf_map_type_str(bpf_map__type(m)),
			bpf_map__key_size(m), bpf_map__value_size(m), bpf_map__max_entries(m),
			bpf_map__name(m), bpf_map__map_flags(m));
	}
	datapath__destroy(skel);
}

/* devices entries: node's ifindexes → its slot and settings (struct pl_node_cfg). */
static void print_devices(const struct pl_plan *p, int node, const char *dir, FILE *f)
{
	uint32_t ifx[PL_DP_MAX_DEVICES / 16];
	struct pl_datapath_opts o;
	struct pl_node_cfg cfg;
	int i, n;

	pl_dp_opts(p, node, &o);
	cfg = (struct pl_node_cfg){.slot = pl_dp_slot(p, node),
				   .node_ip = o.node_ip,
				   .vxlan_ifindex = o.vxlan_ifindex,
				   .uplink_ifindex = o.uplink_ifindex};
	n = pl_dp_devices(p, node, ifx, sizeof(ifx) / sizeof(ifx[0]));
	if (n < 0) {
		fprintf(f, "# node %s has too many devices for this script\nfalse\n",
			p->topo->nodes[node].name);
		return;
	}
	fprintf(f,
		"# devices of node %s: slot %u, node_ip=0x%08x vxlan_ifindex=%u "
		"uplink_ifindex=%u\n",
		p->topo->nodes[node].name, cfg.slot, cfg.node_ip, cfg.vxlan_ifindex,
		cfg.uplink_ifindex);
	for (i = 0; i < n; i++) {
		fprintf(f, "bpftool map update pinned %s/devices key ", dir);
		hex(f, &ifx[i], sizeof(ifx[i]));
		fprintf(f, " value ");
		hex(f, &cfg, sizeof(cfg));
		fputc('\n', f);
	}
}

/* A later node: the loaded programs and shared maps pinned again, fresh maps in its slot. */
static void print_add_node(const struct pl_plan *p, int node, const char *dir, FILE *f)
{
	static const char *const kinds[] = {"endpoints", "ipcache",    "policy",   "conntrack",
					    "prefilter", "events",     "counters", "endpoints6",
					    "ipcache6",	 "conntrack6", "services", "maglev",
					    "backends",	 "prefilter6"};
	struct datapath *skel = datapath__open();
	uint32_t slot = pl_dp_slot(p, node);
	char dir0[192];
	size_t k;
	int i;

	pl_dp_pin_dir(p, pl_dp_loading_node(p), dir0, sizeof(dir0));
	fprintf(f,
		"# datapath of node %s: the programs loaded for %s, maps of its own in slot %u\n",
		p->topo->nodes[node].name, dir0, slot);
	fprintf(f, "mkdir -p %s\n", dir);
	if (!skel) {
		fprintf(f, "# cannot open the datapath skeleton\nfalse\n");
		return;
	}
	for (i = PL_PROG_FROM_POD; i <= PL_PROG_XDP_PREFILTER; i++)
		fprintf(f, "bpftool prog pin pinned %s/%s %s/%s\n", dir0, pl_prog_name(i), dir,
			pl_prog_name(i));
	fprintf(f, "bpftool map pin pinned %s/devices %s/devices\n", dir0, dir);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct bpf_map *m = bpf_object__find_map_by_name(skel->obj, kinds[k]);

		if (pl_map_cluster_wide(kinds[k]))
			continue; /* the run's, made with the loaded node */
		if (!m) {
			fprintf(f, "# the datapath has no map %s\nfalse\n", kinds[k]);
			continue;
		}
		fprintf(f, "bpftool map pin pinned %s/%s_of %s/%s_of\n", dir0, kinds[k], dir,
			kinds[k]);
		fprintf(f,
			"bpftool map create %s/%s type %s key %u value %u entries %u name %s "
			"flags 0x%x\n",
			dir, kinds[k], libbpf_bpf_map_type_str(bpf_map__type(m)),
			bpf_map__key_size(m), bpf_map__value_size(m), map_entries(p, node, skel, m),
			kinds[k], bpf_map__map_flags(m));
		fprintf(f, "bpftool map update pinned %s/%s_of key ", dir0, kinds[k]);
		hex(f, &slot, sizeof(slot));
		fprintf(f, " value pinned %s/%s\n", dir, kinds[k]);
	}
	datapath__destroy(skel);
}

void pl_print_datapath_load(const struct pl_plan *p, int node, const char *dir, FILE *f)
{
	struct pl_datapath_opts o;
	uint8_t img[256];
	size_t len = sizeof(img);
	char obj[PATH_MAX];

	if (node != pl_dp_loading_node(p)) {
		print_add_node(p, node, dir, f);
		print_devices(p, node, dir, f);
		return;
	}
	pl_dp_opts(p, node, &o);
	pl_bpf_object_path("datapath.bpf.o", obj, sizeof(obj));
	fprintf(f, "# datapath of node %s: programs and maps pinned in %s\n",
		p->topo->nodes[node].name, dir);
	fprintf(f, "OBJ=${PODLAB_BPF_OBJ:-%s}\n", obj);
	fprintf(f, "mkdir -p %s\n", dir);
	if (rodata_image(p, node, img, &len)) {
		fprintf(f, "# cannot open the datapath skeleton: the knobs below are NOT set\n");
		fprintf(f, "bpftool prog loadall \"$OBJ\" %s pinmaps %s\n", dir, dir);
		print_devices(p, node, dir, f);
		return;
	}
	fprintf(f, "# knobs: routing_mode=%u enable_events=%u\n", o.routing, o.events);
	fprintf(f,
		"bpftool map create %s/rodata_knobs type array key 4 value %zu entries 1 "
		"name datapath.rodata flags 0x%x\n",
		dir, len, BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
	fprintf(f, "bpftool map update pinned %s/rodata_knobs key hex 00 00 00 00 value ", dir);
	hex(f, img, len);
	fprintf(f, "\nbpftool map freeze pinned %s/rodata_knobs\n", dir);
	fprintf(f, "# conntrack: %u entries\n", ct_entries(p, node));
	print_sized_maps(p, node, dir, f);
	print_cluster_maps(p, f);
	fprintf(f,
		"bpftool prog loadall \"$OBJ\" %s pinmaps %s map name datapath.rodata pinned "
		"%s/rodata_knobs map name conntrack pinned %s/conntrack_sized "
		"map name counters pinned %s/counters_sized map name ipcache pinned %s/ipcache "
		"map name ipcache6 pinned %s/ipcache6",
		dir, dir, dir, dir, dir, p->pin_dir, p->pin_dir);
	if (pl_topo_has_v6(p->topo))
		fprintf(f,
			" map name endpoints6 pinned %s/endpoints6_sized map name conntrack6 "
			"pinned %s/conntrack6_sized",
			dir, dir);
	/* podlab's loader pins no .rodata, the cluster-wide maps once: the pin trees match. */
	fprintf(f,
		"\nrm -f %s/rodata_knobs %s/datapath_rodata %s/conntrack_sized %s/counters_sized "
		"%s/ipcache %s/ipcache6",
		dir, dir, dir, dir, dir, dir);
	if (pl_topo_has_v6(p->topo))
		fprintf(f, " %s/endpoints6_sized %s/conntrack6_sized", dir, dir);
	fputc('\n', f);
	print_devices(p, node, dir, f);
}

void pl_print_datapath_maps(const struct pl_plan *p, int node, FILE *f)
{
	struct pl_map_entry *e;
	char path[256];
	int i, n;

	if (pl_dp_map_entries(p, node, &e, &n)) {
		fprintf(f, "# maps of node %s: the policies do not compile\nfalse\n",
			p->topo->nodes[node].name);
		return;
	}
	fprintf(f, "# maps of node %s: %d elements (endpoints, policy, prefilter, services%s)\n",
		p->topo->nodes[node].name, n,
		node == pl_dp_loading_node(p) ? "; the run's ipcache" : "");
	for (i = 0; i < n; i++) {
		pl_dp_map_pin(p, node, e[i].map, path, sizeof(path));
		fprintf(f, "bpftool map update pinned %s key ", path);
		hex(f, e[i].key, e[i].key_len);
		fprintf(f, " value ");
		hex(f, e[i].val, e[i].val_len);
		fputc('\n', f);
	}
	free(e);
}
