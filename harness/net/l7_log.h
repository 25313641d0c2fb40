/* SPDX-License-Identifier: GPL-2.0 */
/* The L7 proxies' request log (HAProxy's httplog lines) as records, in time order. */
#ifndef PL_NET_L7_LOG_H
#define PL_NET_L7_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "topo/topo.h"

struct pl_l7_log {
	char node[32];
	int64_t real_ns; /* wall clock when the proxy accepted the request */
	uint32_t client_ip;
	uint16_t client_port;
	char frontend[48]; /* "backend_80": the proxied pod and port */
	char server[64];   /* "<NOSRV>" when the proxy answered itself (a deny) */
	int status;
	long bytes;
	int total_ms; /* Ta: accept to the last byte of the answer */
	char method[16], path[160], version[12];
};

/*
 * One httplog line (after the syslog prefix): 0 and *out, -EINVAL when it is
 * not one ("10.244.1.10:39664 [07/Dec/2026:12:17:10.852] backend_80
 * backend_80/backend 0/0/0/0/0 200 51 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.0\"").
 */
int pl_l7_log_parse(const char *node, const char *line, struct pl_l7_log *out);
/* Every proxy's log of the run folder dir, oldest first: 0 and *out (free()), or -errno. */
int pl_l7_logs_read(const char *dir, struct pl_l7_log **out, int *n);
/* "Dec 07 12:17:10.852 node2    frontend:39664 -> backend:80 GET /public/a HTTP/1.0 -> 200 (1 ms)"
 */
void pl_l7_log_print(FILE *f, const struct topo *t, const struct pl_l7_log *l);
/* {"l7":{"time":...,"node":...,"client":...,"method":...,"verdict":"allowed"|"denied",...}} */
void pl_l7_log_json(FILE *f, const struct topo *t, const struct pl_l7_log *l);

#endif /* PL_NET_L7_LOG_H */
