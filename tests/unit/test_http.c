// SPDX-License-Identifier: GPL-2.0
/* The HTTP request reader: whole heads, beginnings, other payloads; the spec's http option. */
#include <errno.h>
#include <string.h>

#include "test.h"
#include "lib/http.h"
#include "lib/pkt.h"
#include "pcap/pcap_spec.h"

static const struct {
	const char *desc, *in;
	int ret;
	const char *method, *path, *host;
	int nheaders;
} cases[] = {
	{"curl's GET",
	 "GET /public/index.html HTTP/1.1\r\nHost: backend\r\nUser-Agent: curl/8\r\n"
	 "Accept: */*\r\n\r\n",
	 0, "GET", "/public/index.html", "backend", 2},
	{"POST with its body after the head",
	 "POST /form HTTP/1.1\r\nhost:  api.example \r\nContent-Length: 4\r\n\r\nname", 0, "POST",
	 "/form", "api.example", 1},
	{"HTTP/1.0 without Host, bare LF", "DELETE /x HTTP/1.0\n\n", 0, "DELETE", "/x", "", 0},
	{"a head cut before its blank line", "GET / HTTP/1.1\r\nHost: a\r\n", -EAGAIN, NULL, NULL,
	 NULL, 0},
	{"a request line cut short", "GET /lo", -EAGAIN, NULL, NULL, NULL, 0},
	{"a method only", "POS", -EAGAIN, NULL, NULL, NULL, 0},
	{"a request line cut in its version", "GET /a HTTP/1", -EAGAIN, NULL, NULL, NULL, 0},
	{"a request line cut before its LF", "GET /a HTTP/1.1\r", -EAGAIN, NULL, NULL, NULL, 0},
	{"a body's bytes (no request line can start so)", "name=podlab", -EINVAL, NULL, NULL, NULL,
	 0},
	{"a word then a space then a version's wrong start", "hello world again", -EINVAL, NULL,
	 NULL, NULL, 0},
	{"a word longer than any method", "abcdefghijklmnopqrstuvwxyz", -EINVAL, NULL, NULL, NULL,
	 0},
	{"HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", -EINVAL, NULL, NULL, NULL, 0},
	{"a response, not a request", "HTTP/1.1 200 OK\r\n\r\n", -EINVAL, NULL, NULL, NULL, 0},
	{"TLS bytes", "\x16\x03\x01\x02\x00\x01", -EINVAL, NULL, NULL, NULL, 0},
	{"a header without a colon", "GET / HTTP/1.1\r\nbroken\r\n\r\n", -EINVAL, NULL, NULL, NULL,
	 0},
	{"a method too long to hold", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", -E2BIG, NULL,
	 NULL, NULL, 0},
};

/* Bytes up to the blank line, CRLF or bare LF. */
static size_t head_len(const char *s)
{
	const char *crlf = strstr(s, "\r\n\r\n"), *lf = strstr(s, "\n\n");

	return crlf ? (size_t)(crlf + 4 - s) : (size_t)(lf + 2 - s);
}

PL_TEST(unit, http_parse_request)
{
	struct pl_http_head h;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		ret = pl_http_parse_request((const uint8_t *)cases[i].in, strlen(cases[i].in), &h);
		if (!ASSERT_EQ(ret, cases[i].ret, "result") || ret)
			continue;
		ASSERT_STREQ(h.method, cases[i].method, "method");
		ASSERT_STREQ(h.path, cases[i].path, "path");
		ASSERT_STREQ(h.host, cases[i].host, "host");
		ASSERT_EQ(h.nheaders, cases[i].nheaders, "other headers");
		ASSERT_EQ(h.head_len, head_len(cases[i].in), "head length");
	}
}

PL_TEST(unit, http_spec_option_builds_the_request)
{
	static const char want[] = "POST /public/a HTTP/1.1\r\nHost: api.example\r\n\r\n";
	uint8_t buf[256];
	struct pl_pkt_info info;
	struct pl_http_head h;
	char err[256] = "";
	int n;

	n = pl_spec_parse_packet("tcp 10.244.1.10:4 > 10.244.2.20:80 flags PA http POST /public/a "
				 "host api.example",
				 "t.spec", 1, 1, buf, sizeof(buf), err, sizeof(err));
	if (!ASSERT_GE(n, 0, err))
		return;
	if (!ASSERT_OK(pl_pkt_parse(buf, (size_t)n, &info), "decodes"))
		return;
	ASSERT_EQ(info.l4_len - info.l4_hlen, strlen(want), "payload length");
	ASSERT_MEMEQ(buf + info.l4_off + info.l4_hlen, want, strlen(want), "payload bytes");
	ASSERT_OK(pl_http_parse_request(buf + info.l4_off + info.l4_hlen,
					info.l4_len - info.l4_hlen, &h),
		  "reads back as a request");
	ASSERT_STREQ(h.host, "api.example", "its Host");
}
