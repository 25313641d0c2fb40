// SPDX-License-Identifier: GPL-2.0
/*
 * L7 results: a packet a hop steered to its node's proxy (note TO_PROXY) that
 * completes an HTTP request head gets the proxy's decision; the head is
 * assembled from the connection's segments before it (l7_stream.c). Unit and sim
 * modes take it from the compiled rules (pl_policy_http_decide, what the
 * proxy's configuration is generated from); live mode asks the proxy: the
 * request is sent again over a real connection from the sending pod, as a
 * packet replayed alone has no connection the proxy would read it on.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http.h"
#include "lib/pkt.h"
#include "plan/plan.h"
#include "probe/nsrun.h"
#include "probe/probe.h"
#include "replay/replay_core.h"
#include "replay/l7_stream.h"
#include "replay/replay_l7.h"
#include "topo/policy_l7.h"

/* above HAProxy's retries to a closed port: 3 × 1 s before its 503 */
#define L7_LIVE_TIMEOUT_MS 10000

int pl_replay_l7_open(struct pl_replay *rp)
{
	struct topo_pos bad;
	int err;

	rp->l7 = calloc(1, sizeof(*rp->l7));
	if (!rp->l7)
		return -ENOMEM;
	err = pl_policy_proxies(rp->t, rp->l7, &bad);
	if (!err && rp->l7->n && !(rp->l7_streams = pl_l7_streams_new()))
		err = -ENOMEM;
	if (err)
		pl_replay_l7_close(rp);
	return err;
}

void pl_replay_l7_close(struct pl_replay *rp)
{
	pl_l7_streams_free(rp->l7_streams);
	rp->l7_streams = NULL;
	if (!rp->l7)
		return;
	pl_policy_proxies_free(rp->l7);
	free(rp->l7);
	rp->l7 = NULL;
}

/* The compiled rules' decision (unit and sim). */
static void decide(const struct pl_replay *rp, struct pl_result *res, const struct pl_http_head *h)
{
	const struct topo *t = rp->t;
	struct pl_l7_result *l = &res->l7;
	const struct policy_proxy *px;
	const char *names[PL_HTTP_MAX_HEADERS], *values[PL_HTTP_MAX_HEADERS];
	struct pl_http_req req = {.method = h->method,
				  .path = h->path,
				  .host = h->host[0] ? h->host : NULL,
				  .hdr_name = names,
				  .hdr_value = values,
				  .nheaders = h->nheaders};
	int src = pl_topo_pod_by_ip(t, res->in_saddr), dst = pl_topo_pod_by_ip(t, res->in_daddr);
	int i, rule, http, ret;

	for (i = 0; i < h->nheaders; i++) {
		names[i] = h->name[i];
		values[i] = h->value[i];
	}
	px = dst >= 0 ? pl_policy_proxy_find(rp->l7, dst, res->in_dport) : NULL;
	if (!px || src < 0) {
		snprintf(l->why, sizeof(l->why), "%s",
			 !px ? "no http rules for this pod and port" : "the sender is not a pod");
		return;
	}
	ret = pl_policy_http_decide(t, px, src, &req, &rule, &http);
	if (ret < 0) {
		snprintf(l->why, sizeof(l->why), "matching the request: %s", strerror(-ret));
		return;
	}
	l->allowed = (int8_t)ret;
	if (ret)
		pl_policy_proxy_rule_str(t, px, rule, http, l->rule, sizeof(l->rule));
}

/* Live: the status the proxy answers the request with, sent again from the source pod. */
static void ask(const struct pl_replay *rp, struct pl_result *res, const struct pl_http_head *h)
{
	const char *names[PL_HTTP_MAX_HEADERS], *values[PL_HTTP_MAX_HEADERS];
	struct pl_probe_http q = {.dst_ip = res->in_daddr,
				  .dport = res->in_dport,
				  .method = h->method,
				  .path = h->path,
				  .host = h->host[0] ? h->host : NULL,
				  .hdr_name = names,
				  .hdr_value = values,
				  .nheaders = h->nheaders,
				  .timeout_ms = L7_LIVE_TIMEOUT_MS};
	struct pl_l7_result *l = &res->l7;
	int src = pl_topo_pod_by_ip(rp->t, res->in_saddr), i, code;
	struct pl_probe_result pr;
	char ns[PL_NETNS_NAME_MAX];

	if (src < 0) {
		snprintf(l->why, sizeof(l->why),
			 "live mode asks from a pod: the sender is not one");
		return;
	}
	for (i = 0; i < h->nheaders; i++) {
		names[i] = h->name[i];
		values[i] = h->value[i];
	}
	pl_netns_name(rp->run, rp->t->pods[src].name, ns, sizeof(ns));
	q.src_netns = ns;
	code = pl_probe_http(&q, &pr);
	if (code < 0) {
		snprintf(l->why, sizeof(l->why), "asking the proxy from %s: %s",
			 rp->t->pods[src].name,
			 code == -EPROTO ? "no HTTP status came back" : strerror(-code));
		return;
	}
	l->status = (uint16_t)code;
	l->allowed = code != 403; /* the proxy's deny; any other answer came from behind it */
}

/* The segment's part in its connection's request head. */
static void feed(const struct pl_replay *rp, const uint8_t *frame, const struct pl_pkt_info *info,
		 struct pl_l7_feed *out)
{
	struct pl_l7_flow f = {.sport = info->sport, .dport = info->dport};
	struct pl_l7_segment seg = {.seq = info->seq,
				    .flags = info->tcp_flags,
				    .data = frame + info->l4_off + info->l4_hlen,
				    .len = info->l4_len - info->l4_hlen};

	memcpy(f.saddr, info->src.v6, info->ipv4 ? 4 : 16);
	memcpy(f.daddr, info->dst.v6, info->ipv4 ? 4 : 16);
	pl_l7_stream_feed(rp->l7_streams, &f, &seg, out);
}

void pl_replay_l7(const struct pl_replay *rp, struct pl_result *res)
{
	struct pl_l7_result *l = &res->l7;
	const struct pl_http_head *h;
	const uint8_t *frame;
	struct pl_pkt_info info;
	struct pl_l7_feed fd;
	int i;

	memset(l, 0, sizeof(*l));
	if (res->status != PL_RES_OK || !rp->l7 || !rp->l7->n || !rp->l7_streams)
		return;
	for (i = 0; i < res->nhops && res->hops[i].note != PL_NOTE_TO_PROXY; i++)
		;
	if (i == res->nhops || !res->in)
		return;
	l->to_proxy = true;
	l->allowed = -1;
	frame = pl_replay_inner(res->in, res->in_len, &info);
	if (!info.ipv4 || info.proto != IPPROTO_TCP || !info.has_l4)
		return;
	feed(rp, frame, &info, &fd);
	if (fd.state == PL_L7_MORE) {
		l->partial = true;
		l->held = (uint16_t)fd.held;
		return;
	}
	if (fd.state == PL_L7_BROKEN)
		snprintf(l->why, sizeof(l->why), "%s", fd.why);
	if (fd.state != PL_L7_HEAD)
		return; /* a handshake, a body, bytes that are not HTTP: nothing to decide */
	h = &fd.head;
	l->request = true;
	l->segments = (uint16_t)fd.segments;
	snprintf(l->method, sizeof(l->method), "%s", h->method);
	snprintf(l->path, sizeof(l->path), "%.127s", h->path);
	snprintf(l->host, sizeof(l->host), "%.63s", h->host);
	if (rp->opts.mode == PL_MODE_LIVE)
		ask(rp, res, h);
	else
		decide(rp, res, h);
}
