// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a capture file through the pcap reader, and
 * every packet it yields through pl_pkt_parse and pl_pkt_summary. Packets are
 * copied to exactly-sized heap buffers so ASan sees any read past their end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "pcap/pcap_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	struct pl_pkt_info info;
	struct pl_pkt_segs segs;
	int i;
	char err[512], sum[1024];
	uint8_t *copy, *frame;
	FILE *f;
	int ret;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	/* fmemopen rejects size 0 on some libcs: an empty file is /dev/null. */
	f = size ? fmemopen(copy, size, "rb") : fopen("/dev/null", "rb");
	if (!f)
		goto out;
	r = pl_pcap_fopen(f, "fuzz.pcap", err, sizeof(err));
	if (!r) {
		if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n'))
			abort(); /* the error must be one terminated line */
		goto out;
	}
	while ((ret = pl_pcap_next(r, &pkt)) == 1) {
		if (pkt.len > PL_PKT_CAPTURE_MAX)
			abort();
		frame = malloc(pkt.len ? pkt.len : 1);
		if (!frame)
			break;
		memcpy(frame, pkt.data, pkt.len);
		pl_pkt_parse(frame, pkt.len, &info);
		if (info.vxlan && info.inner_off > pkt.len)
			abort();
		pl_pkt_summary(frame, pkt.len, sum, sizeof(sum));
		/* What replay does to a GSO frame: every segment fits the link and decodes. */
		if (!pl_pkt_segment(frame, pkt.len, 1500, &segs)) {
			for (i = 0; i < segs.n; i++)
				if (segs.len[i] > 1514 ||
				    pl_pkt_parse(segs.buf + segs.off[i], segs.len[i], &info))
					abort();
			pl_pkt_segs_free(&segs);
		}
		free(frame);
	}
	if (ret < 0 && (!pl_pcap_error(r) || strchr(pl_pcap_error(r), '\n')))
		abort();
	pl_pcap_close(r);
out:
	free(copy);
	return 0;
}
