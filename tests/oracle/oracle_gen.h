/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy oracle's generator: from a seed, a topology (nodes, labelled
 * pods, a world host, random CiliumNetworkPolicy and NetworkPolicy rules)
 * as YAML text, and the packets to ask about. Same seed, same case.
 */
#ifndef PL_ORACLE_GEN_H
#define PL_ORACLE_GEN_H

#include <stddef.h>
#include <stdint.h>

#define ORACLE_MAX_PKTS 256

/* One question: a new flow saddr -> daddr (network order), dport host order (0 for ICMP). */
struct oracle_pkt {
	uint32_t saddr, daddr;
	uint8_t proto;
	uint16_t sport, dport;
};

#define ORACLE_MAX_POLICIES 8
#define ORACLE_ALL_POLICIES ((1u << ORACLE_MAX_POLICIES) - 1)

struct oracle_case {
	uint64_t seed;
	const char *routing;		   /* "native" or "vxlan" */
	char *head;			   /* the topology up to "policies:", malloc'd */
	char *policy[ORACLE_MAX_POLICIES]; /* one list item each, malloc'd */
	int npolicies;
	struct oracle_pkt pkts[ORACLE_MAX_PKTS];
	int npkts;
};

/* Generates case `seed` asking npkts (<= ORACLE_MAX_PKTS) questions; 0 or -ENOMEM. */
int oracle_gen(uint64_t seed, int npkts, struct oracle_case *c);
/* The topology with the policies whose bit is set in keep (shrinking drops some). malloc'd. */
char *oracle_yaml(const struct oracle_case *c, uint32_t keep);
void oracle_case_free(struct oracle_case *c);

#endif /* PL_ORACLE_GEN_H */
