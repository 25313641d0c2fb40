/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test runs without privilege: a user namespace with its own mount and
 * network namespaces. Inside it the runner holds CAP_NET_ADMIN and
 * CAP_SYS_ADMIN over the namespaces it creates, never over the initial
 * ones (loading BPF still needs CAP_BPF in the initial user namespace),
 * and /run is a private tmpfs, so /run/netns and /run/podlab are its own.
 */
#ifndef PL_TEST_USERNS_H
#define PL_TEST_USERNS_H

#include <stdbool.h>

/*
 * Enters the user+mount+net namespace when the process holds no
 * capability (an ordinary user) and PL_TEST_NO_USERNS is unset. Must run
 * before any thread exists (pl_probe_netns calls it while the runner probes).
 * 0 when entered or not needed, else -errno.
 */
int pl_userns_setup(void);
/* The runner sits in its own user namespace. */
bool pl_userns_active(void);
/* Why it does not (NULL when it does, or when it was not needed). */
const char *pl_userns_why(void);
/* The process holds CAP_<cap> in its effective set (linux/capability.h numbers). */
bool pl_cap_effective(int cap);

#endif /* PL_TEST_USERNS_H */
