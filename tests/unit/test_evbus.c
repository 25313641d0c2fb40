// SPDX-License-Identifier: GPL-2.0
/* The run's shared flow-event ring: readers with cursors of their own, losses counted. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/evbus.h"
#include "test.h"

static void write_n(struct pl_evbus *w, uint32_t first, int n)
{
	struct pl_flow_event ev = {};
	int i;

	for (i = 0; i < n; i++) {
		ev.ip_id = (uint16_t)(first + i);
		pl_evbus_write(w, (first + i) % 3, &ev);
	}
	pl_evbus_publish(w);
}

/* Reads what is waiting: how many, and the ip_id of the first and last. */
static int read_all(struct pl_evbus *r, int *first, int *last)
{
	struct pl_flow_event ev;
	uint32_t node;
	int n = 0;

	*first = *last = -1;
	while (pl_evbus_next(r, &node, &ev) > 0) {
		if (node != ev.ip_id % 3u)
			return -1; /* the node travels with its event */
		if (!n++)
			*first = ev.ip_id;
		*last = ev.ip_id;
	}
	return n;
}

PL_TEST(unit, evbus_readers_each_see_every_event)
{
	char path[] = "/tmp/pl-evbus-XXXXXX";
	struct pl_evbus w = {}, a = {}, b = {}, late = {}, again = {};
	int fd = mkstemp(path), first, last;

	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	unlink(path);
	if (!ASSERT_OK(pl_evbus_init(fd, 16, 3, &w), "init"))
		goto out;
	ASSERT_OK(pl_evbus_map(fd, false, false, &a), "reader a at the head");
	write_n(&w, 0, 10);
	ASSERT_OK(pl_evbus_map(fd, false, false, &b), "reader b at the head, after 10");
	write_n(&w, 10, 5);
	ASSERT_EQ(read_all(&a, &first, &last), 15, "a sees all 15");
	ASSERT_EQ(first, 0, "a from the first");
	ASSERT_EQ(last, 14, "a to the last");
	ASSERT_EQ(read_all(&b, &first, &last), 5, "b sees the 5 after it attached");
	ASSERT_EQ(first, 10, "b from the 11th");
	ASSERT_EQ(a.lost + b.lost, 0, "neither lost any");

	/* a falls behind by 40 in a ring of 16: 24 lost, the newest 16 read. */
	write_n(&w, 15, 40);
	ASSERT_EQ(read_all(&a, &first, &last), 16, "a reads a ring's worth");
	ASSERT_EQ(a.lost, 24, "and counts the 24 overwritten");
	ASSERT_EQ(first, 39, "the oldest still held");
	ASSERT_EQ(last, 54, "the newest");
	ASSERT_OK(pl_evbus_map(fd, false, true, &late), "a reader from the start");
	ASSERT_EQ(read_all(&late, &first, &last), 16, "from the start: what the ring holds");
	ASSERT_EQ(late.lost, 0, "history is not a loss");

	/* A collector laying out a ring of the same size keeps its head: readers go on. */
	pl_evbus_close(&w);
	ASSERT_OK(pl_evbus_init(fd, 16, 3, &w), "init again");
	ASSERT_EQ(w.hdr->head, 55, "head kept");
	write_n(&w, 55, 2);
	ASSERT_EQ(read_all(&b, &first, &last), 16, "b, 42 behind, reads the newest 16");
	ASSERT_EQ(b.lost, 26, "and lost 26");
	ASSERT_EQ(last, 56, "up to the new collector's events");
	ASSERT_OK(pl_evbus_map(fd, false, false, &again), "map again");
	ASSERT_EQ(read_all(&again, &first, &last), 0, "a reader at the head has nothing yet");
	pl_evbus_close(&again);
	pl_evbus_close(&late);
	pl_evbus_close(&b);
	pl_evbus_close(&a);
	pl_evbus_close(&w);
out:
	close(fd);
}

PL_TEST(unit, evbus_unready_file_is_eagain)
{
	char path[] = "/tmp/pl-evbus-XXXXXX";
	struct pl_evbus r = {};
	int fd = mkstemp(path);

	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	unlink(path);
	ASSERT_EQ(pl_evbus_map(fd, false, false, &r), -EAGAIN, "an empty file is not laid out");
	ASSERT_EQ(write(fd, "garbage garbage garbage garbage garbage", 40), 40, "garbage");
	ASSERT_EQ(pl_evbus_map(fd, false, false, &r), -EAGAIN, "nor is a file without the magic");
	close(fd);
}
