// SPDX-License-Identifier: GPL-2.0
/* The proxies' httplog lines as records: an allowed request, a denied one, other lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "test.h"
#include "net/l7_log.h"

PL_TEST(unit, l7_log_parse)
{
	static const char ok[] =
		"10.244.1.10:39664 [07/Dec/2026:12:17:10.852] backend_80 backend_80/backend "
		"0/0/1/2/3 200 51 - - ---- 1/1/0/0/0 0/0 \"GET /public/a HTTP/1.0\"";
	static const char deny[] =
		"10.244.2.21:40000 [07/Dec/2026:12:17:11.004] backend_80 backend_80/<NOSRV> "
		"0/-1/-1/-1/0 403 192 - - PR-- 1/1/0/0/0 0/0 \"POST /public/x HTTP/1.1\"";
	struct pl_l7_log l;
	struct tm tm = {.tm_year = 126,
			.tm_mon = 11,
			.tm_mday = 7,
			.tm_hour = 12,
			.tm_min = 17,
			.tm_sec = 10,
			.tm_isdst = -1};
	struct in_addr a;

	if (!ASSERT_OK(pl_l7_log_parse("node2", ok, &l), "an allowed request's line"))
		return;
	inet_pton(AF_INET, "10.244.1.10", &a);
	ASSERT_EQ(l.client_ip, a.s_addr, "client address");
	ASSERT_EQ(l.client_port, 39664, "client port");
	ASSERT_STREQ(l.frontend, "backend_80", "frontend");
	ASSERT_STREQ(l.server, "backend", "server");
	ASSERT_EQ(l.status, 200, "status");
	ASSERT_EQ(l.total_ms, 3, "Ta");
	ASSERT_STREQ(l.method, "GET", "method");
	ASSERT_STREQ(l.path, "/public/a", "path");
	ASSERT_STREQ(l.version, "HTTP/1.0", "version");
	ASSERT_EQ(l.real_ns, (int64_t)mktime(&tm) * 1000000000LL + 852000000LL,
		  "accept time, local, with milliseconds");
	if (ASSERT_OK(pl_l7_log_parse("node2", deny, &l), "a denied request's line")) {
		ASSERT_STREQ(l.server, "<NOSRV>", "the proxy answered itself");
		ASSERT_EQ(l.status, 403, "status");
		ASSERT_STREQ(l.method, "POST", "method");
	}
	ASSERT_EQ(pl_l7_log_parse("n", "Proxy backend_80 started.", &l), -EINVAL,
		  "a startup notice is no request");
	ASSERT_EQ(pl_l7_log_parse("n", "10.0.0.1 [x] a b 1/2/3/4/5 200 1", &l), -EINVAL,
		  "a client without a port");
}
