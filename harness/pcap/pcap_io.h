/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing captures. The reader opens pcap and pcapng files of
 * link types EN10MB, LINUX_SLL, LINUX_SLL2, RAW, IPV4 and IPV6 and hands out
 * every packet as an Ethernet frame; the writer writes tcpdump-readable pcaps.
 * No libpcap type leaks out of this header, so it can sit next to libbpf's.
 */
#ifndef PL_PCAP_IO_H
#define PL_PCAP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pl_pcap_reader;
struct pl_pcap_writer;

/* Link types (the DLT_ numbers libpcap reports on Linux). */
enum pl_linktype {
	PL_LINK_EN10MB = 1,
	PL_LINK_RAW = 12,
	PL_LINK_LINUX_SLL = 113,
	PL_LINK_IPV4 = 228,
	PL_LINK_IPV6 = 229,
	PL_LINK_LINUX_SLL2 = 276,
};

struct pl_pcap_pkt {
	unsigned long number; /* 1-based position in the file (filtered packets count too) */
	uint64_t ts_ns;	      /* capture time, ns since the epoch */
	const uint8_t *data;  /* Ethernet frame, valid until the next call */
	size_t len;	      /* bytes at data */
	size_t orig_len;      /* length on the wire, normalised to Ethernet */
	bool snap_truncated;  /* cut short by the snapshot length: report as skipped */
	const char *skip; /* non-NULL: why this packet cannot be replayed (e.g. snap_truncated) */
	uint32_t ifindex; /* LINUX_SLL2: the interface it was seen on (`-i any`); 0 = unknown */
};

/*
 * Opens a capture; on failure returns NULL (errno set) and writes one line
 * "PATH: what is wrong" into err.
 */
struct pl_pcap_reader *pl_pcap_open(const char *path, char *err, size_t errlen);
/* Same, from an open stream (fmemopen works); takes ownership of f even on failure. */
struct pl_pcap_reader *pl_pcap_fopen(FILE *f, const char *name, char *err, size_t errlen);
/*
 * Keeps only packets matching a pcap-filter expression, evaluated on the
 * normalised Ethernet frame. 0, or -EINVAL with "filter 'EXPR': why" in err.
 */
int pl_pcap_set_filter(struct pl_pcap_reader *r, const char *expr, char *err, size_t errlen);
/*
 * 1 and *pkt filled, 0 at the end, -EINVAL on a corrupt file, an unsupported
 * link type or an oversized packet; pl_pcap_error() then holds one line
 * "NAME: packet N: what is wrong". Errors are sticky.
 */
int pl_pcap_next(struct pl_pcap_reader *r, struct pl_pcap_pkt *pkt);
const char *pl_pcap_error(const struct pl_pcap_reader *r);
int pl_pcap_linktype(const struct pl_pcap_reader *r);
void pl_pcap_close(struct pl_pcap_reader *r);

const char *pl_linktype_name(int linktype);
/* "EN10MB", "LINUX_SLL2" (any case) → PL_LINK_*, or -EINVAL. */
int pl_linktype_from_name(const char *name);

/*
 * Writes a pcap (microsecond timestamps) of link type PL_LINK_EN10MB, or
 * PL_LINK_LINUX_SLL2 (Ethernet frames converted to cooked headers, as
 * `tcpdump -i any` writes them). NULL + err on failure.
 */
struct pl_pcap_writer *pl_pcap_writer_open(const char *path, int linktype, char *err,
					   size_t errlen);
/* Appends an Ethernet frame. 0 or -errno. */
int pl_pcap_write(struct pl_pcap_writer *w, uint64_t ts_ns, const uint8_t *frame, size_t len);
/* Flushes and closes; 0 or -errno (a failed flush means the file is incomplete). */
int pl_pcap_writer_close(struct pl_pcap_writer *w);
/* Closes and removes what was written: the target file is left as it was. */
void pl_pcap_writer_abort(struct pl_pcap_writer *w);

#endif /* PL_PCAP_IO_H */
