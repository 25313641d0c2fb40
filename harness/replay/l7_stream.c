// SPDX-License-Identifier: GPL-2.0
/*
 * Request heads from TCP segments. A connection whose SYN the capture holds is
 * followed from its ISN, so a head's segments may come in any order and
 * overlap (retransmissions); one seen without its SYN starts at the first
 * segment that can begin a request. A stream ends with its head, FIN or RST:
 * the next request on the connection starts again at a segment of its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay/l7_stream.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

struct stream {
	struct pl_l7_flow flow;
	uint32_t hash; /* of flow; 0 = slot free */
	bool from_syn; /* base is the ISN + 1: any segment may come first */
	uint32_t base; /* sequence number of buf[0] */
	size_t contig; /* bytes held in sequence from buf[0] */
	unsigned int segments;
	uint64_t fed; /* streams' clock at the last segment: the oldest is evicted */
	uint8_t *buf; /* PL_L7_HEAD_MAX */
	uint8_t have[PL_L7_HEAD_MAX / 8];
};

struct pl_l7_streams {
	struct stream s[PL_L7_STREAMS_MAX];
	uint64_t clock;
};

struct pl_l7_streams *pl_l7_streams_new(void)
{
	return calloc(1, sizeof(struct pl_l7_streams));
}

void pl_l7_streams_free(struct pl_l7_streams *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < PL_L7_STREAMS_MAX; i++)
		free(s->s[i].buf);
	free(s);
}

static uint32_t flow_hash(const struct pl_l7_flow *f)
{
	const uint8_t *p = (const uint8_t *)f;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*f); i++)
		h = (h ^ p[i]) * 16777619u;
	return h ? h : 1;
}

static struct stream *stream_find(struct pl_l7_streams *s, const struct pl_l7_flow *f, uint32_t h)
{
	int i;

	for (i = 0; i < PL_L7_STREAMS_MAX; i++)
		if (s->s[i].hash == h && !memcmp(&s->s[i].flow, f, sizeof(*f)))
			return &s->s[i];
	return NULL;
}

static void stream_drop(struct stream *st)
{
	uint8_t *buf = st->buf;

	memset(st, 0, sizeof(*st));
	st->buf = buf;
}

/* A free slot, else the least recently fed one; NULL only when out of memory. */
static struct stream *stream_take(struct pl_l7_streams *s, const struct pl_l7_flow *f, uint32_t h,
				  uint32_t base, bool from_syn)
{
	struct stream *st = &s->s[0];
	int i;

	for (i = 0; i < PL_L7_STREAMS_MAX && st->hash; i++)
		if (!s->s[i].hash || s->s[i].fed < st->fed)
			st = &s->s[i];
	if (!st->buf && !(st->buf = malloc(PL_L7_HEAD_MAX)))
		return NULL;
	stream_drop(st);
	st->flow = *f;
	st->hash = h;
	st->base = base;
	st->from_syn = from_syn;
	st->fed = s->clock;
	return st;
}

/* Copies the part of seg inside the head's window; whether it held a new byte. */
static bool stream_put(struct stream *st, const struct pl_l7_segment *seg, bool *overflow)
{
	int64_t off = (int32_t)(seg->seq - st->base), from, to, i;
	bool fresh = false;

	from = off < 0 ? 0 : off; /* bytes before the head: the stream before it */
	to = off + (int64_t)seg->len;
	*overflow = to > PL_L7_HEAD_MAX;
	if (to > PL_L7_HEAD_MAX)
		to = PL_L7_HEAD_MAX;
	for (i = from; i < to; i++) {
		if (st->have[i / 8] & (1u << (i % 8)))
			continue;
		st->buf[i] = seg->data[i - off];
		st->have[i / 8] |= (uint8_t)(1u << (i % 8));
		fresh = true;
	}
	while (st->contig < PL_L7_HEAD_MAX && st->have[st->contig / 8] & (1u << (st->contig % 8)))
		st->contig++;
	return fresh;
}

void pl_l7_stream_feed(struct pl_l7_streams *s, const struct pl_l7_flow *f,
		       const struct pl_l7_segment *seg, struct pl_l7_feed *out)
{
	uint32_t h = flow_hash(f);
	struct stream *st = stream_find(s, f, h);
	bool overflow;
	int ret;

	memset(out, 0, sizeof(*out));
	s->clock++;
	if (seg->flags & TCP_RST) {
		if (st)
			stream_drop(st);
		return;
	}
	if (seg->flags & TCP_SYN) { /* data on a SYN (TFO) is not followed */
		if (st)
			stream_drop(st);
		stream_take(s, f, h, seg->seq + 1, true);
		return;
	}
	if (!seg->len) {
		if (st && seg->flags & TCP_FIN)
			stream_drop(st);
		return;
	}
	if (!st) {
		ret = pl_http_parse_request(seg->data, seg->len, &out->head);
		if (ret == -EAGAIN)
			st = stream_take(s, f, h, seg->seq, false);
		if (!ret) {
			out->state = PL_L7_HEAD;
			out->segments = 1;
		} else if (ret == -E2BIG) {
			out->state = PL_L7_BROKEN;
			out->why = "a request field is longer than podlab holds";
		}
		if (ret != -EAGAIN || !st)
			return;
	}
	st->fed = s->clock;
	if (stream_put(st, seg, &overflow))
		st->segments++;
	if (!st->contig) { /* a later part came first */
		out->state = PL_L7_MORE;
		return;
	}
	ret = pl_http_parse_request(st->buf, st->contig, &out->head);
	if (!ret) {
		out->state = PL_L7_HEAD;
		out->segments = st->segments;
	} else if (ret == -EAGAIN && overflow) {
		out->state = PL_L7_BROKEN;
		out->why = "the request head is longer than podlab assembles (8192 bytes)";
	} else if (ret == -EAGAIN && seg->flags & TCP_FIN) {
		out->state = PL_L7_BROKEN;
		out->why = "the connection closed before the request head ended";
	} else if (ret == -EAGAIN) {
		out->state = PL_L7_MORE;
		out->held = st->contig;
		return;
	} else if (ret == -E2BIG) {
		out->state = PL_L7_BROKEN;
		out->why = "a request field is longer than podlab holds";
	} else if (!st->from_syn || st->segments > 1) {
		out->state = PL_L7_BROKEN;
		out->why = "the segments so far do not make an HTTP request head";
	} /* else: the connection's first bytes are not HTTP: nothing to say */
	stream_drop(st);
}
