/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Normalised text dumps of one named namespace over rtnetlink (not
 * /sys/class/net, which does not follow setns). One object a line:
 *   link IFINDEX NAME KIND mtu N MAC up|down [master IFINDEX]
 *        [vxlan external | vxlan id VNI local IP] [xdp PROG id N]
 *   addr DEV IP/PLEN
 *   route DST/PLEN [via GW] [dev DEV] scope S proto P [onlink] [table T] (not local)
 *   rule pref N from SRC/PLEN table T                  (all but the default three)
 *   neigh|fdb IP MAC dev DEV                                       (permanent)
 *   qdisc|class DEV KIND MAJ:MIN parent MAJ:MIN
 *   filter DEV tc-ingress|tc-egress|classifier prio N KIND [PROG id N]
 */
#ifndef PL_NET_DUMP_H
#define PL_NET_DUMP_H

#include <stdio.h>

#define PL_DUMP_LINKS  (1u << 0)
#define PL_DUMP_ADDRS  (1u << 1)
#define PL_DUMP_ROUTES (1u << 2)
#define PL_DUMP_NEIGH  (1u << 3)
#define PL_DUMP_QDISCS (1u << 4)
#define PL_DUMP_PROGS  (1u << 5)
#define PL_DUMP_ALL    0x3fu

int pl_dump_ns(const char *ns, unsigned what, FILE *out);

#endif /* PL_NET_DUMP_H */
