// SPDX-License-Identifier: GPL-2.0
/* podlab observe: Hubble-like lines from a run's pinned flow-event ring buffers. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/clock.h"
#include "lib/datapath.h"
#include "lib/escape.h"
#include "lib/pkt.h"
#include "net/l7_log.h"
#include "net/l7_proxy.h"
#include "net/collector.h"
#include "net/run.h"
#include "topo/topo.h"

struct observer {
	const struct topo *topo;
	bool json;
	long long mono_to_real_ns; /* bpf_ktime_get_ns is CLOCK_MONOTONIC */
	unsigned long count;
	const char *l7dir; /* the run's proxies, NULL without http rules */
	struct pl_l7_log *l7;
	int nl7, l7_next; /* read, and printed */
	int64_t l7_shown; /* follow: the newest request printed */
};

/* The proxies' requests up to real time until (all: INT64_MAX), in time order. */
static void print_l7_until(struct observer *o, int64_t until)
{
	for (; o->l7_next < o->nl7 && o->l7[o->l7_next].real_ns <= until; o->l7_next++) {
		const struct pl_l7_log *l = &o->l7[o->l7_next];

		if (o->json)
			pl_l7_log_json(stdout, o->topo, l);
		else
			pl_l7_log_print(stdout, o->topo, l);
		o->l7_shown = l->real_ns;
	}
}

/* Reads the proxies' logs again; with follow, only what is newer than what was printed. */
static void read_l7(struct observer *o, bool newer_only)
{
	struct pl_l7_log *v;
	int n, i;

	if (!o->l7dir || pl_l7_logs_read(o->l7dir, &v, &n))
		return;
	free(o->l7);
	for (i = 0; newer_only && i < n && v[i].real_ns <= o->l7_shown; i++)
		;
	o->l7 = v;
	o->nl7 = n;
	o->l7_next = i;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "frontend" for a pod, "node1" for a node's underlay IP, else the address. */
static void endpoint_name(const struct topo *t, uint32_t ip, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	int i = pl_topo_pod_by_ip(t, ip);

	if (i >= 0) {
		snprintf(buf, len, "%s", t->pods[i].name);
		return;
	}
	i = pl_topo_node_by_underlay_ip(t, ip);
	if (i >= 0) {
		snprintf(buf, len, "%s", t->nodes[i].name);
		return;
	}
	if (t->world.present && t->world.ip == ip) {
		snprintf(buf, len, "%s", t->world.name);
		return;
	}
	snprintf(buf, len, "%s", pl_ip4_str(ip, a));
}

/* podlab's program, or the topology's own one its watch saw drop the packet. */
static const char *prog_of(const struct observer *o, const struct pl_flow_event *ev)
{
	if (ev->prog == PL_PROG_USER && ev->user_prog && ev->user_prog <= o->topo->nprograms)
		return o->topo->programs[ev->user_prog - 1].program;
	return pl_prog_name(ev->prog);
}

static void print_event(struct observer *o, int node, const struct pl_flow_event *ev)
{
	print_l7_until(o, (int64_t)ev->ts_ns + o->mono_to_real_ns);
	char when[32], src[64], dst[64], outcome[96], nat[160];
	long long real = (long long)ev->ts_ns + o->mono_to_real_ns;
	time_t sec = real / 1000000000LL;
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%b %d %H:%M:%S", &tm);
	endpoint_name(o->topo, ev->saddr, src, sizeof(src));
	endpoint_name(o->topo, ev->daddr, dst, sizeof(dst));
	if (ev->verdict == PL_VERDICT_DROPPED)
		snprintf(outcome, sizeof(outcome), "DROPPED (%s)",
			 pl_drop_reason_str(ev->drop_reason));
	else if (ev->redirect)
		snprintf(outcome, sizeof(outcome), "%s via %s", pl_verdict_name(ev->verdict),
			 pl_redirect_name(ev->redirect));
	else if (ev->note)
		snprintf(outcome, sizeof(outcome), "%s (%s)", pl_verdict_name(ev->verdict),
			 pl_note_name(ev->note));
	else
		snprintf(outcome, sizeof(outcome), "%s", pl_verdict_name(ev->verdict));

	pl_event_nat_str(ev, nat, sizeof(nat));
	if (o->json) {
		printf("{\"time_ns\":%lld,\"node\":\"%s\",\"prog\":\"%s\",\"point\":\"%s\","
		       "\"verdict\":\"%s\",\"drop_reason\":%u,\"drop_reason_name\":\"%s\","
		       "\"source\":\"%s\",\"source_identity\":%u,\"destination\":\"%s\","
		       "\"destination_identity\":%u,\"proto\":\"%s\",\"sport\":%u,\"dport\":%u,"
		       "\"redirect\":\"%s\",\"tunnel_vni\":%u,\"nat\":",
		       real, o->topo->nodes[node].name, prog_of(o, ev),
		       pl_obs_point_name(ev->obs_point), pl_verdict_name(ev->verdict),
		       ev->drop_reason, ev->drop_reason ? pl_drop_reason_name(ev->drop_reason) : "",
		       src, ev->src_identity, dst, ev->dst_identity, pl_proto_name(ev->proto),
		       ntohs(ev->sport), ntohs(ev->dport), pl_redirect_name(ev->redirect),
		       ev->tunnel_vni);
		pl_json_string(stdout, nat[0] ? nat + 1 : "");
		printf("}\n");
	} else if (!(ev->flags & PL_EV_F_IPV4)) {
		printf("%s.%03lld %-8s ethertype 0x%04x %s %s %s\n", when, (real / 1000000) % 1000,
		       o->topo->nodes[node].name, ntohs(ev->eth_proto), prog_of(o, ev),
		       pl_obs_point_name(ev->obs_point), outcome);
	} else {
		/* xdp_prefilter stops at L3: no ports to show. */
		if (ev->sport || ev->dport) {
			snprintf(src + strlen(src), sizeof(src) - strlen(src), ":%u",
				 ntohs(ev->sport));
			snprintf(dst + strlen(dst), sizeof(dst) - strlen(dst), ":%u",
				 ntohs(ev->dport));
		}
		printf("%s.%03lld %-8s %s (ID:%u) -> %s (ID:%u) %s %s %s %s%s\n", when,
		       (real / 1000000) % 1000, o->topo->nodes[node].name, src, ev->src_identity,
		       dst, ev->dst_identity, pl_proto_name(ev->proto), prog_of(o, ev),
		       pl_obs_point_name(ev->obs_point), outcome, nat);
	}
	o->count++;
}

/* The datapath's own losses: events its ring buffer had no room for, summed over nodes. */
static uint64_t dp_lost(const char *run, const struct topo *t)
{
	uint64_t sum = 0, n;
	int i;

	for (i = 0; i < t->nnodes; i++)
		if (!pl_collector_dp_lost(run, t->nodes[i].name, &n))
			sum += n;
	return sum;
}

/* Prints what the reader lost since it last said so. */
static void report_lost(const struct pl_evbus *bus, uint64_t *told)
{
	if (bus->lost > *told)
		fprintf(stderr, "lost %llu events: reader too slow\n",
			(unsigned long long)(bus->lost - *told));
	*told = bus->lost;
}

static int observe(const char *run, bool json, bool follow)
{
	struct pl_run_state st = {};
	struct observer o = {.json = json};
	struct pl_flow_event ev;
	struct pl_evbus bus = {};
	struct topo *t = NULL;
	struct timespec real;
	uint64_t told = 0, lost, dp_told = 0;
	uint32_t node, wake;
	int err, round = 0;

	err = pl_run_state_read(run, &st);
	if (err) {
		pl_err_errno(err, "reading the state of run %s (is it up? see podlab status)", run);
		return err == -ENOENT ? PL_EXIT_INPUT : PL_EXIT_RUNTIME;
	}
	err = pl_topo_parse(st.topology, &t);
	if (err) {
		err = PL_EXIT_INPUT;
		goto out;
	}
	o.topo = t;
	clock_gettime(CLOCK_REALTIME, &real);
	o.mono_to_real_ns =
		(long long)real.tv_sec * 1000000000LL + real.tv_nsec - (long long)pl_now_ns();
	/* Without --follow: all the collector holds; with it: from now on. */
	err = pl_collector_attach(run, t, !follow, &bus);
	if (err) {
		if (err == -ENOENT)
			pl_err("run %s: no node has a pinned events ring buffer (was it built with "
			       "the datapath?)",
			       run);
		else
			pl_err_errno(err, "attaching to the flow-event collector of run %s", run);
		err = PL_EXIT_RUNTIME;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (follow)
		fprintf(stderr, "observing run %s (%d nodes), Ctrl-C to stop\n", run, bus.nrings);
	else if (pl_evbus_sync(&bus, 2000))
		pl_warn("run %s: the collector is behind; the newest events may be missing", run);
	if (follow)
		dp_told = dp_lost(run, t); /* from now on, as the events */
	o.l7dir = st.l7dir;
	read_l7(&o, false);
	if (follow && o.nl7) { /* from now on: what the logs hold already is history */
		o.l7_next = o.nl7;
		o.l7_shown = o.l7[o.nl7 - 1].real_ns;
	}
	do {
		wake = __atomic_load_n(&bus.hdr->wake, __ATOMIC_ACQUIRE);
		while (!stop && pl_evbus_next(&bus, &node, &ev) > 0)
			if (node < (uint32_t)t->nnodes)
				print_event(&o, node, &ev);
		report_lost(&bus, &told);
		/* About once a second: what the datapath could not write meanwhile. */
		if (follow && ++round % 5 == 0 && (lost = dp_lost(run, t)) > dp_told) {
			fprintf(stderr, "datapath lost %llu events: ring buffer full\n",
				(unsigned long long)(lost - dp_told));
			dp_told = lost;
		}
		if (follow && round % 5 == 0) { /* the proxies' new requests, about once a second */
			read_l7(&o, true);
			print_l7_until(&o, INT64_MAX);
		}
		if (follow && !stop)
			pl_evbus_wait(&bus, wake, 200);
	} while (follow && !stop);
	print_l7_until(&o, INT64_MAX); /* the requests after the newest event */
	if (o.l7dir && !json)
		fprintf(stderr, "%d L7 (HTTP) requests logged by the proxies of run %s\n", o.nl7,
			run);
	free(o.l7);
	lost = dp_lost(run, t);
	if (follow)
		lost = lost > dp_told ? lost - dp_told : 0;
	if (!json)
		fprintf(stderr, "%lu flow events from %d nodes of run %s\n", o.count, bus.nrings,
			run);
	if (lost)
		fprintf(stderr, "datapath lost %llu events: ring buffer full\n",
			(unsigned long long)lost);
	err = PL_EXIT_OK;
out:
	pl_evbus_close(&bus);
	pl_topo_free(t);
	pl_run_state_free(&st);
	return err;
}

static int cmd_observe(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"follow", no_argument, NULL, 'f'},
		{},
	};
	bool json = false, follow = false;
	int c;

	while ((c = getopt_long(argc, argv, "jf", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'f':
			follow = true;
			break;
		default:
			return pl_cmd_usage_error("observe", "unknown option");
		}
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("observe", "expected one RUN id");
	if (pl_require_bpf_privileges())
		return PL_EXIT_ENV;
	return observe(argv[optind], json, follow);
}

PL_COMMAND(
	observe, .name = "observe", .summary = "print a run's flow events, Hubble style",
	.run = cmd_observe,
	.usage = "usage: podlab observe RUN [--json] [--follow]\n"
		 "\n"
		 "Prints one line per datapath decision: time, node, source (identity) ->\n"
		 "destination (identity), protocol and ports, program, observation point,\n"
		 "verdict or drop reason; a drop in one of the topology's own programs names\n"
		 "it (seen by podlab's fexit watch on it, where `podlab verify` says fexit yes).\n"
		 "The run's collector (started by the first reader,\n"
		 "stopped by `podlab down`) drains every node's pinned ring buffer\n"
		 "(/sys/fs/bpf/podlab/RUN/NODE/events) into /run/podlab/RUN.events, a ring of\n"
		 "the newest 32768 events: every reader (observe, check) sees every event.\n"
		 "Without --follow: the events the ring holds; with it: from now on. A reader\n"
		 "a whole ring behind says \"lost N events: reader too slow\"; events the\n"
		 "datapath had no room for: \"datapath lost N events: ring buffer full\".\n"
		 "A run with http rules also prints its L7 proxies' requests (HAProxy's\n"
		 "httplog, read from each proxy's stats socket), merged in time order:\n"
		 "\"TIME NODE L7 frontend:39664 -> backend:80 HTTP/1.0 GET /public/a -> 200\n"
		 "(1 ms)\", \"... POST /x -> DENIED (403) by the proxy's http rules\"; with\n"
		 "--json an {\"l7\": {...}} object each (method, path, status, verdict).\n"
		 "\n"
		 "options:\n"
		 "  -f, --follow  keep printing until interrupted (Ctrl-C)\n"
		 "  -j, --json    one JSON object per line\n"
		 "\n"
		 "example:\n"
		 "  podlab up topologies/two-node-vxlan.yaml     # prints RUN\n"
		 "  podlab exec RUN frontend -- ping -c1 10.244.2.11\n"
		 "  podlab observe RUN\n"
		 "\n"
		 "exit status: 0 ok, 2 bad usage or unknown run, 3 no privileges, 4 BPF failure\n");
