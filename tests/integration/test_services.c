// SPDX-License-Identifier: GPL-2.0
/*
 * Services for real: topologies/services.yaml up with the datapath, real
 * sockets through ClusterIPs. A TCP connect to a ClusterIP reaches the
 * backend, which sees the client's own address (no SNAT); a UDP echo to one
 * comes back from the ClusterIP (a connected socket takes nothing else); a
 * service with no ready backend answers nothing. NodePorts on node1's IP
 * from a pod of node2: Cluster to a backend on node2 (seen from node1's IP),
 * Local to node1's backend (the client's own address); node2's IP at a Local
 * nodePort without a backend there answers nothing. A pod of node1 reaches
 * its node's nodePort; hairpin (a pod to a ClusterIP or nodePort whose
 * backend is itself) connects, the pod seeing 169.254.42.1. down leaves nothing.
 */
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/run.h"
#include "net_fixture.h"
#include "probe/probe.h"
#include "test.h"
#include "topo/topo.h"

static const char *probe_services(void)
{
	const char *why = fixture_probe_netns_root();

	if (why)
		return why;
	return access("topologies/services.yaml", R_OK) ? "run from the repository root "
							  "(topologies/ not found)"
							: NULL;
}

static enum pl_probe_status probe(const char *run, uint8_t proto, const char *dst, uint16_t port,
				  struct pl_probe_server *srv, uint32_t *seen_ip)
{
	return fixture_probe_from(run, "client", proto, dst, port, srv, seen_ip);
}

PL_TEST_PROBE(integration, services_real_sockets, probe_services)
{
	struct pl_up_opts uo = {
		.datapath = true, .keep_owner = true, .topology = "topologies/services.yaml"};
	static const uint16_t web_port[] = {8080}, dns_port[] = {5353};
	struct pl_probe_server *web2 = NULL, *web1 = NULL, *dns = NULL;
	char run[PL_RUN_ID_MAX], got[PL_RUN_ID_MAX], ns[PL_NETNS_NAME_MAX];
	struct topo *t = NULL;
	uint32_t seen;

	fixture_run_id(run, "svc");
	uo.run = run;
	if (!ASSERT_OK(pl_topo_parse(uo.topology, &t), "parse") ||
	    !ASSERT_OK(pl_run_up(t, &uo, got), "up"))
		goto out;
	pl_netns_name(run, "web2", ns, sizeof(ns));
	ASSERT_OK(pl_probe_server_start(ns, web_port, 1, NULL, 0, false, &web2), "web2 server");
	pl_netns_name(run, "web1", ns, sizeof(ns));
	ASSERT_OK(pl_probe_server_start(ns, web_port, 1, NULL, 0, false, &web1), "web1 server");
	pl_netns_name(run, "dns", ns, sizeof(ns));
	ASSERT_OK(pl_probe_server_start(ns, NULL, 0, dns_port, 1, false, &dns), "dns server");
	if (!web1 || !web2 || !dns)
		goto out;

	pl_subtest("TCP to web-b (remote backend)");
	ASSERT_EQ(probe(run, IPPROTO_TCP, "10.96.0.11", 80, web2, &seen), PL_PROBE_DELIVERED,
		  "connected through the ClusterIP");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web2 saw the client's own address");
	pl_subtest("TCP to web-a (local backend)");
	ASSERT_EQ(probe(run, IPPROTO_TCP, "10.96.0.13", 80, web1, &seen), PL_PROBE_DELIVERED,
		  "connected through the ClusterIP");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web1 saw the client's own address");
	pl_subtest("TCP hairpin: web1 to web-a, whose backend is web1 itself");
	ASSERT_EQ(fixture_probe_from(run, "web1", IPPROTO_TCP, "10.96.0.13", 80, web1, &seen),
		  PL_PROBE_DELIVERED, "connected through the ClusterIP to itself");
	ASSERT_EQ(seen, fixture_ip4("169.254.42.1"), "web1 saw the hairpin address (SNAT)");
	pl_subtest("UDP to dns");
	ASSERT_EQ(probe(run, IPPROTO_UDP, "10.96.0.53", 53, dns, &seen), PL_PROBE_DELIVERED,
		  "the echo came back from the ClusterIP");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "dns saw the client's own address");
	pl_subtest("TCP to canary (no ready backend)");
	ASSERT_EQ(probe(run, IPPROTO_TCP, "10.96.0.99", 80, NULL, &seen), PL_PROBE_TIMEOUT,
		  "dropped: nothing answers");
	pl_subtest("TCP to the service's port it does not have");
	ASSERT_NEQ(probe(run, IPPROTO_TCP, "10.96.0.11", 8080, NULL, &seen), PL_PROBE_DELIVERED,
		   "the ClusterIP itself serves nothing");
	pl_subtest("NodePort Cluster: node1's IP, backend on node2");
	ASSERT_EQ(
		fixture_probe_from(run, "client2", IPPROTO_TCP, "192.168.50.1", 30080, web2, &seen),
		PL_PROBE_DELIVERED, "connected through node1's nodePort");
	ASSERT_EQ(seen, fixture_ip4("192.168.50.1"), "web2 saw node1's IP (SNAT)");
	pl_subtest("NodePort Local: node1's IP, backend on node1");
	ASSERT_EQ(
		fixture_probe_from(run, "client2", IPPROTO_TCP, "192.168.50.1", 30081, web1, &seen),
		PL_PROBE_DELIVERED, "connected through node1's nodePort");
	ASSERT_EQ(seen, fixture_ip4("10.244.2.10"), "web1 saw client2's own address");
	pl_subtest("NodePort from a pod of the node: client to node1's IP, backend web1");
	ASSERT_EQ(probe(run, IPPROTO_TCP, "192.168.50.1", 30081, web1, &seen), PL_PROBE_DELIVERED,
		  "connected through its own node's nodePort");
	ASSERT_EQ(seen, fixture_ip4("10.244.1.10"), "web1 saw the client's own address");
	pl_subtest("NodePort hairpin: web1 to node1's IP, backend web1 itself");
	ASSERT_EQ(fixture_probe_from(run, "web1", IPPROTO_TCP, "192.168.50.1", 30081, web1, &seen),
		  PL_PROBE_DELIVERED, "connected through the nodePort to itself");
	ASSERT_EQ(seen, fixture_ip4("169.254.42.1"), "web1 saw the hairpin address (SNAT)");
	pl_subtest("NodePort Local: node2's IP, no backend there");
	ASSERT_EQ(probe(run, IPPROTO_TCP, "192.168.50.2", 30081, NULL, &seen), PL_PROBE_TIMEOUT,
		  "dropped: nothing answers");
out:
	pl_probe_server_stop(web1);
	pl_probe_server_stop(web2);
	pl_probe_server_stop(dns);
	if (fixture_state_exists(run))
		ASSERT_OK(pl_run_down(run), "down");
	fixture_assert_gone(run);
	pl_topo_free(t);
}
