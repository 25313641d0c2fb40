/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), as Cilium and
 * Katran use it: each backend has a permutation of the table's M entries
 * (offset and skip from two hashes of its address), and the backends take
 * turns claiming their next free entry until the table is full. Every backend
 * ends with M/N entries (rounded either way), and removing one moves little
 * more than its own entries.
 */
#ifndef PL_SVC_MAGLEV_H
#define PL_SVC_MAGLEV_H

#include <stdint.h>

/*
 * Fills table[m] (m prime, PL_MAGLEV_M in the datapath) with backend slots
 * 0..n-1 of the n backends at addrs (IPv4, network order; distinct).
 * n = 0 leaves nothing to fill. 0, or -EINVAL (m not prime, n >= 65535 or
 * n > m), -ENOMEM.
 */
int pl_maglev_build(const uint32_t *addrs, int n, uint16_t *table, uint32_t m);

#endif /* PL_SVC_MAGLEV_H */
