// SPDX-License-Identifier: GPL-2.0
/* podlab status [RUN]: runs, their namespaces, devices, programs per hook, qdiscs, map fill. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli/cli.h"
#include "lib/datapath.h"
#include "net/collector.h"
#include "net/dump.h"
#include "net/l7_proxy.h"
#include "net/netns.h"
#include "net/run.h"
#include "net/status.h"

static const char *owner_str(const struct pl_run_state *st, char *buf, size_t len)
{
	if (!st->owner)
		snprintf(buf, len, "%s", st->done ? "built" : "incomplete");
	else if (pl_run_is_stale(st))
		snprintf(buf, len, "STALE (owner %d gone)", (int)st->owner);
	else
		snprintf(buf, len, "%s, owner %d", st->done ? "built" : "building", (int)st->owner);
	return buf;
}

static int list_runs(void)
{
	struct pl_run_state st;
	char **runs, when[32], own[64];
	int i, n, err;

	if ((err = pl_run_list(&runs, &n)))
		return pl_err_errno(err, "listing %s", PL_STATE_DIR), PL_EXIT_RUNTIME;
	if (!n)
		printf("no runs\n");
	else
		printf("%-10s %-22s %-8s %-20s %-6s %s\n", "RUN", "TOPOLOGY", "ROUTING", "CREATED",
		       "NETNS", "STATE");
	for (i = 0; i < n; i++) {
		time_t c;

		if (pl_run_state_read(runs[i], &st))
			continue;
		c = (time_t)st.created;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&c));
		printf("%-10s %-22s %-8s %-20s %-6d %s\n", st.run, st.name ? st.name : "-",
		       st.routing ? st.routing : "-", when, st.nnetns,
		       owner_str(&st, own, sizeof(own)));
		pl_run_state_free(&st);
	}
	pl_run_list_free(runs, n);
	return PL_EXIT_OK;
}

/* Elements in a pinned map (iterating keys), or -errno. */
static long map_fill(const char *path, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);
	char key[64], next[64];
	long n = 0;
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len) || info->key_size > sizeof(key) ||
	    info->type == BPF_MAP_TYPE_RINGBUF) {
		close(fd);
		return -EOPNOTSUPP;
	}
	if (!bpf_map_get_next_key(fd, NULL, next)) {
		do {
			n++;
			memcpy(key, next, info->key_size);
		} while (!bpf_map_get_next_key(fd, key, next));
	}
	close(fd);
	return n;
}

/* "conntrack used/max (P%), created, evicted, untracked" of the node pinned in path. */
static void print_conntrack(const char *node, const char *path)
{
	struct pl_ct_fill f;
	char ct[640], counters[640];
	int ct_fd, counters_fd, err;

	snprintf(ct, sizeof(ct), "%s/conntrack", path);
	snprintf(counters, sizeof(counters), "%s/counters", path);
	ct_fd = bpf_obj_get(ct);
	counters_fd = bpf_obj_get(counters);
	err = ct_fd < 0 || counters_fd < 0 ? -errno : pl_ct_fill_fd(ct_fd, counters_fd, &f);
	if (err)
		printf("  conntrack of %s: unreadable: %s\n", node, strerror(-err));
	else
		printf("  conntrack of %s: %llu/%u used (%.1f%%), %llu created, %llu evicted (LRU, "
		       "to make room), %llu not tracked\n",
		       node, (unsigned long long)f.used, f.max, f.max ? 100.0 * f.used / f.max : 0,
		       (unsigned long long)f.created, (unsigned long long)f.evicted,
		       (unsigned long long)f.untracked);
	if (ct_fd >= 0)
		close(ct_fd);
	if (counters_fd >= 0)
		close(counters_fd);
}

/* The datapath's own lost-event counter of node (run's pins in dir). */
static void print_events_lost(const char *dir, const char *node)
{
	const char *run = strrchr(dir, '/');
	uint64_t lost;
	int err;

	err = run ? pl_collector_dp_lost(run + 1, node, &lost) : -EINVAL;
	if (err)
		printf("  flow events of %s: lost count unreadable: %s\n", node, strerror(-err));
	else
		printf("  flow events of %s: %llu lost (ring buffer full)\n", node,
		       (unsigned long long)lost);
}

/* The run's collector: alive or not, how many events it collected, its ring's size. */
static void print_collector(const struct pl_run_state *st)
{
	struct pl_evbus_hdr h = {};
	bool alive;
	int fd;

	if (!st->events) {
		printf("flow-event collector: none (started by the first observe or check)\n");
		return;
	}
	alive = st->collector > 0 && pl_pid_start_time(st->collector) == st->collector_start;
	fd = open(st->events, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.magic != PL_EVBUS_MAGIC)
		h = (struct pl_evbus_hdr){};
	if (fd >= 0)
		close(fd);
	printf("flow-event collector: pid %d %s, %llu events collected into %s (%u slots)\n",
	       (int)st->collector, alive ? "running" : "not running", (unsigned long long)h.head,
	       st->events, h.slots);
}

static void print_pins(const char *dir)
{
	struct bpf_map_info info;
	struct dirent *de, *me;
	char path[512], map[768];
	DIR *d = opendir(dir), *md;
	long n;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		md = opendir(path);
		if (!md)
			continue;
		printf("  maps of %s (%s):", de->d_name, path);
		while ((me = readdir(md))) {
			/* conntrack has a line of its own (print_conntrack). */
			if (me->d_name[0] == '.' || !strcmp(me->d_name, "conntrack"))
				continue;
			snprintf(map, sizeof(map), "%s/%s", path, me->d_name);
			n = map_fill(map, &info);
			if (n >= 0)
				printf(" %s %ld/%u", me->d_name, n, info.max_entries);
		}
		printf("\n");
		closedir(md);
		print_conntrack(de->d_name, path);
		print_events_lost(dir, de->d_name);
		pl_status_services(de->d_name, path, stdout);
	}
	closedir(d);
}

static int show_run(const char *run)
{
	struct pl_run_state st;
	char own[64];
	int i, err;

	if (!pl_run_id_valid(run))
		return pl_cmd_usage_error("status", "'%s' is not a run id", run);
	err = pl_run_state_read(run, &st);
	if (err) {
		pl_err("no run %s (no %s/%s.state)", run, PL_STATE_DIR, run);
		return PL_EXIT_INPUT;
	}
	printf("run %s: %s (%s routing) from %s, %s\n", st.run, st.name ? st.name : "-",
	       st.routing ? st.routing : "-", st.topology ? st.topology : "-",
	       owner_str(&st, own, sizeof(own)));
	for (i = 0; i < st.nnetns; i++) {
		char *buf = NULL, *line, *save = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		err = pl_dump_ns(st.netns[i],
				 PL_DUMP_LINKS | PL_DUMP_ADDRS | PL_DUMP_QDISCS | PL_DUMP_PROGS, f);
		fclose(f);
		printf("netns %s%s\n", st.netns[i], err ? " (missing)" : "");
		for (line = strtok_r(buf, "\n", &save); line && !err;
		     line = strtok_r(NULL, "\n", &save))
			printf("  %s\n", line);
		free(buf);
	}
	for (i = 0; i < st.npins; i++)
		print_pins(st.pins[i]);
	if (st.l7dir)
		pl_l7_status(st.l7dir, stdout);
	print_collector(&st);
	fflush(stdout);
	/* An unreadable topology costs only this part (its error line is printed). */
	pl_status_plan(&st, stdout);
	pl_run_state_free(&st);
	return PL_EXIT_OK;
}

static int run_status(int argc, char **argv)
{
	if (argc > 2)
		return pl_cmd_usage_error("status", "want at most one RUN");
	if (argc == 2 && argv[1][0] == '-')
		return pl_cmd_usage_error("status", "unknown option '%s'", argv[1]);
	if (argc == 1)
		return list_runs();
	if (geteuid() != 0) {
		pl_err("reading namespaces and maps needs root");
		return PL_EXIT_ENV;
	}
	return show_run(argv[1]);
}

PL_COMMAND(
	status, .name = "status", .summary = "list runs, or show one run's objects",
	.usage = "usage: podlab status [RUN]\n"
		 "\n"
		 "Without RUN: every run in /run/podlab with its topology, routing mode, creation\n"
		 "time (UTC), namespace count and state (built, building, STALE).\n"
		 "With RUN: per namespace, read over rtnetlink inside it: devices (ifindex, kind,\n"
		 "MTU, MAC, up/down, master, XDP program), IPv4 addresses, qdiscs and classes,\n"
		 "filters per hook (tc-ingress/tc-egress with program name and id, u32\n"
		 "classifiers); then per node the fill of each pinned map (elements/max)\n"
		 "and its conntrack: entries used/max, created by the programs, evicted (the\n"
		 "map is an LRU: a full table drops its least recently used entries to make\n"
		 "room; evicted = created - present) and not tracked (creation failed), and\n"
		 "its services: each ClusterIP:port/protocol with its targetPort, affinity and\n"
		 "backends, and the entries of the service's Maglev table each backend got,\n"
		 "and its flow events lost by the datapath (ring buffer full); the run's\n"
		 "flow-event collector (pid, running or not, events collected, ring size).\n"
		 "Then the run's plan, recomputed from its recorded topology and routing mode:\n"
		 "one line per planned object (namespace, device, address, route, neighbour,\n"
		 "qdisc, attachment, map elements), present or MISSING in the kernel, or\n"
		 "unchecked (sysctl, gro, nftables: not in an rtnetlink dump), and a count.\n"
		 "\n"
		 "examples:\n"
		 "  podlab status\n"
		 "  podlab status 3fa2\n"
		 "\n"
		 "exit status: 0 ok, 2 bad usage or no such run, 3 not root (with RUN)\n",
	.run = run_status);
