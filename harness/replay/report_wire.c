// SPDX-License-Identifier: GPL-2.0
/* Scenario reports as bytes, between a `podlab test -j` child and its parent. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/report_wire.h"

#define WIRE_MAGIC    0x706c7231u /* "plr1" */
#define WIRE_NULL     UINT32_MAX
#define WIRE_MAX_FAIL (1 << 20)

struct wire_head {
	uint32_t magic;
	int32_t outcome;
	int32_t packets;
	int32_t nfails;
	double seconds;
};

struct wire {
	char *buf;
	size_t len, cap;
	int err;
};

static void put(struct wire *w, const void *p, size_t n)
{
	char *grown;
	size_t cap;

	if (w->err)
		return;
	if (w->len + n > w->cap) {
		cap = w->cap ? w->cap : 256;
		while (cap < w->len + n)
			cap *= 2;
		grown = realloc(w->buf, cap);
		if (!grown) {
			w->err = -ENOMEM;
			return;
		}
		w->buf = grown;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_str(struct wire *w, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : WIRE_NULL;

	put(w, &n, sizeof(n));
	if (s)
		put(w, s, n);
}

int pl_scn_report_encode(const struct pl_scn_report *r, char **buf, size_t *len)
{
	struct wire_head h = {.magic = WIRE_MAGIC,
			      .outcome = r->outcome,
			      .packets = r->packets,
			      .nfails = r->fails.n,
			      .seconds = r->seconds};
	struct wire w = {0};
	int i;

	put(&w, &h, sizeof(h));
	put_str(&w, r->file);
	put_str(&w, r->name);
	put_str(&w, r->reason);
	for (i = 0; i < r->fails.n; i++)
		put_str(&w, r->fails.lines[i]);
	if (w.err) {
		free(w.buf);
		return w.err;
	}
	*buf = w.buf;
	*len = w.len;
	return 0;
}

/* Reads one string at *off; NULL stays NULL. */
static int get_str(const char *buf, size_t len, size_t *off, char **out)
{
	uint32_t n;

	*out = NULL;
	if (len - *off < sizeof(n))
		return -EBADMSG;
	memcpy(&n, buf + *off, sizeof(n));
	*off += sizeof(n);
	if (n == WIRE_NULL)
		return 0;
	if (len - *off < n)
		return -EBADMSG;
	*out = strndup(buf + *off, n);
	if (!*out)
		return -ENOMEM;
	*off += n;
	return 0;
}

int pl_scn_report_decode(const char *buf, size_t len, struct pl_scn_report *r)
{
	struct wire_head h;
	size_t off = sizeof(h);
	int i, err;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != WIRE_MAGIC || h.outcome < PL_SCN_PASS || h.outcome > PL_SCN_ERROR ||
	    h.nfails < 0 || h.nfails > WIRE_MAX_FAIL)
		return -EBADMSG;
	r->outcome = h.outcome;
	r->packets = h.packets;
	r->seconds = h.seconds;
	err = get_str(buf, len, &off, &r->file);
	if (!err)
		err = get_str(buf, len, &off, &r->name);
	if (!err)
		err = get_str(buf, len, &off, &r->reason);
	if (!err && h.nfails) {
		r->fails.lines = calloc(h.nfails, sizeof(*r->fails.lines));
		err = r->fails.lines ? 0 : -ENOMEM;
	}
	for (i = 0; !err && i < h.nfails; i++) {
		err = get_str(buf, len, &off, &r->fails.lines[i]);
		if (!err && !r->fails.lines[i])
			err = -EBADMSG; /* a failure line is never NULL */
		if (!err)
			r->fails.n++;
	}
	if (!err && off != len)
		err = -EBADMSG;
	if (err) {
		pl_scn_report_free(r);
		memset(r, 0, sizeof(*r));
	}
	return err;
}
