// SPDX-License-Identifier: GPL-2.0
/*
 * Pods that run nginx (`nginx:` in a pod, docs/topology.md): one step per
 * pod, after every device and map, and the config both back ends write.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/pkt.h"
#include "plan/plan_internal.h"

int pl__plan_nginx(struct pl_plan *p)
{
	const struct topo *t = p->topo;
	struct pl_step *s;
	int i;

	for (i = 0; i < t->npods; i++) {
		if (!t->pods[i].nginx.on)
			continue;
		s = ADD(PL_STEP_NGINX, p->pod_ns[i], NULL);
		s->nginx.pod = i;
		s->nginx.port = t->pods[i].nginx.port;
		snprintf(s->nginx.dir, sizeof(s->nginx.dir), "%s/%s/%s", PL_RUN_FILES, p->run,
			 t->pods[i].name);
	}
	return 0;
}

int pl_plan_nginx_record(const struct pl_plan *p, const struct pl_step *s, char *buf, size_t len)
{
	return snprintf(buf, len, "%s %s", s->nginx.dir, p->ns[s->ns].name);
}

char *pl_plan_nginx_conf(const struct pl_plan *p, const struct pl_step *s)
{
	const struct topo_pod *pod = &p->topo->pods[s->nginx.pod];
	const char *d = s->nginx.dir;
	char ip[INET_ADDRSTRLEN], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	pl_ip4_str(pod->ip, ip);
	/* Every path is the run's: nginx-light's defaults (/var/lib/nginx, /var/log) are not. */
	fprintf(f,
		"# podlab up: nginx of pod %s (run %s); podlab down stops it and removes %s\n"
		"worker_processes 1;\n"
		"pid %s/nginx.pid;\n"
		"error_log %s/error.log notice;\n"
		"events {\n"
		"\tworker_connections 64;\n"
		"}\n"
		"http {\n"
		"\tlog_format podlab '$remote_addr $remote_port \"$request\" $status';\n"
		"\taccess_log %s/access.log podlab;\n"
		"\tclient_body_temp_path %s/body;\n"
		"\tproxy_temp_path %s/proxy;\n"
		"\tfastcgi_temp_path %s/fastcgi;\n"
		"\tuwsgi_temp_path %s/uwsgi;\n"
		"\tscgi_temp_path %s/scgi;\n"
		"\tserver {\n"
		"\t\tlisten %u;\n"
		"\t\tdefault_type text/plain;\n"
		"\t\tlocation / {\n"
		"\t\t\treturn 200 \"podlab nginx on %s (%s:%u)\\n\";\n"
		"\t\t}\n"
		"\t}\n"
		"}\n",
		pod->name, p->run, d, d, d, d, d, d, d, d, d, s->nginx.port, pod->name, ip,
		s->nginx.port);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
