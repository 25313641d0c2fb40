// SPDX-License-Identifier: GPL-2.0
/* Replay inputs: pcap files (any supported link type) and inline packet specs. */
#include <errno.h>
#include <limits.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"
#include "pcap/pcap_spec.h"
#include "replay/capture.h"
#include "replay/replay_input.h"

static int add(struct pl_replay_pkts *pk, uint32_t number, const char *input, const uint8_t *data,
	       size_t len, const char *skip)
{
	struct pl_replay_pkt *p;

	if (pk->n == pk->cap) {
		int cap = pk->cap ? pk->cap * 2 : 64;

		p = realloc(pk->p, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		pk->p = p;
		pk->cap = cap;
	}
	p = &pk->p[pk->n];
	memset(p, 0, sizeof(*p));
	p->data = malloc(len ?: 1);
	if (!p->data)
		return -ENOMEM;
	memcpy(p->data, data, len);
	p->len = (uint32_t)len;
	p->number = number;
	p->input = input;
	p->skip = skip ? strdup(skip) : NULL;
	pk->n++;
	return 0;
}

/*
 * A frame longer than the link allows is what GRO, GSO or BIG TCP made of
 * several: TCP is split back into what went on the wire; anything else up to
 * PL_PKT_MAX is replayed as it is, and beyond that kept as a skipped packet
 * with the reason, never a rejected file.
 */
static int add_oversized(struct pl_replay_pkts *pk, const char *file, const struct pl_pcap_pkt *pkt,
			 unsigned mtu)
{
	struct pl_pkt_segs segs;
	char why[128];
	int i, err;

	err = pl_pkt_segment(pkt->data, pkt->len, mtu, &segs);
	if (err == -ENOMEM)
		return err;
	if (err && pkt->len <= PL_PKT_MAX) /* not TCP: a jumbo frame, replayed as it is */
		return add(pk, (uint32_t)pkt->number, file, pkt->data, pkt->len, NULL);
	if (err) {
		snprintf(why, sizeof(why), "%zu bytes, more than podlab replays (%d), and %s",
			 pkt->len, PL_PKT_MAX,
			 err == -EPROTONOSUPPORT ? "not a TCP segment it could split"
						 : "its TCP header does not parse");
		return add(pk, (uint32_t)pkt->number, file, pkt->data, PL_PKT_MAX, why);
	}
	for (i = 0; i < segs.n && !err; i++) {
		err = add(pk, (uint32_t)pkt->number, file, segs.buf + segs.off[i], segs.len[i],
			  NULL);
		if (!err) {
			pk->p[pk->n - 1].seg = (uint16_t)(i + 1);
			pk->p[pk->n - 1].nseg = (uint16_t)segs.n;
			pk->p[pk->n - 1].ts_ns = pkt->ts_ns;
		}
	}
	pl_pkt_segs_free(&segs);
	return err;
}

/*
 * `tcpdump -i any` on a node sees a forwarded packet on every interface it
 * crosses: in on a pod's veth, out on the uplink. Such a repeat (the same IP
 * packet but for TTL and checksum, VXLAN's inner one included, within
 * REPEAT_NS on another interface) is listed as skipped: the packet is
 * replayed once, where it first appeared.
 */
#define REPEAT_RING 64
#define REPEAT_NS   100000000ull /* 100 ms */

struct seen {
	uint64_t key, ts_ns;
	uint32_t ifindex, number;
};

struct repeats {
	struct seen ring[REPEAT_RING];
	unsigned next;
};

/* FNV-1a over the IP packet's first bytes with TTL / hop limit and IPv4 checksum left out. */
static uint64_t repeat_key(const uint8_t *f, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	struct pl_pkt_info info;
	const uint8_t *ip;
	size_t n, i;
	bool v4;

	if (pl_pkt_parse(f, len, &info) || !info.l3_off)
		return 0;
	if (info.vxlan && info.inner_off < len) {
		f += info.inner_off;
		len -= info.inner_off;
		if (pl_pkt_parse(f, len, &info) || !info.l3_off)
			return 0;
	}
	ip = f + info.l3_off;
	n = len - info.l3_off < 96 ? len - info.l3_off : 96;
	v4 = ip[0] >> 4 == 4;
	for (i = 0; i < n; i++) {
		if ((v4 && (i == 8 || i == 10 || i == 11)) || (!v4 && i == 7))
			continue;
		h = (h ^ ip[i]) * 1099511628211ull;
	}
	return h ? h : 1;
}

static uint32_t repeat_of(struct repeats *rp, const struct pl_pcap_pkt *pkt, uint32_t *ifindex)
{
	uint64_t key;
	unsigned i;

	if (!pkt->ifindex || pkt->skip)
		return 0;
	key = repeat_key(pkt->data, pkt->len);
	if (!key)
		return 0;
	for (i = 0; i < REPEAT_RING; i++) {
		struct seen *s = &rp->ring[i];

		if (s->key == key && s->ifindex != pkt->ifindex && pkt->ts_ns >= s->ts_ns &&
		    pkt->ts_ns - s->ts_ns <= REPEAT_NS) {
			*ifindex = s->ifindex;
			return s->number;
		}
	}
	rp->ring[rp->next++ % REPEAT_RING] =
		(struct seen){key, pkt->ts_ns, pkt->ifindex, (uint32_t)pkt->number};
	return 0;
}

/* An open capture read a chunk at a time; repeats are matched across chunks. */
struct pl_replay_reader {
	struct pl_pcap_reader *r;
	const char *file;
	struct repeats seen;
};

int pl_replay_reader_open(const char *file, const char *filter, struct pl_replay_reader **out)
{
	struct pl_replay_reader *rd;
	char err[512];

	*out = NULL;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->file = file;
	rd->r = pl_pcap_open(file, err, sizeof(err));
	if (!rd->r) {
		fprintf(stderr, "%s\n", err);
		free(rd);
		return -EINVAL;
	}
	if (filter && pl_pcap_set_filter(rd->r, filter, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", file, err);
		pl_replay_reader_close(rd);
		return -EINVAL;
	}
	*out = rd;
	return 0;
}

int pl_replay_reader_next(struct pl_replay_reader *rd, struct pl_replay_pkts *pk, int max)
{
	unsigned mtu = pk->segment_mtu ? pk->segment_mtu : PL_REPLAY_SEGMENT_MTU;
	const char *file = rd->file;
	struct pl_pcap_pkt pkt;
	char why[160];
	int rc = 0, ret, records = 0;

	while (records < max && (rc = pl_pcap_next(rd->r, &pkt)) == 1) {
		uint32_t first_if = 0, first = repeat_of(&rd->seen, &pkt, &first_if);

		records++;
		if (first) {
			snprintf(why, sizeof(why),
				 "packet %u again, seen on interface %u before this one on %u: "
				 "forwarded, replayed once",
				 first, first_if, pkt.ifindex);
			ret = add(pk, (uint32_t)pkt.number, file, pkt.data,
				  pkt.len < PL_PKT_MAX ? pkt.len : PL_PKT_MAX, why);
			if (ret)
				return ret;
			pk->p[pk->n - 1].ts_ns = pkt.ts_ns;
			continue;
		}
		ret = pkt.len > mtu + ETH_HLEN && !pkt.skip
			      ? add_oversized(pk, file, &pkt, mtu)
			      : add(pk, (uint32_t)pkt.number, file, pkt.data, pkt.len, pkt.skip);
		if (ret)
			return ret;
		pk->p[pk->n - 1].ts_ns = pkt.ts_ns;
	}
	if (records == max)
		return 1;
	if (rc < 0) {
		fprintf(stderr, "%s\n", pl_pcap_error(rd->r));
		return -EINVAL;
	}
	return 0;
}

void pl_replay_reader_close(struct pl_replay_reader *rd)
{
	if (!rd)
		return;
	pl_pcap_close(rd->r);
	free(rd);
}

int pl_replay_pkts_load_pcap(struct pl_replay_pkts *pk, const char *file, const char *filter)
{
	struct pl_replay_reader *rd;
	int ret;

	ret = pl_replay_reader_open(file, filter, &rd);
	if (ret)
		return ret;
	ret = pl_replay_reader_next(rd, pk, INT_MAX);
	pl_replay_reader_close(rd);
	return ret < 0 ? ret : 0;
}

int pl_replay_pkts_load_spec(struct pl_replay_pkts *pk, const char *name, int line1, int col1,
			     const char *text, const char *filter)
{
	unsigned int line, col;
	int used = 0;
	struct pl_filter *f = NULL;
	struct pl_spec spec;
	char err[512];
	size_t i;
	int ret;

	if (filter && pl_filter_compile(filter, &f, err, sizeof(err))) {
		fprintf(stderr, "%s: filter '%s': %s\n", name, filter, err);
		return -EINVAL;
	}
	ret = pl_spec_parse(text, strlen(text), "spec", &spec, err, sizeof(err));
	if (ret) {
		if (sscanf(err, "spec:%u:%u: %n", &line, &col, &used) == 2 && used)
			fprintf(stderr, "%s:%u:%u: %s\n", name, line + line1 - 1, col + col1 - 1,
				err + used);
		else
			fprintf(stderr, "%s: inline packets: %s\n", name, err);
		pl_filter_free(f);
		return -EINVAL;
	}
	for (i = 0; i < spec.n && !ret; i++) {
		if (f && !pl_filter_match(f, spec.frames[i].data, spec.frames[i].len))
			continue;
		ret = add(pk, (uint32_t)(i + 1), "inline", spec.frames[i].data, spec.frames[i].len,
			  NULL);
	}
	pl_spec_free(&spec);
	pl_filter_free(f);
	return ret;
}

void pl_replay_pkts_clear(struct pl_replay_pkts *pk)
{
	int i;

	for (i = 0; i < pk->n; i++) {
		free(pk->p[i].data);
		free((char *)pk->p[i].skip);
	}
	pk->n = 0;
}

void pl_replay_pkts_free(struct pl_replay_pkts *pk)
{
	pl_replay_pkts_clear(pk);
	free(pk->p);
	pk->p = NULL;
	pk->cap = 0;
}
