// SPDX-License-Identifier: GPL-2.0
/* Packet spec files: lines, comments, the linktype directive, and writing the pcap. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap/pcap_io.h"
#include "pcap/pcap_spec.h"
#include "pcap/spec_internal.h"

#define MAX_LINE 4096
#define MAX_FILE (64u << 20)

static int add_frame(struct pl_spec *s, const uint8_t *data, size_t len, unsigned int line)
{
	struct pl_spec_frame *f;

	if (!(s->n & (s->n + 1)) || !s->frames) { /* grow at 0, 1, 3, 7, ... */
		f = realloc(s->frames, (s->n * 2 + 2) * sizeof(*f));
		if (!f)
			return -ENOMEM;
		s->frames = f;
	}
	f = &s->frames[s->n];
	f->data = malloc(len ? len : 1);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, data, len);
	f->len = len;
	f->line = line;
	s->n++;
	return 0;
}

static int parse_directive(struct lp *p, struct pl_spec *out)
{
	int lt;

	if (out->n)
		return pl_spec_perr(p, p->t[0].col, "'linktype' must come before the first packet");
	if (p->n != 2)
		return pl_spec_perr(p, p->n < 2 ? p->eol_col : p->t[2].col,
				    "expected 'linktype EN10MB' or 'linktype LINUX_SLL2'");
	lt = pl_linktype_from_name(p->t[1].s);
	if (lt != PL_LINK_EN10MB && lt != PL_LINK_LINUX_SLL2)
		return pl_spec_perr(p, p->t[1].col,
				    "link type '%s' cannot be written (EN10MB, LINUX_SLL2)",
				    p->t[1].s);
	out->linktype = lt;
	return 0;
}

int pl_spec_parse(const char *text, size_t len, const char *name, struct pl_spec *out, char *err,
		  size_t errlen)
{
	struct lp *p = calloc(1, sizeof(*p));
	uint8_t *frame = malloc(PL_PKT_MAX);
	size_t pos = 0, eol;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->linktype = PL_LINK_EN10MB;
	if (!p || !frame) {
		ret = -ENOMEM;
		goto out;
	}
	*p = (struct lp){.name = name, .err = err, .errlen = errlen};
	while (pos < len) {
		for (eol = pos; eol < len && text[eol] != '\n'; eol++)
			;
		p->line++;
		if (eol - pos > MAX_LINE) {
			ret = pl_spec_perr(p, MAX_LINE + 1, "line longer than %d characters",
					   MAX_LINE);
			goto out;
		}
		ret = pl_spec_tokenize(p, text + pos, eol - pos);
		if (ret)
			goto out;
		if (p->n && !strcmp(p->t[0].s, "linktype")) {
			ret = parse_directive(p, out);
		} else if (p->n) {
			p->number = (unsigned int)out->n + 1;
			ret = pl_spec_read_packet(p, 0, frame, PL_PKT_MAX);
			if (ret >= 0)
				ret = add_frame(out, frame, (size_t)ret, p->line);
			if (ret == -ENOMEM)
				pl_spec_perr(p, 1, "out of memory");
		}
		if (ret < 0)
			goto out;
		ret = 0;
		pos = eol + 1;
	}
out:
	if (ret == -ENOMEM && p == NULL)
		snprintf(err, errlen, "%s: out of memory", name);
	if (ret)
		pl_spec_free(out);
	free(frame);
	free(p);
	return ret;
}

int pl_spec_parse_file(const char *path, struct pl_spec *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	text = malloc(MAX_FILE);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	len = fread(text, 1, MAX_FILE, f);
	if (ferror(f) || len == MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 ferror(f) ? "read error" : "larger than 64 MiB");
		ret = -EINVAL;
	} else {
		ret = pl_spec_parse(text, len, path, out, err, errlen);
	}
	fclose(f);
	free(text);
	return ret;
}

void pl_spec_free(struct pl_spec *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->frames[i].data);
	free(s->frames);
	s->frames = NULL;
	s->n = 0;
}

uint64_t pl_spec_ts_ns(size_t i)
{
	return 1700000000ull * 1000000000ull + (uint64_t)i * 1000000ull;
}

int pl_spec_write_pcap(const struct pl_spec *s, const char *path, char *err, size_t errlen)
{
	struct pl_pcap_writer *w;
	size_t i;
	int ret;

	for (i = 0; i < s->n; i++)
		if (s->linktype == PL_LINK_LINUX_SLL2 && s->frames[i].len < 14) {
			snprintf(err, errlen,
				 "%s: packet %zu (spec line %u): %zu bytes is too short for "
				 "LINUX_SLL2",
				 path, i + 1, s->frames[i].line, s->frames[i].len);
			return -EINVAL;
		}
	w = pl_pcap_writer_open(path, s->linktype, err, errlen);
	if (!w)
		return -errno;
	for (i = 0; i < s->n; i++) {
		ret = pl_pcap_write(w, pl_spec_ts_ns(i), s->frames[i].data, s->frames[i].len);
		if (ret) {
			snprintf(err, errlen, "%s: packet %zu (spec line %u): %s", path, i + 1,
				 s->frames[i].line, strerror(-ret));
			pl_pcap_writer_abort(w);
			return ret;
		}
	}
	ret = pl_pcap_writer_close(w);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}
