// SPDX-License-Identifier: GPL-2.0
/*
 * Capture reader and writer over libpcap. This file includes no libbpf
 * header, so pcap's own <pcap/bpf.h> (struct bpf_program for filters) is
 * safe here; pcap_io.h exposes no libpcap type.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "lib/escape.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"

#define SLL_HLEN	16
#define SLL2_HLEN	20
#define ETH_HLEN_	14
#define ARPHRD_ETHER_	1
#define ARPHRD_NETLINK_ 824
#define SNAPLEN		262144

struct pl_pcap_reader {
	pcap_t *pcap;
	char name[256];
	int linktype;
	unsigned long number;
	bool failed;
	bool has_filter;
	struct bpf_program filter;
	char err[512];
	uint8_t frame[PL_PKT_CAPTURE_MAX];
};

struct pl_pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *dumper;
	int linktype;
	char *path, *tmp;
	uint8_t buf[PL_PKT_MAX + SLL2_HLEN];
};

static const struct {
	int linktype;
	const char *name;
} linktypes[] = {
	{PL_LINK_EN10MB, "EN10MB"},
	{PL_LINK_LINUX_SLL, "LINUX_SLL"},
	{PL_LINK_LINUX_SLL2, "LINUX_SLL2"},
	{PL_LINK_RAW, "RAW"},
	{PL_LINK_IPV4, "IPV4"},
	{PL_LINK_IPV6, "IPV6"},
};

const char *pl_linktype_name(int linktype)
{
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (linktypes[i].linktype == linktype)
			return linktypes[i].name;
	return NULL;
}

int pl_linktype_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (!strcasecmp(linktypes[i].name, name))
			return linktypes[i].linktype;
	return -EINVAL;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pl_oneline_str(err, errlen, msg); /* a filter expression may hold a newline */
}

/* Strips libpcap's trailing newline or period-less variants for one clean line. */
static const char *oneline(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

struct pl_pcap_reader *pl_pcap_fopen(FILE *f, const char *name, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct pl_pcap_reader *r;
	const char *lname;
	int c;

	r = calloc(1, sizeof(*r));
	if (!r) {
		fclose(f);
		seterr(err, errlen, "%s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	c = getc(f);
	if (c == EOF) {
		seterr(err, errlen, "%s: empty file (no pcap or pcapng header)", name);
		goto fail;
	}
	ungetc(c, f);
	r->pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!r->pcap) {
		seterr(err, errlen, "%s: not a readable pcap or pcapng file: %s", name,
		       oneline(perr));
		goto fail;
	}
	f = NULL; /* pcap_close closes it now */
	r->linktype = pcap_datalink(r->pcap);
	if (r->linktype == 101) /* LINKTYPE_RAW as some writers leave it */
		r->linktype = PL_LINK_RAW;
	if (!pl_linktype_name(r->linktype)) {
		lname = pcap_datalink_val_to_name(r->linktype);
		seterr(err, errlen,
		       "%s: link type %s (%d) is not supported (supported: EN10MB, LINUX_SLL, "
		       "LINUX_SLL2, RAW, IPV4, IPV6)",
		       name, lname ? lname : "unknown", r->linktype);
		goto fail;
	}
	return r;
fail:
	if (f)
		fclose(f);
	pl_pcap_close(r);
	errno = EINVAL;
	return NULL;
}

struct pl_pcap_reader *pl_pcap_open(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	return pl_pcap_fopen(f, path, err, errlen);
}

int pl_pcap_set_filter(struct pl_pcap_reader *r, const char *expr, char *err, size_t errlen)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	int ret = 0;

	if (!dead) {
		seterr(err, errlen, "filter '%s': out of memory", expr);
		return -ENOMEM;
	}
	if (r->has_filter) {
		pcap_freecode(&r->filter);
		r->has_filter = false;
	}
	if (pcap_compile(dead, &r->filter, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		seterr(err, errlen, "filter '%s': %s", expr, oneline(pcap_geterr(dead)));
		ret = -EINVAL;
	} else {
		r->has_filter = true;
	}
	pcap_close(dead);
	return ret;
}

static int fail(struct pl_pcap_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct pl_pcap_reader *r, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(r->err, sizeof(r->err), "%s: packet %lu: ", r->name, r->number);
	if (n < sizeof(r->err)) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
		va_end(ap);
	}
	r->failed = true;
	return -EINVAL;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Builds dst(zero) + src + proto + body in r->frame; how much body was captured is caplen. */
static int put_frame(struct pl_pcap_reader *r, const uint8_t *src_mac, uint16_t proto,
		     const uint8_t *body, size_t body_len, struct pl_pcap_pkt *pkt)
{
	if (ETH_HLEN_ + body_len > PL_PKT_CAPTURE_MAX)
		return fail(r, "%zu bytes exceeds the maximum of %d", ETH_HLEN_ + body_len,
			    PL_PKT_CAPTURE_MAX);
	memset(r->frame, 0, 6);
	if (src_mac)
		memcpy(r->frame + 6, src_mac, 6);
	else
		memset(r->frame + 6, 0, 6);
	r->frame[12] = proto >> 8;
	r->frame[13] = proto & 0xff;
	memcpy(r->frame + ETH_HLEN_, body, body_len);
	pkt->data = r->frame;
	pkt->len = ETH_HLEN_ + body_len;
	return 0;
}

/* Cooked (SLL/SLL2) header fields, wherever they sit. */
struct cooked {
	uint16_t proto, hatype;
	uint8_t halen;
	const uint8_t *addr;
	size_t hlen;
};

static int normalise(struct pl_pcap_reader *r, const uint8_t *d, size_t caplen, size_t wire,
		     struct pl_pcap_pkt *pkt)
{
	struct cooked c = {0};
	uint16_t proto;
	int err;

	switch (r->linktype) {
	case PL_LINK_EN10MB:
		if (caplen > PL_PKT_CAPTURE_MAX)
			return fail(r, "%zu bytes exceeds the maximum of %d", caplen,
				    PL_PKT_CAPTURE_MAX);
		memcpy(r->frame, d, caplen);
		pkt->data = r->frame;
		pkt->len = caplen;
		pkt->orig_len = wire;
		if (caplen < ETH_HLEN_ && !pkt->skip)
			pkt->skip = "shorter than an Ethernet header, cannot be injected";
		return 0;
	case PL_LINK_RAW:
	case PL_LINK_IPV4:
	case PL_LINK_IPV6:
		proto = r->linktype == PL_LINK_IPV4   ? 0x0800
			: r->linktype == PL_LINK_IPV6 ? 0x86dd
						      : 0;
		if (!proto && caplen)
			proto = d[0] >> 4 == 4 ? 0x0800 : d[0] >> 4 == 6 ? 0x86dd : 0;
		err = put_frame(r, NULL, proto, d, caplen, pkt);
		pkt->orig_len = wire + ETH_HLEN_;
		if (!err && !proto && !pkt->skip)
			pkt->skip = "raw packet is neither IPv4 nor IPv6";
		return err;
	case PL_LINK_LINUX_SLL:
		c.hlen = SLL_HLEN;
		if (caplen >= SLL_HLEN) {
			c.hatype = get16(d + 2);
			c.halen = get16(d + 4) > 8 ? 8 : d[5];
			c.addr = d + 6;
			c.proto = get16(d + 14);
		}
		break;
	default: /* PL_LINK_LINUX_SLL2 */
		c.hlen = SLL2_HLEN;
		if (caplen >= SLL2_HLEN) {
			c.proto = get16(d);
			pkt->ifindex = (uint32_t)get16(d + 4) << 16 | get16(d + 6);
			c.hatype = get16(d + 8);
			c.halen = d[11];
			c.addr = d + 12;
		}
		break;
	}
	if (caplen < c.hlen) {
		/* Keep the packet visible (and skipped) rather than failing the file. */
		err = put_frame(r, NULL, 0, d, 0, pkt);
		pkt->orig_len = wire;
		pkt->skip = "shorter than its cooked (SLL) header";
		return err;
	}
	err = put_frame(r, c.halen == 6 ? c.addr : NULL, c.proto, d + c.hlen, caplen - c.hlen, pkt);
	pkt->orig_len = wire >= c.hlen ? wire - c.hlen + ETH_HLEN_ : pkt->len;
	if (!err && !pkt->skip) {
		if (c.hatype == ARPHRD_NETLINK_)
			pkt->skip = "netlink message, not a network packet";
		else if (c.proto < 0x0600)
			pkt->skip = "cooked protocol is not an EtherType";
	}
	return err;
}

int pl_pcap_next(struct pl_pcap_reader *r, struct pl_pcap_pkt *pkt)
{
	struct pcap_pkthdr *h, fh;
	const u_char *d;
	int ret;

	if (r->failed)
		return -EINVAL;
	for (;;) {
		memset(pkt, 0, sizeof(*pkt));
		ret = pcap_next_ex(r->pcap, &h, &d);
		if (ret == PCAP_ERROR_BREAK)
			return 0;
		r->number++;
		if (ret != 1)
			return fail(r, "%s", oneline(pcap_geterr(r->pcap)));
		pkt->number = r->number;
		pkt->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		if (h->caplen < h->len) {
			pkt->snap_truncated = true;
			pkt->skip = "cut short by the snapshot length";
		}
		if (h->caplen > h->len)
			return fail(r, "captured length %u is larger than the wire length %u",
				    h->caplen, h->len);
		ret = normalise(r, d, h->caplen, h->len, pkt);
		if (ret)
			return ret;
		if (!r->has_filter)
			return 1;
		fh.ts = h->ts;
		fh.caplen = (bpf_u_int32)pkt->len;
		fh.len = (bpf_u_int32)pkt->orig_len;
		if (pcap_offline_filter(&r->filter, &fh, pkt->data))
			return 1;
	}
}

const char *pl_pcap_error(const struct pl_pcap_reader *r)
{
	return r->failed ? r->err : NULL;
}

int pl_pcap_linktype(const struct pl_pcap_reader *r)
{
	return r->linktype;
}

void pl_pcap_close(struct pl_pcap_reader *r)
{
	if (!r)
		return;
	if (r->has_filter)
		pcap_freecode(&r->filter);
	if (r->pcap)
		pcap_close(r->pcap);
	free(r);
}

static void writer_free(struct pl_pcap_writer *w)
{
	if (w->dumper)
		pcap_dump_close(w->dumper);
	if (w->dead)
		pcap_close(w->dead);
	free(w->path);
	free(w->tmp);
	free(w);
}

struct pl_pcap_writer *pl_pcap_writer_open(const char *path, int linktype, char *err, size_t errlen)
{
	struct pl_pcap_writer *w;

	if (linktype != PL_LINK_EN10MB && linktype != PL_LINK_LINUX_SLL2) {
		seterr(err, errlen, "%s: writing link type %d is not supported", path, linktype);
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path)) || asprintf(&w->tmp, "%s.tmp%d", path, getpid()) < 0) {
		seterr(err, errlen, "%s: out of memory", path);
		if (w) {
			w->tmp = NULL;
			writer_free(w);
		}
		errno = ENOMEM;
		return NULL;
	}
	w->linktype = linktype;
	w->dead = pcap_open_dead_with_tstamp_precision(linktype, SNAPLEN,
						       PCAP_TSTAMP_PRECISION_MICRO);
	if (!w->dead) {
		seterr(err, errlen, "%s: cannot create a pcap handle", path);
		goto fail;
	}
	/* Written beside the target and renamed on close: never a half-written pcap. */
	w->dumper = pcap_dump_open(w->dead, w->tmp);
	if (!w->dumper) {
		seterr(err, errlen, "%s: %s", path, oneline(pcap_geterr(w->dead)));
		goto fail;
	}
	return w;
fail:
	writer_free(w);
	errno = EIO;
	return NULL;
}

int pl_pcap_write(struct pl_pcap_writer *w, uint64_t ts_ns, const uint8_t *frame, size_t len)
{
	struct pcap_pkthdr h = {0};
	const uint8_t *out = frame;

	if (len > PL_PKT_MAX || (w->linktype == PL_LINK_LINUX_SLL2 && len < ETH_HLEN_))
		return -EINVAL;
	h.ts.tv_sec = (time_t)(ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(ts_ns % 1000000000ull / 1000);
	h.caplen = h.len = (bpf_u_int32)len;
	if (w->linktype == PL_LINK_LINUX_SLL2) {
		/* protocol, reserved, ifindex 2, ARPHRD_ETHER, PACKET_HOST, halen 6, source MAC */
		memset(w->buf, 0, SLL2_HLEN);
		memcpy(w->buf, frame + 12, 2);
		w->buf[7] = 2;
		w->buf[9] = ARPHRD_ETHER_;
		w->buf[11] = 6;
		memcpy(w->buf + 12, frame + 6, 6);
		memcpy(w->buf + SLL2_HLEN, frame + ETH_HLEN_, len - ETH_HLEN_);
		h.caplen = h.len = (bpf_u_int32)(len - ETH_HLEN_ + SLL2_HLEN);
		out = w->buf;
	}
	pcap_dump((u_char *)w->dumper, &h, out);
	return 0;
}

int pl_pcap_writer_close(struct pl_pcap_writer *w)
{
	int ret = 0;

	if (!w)
		return 0;
	if (pcap_dump_flush(w->dumper) || ferror(pcap_dump_file(w->dumper)))
		ret = -EIO;
	pcap_dump_close(w->dumper);
	w->dumper = NULL;
	if (!ret && rename(w->tmp, w->path))
		ret = -errno;
	if (ret)
		unlink(w->tmp);
	writer_free(w);
	return ret;
}

void pl_pcap_writer_abort(struct pl_pcap_writer *w)
{
	if (!w)
		return;
	pcap_dump_close(w->dumper);
	w->dumper = NULL;
	unlink(w->tmp);
	writer_free(w);
}
