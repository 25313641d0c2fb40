/* SPDX-License-Identifier: GPL-2.0 */
/* An HTTP/1.x request head read from bytes (a TCP payload): what the L7 proxy decides on. */
#ifndef PL_HTTP_H
#define PL_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define PL_HTTP_MAX_HEADERS 16

struct pl_http_head {
	char method[16];
	char path[256];
	char version[12]; /* "HTTP/1.1" */
	char host[128];	  /* "" when there is no Host header */
	int nheaders;	  /* others, Host left out */
	char name[PL_HTTP_MAX_HEADERS][48];
	char value[PL_HTTP_MAX_HEADERS][128];
	size_t head_len; /* bytes up to and including the blank line */
};

/*
 * The request head at the start of p: 0 when it is whole, -EAGAIN when p is
 * its beginning only (no blank line yet), -EINVAL when p is not an HTTP/1.x
 * request (any other payload), -E2BIG when a field is longer than it holds.
 */
int pl_http_parse_request(const uint8_t *p, size_t n, struct pl_http_head *h);

#endif /* PL_HTTP_H */
