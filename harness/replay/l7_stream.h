/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP request heads assembled from a capture's TCP segments, per connection,
 * in sequence order: what the proxy would have read before deciding. A head
 * is cut at PL_L7_HEAD_MAX bytes (the proxy's own limit is larger; a head
 * this long in a test capture is an error to report, not to model).
 */
#ifndef PL_L7_STREAM_H
#define PL_L7_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/http.h"

#define PL_L7_HEAD_MAX	  8192
#define PL_L7_STREAMS_MAX 256 /* heads under way at once; the least recently fed goes first */

/* One direction of one connection: addresses (either family, as 16 bytes) and ports. */
struct pl_l7_flow {
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
};

/* One TCP segment of a flow (seq and flags from the decoder, payload after the header). */
struct pl_l7_segment {
	uint32_t seq;
	uint8_t flags; /* TH_SYN, TH_FIN, TH_RST as in the TCP header */
	const uint8_t *data;
	size_t len;
};

enum pl_l7_state {
	PL_L7_NONE,   /* no request head here (a handshake, a body, not HTTP) */
	PL_L7_MORE,   /* a head under way: held bytes so far, the rest still to come */
	PL_L7_HEAD,   /* a head completed by this segment: head, segments */
	PL_L7_BROKEN, /* the bytes so far are not a request, or the head is too long: why */
};

struct pl_l7_feed {
	enum pl_l7_state state;
	struct pl_http_head head; /* PL_L7_HEAD */
	unsigned int segments;	  /* PL_L7_HEAD: segments the head came in */
	size_t held;		  /* PL_L7_MORE: bytes of it in sequence so far */
	const char *why;	  /* PL_L7_BROKEN */
};

struct pl_l7_streams;

struct pl_l7_streams *pl_l7_streams_new(void);
void pl_l7_streams_free(struct pl_l7_streams *s);
/* Feeds one segment sent to a proxied port; what it makes of the flow's head is in *out. */
void pl_l7_stream_feed(struct pl_l7_streams *s, const struct pl_l7_flow *f,
		       const struct pl_l7_segment *seg, struct pl_l7_feed *out);

#endif /* PL_L7_STREAM_H */
