// SPDX-License-Identifier: GPL-2.0
/* Link: serialisation at the line rate plus propagation delay. */
#include <string.h>

#include "link.h"
#include "qdisc.h"

void pl_sim_link_init(struct sim_link *l, const struct sim_link_cfg *cfg)
{
	memset(l, 0, sizeof(*l));
	l->cfg = *cfg;
}

uint64_t pl_sim_link_send(struct sim_link *l, uint32_t len, uint64_t now, uint64_t *arrive)
{
	uint64_t done = now + (l->cfg.rate ? sim_l2t_ns(l->cfg.rate, len) : 0);

	l->busy_until = done;
	l->tx_packets++;
	l->tx_bytes += len;
	*arrive = done + l->cfg.delay_ns;
	return done;
}
