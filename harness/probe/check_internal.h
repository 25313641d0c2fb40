/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between the sources of `podlab check`. */
#ifndef PL_PROBE_CHECK_INTERNAL_H
#define PL_PROBE_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/check.h"

#define CHECK_MAX_PORTS 4

/* "pl-<run>-<name>" */
void pl_check_netns(const char *run, const char *name, char *buf, size_t len);
bool pl_check_in_pod_cidr(const struct topo *t, uint32_t ip);
/* Up to CHECK_MAX_PORTS ports the policies name for proto, else dflt; returns how many. */
int pl_check_ports(const struct topo *t, uint8_t proto, uint16_t dflt, uint16_t *ports);

int pl_check_run_mtu(const struct pl_check_opts *o, struct pl_check_report *r);
int pl_check_run_shaping(const struct pl_check_opts *o, struct pl_check_report *r);
int pl_check_run_routes(const struct pl_check_opts *o, struct pl_check_report *r);
void pl_check_print_routes(const struct pl_check_report *r, FILE *f);
/* check_ingress.c: does t have a world host and a nodePort whose backends run nginx? */
bool pl_check_ingress_applies(const struct topo *t);
int pl_check_run_ingress(const struct pl_check_opts *o, struct pl_check_report *r);
void pl_check_print_ingress(const struct pl_check_report *r, FILE *f);
void pl_check_json_ingress(const struct pl_check_report *r, FILE *f);
/* check_l7.c: HTTP requests through the L7 proxies (where pl_policy_has_proxies). */
int pl_check_run_l7(const struct pl_check_opts *o, struct pl_check_report *r);
void pl_check_print_l7(const struct pl_check_report *r, FILE *f);
void pl_check_json_l7(const struct pl_check_report *r, FILE *f);
/* A probe's protocol as the report prints it: icmp, tcp, udp; IPv6 icmp6, tcp6, udp6. */
const char *pl_check_proto_str(const struct pl_check_probe *p, char buf[TOPO_PROTO_STRLEN]);
/* Fills section_ok[] and ok. */
void pl_check_judge(struct pl_check_report *r);

#endif /* PL_PROBE_CHECK_INTERNAL_H */
