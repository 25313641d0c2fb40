// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the pcap-filter expressions `--filter` and scenario
 * `filter:` keys take. The input up to its first NUL is the expression, the
 * rest one Ethernet frame. The expression goes through both of podlab's
 * filter paths, the reader's (pl_pcap_set_filter, `pcap show`, `replay`) and
 * replay's (pl_filter_compile, scenarios): they accept the same expressions,
 * each error is one line, and on the frame (a one-packet capture for the
 * reader) both say the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/pcap_io.h"
#include "replay/capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *err, size_t len)
{
	if (!memchr(err, '\0', len) || !*err || strchr(err, '\n'))
		abort();
}

/* A classic pcap holding frame as its one packet, read with expr as filter: 1, 0 or -1. */
static int reader_matches(const char *expr, const uint8_t *frame, size_t len, int *compiled)
{
	static const uint8_t head[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2,    0,    4, 0, 0, 0, 0, 0,
					 0,    0,    0,	   0,	 0xff, 0xff, 0, 0, 1, 0, 0, 0};
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	uint8_t *file, *rec;
	char err[512];
	FILE *f;
	int ret = -1;

	*compiled = -1;
	file = malloc(24 + 16 + len);
	if (!file)
		return -1;
	memcpy(file, head, 24);
	rec = file + 24;
	memset(rec, 0, 16);
	rec[8] = rec[12] = len & 0xff;
	rec[9] = rec[13] = (len >> 8) & 0xff;
	memcpy(rec + 16, frame, len);
	f = fmemopen(file, 24 + 16 + len, "rb");
	r = f ? pl_pcap_fopen(f, "fuzz.pcap", err, sizeof(err)) : NULL;
	if (!r)
		goto out;
	err[0] = '\0';
	if (pl_pcap_set_filter(r, expr, err, sizeof(err))) {
		one_line(err, sizeof(err));
		*compiled = 0;
	} else {
		*compiled = 1;
		ret = pl_pcap_next(r, &pkt);
		ret = ret < 0 ? -1 : ret;
	}
	pl_pcap_close(r);
out:
	free(file);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t elen = nul ? (size_t)(nul - data) : size;
	const uint8_t *frame = nul ? nul + 1 : data + size;
	size_t flen = size - elen - (nul ? 1 : 0);
	struct pl_filter *flt = NULL;
	char *expr, err[512] = "";
	int compiled, seen, match;
	uint8_t *copy;

	if (flen > 65535)
		return 0;
	expr = malloc(elen + 1);
	copy = malloc(flen ? flen : 1);
	if (!expr || !copy)
		goto out;
	memcpy(expr, data, elen);
	expr[elen] = '\0';
	memcpy(copy, frame, flen);
	seen = reader_matches(expr, copy, flen, &compiled);
	if (pl_filter_compile(expr, &flt, err, sizeof(err))) {
		one_line(err, sizeof(err));
		if (compiled == 1)
			abort(); /* the reader took what replay refuses */
		goto out;
	}
	if (compiled == 0)
		abort(); /* replay took what the reader refuses */
	match = pl_filter_match(flt, copy, (uint32_t)flen);
	if (seen >= 0 && seen != match)
		abort(); /* the two paths disagree on one frame */
out:
	pl_filter_free(flt);
	free(copy);
	free(expr);
	return 0;
}
