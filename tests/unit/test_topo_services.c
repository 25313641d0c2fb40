// SPDX-License-Identifier: GPL-2.0
/* `services:` and `serviceCIDR`: the model they give, and broken ones with file:line:col. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "test.h"
#include "topo/topo.h"
#include "topo_test_util.h"

/* Two nodes, lines 1-12: pods a and c (app: web) and b (app: db). */
#define NODES                                                                                      \
	"nodes:\n"                                                                                 \
	"  - name: node1\n"                                                                        \
	"    ip: 192.168.50.1\n"                                                                   \
	"    podCIDR: 10.244.1.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: a, ip: 10.244.1.10, labels: {app: web}}\n"                                 \
	"      - {name: b, ip: 10.244.1.20, labels: {app: db}}\n"                                  \
	"  - name: node2\n"                                                                        \
	"    ip: 192.168.50.2\n"                                                                   \
	"    podCIDR: 10.244.2.0/24\n"                                                             \
	"    pods:\n"                                                                              \
	"      - {name: c, ip: 10.244.2.30, labels: {app: web}}\n"
/* Line 13 onwards: services. */
#define SVC "services:\n"
#define WEB(extra)                                                                                 \
	"  - {name: web, clusterIP: 10.96.0.10, selector: {app: web}, ports: [{port: 80, "         \
	"targetPort: 8080}]" extra "}\n"

struct svc_bad_case {
	const char *desc;
	const char *text;
	const char *msg;
};

static const struct svc_bad_case bad[] = {
	{"selector matching nothing",
	 NODES SVC "  - {name: x, selector: {app: none}, ports: [{port: 80}]}\n",
	 "t:14:25: service 'x': the selector matches no pod"},
	{"no selector", NODES SVC "  - {name: x, ports: [{port: 80}]}\n",
	 "t:14:5: service 'x' needs a selector"},
	{"clusterIP outside the service CIDR",
	 NODES SVC
	 "  - {name: x, clusterIP: 10.200.0.1, selector: {app: web}, ports: [{port: 80}]}\n",
	 "t:14:26: clusterIP 10.200.0.1 is outside the service CIDR 10.96.0.0/12"},
	{"clusterIP outside a given service CIDR", NODES "serviceCIDR: 10.100.0.0/16\n" SVC WEB(""),
	 "t:15:28: clusterIP 10.96.0.10 is outside the service CIDR 10.100.0.0/16"},
	{"two services on one clusterIP",
	 NODES SVC WEB(
		 "") "  - {name: x, clusterIP: 10.96.0.10, selector: {app: db}, ports: [{port: "
		     "80}]}\n",
	 "t:15:26: clusterIP 10.96.0.10 is service 'web''s already"},
	{"duplicate nodePort",
	 NODES SVC
	 "  - {name: x, type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: "
	 "30080}]}\n"
	 "  - {name: y, type: NodePort, selector: {app: db}, ports: [{port: 81, nodePort: "
	 "30080}]}\n",
	 "t:15:81: nodePort 30080/TCP is taken by service 'x'"},
	{"nodePort out of range",
	 NODES SVC
	 "  - {name: x, type: NodePort, selector: {app: web}, ports: [{port: 80, nodePort: "
	 "80}]}\n",
	 "t:14:82: nodePort 80 is out of range 30000..32767"},
	{"nodePort on a ClusterIP service",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 80, nodePort: 30080}]}\n",
	 "t:14:66: nodePort needs type: NodePort"},
	{"unknown service field", NODES SVC WEB(", clusterIp: 10.96.0.11"),
	 "t:14:101: unknown key 'clusterIp' in a service (expected one of: name, type, clusterIP"},
	{"unknown port field",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 80, target: 8080}]}\n",
	 "t:14:56: unknown key 'target' in a service port"},
	{"port zero", NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 0}]}\n",
	 "t:14:52: port 0 is out of range 1..65535"},
	{"port too large",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 70000}]}\n",
	 "t:14:52: port 70000 is out of range 1..65535"},
	{"targetPort names a container port",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 80, targetPort: http}]}\n",
	 "t:14:68: targetPort 'http' names a container port, and pods here declare none"},
	{"a port twice",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 80}, {port: 80}]}\n",
	 "t:14:57: service 'x' has port 80/TCP twice"},
	{"unknown protocol",
	 NODES SVC "  - {name: x, selector: {app: web}, ports: [{port: 80, protocol: SCTP}]}\n",
	 "t:14:66: protocol 'SCTP': expected TCP or UDP"},
	{"unknown type", NODES SVC WEB(", type: LoadBalancer"),
	 "t:14:107: type 'LoadBalancer': expected ClusterIP or NodePort"},
	{"unknown affinity", NODES SVC WEB(", sessionAffinity: Sticky"),
	 "t:14:118: sessionAffinity 'Sticky': expected None or ClientIP"},
	{"traffic policy on a ClusterIP service", NODES SVC WEB(", externalTrafficPolicy: Local"),
	 "t:14:124: externalTrafficPolicy needs type: NodePort"},
	{"no ports", NODES SVC "  - {name: x, selector: {app: web}}\n",
	 "t:14:5: service 'x' needs ports"},
	{"clusterIP the network address",
	 NODES SVC
	 "  - {name: x, clusterIP: 10.96.0.0, selector: {app: web}, ports: [{port: 80}]}\n",
	 "t:14:26: clusterIP 10.96.0.0 is the service CIDR's network address"},
	{"two services of one name", NODES SVC WEB("") WEB(""),
	 "t:15:12: a second service named 'web'"},
	{"service CIDR over a podCIDR", NODES "serviceCIDR: 10.244.0.0/16\n",
	 "t:13:14: the service CIDR overlaps the podCIDR of node 'node1'"},
	{"default service CIDR over a podCIDR",
	 "nodes:\n  - {name: n1, ip: 192.168.50.1, podCIDR: 10.96.1.0/24, pods: [{name: a, ip: "
	 "10.96.1.10, labels: {app: a}}]}\n  - {name: n2, ip: 192.168.50.2, podCIDR: "
	 "10.244.2.0/24}\n" SVC "  - {name: x, selector: {app: a}, ports: [{port: 80}]}\n",
	 "t:5:3: the service CIDR overlaps the podCIDR of node 'n1'"},
};

PL_TEST(unit, topo_services_broken)
{
	const struct svc_bad_case *c;

	for (c = bad; c < bad + sizeof(bad) / sizeof(bad[0]); c++) {
		pl_subtest("%s", c->desc);
		topo_test_expect_broken(c->text, c->msg);
	}
}

PL_TEST(unit, topo_services_model)
{
	static const char text[] = NODES SVC WEB(
		", sessionAffinity: ClientIP") "  - {name: dns, selector: {app: db}, ports: "
					       "[{port: 53, protocol: UDP}, {port: 53}]}\n"
					       "  - {name: all, selector: {}, ports: [{port: "
					       "1}]}\n";
	struct topo *t = NULL;
	char *diag = NULL;

	/* An empty selector: Kubernetes manages no Endpoints for it, and podlab has no other
	 * source. */
	ASSERT_EQ(topo_test_parse(text, &t, &diag), -EINVAL, "empty selector refused");
	ASSERT_STRSTR(diag, "t:16:27: service 'all': an empty selector matches no pod", "why");
	free(diag);
	diag = NULL;
	if (!ASSERT_OK(topo_test_parse(
			       NODES SVC WEB(
				       ", sessionAffinity: ClientIP") "  - {name: dns, "
								      "selector: {app: db}, ports: "
								      "[{port: 53, protocol: UDP}, "
								      "{port: 53}]}\n",
			       &t, &diag),
		       "parse"))
		goto out;
	ASSERT_EQ(t->nservices, 2, "two services");
	ASSERT_EQ(t->svc_cidr, topo_test_ip("10.96.0.0"), "default service CIDR");
	ASSERT_EQ(t->svc_plen, 12, "default /12");
	ASSERT_EQ(t->services[0].cluster_ip, topo_test_ip("10.96.0.10"), "given clusterIP");
	ASSERT_EQ(t->services[0].type, TOPO_SVC_CLUSTER_IP, "type ClusterIP by default");
	ASSERT_TRUE(t->services[0].affinity_client_ip, "ClientIP affinity");
	ASSERT_EQ(t->services[0].ports[0].port, 80, "port");
	ASSERT_EQ(t->services[0].ports[0].target_port, 8080, "targetPort");
	ASSERT_EQ(t->services[0].ports[0].proto, IPPROTO_TCP, "TCP by default");
	ASSERT_EQ(t->services[0].nbackends, 2, "endpoints: a and c");
	ASSERT_EQ(t->services[0].backends[0], 0, "a");
	ASSERT_EQ(t->services[0].backends[1], 2, "c");
	ASSERT_EQ(t->services[1].cluster_ip, topo_test_ip("10.96.0.1"),
		  "allocated: the first free");
	ASSERT_FALSE(t->services[1].affinity_client_ip, "no affinity by default");
	ASSERT_EQ(t->services[1].ports[0].proto, IPPROTO_UDP, "UDP");
	ASSERT_EQ(t->services[1].ports[0].target_port, 53, "targetPort defaults to port");
	ASSERT_EQ(t->services[1].ports[1].proto, IPPROTO_TCP, "the same port in TCP");
	ASSERT_EQ(t->services[1].nbackends, 1, "endpoints: b");
out:
	pl_topo_free(t);
	free(diag);
}

PL_TEST(unit, topo_services_node_ports)
{
	struct topo *t = NULL;
	char *diag = NULL;

	if (!ASSERT_OK(
		    topo_test_parse(NODES SVC
				    "  - {name: x, type: NodePort, externalTrafficPolicy: Local, "
				    "selector: {app: web}, ports: [{port: 80}, {port: 81, "
				    "nodePort: 30000}, {port: 82, protocol: UDP}]}\n",
				    &t, &diag),
		    "parse"))
		goto out;
	ASSERT_EQ(t->services[0].type, TOPO_SVC_NODE_PORT, "NodePort");
	ASSERT_TRUE(t->services[0].traffic_local, "externalTrafficPolicy Local");
	ASSERT_EQ(t->services[0].ports[1].node_port, 30000, "given nodePort");
	ASSERT_EQ(t->services[0].ports[0].node_port, 30001, "allocated: the lowest free TCP one");
	ASSERT_EQ(t->services[0].ports[2].node_port, 30000, "UDP has its own nodePorts");
	ASSERT_NEQ(t->services[0].cluster_ip, 0, "a NodePort service has a ClusterIP too");
out:
	pl_topo_free(t);
	free(diag);
}
