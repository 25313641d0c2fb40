// SPDX-License-Identifier: GPL-2.0
/* Text escaped for the reports podlab writes. */
#include <string.h>

#include "lib/escape.h"

void pl_xml_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void pl_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The escape of c for one line, or NULL when c stands as it is. */
static const char *oneline_esc(unsigned char c, char hex[5])
{
	if (c == '\n')
		return "\\n";
	if (c == '\r')
		return "\\r";
	if ((c < 0x20 && c != '\t') || c == 0x7f) {
		snprintf(hex, 5, "\\x%02x", c);
		return hex;
	}
	return NULL;
}

void pl_oneline_escape(FILE *f, const char *s)
{
	const char *e;
	char hex[5];

	for (; s && *s; s++) {
		e = oneline_esc((unsigned char)*s, hex);
		if (e)
			fputs(e, f);
		else
			fputc(*s, f);
	}
}

char *pl_oneline_str(char *buf, size_t len, const char *s)
{
	size_t n = 0, k;
	const char *e;
	char hex[5], one[2] = "";

	if (!len)
		return buf;
	for (; s && *s; s++) {
		e = oneline_esc((unsigned char)*s, hex);
		if (!e) {
			one[0] = *s;
			e = one;
		}
		k = strlen(e);
		if (n + k >= len)
			break;
		memcpy(buf + n, e, k);
		n += k;
	}
	buf[n] = '\0';
	return buf;
}
