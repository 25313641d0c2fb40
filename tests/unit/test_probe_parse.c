// SPDX-License-Identifier: GPL-2.0
/* probe/check helpers that need no privileges: capture classification, --only parsing. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "probe/capture.h"
#include "probe/check.h"

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

PL_TEST(unit, capture_classifies_plain_vxlan_other)
{
	struct pl_pkt_spec inner = {.saddr = ip4("10.244.1.10"),
				    .daddr = ip4("10.244.2.20"),
				    .proto = IPPROTO_TCP,
				    .sport = 40000,
				    .dport = 80};
	struct pl_pkt_spec outer = {.saddr = ip4("192.168.50.1"), .daddr = ip4("192.168.50.2")};
	struct pl_pkt_spec arp = {.eth_proto = 0x0806};
	uint8_t in[256], vx[512], other[128];
	struct pl_cap_flow f;
	int ilen, vlen, olen;

	ilen = pl_pkt_build(&inner, in, sizeof(in));
	vlen = pl_pkt_build_vxlan(&outer, 300, in, ilen, vx, sizeof(vx));
	olen = pl_pkt_build(&arp, other, sizeof(other));
	if (!ASSERT_GT(ilen, 0, "inner") || !ASSERT_GT(vlen, 0, "vxlan") ||
	    !ASSERT_GT(olen, 0, "arp"))
		return;

	pl_subtest("plain");
	memset(&f, 0, sizeof(f));
	pl_capture_classify(in, ilen, &f);
	ASSERT_EQ(f.kind, PL_CAP_PLAIN, "kind");
	ASSERT_EQ(f.src, ip4("10.244.1.10"), "src");
	ASSERT_EQ(f.dst, ip4("10.244.2.20"), "dst");
	ASSERT_EQ(f.proto, IPPROTO_TCP, "proto");

	pl_subtest("vxlan");
	memset(&f, 0, sizeof(f));
	pl_capture_classify(vx, vlen, &f);
	ASSERT_EQ(f.kind, PL_CAP_VXLAN, "kind");
	ASSERT_EQ(f.src, ip4("192.168.50.1"), "outer src");
	ASSERT_EQ(f.dst, ip4("192.168.50.2"), "outer dst");
	ASSERT_EQ(f.proto, IPPROTO_UDP, "outer proto");
	ASSERT_EQ(f.vni, 300, "vni");
	ASSERT_EQ(f.inner_src, ip4("10.244.1.10"), "inner src");
	ASSERT_EQ(f.inner_dst, ip4("10.244.2.20"), "inner dst");
	ASSERT_EQ(f.inner_proto, IPPROTO_TCP, "inner proto");

	pl_subtest("vxlan cut before the inner frame is plain UDP");
	memset(&f, 0, sizeof(f));
	pl_capture_classify(vx, 14 + 20 + 8 + 8 + 4, &f);
	ASSERT_EQ(f.kind, PL_CAP_PLAIN, "kind");
	ASSERT_EQ(f.proto, IPPROTO_UDP, "proto");

	pl_subtest("arp");
	memset(&f, 0, sizeof(f));
	pl_capture_classify(other, olen, &f);
	ASSERT_EQ(f.kind, PL_CAP_OTHER, "kind");

	pl_subtest("truncated ethernet");
	memset(&f, 0, sizeof(f));
	pl_capture_classify(in, 10, &f);
	ASSERT_EQ(f.kind, PL_CAP_OTHER, "kind");
}

PL_TEST(unit, check_sections_parse)
{
	static const struct {
		const char *in;
		int err;
		unsigned int bits;
		const char *bad;
	} cases[] = {
		{"connectivity", 0, PL_CHECK_CONNECTIVITY, NULL},
		{"mtu,shaping", 0, PL_CHECK_MTU | PL_CHECK_SHAPING, NULL},
		{"natfree,underlay,natfree", 0, PL_CHECK_NATFREE | PL_CHECK_UNDERLAY, NULL},
		{"mtu,bogus", -EINVAL, 0, "bogus"},
		{"mt", -EINVAL, 0, "mt"},
		{"", -EINVAL, 0, ""},
	};
	const char *bad;
	unsigned int bits;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("'%s'", cases[i].in);
		bits = 0;
		bad = NULL;
		ASSERT_EQ(pl_check_sections_parse(cases[i].in, &bits, &bad), cases[i].err, "err");
		if (!cases[i].err)
			ASSERT_EQ(bits, cases[i].bits, "bits");
		else
			ASSERT_STREQ(bad, cases[i].bad, "bad word");
	}
	ASSERT_STREQ(pl_check_section_name(PL_CHECK_UNDERLAY), "underlay", "name");
}
