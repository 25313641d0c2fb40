// SPDX-License-Identifier: GPL-2.0
/*
 * Replay's capture loader on captures as they come: a forwarded packet that
 * `tcpdump -i any` saw on two interfaces is replayed once, its second sighting
 * listed as skipped with the first one's number; packets on one interface never are.
 */
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"
#include "replay/replay_input.h"

PL_TEST(unit, replay_input_any_capture_repeats_once)
{
	struct pl_replay_pkts pk = {0};
	int i, repeats = 0, bad_ref = 0, first;

	if (!ASSERT_OK(
		    pl_replay_pkts_load_pcap(&pk, "pcaps/captured/node1-forwarded-any.pcap", NULL),
		    "load"))
		return;
	ASSERT_EQ(pk.n, 90, "every packet listed");
	for (i = 0; i < pk.n; i++) {
		if (!pk.p[i].skip)
			continue;
		repeats++;
		/* the sighting it repeats: earlier, replayed, the same bytes from the IP header's
		 * TTL on */
		if (sscanf(pk.p[i].skip, "packet %d again", &first) != 1 || first < 1 ||
		    first >= (int)pk.p[i].number || pk.p[first - 1].skip ||
		    pk.p[first - 1].len != pk.p[i].len ||
		    memcmp(pk.p[first - 1].data + 14 + 12, pk.p[i].data + 14 + 12,
			   pk.p[i].len - 14 - 12))
			bad_ref++;
	}
	ASSERT_EQ(repeats, 45, "each forwarded packet once: half of them repeats");
	ASSERT_EQ(bad_ref, 0, "repeats naming a packet that is not the same");
	pl_replay_pkts_free(&pk);
}

PL_TEST(unit, replay_input_one_interface_no_repeats)
{
	struct pl_replay_pkts pk = {0};
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	char err[256];
	int i, repeats = 0;

	r = pl_pcap_open("pcaps/node1-any.pcap", err, sizeof(err));
	if (!ASSERT_OK_PTR(r, err))
		return;
	ASSERT_EQ(pl_pcap_next(r, &pkt), 1, "first packet");
	ASSERT_EQ(pkt.ifindex, 2, "SLL2 interface index read");
	pl_pcap_close(r);
	if (!ASSERT_OK(pl_replay_pkts_load_pcap(&pk, "pcaps/node1-any.pcap", NULL), "load"))
		return;
	for (i = 0; i < pk.n; i++)
		repeats += pk.p[i].skip && strstr(pk.p[i].skip, "again") != NULL;
	ASSERT_EQ(repeats, 0, "one interface: nothing is a repeat");
	pl_replay_pkts_free(&pk);
}

/*
 * Streamed a record at a time (the worst chunking), a capture gives the packets the
 * whole load gives, in order, byte for byte, repeats across chunk boundaries included.
 */
PL_TEST(unit, replay_input_streamed_equals_whole)
{
	static const char *const files[] = {"pcaps/captured/node1-forwarded-any.pcap",
					    "pcaps/captured/gso-veth.pcap",
					    "pcaps/pod-to-pod.pcap"};
	size_t f;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct pl_replay_pkts whole = {0}, chunk = {0};
		struct pl_replay_reader *rd;
		int i = 0, k, more = 1, diffs = 0, chunks = 0;

		pl_subtest("%s", files[f]);
		if (!ASSERT_OK(pl_replay_pkts_load_pcap(&whole, files[f], NULL), "whole load") ||
		    !ASSERT_OK(pl_replay_reader_open(files[f], NULL, &rd), "open")) {
			pl_replay_pkts_free(&whole);
			continue;
		}
		while (more > 0) {
			more = pl_replay_reader_next(rd, &chunk, 1);
			if (!ASSERT_GE(more, 0, "next"))
				break;
			chunks++;
			for (k = 0; k < chunk.n; k++, i++) {
				const struct pl_replay_pkt *a = &chunk.p[k], *b = &whole.p[i];

				diffs += i >= whole.n || a->number != b->number ||
					 a->len != b->len || memcmp(a->data, b->data, a->len) ||
					 !a->skip != !b->skip ||
					 (a->skip && strcmp(a->skip, b->skip)) || a->seg != b->seg;
			}
			pl_replay_pkts_clear(&chunk);
		}
		ASSERT_EQ(i, whole.n, "as many packets streamed as loaded");
		ASSERT_EQ(diffs, 0, "packets differing from the whole load");
		ASSERT_GT(chunks, 1, "read in several chunks");
		pl_replay_reader_close(rd);
		pl_replay_pkts_free(&chunk);
		pl_replay_pkts_free(&whole);
	}
}
