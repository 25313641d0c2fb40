// SPDX-License-Identifier: GPL-2.0
/*
 * The kube-proxy rules podlab generates (pl_kube_proxy_rules) do kube-proxy's
 * job: topologies/services.yaml up without the datapath, each node's nat
 * table loaded with iptables-restore (nft and legacy, each where present).
 * Before, a ClusterIP reaches nothing; after, TCP from a pod through a
 * ClusterIP reaches the backend on the other node and on its own node (the
 * client's address kept), and a backend reaching itself through its service
 * is masqueraded (sees an address not its own). down leaves nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/run.h"
#include "net_fixture.h"
#include "probe/probe.h"
#include "test.h"
#include "topo/kube_proxy.h"
#include "topo/topo.h"

static bool have(const char *prog)
{
	return fixture_sh("command -v %s", prog) == 0;
}

/*
 * The run's prerequisites and tool's kernel side: the xtables matches and targets
 * kube-proxy's rules use (comment, statistic, mark, DNAT, MASQUERADE), in a scratch netns.
 */
static const char *probe_tool(const char *tool)
{
	static char why[160];
	const char *r = fixture_probe_netns_root();

	if (r)
		return r;
	if (access("topologies/services.yaml", R_OK))
		return "run from the repository root (topologies/ not found)";
	if (!have(tool)) {
		snprintf(why, sizeof(why), "%s is not installed (make deps)", tool);
		return why;
	}
	if (fixture_sh("printf '*nat\\n:PLKP - [0:0]\\n-A PLKP -p tcp -m comment --comment podlab "
		       "-m statistic --mode random --probability 0.5 -j DNAT --to-destination "
		       "192.0.2.1:80\\n-A PLKP -m mark --mark 0x4000/0x4000 -j MASQUERADE\\n"
		       "COMMIT\\n' | unshare -n %s",
		       tool)) {
		snprintf(why, sizeof(why),
			 "the kernel refuses kube-proxy's kind of rule through %s "
			 "(xt_comment, xt_statistic, xt_mark, nat modules)",
			 tool);
		return why;
	}
	return NULL;
}

static const char *probe_nft(void)
{
	return probe_tool("iptables-nft-restore");
}

static const char *probe_legacy(void)
{
	return probe_tool("iptables-legacy-restore");
}

/* Every node's rules into its namespace with tool (iptables-nft-restore, ...). */
static bool load_rules(const struct topo *t, const char *run, const char *tool)
{
	char path[] = "/tmp/podlab-kp.XXXXXX", ns[PL_NETNS_NAME_MAX];
	bool ok = true;
	FILE *f;
	int fd, n;

	for (n = 0; n < t->nnodes && ok; n++) {
		fd = mkstemp(path);
		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!ASSERT_OK_PTR(f, "rules file"))
			return false;
		ok = ASSERT_OK(pl_kube_proxy_rules(f, t, n, 0), "rules generated");
		fclose(f);
		pl_netns_name(run, t->nodes[n].name, ns, sizeof(ns));
		ok = ok && ASSERT_EQ(fixture_sh("ip netns exec %s %s < %s", ns, tool, path), 0,
				     "iptables-restore takes them");
		unlink(path);
		snprintf(path, sizeof(path), "/tmp/podlab-kp.XXXXXX");
	}
	return ok;
}

static void one_tool(struct topo *t, const char *tool, const char *tag)
{
	struct pl_up_opts uo = {.keep_owner = true, .topology = "topologies/services.yaml"};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], ns[PL_NETNS_NAME_MAX];
	static const uint16_t web_port[] = {8080};
	struct pl_probe_server *web1 = NULL, *web2 = NULL;
	uint32_t seen;

	pl_subtest(tool);
	fixture_run_id(run, tag);
	uo.run = run;
	if (!ASSERT_OK(pl_run_up(t, &uo, got), "up --no-datapath"))
		goto out;
	pl_netns_name(run, "web1", ns, sizeof(ns));
	ASSERT_OK(pl_probe_server_start(ns, web_port, 1, NULL, 0, false, &web1), "web1 server");
	pl_netns_name(run, "web2", ns, sizeof(ns));
	ASSERT_OK(pl_probe_server_start(ns, web_port, 1, NULL, 0, false, &web2), "web2 server");
	if (!web1 || !web2)
		goto out;
	ASSERT_NEQ(fixture_probe_from(run, "client", IPPROTO_TCP, "10.96.0.11", 80, web2, &seen),
		   PL_PROBE_DELIVERED, "without the rules the ClusterIP reaches nothing");
	if (!load_rules(t, run, tool))
		goto out;
	ASSERT_EQ(fixture_probe_from(run, "client", IPPROTO_TCP, "10.96.0.11", 80, web2, &seen),
		  PL_PROBE_DELIVERED, "web-b: through the ClusterIP to node2's backend");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web2 saw the client's own address");
	ASSERT_EQ(fixture_probe_from(run, "client", IPPROTO_TCP, "10.96.0.13", 80, web1, &seen),
		  PL_PROBE_DELIVERED, "web-a: through the ClusterIP to node1's backend");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web1 saw the client's own address");
	ASSERT_EQ(fixture_probe_from(run, "web1", IPPROTO_TCP, "10.96.0.13", 80, web1, &seen),
		  PL_PROBE_DELIVERED, "hairpin: web1 through its own service");
	ASSERT_TRUE(seen && seen != fixture_ip4("10.244.1.20"),
		    "hairpin masqueraded: not its own address");
out:
	pl_probe_server_stop(web1);
	pl_probe_server_stop(web2);
	if (fixture_state_exists(run))
		ASSERT_OK(pl_run_down(run), "down");
	fixture_assert_gone(run);
}

static void rules_real_sockets(const char *tool, const char *tag)
{
	struct topo *t = NULL;

	if (!ASSERT_OK(pl_topo_parse("topologies/services.yaml", &t), "parse"))
		return;
	one_tool(t, tool, tag);
	pl_topo_free(t);
}

PL_TEST_PROBE(integration, kube_proxy_rules_real_sockets_nft, probe_nft)
{
	rules_real_sockets("iptables-nft-restore", "kpn");
}

PL_TEST_PROBE(integration, kube_proxy_rules_real_sockets_legacy, probe_legacy)
{
	rules_real_sockets("iptables-legacy-restore", "kpl");
}
