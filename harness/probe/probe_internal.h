/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the probe sources: payload header and a monotonic clock. */
#ifndef PL_PROBE_INTERNAL_H
#define PL_PROBE_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define PL_PROBE_MAGIC 0x504c5052u /* "PLPR" */

static inline void pl_probe_hdr_build(uint8_t *buf, uint64_t token)
{
	uint32_t magic = PL_PROBE_MAGIC, zero = 0;

	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &zero, 4);
	memcpy(buf + 8, &token, 8);
}

/* 0 and *token when buf starts with a probe header, else -EINVAL. */
static inline int pl_probe_hdr_parse(const uint8_t *buf, size_t len, uint64_t *token)
{
	uint32_t magic;

	if (len < 16)
		return -EINVAL;
	memcpy(&magic, buf, 4);
	if (magic != PL_PROBE_MAGIC)
		return -EINVAL;
	memcpy(token, buf + 8, 8);
	return 0;
}

#endif /* PL_PROBE_INTERNAL_H */
