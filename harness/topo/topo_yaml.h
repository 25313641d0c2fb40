/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser internals: a libyaml document plus the helpers every section
 * parser uses to read it strictly (unknown and duplicate keys, types) and to
 * report "file:line:column: message" from the node's mark.
 */
#ifndef PL_TOPO_YAML_H
#define PL_TOPO_YAML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

#include "topo/topo.h"

struct topo_parser {
	const char *file;
	FILE *diag;
	bool from_file; /* relative program objects resolve against the file's folder */
	FILE *warn;	/* warnings wait here: printed only when the file is valid */
	yaml_document_t doc;
	struct topo *t;
};

typedef yaml_node_t ynode;

/* Prints "file:line:col: message" for node n (or pos when n is NULL); returns -EINVAL. */
int ty_error(struct topo_parser *p, const ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ty_error_at(struct topo_parser *p, struct topo_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ty_warn_at(struct topo_parser *p, struct topo_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct topo_pos ty_pos(const ynode *n);

ynode *ty_node(struct topo_parser *p, int index);
/* A plain null scalar: absent value (`key:`, `~`, `null`). */
bool ty_is_null(const ynode *n);
const char *ty_kind(const ynode *n); /* "a mapping", "a list", "a string" */

/*
 * n must be a mapping (null counts as empty) whose keys are all in keys[]
 * (NULL-terminated), each at most once. what names it in messages.
 */
int ty_check_map(struct topo_parser *p, const ynode *n, const char *what, const char *const *keys);
/* Value of key in mapping n, or NULL. */
ynode *ty_get(struct topo_parser *p, const ynode *n, const char *key);
/* The key node holding key (for positions), or NULL. */
ynode *ty_get_key(struct topo_parser *p, const ynode *n, const char *key);
/* n must be a list (null counts as empty); *len its length. */
int ty_check_seq(struct topo_parser *p, const ynode *n, const char *what, int *len);
ynode *ty_seq_item(struct topo_parser *p, const ynode *n, int i);
/* Mapping pair i (key and value nodes). */
int ty_map_len(const ynode *n);
void ty_map_pair(struct topo_parser *p, const ynode *n, int i, ynode **key, ynode **value);

/* Scalars. Each checks the type and range and reports with n's position. */
int ty_scalar(struct topo_parser *p, const ynode *n, const char *what, const char **out);
int ty_strdup(struct topo_parser *p, const ynode *n, const char *what, char **out);
int ty_u32(struct topo_parser *p, const ynode *n, const char *what, uint32_t min, uint32_t max,
	   uint32_t *out);
int ty_bool(struct topo_parser *p, const ynode *n, const char *what, bool *out);
int ty_ipv4(struct topo_parser *p, const ynode *n, const char *what, uint32_t *ip);
/* "a.b.c.d/len" (a bare address is /32 when bare_ok); host bits must be clear. */
int ty_cidr(struct topo_parser *p, const ynode *n, const char *what, bool bare_ok, uint32_t *ip,
	    uint8_t *plen);
int ty_rate(struct topo_parser *p, const ynode *n, const char *what, uint64_t *bps);
int ty_size(struct topo_parser *p, const ynode *n, const char *what, uint32_t *bytes);
int ty_time(struct topo_parser *p, const ynode *n, const char *what, uint64_t *ns);
int ty_percent(struct topo_parser *p, const ynode *n, const char *what, double *frac);
/* IP protocol name (TCP, udp, icmp, sctp, any) or number; any = 0. */
int ty_proto(struct topo_parser *p, const ynode *n, const char *what, uint8_t *proto);
/* A DNS-label-like name (lowercase letters, digits, '-') of at most max characters. */
int ty_name(struct topo_parser *p, const ynode *n, const char *what, size_t max, char **out);
/* matchLabels-like mapping of strings; "k8s:" source prefixes are stripped. */
int ty_labels(struct topo_parser *p, const ynode *n, const char *what, struct topo_label **out,
	      int *nout);

void topo_labels_free(struct topo_label *l, int n);

/* Section parsers (topo_qdisc.c, topo_policy_parse.c). */
int topo_parse_qdisc(struct topo_parser *p, const ynode *n, struct topo_qdisc *q);
void topo_qdisc_free(struct topo_qdisc *q);
int topo_parse_policies(struct topo_parser *p, const ynode *n);
void topo_policy_free(struct topo_policy *pol);
/* topo_check.c: checks against what was read before (n is the value to point at). */
int topo_check_name(struct topo_parser *p, const ynode *n, const char *name, int self_node,
		    int self_pod);
int topo_check_ifname(struct topo_parser *p, const ynode *n, const char *what, const char *name,
		      const char *prefix, const char *device);
int topo_check_node(struct topo_parser *p, int self, const ynode *ip_n, const ynode *cidr_n);
int topo_check_pod(struct topo_parser *p, int self, const ynode *ip_n);
/* Cross-checks and derived fields once everything is read. */
int topo_check(struct topo_parser *p);

#endif /* PL_TOPO_YAML_H */
