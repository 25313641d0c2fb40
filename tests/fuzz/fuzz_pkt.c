// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as one Ethernet frame through pl_pkt_parse and
 * pl_pkt_summary (fuzz_pcap reaches them only through valid pcap framing).
 * The frame sits in an exactly-sized heap buffer: a read past len is an ASan report.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_pkt_info info;
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
	if ((ret == 0) != (info.error == NULL))
		abort(); /* an error string exactly when the parse fails */
	if (info.vxlan && (info.inner_off > size || info.vni > 0xffffff))
		abort();
	ret = pl_pkt_summary(frame, size, sum, sizeof(sum));
	if (ret >= 0 && strlen(sum) != (size_t)ret)
		abort();
	free(frame);
	return 0;
}
