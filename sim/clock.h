/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual clock for the simulator: time in ns and an event queue (binary
 * heap). Events with equal times come out in the order they were scheduled,
 * so a run is a pure function of its inputs.
 */
#ifndef PL_SIM_CLOCK_H
#define PL_SIM_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_TIME_NEVER UINT64_MAX
#define SIM_NS_PER_SEC 1000000000ULL

struct sim_event {
	uint64_t t;   /* when, ns */
	uint64_t seq; /* scheduling order: breaks ties */
	int type;     /* caller's event kind */
	void *ptr;    /* caller's data */
	uint64_t data;
};

struct sim_clock {
	uint64_t now;
	struct sim_event *heap;
	size_t n;
	size_t cap;
	uint64_t seq;
	uint64_t popped; /* events handed out by pl_sim_clock_next, for benchmarks */
};

int pl_sim_clock_init(struct sim_clock *c);
void pl_sim_clock_free(struct sim_clock *c);
/* Schedules an event at t (clamped to now: the past is gone). 0 or -ENOMEM. */
int pl_sim_clock_schedule(struct sim_clock *c, uint64_t t, int type, void *ptr, uint64_t data);
/* Time of the earliest event, SIM_TIME_NEVER when none. */
uint64_t pl_sim_clock_peek(const struct sim_clock *c);
/* Pops the earliest event into *ev and advances now to it; false when empty. */
bool pl_sim_clock_next(struct sim_clock *c, struct sim_event *ev);

#endif /* PL_SIM_CLOCK_H */
