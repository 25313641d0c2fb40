/* SPDX-License-Identifier: GPL-2.0 */
/* podlab explain --http-*: what the proxy of an L7 port does with one request. */
#ifndef PL_CLI_EXPLAIN_HTTP_H
#define PL_CLI_EXPLAIN_HTTP_H

#include <stdint.h>

#include "topo/policy_l7.h"

/*
 * Prints which rule allows req from pod `from` to pod `to` on TCP dport, or
 * that the proxy answers 403, or that the port has no http rules (L4 only).
 * 0, or -errno (pl_err printed).
 */
int pl_explain_http(const struct topo *t, int from, int to, uint16_t dport,
		    const struct pl_http_req *req);

#endif /* PL_CLI_EXPLAIN_HTTP_H */
