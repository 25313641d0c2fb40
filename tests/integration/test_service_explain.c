// SPDX-License-Identifier: GPL-2.0
/*
 * `podlab explain` to a service (topologies/services.yaml): the first line
 * names the ClusterIP's service, the from_pod hop its translation with both
 * sides, and pod-to-pod no translation at all.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"
#include "test.h"

static const char *probe_explain(void)
{
	const char *why = pl_probe_bpf_netns();

	if (why)
		return why;
	if (access("topologies/services.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	return cli_probe_podlab();
}

PL_TEST_PROBE(integration, services_explain_translation, probe_explain)
{
	char *out = NULL;

	ASSERT_EQ(cli_run("explain --topology topologies/services.yaml --from client --to "
			  "10.96.0.11 --dport 80",
			  &out, NULL),
		  0, "explain to a ClusterIP");
	ASSERT_STRSTR(out, "→ 10.96.0.11 (ClusterIP of service web-b)", "names the service");
	ASSERT_STRSTR(out, "from_pod → TC_ACT_REDIRECT REDIRECTED TO_NETWORK (NEIGH_RESOLVE)",
		      "the translating hop");
	ASSERT_STRSTR(out,
		      "service translation: DNAT 10.96.0.11:80 -> 10.244.2.20:8080 (service web-b)",
		      "both sides of the DNAT");
	ASSERT_STRSTR(out, "=> web2", "delivered to the backend");
	free(out);
	out = NULL;
	ASSERT_EQ(cli_run("explain --topology topologies/services.yaml --from client --to web2 "
			  "--dport 8080",
			  &out, NULL),
		  0, "explain pod to pod");
	ASSERT_TRUE(out && !strstr(out, "service translation"), "pod to pod: none");
	ASSERT_STRSTR(out, "=> web2", "delivered");
	free(out);
}
