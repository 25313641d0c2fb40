/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A point-to-point link: one packet at a time is serialised at `rate`, then
 * travels `delay` (propagation). The device is busy while it serialises, and
 * the qdisc is asked for the next packet when it becomes free.
 */
#ifndef PL_SIM_LINK_H
#define PL_SIM_LINK_H

#include <stdbool.h>
#include <stdint.h>

struct sim_link_cfg {
	uint64_t rate;	   /* bits/s, 0 = infinitely fast */
	uint64_t delay_ns; /* propagation */
};

struct sim_link {
	struct sim_link_cfg cfg;
	uint64_t busy_until; /* end of the current serialisation */
	uint64_t tx_packets, tx_bytes;
};

void pl_sim_link_init(struct sim_link *l, const struct sim_link_cfg *cfg);
static inline bool sim_link_idle(const struct sim_link *l, uint64_t now)
{
	return now >= l->busy_until;
}
/* Starts sending len bytes at now (the link must be idle); returns the time
 * the last bit has left; *arrive = when it reaches the far end. */
uint64_t pl_sim_link_send(struct sim_link *l, uint32_t len, uint64_t now, uint64_t *arrive);

#endif /* PL_SIM_LINK_H */
