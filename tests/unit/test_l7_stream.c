// SPDX-License-Identifier: GPL-2.0
/* Request heads from TCP segments: order, overlap, loss, close, eviction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "replay/l7_stream.h"

#define SYN 0x02
#define FIN 0x01
#define RST 0x04
#define ACK 0x10

#define ISN 0xfffffff0u /* wraps inside the head: sequence arithmetic is mod 2^32 */

struct seg_case {
	uint32_t off; /* from ISN + 1; SYN: ignored */
	uint8_t flags;
	const char *data;
	enum pl_l7_state want;
	unsigned int want_held_or_segs; /* MORE: bytes held; HEAD: segments */
	const char *path;		/* HEAD: the path read */
};

static const struct {
	const char *desc;
	struct seg_case seg[6];
} cases[] = {
	{"three segments in order, the path cut",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /publ", PL_L7_MORE, 9, NULL},
	  {9, ACK, "ic/split.html HTTP/1.1\r\nHost: back", PL_L7_MORE, 43, NULL},
	  {43, ACK, "end\r\n\r\n", PL_L7_HEAD, 3, "/public/split.html"}}},
	{"the second segment first",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {17, ACK, "Host: b\r\n\r\n", PL_L7_MORE, 0, NULL},
	  {0, ACK, "GET /x HTTP/1.1\r\n", PL_L7_HEAD, 2, "/x"}}},
	{"a retransmission that overlaps and adds the end",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /r HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {0, ACK, "GET /r HTTP/1.1\r\nHost: b\r\n\r\n", PL_L7_HEAD, 2, "/r"}}},
	{"a duplicate adds nothing",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /d HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {0, ACK, "GET /d HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {17, ACK, "\r\n", PL_L7_HEAD, 2, "/d"}}},
	{"no SYN in the capture: from the segment that starts a request",
	 {{0, ACK, "GET /n", PL_L7_MORE, 6, NULL},
	  {6, ACK, " HTTP/1.0\r\n\r\n", PL_L7_HEAD, 2, "/n"}}},
	{"a whole head in one segment",
	 {{0, ACK, "GET /one HTTP/1.1\r\n\r\n", PL_L7_HEAD, 1, "/one"}}},
	{"a body segment alone is nothing", {{0, ACK, "name=podlab", PL_L7_NONE, 0, NULL}}},
	{"a lost segment: the head waits, then the FIN ends it",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /l", PL_L7_MORE, 6, NULL},
	  {20, ACK, "\r\n\r\n", PL_L7_MORE, 6, NULL},
	  {24, FIN | ACK, "", PL_L7_NONE, 0, NULL},
	  {6, ACK, " HTTP/1.1\r\n", PL_L7_NONE, 0, NULL}}},
	{"the connection closes inside the head",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /c HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {17, FIN | ACK, "Host: b\r\n", PL_L7_BROKEN, 0, NULL}}},
	{"an RST drops the head under way",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /x HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {17, RST, "", PL_L7_NONE, 0, NULL},
	  {17, ACK, "\r\n", PL_L7_NONE, 0, NULL}}},
	{"a connection whose first bytes are not HTTP",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "\x16\x03\x01\x02\x00", PL_L7_NONE, 0, NULL}}},
	{"a request's beginning that turns into something else",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /a", PL_L7_MORE, 6, NULL},
	  {6, ACK, " SPDY/3\r\n\r\n", PL_L7_BROKEN, 0, NULL}}},
	{"the next request on the connection after a head",
	 {{0, SYN, "", PL_L7_NONE, 0, NULL},
	  {0, ACK, "GET /1 HTTP/1.1\r\n\r\n", PL_L7_HEAD, 1, "/1"},
	  {19, ACK, "GET /2 HTTP/1.1\r\n", PL_L7_MORE, 17, NULL},
	  {36, ACK, "\r\n", PL_L7_HEAD, 2, "/2"}}},
};

static const struct pl_l7_flow flow_a = {
	.saddr = {10, 244, 1, 10}, .daddr = {10, 244, 2, 20}, .sport = 51946, .dport = 80};

static void feed(struct pl_l7_streams *s, const struct pl_l7_flow *f, uint32_t seq, uint8_t flags,
		 const char *data, size_t len, struct pl_l7_feed *out)
{
	struct pl_l7_segment seg = {seq, flags, (const uint8_t *)data, len};

	pl_l7_stream_feed(s, f, &seg, out);
}

PL_TEST(unit, l7_stream_cases)
{
	struct pl_l7_feed out;
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_l7_streams *s = pl_l7_streams_new();

		pl_subtest("%s", cases[i].desc);
		if (!ASSERT_OK_PTR(s, "streams"))
			return;
		for (j = 0; j < 6 && cases[i].seg[j].data; j++) {
			const struct seg_case *c = &cases[i].seg[j];
			uint32_t seq = c->flags & SYN ? ISN : ISN + 1 + c->off;
			char what[32];

			feed(s, &flow_a, seq, c->flags, c->data, strlen(c->data), &out);
			snprintf(what, sizeof(what), "segment %zu state", j + 1);
			if (!ASSERT_EQ(out.state, c->want, what))
				break;
			if (c->want == PL_L7_MORE)
				ASSERT_EQ(out.held, c->want_held_or_segs, "bytes held");
			if (c->want == PL_L7_BROKEN)
				ASSERT_TRUE(out.why && *out.why, "a reason");
			if (c->want != PL_L7_HEAD)
				continue;
			ASSERT_EQ(out.segments, c->want_held_or_segs, "segments");
			ASSERT_STREQ(out.head.path, c->path, "path");
		}
		pl_l7_streams_free(s);
	}
}

PL_TEST(unit, l7_stream_flows_apart)
{
	struct pl_l7_flow b = flow_a;
	struct pl_l7_streams *s = pl_l7_streams_new();
	struct pl_l7_feed out;

	if (!ASSERT_OK_PTR(s, "streams"))
		return;
	b.sport++;
	feed(s, &flow_a, 100, ACK, "GET /a", 6, &out);
	feed(s, &b, 100, ACK, "POST /b", 7, &out);
	feed(s, &b, 107, ACK, " HTTP/1.1\r\n\r\n", 13, &out);
	ASSERT_EQ(out.state, PL_L7_HEAD, "b's head");
	ASSERT_STREQ(out.head.method, "POST", "b's method");
	feed(s, &flow_a, 106, ACK, " HTTP/1.1\r\n\r\n", 13, &out);
	ASSERT_EQ(out.state, PL_L7_HEAD, "a's head");
	ASSERT_STREQ(out.head.path, "/a", "a's path");
	pl_l7_streams_free(s);
}

PL_TEST(unit, l7_stream_limits)
{
	struct pl_l7_streams *s = pl_l7_streams_new();
	struct pl_l7_flow f = flow_a;
	struct pl_l7_feed out;
	char *big = malloc(PL_L7_HEAD_MAX + 16);
	int i;

	if (!ASSERT_OK_PTR(s, "streams") || !ASSERT_OK_PTR(big, "buffer"))
		goto out;
	pl_subtest("a head longer than is assembled");
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', PL_L7_HEAD_MAX + 11);
	feed(s, &f, 1, ACK, big, PL_L7_HEAD_MAX / 2, &out);
	ASSERT_EQ(out.state, PL_L7_MORE, "first half");
	feed(s, &f, 1 + PL_L7_HEAD_MAX / 2, ACK, big + PL_L7_HEAD_MAX / 2, PL_L7_HEAD_MAX / 2 + 16,
	     &out);
	ASSERT_EQ(out.state, PL_L7_BROKEN, "over the limit");
	ASSERT_STRSTR(out.why, "8192", "the limit named");

	pl_subtest("more heads under way than are held: the least recently fed goes");
	for (i = 0; i <= PL_L7_STREAMS_MAX; i++) {
		f.sport = (uint16_t)(1000 + i);
		feed(s, &f, 1, ACK, "GET /e", 6, &out);
	}
	f.sport = 1000; /* evicted: its end alone makes no request */
	feed(s, &f, 7, ACK, " HTTP/1.1\r\n\r\n", 13, &out);
	ASSERT_EQ(out.state, PL_L7_NONE, "the oldest was evicted");
	f.sport = 1001;
	feed(s, &f, 7, ACK, " HTTP/1.1\r\n\r\n", 13, &out);
	ASSERT_EQ(out.state, PL_L7_HEAD, "the next one is still held");
out:
	free(big);
	pl_l7_streams_free(s);
}
