// SPDX-License-Identifier: GPL-2.0
/*
 * TSO-style segmentation of the oversized TCP frames GRO, GSO and BIG TCP
 * leave in captures: what the kernel would have put on the wire for them.
 * Each segment gets the headers of the original with its own lengths, IPv4
 * ID, sequence number, flags (FIN and PSH on the last, CWR on the first) and
 * checksums, as the kernel's tcp_gso_segment writes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "lib/pkt.h"
#include "lib/pkt_internal.h"

#define TCP_FIN	  0x01
#define TCP_PSH	  0x08
#define TCP_CWR	  0x80
#define IP6_HLEN  40
#define HBH_JUMBO 0xc2 /* RFC 2675 jumbo payload option, in an 8-byte hop-by-hop header */

struct seg_layout {
	size_t l2, l3, l4; /* header lengths: Ethernet (+802.1Q), IP, TCP */
	size_t strip;	   /* a jumbo hop-by-hop header dropped from the segments (BIG TCP v6) */
	size_t payload;	   /* TCP payload bytes */
	bool v6;
};

/* Finds the headers; the IP length fields may be 0 (BIG TCP): the frame's length counts. */
static int layout(const uint8_t *f, size_t len, struct seg_layout *l)
{
	const uint8_t *ip;
	uint16_t proto;
	size_t ip_len;

	memset(l, 0, sizeof(*l));
	l->l2 = 14;
	if (len < l->l2)
		return -EINVAL;
	proto = pkt_get16(f + 12);
	if (proto == 0x8100) {
		l->l2 = 18;
		if (len < l->l2)
			return -EINVAL;
		proto = pkt_get16(f + 16);
	}
	ip = f + l->l2;
	if (proto == 0x0800) {
		if (len < l->l2 + 20 || ip[0] >> 4 != 4 || (ip[0] & 15) < 5)
			return -EINVAL;
		l->l3 = (size_t)(ip[0] & 15) * 4;
		if (ip[9] != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		if (pkt_get16(ip + 6) & 0x3fff) /* MF or an offset: a fragment is not a segment */
			return -EPROTONOSUPPORT;
		ip_len = pkt_get16(ip + 2);
	} else if (proto == 0x86dd) {
		uint8_t nh;

		if (len < l->l2 + IP6_HLEN || ip[0] >> 4 != 6)
			return -EINVAL;
		l->v6 = true;
		l->l3 = IP6_HLEN;
		nh = ip[6];
		if (nh == 0 && len >= l->l2 + IP6_HLEN + 8 && ip[IP6_HLEN + 2] == HBH_JUMBO) {
			nh = ip[IP6_HLEN];
			l->strip = 8;
		}
		if (nh != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		ip_len = pkt_get16(ip + 4);
		ip_len = ip_len ? ip_len + IP6_HLEN : 0;
	} else {
		return -EPROTONOSUPPORT;
	}
	if (!ip_len || ip_len > len - l->l2)
		ip_len = len - l->l2;
	if (ip_len < l->l3 + l->strip + 20)
		return -EINVAL;
	l->l4 = (size_t)(ip[l->l3 + l->strip + 12] >> 4) * 4;
	if (l->l4 < 20 || ip_len < l->l3 + l->strip + l->l4)
		return -EINVAL;
	l->payload = ip_len - l->l3 - l->strip - l->l4;
	return 0;
}

int pl_pkt_segment(const uint8_t *frame, size_t len, unsigned int mtu, struct pl_pkt_segs *out)
{
	struct seg_layout l;
	size_t mss, hdr, off, chunk, pos = 0;
	const uint8_t *tcp;
	uint32_t seq;
	int err, i, n;

	memset(out, 0, sizeof(*out));
	err = layout(frame, len, &l);
	if (err)
		return err;
	hdr = l.l3 + l.l4;
	if (mtu <= hdr || !l.payload)
		return -EINVAL;
	mss = mtu - hdr;
	n = (int)((l.payload + mss - 1) / mss);
	out->buf = malloc((size_t)n * (l.l2 + hdr) + l.payload);
	out->off = calloc(n, sizeof(*out->off));
	out->len = calloc(n, sizeof(*out->len));
	if (!out->buf || !out->off || !out->len) {
		pl_pkt_segs_free(out);
		return -ENOMEM;
	}
	tcp = frame + l.l2 + l.l3 + l.strip;
	seq = pkt_get32(tcp + 4);
	for (i = 0, off = 0; i < n; i++, off += chunk) {
		uint8_t *s = out->buf + pos, *ip = s + l.l2, *th = ip + l.l3;
		uint8_t flags = tcp[13];

		chunk = l.payload - off < mss ? l.payload - off : mss;
		memcpy(s, frame, l.l2 + l.l3);
		memcpy(th, tcp, l.l4);
		memcpy(th + l.l4, tcp + l.l4 + off, chunk);
		if (i != n - 1)
			flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
		if (i)
			flags &= (uint8_t)~TCP_CWR;
		th[13] = flags;
		pkt_put32(th + 4, seq + (uint32_t)off);
		pkt_put16(th + 16, 0);
		if (l.v6) {
			ip[6] = IPPROTO_TCP; /* the jumbo hop-by-hop header is not copied */
			pkt_put16(ip + 4, (uint16_t)(l.l4 + chunk));
			pkt_put16(th + 16,
				  pl_csum_l4_6(ip + 8, ip + 24, IPPROTO_TCP, th, l.l4 + chunk));
		} else {
			uint32_t sa, da;

			pkt_put16(ip + 2, (uint16_t)(hdr + chunk));
			pkt_put16(ip + 4, (uint16_t)(pkt_get16(frame + l.l2 + 4) + i));
			pkt_put16(ip + 10, 0);
			pkt_put16(ip + 10, pl_csum_ipv4_header(ip, l.l3));
			memcpy(&sa, ip + 12, 4);
			memcpy(&da, ip + 16, 4);
			pkt_put16(th + 16, pl_csum_l4(sa, da, IPPROTO_TCP, th, l.l4 + chunk));
		}
		out->off[i] = (uint32_t)pos;
		out->len[i] = (uint32_t)(l.l2 + hdr + chunk);
		pos += out->len[i];
	}
	out->n = n;
	return 0;
}

void pl_pkt_segs_free(struct pl_pkt_segs *s)
{
	free(s->buf);
	free(s->off);
	free(s->len);
	memset(s, 0, sizeof(*s));
}
