/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser internals: the topology's reader of a libyaml document
 * (lib/yaml_doc.h) and the helpers every section parser uses to read it
 * strictly (unknown and duplicate keys, types), each reporting
 * "file:line:column: message" from the node's mark.
 */
#ifndef PL_TOPO_YAML_H
#define PL_TOPO_YAML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/yaml_doc.h"
#include "topo/topo.h"

struct topo_parser {
	struct pl_yaml_doc y; /* y.warn: warnings wait there, printed only when the file is valid */
	bool from_file;	      /* relative program objects resolve against the file's folder */
	struct topo *t;
	long nrules, nrule_ports; /* what the policies expanded to so far */
};

typedef yaml_node_t ynode;

static inline struct topo_pos ty_pos(const ynode *n)
{
	return (struct topo_pos){pl_yaml_line(n), pl_yaml_col(n)};
}

/*
 * n must be a mapping (null counts as empty) whose keys are all in keys[]
 * (NULL-terminated), each at most once. what names it in messages.
 */
int pl_ty_check_map(struct topo_parser *p, const ynode *n, const char *what,
		    const char *const *keys);
/* n must be a list (null counts as empty); *len its length. */
int pl_ty_check_seq(struct topo_parser *p, const ynode *n, const char *what, int *len);

/* Scalars. Each checks the type and range and reports with n's position. */
int pl_ty_scalar(struct topo_parser *p, const ynode *n, const char *what, const char **out);
int pl_ty_strdup(struct topo_parser *p, const ynode *n, const char *what, char **out);
int pl_ty_u32(struct topo_parser *p, const ynode *n, const char *what, uint32_t min, uint32_t max,
	      uint32_t *out);
int pl_ty_bool(struct topo_parser *p, const ynode *n, const char *what, bool *out);
int pl_ty_ipv4(struct topo_parser *p, const ynode *n, const char *what, uint32_t *ip);
/* "a.b.c.d/len" (a bare address is /32 when bare_ok); host bits must be clear. */
int pl_ty_cidr(struct topo_parser *p, const ynode *n, const char *what, bool bare_ok, uint32_t *ip,
	       uint8_t *plen);
int pl_ty_rate(struct topo_parser *p, const ynode *n, const char *what, uint64_t *bps);
int pl_ty_size(struct topo_parser *p, const ynode *n, const char *what, uint32_t *bytes);
int pl_ty_time(struct topo_parser *p, const ynode *n, const char *what, uint64_t *ns);
int pl_ty_percent(struct topo_parser *p, const ynode *n, const char *what, double *frac);
/* IP protocol name (TCP, udp, icmp, sctp, any) or number; any = 0. */
int pl_ty_proto(struct topo_parser *p, const ynode *n, const char *what, uint8_t *proto);
/* A DNS-label-like name (lowercase letters, digits, '-') of at most max characters. */
int pl_ty_name(struct topo_parser *p, const ynode *n, const char *what, size_t max, char **out);
/* matchLabels-like mapping of strings; "k8s:" source prefixes are stripped. */
int pl_ty_labels(struct topo_parser *p, const ynode *n, const char *what, struct topo_label **out,
		 int *nout);

void pl_topo_labels_free(struct topo_label *l, int n);

/* Section parsers (topo_qdisc.c, topo_policy_parse.c). */
int pl_topo_parse_qdisc(struct topo_parser *p, const ynode *n, struct topo_qdisc *q);
/* topo_underlay.c: the `underlay` and `fabric` sections (after the nodes). */
int pl_topo_parse_underlay(struct topo_parser *p, const ynode *n);
/* ipipMode and natOutgoing of the topology's root (topo_ipip.c): after routing, before nodes. */
int pl_topo_parse_ipip(struct topo_parser *p, const ynode *root);
/* ipipMode CrossSubnet: a node ip without its prefix is an error at ip_n. */
int pl_topo_check_ipip_node(struct topo_parser *p, const ynode *ip_n, bool has_len);
int pl_topo_parse_fabric(struct topo_parser *p, const ynode *n);
/* A node named by scalar v ("what" in messages): its index in *node. */
int pl_ty_node_ref(struct topo_parser *p, const ynode *v, const char *what, int *node);
void pl_topo_qdisc_free(struct topo_qdisc *q);
int pl_topo_parse_policies(struct topo_parser *p, const ynode *n);
/* topo_policy_l7.c: toPorts rules (L7). rules → pol->l7[], *l7 = 1 + its index. */
int pl_topo_parse_l7(struct topo_parser *p, const ynode *rules, struct topo_policy *pol,
		     uint16_t *l7);
/* The toPorts entry e's rules, if any, on its ports (checks direction, TCP port numbers). */
int pl_topo_parse_l7_ports(struct topo_parser *p, const ynode *e, struct topo_policy *pol,
			   enum topo_rule_dir dir, bool deny, struct topo_port *ports, int nports);
/* An ingress rule n whose ports carry http rules names peers the proxy can match. */
int pl_topo_check_l7_peers(struct topo_parser *p, const ynode *n, const struct topo_port *ports,
			   int nports);
void pl_topo_l7_free(struct topo_policy *pol);
/* topo_cluster.c: `prefilter: [CIDR, ...]` and `conntrack: {max: N}`. */
int pl_topo_parse_prefilter(struct topo_parser *p, const ynode *n);
int pl_topo_parse_conntrack(struct topo_parser *p, const ynode *n);
/* topo_service.c: `serviceCIDR` and `services:` (after the nodes, their pods and the world). */
/* serviceCIDR v (NULL: the default), checked against the addresses taken if services use it. */
int pl_topo_parse_service_cidr(struct topo_parser *p, const ynode *v, const ynode *services);
int pl_topo_parse_services(struct topo_parser *p, const ynode *n);
/* topo_check.c: checks against what was read before (n is the value to point at). */
int pl_topo_check_name(struct topo_parser *p, const ynode *n, const char *name, int self_node,
		       int self_pod);
int pl_topo_check_ifname(struct topo_parser *p, const ynode *n, const char *what, const char *name,
			 const char *prefix, const char *device);
int pl_topo_check_node(struct topo_parser *p, int self, const ynode *ip_n, const ynode *cidr_n);
int pl_topo_check_pod(struct topo_parser *p, int self, const ynode *ip_n);
/* Cross-checks and derived fields once everything is read. */
int pl_topo_check(struct topo_parser *p);

#endif /* PL_TOPO_YAML_H */
