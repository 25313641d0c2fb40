// SPDX-License-Identifier: GPL-2.0
/* A libyaml document with positions for every message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/yaml_doc.h"

int pl_yaml_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

int pl_yaml_col(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 0;
}

/* One line whatever the file holds: a quoted value may carry newlines ("a\nb" in YAML). */
static void vreport(struct pl_yaml_doc *y, int line, int col, const char *tag, const char *fmt,
		    va_list ap)
{
	FILE *f = *tag && y->warn ? y->warn : y->diag ? y->diag : stderr;
	char *msg = NULL;

	fprintf(f, "%s:%d:%d: %s", y->file, line, col, tag);
	if (vasprintf(&msg, fmt, ap) < 0) {
		fputs("(out of memory)\n", f);
		fflush(f);
		return;
	}
	pl_oneline_escape(f, msg);
	free(msg);
	fputc('\n', f);
	fflush(f);
}

int pl_yaml_error_at(struct pl_yaml_doc *y, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(y, line, col, "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int pl_yaml_error(struct pl_yaml_doc *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(y, pl_yaml_line(n), pl_yaml_col(n), "", fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void pl_yaml_warn_at(struct pl_yaml_doc *y, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(y, line, col, "warning: ", fmt, ap);
	va_end(ap);
}

void pl_yaml_warn(struct pl_yaml_doc *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(y, pl_yaml_line(n), pl_yaml_col(n), "warning: ", fmt, ap);
	va_end(ap);
}

yaml_node_t *pl_yaml_node(struct pl_yaml_doc *y, int id)
{
	return yaml_document_get_node(&y->doc, id);
}

const char *pl_yaml_str(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool pl_yaml_is_null(const yaml_node_t *n)
{
	const char *v;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

const char *pl_yaml_kind(const yaml_node_t *n)
{
	if (!n || pl_yaml_is_null(n))
		return "empty";
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

int pl_yaml_map_len(const yaml_node_t *n)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return 0;
	return (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

void pl_yaml_map_pair(struct pl_yaml_doc *y, const yaml_node_t *n, int i, yaml_node_t **key,
		      yaml_node_t **value)
{
	yaml_node_pair_t *pair = n->data.mapping.pairs.start + i;

	*key = pl_yaml_node(y, pair->key);
	*value = pl_yaml_node(y, pair->value);
}

yaml_node_t *pl_yaml_get_key(struct pl_yaml_doc *y, const yaml_node_t *n, const char *key)
{
	int i, len = pl_yaml_map_len(n);
	yaml_node_t *k, *v;

	for (i = 0; i < len; i++) {
		pl_yaml_map_pair(y, n, i, &k, &v);
		if (pl_yaml_str(k) && !strcmp(pl_yaml_str(k), key))
			return k;
	}
	return NULL;
}

yaml_node_t *pl_yaml_get(struct pl_yaml_doc *y, const yaml_node_t *n, const char *key)
{
	int i, len = pl_yaml_map_len(n);
	yaml_node_t *k, *v;

	for (i = 0; i < len; i++) {
		pl_yaml_map_pair(y, n, i, &k, &v);
		if (pl_yaml_str(k) && !strcmp(pl_yaml_str(k), key))
			return v;
	}
	return NULL;
}

int pl_yaml_seq_len(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return 0;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

yaml_node_t *pl_yaml_seq_item(struct pl_yaml_doc *y, const yaml_node_t *n, int i)
{
	return pl_yaml_node(y, n->data.sequence.items.start[i]);
}
