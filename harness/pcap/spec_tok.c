// SPDX-License-Identifier: GPL-2.0
/* Packet spec lines' words: the tokenizer, error positions, numbers, MACs, TCP flags. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/spec_internal.h"

int pl_spec_perr(struct lp *p, unsigned int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%u:%u: ", p->name, p->line, col);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int pl_spec_tokenize(struct lp *p, const char *line, size_t len)
{
	size_t i = 0, start, n;

	p->n = p->i = 0;
	while (i < len) {
		unsigned char c = line[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		if (c < 0x20 || c >= 0x7f)
			return pl_spec_perr(p, i + 1, "unexpected byte 0x%02x", c);
		if (p->n == MAX_TOKENS)
			return pl_spec_perr(p, i + 1, "more than %d words on one line", MAX_TOKENS);
		start = i;
		if (c == '{' || c == '}' || c == '>')
			i++;
		else
			while (i < len && !strchr(" \t\r#{}>", line[i]) && line[i] >= 0x20 &&
			       (unsigned char)line[i] < 0x7f)
				i++;
		n = i - start;
		if (n >= TOK_LEN)
			return pl_spec_perr(p, start + 1, "word longer than %d characters",
					    TOK_LEN - 1);
		memcpy(p->t[p->n].s, line + start, n);
		p->t[p->n].s[n] = '\0';
		p->t[p->n++].col = start + 1;
	}
	p->eol_col = i + 1;
	return 0;
}

struct tok *pl_spec_peek(struct lp *p)
{
	return p->i < p->n ? &p->t[p->i] : NULL;
}

struct tok *pl_spec_next(struct lp *p, const char *what, int *err)
{
	if (p->i < p->n)
		return &p->t[p->i++];
	*err = pl_spec_perr(p, p->eol_col, "expected %s at the end of the line", what);
	return NULL;
}

int pl_spec_get_num(struct lp *p, const char *opt, unsigned long min, unsigned long max,
		    unsigned long *val)
{
	struct tok *t;
	char *end;
	int err;

	t = pl_spec_next(p, "a number", &err);
	if (!t)
		return err;
	errno = 0;
	*val = strtoul(t->s, &end, 0);
	if (t->s[0] == '-' || t->s[0] == '+' || !t->s[0] || *end || errno || *val > max ||
	    *val < min)
		return pl_spec_perr(p, t->col, "%s: '%s' is not a number from %lu to %lu", opt,
				    t->s, min, max);
	return 0;
}

int pl_spec_get_mac(struct lp *p, uint8_t *mac)
{
	unsigned int m[6];
	struct tok *t;
	int err, n = 0, i;

	t = pl_spec_next(p, "a MAC address", &err);
	if (!t)
		return err;
	if (sscanf(t->s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &n) != 6 ||
	    (size_t)n != strlen(t->s) || n != 17)
		return pl_spec_perr(p, t->col, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)",
				    t->s);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

int pl_spec_get_tcp_flags(struct lp *p, uint8_t *flags)
{
	static const char letters[] = "FSRP.UEW";
	const char *c, *hit;
	struct tok *t;
	int err;

	t = pl_spec_next(p, "TCP flags", &err);
	if (!t)
		return err;
	*flags = 0;
	if (!strcmp(t->s, "none"))
		return 0;
	for (c = t->s; *c; c++) {
		hit = strchr(letters, *c == 'A' ? '.' : *c);
		if (!hit)
			return pl_spec_perr(
				p, t->col + (c - t->s),
				"'%c' is not a TCP flag (F S R P A or . U E W, or none)", *c);
		*flags |= 1u << (hit - letters);
	}
	return 0;
}

/* The words between the kind and the options. */
