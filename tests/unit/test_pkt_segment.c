// SPDX-License-Identifier: GPL-2.0
/*
 * TSO-style segmentation of oversized captured TCP frames (GRO, GSO, BIG TCP):
 * a table of frames and what must come out, every segment checked for
 * length, sequence number, IPv4 ID, flags, both checksums and its payload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "test.h"
#include "lib/pkt.h"
#include "lib/pkt_internal.h"
#include "replay/replay_input.h"

#define SEQ0  1000000u
#define ID0   4242
#define FLAGS (0x80 | 0x10 | 0x08 | 0x01) /* CWR ACK PSH FIN */

enum shape { V4, V4_BIG_TCP, V6, V6_JUMBO, V4_UDP, V4_FRAGMENT, V4_SHORT_TCP };

/* Builds a frame of `payload` TCP bytes (patterned) shaped as asked; its length. */
static size_t big_frame(enum shape shape, size_t payload, uint8_t *out)
{
	struct pl_pkt_spec s = {
		.dmac = {2, 0, 0, 0, 0, 2},
		.smac = {2, 0, 0, 0, 0, 1},
		.proto = shape == V4_UDP ? IPPROTO_UDP : IPPROTO_TCP,
		.sport = 40000,
		.dport = 80,
		.tcp_flags = FLAGS,
		.seq = SEQ0,
		.ack = 7,
		.ip_id = ID0,
		.frag = shape == V4_FRAGMENT ? 0x2000 : 0x4000,
	};
	size_t hdr, l3 = 20, i;
	int n;

	if (shape == V6 || shape == V6_JUMBO) {
		s.family = AF_INET6;
		inet_pton(AF_INET6, "fd00:10:244:1::10", s.saddr6);
		inet_pton(AF_INET6, "fd00:10:244:2::20", s.daddr6);
		l3 = 40;
	} else {
		inet_pton(AF_INET, "10.244.1.10", &s.saddr);
		inet_pton(AF_INET, "10.244.2.20", &s.daddr);
	}
	n = pl_pkt_build(&s, out, PL_PKT_MAX);
	if (n < 0)
		return 0;
	hdr = (size_t)n; /* Ethernet + IP + TCP (or UDP), no payload */
	if (shape == V6_JUMBO) {
		/* RFC 2675: hop-by-hop header holding the jumbo payload option, payload length 0 */
		memmove(out + 14 + 40 + 8, out + 14 + 40, hdr - 54);
		out[14 + 40] = IPPROTO_TCP;
		out[14 + 40 + 1] = 0;
		out[14 + 40 + 2] = 0xc2;
		out[14 + 40 + 3] = 4;
		pkt_put32(out + 14 + 40 + 4, (uint32_t)(hdr - 54 + 8 + payload));
		out[14 + 6] = 0;
		hdr += 8;
	}
	for (i = 0; i < payload; i++)
		out[hdr + i] = (uint8_t)(i * 7 + i / 251);
	if (shape == V4 || shape == V4_FRAGMENT || shape == V4_UDP)
		pkt_put16(out + 14 + 2, (uint16_t)(hdr - 14 + payload));
	else if (shape == V4_BIG_TCP)
		pkt_put16(out + 14 + 2, 0);
	else if (shape == V6)
		pkt_put16(out + 14 + 4, (uint16_t)(hdr - 14 - 40 + payload));
	else
		pkt_put16(out + 14 + 4, 0);
	if (shape == V4_SHORT_TCP)
		return 14 + l3 + 10; /* the TCP header cut in half */
	return hdr + payload;
}

static void check_segments(const uint8_t *orig, size_t payload, bool v6, unsigned mtu,
			   const struct pl_pkt_segs *sg)
{
	size_t l3 = v6 ? 40 : 20, hdr = 14 + l3 + 20, off = 0, want_n;
	const uint8_t *opay = orig + (v6 && orig[14 + 6] == 0 ? hdr + 8 : hdr);
	int i, bad_len = 0, bad_seq = 0, bad_id = 0, bad_csum = 0, bad_flags = 0, bad_data = 0;
	int bad_parse = 0;

	want_n = (payload + (mtu - l3 - 20) - 1) / (mtu - l3 - 20);
	ASSERT_EQ(sg->n, (int)want_n, "segments");
	for (i = 0; i < sg->n; i++) {
		const uint8_t *f = sg->buf + sg->off[i], *ip = f + 14, *th = ip + l3;
		size_t len = sg->len[i], chunk = len - hdr;
		uint8_t want_flags = FLAGS;
		struct pl_pkt_info info;
		uint32_t sa, da;

		bad_len += len > 14 + mtu || len <= hdr;
		bad_seq += pkt_get32(th + 4) != SEQ0 + off;
		if (i != sg->n - 1)
			want_flags &= (uint8_t)~0x09;
		if (i)
			want_flags &= (uint8_t)~0x80;
		bad_flags += th[13] != want_flags;
		if (v6) {
			bad_len += pkt_get16(ip + 4) != 20 + chunk || ip[6] != IPPROTO_TCP;
			bad_csum += pl_csum_l4_6(ip + 8, ip + 24, IPPROTO_TCP, th, 20 + chunk) != 0;
		} else {
			bad_len += pkt_get16(ip + 2) != l3 + 20 + chunk;
			bad_id += pkt_get16(ip + 4) != ID0 + i;
			bad_csum += pl_csum(ip, l3) != 0;
			memcpy(&sa, ip + 12, 4);
			memcpy(&da, ip + 16, 4);
			bad_csum += pl_csum_l4(sa, da, IPPROTO_TCP, th, 20 + chunk) != 0;
		}
		bad_data += memcmp(th + 20, opay + off, chunk) != 0;
		bad_parse += pl_pkt_parse(f, len, &info) != 0;
		off += chunk;
	}
	ASSERT_EQ(off, payload, "payload bytes, all of them");
	ASSERT_EQ(bad_len, 0, "segments with a wrong length");
	ASSERT_EQ(bad_seq, 0, "segments with a wrong sequence number");
	ASSERT_EQ(bad_id, 0, "IPv4 IDs not counting up");
	ASSERT_EQ(bad_flags, 0, "FIN/PSH only on the last, CWR only on the first");
	ASSERT_EQ(bad_csum, 0, "checksums that do not verify");
	ASSERT_EQ(bad_data, 0, "segments whose payload differs from the original's");
	ASSERT_EQ(bad_parse, 0, "segments the decoder rejects");
}

PL_TEST(unit, pkt_segment_table)
{
	static const struct {
		const char *desc;
		enum shape shape;
		size_t payload;
		unsigned mtu;
		int err;
	} cases[] = {
		{"IPv4 GSO frame, 30000 bytes at MTU 1500", V4, 30000, 1500, 0},
		{"IPv4 BIG TCP frame (total length 0), 70000 bytes", V4_BIG_TCP, 70000, 1500, 0},
		{"IPv4 at MTU 9000 (jumbo link)", V4, 60000, 9000, 0},
		{"IPv4, payload one byte over one MSS", V4, 1461, 1500, 0},
		{"IPv6 GSO frame, 30000 bytes", V6, 30000, 1500, 0},
		{"IPv6 BIG TCP frame (jumbo hop-by-hop, payload length 0)", V6_JUMBO, 100000, 1500,
		 0},
		{"UDP: not split", V4_UDP, 30000, 1500, -EPROTONOSUPPORT},
		{"an IPv4 fragment: not a segment", V4_FRAGMENT, 30000, 1500, -EPROTONOSUPPORT},
		{"TCP header cut short", V4_SHORT_TCP, 0, 1500, -EINVAL},
	};
	static uint8_t frame[PL_PKT_CAPTURE_MAX];
	struct pl_pkt_segs sg;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s", cases[i].desc);
		len = big_frame(cases[i].shape, cases[i].payload, frame);
		if (!ASSERT_GT(len, 0, "frame built"))
			continue;
		if (!ASSERT_EQ(pl_pkt_segment(frame, len, cases[i].mtu, &sg), cases[i].err,
			       "pl_pkt_segment"))
			continue;
		if (!cases[i].err)
			check_segments(frame, cases[i].payload,
				       cases[i].shape == V6 || cases[i].shape == V6_JUMBO,
				       cases[i].mtu, &sg);
		pl_pkt_segs_free(&sg);
	}
}

/* The shipped real capture: its GSO frames replay as segments carrying their packet's number. */
PL_TEST(unit, pkt_segment_shipped_gso_capture)
{
	struct pl_replay_pkts pk = {0};
	uint64_t bytes_whole = 0, bytes_split = 0;
	int i, split = 0, whole = 0, maxseg = 0;

	if (!ASSERT_OK(pl_replay_pkts_load_pcap(&pk, "pcaps/captured/gso-veth.pcap", NULL), "load"))
		return;
	for (i = 0; i < pk.n; i++) {
		ASSERT_LE(pk.p[i].len, 14 + PL_REPLAY_SEGMENT_MTU, "every frame fits the link");
		ASSERT_TRUE(pk.p[i].skip == NULL, "nothing skipped");
		if (pk.p[i].nseg) {
			split++;
			bytes_split += pk.p[i].len;
			if (pk.p[i].seg > maxseg)
				maxseg = pk.p[i].seg;
			if (i && pk.p[i].seg > 1)
				ASSERT_EQ(pk.p[i].number, pk.p[i - 1].number,
					  "segments stay together");
		} else {
			whole++;
			bytes_whole += pk.p[i].len;
		}
	}
	ASSERT_GT(split, 10, "segments made of the GSO frames");
	ASSERT_GT(maxseg, 5, "a frame of several segments");
	ASSERT_GT(whole, 5, "handshake and ACKs replay as they are");
	ASSERT_GT(bytes_split, bytes_whole, "the data is in the split frames");
	pl_replay_pkts_free(&pk);
}
