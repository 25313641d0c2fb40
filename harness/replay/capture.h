/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpcap glue for replay, kept apart from libbpf headers (struct bpf_insn
 * clash): pcap-filter matching on Ethernet frames, per-device output pcaps
 * (--pcap-out) and expected output frames (output_pcap expectations).
 */
#ifndef PL_REPLAY_CAPTURE_H
#define PL_REPLAY_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl_filter;

/* Compiles a pcap-filter expression for Ethernet frames; on error err holds libpcap's text. */
int pl_filter_compile(const char *expr, struct pl_filter **out, char *err, size_t errlen);
bool pl_filter_match(const struct pl_filter *f, const uint8_t *frame, uint32_t len);
void pl_filter_free(struct pl_filter *f);

/* One pcap per device name under a directory, opened on first write. */
struct pl_pcap_out;

int pl_pcap_out_open(const char *dir, struct pl_pcap_out **out);
/* Appends frame (Ethernet) to DIR/<dev>.pcap. */
int pl_pcap_out_write(struct pl_pcap_out *po, const char *dev, const uint8_t *frame, uint32_t len);
/* Number of files written; closes them. */
int pl_pcap_out_close(struct pl_pcap_out *po);

/* Frames of an Ethernet pcap, for output_pcap expectations. */
struct pl_frames {
	uint8_t **data;
	uint32_t *len;
	int n;
};

int pl_frames_read(const char *path, struct pl_frames *out);
void pl_frames_free(struct pl_frames *f);

#endif /* PL_REPLAY_CAPTURE_H */
