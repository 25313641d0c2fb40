// SPDX-License-Identifier: GPL-2.0
/* The packet model's IP-in-IP: built (RFC 2003 header, DF), decoded back, summarised. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/pkt.h"
#include "test.h"

PL_TEST(unit, pkt_ipip_build_parse_summary)
{
	struct pl_pkt_spec in = {.saddr = inet_addr("10.244.1.10"),
				 .daddr = inet_addr("10.244.2.20"),
				 .proto = IPPROTO_TCP,
				 .sport = 40000,
				 .dport = 80,
				 .tcp_flags = 0x02};
	struct pl_pkt_spec out = {.saddr = inet_addr("192.168.50.1"),
				  .daddr = inet_addr("192.168.50.2")};
	uint8_t inner[128], frame[160];
	struct pl_pkt_info o, i;
	char sum[256];
	int n, m;

	n = pl_pkt_build(&in, inner, sizeof(inner));
	if (!ASSERT_GT(n, 0, "inner"))
		return;
	m = pl_pkt_build_ipip(&out, inner, n, frame, sizeof(frame));
	if (!ASSERT_EQ(m, n + 20, "20 bytes more than the inner frame"))
		return;
	ASSERT_EQ(frame[23], 4, "protocol 4");
	ASSERT_EQ(frame[20] & 0x40, 0x40, "DF");
	ASSERT_EQ(pl_csum_ipv4_header(frame + 14, 20), 0, "outer checksum");
	ASSERT_MEMEQ(frame + 34, inner + 14, n - 14, "the inner IPv4 packet follows");
	ASSERT_OK(pl_pkt_parse(frame, m, &o), "parse");
	ASSERT_TRUE(o.ipip, "decoded as IP-in-IP");
	ASSERT_EQ(o.ipip_off, 34, "inner header offset");
	ASSERT_OK(pl_pkt_parse_ip(frame + o.ipip_off, m - o.ipip_off, &i), "inner parses");
	ASSERT_EQ(i.dport, 80, "inner port");
	pl_pkt_summary(frame, m, sum, sizeof(sum));
	ASSERT_STREQ(
		sum,
		"ipip 192.168.50.1 > 192.168.50.2 { 10.244.1.10:40000 > 10.244.2.20:80 TCP [S] }",
		"summary");
	in.family = AF_INET6;
	n = pl_pkt_build(&in, inner, sizeof(inner));
	ASSERT_EQ(pl_pkt_build_ipip(&out, inner, n, frame, sizeof(frame)), -EINVAL,
		  "an IPv6 inner frame is refused");
}
