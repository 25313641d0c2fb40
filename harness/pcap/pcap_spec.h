/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet specs: one packet per line ("tcp 10.244.2.10:40000 > 10.244.1.10:80
 * flags S"), turned into Ethernet frames with correct checksums. The grammar
 * is documented in docs/pcap-spec.md. Used by `podlab pcap gen`, by tests
 * and by scenario files with inline packets.
 */
#ifndef PL_PCAP_SPEC_H
#define PL_PCAP_SPEC_H

#include <stddef.h>
#include <stdint.h>

struct pl_spec_frame {
	uint8_t *data;
	size_t len;
	unsigned int line; /* spec line it came from */
};

struct pl_spec {
	int linktype; /* PL_LINK_EN10MB, or what a `linktype` line asks for */
	struct pl_spec_frame *frames;
	size_t n;
};

/* Parses a whole spec; 0, or -EINVAL/-ENOMEM with "NAME:LINE:COL: message" in err. */
int pl_spec_parse(const char *text, size_t len, const char *name, struct pl_spec *out, char *err,
		  size_t errlen);
int pl_spec_parse_file(const char *path, struct pl_spec *out, char *err, size_t errlen);
/*
 * One packet line (no comment, no directive); number is its position, the
 * default IP ID. Returns the frame length, or -EINVAL with
 * "NAME:LINE:COL: message" in err.
 */
int pl_spec_parse_packet(const char *line, const char *name, unsigned int lineno,
			 unsigned int number, uint8_t *buf, size_t cap, char *err, size_t errlen);
void pl_spec_free(struct pl_spec *s);

/* Capture time given to frame i (0-based) of a generated pcap: fixed, 1 ms apart. */
uint64_t pl_spec_ts_ns(size_t i);
/* Writes the frames as a pcap of s->linktype; 0 or -errno with "PATH: why" in err. */
int pl_spec_write_pcap(const struct pl_spec *s, const char *path, char *err, size_t errlen);

#endif /* PL_PCAP_SPEC_H */
