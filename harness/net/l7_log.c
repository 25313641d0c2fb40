// SPDX-License-Identifier: GPL-2.0
/*
 * The proxies' httplog lines as records: who asked what of which pod, what
 * the proxy answered and when, so `podlab observe` merges them with the
 * datapath's flow events in time order and writes them as JSON.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/escape.h"
#include "lib/pkt.h"
#include "net/l7_log.h"
#include "net/l7_proxy.h"

int pl_l7_log_parse(const char *node, const char *line, struct pl_l7_log *out)
{
	char client[64], when[64], srv[128], *colon, *q1, *q2, req[256];
	int tr, tw, tc, trr, ta, ms = 0, used = 0;
	unsigned long port;
	struct tm tm = {0};
	struct in_addr a;
	const char *rest;
	time_t secs;

	memset(out, 0, sizeof(*out));
	if (sscanf(line, "%63s [%63[^]]] %47s %127s %d/%d/%d/%d/%d %d %ld%n", client, when,
		   out->frontend, srv, &tr, &tw, &tc, &trr, &ta, &out->status, &out->bytes,
		   &used) != 11)
		return -EINVAL;
	colon = strrchr(client, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	port = strtoul(colon + 1, NULL, 10);
	if (inet_pton(AF_INET, client, &a) != 1 || port > 65535)
		return -EINVAL;
	out->client_ip = a.s_addr;
	out->client_port = (uint16_t)port;
	/* haproxy writes its local time: "07/Dec/2026:12:17:10.852" */
	rest = strptime(when, "%d/%b/%Y:%H:%M:%S", &tm);
	if (!rest || (*rest && sscanf(rest, ".%d", &ms) != 1))
		return -EINVAL;
	tm.tm_isdst = -1;
	secs = mktime(&tm);
	out->real_ns = (int64_t)secs * 1000000000LL + (int64_t)ms * 1000000LL;
	snprintf(out->server, sizeof(out->server), "%.63s",
		 strchr(srv, '/') ? strchr(srv, '/') + 1 : srv);
	out->total_ms = ta;
	snprintf(out->node, sizeof(out->node), "%s", node);
	q1 = strchr(line + used, '"');
	q2 = q1 ? strrchr(q1 + 1, '"') : NULL;
	if (q1 && q2 && q2 > q1 + 1) {
		snprintf(req, sizeof(req), "%.*s", (int)(q2 - q1 - 1), q1 + 1);
		if (sscanf(req, "%15s %159s %11s", out->method, out->path, out->version) < 2)
			out->method[0] = out->path[0] = '\0';
	}
	return 0;
}

struct logs {
	struct pl_l7_log *v;
	int n, cap;
	int err;
};

static void add_line(void *ctx, const char *node, const char *line)
{
	struct logs *l = ctx;
	struct pl_l7_log *grown;

	if (l->n == l->cap) {
		grown = realloc(l->v, (size_t)(l->cap * 2 + 16) * sizeof(*grown));
		if (!grown) {
			l->err = -ENOMEM;
			return;
		}
		l->v = grown;
		l->cap = l->cap * 2 + 16;
	}
	if (!pl_l7_log_parse(node, line, &l->v[l->n]))
		l->n++;
}

static int by_time(const void *a, const void *b)
{
	const struct pl_l7_log *x = a, *y = b;

	return x->real_ns < y->real_ns ? -1 : x->real_ns > y->real_ns;
}

int pl_l7_logs_read(const char *dir, struct pl_l7_log **out, int *n)
{
	struct logs l = {0};
	int err;

	*out = NULL;
	*n = 0;
	err = pl_l7_each_line(dir, add_line, &l);
	if (err < 0 || l.err) {
		free(l.v);
		return err < 0 ? err : l.err;
	}
	qsort(l.v, (size_t)l.n, sizeof(*l.v), by_time);
	*out = l.v;
	*n = l.n;
	return 0;
}

/* The pod a frontend ("backend_80") proxies, and its port. */
static int frontend_pod(const struct topo *t, const char *fe, unsigned *port)
{
	const char *us = strrchr(fe, '_');
	char name[48];

	*port = 0;
	if (!us)
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(us - fe), fe);
	*port = (unsigned)strtoul(us + 1, NULL, 10);
	return pl_topo_pod_by_name(t, name);
}

static bool denied(const struct pl_l7_log *l)
{
	return l->status == 403 && !strcmp(l->server, "<NOSRV>");
}

static void when_str(int64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%b %d %H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03d", (int)(ns / 1000000 % 1000));
}

void pl_l7_log_print(FILE *f, const struct topo *t, const struct pl_l7_log *l)
{
	int src = pl_topo_pod_by_ip(t, l->client_ip);
	char when[48], a[INET_ADDRSTRLEN];
	unsigned port;
	int dst = frontend_pod(t, l->frontend, &port);

	when_str(l->real_ns, when, sizeof(when));
	fprintf(f, "%s %-8s L7 %s:%u -> %s:%u %s %s %s -> ", when, l->node,
		src >= 0 ? t->pods[src].name : pl_ip4_str(l->client_ip, a), l->client_port,
		dst >= 0 ? t->pods[dst].name : l->frontend, port, l->version, l->method, l->path);
	if (denied(l))
		fprintf(f, "DENIED (403) by the proxy's http rules\n");
	else
		fprintf(f, "%d (%d ms)\n", l->status, l->total_ms);
}

void pl_l7_log_json(FILE *f, const struct topo *t, const struct pl_l7_log *l)
{
	int src = pl_topo_pod_by_ip(t, l->client_ip);
	char a[INET_ADDRSTRLEN];
	unsigned port;
	int dst = frontend_pod(t, l->frontend, &port);

	fprintf(f, "{\"l7\":{\"time_ns\":%lld,\"node\":", (long long)l->real_ns);
	pl_json_string(f, l->node);
	fprintf(f, ",\"src\":");
	pl_json_string(f, src >= 0 ? t->pods[src].name : "");
	fprintf(f, ",\"src_ip\":\"%s\",\"src_port\":%u,\"dst\":", pl_ip4_str(l->client_ip, a),
		l->client_port);
	pl_json_string(f, dst >= 0 ? t->pods[dst].name : "");
	fprintf(f, ",\"dst_port\":%u,\"method\":", port);
	pl_json_string(f, l->method);
	fprintf(f, ",\"path\":");
	pl_json_string(f, l->path);
	fprintf(f, ",\"version\":");
	pl_json_string(f, l->version);
	fprintf(f, ",\"status\":%d,\"verdict\":\"%s\",\"duration_ms\":%d,\"bytes\":%ld}}\n",
		l->status, denied(l) ? "denied" : "allowed", l->total_ms, l->bytes);
}
