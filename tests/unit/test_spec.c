// SPDX-License-Identifier: GPL-2.0
/* Packet spec parser: frames equal to the builder's, and file:line:col errors. */
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"
#include "pcap/pcap_spec.h"

static int parse(const char *text, struct pl_spec *s, char *err, size_t errlen)
{
	return pl_spec_parse(text, strlen(text), "t.spec", s, err, errlen);
}

PL_TEST(unit, spec_tcp_line_equals_builder)
{
	struct pl_pkt_spec ps = {
		.smac = {0x02, 0, 10, 244, 2, 10},
		.dmac = {0x02, 0, 10, 244, 1, 10},
		.proto = IPPROTO_TCP,
		.sport = 40000,
		.dport = 80,
		.tcp_flags = 0x12,
		.seq = 7,
		.ack = 9,
		.ttl = 3,
		.ip_id = 1,
		.frag = 0x4000,
		.vlan_id = 5,
	};
	uint8_t want[128];
	struct pl_spec s;
	char err[256] = "";
	int n;

	inet_pton(AF_INET, "10.244.2.10", &ps.saddr);
	inet_pton(AF_INET, "10.244.1.10", &ps.daddr);
	n = pl_pkt_build(&ps, want, sizeof(want));
	if (!ASSERT_OK(parse("# comment\n\n  tcp 10.244.2.10:40000 > 10.244.1.10:80 flags SA "
			     "seq 7 ack 9 ttl 3 df vlan 5   # trailing comment\n",
			     &s, err, sizeof(err)),
		       err))
		return;
	ASSERT_EQ(s.n, 1, "one frame");
	ASSERT_EQ(s.linktype, PL_LINK_EN10MB, "default link type");
	ASSERT_EQ(s.frames[0].line, 3, "line");
	if (ASSERT_EQ(s.frames[0].len, n, "len"))
		ASSERT_MEMEQ(s.frames[0].data, want, n, "bytes");
	pl_spec_free(&s);
}

PL_TEST(unit, spec_kinds_and_options)
{
	static const struct {
		const char *line;
		const char *summary;
		int len;
	} cases[] = {
		{"udp 10.244.1.10:5000 > 10.244.2.10:53 len 32",
		 "10.244.1.10:5000 > 10.244.2.10:53 UDP", 14 + 20 + 8 + 32},
		{"icmp echo 10.244.1.10 > 10.244.2.10 id 7 seq 1",
		 "10.244.1.10 > 10.244.2.10 ICMP echo id 7 seq 1", 42},
		{"icmp echo-reply 10.244.2.10 > 10.244.1.10 id 7 seq 2 ttl 1",
		 "10.244.2.10 > 10.244.1.10 ICMP echo reply id 7 seq 2 ttl 1", 42},
		{"icmp unreachable 10.244.2.10 > 10.244.1.10 code 3",
		 "10.244.2.10 > 10.244.1.10 ICMP unreachable", 42},
		{"tcp 1.2.3.4:1 > 5.6.7.8:2 ipopts 5 mf",
		 "1.2.3.4:1 > 5.6.7.8:2 TCP [S] frag off 0 MF", 14 + 28 + 20},
		{"tcp 1.2.3.4:1 > 5.6.7.8:2 frag 16 flags none",
		 "1.2.3.4 > 5.6.7.8 TCP frag off 16", 54},
		{"ip 1.2.3.4 > 5.6.7.8 proto 47 payload 3", "1.2.3.4 > 5.6.7.8 proto 47", 37},
		{"arp 10.244.1.10 > 10.244.1.1", "ARP", 42},
		{"ipv6 fd00::1 > fd00::2 payload 8", "fd00::1 > fd00::2 no next header", 62},
		{"raw-ethertype 0x88b5 payload 2 vlan 9", "vlan 9 ethertype 0x88b5", 20},
		{"tcp 1.2.3.4:1 > 5.6.7.8:2 ihl 4", "1.2.3.4 > 5.6.7.8 TCP malformed: IPv4 ihl < 5",
		 54},
		{"tcp 1.2.3.4:1 > 5.6.7.8:2 truncate 20", "malformed: truncated IPv4 header", 20},
		{"vxlan vni 7 192.168.50.2:1234 > 192.168.50.1 { icmp echo 1.1.1.1 > 2.2.2.2 }",
		 "vxlan vni 7 192.168.50.2:1234 > 192.168.50.1:4789 "
		 "{ 1.1.1.1 > 2.2.2.2 ICMP echo id 1 seq 1 }",
		 50 + 42},
		{"vxlan vni 1 1.1.1.1>2.2.2.2 {vxlan vni 2 3.3.3.3 > 4.4.4.4{udp 5.5.5.5:1 > "
		 "6.6.6.6:2}}",
		 NULL, 50 + 50 + 42},
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
		if (!cases[i].summary)
			continue;
		pl_pkt_summary(buf, n, sum, sizeof(sum));
		ASSERT_STREQ(sum, cases[i].summary, "summary");
	}
}

PL_TEST(unit, spec_defaults)
{
	uint8_t buf[128];
	struct pl_pkt_info info;
	char err[256];
	int n;

	n = pl_spec_parse_packet("tcp 10.244.2.10:1 > 10.244.1.10:2", "t", 1, 77, buf, sizeof(buf),
				 err, sizeof(err));
	if (!ASSERT_EQ(n, 54, err))
		return;
	ASSERT_OK(pl_pkt_parse(buf, n, &info), "parse");
	ASSERT_EQ(info.ip_id, 77, "IP ID defaults to the packet number");
	ASSERT_EQ(info.ttl, 64, "ttl 64");
	ASSERT_EQ(info.tcp_flags, 0x02, "SYN by default");
	ASSERT_MEMEQ(buf, "\x02\x00\x0a\xf4\x01\x0a", 6, "dmac from the destination IP");
	ASSERT_MEMEQ(buf + 6, "\x02\x00\x0a\xf4\x02\x0a", 6, "smac from the source IP");

	n = pl_spec_parse_packet("arp 10.244.1.10 > 10.244.1.1", "t", 1, 1, buf, sizeof(buf), err,
				 sizeof(err));
	ASSERT_MEMEQ(buf, "\xff\xff\xff\xff\xff\xff", 6, "ARP request is broadcast");
	ASSERT_EQ(buf[21], 1, "ARP request opcode");
}

PL_TEST(unit, spec_linktype_and_numbers)
{
	struct pl_spec s;
	char err[256] = "";

	if (!ASSERT_OK(parse("linktype linux_sll2\ntcp 1.1.1.1:1 > 2.2.2.2:2\n"
			     "udp 1.1.1.1:1 > 2.2.2.2:2\n",
			     &s, err, sizeof(err)),
		       err))
		return;
	ASSERT_EQ(s.linktype, PL_LINK_LINUX_SLL2, "link type");
	ASSERT_EQ(s.n, 2, "frames");
	ASSERT_EQ(s.frames[1].line, 3, "line of frame 2");
	ASSERT_EQ(s.frames[1].data[18] << 8 | s.frames[1].data[19], 2, "IP ID = number 2");
	pl_spec_free(&s);
}

PL_TEST(unit, spec_errors_name_file_line_column)
{
	static const struct {
		const char *text;
		const char *where;
		const char *msg;
	} cases[] = {
		{"tcp 10.244.2.10 > 10.244.1.10:80",
		 "t.spec:1:5: ", "expected ADDR:PORT, got '10.244.2.10'"},
		{"tcp 10.244.2.10:99999 > 10.244.1.10:80",
		 "t.spec:1:17: ", "'99999' is not a port"},
		{"tcp 10.244.2.10:+5 > 10.244.1.10:80", "t.spec:1:17: ", "'+5' is not a port"},
		{"tcp 10.244.2.300:1 > 10.244.1.10:80",
		 "t.spec:1:5: ", "'10.244.2.300' is not an IPv4 or IPv6 address"},
		{"tcp 10.244.2.10:1 10.244.1.10:80", "t.spec:1:19: ", "expected '>', got"},
		{"tcp 10.244.2.10:1 >",
		 "t.spec:1:20: ", "expected ADDR:PORT at the end of the line"},
		{"tcpx 1.2.3.4:1 > 1.2.3.4:2", "t.spec:1:1: ", "unknown packet kind 'tcpx'"},
		{"udp 1.2.3.4:1 > 1.2.3.4:2 flags S",
		 "t.spec:1:27: ", "'flags' does not apply to udp packets"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 flags SX", "t.spec:1:34: ", "'X' is not a TCP flag"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 ttl 0",
		 "t.spec:1:31: ", "ttl: '0' is not a number from 1 to 255"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 ttl", "t.spec:1:30: ", "expected a number at the end"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 frag 7",
		 "t.spec:1:32: ", "frag offset 7 is not a multiple of 8"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 truncate 60",
		 "t.spec:1:27: ", "truncate 60 is longer than the 54-byte frame"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 payload 9200",
		 "t.spec:1:1: ", "exceed the maximum of 9216 bytes"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 smac 01:02:03",
		 "t.spec:1:32: ", "is not a MAC address"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 bogus",
		 "t.spec:1:27: ", "unknown option 'bogus' for a tcp packet"},
		{"vxlan vni 300 1.1.1.1 > 2.2.2.2 { tcp 1.2.3.4:1 > 1.2.3.4:2",
		 "t.spec:1:60: ", "expected } at the end of the line"},
		{"vxlan vni 300 1.1.1.1 > 2.2.2.2 { tcp 1.2.3.4:1 > 1.2.3.4:2 } ttl 3",
		 "t.spec:1:63: ", "unexpected 'ttl' after the inner packet"},
		{"vxlan vni 16777216 1.1.1.1 > 2.2.2.2 { udp 1.1.1.1:1 > 2.2.2.2:2 }",
		 "t.spec:1:11: ", "vni: '16777216' is not a number from 0 to 16777215"},
		{"vxlan vni 5 1.1.1.1 > 2.2.2.2", "t.spec:1:30: ", "expected { at the end"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 }", "t.spec:1:27: ", "unexpected '}'"},
		{"udp 1.2.3.4:1 > 1.2.3.4:2 {",
		 "t.spec:1:27: ", "'{' only follows a vxlan or ipip packet"},
		{"ipip 1.1.1.1 > 2.2.2.2 { ipv6 fd00::1 > fd00::2 }",
		 "t.spec:1:1: ", "ipip carries an IPv4 packet"},
		{"ipip 1.1.1.1 > 2.2.2.2 payload 4 { tcp 1.2.3.4:1 > 1.2.3.4:2 }",
		 "t.spec:1:24: ", "payload"},
		{"icmp ping 1.1.1.1 > 2.2.2.2", "t.spec:1:6: ", "unknown ICMP type 'ping'"},
		{"icmp echo 1.1.1.1:3 > 2.2.2.2", "t.spec:1:11: ", "this packet kind has no ports"},
		{"raw-ethertype 0x0800", "t.spec:1:15: ", "EtherType 0x0800 is IPv4"},
		{"ipv6 fd00::1 > 10.0.0.1", "t.spec:1:16: ", "'10.0.0.1' is not an IPv6 address"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:80 http GET index",
		 "t.spec:1:37: ", "'index' is not a path"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:80 http G(T /", "t.spec:1:33: ", "'G(T' is not a method"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:80 host a",
		 "t.spec:1:28: ", "host needs http METHOD PATH"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:80 http GET / len 4",
		 "t.spec:1:28: ", "http and payload/len both set the payload"},
		{"udp 1.2.3.4:1 > 1.2.3.4:80 http GET /",
		 "t.spec:1:28: ", "'http' does not apply to udp packets"},
		{"# c\n\ntcp", "t.spec:3:4: ", "expected ADDR:PORT at the end of the line"},
		{"tcp 1.1.1.1:1 > 2.2.2.2:2\nlinktype LINUX_SLL2",
		 "t.spec:2:1: ", "'linktype' must come before the first packet"},
		{"linktype IEEE802_11",
		 "t.spec:1:10: ", "link type 'IEEE802_11' cannot be written"},
		{"tcp 1.2.3.4:1 > 1.2.3.4:2 \x01", "t.spec:1:27: ", "unexpected byte 0x01"},
		{"icmp echo 1.1.1.1 > 2.2.2.2 { udp 2.2.2.2:1 > 1.1.1.1:2 }",
		 "t.spec:1:29: ", "or an ICMP/ICMPv6 error (its quoted packet)"},
		{"icmp6 unreachable fd00::1 > fd00::2 { udp 1.1.1.1:1 > 2.2.2.2:2 }",
		 "t.spec:1:1: ", "icmp6 quotes an IPv6 packet"},
		{"icmp unreachable 1.1.1.1 > 2.2.2.2 { ipv6 fd00::1 > fd00::2 }",
		 "t.spec:1:1: ", "icmp quotes an IPv4 packet"},
		{"icmp unreachable 1.1.1.1 > 2.2.2.2 len 4 { udp 2.2.2.2:1 > 1.1.1.1:2 }",
		 "t.spec:1:1: ", "a quoted packet and payload/len both set the payload"},
		{"icmp time-exceeded 1.1.1.1 > 2.2.2.2 { udp 2.2.2.2:1 > 1.1.1.1:2",
		 "t.spec:1:", "expected }"},
		{"vxlan vni 1 1.1.1.1 > 2.2.2.2 { vxlan vni 1 1.1.1.1 > 2.2.2.2 { vxlan vni 1 "
		 "1.1.1.1 > 2.2.2.2 { vxlan vni 1 1.1.1.1 > 2.2.2.2 { udp 1.1.1.1:1 > 2.2.2.2:2 "
		 "} } } }",
		 "t.spec:1:", "VXLAN nested more than 3 deep"},
	};
	char err[512], want[600];
	struct pl_spec s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].msg);
		err[0] = '\0';
		if (!ASSERT_EQ(parse(cases[i].text, &s, err, sizeof(err)), -EINVAL, "rejected"))
			continue;
		ASSERT_EQ(s.n, 0, "nothing half-built");
		ASSERT_EQ(strncmp(err, cases[i].where, strlen(cases[i].where)), 0, "prefix");
		snprintf(want, sizeof(want), "%s%s", cases[i].where, cases[i].msg);
		if (!ASSERT_STRSTR(err, cases[i].msg, "message"))
			fprintf(stderr, "    wanted: %s\n", want);
		if (strncmp(err, cases[i].where, strlen(cases[i].where)))
			fprintf(stderr, "    got: %s\n    wanted: %s\n", err, want);
	}
}

/* An ICMP/ICMPv6 error's { PACKET }: the quote is that packet's IP header onward. */
PL_TEST(unit, spec_icmp_error_quotes_its_packet)
{
	static const struct {
		const char *line, *inner;
		size_t ip_off, quote_len; /* the error's payload offset, and its length */
		uint8_t proto;
		uint16_t sport, dport;
	} cases[] = {
		{"icmp unreachable 10.244.1.11 > 10.244.2.20 code 3 { udp 10.244.2.20:40000 > "
		 "10.244.1.11:53 len 100 }",
		 "udp 10.244.2.20:40000 > 10.244.1.11:53 len 100", 14 + 20 + 8, 20 + 8, IPPROTO_UDP,
		 40000, 53},
		{"icmp time-exceeded 192.0.2.1 > 10.244.1.10 { tcp 10.244.1.10:1 > 10.244.2.20:80 "
		 "ipopts 4 }",
		 "tcp 10.244.1.10:1 > 10.244.2.20:80 ipopts 4", 14 + 20 + 8, 24 + 8, IPPROTO_TCP, 1,
		 80},
		{"icmp6 unreachable fd00::b > fd00::20 code 4 "
		 "{ udp [fd00::20]:40000 > [fd00::b]:53 len 16 }",
		 "udp [fd00::20]:40000 > [fd00::b]:53 len 16", 14 + 40 + 8, 40 + 8 + 16,
		 IPPROTO_UDP, 40000, 53},
		{"icmp6 param-problem fd00::b > fd00::20 "
		 "{ udp [fd00::20]:1 > [fd00::b]:2 len 1400 }",
		 "udp [fd00::20]:1 > [fd00::b]:2 len 1400", 14 + 40 + 8, 1232, IPPROTO_UDP, 1, 2},
		{"icmp6 time-exceeded fd00::b > fd00::20 "
		 "{ udp [fd00::20]:1 > [fd00::b]:2 truncate 30 }",
		 "udp [fd00::20]:1 > [fd00::b]:2 truncate 30", 14 + 40 + 8, 30 - 14, IPPROTO_UDP, 0,
		 0},
	};
	uint8_t buf[PL_PKT_MAX], inner[PL_PKT_MAX];
	struct pl_pkt_info info;
	char err[256];
	size_t i;
	int n, m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].line);
		n = pl_spec_parse_packet(cases[i].line, "t.spec", 1, 1, buf, sizeof(buf), err,
					 sizeof(err));
		m = pl_spec_parse_packet(cases[i].inner, "t.spec", 1, 1, inner, sizeof(inner), err,
					 sizeof(err));
		if (!ASSERT_GE(n, 0, "error packet") || !ASSERT_GE(m, 0, "inner packet"))
			continue;
		if (!ASSERT_EQ((size_t)n, cases[i].ip_off + cases[i].quote_len, "frame length"))
			continue;
		ASSERT_MEMEQ(buf + cases[i].ip_off, inner + 14, cases[i].quote_len,
			     "the quote is the inner packet's head, Ethernet dropped");
		pl_pkt_parse(buf, n, &info);
		ASSERT_EQ(info.quote.present, cases[i].sport != 0, "decoder finds the quote");
		if (!cases[i].sport)
			continue; /* 16 bytes of IPv6 header: too short to hold a tuple */
		ASSERT_EQ(info.quote.proto, cases[i].proto, "quoted protocol");
		ASSERT_EQ(info.quote.sport, cases[i].sport, "quoted source port");
		ASSERT_EQ(info.quote.dport, cases[i].dport, "quoted destination port");
	}
}
