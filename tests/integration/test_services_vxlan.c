// SPDX-License-Identifier: GPL-2.0
/*
 * Services over routing vxlan: topologies/services.yaml with its routing
 * switched to vxlan, up with the datapath. Real TCP from node1's client
 * through a ClusterIP whose only backend is on node2 (the DNATed packet
 * tunnelled, its reply reverse-NATed where it comes out of the tunnel), and
 * through node1's nodePort from node2's client (SNATed to node1's IP and
 * tunnelled back to node2). down leaves nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/run.h"
#include "net_fixture.h"
#include "probe/probe.h"
#include "test.h"
#include "topo/topo.h"

#define SERVICES_YAML "topologies/services.yaml"

static const char *probe_services_vxlan(void)
{
	const char *why = fixture_probe_netns_root();

	if (why)
		return why;
	if (access(SERVICES_YAML, R_OK))
		return "run from the repository root (topologies/ not found)";
	return pl_probe_link_kind("vxlan");
}

/* services.yaml with "routing: native" made "routing: vxlan"; NULL when it has no such line. */
static char *vxlan_text(void)
{
	static const char from[] = "routing: native", to[] = "routing: vxlan ";
	FILE *f = fopen(SERVICES_YAML, "r");
	char *buf = NULL, *at;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = calloc(1, n + 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		goto fail;
	at = strstr(buf, from);
	if (!at)
		goto fail;
	memcpy(at, to, sizeof(to) - 1); /* same length: the rest of the file keeps its place */
	goto out;
fail:
	free(buf);
	buf = NULL;
out:
	fclose(f);
	return buf;
}

PL_TEST_PROBE(integration, services_vxlan_real_sockets, probe_services_vxlan)
{
	struct pl_up_opts uo = {.datapath = true, .keep_owner = true, .topology = SERVICES_YAML};
	static const uint16_t web_port[] = {8080};
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], ns[PL_NETNS_NAME_MAX];
	struct pl_probe_server *web2 = NULL;
	char *text = vxlan_text();
	struct topo *t = NULL;
	uint32_t seen;

	fixture_run_id(run, "svx");
	uo.run = run;
	if (!ASSERT_TRUE(text != NULL, "services.yaml read, its routing line found") ||
	    !ASSERT_OK(pl_topo_parse_string(SERVICES_YAML, text, &t), "parse") ||
	    !ASSERT_EQ(t->routing, PL_ROUTING_VXLAN, "routing vxlan") ||
	    !ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	pl_netns_name(run, "web2", ns, sizeof(ns));
	if (!ASSERT_OK(pl_probe_server_start(ns, web_port, 1, NULL, 0, false, &web2),
		       "web2 server"))
		goto out;

	pl_subtest("TCP to web-b: ClusterIP on node1, backend on node2 through the tunnel");
	ASSERT_EQ(fixture_probe_from(run, "client", IPPROTO_TCP, "10.96.0.11", 80, web2, &seen),
		  PL_PROBE_DELIVERED, "connected through the ClusterIP");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web2 saw the client's own address");
	pl_subtest("NodePort Cluster: node1's IP from client2, backend back on node2");
	ASSERT_EQ(
		fixture_probe_from(run, "client2", IPPROTO_TCP, "192.168.50.1", 30080, web2, &seen),
		PL_PROBE_DELIVERED, "connected through node1's nodePort");
	ASSERT_EQ(seen, fixture_ip4("192.168.50.1"), "web2 saw node1's IP (SNAT)");
out:
	pl_probe_server_stop(web2);
	if (fixture_state_exists(run))
		ASSERT_OK(pl_run_down(run), "down");
	fixture_assert_gone(run);
	pl_topo_free(t);
	free(text);
}
