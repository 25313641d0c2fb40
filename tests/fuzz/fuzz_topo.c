// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a topology file, through the parser the
 * file path takes (pl_topo_parse_mem: NUL bytes are input too). A parse
 * either fails with exactly one "fuzz.yaml:LINE:COL: message" line and no
 * model, or yields a model whose every line of warnings has that form, whose
 * policies compile (and, in dual stack, predict IPv6 as the compiled maps
 * decide it), and whose plan builds and prints as --print-commands does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "plan/plan.h"
#include "topo/policy_compile.h"
#include "topo/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every line of diag starts with "fuzz.yaml:" and the text ends with a newline. */
static size_t check_lines(const char *diag, size_t len)
{
	const char *s = diag, *nl;
	size_t lines = 0;

	if (len && diag[len - 1] != '\n')
		abort();
	if (strlen(diag) != len)
		abort(); /* a NUL in a message */
	for (; *s; s = nl + 1, lines++) {
		nl = strchr(s, '\n');
		if (strncmp(s, "fuzz.yaml:", 10))
			abort();
	}
	return lines;
}

/*
 * Dual stack: the rules and the compiled maps agree on IPv6 too, between the
 * pods and from each IPv6 CIDR prefix's network address (a few ports).
 */
static void oracle6(const struct topo *t, const struct policy_set *ps)
{
	static const uint16_t ports[] = {80, 443};
	const uint8_t *addrs[24];
	int na = 0, s, d, p, r1, r2;

	for (s = 0; s < t->npods && na < 12; s++)
		addrs[na++] = t->pods[s].ip6;
	for (s = 0; s < ps->nprefixes && na < 24; s++)
		if (ps->prefixes[s].v6)
			addrs[na++] = ps->prefixes[s].ip6;
	for (s = 0; s < na; s++)
		for (d = 0; d < na; d++)
			for (p = 0; s != d && p < 2; p++)
				if (pl_policy_predict6(t, addrs[s], addrs[d], IPPROTO_TCP, ports[p],
						       &r1) !=
					    pl_policy_evaluate_compiled6(t, ps, addrs[s], addrs[d],
									 IPPROTO_TCP, ports[p],
									 &r2) ||
				    r1 != r2)
					abort(); /* the rules and the maps disagree */
}

static void use_model(const struct topo *t)
{
	struct policy_ipcache6_entry *ipc6;
	struct pl_plan_opts opts = {.datapath = true, .xdp_prefilter = t->nprefilter > 0};
	struct policy_ipcache_entry *ipc;
	struct policy_set *ps = NULL;
	struct pl_plan *plan = NULL;
	FILE *null;
	int i, n;

	if (pl_policy_compile(t, &ps))
		abort(); /* a parsed topology's policies compile */
	for (i = 0; i < t->nnodes; i++) {
		if (pl_policy_ipcache(t, ps, i, &ipc, &n) ||
		    pl_policy_ipcache6(t, ps, i, &ipc6, &n))
			abort();
		free(ipc);
		free(ipc6);
	}
	if (pl_topo_has_v6(t))
		oracle6(t, ps);
	pl_policy_set_free(ps);
	null = fopen("/dev/null", "w");
	if (null && !pl_plan_build(t, "fuzz", &opts, &plan)) {
		pl_plan_print(plan, null);
		pl_plan_free(plan);
	}
	if (null)
		fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo *t = (struct topo *)1;
	char *diag = NULL;
	size_t dlen = 0;
	FILE *f;
	int err;

	f = open_memstream(&diag, &dlen);
	if (!f)
		return 0;
	err = pl_topo_parse_mem("fuzz.yaml", (const char *)data, size, f, &t);
	fclose(f);
	if (err) {
		if (err != -EINVAL || t || check_lines(diag, dlen) != 1)
			abort(); /* bad input: one line, nothing built */
	} else {
		if (!t)
			abort();
		check_lines(diag, dlen);
		use_model(t);
		pl_topo_free(t);
	}
	free(diag);
	return 0;
}
