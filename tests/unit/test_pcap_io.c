// SPDX-License-Identifier: GPL-2.0
/*
 * Capture reader: every link type normalised to the same Ethernet frame,
 * snapshot cuts flagged, filters, the writer, and a table of broken files.
 * Captures are written byte by byte here, independent of libpcap's writer.
 */
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"

struct cap {
	uint8_t b[310000];
	size_t n;
};

static void le16(struct cap *c, uint16_t v)
{
	c->b[c->n++] = v & 0xff;
	c->b[c->n++] = v >> 8;
}

static void le32(struct cap *c, uint32_t v)
{
	le16(c, v & 0xffff);
	le16(c, v >> 16);
}

static void bytes(struct cap *c, const void *p, size_t len)
{
	memcpy(c->b + c->n, p, len);
	c->n += len;
}

static void pcap_header(struct cap *c, uint32_t linktype)
{
	c->n = 0;
	le32(c, 0xa1b2c3d4);
	le16(c, 2);
	le16(c, 4);
	le32(c, 0);
	le32(c, 0);
	le32(c, 262144);
	le32(c, linktype);
}

/* A record claiming caplen/len; `have` bytes of data actually follow. */
static void pcap_record(struct cap *c, uint32_t caplen, uint32_t len, const void *data, size_t have)
{
	le32(c, 1700000000);
	le32(c, 250);
	le32(c, caplen);
	le32(c, len);
	if (data)
		bytes(c, data, have);
	else
		c->n += have; /* zeros */
}

static struct pl_pcap_reader *open_cap(struct cap *c, char *err, size_t errlen)
{
	FILE *f = c->n ? fmemopen(c->b, c->n, "rb") : fopen("/dev/null", "rb");

	if (!f)
		return NULL;
	return pl_pcap_fopen(f, "x.pcap", err, errlen);
}

/* The TCP SYN every link type below carries. */
static int tcp_frame(uint8_t *buf, uint16_t dport)
{
	struct pl_pkt_spec s = {
		.smac = {2, 0, 0, 0, 0, 1},
		.dmac = {2, 0, 0, 0, 0, 2},
		.proto = IPPROTO_TCP,
		.sport = 40000,
		.dport = dport,
		.tcp_flags = 0x02,
	};

	inet_pton(AF_INET, "10.244.2.10", &s.saddr);
	inet_pton(AF_INET, "10.244.1.10", &s.daddr);
	return pl_pkt_build(&s, buf, 128);
}

static void sll_header(uint8_t *h, uint16_t hatype, uint16_t proto, const uint8_t *mac)
{
	memset(h, 0, 16);
	h[2] = hatype >> 8;
	h[3] = hatype & 0xff;
	h[5] = 6;
	memcpy(h + 6, mac, 6);
	h[14] = proto >> 8;
	h[15] = proto & 0xff;
}

static void sll2_header(uint8_t *h, uint16_t hatype, uint16_t proto, const uint8_t *mac)
{
	memset(h, 0, 20);
	h[0] = proto >> 8;
	h[1] = proto & 0xff;
	h[7] = 3; /* ifindex */
	h[8] = hatype >> 8;
	h[9] = hatype & 0xff;
	h[10] = 4; /* PACKET_OUTGOING */
	h[11] = 6;
	memcpy(h + 12, mac, 6);
}

PL_TEST(unit, pcap_linktypes_normalise_to_ethernet)
{
	static const struct {
		const char *desc;
		uint32_t linktype;
		int hdr;      /* 0 none, 1 SLL, 2 SLL2 */
		bool src_mac; /* the link header keeps the source MAC */
		int expect_dlt;
	} cases[] = {
		{"EN10MB", 1, 0, true, PL_LINK_EN10MB},
		{"LINUX_SLL", 113, 1, true, PL_LINK_LINUX_SLL},
		{"LINUX_SLL2", 276, 2, true, PL_LINK_LINUX_SLL2},
		{"RAW (LINKTYPE 101)", 101, 0, false, PL_LINK_RAW},
		{"IPV4", 228, 0, false, PL_LINK_IPV4},
	};
	uint8_t frame[128], rec[160], want[128];
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	static struct cap c;
	char err[256];
	size_t i, rlen;
	int n = tcp_frame(frame, 80);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		rlen = 0;
		if (cases[i].hdr == 1) {
			sll_header(rec, 1, 0x0800, frame + 6);
			rlen = 16;
		} else if (cases[i].hdr == 2) {
			sll2_header(rec, 1, 0x0800, frame + 6);
			rlen = 20;
		}
		if (cases[i].linktype == 1) {
			memcpy(rec, frame, n);
			rlen = n;
		} else {
			memcpy(rec + rlen, frame + 14, n - 14);
			rlen += n - 14;
		}
		pcap_header(&c, cases[i].linktype);
		pcap_record(&c, rlen, rlen, rec, rlen);
		r = open_cap(&c, err, sizeof(err));
		if (!ASSERT_OK_PTR(r, err))
			continue;
		ASSERT_EQ(pl_pcap_linktype(r), cases[i].expect_dlt, "link type");
		memcpy(want, frame, n);
		if (cases[i].linktype != 1)
			memset(want, 0, 6); /* no destination MAC outside Ethernet */
		if (!cases[i].src_mac)
			memset(want + 6, 0, 6);
		if (ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "a packet")) {
			ASSERT_EQ(pkt.number, 1, "number");
			ASSERT_EQ(pkt.ts_ns, 1700000000ull * 1000000000ull + 250000, "ts");
			ASSERT_TRUE(pkt.skip == NULL, "replayable");
			if (ASSERT_EQ(pkt.len, n, "len"))
				ASSERT_MEMEQ(pkt.data, want, n, "frame");
			ASSERT_EQ(pkt.orig_len, n, "orig len");
		}
		ASSERT_EQ(pl_pcap_next(r, &pkt), 0, "end");
		pl_pcap_close(r);
	}
}

PL_TEST(unit, pcap_ipv6_and_odd_cooked_packets)
{
	static struct cap c;
	uint8_t v6[48] = {0x60}, rec[80];
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	char err[256];
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 9};

	/* RAW with an IPv6 packet, and IPV6 link type: EtherType 0x86dd. */
	pcap_header(&c, 101);
	pcap_record(&c, 40, 40, v6, 40);
	pcap_record(&c, 1, 1, "\x12", 1); /* version 1: neither v4 nor v6 */
	r = open_cap(&c, err, sizeof(err));
	if (ASSERT_OK_PTR(r, err)) {
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "v6 packet");
		ASSERT_EQ(pkt.data[12] << 8 | pkt.data[13], 0x86dd, "IPv6 EtherType");
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "odd packet");
		ASSERT_STREQ(pkt.skip, "raw packet is neither IPv4 nor IPv6", "skipped");
		pl_pcap_close(r);
	}
	pcap_header(&c, 229);
	pcap_record(&c, 40, 40, v6, 40);
	r = open_cap(&c, err, sizeof(err));
	if (ASSERT_OK_PTR(r, err)) {
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "v6 packet");
		ASSERT_EQ(pkt.data[12] << 8 | pkt.data[13], 0x86dd, "IPV6 link type");
		ASSERT_EQ(pkt.len, 54, "14 + 40");
		pl_pcap_close(r);
	}
	/* SLL2: netlink, a non-EtherType protocol, a header cut short: skipped, not fatal. */
	pcap_header(&c, 276);
	sll2_header(rec, 824, 0, mac);
	pcap_record(&c, 36, 36, rec, 36);
	sll2_header(rec, 1, 0x0004, mac);
	pcap_record(&c, 30, 30, rec, 30);
	pcap_record(&c, 10, 10, rec, 10);
	sll2_header(rec, 1, 0x0806, mac);
	pcap_record(&c, 48, 48, rec, 48);
	r = open_cap(&c, err, sizeof(err));
	if (ASSERT_OK_PTR(r, err)) {
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "netlink");
		ASSERT_STRSTR(pkt.skip, "netlink", "netlink skipped");
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "802.2");
		ASSERT_STRSTR(pkt.skip, "not an EtherType", "802.2 skipped");
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "short");
		ASSERT_STRSTR(pkt.skip, "shorter than its cooked", "short skipped");
		ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "arp");
		ASSERT_TRUE(pkt.skip == NULL, "arp replayable");
		ASSERT_MEMEQ(pkt.data + 6, mac, 6, "source MAC kept");
		ASSERT_EQ(pkt.number, 4, "number 4");
		pl_pcap_close(r);
	}
}

PL_TEST(unit, pcap_snap_truncated_is_flagged)
{
	static struct cap c;
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	uint8_t frame[128];
	char err[256];
	int n = tcp_frame(frame, 80);

	pcap_header(&c, 1);
	pcap_record(&c, 40, n, frame, 40);
	pcap_record(&c, n, n, frame, n);
	r = open_cap(&c, err, sizeof(err));
	if (!ASSERT_OK_PTR(r, err))
		return;
	ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "first");
	ASSERT_TRUE(pkt.snap_truncated, "flagged");
	ASSERT_STRSTR(pkt.skip, "snapshot length", "skip reason");
	ASSERT_EQ(pkt.len, 40, "captured");
	ASSERT_EQ(pkt.orig_len, n, "on the wire");
	ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "second");
	ASSERT_FALSE(pkt.snap_truncated, "whole");
	pl_pcap_close(r);
}

/* pcapng written by hand: SHB, IDB (LINUX_SLL2), two EPBs. */
PL_TEST(unit, pcapng_sll2_with_filter)
{
	static struct cap c;
	uint8_t frame[128], rec[160];
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	char err[256];
	int n, i;

	c.n = 0;
	le32(&c, 0x0a0d0d0a), le32(&c, 28), le32(&c, 0x1a2b3c4d), le16(&c, 1), le16(&c, 0);
	le32(&c, 0xffffffff), le32(&c, 0xffffffff), le32(&c, 28);
	le32(&c, 1), le32(&c, 20), le16(&c, 276), le16(&c, 0), le32(&c, 262144), le32(&c, 20);
	for (i = 0; i < 2; i++) {
		n = tcp_frame(frame, i ? 443 : 80);
		sll2_header(rec, 1, 0x0800, frame + 6);
		memcpy(rec + 20, frame + 14, n - 14);
		n = n - 14 + 20; /* 60: a multiple of 4, no padding */
		le32(&c, 6), le32(&c, 32 + n), le32(&c, 0), le32(&c, 0), le32(&c, 1000 + i);
		le32(&c, n), le32(&c, n);
		bytes(&c, rec, n);
		le32(&c, 32 + n);
	}
	r = open_cap(&c, err, sizeof(err));
	if (!ASSERT_OK_PTR(r, err))
		return;
	ASSERT_EQ(pl_pcap_linktype(r), PL_LINK_LINUX_SLL2, "pcapng link type");
	if (!ASSERT_OK(pl_pcap_set_filter(r, "tcp dst port 443", err, sizeof(err)), err))
		goto out;
	ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "matching packet");
	ASSERT_EQ(pkt.number, 2, "number counts filtered packets");
	ASSERT_EQ(pkt.data[14 + 20 + 2] << 8 | pkt.data[14 + 20 + 3], 443, "dport");
	ASSERT_EQ(pl_pcap_next(r, &pkt), 0, "end");
	ASSERT_EQ(pl_pcap_set_filter(r, "tcp port", err, sizeof(err)), -EINVAL, "bad filter");
	ASSERT_STRSTR(err, "filter 'tcp port': ", "filter error names the expression");
out:
	pl_pcap_close(r);
}

PL_TEST(unit, pcap_writer_roundtrip_en10mb_and_sll2)
{
	static const int types[] = {PL_LINK_EN10MB, PL_LINK_LINUX_SLL2};
	char path[] = "/tmp/pl-test-pcap-XXXXXX", err[256];
	struct pl_pcap_writer *w;
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	uint8_t frame[128];
	int n = tcp_frame(frame, 80), fd;
	size_t i;

	fd = mkstemp(path);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	close(fd);
	for (i = 0; i < 2; i++) {
		pl_subtest("%s", pl_linktype_name(types[i]));
		w = pl_pcap_writer_open(path, types[i], err, sizeof(err));
		if (!ASSERT_OK_PTR(w, err))
			continue;
		ASSERT_OK(pl_pcap_write(w, 1500000000123456789ull, frame, n), "write");
		ASSERT_OK(pl_pcap_writer_close(w), "close");
		r = pl_pcap_open(path, err, sizeof(err));
		if (!ASSERT_OK_PTR(r, err))
			continue;
		ASSERT_EQ(pl_pcap_linktype(r), types[i], "link type");
		if (ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "packet")) {
			ASSERT_EQ(pkt.ts_ns, 1500000000123456000ull, "microsecond timestamp");
			ASSERT_EQ(pkt.len, n, "len");
			ASSERT_MEMEQ(pkt.data + 6, frame + 6, n - 6, "all but the destination MAC");
		}
		pl_pcap_close(r);
	}
	/* An aborted writer leaves the previous file alone. */
	w = pl_pcap_writer_open(path, PL_LINK_EN10MB, err, sizeof(err));
	if (ASSERT_OK_PTR(w, err)) {
		pl_pcap_write(w, 0, frame, n);
		pl_pcap_write(w, 0, frame, n);
		pl_pcap_writer_abort(w);
		r = pl_pcap_open(path, err, sizeof(err));
		if (ASSERT_OK_PTR(r, err)) {
			ASSERT_EQ(pl_pcap_linktype(r), PL_LINK_LINUX_SLL2, "old file kept");
			pl_pcap_close(r);
		}
	}
	unlink(path);
}

enum broken {
	B_EMPTY,
	B_GARBAGE,
	B_SHORT_FILE_HEADER,
	B_SHORT_RECORD_HEADER,
	B_SHORT_DATA,
	B_IEEE802_11,
	B_OVERSIZED,
	B_GSO_SIZED,
	B_CAPLEN_OVER_LEN,
	B_HEADER_ONLY,
};

static void build_broken(struct cap *c, enum broken kind)
{
	uint8_t frame[128];
	int n = tcp_frame(frame, 80);

	pcap_header(c, kind == B_IEEE802_11 ? 105 : 1);
	switch (kind) {
	case B_EMPTY:
		c->n = 0;
		break;
	case B_GARBAGE:
		c->n = 0;
		bytes(c, "this is not a capture file at all, just text\n", 46);
		break;
	case B_SHORT_FILE_HEADER:
		c->n = 10;
		break;
	case B_SHORT_RECORD_HEADER:
		pcap_record(c, n, n, frame, n);
		le32(c, 1700000001);
		c->n += 1;
		break;
	case B_SHORT_DATA:
		pcap_record(c, n, n, frame, 20);
		break;
	case B_IEEE802_11:
		pcap_record(c, n, n, frame, n);
		break;
	case B_OVERSIZED:
		pcap_record(c, n, n, frame, n);
		pcap_record(c, 300000, 300000, NULL, 300000);
		break;
	case B_GSO_SIZED:
		pcap_record(c, n, n, frame, n);
		pcap_record(c, 70000, 70000, NULL, 70000);
		break;
	case B_CAPLEN_OVER_LEN:
		pcap_record(c, n, 40, frame, n);
		break;
	case B_HEADER_ONLY:
		break;
	}
}

PL_TEST(unit, pcap_broken_files_one_clear_line)
{
	static const struct {
		const char *desc;
		enum broken kind;
		bool opens;
		int good; /* packets read before the error */
		int last; /* what next() returns then */
		const char *err;
	} cases[] = {
		{"empty file", B_EMPTY, false, 0, 0, "x.pcap: empty file"},
		{"garbage header", B_GARBAGE, false, 0, 0,
		 "x.pcap: not a readable pcap or pcapng file: unknown file format"},
		{"truncated file header", B_SHORT_FILE_HEADER, false, 0, 0,
		 "x.pcap: not a readable pcap or pcapng file: truncated dump file"},
		{"truncated record header", B_SHORT_RECORD_HEADER, true, 1, -EINVAL,
		 "x.pcap: packet 2: truncated dump file; tried to read 16 header bytes, only got "
		 "5"},
		{"truncated packet data", B_SHORT_DATA, true, 0, -EINVAL,
		 "x.pcap: packet 1: truncated dump file; tried to read 54 captured bytes, only "
		 "got 20"},
		{"unsupported link type", B_IEEE802_11, false, 0, 0,
		 "x.pcap: link type IEEE802_11 (105) is not supported"},
		{"packet over libpcap's 262144", B_OVERSIZED, true, 1, -EINVAL, "x.pcap: packet 2: "},
		{"a 70000-byte GSO frame reads (replay splits it)", B_GSO_SIZED, true, 2, 0, NULL},
		{"caplen over len", B_CAPLEN_OVER_LEN, true, 0, -EINVAL,
		 "x.pcap: packet 1: captured length 54 is larger than the wire length 40"},
		{"header only: a valid empty capture", B_HEADER_ONLY, true, 0, 0, NULL},
	};
	static struct cap c;
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	char err[512];
	size_t i;
	int k, ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		build_broken(&c, cases[i].kind);
		err[0] = '\0';
		r = open_cap(&c, err, sizeof(err));
		if (!cases[i].opens) {
			ASSERT_TRUE(r == NULL, "open fails");
			ASSERT_STRSTR(err, cases[i].err, "open error");
			ASSERT_TRUE(strchr(err, '\n') == NULL, "one line");
			pl_pcap_close(r);
			continue;
		}
		if (!ASSERT_OK_PTR(r, err))
			continue;
		for (k = 0; k < cases[i].good; k++)
			ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "good packet");
		ret = pl_pcap_next(r, &pkt);
		ASSERT_EQ(ret, cases[i].last, "then");
		if (cases[i].err) {
			ASSERT_STRSTR(pl_pcap_error(r), cases[i].err, "error line");
			ASSERT_TRUE(strchr(pl_pcap_error(r), '\n') == NULL, "one line");
			ASSERT_EQ(pl_pcap_next(r, &pkt), -EINVAL, "sticky");
		} else {
			ASSERT_TRUE(pl_pcap_error(r) == NULL, "no error");
		}
		pl_pcap_close(r);
	}
}
