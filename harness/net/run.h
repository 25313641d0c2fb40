/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs: one built topology, named by a run id, recorded in a state file
 * /run/podlab/<run>.state. The file is append-only text, one record a line,
 * each object recorded BEFORE it is created so a crash stays reapable:
 *
 *   podlab-run 1
 *   run a3f2
 *   topology /abs/path/two-node-native.yaml
 *   name two-node-native
 *   routing native
 *   created 1764255600
 *   owner 12345 987654      pid and its start time (/proc/PID/stat field 22)
 *   netns pl-a3f2-node1     one per namespace, in creation order
 *   pins /sys/fs/bpf/podlab/a3f2
 *   nginx /run/podlab/a3f2/web pl-a3f2-web   a pod's nginx: its files, its netns
 *   l7 /run/podlab/a3f2.l7  the L7 proxies (haproxy per node): config, pid, socket
 *   done                    the build finished
 *   events /run/podlab/a3f2.events   the flow-event ring (net/evbus.h), before it exists
 *   collector 4242 987700   its collector's pid and start time (net/collector.h)
 *   owner 0 0               a later owner line wins; 0 = released
 *
 * The owner is the process still responsible for the run: `podlab up` owns
 * it while building and releases it when done (the run then lives until
 * `podlab down`); a library caller may keep it (tests), so its runs are
 * reaped after it dies. Stale = an owner is recorded and that process is
 * gone (pid dead, or reused: start time differs).
 */
#ifndef PL_NET_RUN_H
#define PL_NET_RUN_H

#include <stdbool.h>
#include <sys/types.h>

#include "plan/plan.h"
#include "topo/topo.h"

#define PL_STATE_DIR "/run/podlab"

struct pl_run_state {
	char run[PL_RUN_ID_MAX];
	char *topology;
	char *name;
	char *routing;
	long long created;
	pid_t owner; /* 0 = released */
	unsigned long long owner_start;
	bool done;
	char **netns;
	int nnetns;
	char **pins;
	int npins;
	char **nginx; /* "DIR NETNS" of each pod's nginx (harness/net/nginx.h) */
	int nnginx;
	char *l7dir;	 /* the L7 proxies' folder (l7_proxy.h), NULL without http rules */
	char *events;	 /* the shared flow-event ring file, NULL if none */
	pid_t collector; /* its collector, 0 if none was started */
	unsigned long long collector_start;
	pid_t watch; /* the holder of the watches on users' programs (net/user_watch.h), 0 if none */
	unsigned long long watch_start;
};

struct pl_up_opts {
	const char *run;	   /* NULL = a fresh random id */
	const char *topology;	   /* path recorded in the state file */
	bool allow_missing;	   /* build without qdiscs the kernel lacks (warns) */
	bool datapath;		   /* load and attach podlab's datapath */
	bool xdp_prefilter;	   /* attach xdp_prefilter: prefilter rules come at run time */
	bool keep_owner;	   /* do not release ownership when done */
	struct pl_plan **plan_out; /* if set: receives the executed plan (pl_plan_free) */
};

/*
 * Checks the kernel has what t needs (qdisc kinds), in a throwaway netns.
 * Missing without allow_missing: one error line, -EOPNOTSUPP. With it: a
 * warning and *skip_qdisc gets the kinds to leave out.
 */
int pl_run_probe(const struct topo *t, bool allow_missing, uint32_t *skip_qdisc);
/*
 * Builds t as a run: probe, state file, plan, execute. On failure removes
 * everything it created and returns -errno (-EOPNOTSUPP: kernel lacks a
 * feature, -EINVAL: bad model or run id, -EEXIST: run id in use).
 * run_out (PL_RUN_ID_MAX) receives the id.
 */
int pl_run_up(const struct topo *t, const struct pl_up_opts *opts, char *run_out);
/* Removes every recorded object and the state file. -ENOENT: no such run. */
int pl_run_down(const char *run);

int pl_run_state_read(const char *run, struct pl_run_state *st);
void pl_run_state_free(struct pl_run_state *st);
bool pl_run_is_stale(const struct pl_run_state *st);
/* Run ids with a state file, sorted; caller frees each and the array. */
int pl_run_list(char ***runs, int *n);
void pl_run_list_free(char **runs, int n);
/* pid exists and is neither a zombie nor dead. */
bool pl_pid_running(pid_t pid);
/* Start time of pid (jiffies since boot), 0 when it does not exist. */
unsigned long long pl_pid_start_time(pid_t pid);
/* Feature probe: can the kernel create a qdisc of this kind? NULL or a reason (static buffer). */
const char *pl_probe_qdisc_kind(enum topo_qdisc_kind kind);
/* Feature probe: can the kernel create a link of this kind ("vxlan" as external)? */
const char *pl_probe_link_kind(const char *kind);
/* Feature probe: tcx BPF links (6.6+)? NULL or a reason. podlab attaches with cls_bpf. */
const char *pl_probe_tcx(void);
/* Feature probe: XDP live frames (BPF_F_TEST_XDP_LIVE_FRAMES)? NULL or a reason. */
const char *pl_probe_xdp_live_frames(void);
/* Names of the devices a new network namespace starts with ("lo tunl0"); 0 or -errno. */
int pl_probe_netns_devices(char *buf, size_t len);

#endif /* PL_NET_RUN_H */
