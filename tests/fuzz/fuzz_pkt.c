// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes through the packet model, as an Ethernet frame
 * (pl_pkt_parse, pl_pkt_summary) and from the IP header on (pl_pkt_parse_ip);
 * fuzz_pcap reaches them only through valid pcap framing. The bytes sit in an
 * exactly-sized heap buffer: a read past len is an ASan report. Every offset
 * the model hands out must lie inside the frame.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every decode promises, whatever the bytes. */
static void check(const struct pl_pkt_info *i, int ret, size_t size)
{
	uint16_t sp, dp;

	if ((ret == 0) != (i->error == NULL) || (ret == 0) != (i->err == PL_PKT_OK))
		abort(); /* an error exactly when the parse fails */
	if (i->error && strcmp(i->error, pl_pkt_err_str(i->err)))
		abort();
	if (i->ipv4 && i->ipv6)
		abort();
	if (i->has_l3 && i->l3_off + i->ip_hlen > size)
		abort();
	if (i->has_payload && (i->l3_off + i->ip_len > size || i->l4_off + i->l4_len > size ||
			       i->l4_off < i->l3_off + i->ip_hlen || !i->has_l3))
		abort();
	if (i->has_l4 && (!i->has_payload || i->l4_hlen > i->l4_len))
		abort();
	if (i->ext_count > PL_PKT_MAX_EXT)
		abort();
	if (i->vxlan && (i->inner_off > size || i->vni > 0xffffff))
		abort();
	if (i->quote.present && !i->has_l4)
		abort();
	pl_pkt_peek_ports(NULL, 0, i, &sp, &dp); /* absent bytes: never read */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_pkt_info info, inner;
	uint16_t sp, dp;
	char sum[1024];
	uint8_t *frame;
	int ret;

	if (size > PL_PKT_MAX)
		return 0;
	frame = malloc(size ? size : 1);
	if (!frame)
		return 0;
	memcpy(frame, data, size);
	ret = pl_pkt_parse(frame, size, &info);
	check(&info, ret, size);
	pl_pkt_peek_ports(frame, size, &info, &sp, &dp);
	if (info.vxlan) {
		ret = pl_pkt_parse(frame + info.inner_off, size - info.inner_off, &inner);
		check(&inner, ret, size - info.inner_off);
	}
	ret = pl_pkt_parse_ip(frame, size, &info);
	check(&info, ret, size);
	ret = pl_pkt_summary(frame, size, sum, sizeof(sum));
	if (ret >= 0 && strlen(sum) != (size_t)ret)
		abort();
	free(frame);
	return 0;
}
