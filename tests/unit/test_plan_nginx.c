// SPDX-License-Identifier: GPL-2.0
/* Pods running nginx in the plan: one step each, last, its config, its record, its shell form. */
#include <stdlib.h>
#include <string.h>

#include "plan_test_util.h"
#include "test.h"

static int lasting(void *ctx, const char *kind, const char *value)
{
	FILE *f = ctx;

	fprintf(f, "%s %s\n", kind, value);
	return 0;
}

PL_TEST(unit, plan_nginx_steps_config_and_record)
{
	struct topo *t = NULL;
	struct pl_plan *p = plan_of("services-ingress.yaml", PL_ROUTING_NATIVE, true, &t);
	char *conf = NULL, *rec = NULL, *sh = NULL;
	size_t len = 0;
	int web1, web2, i;
	FILE *f;

	if (!ASSERT_OK_PTR(p, "plan"))
		return;
	web1 = plan_ns(p, "web1");
	web2 = plan_ns(p, "web2");
	ASSERT_EQ(plan_count(p, PL_STEP_NGINX), 2, "one nginx per nginx pod");
	ASSERT_EQ(p->steps[p->nsteps - 2].kind, PL_STEP_NGINX, "after every device and map");
	ASSERT_EQ(p->steps[p->nsteps - 2].ns, web1, "web1's in its namespace");
	ASSERT_EQ(p->steps[p->nsteps - 1].ns, web2, "web2's in its namespace");
	i = plan_find(p, PL_STEP_NGINX, web2, NULL);
	if (!ASSERT_GE(i, 0, "web2's step"))
		goto out;
	ASSERT_STREQ(p->steps[i].nginx.dir, "/run/podlab/t1/web2", "its files: the run's");
	ASSERT_EQ(p->steps[i].nginx.port, 8080, "its port");
	conf = pl_plan_nginx_conf(p, &p->steps[i]);
	ASSERT_STRSTR(conf, "pid /run/podlab/t1/web2/nginx.pid;", "pid file in the run's files");
	ASSERT_STRSTR(conf, "access_log /run/podlab/t1/web2/access.log podlab;", "access log");
	ASSERT_STRSTR(conf, "log_format podlab '$remote_addr $remote_port", "client address first");
	ASSERT_STRSTR(conf, "client_body_temp_path /run/podlab/t1/web2/body;", "no /var/lib/nginx");
	ASSERT_STRSTR(conf, "listen 8080;", "the pod's port");
	ASSERT_STRSTR(conf, "return 200 \"podlab nginx on web2 (10.244.2.20:8080)\\n\";", "body");

	f = open_memstream(&rec, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	pl_plan_lasting(p, lasting, f);
	fclose(f);
	ASSERT_STRSTR(
		rec, "nginx /run/podlab/t1/web1 pl-t1-web1\nnginx /run/podlab/t1/web2 pl-t1-web2\n",
		"down finds each nginx by its files and namespace");
	ASSERT_TRUE(rec && strstr(rec, "pins ") < strstr(rec, "nginx "), "recorded last");

	f = open_memstream(&sh, &len);
	if (!ASSERT_OK_PTR(f, "memstream"))
		goto out;
	ASSERT_OK(pl_plan_print(p, f), "print");
	fclose(f);
	ASSERT_STRSTR(sh,
		      "inns pl-t1-web2 nginx -q -p /run/podlab/t1/web2 -c "
		      "/run/podlab/t1/web2/nginx.conf -e /run/podlab/t1/web2/error.log\n",
		      "--print-commands starts the same nginx");
	ASSERT_STRSTR(sh, "listen 8080;", "with the same config");
out:
	free(conf);
	free(rec);
	free(sh);
	plan_done(p, t);
}

PL_TEST(unit, plan_without_nginx_has_no_nginx_step)
{
	struct topo *t = NULL;
	struct pl_plan *p = plan_of("services.yaml", PL_ROUTING_NATIVE, true, &t);

	if (!ASSERT_OK_PTR(p, "plan"))
		return;
	ASSERT_EQ(plan_count(p, PL_STEP_NGINX), 0, "no pod runs nginx");
	plan_done(p, t);
}
