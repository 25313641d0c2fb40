// SPDX-License-Identifier: GPL-2.0
/* Packet builder and parser: checksums recomputed independently, summaries, truncation. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>

#include "test.h"
#include "lib/pkt.h"

#define TH_FIN_ 0x01
#define TH_SYN_ 0x02
#define TH_ACK_ 0x10

/* RFC 1071 sum written from scratch: a correct checksum sums to 0xffff. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t ref_l4_sum(const uint8_t *ip, const uint8_t *l4, size_t l4_len)
{
	uint32_t sum = 0;
	int i;

	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum += ip[9] + (uint32_t)l4_len;
	return ref_sum(l4, l4_len, sum);
}

static struct pl_pkt_spec base_spec(uint8_t proto)
{
	struct pl_pkt_spec s = {
		.smac = {0x02, 0, 0, 0, 0x01, 0x0a},
		.dmac = {0x02, 0, 0, 0, 0x02, 0x0a},
		.saddr = htonl(0x0af4010a), /* 10.244.1.10 */
		.daddr = htonl(0x0af4020a), /* 10.244.2.10 */
		.proto = proto,
		.sport = 40000,
		.dport = 80,
		.ip_id = 1234,
	};
	return s;
}

static const uint8_t payload[] = "podlab payload of odd length!";

PL_TEST(unit, pkt_ipv4_header_csum_known_vector)
{
	/* The textbook example header: checksum 0xb861. */
	uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

	ASSERT_EQ(pl_csum_ipv4_header(h, sizeof(h)), 0xb861, "csum");
}

PL_TEST(unit, pkt_build_checksums_verify)
{
	static const struct {
		const char *desc;
		uint8_t proto;
		uint16_t vlan;
		uint8_t opts;
		size_t plen;
	} cases[] = {
		{"tcp", IPPROTO_TCP, 0, 0, 0},
		{"tcp odd payload", IPPROTO_TCP, 0, 0, sizeof(payload)},
		{"udp", IPPROTO_UDP, 0, 0, 32},
		{"udp odd payload vlan", IPPROTO_UDP, 100, 0, 17},
		{"icmp echo", IPPROTO_ICMP, 0, 0, 29},
		{"tcp with 6 bytes of ip options", IPPROTO_TCP, 0, 6, 10},
		{"other proto 47", 47, 0, 0, 12},
	};
	uint8_t buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_pkt_spec s = base_spec(cases[i].proto);
		size_t eth = 14 + (cases[i].vlan ? 4 : 0), ihl, l4_len;
		const uint8_t *ip;
		int n;

		pl_subtest("%s", cases[i].desc);
		s.vlan_id = cases[i].vlan;
		s.ip_opt_len = cases[i].opts;
		s.payload = payload;
		s.payload_len = cases[i].plen;
		s.icmp_type = 8;
		n = pl_pkt_build(&s, buf, sizeof(buf));
		if (!ASSERT_GT(n, 0, "build"))
			continue;
		ip = buf + eth;
		ihl = (ip[0] & 0xf) * 4;
		ASSERT_EQ(ihl, 20 + ((cases[i].opts + 3) & ~3), "ihl");
		ASSERT_EQ((size_t)(ip[2] << 8 | ip[3]), n - eth, "tot_len");
		ASSERT_EQ(ref_sum(ip, ihl, 0), 0xffff, "ip csum");
		l4_len = n - eth - ihl;
		if (cases[i].proto == IPPROTO_TCP || cases[i].proto == IPPROTO_UDP)
			ASSERT_EQ(ref_l4_sum(ip, ip + ihl, l4_len), 0xffff, "l4 csum");
		if (cases[i].proto == IPPROTO_ICMP)
			ASSERT_EQ(ref_sum(ip + ihl, l4_len, 0), 0xffff, "icmp csum");
		if (cases[i].proto == IPPROTO_UDP)
			ASSERT_EQ((size_t)(ip[ihl + 4] << 8 | ip[ihl + 5]), l4_len, "udp len");
		if (cases[i].vlan)
			ASSERT_EQ(buf[12] << 8 | buf[13], 0x8100, "tpid");
		ASSERT_MEMEQ(buf + n - cases[i].plen, payload, cases[i].plen, "payload at the end");
	}
}

PL_TEST(unit, pkt_build_errors)
{
	struct pl_pkt_spec s = base_spec(IPPROTO_TCP);
	uint8_t buf[64];

	ASSERT_EQ(pl_pkt_build(&s, buf, 53), -ENOSPC, "one byte short");
	ASSERT_EQ(pl_pkt_build(&s, buf, 54), 54, "exact fit");
	s.ip_opt_len = 41;
	ASSERT_EQ(pl_pkt_build(&s, buf, sizeof(buf)), -EINVAL, "options over 40");
	s.ip_opt_len = 0;
	s.payload_len = PL_PKT_MAX;
	s.payload = malloc(PL_PKT_MAX);
	ASSERT_EQ(pl_pkt_build(&s, buf, sizeof(buf)), -ENOSPC, "over max");
	free((void *)s.payload);
}

PL_TEST(unit, pkt_vxlan_roundtrip)
{
	struct pl_pkt_spec in = base_spec(IPPROTO_TCP), out = base_spec(0);
	uint8_t inner[128], frame[256];
	struct pl_pkt_info info;
	int n_in, n;

	in.tcp_flags = TH_SYN_;
	n_in = pl_pkt_build(&in, inner, sizeof(inner));
	out.saddr = htonl(0xc0a83202); /* 192.168.50.2 */
	out.daddr = htonl(0xc0a83201);
	out.sport = 0;
	n = pl_pkt_build_vxlan(&out, 300, inner, n_in, frame, sizeof(frame));
	if (!ASSERT_EQ(n, n_in + 50, "outer is 50 bytes"))
		return;
	ASSERT_EQ(ref_sum(frame + 14, 20, 0), 0xffff, "outer ip csum");
	ASSERT_EQ(ref_l4_sum(frame + 14, frame + 34, n - 34), 0xffff, "outer udp csum");
	ASSERT_OK(pl_pkt_parse(frame, n, &info), "parse");
	ASSERT_TRUE(info.vxlan, "vxlan");
	ASSERT_EQ(info.vni, 300, "vni");
	ASSERT_EQ(info.dport, 4789, "dport");
	ASSERT_GE(info.sport, 49152, "flow-hash sport");
	ASSERT_EQ(info.inner_off, 50, "inner offset");
	ASSERT_MEMEQ(frame + info.inner_off, inner, n_in, "inner bytes");
	ASSERT_EQ(pl_pkt_build_vxlan(&out, 1 << 24, inner, n_in, frame, sizeof(frame)), -EINVAL,
		  "vni over 24 bits");
}

PL_TEST(unit, pkt_summaries)
{
	struct pl_pkt_spec s;
	uint8_t buf[256], inner[128];
	char sum[256];
	int n, n_in;

	s = base_spec(IPPROTO_TCP);
	s.tcp_flags = TH_SYN_;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "10.244.1.10:40000 > 10.244.2.10:80 TCP [S]", "tcp syn");

	s.tcp_flags = TH_SYN_ | TH_ACK_;
	s.vlan_id = 100;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "vlan 100 10.244.1.10:40000 > 10.244.2.10:80 TCP [S.]", "vlan syn-ack");

	s = base_spec(IPPROTO_UDP);
	s.dport = 53;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "10.244.1.10:40000 > 10.244.2.10:53 UDP", "udp");

	s = base_spec(IPPROTO_ICMP);
	s.icmp_type = 8;
	s.sport = 7;
	s.icmp_seq = 1;
	s.ttl = 1;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "10.244.1.10 > 10.244.2.10 ICMP echo id 7 seq 1 ttl 1", "icmp echo");

	s = base_spec(IPPROTO_TCP);
	s.frag = 0x2000 | 1;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "10.244.1.10 > 10.244.2.10 TCP frag off 8 MF", "later fragment");

	s = base_spec(IPPROTO_TCP);
	s.tcp_flags = TH_FIN_ | TH_ACK_;
	n_in = pl_pkt_build(&s, inner, sizeof(inner));
	s = base_spec(0);
	s.saddr = htonl(0xc0a83202);
	s.daddr = htonl(0xc0a83201);
	s.sport = 50000;
	n = pl_pkt_build_vxlan(&s, 300, inner, n_in, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum,
		     "vxlan vni 300 192.168.50.2:50000 > 192.168.50.1:4789 "
		     "{ 10.244.1.10:40000 > 10.244.2.10:80 TCP [F.] }",
		     "vxlan");

	s = base_spec(0);
	s.eth_proto = 0x0806;
	s.payload = payload;
	s.payload_len = 28;
	n = pl_pkt_build(&s, buf, sizeof(buf));
	pl_pkt_summary(buf, n, sum, sizeof(sum));
	ASSERT_STREQ(sum, "ARP", "arp");

	pl_pkt_summary(buf, 5, sum, sizeof(sum));
	ASSERT_STREQ(sum, "malformed: truncated Ethernet header", "5 bytes");
	ASSERT_EQ(pl_pkt_summary(buf, n, sum, 3), -ENOSPC, "small buffer");
	ASSERT_EQ(strlen(sum), 2, "still terminated");
}

/* Copies len bytes to end exactly at a PROT_NONE page: any read past len faults. */
struct guarded {
	uint8_t *map;
	size_t page;
};

static const uint8_t *guard_copy(struct guarded *g, const uint8_t *src, size_t len)
{
	memcpy(g->map + g->page - len, src, len);
	return g->map + g->page - len;
}

static bool guard_init(struct guarded *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->map =
		mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return false;
	return mprotect(g->map + g->page, g->page, PROT_NONE) == 0;
}

PL_TEST(unit, pkt_parse_truncated_every_boundary)
{
	static const struct {
		const char *desc;
		uint8_t proto;
		uint16_t vlan;
		uint8_t opts;
		bool vxlan;
	} cases[] = {
		{"tcp", IPPROTO_TCP, 0, 0, false},	  {"udp", IPPROTO_UDP, 0, 0, false},
		{"icmp", IPPROTO_ICMP, 0, 0, false},	  {"vlan tcp", IPPROTO_TCP, 7, 0, false},
		{"ipopts udp", IPPROTO_UDP, 0, 8, false}, {"vxlan tcp", IPPROTO_TCP, 0, 0, true},
	};
	struct guarded g;
	uint8_t frame[256], inner[128];
	char sum[512];
	size_t i, len;

	if (!ASSERT_TRUE(guard_init(&g), "guard page"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_pkt_spec s = base_spec(cases[i].proto);
		struct pl_pkt_info info;
		size_t eth = 14 + (cases[i].vlan ? 4 : 0);
		size_t ihl = 20 + cases[i].opts;
		const uint8_t *p;
		int n;

		pl_subtest("%s", cases[i].desc);
		s.vlan_id = cases[i].vlan;
		s.ip_opt_len = cases[i].opts;
		s.icmp_type = 8;
		n = pl_pkt_build(&s, frame, sizeof(frame));
		if (cases[i].vxlan) {
			memcpy(inner, frame, n);
			s = base_spec(0);
			n = pl_pkt_build_vxlan(&s, 5, inner, n, frame, sizeof(frame));
		}
		if (!ASSERT_GT(n, 0, "build"))
			continue;
		p = guard_copy(&g, frame, n);
		ASSERT_OK(pl_pkt_parse(p, n, &info), "whole frame parses");
		ASSERT_TRUE(info.error == NULL, "no error on whole frame");
		for (len = 0; len < (size_t)n; len++) {
			p = guard_copy(&g, frame, len);
			ASSERT_EQ(pl_pkt_parse(p, len, &info), -EINVAL, "cut frame is an error");
			if (!ASSERT_OK_PTR(info.error, "error set"))
				break;
			if (len < 14)
				ASSERT_STREQ(info.error, "truncated Ethernet header", "eth");
			else if (len < eth)
				ASSERT_STREQ(info.error, "truncated 802.1Q tag", "vlan");
			else if (len < eth + 20)
				ASSERT_STREQ(info.error, "truncated IPv4 header", "ip");
			else if (len < eth + ihl)
				ASSERT_STREQ(info.error, "IPv4 options beyond the frame", "opts");
			else
				ASSERT_STREQ(info.error, "IPv4 total length beyond the frame",
					     "tot");
			ASSERT_GT(pl_pkt_summary(p, len, sum, sizeof(sum)), 0, "summary");
			ASSERT_STRSTR(sum, "malformed: ", "summary says malformed");
		}
	}
	munmap(g.map, 2 * g.page);
}

/* Cuts inside L4 with tot_len and the IP checksum made consistent: the L4 check must catch it. */
PL_TEST(unit, pkt_parse_short_l4_and_bad_ip)
{
	static const struct {
		const char *desc;
		uint8_t proto;
		size_t l4_keep;
		uint8_t ver_ihl; /* 0 = leave */
		const char *error;
	} cases[] = {
		{"tcp 19 bytes", IPPROTO_TCP, 19, 0, "truncated TCP header"},
		{"udp 7 bytes", IPPROTO_UDP, 7, 0, "truncated UDP header"},
		{"icmp 4 bytes", IPPROTO_ICMP, 4, 0, "truncated ICMP header"},
		{"ihl 4", IPPROTO_TCP, 20, 0x44, "IPv4 ihl < 5"},
		{"ihl 0", IPPROTO_UDP, 8, 0x40, "IPv4 ihl < 5"},
		{"version 6", IPPROTO_UDP, 8, 0x65, "IPv4 EtherType but IP version is not 4"},
		{"ihl 15 options beyond", IPPROTO_UDP, 8, 0x4f, "IPv4 options beyond the frame"},
	};
	uint8_t f[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pl_pkt_spec s = base_spec(cases[i].proto);
		struct pl_pkt_info info;
		size_t len = 14 + 20 + cases[i].l4_keep;

		pl_subtest("%s", cases[i].desc);
		pl_pkt_build(&s, f, sizeof(f));
		f[16] = (20 + cases[i].l4_keep) >> 8;
		f[17] = (20 + cases[i].l4_keep) & 0xff;
		if (cases[i].ver_ihl)
			f[14] = cases[i].ver_ihl;
		f[24] = f[25] = 0;
		s.saddr = pl_csum_ipv4_header(f + 14, 20);
		f[24] = s.saddr >> 8;
		f[25] = s.saddr & 0xff;
		ASSERT_EQ(pl_pkt_parse(f, len, &info), -EINVAL, "rejected");
		ASSERT_STREQ(info.error, cases[i].error, "error");
	}
}

PL_TEST(unit, pkt_parse_fields)
{
	struct pl_pkt_spec s = base_spec(IPPROTO_TCP);
	struct pl_pkt_info info;
	uint8_t f[128];
	int n;

	s.tcp_flags = TH_SYN_;
	s.ttl = 9;
	s.vlan_id = 42;
	s.frag = 0x4000; /* DF only: not a fragment */
	n = pl_pkt_build(&s, f, sizeof(f));
	if (!ASSERT_OK(pl_pkt_parse(f, n, &info), "parse"))
		return;
	ASSERT_TRUE(info.ipv4, "ipv4");
	ASSERT_EQ(info.eth_proto, 0x0800, "eth proto after tag");
	ASSERT_EQ(info.vlan_id, 42, "vlan");
	ASSERT_EQ(info.saddr, s.saddr, "saddr");
	ASSERT_EQ(info.daddr, s.daddr, "daddr");
	ASSERT_EQ(info.proto, IPPROTO_TCP, "proto");
	ASSERT_EQ(info.ttl, 9, "ttl");
	ASSERT_EQ(info.ip_id, 1234, "id");
	ASSERT_FALSE(info.fragment, "DF is not a fragment");
	ASSERT_EQ(info.sport, 40000, "sport");
	ASSERT_EQ(info.dport, 80, "dport");
	ASSERT_EQ(info.tcp_flags, TH_SYN_, "flags");

	/* Ethernet padding after tot_len is fine. */
	memset(f + n, 0, 10);
	ASSERT_OK(pl_pkt_parse(f, n + 10, &info), "padded");

	s.eth_proto = 0x86dd;
	s.vlan_id = 0;
	n = pl_pkt_build(&s, f, sizeof(f));
	ASSERT_EQ(n, 14, "ipv6 without body");
	ASSERT_EQ(pl_pkt_parse(f, n, &info), -EINVAL, "ipv6 EtherType without a header");
	ASSERT_EQ(info.err, PL_PKT_IP6_TRUNC, "named error");
	ASSERT_FALSE(info.ipv4, "not ipv4");
	ASSERT_EQ(info.eth_proto, 0x86dd, "eth proto");
}
