// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: any bytes as a packet spec file. A parse either fails
 * with one "fuzz.spec:LINE:COL: message" line and nothing built, or yields
 * frames that the packet parser and summary then walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"
#include "pcap/pcap_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_pkt_info info;
	struct pl_spec spec;
	char err[512] = "", sum[1024];
	size_t i;
	int ret;

	ret = pl_spec_parse((const char *)data, size, "fuzz.spec", &spec, err, sizeof(err));
	if (ret) {
		if (strncmp(err, "fuzz.spec:", 10) || strchr(err, '\n') || spec.n || spec.frames)
			abort();
		return 0;
	}
	for (i = 0; i < spec.n; i++) {
		if (spec.frames[i].len > PL_PKT_MAX)
			abort();
		pl_pkt_parse(spec.frames[i].data, spec.frames[i].len, &info);
		pl_pkt_summary(spec.frames[i].data, spec.frames[i].len, sum, sizeof(sum));
	}
	pl_spec_free(&spec);
	return 0;
}
