// SPDX-License-Identifier: GPL-2.0
/* Flow events of a running topology, read through the run's collector (net/collector.h). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "net/collector.h"
#include "probe/check.h"

#define CE_MAX_EVENTS 65536

struct ce_event {
	struct pl_flow_event ev;
	int node;
};

struct check_events {
	struct pl_evbus bus; /* the run's collector: other readers see these events too */
	pthread_mutex_t lock;
	struct ce_event *ev; /* a ring of the newest CE_MAX_EVENTS */
	size_t nev;
};

/* Everything committed before now, into ce's own ring (under ce->lock). */
static void ce_drain(struct check_events *ce)
{
	struct pl_flow_event ev;
	uint32_t node;

	if (pl_evbus_sync(&ce->bus, 1000))
		pl_debug("the flow-event collector is behind: newest events may be missing");
	while (pl_evbus_next(&ce->bus, &node, &ev) > 0) {
		struct ce_event *e = &ce->ev[ce->nev++ % CE_MAX_EVENTS];

		e->ev = ev;
		e->node = (int)node;
	}
}

int pl_check_events_open(const char *run, const struct topo *t, struct check_events **out)
{
	struct check_events *ce;
	int err;

	ce = calloc(1, sizeof(*ce));
	if (!ce)
		return -ENOMEM;
	pthread_mutex_init(&ce->lock, NULL);
	ce->ev = calloc(CE_MAX_EVENTS, sizeof(*ce->ev));
	if (!ce->ev) {
		err = -ENOMEM;
		goto err_out;
	}
	/* From the ring's head: what earlier runs left is not this check's evidence. */
	err = pl_collector_attach(run, t, false, &ce->bus);
	if (err) {
		if (err != -ENOENT)
			pl_err_errno(err, "attaching to the flow-event collector of run %s", run);
		goto err_out;
	}
	*out = ce;
	return 0;
err_out:
	pl_check_events_close(ce);
	return err;
}

void pl_check_events_close(struct check_events *ce)
{
	if (!ce)
		return;
	pl_evbus_close(&ce->bus);
	pthread_mutex_destroy(&ce->lock);
	free(ce->ev);
	free(ce);
}

static bool drop_matches(const struct pl_flow_event *e, uint32_t saddr, uint32_t saddr_alt,
			 uint32_t daddr, uint8_t proto, uint16_t dport, bool reply)
{
	if (e->verdict != PL_VERDICT_DROPPED || e->proto != proto)
		return false;
	if (reply) {
		if (e->saddr != daddr || (e->daddr != saddr && e->daddr != saddr_alt))
			return false;
		return !dport || proto == IPPROTO_ICMP || e->sport == htons(dport);
	}
	if (e->daddr != daddr || (e->saddr != saddr && e->saddr != saddr_alt))
		return false;
	return !dport || proto == IPPROTO_ICMP || e->dport == htons(dport);
}

static bool drop_matches6(const struct pl_flow_event *e, const uint8_t *saddr6,
			  const uint8_t *daddr6, uint8_t proto, uint16_t dport, bool reply)
{
	if (e->verdict != PL_VERDICT_DROPPED || e->proto != proto || !(e->flags & PL_EV_F_IPV6))
		return false;
	if (memcmp(e->saddr6, reply ? daddr6 : saddr6, 16) ||
	    memcmp(e->daddr6, reply ? saddr6 : daddr6, 16))
		return false;
	return !dport || proto == IPPROTO_ICMPV6 || (reply ? e->sport : e->dport) == htons(dport);
}

/* Newest matching drop since since_ns: the probe's own packets first, then its replies. */
static bool find_drop(struct check_events *ce, uint64_t since_ns, uint32_t saddr,
		      uint32_t saddr_alt, uint32_t daddr, const uint8_t *saddr6,
		      const uint8_t *daddr6, uint8_t proto, uint16_t dport,
		      struct pl_flow_event *ev, int *node, bool *reply)
{
	size_t i, first;
	bool found = false, m;
	int pass;

	if (!ce)
		return false;
	pthread_mutex_lock(&ce->lock);
	ce_drain(ce);
	first = ce->nev > CE_MAX_EVENTS ? ce->nev - CE_MAX_EVENTS : 0;
	/* The probe's own packets first, then its replies. */
	for (pass = 0; pass < 2 && !found; pass++) {
		for (i = ce->nev; i-- > first;) {
			const struct ce_event *e = &ce->ev[i % CE_MAX_EVENTS];

			/* Rings are drained one after the other: not time ordered across nodes. */
			if (e->ev.ts_ns < since_ns)
				continue;
			m = saddr6 ? drop_matches6(&e->ev, saddr6, daddr6, proto, dport, pass)
				   : drop_matches(&e->ev, saddr, saddr_alt, daddr, proto, dport,
						  pass);
			if (!m)
				continue;
			*ev = e->ev;
			*node = e->node;
			*reply = pass;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&ce->lock);
	return found;
}

bool pl_check_events_find_drop(struct check_events *ce, uint64_t since_ns, uint32_t saddr,
			       uint32_t saddr_alt, uint32_t daddr, uint8_t proto, uint16_t dport,
			       struct pl_flow_event *ev, int *node, bool *reply)
{
	return find_drop(ce, since_ns, saddr, saddr_alt, daddr, NULL, NULL, proto, dport, ev, node,
			 reply);
}

bool pl_check_events_find_drop6(struct check_events *ce, uint64_t since_ns, const uint8_t *saddr6,
				const uint8_t *daddr6, uint8_t proto, uint16_t dport,
				struct pl_flow_event *ev, int *node, bool *reply)
{
	return find_drop(ce, since_ns, 0, 0, 0, saddr6, daddr6, proto, dport, ev, node, reply);
}

int pl_check_events_unattributed(struct check_events *ce, struct pl_check_unattr *out, int max)
{
	size_t i, first;
	int k, n = 0;

	if (!ce)
		return 0;
	pthread_mutex_lock(&ce->lock);
	ce_drain(ce);
	first = ce->nev > CE_MAX_EVENTS ? ce->nev - CE_MAX_EVENTS : 0;
	for (i = first; i < ce->nev; i++) {
		const struct ce_event *e = &ce->ev[i % CE_MAX_EVENTS];

		/* A drop before the parser found addresses cannot be tied to a probe. */
		if (e->ev.verdict != PL_VERDICT_DROPPED || e->ev.saddr || e->ev.daddr ||
		    (e->ev.flags & PL_EV_F_IPV6))
			continue;
		for (k = 0; k < n; k++)
			if (out[k].node == e->node && out[k].prog == e->ev.prog &&
			    out[k].reason == e->ev.drop_reason)
				break;
		if (k == n) {
			if (n == max)
				continue;
			out[n++] = (struct pl_check_unattr){
				.node = e->node, .prog = e->ev.prog, .reason = e->ev.drop_reason};
		}
		out[k].count++;
	}
	pthread_mutex_unlock(&ce->lock);
	return n;
}
