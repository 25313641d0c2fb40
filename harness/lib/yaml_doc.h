/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loaded libyaml document and the plumbing every strict reader of one
 * needs (topology files, scenario files): nodes by id, scalars, mappings and
 * lists, and "file:line:column: message" reports from a node's mark.
 */
#ifndef PL_YAML_DOC_H
#define PL_YAML_DOC_H

#include <stdbool.h>
#include <stdio.h>
#include <yaml.h>

struct pl_yaml_doc {
	const char *file; /* the name messages start with */
	FILE *diag;	  /* errors go here; NULL = stderr */
	FILE *warn;	  /* warnings wait here when set; else they go with the errors */
	yaml_document_t doc;
};

/* 1-based line and column where n starts; 0 for a NULL node. */
int pl_yaml_line(const yaml_node_t *n);
int pl_yaml_col(const yaml_node_t *n);

/* Prints "file:line:col: message" for node n; returns -EINVAL. */
int pl_yaml_error(struct pl_yaml_doc *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pl_yaml_error_at(struct pl_yaml_doc *y, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "file:line:col: warning: message". */
void pl_yaml_warn(struct pl_yaml_doc *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pl_yaml_warn_at(struct pl_yaml_doc *y, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

yaml_node_t *pl_yaml_node(struct pl_yaml_doc *y, int id);
/* The text of a scalar node; NULL for anything else. */
const char *pl_yaml_str(const yaml_node_t *n);
/* A plain null scalar: absent value (`key:`, `~`, `null`). */
bool pl_yaml_is_null(const yaml_node_t *n);
const char *pl_yaml_kind(const yaml_node_t *n); /* "a mapping", "a list", "a scalar", "empty" */

/* Mapping pairs; 0 pairs when n is not a mapping. */
int pl_yaml_map_len(const yaml_node_t *n);
void pl_yaml_map_pair(struct pl_yaml_doc *y, const yaml_node_t *n, int i, yaml_node_t **key,
		      yaml_node_t **value);
/* Value of key in mapping n, or NULL. */
yaml_node_t *pl_yaml_get(struct pl_yaml_doc *y, const yaml_node_t *n, const char *key);
/* The key node holding key (for positions), or NULL. */
yaml_node_t *pl_yaml_get_key(struct pl_yaml_doc *y, const yaml_node_t *n, const char *key);

/* List items; 0 items when n is not a list. */
int pl_yaml_seq_len(const yaml_node_t *n);
yaml_node_t *pl_yaml_seq_item(struct pl_yaml_doc *y, const yaml_node_t *n, int i);

#endif /* PL_YAML_DOC_H */
