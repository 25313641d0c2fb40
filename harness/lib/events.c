// SPDX-License-Identifier: GPL-2.0
/* Flow event names and the one-line Hubble-like text of an event. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"
#include "lib/datapath.h"

struct name {
	unsigned id;
	const char *name;
	const char *text;
};

/* The tables come from bpf/podlab_names.h, the one list both sides compile. */
#define ROW(name, value, text) {value, #name, text},
static const struct name drop_reasons[] = {PL_DROP_REASON_LIST(ROW)};
static const struct name obs_points[] = {PL_OBS_POINT_LIST(ROW)};
static const struct name verdicts[] = {PL_VERDICT_LIST(ROW)};
static const struct name notes[] = {PL_NOTE_LIST(ROW)};
static const struct name redirects[] = {PL_REDIRECT_LIST(ROW)};
#undef ROW

static const struct name *find(const struct name *t, size_t n, unsigned id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

#define FIND(t, id) find(t, sizeof(t) / sizeof(t[0]), id)

const char *pl_drop_reason_str(unsigned reason)
{
	const struct name *n = FIND(drop_reasons, reason);

	return n ? n->text : "Unknown drop reason";
}

const char *pl_drop_reason_name(unsigned reason)
{
	const struct name *n = FIND(drop_reasons, reason);

	return n ? n->name : "UNKNOWN_REASON";
}

const char *pl_obs_point_name(unsigned point)
{
	const struct name *n = FIND(obs_points, point);

	return n ? n->name : "UNKNOWN_POINT";
}

const char *pl_verdict_name(unsigned verdict)
{
	const struct name *n = FIND(verdicts, verdict);

	return n ? n->name : "VERDICT_UNKNOWN";
}

const char *pl_note_name(unsigned note)
{
	const struct name *n = FIND(notes, note);

	return n ? n->name : "UNKNOWN_NOTE";
}

const char *pl_redirect_name(unsigned redirect)
{
	const struct name *n = FIND(redirects, redirect);

	return n ? n->text : "unknown";
}

#define ROW(name, value, text, desc) {value, text, desc},
static const struct name routing_modes[] = {PL_ROUTING_MODE_LIST(ROW)};
#undef ROW

const char *pl_routing_mode_name(unsigned mode)
{
	const struct name *n = FIND(routing_modes, mode);

	return n ? n->name : "?";
}

const char *pl_routing_mode_desc(unsigned mode)
{
	const struct name *n = FIND(routing_modes, mode);

	return n ? n->text : "?";
}

int pl_routing_mode_by_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(routing_modes) / sizeof(routing_modes[0]); i++)
		if (!strcmp(routing_modes[i].name, name))
			return (int)routing_modes[i].id;
	return -1;
}

const char *pl_routing_mode_names(void)
{
	static char buf[128];
	size_t i, n = sizeof(routing_modes) / sizeof(routing_modes[0]), off = 0;

	for (i = 0; i < n && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				!i	    ? ""
				: i + 1 < n ? ", "
					    : " or ",
				routing_modes[i].name);
	return buf;
}

/* " DNAT A:P -> B:Q", " SNAT A:P -> B:Q" or " RNAT A:P -> B:Q" (both for DNAT+SNAT), "" if none. */
int pl_event_nat_str(const struct pl_flow_event *ev, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int w = 0, x;

	buf[0] = '\0';
	if (!(ev->flags & PL_EV_F_IPV4))
		return 0;
	if (ev->flags & PL_EV_F_SVC_DNAT) {
		w = snprintf(buf, len, " DNAT %s:%u -> %s:%u", pl_ip4_str(ev->svc_daddr, a),
			     ntohs(ev->svc_dport), pl_ip4_str(ev->daddr, b), ntohs(ev->dport));
		if (w < 0 || (size_t)w >= len)
			return w;
	}
	if (ev->flags & (PL_EV_F_SVC_SNAT | PL_EV_F_SVC_RNAT)) {
		x = snprintf(buf + w, len - w, " %s %s:%u -> %s:%u",
			     ev->flags & PL_EV_F_SVC_SNAT ? "SNAT" : "RNAT",
			     pl_ip4_str(ev->nat_saddr, a), ntohs(ev->nat_sport),
			     pl_ip4_str(ev->saddr, b), ntohs(ev->sport));
		if (x < 0)
			return x;
		w += x;
	}
	/* A SNATed flow's reply also gets its client back as destination. */
	if ((ev->flags & PL_EV_F_SVC_RNAT) && ev->svc_daddr && (size_t)w < len) {
		x = snprintf(buf + w, len - w, " dst %s -> %s", pl_ip4_str(ev->svc_daddr, a),
			     pl_ip4_str(ev->daddr, b));
		if (x < 0)
			return x;
		w += x;
	}
	return w;
}

/*
 * "from_pod FROM_ENDPOINT 10.244.1.10:40000 (id 256) -> 10.244.2.10:80 (id 300) TCP
 *  DROPPED (Policy denied)" and, when forwarded, the note, redirect and tunnel key.
 */
int pl_event_format(const struct pl_flow_event *ev, char *buf, size_t len)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], tun[INET_ADDRSTRLEN];
	const char *prog = pl_prog_name(ev->prog);
	size_t n;
	int w;

	if (ev->flags & PL_EV_F_IPV6) {
		char src6[PL_ADDR_STRLEN], dst6[PL_ADDR_STRLEN];

		pl_addr_str(AF_INET6, ev->saddr6, src6);
		pl_addr_str(AF_INET6, ev->daddr6, dst6);
		w = snprintf(buf, len, "%s %s [%s]:%u (id %u) -> [%s]:%u (id %u) %s %s", prog,
			     pl_obs_point_name(ev->obs_point), src6, ntohs(ev->sport),
			     ev->src_identity, dst6, ntohs(ev->dport), ev->dst_identity,
			     pl_proto_name(ev->proto), pl_verdict_name(ev->verdict));
		goto tail;
	}
	if (!(ev->flags & PL_EV_F_IPV4)) {
		w = snprintf(buf, len, "%s %s ethertype 0x%04x len %u %s", prog,
			     pl_obs_point_name(ev->obs_point), ntohs(ev->eth_proto), ev->pkt_len,
			     pl_verdict_name(ev->verdict));
		goto tail;
	}
	pl_ip4_str(ev->saddr, src);
	pl_ip4_str(ev->daddr, dst);
	w = snprintf(buf, len, "%s %s %s:%u (id %u) -> %s:%u (id %u) %s %s", prog,
		     pl_obs_point_name(ev->obs_point), src, ntohs(ev->sport), ev->src_identity, dst,
		     ntohs(ev->dport), ev->dst_identity, pl_proto_name(ev->proto),
		     pl_verdict_name(ev->verdict));
tail:
	if (w < 0 || (size_t)w >= len)
		return w;
	n = w;
	if (ev->verdict == PL_VERDICT_DROPPED)
		w = snprintf(buf + n, len - n, " (%s)", pl_drop_reason_str(ev->drop_reason));
	else if (ev->note)
		w = snprintf(buf + n, len - n, " (%s)", pl_note_name(ev->note));
	else
		w = 0;
	if (w < 0 || (n += w) >= len)
		return n;
	if (ev->redirect) {
		w = snprintf(buf + n, len - n, " via %s to ifindex %u",
			     pl_redirect_name(ev->redirect), ev->target_ifindex);
		if (w < 0 || (n += w) >= len)
			return n;
	}
	if (ev->tunnel_remote) {
		pl_ip4_str(ev->tunnel_remote, tun);
		w = snprintf(buf + n, len - n, " tunnel %s vni %u", tun, ev->tunnel_vni);
		if (w < 0 || (n += w) >= len)
			return n;
	}
	/* Services: both sides of each translation (Hubble's service fields). */
	w = pl_event_nat_str(ev, buf + n, len - n);
	if (w < 0 || (n += w) >= len)
		return n;
	if (ev->flags & PL_EV_F_CT_UNTRACKED) {
		w = snprintf(buf + n, len - n, " ct-untracked");
		if (w < 0 || (n += w) >= len)
			return n;
	}
	if (ev->fib_rc && ev->verdict == PL_VERDICT_DROPPED) {
		w = snprintf(buf + n, len - n, " fib_rc %u", ev->fib_rc);
		if (w < 0 || (n += w) >= len)
			return n;
	}
	return n;
}
