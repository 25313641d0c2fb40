// SPDX-License-Identifier: GPL-2.0
/* podlab sim qdisc: one qdisc model against synthetic loads on a virtual clock. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/units.h"
#include "qdisc_report.h"
#include "qdisc_spec.h"

#define CMD	  "sim qdisc"
#define MAX_LOADS 16

static const char usage[] =
	"usage: podlab sim qdisc (--tbf SPEC | --htb SPEC | --netem SPEC | --pfifo SPEC)\n"
	"                        --load LOAD [--load LOAD...] [--duration T] [--interval T]\n"
	"                        [--link rate=R[,delay=T] | --link none] [--seed N]\n"
	"                        [--plot FILE.svg] [--json]\n"
	"       podlab sim qdisc --example seed-tbf|seed-netem|seed-htb|seed-htb-literal [...]\n"
	"\n"
	"Runs a qdisc model (pfifo, tbf, htb, netem) alone against synthetic traffic on a\n"
	"virtual clock and prints, per interval, the throughput of each flow (and of each\n"
	"htb class), drops, queue length and queueing delay p50/p99, then totals and\n"
	"per-flow numbers. No root, no kernel qdisc: netem works although this kernel has\n"
	"none. The same inputs and seed give byte-identical output. Models and where they\n"
	"depart from the kernel: docs/sim.md.\n"
	"\n"
	"qdiscs (units as in tc: bit kbit mbit gbit, bps kbps mbps = BYTES/s; sizes b kb\n"
	"k mb kbit mbit (x1024); times s ms us ns; bare time = us; percentages 10% or\n"
	"10: a bare number is percent, as in tc, so loss=0.1 is 0.1%):\n"
	"  --pfifo limit=N                        packets (default 1000)\n"
	"  --tbf rate=R,burst=B,latency=T|limit=B[,peakrate=R,mtu=B]\n"
	"                                         limit from latency as tc: rate*latency+burst\n"
	"  --netem [delay=T][,jitter=T][,dist=uniform|normal][,loss=P][,duplicate=P]\n"
	"          [,reorder=P][,rate=R][,limit=N]\n"
	"  --htb 'rate=R[,ceil=R];class=MINOR:rate=R[,ceil=R][,prio=0-7][,quantum=B]\n"
	"          [,parent=MINOR][,dst=IP[/N]][,src=IP[/N]][,dport=N][,sport=N][,proto=P];...\n"
	"          [;default=MINOR]'       root class 1:1; minors are hex like tc's 1:10;\n"
	"                                  unmatched -> default class, or the direct queue\n"
	"                                  (unshaped) when that class does not exist\n"
	"\n"
	"loads (repeatable, one flow each):\n"
	"  --load udp:RATE|poisson:RATE|burst:N[,size=BYTES][,dst=IP][,src=IP][,dport=N]\n"
	"         [,sport=N][,proto=udp|tcp|N][,start=T][,stop=T]\n"
	"         udp = constant bit rate, poisson = exponential gaps, burst = N packets at\n"
	"         start; size default 1000 bytes\n"
	"\n"
	"options:\n"
	"  --duration T     virtual time to run (default 10s)\n"
	"  --interval T     table and plot resolution (default 100ms)\n"
	"  --link SPEC      the device behind the qdisc: rate=R (serialisation), delay=T\n"
	"                   (propagation); default rate=1gbit,delay=0; none = infinitely fast\n"
	"  --seed N         random seed for netem and poisson loads (default 1)\n"
	"  --plot FILE.svg  throughput and queueing delay over time (self-contained SVG)\n"
	"  --json           JSON instead of the text table\n"
	"  --example NAME   the teaching text's tc examples: seed-tbf (tbf 1mbit, 2mbit\n"
	"                   offered), seed-netem (delay 100ms loss 10%), seed-htb (10mbit,\n"
	"                   3/7mbit classes, borrowing), seed-htb-literal (the text's\n"
	"                   `default 30`, a class that does not exist)\n"
	"\n"
	"examples:\n"
	"  podlab sim qdisc --tbf rate=1mbit,burst=32kbit,latency=400ms --load udp:2mbit \\\n"
	"      --duration 10s --plot tbf.svg\n"
	"  podlab sim qdisc --netem delay=100ms,jitter=10ms,loss=10% --load poisson:1mbit\n"
	"  podlab sim qdisc --htb 'rate=10mbit;class=10:rate=3mbit,ceil=5mbit,dst=10.0.0.1;\\\n"
	"      class=20:rate=7mbit,ceil=10mbit;default=20' --load udp:8mbit,dst=10.0.0.1 \\\n"
	"      --load udp:8mbit,dst=10.0.0.2,start=2s\n"
	"  podlab sim qdisc --example seed-htb --plot build/seed-htb.svg\n"
	"\n"
	"exit status: 0 ok, 2 bad usage or a bad spec (the message names the token),\n"
	"             4 the plot cannot be written or out of memory\n";

struct opts {
	const char *kind, *spec;
	const char *loads[MAX_LOADS];
	int nloads;
	uint64_t duration, interval, seed;
	struct sim_link_cfg link;
	const char *plot;
	bool json;
};

/* A spec error without its "tbf: " prefix: the option name replaces it. */
static const char *msg(const char *err)
{
	size_t word = strcspn(err, ": ");

	return !strncmp(err + word, ": ", 2) ? err + word + 2 : err;
}

static int parse_link(const char *s, struct sim_link_cfg *l)
{
	char buf[128], *tok, *save = NULL, *v;

	memset(l, 0, sizeof(*l));
	if (!strcmp(s, "none"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		v = strchr(tok, '=');
		if (!v)
			return pl_cmd_usage_error(CMD, "--link: expected key=value, got '%s'", tok);
		*v++ = 0;
		if (!strcmp(tok, "rate")) {
			if (pl_parse_rate(v, &l->rate))
				return pl_cmd_usage_error(CMD, "--link: bad rate '%s'", v);
		} else if (!strcmp(tok, "delay")) {
			if (pl_parse_time(v, &l->delay_ns))
				return pl_cmd_usage_error(CMD, "--link: bad delay '%s'", v);
		} else {
			return pl_cmd_usage_error(CMD, "--link: unknown parameter '%s'", tok);
		}
	}
	return 0;
}

static int set_qdisc(struct opts *o, const char *kind, const char *spec)
{
	if (o->kind)
		return pl_cmd_usage_error(CMD, "one qdisc only: --%s and --%s", o->kind, kind);
	o->kind = kind;
	o->spec = spec;
	return 0;
}

static int use_example(struct opts *o, const char *name)
{
	const struct sim_example *e = pl_sim_example_find(name);
	int j;

	if (!e)
		return pl_cmd_usage_error(CMD, "unknown example '%s'", name);
	if (o->kind || o->nloads)
		return pl_cmd_usage_error(CMD, "--example brings its own qdisc and loads");
	o->kind = e->kind;
	o->spec = e->spec;
	for (j = 0; j < 3 && e->loads[j]; j++)
		o->loads[o->nloads++] = e->loads[j];
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"tbf", required_argument, NULL, 't'},
		{"htb", required_argument, NULL, 'H'},
		{"netem", required_argument, NULL, 'n'},
		{"pfifo", required_argument, NULL, 'p'},
		{"load", required_argument, NULL, 'l'},
		{"duration", required_argument, NULL, 'd'},
		{"interval", required_argument, NULL, 'i'},
		{"seed", required_argument, NULL, 's'},
		{"link", required_argument, NULL, 'L'},
		{"plot", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"example", required_argument, NULL, 'e'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c, ret = 0;

	o->duration = 10 * SIM_NS_PER_SEC;
	o->interval = SIM_NS_PER_SEC / 10;
	o->seed = 1;
	o->link.rate = 1000000000ULL;
	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			ret = set_qdisc(o, "tbf", optarg);
			break;
		case 'H':
			ret = set_qdisc(o, "htb", optarg);
			break;
		case 'n':
			ret = set_qdisc(o, "netem", optarg);
			break;
		case 'p':
			ret = set_qdisc(o, "pfifo", optarg);
			break;
		case 'l':
			if (o->nloads == MAX_LOADS)
				return pl_cmd_usage_error(CMD, "at most %d --load", MAX_LOADS);
			o->loads[o->nloads++] = optarg;
			break;
		case 'd':
			if (pl_parse_time(optarg, &o->duration) || !o->duration)
				return pl_cmd_usage_error(CMD, "--duration: bad time '%s'", optarg);
			break;
		case 'i':
			if (pl_parse_time(optarg, &o->interval) || !o->interval)
				return pl_cmd_usage_error(CMD, "--interval: bad time '%s'", optarg);
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (!*optarg || *end || errno || *optarg == '-')
				return pl_cmd_usage_error(CMD, "--seed: bad number '%s'", optarg);
			break;
		case 'L':
			ret = parse_link(optarg, &o->link);
			break;
		case 'P':
			o->plot = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'e':
			ret = use_example(o, optarg);
			break;
		default:
			return pl_cmd_usage_error(CMD, "unknown or incomplete option '%s'",
						  argv[optind - 1]);
		}
	}
	if (ret)
		return ret;
	if (optind < argc)
		return pl_cmd_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (!o->kind)
		return pl_cmd_usage_error(CMD, "give a qdisc: --tbf, --htb, --netem or --pfifo");
	if (!o->nloads)
		return pl_cmd_usage_error(CMD, "give at least one --load");
	if (o->duration / o->interval > 100000)
		return pl_cmd_usage_error(CMD, "--interval: more than 100000 intervals");
	return 0;
}

/* "podlab sim qdisc" then the description cut into lines at "; " */
static void wrap_title(char *buf, size_t len, const char *desc, const char *link,
		       const struct opts *o)
{
	size_t n = snprintf(buf, len, "podlab sim qdisc: %s", o->kind), col = 200;
	const char *s;

	for (s = desc; *s && n + 2 < len; s++) {
		if (col > 100 && s[0] == ' ' && s > desc && s[-1] == ';') {
			buf[n++] = '\n';
			col = 0;
			continue;
		}
		if (col > 100 && s == desc) {
			buf[n++] = '\n';
			col = 0;
		}
		buf[n++] = *s;
		col++;
	}
	buf[n] = 0;
	if (n < len)
		snprintf(buf + n, len - n, "\nlink %s, seed %llu", link,
			 (unsigned long long)o->seed);
}

static int run(int argc, char **argv)
{
	struct sim_report_cfg rc = {0};
	struct sim_load loads[MAX_LOADS];
	uint16_t classes[MAX_LOADS];
	struct sim_qdisc_opts qo = {0};
	struct sim_run_cfg cfg = {0};
	struct sim_report *rep = NULL;
	struct sim_qdisc *q = NULL;
	struct sim_qdisc_spec *spec;
	struct sim_run_result res;
	struct sim_pkt_pool pool;
	struct opts o = {0};
	char err[256], desc[1024], link[96], r1[32], title[1400];
	int i, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	spec = calloc(1, sizeof(*spec));
	if (!spec)
		return PL_EXIT_RUNTIME;
	pl_sim_pkt_pool_init(&pool);
	if (pl_sim_spec_parse_qdisc(o.kind, o.spec, spec, err, sizeof(err))) {
		ret = pl_cmd_usage_error(CMD, "--%s: %s", o.kind, msg(err));
		goto out;
	}
	for (i = 0; i < o.nloads; i++) {
		if (pl_sim_spec_parse_load(o.loads[i], &loads[i], err, sizeof(err))) {
			ret = pl_cmd_usage_error(CMD, "--load: %s (in '%s')", msg(err), o.loads[i]);
			goto out;
		}
	}
	qo.pool = &pool;
	qo.seed = o.seed;
	qo.jitter_dist = spec->dist;
	ret = pl_sim_qdisc_create(&spec->qd, &qo, &q, err, sizeof(err));
	if (ret) {
		ret = ret == -EINVAL ? pl_cmd_usage_error(CMD, "--%s: %s", o.kind, msg(err))
				     : (pl_err_errno(ret, "building the %s model", o.kind),
					PL_EXIT_RUNTIME);
		goto out;
	}
	for (i = 0; spec->qd.kind == TOPO_QDISC_HTB && i < o.nloads; i++) {
		struct sim_pkt p = {.src = loads[i].src,
				    .dst = loads[i].dst,
				    .sport = loads[i].sport,
				    .dport = loads[i].dport,
				    .proto = loads[i].proto};

		classes[i] = pl_sim_htb_classify(q, &p);
	}
	pl_sim_spec_describe(spec, desc, sizeof(desc));
	if (o.link.rate)
		snprintf(link, sizeof(link), "rate %s delay %.3fms",
			 pl_fmt_rate(o.link.rate, r1, sizeof(r1)), o.link.delay_ns / 1e6);
	else
		snprintf(link, sizeof(link), "none (infinitely fast) delay %.3fms",
			 o.link.delay_ns / 1e6);
	rc.qdisc_desc = desc;
	rc.link_desc = link;
	rc.duration_ns = o.duration;
	rc.interval_ns = o.interval;
	rc.seed = o.seed;
	rc.loads = loads;
	rc.load_text = o.loads;
	rc.nloads = o.nloads;
	rc.flow_class = spec->qd.kind == TOPO_QDISC_HTB ? classes : NULL;
	ret = pl_sim_report_new(&rc, &rep);
	if (ret)
		goto fail;
	cfg.qdisc = q;
	cfg.link = o.link;
	cfg.loads = loads;
	cfg.nloads = o.nloads;
	cfg.duration_ns = o.duration;
	cfg.seed = o.seed;
	cfg.trace = pl_sim_report_trace;
	cfg.ctx = rep;
	ret = pl_sim_run(&cfg, &pool, &res);
	if (!ret)
		ret = pl_sim_report_error(rep);
	if (ret)
		goto fail;
	if (o.json)
		pl_sim_report_json(rep, stdout);
	else
		pl_sim_report_text(rep, stdout);
	if (o.plot) {
		wrap_title(title, sizeof(title), desc, link, &o);
		ret = pl_sim_report_svg(rep, o.plot, title);
		if (ret) {
			pl_err_errno(ret, "writing the plot %s", o.plot);
			ret = PL_EXIT_RUNTIME;
			goto out;
		}
	}
	ret = PL_EXIT_OK;
	goto out;
fail:
	pl_err_errno(ret, "running the %s model", o.kind);
	ret = PL_EXIT_RUNTIME;
out:
	pl_sim_report_free(rep);
	pl_sim_qdisc_destroy(q);
	pl_sim_pkt_pool_free(&pool);
	free(spec);
	return ret;
}

PL_COMMAND(sim_qdisc, .name = "sim qdisc",
	   .summary = "run a qdisc model (tbf, htb, netem, pfifo) on a virtual clock",
	   .usage = usage, .run = run);
