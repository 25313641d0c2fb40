// SPDX-License-Identifier: GPL-2.0
/*
 * The packet model over IPv6: RFC 5952 address text, frames built with
 * extension headers and checksums recomputed here from scratch, decoded back,
 * summarised; and IPv6 in packet spec lines, with their file:line:col errors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "pcap/pcap_spec.h"

PL_TEST(unit, pkt_ipv6_addr_rfc5952)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"}, /* 4.1, 4.2.1 */
		{"2001:DB8::A", "2001:db8::a"},				    /* 4.3 lower case */
		{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},	    /* 4.2.2 one 0 field */
		{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},		    /* 4.2.3 the longest */
		{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},		    /* 4.2.3 the first */
		{"::", "::"},
		{"::1", "::1"},
		{"1::", "1::"},
		{"fe80::a", "fe80::a"},
		{"ff02::1:ff00:14", "ff02::1:ff00:14"},
		{"fd00:10:244:1::a", "fd00:10:244:1::a"},
		{"0:0:1::", "0:0:1::"},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.1"}, /* 5: IPv4-mapped, dotted */
		{"::192.0.2.1", "::c000:201"},		  /* deprecated IPv4-compatible: hex */
		{"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
	};
	char buf[PL_ADDR_STRLEN];
	uint8_t a[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].in);
		if (!ASSERT_EQ(inet_pton(AF_INET6, cases[i].in, a), 1, "parses"))
			continue;
		ASSERT_STREQ(pl_addr_str(AF_INET6, a, buf), cases[i].want, "RFC 5952 text");
	}
	memset(a, 0xff, sizeof(a));
	ASSERT_STREQ(pl_addr_str(AF_INET6, a, buf), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		     "longest text fits PL_ADDR_STRLEN");
}

/* RFC 1071 sum over the IPv6 pseudo header and l4, written from scratch: 0xffff when right. */
static uint16_t ref_sum6(const uint8_t *ip6, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + proto;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)l4[i] << 8 | l4[i + 1];
	if (len & 1)
		sum += (uint32_t)l4[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static struct pl_pkt_spec spec6(uint8_t proto)
{
	struct pl_pkt_spec s = {
		.smac = {0x02, 0, 0, 0, 0x01, 0x0a},
		.dmac = {0x02, 0, 0, 0, 0x02, 0x0a},
		.family = AF_INET6,
		.proto = proto,
		.sport = 40000,
		.dport = 80,
		.ip_id = 0x1234,
	};

	inet_pton(AF_INET6, "fd00:10:244:1::a", s.saddr6);
	inet_pton(AF_INET6, "fd00:10:244:2::a", s.daddr6);
	return s;
}

static const uint8_t payload[] = "podlab payload of odd length!";

PL_TEST(unit, pkt_ipv6_build_checksums_and_decode)
{
	static const struct {
		const char *desc;
		uint8_t proto, icmp_type, ext[PL_PKT_MAX_EXT], next;
		uint16_t vlan;
		size_t plen;
	} cases[] = {
		{"tcp", IPPROTO_TCP, 0, {0}, 0, 0, 0},
		{"tcp odd payload, vlan", IPPROTO_TCP, 0, {0}, 0, 100, sizeof(payload)},
		{"udp behind hop-by-hop", IPPROTO_UDP, 0, {0}, 1, 0, 17},
		{"icmpv6 echo", IPPROTO_ICMPV6, 128, {0}, 0, 0, 29},
		{"icmpv6 packet too big", IPPROTO_ICMPV6, 2, {0}, 0, 0, 48},
		{"tcp behind hop, dest, route, frag, dest",
		 IPPROTO_TCP,
		 0,
		 {0, 60, 43, 44, 60},
		 5,
		 0,
		 3},
		{"no next header", 59, 0, {0}, 0, 0, 8},
	};
	uint8_t buf[512];
	size_t i, j, eth, l4_len, ext_len;
	struct pl_pkt_info info;
	const uint8_t *ip, *e;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_pkt_spec s = spec6(cases[i].proto);

		pl_subtest("%s", cases[i].desc);
		s.vlan_id = cases[i].vlan;
		s.icmp_type = cases[i].icmp_type;
		s.icmp_data = 1280;
		memcpy(s.ext, cases[i].ext, sizeof(s.ext));
		s.ext_count = cases[i].next;
		s.payload = payload;
		s.payload_len = cases[i].plen;
		n = pl_pkt_build(&s, buf, sizeof(buf));
		if (!ASSERT_GT(n, 0, "build"))
			continue;
		eth = 14 + (cases[i].vlan ? 4 : 0);
		ip = buf + eth;
		ext_len = 8 * (size_t)cases[i].next;
		ASSERT_EQ(buf[eth - 2] << 8 | buf[eth - 1], 0x86dd, "EtherType");
		ASSERT_EQ(ip[0] >> 4, 6, "version");
		ASSERT_EQ((size_t)(ip[4] << 8 | ip[5]), n - eth - 40, "payload length");
		ASSERT_EQ(ip[6], cases[i].next ? cases[i].ext[0] : cases[i].proto, "next header");
		ASSERT_EQ(ip[7], 64, "default hop limit");
		for (j = 0; j < cases[i].next; j++) {
			e = ip + 40 + 8 * j;
			ASSERT_EQ(e[0],
				  j + 1 < cases[i].next ? cases[i].ext[j + 1] : cases[i].proto,
				  "extension header chain");
			ASSERT_EQ(e[1], 0, "8-byte extension header");
		}
		l4_len = n - eth - 40 - ext_len;
		if (cases[i].proto != 59)
			ASSERT_EQ(ref_sum6(ip, cases[i].proto, ip + 40 + ext_len, l4_len), 0xffff,
				  "l4 checksum over the IPv6 pseudo header");
		ASSERT_MEMEQ(buf + n - cases[i].plen, payload, cases[i].plen, "payload at the end");

		if (!ASSERT_OK(pl_pkt_parse(buf, n, &info), "decodes"))
			continue;
		ASSERT_TRUE(info.ipv6, "ipv6");
		ASSERT_EQ(info.proto, cases[i].proto, "L4 protocol after the chain");
		ASSERT_EQ(info.ext_count, cases[i].next, "extension headers walked");
		ASSERT_MEMEQ(info.src.v6, s.saddr6, 16, "source");
		ASSERT_MEMEQ(info.dst.v6, s.daddr6, 16, "destination");
		ASSERT_FALSE(info.fragment, "an atomic fragment header is no fragment");
		if (cases[i].proto == IPPROTO_TCP || cases[i].proto == IPPROTO_UDP) {
			ASSERT_EQ(info.sport, 40000, "sport");
			ASSERT_EQ(info.dport, 80, "dport");
		}
		if (cases[i].icmp_type == 128)
			ASSERT_EQ(info.sport, 40000, "echo id");
		if (cases[i].icmp_type == 2)
			ASSERT_EQ(ip[40 + 4] << 24 | ip[40 + 5] << 16 | ip[40 + 6] << 8 |
					  ip[40 + 7],
				  1280, "packet too big: the MTU");
	}
}

PL_TEST(unit, pkt_ipv6_build_fragment_and_errors)
{
	struct pl_pkt_spec s = spec6(IPPROTO_UDP);
	struct pl_pkt_info info;
	uint8_t buf[256];
	int n;

	s.ext[0] = 44;
	s.ext_count = 1;
	s.frag = 0x2000 | 185; /* MF, offset 1480 */
	n = pl_pkt_build(&s, buf, sizeof(buf));
	if (ASSERT_GT(n, 0, "build") && ASSERT_OK(pl_pkt_parse(buf, n, &info), "decodes")) {
		ASSERT_TRUE(info.fragment, "a fragment");
		ASSERT_TRUE(info.more_frags, "M flag");
		ASSERT_EQ(info.frag_off, 1480, "offset in bytes");
		ASSERT_EQ(info.ip_id, 0x1234, "identification");
		ASSERT_EQ(info.proto, IPPROTO_UDP, "next header after the fragment header");
	}
	ASSERT_EQ(pl_pkt_build(&s, buf, 14 + 40 + 8 + 8 - 1), -ENOSPC, "one byte short");
	ASSERT_EQ(pl_pkt_build(&s, buf, 14 + 40 + 8 + 8), 14 + 40 + 8 + 8, "exact fit");
	s.ext_count = PL_PKT_MAX_EXT + 1;
	ASSERT_EQ(pl_pkt_build(&s, buf, sizeof(buf)), -EINVAL, "more extension headers than fit");
}

PL_TEST(unit, pkt_ipv6_summaries)
{
	static const struct {
		const char *line, *summary;
		int len;
	} cases[] = {
		{"tcp [fd00::1]:40000 > [fd00::2]:80 flags SA",
		 "[fd00::1]:40000 > [fd00::2]:80 TCP [S.]", 14 + 40 + 20},
		{"udp [fd00:10:244:1::a]:5000 > [fd00:10:244:2::14]:53 len 32 ext hop,dest",
		 "[fd00:10:244:1::a]:5000 > [fd00:10:244:2::14]:53 UDP ext 2",
		 14 + 40 + 16 + 8 + 32},
		{"icmp6 echo fd00::1 > fd00::2 id 7 seq 3",
		 "fd00::1 > fd00::2 ICMPv6 echo id 7 seq 3", 14 + 40 + 8},
		{"icmp6 echo-reply fd00::2 > fd00::1 id 7 seq 3 hlim 1",
		 "fd00::2 > fd00::1 ICMPv6 echo reply id 7 seq 3 hlim 1", 14 + 40 + 8},
		{"icmp6 packet-too-big fd00::9 > fd00::1 mtu 1400 payload 48",
		 "fd00::9 > fd00::1 ICMPv6 packet too big mtu 1400", 14 + 40 + 8 + 48},
		{"icmp6 packet-too-big fd00::9 > fd00::1",
		 "fd00::9 > fd00::1 ICMPv6 packet too big mtu 1280", 14 + 40 + 8},
		{"icmp6 neighbor-solicit fe80::a > ff02::1:ff00:14 target fd00::14 ttl 255",
		 "fe80::a > ff02::1:ff00:14 ICMPv6 neighbor solicitation", 14 + 40 + 8 + 16},
		{"icmp6 router-solicit fe80::a > ff02::2",
		 "fe80::a > ff02::2 ICMPv6 router solicitation", 14 + 40 + 8},
		{"tcp [fd00::1]:1 > [fd00::2]:2 frag 1480 mf",
		 "fd00::1 > fd00::2 TCP ext 1 frag off 1480 MF", 14 + 40 + 8 + 20},
		{"ipv6 fd00::1 > fd00::2 ext frag,ah proto 17 payload 4",
		 "fd00::1 > fd00::2 next header 51 ext 1", 14 + 40 + 16 + 8 + 4},
		{"tcp [fd00::1]:1 > [fd00::2]:2 plen 1000",
		 "fd00::1 > fd00::2 TCP malformed: IPv6 payload length beyond the frame", 74},
		{"tcp [fd00::1]:1 > [fd00::2]:2 truncate 50", "malformed: truncated IPv6 header",
		 50},
		{"vxlan vni 7 192.168.50.2:1234 > 192.168.50.1 { udp [fd00::1]:1 > [fd00::2]:2 }",
		 "vxlan vni 7 192.168.50.2:1234 > 192.168.50.1:4789 "
		 "{ [fd00::1]:1 > [fd00::2]:2 UDP }",
		 50 + 14 + 40 + 8},
	};
	uint8_t buf[PL_PKT_MAX];
	char err[256], sum[512];
	size_t i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].line);
		err[0] = '\0';
		n = pl_spec_parse_packet(cases[i].line, "t.spec", 1, 1, buf, sizeof(buf), err,
					 sizeof(err));
		if (!ASSERT_GE(n, 0, err))
			continue;
		ASSERT_EQ(n, cases[i].len, "frame length");
		pl_pkt_summary(buf, n, sum, sizeof(sum));
		ASSERT_STREQ(sum, cases[i].summary, "summary");
	}
}

PL_TEST(unit, spec_ipv6_line_equals_builder)
{
	struct pl_pkt_spec ps = spec6(IPPROTO_TCP);
	uint8_t want[128], got[128];
	char err[256] = "";
	int n, m;

	/* The spec's default MACs: 02:00 + the last four bytes of each address. */
	memcpy(ps.smac, (uint8_t[]){0x02, 0, 0, 0, 0, 0x0a}, 6);
	memcpy(ps.dmac, (uint8_t[]){0x02, 0, 0, 0, 0, 0x0a}, 6);
	ps.tcp_flags = 0x02;
	ps.seq = 1000;
	ps.ttl = 9;
	ps.ip_id = 1;
	ps.ext[0] = 0;
	ps.ext_count = 1;
	n = pl_pkt_build(&ps, want, sizeof(want));
	m = pl_spec_parse_packet(
		"tcp [fd00:10:244:1::a]:40000 > [fd00:10:244:2::a]:80 hlim 9 ext hop", "t.spec", 1,
		1, got, sizeof(got), err, sizeof(err));
	if (ASSERT_EQ(m, n, err))
		ASSERT_MEMEQ(got, want, n, "bytes");
}

PL_TEST(unit, spec_ipv6_errors)
{
	static const struct {
		const char *line, *where, *msg;
	} cases[] = {
		{"tcp [fd00::1]:1 > 10.0.0.1:2",
		 "t.spec:1:19: ", "'10.0.0.1' is IPv4 but the source is IPv6"},
		{"udp 10.0.0.1:1 > [fd00::1]:2",
		 "t.spec:1:18: ", "'fd00::1' is IPv6 but the source is IPv4"},
		{"tcp fd00::1:80 > [fd00::2]:80",
		 "t.spec:1:5: ", "expected [IPV6]:PORT, got 'fd00::1:80'"},
		{"tcp [fd00::1:1 > [fd00::2]:80", "t.spec:1:5: ", "expected [IPV6]:PORT"},
		{"tcp [fd00::1]:99999 > [fd00::2]:80", "t.spec:1:15: ", "'99999' is not a port"},
		{"icmp echo fd00::1 > fd00::2",
		 "t.spec:1:11: ", "'fd00::1' is not an IPv4 address"},
		{"icmp6 echo 1.2.3.4 > fd00::2",
		 "t.spec:1:12: ", "'1.2.3.4' is not an IPv6 address"},
		{"icmp6 ping fd00::1 > fd00::2", "t.spec:1:7: ", "unknown ICMPv6 type 'ping'"},
		{"tcp [fd00::1]:1 > [fd00::2]:2 df",
		 "t.spec:1:31: ", "'df' does not apply to IPv6 packets"},
		{"tcp [fd00::1]:1 > [fd00::2]:2 ipopts 4",
		 "t.spec:1:31: ", "'ipopts' does not apply to IPv6 packets"},
		{"tcp 1.1.1.1:1 > 2.2.2.2:2 ext hop",
		 "t.spec:1:27: ", "'ext' applies to IPv6 packets only"},
		{"ipv6 fd00::1 > fd00::2 ext hop,bogus",
		 "t.spec:1:32: ", "ext: 'bogus' is not an extension header"},
		{"ipv6 fd00::1 > fd00::2 ext 0,0,0,0,0,0,0,0,0",
		 "t.spec:1:28: ", "ext: more than 8 extension headers"},
		{"icmp6 neighbor-solicit fe80::1 > ff02::1 target 10.0.0.1",
		 "t.spec:1:49: ", "'10.0.0.1' is not an IPv6 address"},
		{"vxlan vni 1 fd00::1 > fd00::2 { udp 1.1.1.1:1 > 2.2.2.2:2 }",
		 "t.spec:1:13: ", "'fd00::1' is not an IPv4 address"},
	};
	uint8_t buf[PL_PKT_MAX];
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].msg);
		err[0] = '\0';
		if (!ASSERT_EQ(pl_spec_parse_packet(cases[i].line, "t.spec", 1, 1, buf, sizeof(buf),
						    err, sizeof(err)),
			       -EINVAL, "rejected"))
			continue;
		if (!ASSERT_EQ(strncmp(err, cases[i].where, strlen(cases[i].where)), 0,
			       "file:line:col"))
			fprintf(stderr, "    got: %s\n", err);
		ASSERT_STRSTR(err, cases[i].msg, "message");
	}
}
