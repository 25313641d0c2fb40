// SPDX-License-Identifier: GPL-2.0
/*
 * Policy oracle: the same question ("what happens to this new flow?") asked
 * of the four places podlab answers it: the rules read plainly
 * (pl_policy_predict, what `explain` and `check` say), the compiled maps
 * (pl_policy_evaluate_compiled), the datapath under BPF_PROG_TEST_RUN hop by
 * hop (unit mode), and the simulator's walk (sim mode), over random
 * topologies and policies. A disagreement is shrunk to the fewest policies
 * that still disagree and written out as a scenario that fails.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "oracle_gen.h"
#include "replay/replay.h"
#include "topo/policy_compile.h"
#include "topo/topo.h"

enum oracle_judge { J_COMPILED, J_UNIT, J_SIM, J_LIVE, J_COUNT };
static const char *const judge_name[J_COUNT] = {"compiled", "unit", "sim", "live"};

/*
 * An answer: dropped by policy or not, the drop reason, and the node it was
 * dropped on (-1: none). A packet policy let through may still be dropped
 * later for another reason (no route to an outside address): that is "allowed".
 */
struct answer {
	bool dropped;
	int reason;
	int node;
};

static bool policy_reason(int reason)
{
	return reason == PL_DROP_POLICY_DENIED || reason == PL_DROP_POLICY_DENY;
}

struct oracle_opts {
	long cases;
	uint64_t seed;
	int per_topology;
	const char *out;
	const char *junit;
	bool datapath;
	int live_every; /* every Nth topology is also built and asked live; 0: never */
	int verbose;
	int max_report;
};

struct tally {
	long asked[J_COUNT], mismatched[J_COUNT], dropped;
	int topologies, reported;
	const char *skip; /* why the datapath judges did not run */
	const char *live_skip;
};

static int node_of(const struct topo *t, uint32_t ip)
{
	int pod = pl_topo_pod_by_ip(t, ip);

	return pod >= 0 ? t->pods[pod].node : -1;
}

static struct answer from_policy(const struct topo *t, const struct oracle_pkt *q,
				 enum policy_verdict v, int reason)
{
	struct answer a = {v != POLICY_ALLOWED, v != POLICY_ALLOWED ? reason : 0, -1};

	if (v == POLICY_DROPPED_EGRESS)
		a.node = node_of(t, q->saddr);
	else if (v == POLICY_DROPPED_INGRESS)
		a.node = node_of(t, q->daddr);
	return a;
}

/* The rules' answer (pl_policy_predict) or the compiled maps' (pl_policy_evaluate_compiled). */
static struct answer ask_rules(const struct topo *t, const struct policy_set *ps,
			       const struct oracle_pkt *q, bool compiled)
{
	enum policy_verdict v;
	int reason = 0;

	if (compiled)
		v = pl_policy_evaluate_compiled(t, ps, q->saddr, q->daddr, q->proto, q->dport,
						&reason);
	else
		v = pl_policy_predict(t, ps, q->saddr, q->daddr, q->proto, q->dport, &reason);
	return from_policy(t, q, v, reason);
}

/* The answer a replayed packet gives: its first dropping hop, else allowed. */
static bool from_result(const struct pl_result *r, struct answer *a)
{
	int i;

	for (i = 0; i < r->nhops; i++)
		if (r->hops[i].verdict == PL_VERDICT_DROPPED) {
			*a = (struct answer){policy_reason(r->hops[i].drop_reason),
					     r->hops[i].drop_reason, r->hops[i].node};
			return true;
		}
	*a = (struct answer){false, 0, -1};
	return r->status == PL_RES_OK && r->delivery != PL_DELIV_TIMEOUT;
}

static bool same(const struct answer *a, const struct answer *b)
{
	if (a->dropped != b->dropped)
		return false;
	return !a->dropped || (a->reason == b->reason && a->node == b->node);
}

static void answer_text(const struct topo *t, const struct answer *a, char *buf, size_t cap)
{
	if (!a->dropped && a->reason)
		snprintf(buf, cap, "allowed (then dropped, %d, on %s)", a->reason,
			 a->node >= 0 ? t->nodes[a->node].name : "?");
	else if (!a->dropped)
		snprintf(buf, cap, "allowed");
	else
		snprintf(buf, cap, "dropped (%d) on %s", a->reason,
			 a->node >= 0 ? t->nodes[a->node].name : "?");
}

static void spec_line(const struct oracle_pkt *q, char *buf, size_t cap)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &q->saddr, s, sizeof(s));
	inet_ntop(AF_INET, &q->daddr, d, sizeof(d));
	if (q->proto == IPPROTO_ICMP)
		snprintf(buf, cap, "icmp echo %s > %s id %u", s, d, q->sport);
	else
		snprintf(buf, cap, "%s %s:%u > %s:%u%s", q->proto == IPPROTO_TCP ? "tcp" : "udp", s,
			 q->sport, d, q->dport, q->proto == IPPROTO_TCP ? " flags S" : "");
}

static int load_questions(const struct oracle_case *c, const int *which, int n,
			  struct pl_replay_pkts *pk)
{
	char *text = NULL, line[160];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int i, err;

	if (!f)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		spec_line(&c->pkts[which ? which[i] : i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	err = pl_replay_pkts_load_spec(pk, "oracle", 1, 1, text, NULL);
	free(text);
	return err;
}

/*
 * Unit mode sees one hook: a flow to a pod of another node is replayed again
 * where it arrives (the redirected frame at the uplink in native mode, wrapped
 * in VXLAN with the identity as its VNI in vxlan mode).
 */
static int unit_answer(struct pl_replay *rp, const struct topo *t, struct pl_replay_pkt *p,
		       const struct oracle_pkt *q, struct answer *a)
{
	struct pl_result r1, r2;
	struct pl_replay_pkt p2 = *p;
	uint8_t frame[PL_PKT_MAX];
	int dst = node_of(t, q->daddr), src = node_of(t, q->saddr), err, len;

	err = pl_replay_one(rp, p, &r1);
	if (err || r1.status != PL_RES_OK) {
		pl_result_release(&r1);
		return err ? err : -EIO;
	}
	if (!from_result(&r1, a) || a->dropped || a->reason || dst < 0 || src < 0 || src == dst ||
	    (r1.delivery != PL_DELIV_UPLINK && r1.delivery != PL_DELIV_OVERLAY) || !r1.out) {
		pl_result_release(&r1);
		return 0;
	}
	p2.at = (struct pl_inject){PL_INJECT_UPLINK, dst, -1};
	if (r1.delivery == PL_DELIV_OVERLAY) {
		struct pl_pkt_spec outer = {.saddr = t->nodes[src].underlay_ip,
					    .daddr = t->nodes[dst].underlay_ip,
					    .proto = IPPROTO_UDP};

		len = pl_pkt_build_vxlan(&outer, r1.vni, r1.out, r1.out_len, frame, sizeof(frame));
	} else {
		len = (int)r1.out_len <= (int)sizeof(frame) ? (int)r1.out_len : -ENOSPC;
		if (len > 0)
			memcpy(frame, r1.out, len);
	}
	pl_result_release(&r1);
	if (len < 0)
		return len;
	p2.data = frame;
	p2.len = len;
	err = pl_replay_one(rp, &p2, &r2);
	if (!err && r2.status == PL_RES_OK)
		from_result(&r2, a);
	else if (!err)
		err = -EIO;
	pl_result_release(&r2);
	return err;
}

/* Asks judge j (unit or sim) questions which[0..n) of case c; answers in out. */
static int datapath_answers(const struct oracle_case *c, const struct topo *t, enum oracle_judge j,
			    const int *which, int n, struct answer *out)
{
	struct pl_replay_opts ro = {.mode = j == J_SIM	  ? PL_MODE_SIM
					    : j == J_LIVE ? PL_MODE_LIVE
							  : PL_MODE_UNIT};
	struct pl_replay_pkts pk = {0};
	struct pl_replay *rp = NULL;
	struct pl_result r;
	int i, err;

	err = load_questions(c, which, n, &pk);
	if (!err)
		err = pl_replay_open(t, &ro, &rp);
	for (i = 0; !err && i < pk.n; i++) {
		if (j == J_UNIT) {
			err = unit_answer(rp, t, &pk.p[i], &c->pkts[which ? which[i] : i], &out[i]);
			continue;
		}
		err = pl_replay_one(rp, &pk.p[i], &r);
		if (!err && (r.status != PL_RES_OK || !from_result(&r, &out[i]))) {
			/* A walk that errs or loses the packet (a live one that never arrives)
			 * is an answer too: not allowed. */
			out[i] = (struct answer){true, -1, -1};
		}
		pl_result_release(&r);
	}
	if (rp)
		pl_replay_close(rp);
	pl_replay_pkts_free(&pk);
	return err;
}

static FILE *quiet;

static int parse_case(const struct oracle_case *c, uint32_t keep, struct topo **t,
		      struct policy_set **ps)
{
	char name[64], *yaml = oracle_yaml(c, keep);
	int err;

	if (!yaml)
		return -ENOMEM;
	snprintf(name, sizeof(name), "oracle-%llu.yaml", (unsigned long long)c->seed);
	/* Selectors that match no pod are a warning podlab gives users, not the oracle's news. */
	err = pl_topo_parse_mem(name, yaml, strlen(yaml), quiet, t);
	if (!err)
		err = pl_policy_compile(*t, ps);
	free(yaml);
	return err;
}

/* The rules' answer to question i of c with the policies in keep. */
static int predicted(const struct oracle_case *c, uint32_t keep, int i, struct answer *a)
{
	const struct oracle_pkt *q = &c->pkts[i];
	struct policy_set *ps = NULL;
	struct topo *t = NULL;
	int err = parse_case(c, keep, &t, &ps);

	if (!err)
		*a = ask_rules(t, ps, q, false);
	pl_policy_set_free(ps);
	pl_topo_free(t);
	return err;
}

/* Does judge j still disagree with the rules on question i with only the policies in keep? */
static bool still_disagrees(const struct oracle_case *c, uint32_t keep, enum oracle_judge j, int i)
{
	struct policy_set *ps = NULL;
	struct topo *t = NULL;
	struct answer want, got;
	bool differs = false;

	if (predicted(c, keep, i, &want) || parse_case(c, keep, &t, &ps))
		goto out;
	if (j == J_COMPILED) {
		const struct oracle_pkt *q = &c->pkts[i];

		got = ask_rules(t, ps, q, true);
		differs = !same(&want, &got);
	} else {
		differs = !datapath_answers(c, t, j, &i, 1, &got) && !same(&want, &got);
	}
out:
	pl_policy_set_free(ps);
	pl_topo_free(t);
	return differs;
}

/* Shrinks to the fewest policies that keep the disagreement; writes topology + scenario. */
static void report(const struct oracle_opts *o, const struct oracle_case *c, enum oracle_judge j,
		   int i, const struct topo *t, const struct answer *want, const struct answer *got)
{
	uint32_t keep = (1u << c->npolicies) - 1;
	char w[64], g[64], line[160], path[512];
	struct answer shrunk;
	char *yaml;
	FILE *f;
	int p;

	spec_line(&c->pkts[i], line, sizeof(line));
	answer_text(t, want, w, sizeof(w));
	answer_text(t, got, g, sizeof(g));
	printf("MISMATCH seed %llu (%s) %s: rules say %s, %s says %s\n",
	       (unsigned long long)c->seed, c->routing, line, w, judge_name[j], g);
	if (!o->out)
		return;
	for (p = 0; p < c->npolicies; p++)
		if (keep & ~(1u << p) && still_disagrees(c, keep & ~(1u << p), j, i))
			keep &= ~(1u << p);
	if (predicted(c, keep, i, &shrunk))
		return;
	mkdir(o->out, 0755);
	snprintf(path, sizeof(path), "%s/oracle-%llu-%d-topology.yaml", o->out,
		 (unsigned long long)c->seed, i + 1);
	yaml = oracle_yaml(c, keep);
	f = yaml ? fopen(path, "w") : NULL;
	if (f) {
		fputs(yaml, f);
		fclose(f);
	}
	free(yaml);
	snprintf(path, sizeof(path), "%s/oracle-%llu-%d.yaml", o->out, (unsigned long long)c->seed,
		 i + 1);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f,
		"# policy oracle: %s disagreed with the rules (seed %llu, packet %d, shrunk to\n"
		"# %d of %d policies). The expectation is what the rules say.\n"
		"name: oracle %llu/%d\ntopology: oracle-%llu-%d-topology.yaml\nmode: %s\n"
		"inputs:\n  - packets: |\n      %s\nexpect:\n  - packet: 1\n",
		judge_name[j], (unsigned long long)c->seed, i + 1, __builtin_popcount(keep),
		c->npolicies, (unsigned long long)c->seed, i + 1, (unsigned long long)c->seed,
		i + 1, j == J_COMPILED ? "unit" : judge_name[j], line);
	p = pl_topo_pod_by_ip(t, c->pkts[i].daddr);
	if (shrunk.dropped)
		fprintf(f, "    verdict: DROPPED\n    drop_reason: %d\n", shrunk.reason);
	else if (p >= 0)
		fprintf(f, "    delivered_to: %s\n", t->pods[p].name);
	else if (j == J_SIM && c->pkts[i].daddr != t->world.ip)
		fprintf(f, "    # policy lets it through; the node has no route to it\n"
			   "    drop_reason: NO_ROUTE\n");
	else
		fprintf(f, "    delivered_to: stack\n");
	fclose(f);
	printf("  written: %s\n", path);
}

/*
 * Live, a packet is judged where it is seen: only pod-to-pod questions have a
 * destination socket-side capture to be matched at, so those are the ones asked.
 */
static int live_questions(const struct oracle_case *c, const struct topo *t, int *which,
			  const struct answer *want, struct answer *lwant)
{
	int i, n = 0;

	for (i = 0; i < c->npkts; i++)
		if (pl_topo_pod_by_ip(t, c->pkts[i].saddr) >= 0 &&
		    pl_topo_pod_by_ip(t, c->pkts[i].daddr) >= 0) {
			lwant[n] = want[i];
			which[n++] = i;
		}
	return n;
}

static int run_case(const struct oracle_opts *o, uint64_t seed, int nq, struct tally *tl)
{
	struct answer want[ORACLE_MAX_PKTS], got[ORACLE_MAX_PKTS], lwant[ORACLE_MAX_PKTS];
	int i, j, err, live[ORACLE_MAX_PKTS], nlive = 0;
	struct policy_set *ps = NULL;
	struct oracle_case c;
	struct topo *t = NULL;

	err = oracle_gen(seed, nq, &c);
	if (err)
		return err;
	err = parse_case(&c, ORACLE_ALL_POLICIES, &t, &ps);
	if (err) {
		char *yaml = oracle_yaml(&c, ORACLE_ALL_POLICIES);

		fprintf(stderr, "oracle: seed %llu: the generated topology does not parse:\n%s",
			(unsigned long long)seed, yaml ? yaml : "");
		free(yaml);
		goto out;
	}
	tl->topologies++;
	for (i = 0; i < c.npkts; i++) {
		const struct oracle_pkt *q = &c.pkts[i];

		want[i] = ask_rules(t, ps, q, false);
		tl->dropped += want[i].dropped;
		got[i] = ask_rules(t, ps, q, true);
	}
	for (j = J_COMPILED; j < J_COUNT; j++) {
		if (j == J_LIVE && (!o->live_every || (tl->topologies - 1) % o->live_every))
			break;
		if (j == J_LIVE)
			nlive = live_questions(&c, t, live, want, lwant);
		if (j == J_LIVE && !nlive)
			break;
		if (j != J_COMPILED) {
			if (!o->datapath)
				break;
			err = j == J_LIVE ? datapath_answers(&c, t, j, live, nlive, got)
					  : datapath_answers(&c, t, j, NULL, c.npkts, got);
			if (err) {
				pl_err_errno(err, "oracle: seed %llu: %s replay",
					     (unsigned long long)seed, judge_name[j]);
				goto out;
			}
		}
		for (i = 0; i < (j == J_LIVE ? nlive : c.npkts); i++) {
			const struct answer *w = j == J_LIVE ? &lwant[i] : &want[i];

			tl->asked[j]++;
			if (same(w, &got[i]))
				continue;
			tl->mismatched[j]++;
			if (tl->reported++ < o->max_report)
				report(o, &c, j, j == J_LIVE ? live[i] : i, t, w, &got[i]);
		}
	}
out:
	pl_policy_set_free(ps);
	pl_topo_free(t);
	oracle_case_free(&c);
	return err;
}

static void write_junit(const char *file, const struct tally *tl, double secs)
{
	FILE *f = fopen(file, "w");
	int j, fails = 0, skips = 0;

	if (!f)
		return;
	for (j = 0; j < J_COUNT; j++) {
		fails += tl->mismatched[j] > 0;
		skips += !tl->asked[j];
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuite name=\"oracle\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
		"skipped=\"%d\" time=\"%.3f\">\n",
		J_COUNT, fails, skips, secs);
	for (j = 0; j < J_COUNT; j++) {
		fprintf(f, "  <testcase classname=\"oracle\" name=\"rules_vs_%s\">", judge_name[j]);
		if (!tl->asked[j])
			fprintf(f, "<skipped message=\"%s\"/>", tl->skip ? tl->skip : "not run");
		else if (tl->mismatched[j])
			fprintf(f, "<failure message=\"%ld of %ld answers differ\"/>",
				tl->mismatched[j], tl->asked[j]);
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n");
	fclose(f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: policy_oracle [--cases N] [--seed S] [--per-topology K] [--out DIR]\n"
		"                     [--no-datapath] [--live-every N] [--junit FILE] [-v]\n"
		"Asks N random flows (default 1000; K = 50 per random topology) what the policy\n"
		"rules, the compiled maps, the datapath (unit mode) and the simulator say, and\n"
		"prints every disagreement; --out DIR writes each, shrunk, as a scenario.\n"
		"Every Nth topology (--live-every, default 10; 0 never) is also built and its\n"
		"pod-to-pod flows sent for real (live mode).\n"
		"exit status: 0 all agree, 1 a disagreement, 2 bad usage, 4 a replay failed\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"cases", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"per-topology", required_argument, NULL, 'k'},
		{"out", required_argument, NULL, 'o'},
		{"junit", required_argument, NULL, 'j'},
		{"no-datapath", no_argument, NULL, 'D'},
		{"live-every", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"verbose", no_argument, NULL, 'v'},
		{0},
	};
	struct oracle_opts o = {.cases = 1000,
				.seed = 1,
				.per_topology = 50,
				.datapath = true,
				.live_every = 10,
				.max_report = 20};
	struct tally tl = {0};
	double t0 = pl_now();
	long done;
	int c, err = 0, j;
	char *end;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 's':
		case 'k':
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (errno || *end || !*optarg || (c != 's' && (v < 1 || v > 100000000)) ||
			    (c == 'k' && v > ORACLE_MAX_PKTS)) {
				fprintf(stderr, "policy_oracle: bad number '%s' for --%s\n", optarg,
					c == 'n'   ? "cases"
					: c == 's' ? "seed"
						   : "per-topology");
				return 2;
			}
			if (c == 'n')
				o.cases = (long)v;
			else if (c == 's')
				o.seed = v;
			else
				o.per_topology = (int)v;
			break;
		case 'l':
			errno = 0;
			o.live_every = (int)strtol(optarg, &end, 10);
			if (errno || *end || !*optarg || o.live_every < 0) {
				fprintf(stderr, "policy_oracle: bad number '%s' for --live-every\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'j':
			o.junit = optarg;
			break;
		case 'D':
			o.datapath = false;
			tl.skip = "--no-datapath";
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	pl_log_init(o.verbose);
	quiet = o.verbose ? stderr : fopen("/dev/null", "w");
	if (o.datapath && geteuid()) {
		o.datapath = false;
		tl.skip = "needs root (namespaces and BPF_PROG_TEST_RUN)";
	}
	for (done = 0; !err && done < o.cases; done += o.per_topology) {
		int nq = o.cases - done < o.per_topology ? (int)(o.cases - done) : o.per_topology;

		err = run_case(&o, o.seed + (uint64_t)tl.topologies, nq, &tl);
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "\roracle: %ld/%ld flows", done + nq, o.cases);
	}
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	printf("policy oracle: %d topologies from seed %llu, %ld flows (%ld dropped by the rules), "
	       "%.1f s\n",
	       tl.topologies, (unsigned long long)o.seed, tl.asked[J_COMPILED], tl.dropped,
	       pl_now() - t0);
	for (j = 0; j < J_COUNT; j++) {
		if (tl.asked[j])
			printf("  rules vs %-8s %ld answers, %ld differ\n", judge_name[j],
			       tl.asked[j], tl.mismatched[j]);
		else
			printf("  rules vs %-8s SKIP: %s\n", judge_name[j],
			       tl.skip			      ? tl.skip
			       : j == J_LIVE && !o.live_every ? "--live-every 0"
							      : "not run");
	}
	if (o.junit)
		write_junit(o.junit, &tl, pl_now() - t0);
	if (err)
		return 4;
	for (j = 0; j < J_COUNT; j++)
		if (tl.mismatched[j])
			return 1;
	return 0;
}
