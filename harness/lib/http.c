// SPDX-License-Identifier: GPL-2.0
/* The one HTTP/1.x request reader of user space (replay's L7 decisions, captures). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/http.h"

/* A token character of RFC 9110 (methods and header names). */
static int is_tchar(int c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The line at p (up to n bytes) without its CRLF; its length, -EAGAIN without an end. */
static long line_len(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);

	if (!nl)
		return -EAGAIN;
	return nl - p;
}

static int copy(char *dst, size_t cap, const uint8_t *s, size_t len)
{
	if (len >= cap)
		return -E2BIG;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* "METHOD SP PATH SP HTTP/1.x" */
static int request_line(const uint8_t *p, size_t len, struct pl_http_head *h)
{
	const uint8_t *sp1, *sp2;
	size_t i;
	int err;

	for (i = 0; i < len && is_tchar(p[i]); i++)
		;
	if (!i || i >= len || p[i] != ' ')
		return -EINVAL;
	sp1 = p + i;
	sp2 = memchr(sp1 + 1, ' ', len - i - 1);
	if (!sp2 || sp2 == sp1 + 1)
		return -EINVAL;
	if ((size_t)(p + len - (sp2 + 1)) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) || !isdigit(sp2[8]))
		return -EINVAL;
	if ((err = copy(h->method, sizeof(h->method), p, i)) ||
	    (err = copy(h->path, sizeof(h->path), sp1 + 1, sp2 - sp1 - 1)))
		return err;
	return copy(h->version, sizeof(h->version), sp2 + 1, 8);
}

/* "Name: value" with the value's surrounding blanks cut. */
static int header_line(const uint8_t *p, size_t len, struct pl_http_head *h)
{
	size_t i, v, e;
	int err;

	for (i = 0; i < len && is_tchar(p[i]); i++)
		;
	if (!i || i >= len || p[i] != ':')
		return -EINVAL;
	for (v = i + 1; v < len && (p[v] == ' ' || p[v] == '\t'); v++)
		;
	for (e = len; e > v && (p[e - 1] == ' ' || p[e - 1] == '\t'); e--)
		;
	if (i == 4 && !strncasecmp((const char *)p, "host", 4))
		return copy(h->host, sizeof(h->host), p + v, e - v);
	if (h->nheaders == PL_HTTP_MAX_HEADERS)
		return -E2BIG;
	if ((err = copy(h->name[h->nheaders], sizeof(h->name[0]), p, i)) ||
	    (err = copy(h->value[h->nheaders], sizeof(h->value[0]), p + v, e - v)))
		return err;
	h->nheaders++;
	return 0;
}

/*
 * Whether p (no line end in it) can begin a request line: a method token, then
 * a path of visible characters, then a beginning of "HTTP/1.x".
 */
static bool request_line_prefix(const uint8_t *p, size_t n)
{
	static const char version[] = "HTTP/1.";
	size_t i, j;

	for (i = 0; i < n && is_tchar(p[i]); i++)
		;
	if (!i || i >= sizeof(((struct pl_http_head *)0)->method))
		return false;
	if (i == n)
		return true;
	if (p[i++] != ' ')
		return false;
	for (j = i; j < n && p[j] > ' ' && p[j] < 0x7f; j++)
		;
	if (j == n)
		return true;
	if (j == i || p[j++] != ' ')
		return false;
	for (i = 0; j < n; i++, j++) {
		if (i == 8) /* the whole version: only its CR may follow */
			return p[j] == '\r' && j + 1 == n;
		if (i < sizeof(version) - 1 ? p[j] != version[i] : !isdigit(p[j]))
			return false;
	}
	return true;
}

int pl_http_parse_request(const uint8_t *p, size_t n, struct pl_http_head *h)
{
	size_t off = 0;
	long len;
	int err;

	memset(h, 0, sizeof(*h));
	len = line_len(p, n);
	if (len < 0)
		return request_line_prefix(p, n) ? -EAGAIN : -EINVAL;
	if (len && p[len - 1] == '\r')
		len--;
	if ((err = request_line(p, (size_t)len, h)))
		return err;
	off = (size_t)line_len(p, n) + 1;
	for (;;) {
		len = line_len(p + off, n - off);
		if (len < 0)
			return -EAGAIN;
		if (len && p[off + len - 1] == '\r')
			len--;
		if (!len) { /* the blank line */
			h->head_len = off + (size_t)line_len(p + off, n - off) + 1;
			return 0;
		}
		if ((err = header_line(p + off, (size_t)len, h)))
			return err;
		off += (size_t)line_len(p + off, n - off) + 1;
	}
}
