/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line specs of qdiscs and loads, with tc's units:
 *   pfifo  limit=100
 *   tbf    rate=1mbit,burst=32kbit,latency=400ms|limit=BYTES[,peakrate=R,mtu=BYTES]
 *   netem  delay=100ms[,jitter=10ms][,dist=uniform|normal][,loss=10%][,duplicate=1%]
 *          [,reorder=25%][,rate=1mbit][,limit=1000]
 *   htb    rate=10mbit[,ceil=R];class=10:rate=3mbit,ceil=5mbit[,prio=N][,quantum=B]
 *          [,parent=MINOR][,dst=IP[/N]][,src=IP[/N]][,dport=N][,sport=N][,proto=P];...;
 *          default=MINOR        (minors are hex, as in tc's 1:10)
 *   load   udp:RATE|poisson:RATE|burst:N[,size=1000][,dst=IP][,src=IP][,dport=N]
 *          [,sport=N][,proto=P][,start=T][,stop=T]
 * Errors: -EINVAL and one line in err naming the bad token.
 */
#ifndef PL_SIM_QDISC_SPEC_H
#define PL_SIM_QDISC_SPEC_H

#include "qdisc.h"
#include "qdisc_run.h"

#define SIM_SPEC_MAX_CLASSES 64

struct sim_qdisc_spec {
	struct topo_qdisc qd;
	enum sim_jitter_dist dist; /* netem */
	struct topo_htb_class classes[SIM_SPEC_MAX_CLASSES];
	struct topo_match matches[SIM_SPEC_MAX_CLASSES];
};

/* kind: "pfifo", "tbf", "netem" or "htb". qd.htb.classes points into spec. */
int pl_sim_spec_parse_qdisc(const char *kind, const char *text, struct sim_qdisc_spec *spec,
			    char *err, int errlen);
int pl_sim_spec_parse_load(const char *text, struct sim_load *load, char *err, int errlen);
/* The teaching text's tc examples as simulator runs (podlab sim qdisc --example). */
struct sim_example {
	const char *name;
	const char *kind; /* qdisc */
	const char *spec;
	const char *loads[3]; /* NULL-terminated */
};

/* NULL when there is no such example. */
const struct sim_example *pl_sim_example_find(const char *name);

/* "tbf rate 1Mbit burst 4096b limit 54096b", tc-like, for report headers. */
void pl_sim_spec_describe(const struct sim_qdisc_spec *spec, char *buf, int len);

#endif /* PL_SIM_QDISC_SPEC_H */
