// SPDX-License-Identifier: GPL-2.0
/*
 * The packet model's decoder, table-driven over hand-written frames: IPv6 with
 * 0, 1 and several extension headers, a chain past the walk's bound, fragments,
 * VLAN and QinQ, ICMP/ICMPv6 errors with their quoted header, VXLAN around
 * IPv6, every header boundary cut; and the address, protocol and error names.
 */
#include <stdint.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"

#define MACS	      "02000000020a02000000010a"
#define ETH4	      MACS "0800"
#define ETH6	      MACS "86dd"
#define S6	      "fd000010024400020000000000000010"	 /* fd00:10:244:2::10 */
#define D6	      "fd000010024400010000000000000010"	 /* fd00:10:244:1::10 */
#define TCP	      "9c40005000000001000000005002ffff00000000" /* 40000 > 80, SYN */
#define UDP	      "9c40003500080000"			 /* 40000 > 53 */
#define OPT6	      "000000000000" /* PadN after next header + length */
#define DST6(nh)      nh "00" OPT6   /* an 8-byte options header */
#define IP6(plen, nh) "60000000" plen nh "40" S6 D6
#define ECHO4	      "4500001c00020000400100000af4020a0af4010a0800000000070001"

/* Hex (no spaces) into bytes; returns the length. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return n;
}

struct decode_case {
	const char *desc;
	const char *hex;
	enum pl_pkt_err err;
	uint8_t family, proto, ext;
	bool l4;
	uint16_t sport, dport;
	bool fragment;
	uint16_t frag_off;
	bool quote;
	uint8_t quote_proto;
	uint16_t quote_sport;
};

#define V6 .family = AF_INET6
#define V4 .family = AF_INET

static const struct decode_case decode_cases[] = {
	{"ipv6 tcp, no extension header", ETH6 IP6("0014", "06") TCP, V6, .proto = 6, .l4 = true,
	 .sport = 40000, .dport = 80},
	{"ipv6 hop-by-hop then udp", ETH6 IP6("0010", "00") DST6("11") UDP, V6, .proto = 17,
	 .ext = 1, .l4 = true, .sport = 40000, .dport = 53},
	{"ipv6 hop-by-hop, dest opts, first fragment, udp",
	 ETH6 IP6("0020", "00") DST6("3c") DST6("2c") "1100000100001234" UDP, V6, .proto = 17,
	 .ext = 3, .l4 = true, .sport = 40000, .dport = 53, .fragment = true},
	{"ipv6 later fragment: no l4 header", ETH6 IP6("0010", "2c") "1100009900001234" UDP, V6,
	 .proto = 17, .ext = 1, .fragment = true, .frag_off = 152},
	{"ipv6 routing header, no next header", ETH6 IP6("0008", "2b") "3b00000000000000", V6,
	 .proto = 59, .ext = 1},
	{"ipv6 eight dest opts headers: the bound",
	 ETH6 IP6("0048", "3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c")
		 DST6("3c") DST6("11") UDP,
	 V6, .proto = 17, .ext = 8, .l4 = true, .sport = 40000, .dport = 53},
	{"ipv6 nine dest opts headers: past the bound",
	 ETH6 IP6("0048", "3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c") DST6("3c")
		 DST6("3c") DST6("3c") DST6("3b"),
	 V6, .err = PL_PKT_IP6_EXT_CHAIN, .proto = 60, .ext = 8},
	{"ipv6 extension header longer than the payload", ETH6 IP6("0008", "00") "1101" OPT6, V6,
	 .err = PL_PKT_IP6_EXT_TRUNC},
	{"ipv6 payload length beyond the frame", ETH6 IP6("0015", "06") TCP, V6,
	 .err = PL_PKT_IP6_LEN_TRUNC, .proto = 6},
	{"ipv6 ethertype, version 4",
	 ETH6 "45000014"
	      "0014"
	      "06"
	      "40" S6 D6 TCP,
	 .err = PL_PKT_IP6_VERSION},
	{"ipv6 tcp header cut", ETH6 IP6("0010", "06") "9c40005000000001000000005002ffff", V6,
	 .err = PL_PKT_TCP_TRUNC, .proto = 6},
	{"icmpv6 echo request", ETH6 IP6("0008", "3a") "8000000000070001", V6, .proto = 58,
	 .l4 = true, .sport = 7},
	{"icmpv6 header cut", ETH6 IP6("0004", "3a") "80000000", V6, .err = PL_PKT_ICMP6_TRUNC,
	 .proto = 58},
	{"icmpv6 unreachable quoting udp",
	 ETH6 IP6("0038", "3a") "0104000000000000" IP6("0008", "11") UDP, V6, .proto = 58,
	 .l4 = true, .quote = true, .quote_proto = 17, .quote_sport = 40000},
	{"icmp port unreachable quoting an echo",
	 ETH4 "4500003800010000400100000af4010a0af4020a"
	      "0303000000000000" ECHO4,
	 V4, .proto = 1, .l4 = true, .quote = true, .quote_proto = 1, .quote_sport = 7},
	{"icmp error quoting only an ip header: no quote",
	 ETH4 "4500003000010000400100000af4010a0af4020a"
	      "0303000000000000"
	      "4500001c00020000400100000af4020a0af4010a",
	 V4, .proto = 1, .l4 = true},
	{"icmp echo is no error: no quote",
	 ETH4 "4500003800010000400100000af4010a0af4020a"
	      "0800000000070001" ECHO4,
	 V4, .proto = 1, .l4 = true, .sport = 7},
	{"vlan then ipv6", MACS "8100002a86dd" IP6("0014", "06") TCP, V6, .proto = 6, .l4 = true,
	 .sport = 40000, .dport = 80},
	{"qinq then ipv4 udp",
	 MACS "88a80064810000070800"
	      "4500001c00010000401100000af4010a0af4020a" UDP,
	 V4, .proto = 17, .l4 = true, .sport = 40000, .dport = 53},
	{"ipv4 first fragment (MF) keeps its l4 header",
	 ETH4 "4500001c00012000401100000af4010a0af4020a" UDP, V4, .proto = 17, .l4 = true,
	 .sport = 40000, .dport = 53, .fragment = true},
	{"ipv4 later fragment", ETH4 "4500001c00010009401100000af4010a0af4020a" UDP, V4,
	 .proto = 17, .fragment = true, .frag_off = 72},
	{"ipv4 ihl 4", ETH4 "4400001c00010000401100000af4010a0af4020a" UDP, V4,
	 .err = PL_PKT_IP4_IHL, .proto = 17},
	{"ipv4 total length 12", ETH4 "4500000c00010000401100000af4010a0af4020a" UDP, V4,
	 .err = PL_PKT_IP4_LEN_SHORT, .proto = 17},
	{"ipv4 total length 400", ETH4 "4500019000010000401100000af4010a0af4020a" UDP, V4,
	 .err = PL_PKT_IP4_LEN_TRUNC, .proto = 17},
};

PL_TEST(unit, pkt_decode_table)
{
	uint8_t f[512];
	size_t i;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct pl_pkt_info info;
		size_t n = unhex(c->hex, f, sizeof(f));
		int ret;

		pl_subtest("%s", c->desc);
		ret = pl_pkt_parse(f, n, &info);
		ASSERT_EQ(ret, c->err ? -EINVAL : 0, "return");
		ASSERT_EQ(info.err, c->err, "named error");
		ASSERT_STREQ(info.error ?: "none", c->err ? pl_pkt_err_str(c->err) : "none",
			     "error text");
		ASSERT_EQ(info.family, c->family, "family");
		ASSERT_EQ(info.ipv6, c->family == AF_INET6, "ipv6");
		if (!c->family)
			continue;
		ASSERT_EQ(info.proto, c->proto, "l4 protocol");
		ASSERT_EQ(info.ext_count, c->ext, "extension headers");
		ASSERT_EQ(info.has_l4, c->l4, "l4 header");
		ASSERT_EQ(info.sport, c->sport, "sport");
		ASSERT_EQ(info.dport, c->dport, "dport");
		ASSERT_EQ(info.fragment, c->fragment, "fragment");
		ASSERT_EQ(info.frag_off, c->frag_off, "fragment offset");
		ASSERT_EQ(info.quote.present, c->quote, "quoted header");
		ASSERT_EQ(info.quote.proto, c->quote_proto, "quoted protocol");
		ASSERT_EQ(info.quote.sport, c->quote_sport, "quoted sport / echo id");
		if (info.has_payload) {
			ASSERT_LE(info.l4_off + info.l4_len, n, "payload inside the frame");
			ASSERT_EQ(info.l4_off, info.l3_off + info.ip_hlen, "l4 after the headers");
		}
	}
}

PL_TEST(unit, pkt_decode_ipv6_fields)
{
	static const uint8_t s6[16] = {0xfd, 0, 0, 0x10, 0x02, 0x44, 0, 0x02,
				       0,    0, 0, 0,	 0,    0,    0, 0x10};
	struct pl_pkt_info info;
	uint8_t f[256];
	char a[PL_ADDR_STRLEN];
	size_t n;

	n = unhex(ETH6 IP6("0020", "00") DST6("3c") DST6("2c") "1100000100001234" UDP, f,
		  sizeof(f));
	if (!ASSERT_OK(pl_pkt_parse(f, n, &info), "parse"))
		return;
	ASSERT_EQ(info.src.family, AF_INET6, "address family");
	ASSERT_MEMEQ(info.src.v6, s6, 16, "source address");
	ASSERT_STREQ(pl_addr_str(AF_INET6, info.dst.v6, a), "fd00:10:244:1::10", "destination");
	ASSERT_EQ(info.ttl, 64, "hop limit");
	ASSERT_EQ(info.ip_hlen, 40 + 24, "fixed header and three extension headers");
	ASSERT_EQ(info.ip_len, 40 + 32, "payload length");
	ASSERT_TRUE(info.more_frags, "M flag");
	ASSERT_EQ(info.ip_id, 0x1234, "fragment id");
	ASSERT_EQ(info.l4_off, 14 + 64, "udp offset");
	ASSERT_EQ(info.saddr, 0, "no IPv4 address");
}

/* Cuts at and inside each header of an IPv6 frame with extension headers. */
PL_TEST(unit, pkt_decode_ipv6_truncated_every_boundary)
{
	uint8_t f[256];
	size_t n, len;

	n = unhex(MACS "8100000786dd" IP6("0024", "00") DST6("2c") "0600000100001234" TCP, f,
		  sizeof(f));
	for (len = 0; len < n; len++) {
		struct pl_pkt_info info;
		enum pl_pkt_err want = len < 14	  ? PL_PKT_ETH_TRUNC
				       : len < 18 ? PL_PKT_VLAN_TRUNC
				       : len < 58 ? PL_PKT_IP6_TRUNC
						  : PL_PKT_IP6_LEN_TRUNC;

		pl_subtest("%zu of %zu bytes", len, n);
		ASSERT_EQ(pl_pkt_parse(f, len, &info), -EINVAL, "cut frame is an error");
		ASSERT_EQ(info.err, want, "named error");
	}
	/* The payload length shrunk with the cut: the walk and the L4 check catch it. */
	for (len = 58; len < n; len++) {
		struct pl_pkt_info info;
		size_t plen = len - 58;
		enum pl_pkt_err want = plen < 16 ? PL_PKT_IP6_EXT_TRUNC : PL_PKT_TCP_TRUNC;

		pl_subtest("payload length %zu", plen);
		f[22] = (uint8_t)(plen >> 8);
		f[23] = (uint8_t)plen;
		ASSERT_EQ(pl_pkt_parse(f, len, &info), -EINVAL, "short payload is an error");
		ASSERT_EQ(info.err, want, "named error");
	}
}

PL_TEST(unit, pkt_decode_vxlan_inner_ipv6)
{
	struct pl_pkt_info outer, inner;
	uint8_t f[256];
	size_t n;

	n = unhex(ETH4 "4500006e0003000040110000c0a83202c0a83201"
		       "c35012b5005a0000"
		       "0800000000012c00" ETH6 IP6("0014", "06") TCP,
		  f, sizeof(f));
	if (!ASSERT_OK(pl_pkt_parse(f, n, &outer), "outer"))
		return;
	ASSERT_TRUE(outer.vxlan, "vxlan");
	ASSERT_EQ(outer.vni, 300, "vni");
	ASSERT_EQ(outer.inner_off, 14 + 20 + 8 + 8, "inner frame offset");
	if (!ASSERT_OK(pl_pkt_parse(f + outer.inner_off, n - outer.inner_off, &inner), "inner"))
		return;
	ASSERT_TRUE(inner.ipv6, "inner ipv6");
	ASSERT_EQ(inner.dport, 80, "inner dport");
}

PL_TEST(unit, pkt_decode_from_ip_header)
{
	struct pl_pkt_info info;
	uint8_t f[128];
	size_t n;

	n = unhex(ECHO4, f, sizeof(f));
	ASSERT_OK(pl_pkt_parse_ip(f, n, &info), "raw ipv4");
	ASSERT_EQ(info.icmp_type, 8, "echo");
	ASSERT_EQ(info.sport, 7, "echo id");
	ASSERT_EQ(info.icmp_seq, 1, "echo seq");
	n = unhex(IP6("0014", "06") TCP, f, sizeof(f));
	ASSERT_OK(pl_pkt_parse_ip(f, n, &info), "raw ipv6");
	ASSERT_EQ(info.dport, 80, "dport");
	f[0] = 0x50;
	ASSERT_EQ(pl_pkt_parse_ip(f, n, &info), -EINVAL, "version 5");
	ASSERT_EQ(info.err, PL_PKT_IP_VERSION, "named error");
	ASSERT_EQ(pl_pkt_parse_ip(f, 0, &info), -EINVAL, "empty");
}

PL_TEST(unit, pkt_decode_peek_ports_of_broken_headers)
{
	struct pl_pkt_info info;
	uint16_t sp, dp;
	uint8_t f[128];
	size_t n;

	/* TCP cut to 4 bytes with a total length past the frame: ports, no header. */
	n = unhex(ETH4 "4500002800010000400600000af4010a0af4020a"
		       "9c400050",
		  f, sizeof(f));
	ASSERT_EQ(pl_pkt_parse(f, n, &info), -EINVAL, "broken");
	ASSERT_EQ(info.sport, 0, "no whole header, no sport");
	ASSERT_TRUE(pl_pkt_peek_ports(f, n, &info, &sp, &dp), "peek");
	ASSERT_EQ(sp, 40000, "peeked sport");
	ASSERT_EQ(dp, 80, "peeked dport");
	ASSERT_FALSE(pl_pkt_peek_ports(f, n - 1, &info, &sp, &dp), "frame ends first");
	n = unhex(ETH4 "4500001c00012000401100000af4010a0af4020a" UDP, f, sizeof(f));
	pl_pkt_parse(f, n, &info);
	ASSERT_FALSE(pl_pkt_peek_ports(f, n, &info, &sp, &dp), "a fragment");
}

PL_TEST(unit, pkt_names)
{
	static const uint8_t v6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	char a[PL_ADDR_STRLEN];
	int e, f;

	ASSERT_STREQ(pl_ip4_str(htonl(0x0af4010a), a), "10.244.1.10", "v4");
	ASSERT_STREQ(pl_addr_str(AF_INET6, v6, a), "fd00::1", "v6");
	ASSERT_STREQ(pl_addr_str(AF_INET, &(uint32_t){htonl(0xc0a83201)}, a), "192.168.50.1",
		     "v4 through the family");
	ASSERT_STREQ(pl_addr_str(99, v6, a), "?", "unknown family");
	ASSERT_STREQ(pl_proto_name(IPPROTO_TCP), "TCP", "tcp");
	ASSERT_STREQ(pl_proto_name(IPPROTO_UDP), "UDP", "udp");
	ASSERT_STREQ(pl_proto_name(IPPROTO_ICMP), "ICMP", "icmp");
	ASSERT_STREQ(pl_proto_name(IPPROTO_ICMPV6), "ICMPv6", "icmpv6");
	ASSERT_STREQ(pl_proto_name(47), "IP", "unnamed");
	for (e = PL_PKT_OK + 1; e < PL_PKT_ERR_COUNT; e++) {
		pl_subtest("error %d", e);
		ASSERT_TRUE(strcmp(pl_pkt_err_str(e), "unknown error") != 0, "named");
		for (f = e + 1; f < PL_PKT_ERR_COUNT; f++)
			ASSERT_TRUE(strcmp(pl_pkt_err_str(e), pl_pkt_err_str(f)) != 0, "unique");
	}
}
