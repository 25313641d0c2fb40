// SPDX-License-Identifier: GPL-2.0
/* Every committed pcaps/NAME.pcap must be exactly what pcaps/NAME.spec generates. */
#include <glob.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"
#include "pcap/pcap_spec.h"

/* pcaps/ of the source tree: from the cwd (make test) or beside build/tests/. */
static const char *pcaps_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (!access("pcaps/pcaps.mk", R_OK))
		return "pcaps";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return "pcaps";
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/../../pcaps", dirname(exe));
	return dir;
}

static void check_pair(const char *spec_path)
{
	char pcap_path[PATH_MAX], err[512];
	struct pl_pcap_reader *r = NULL;
	struct pl_spec spec;
	struct pl_pcap_pkt pkt;
	uint8_t expect[PL_PKT_MAX];
	size_t i, len;
	int ret;

	snprintf(pcap_path, sizeof(pcap_path), "%.*s.pcap", (int)(strlen(spec_path) - 5),
		 spec_path);
	ret = pl_spec_parse_file(spec_path, &spec, err, sizeof(err));
	if (!ASSERT_OK(ret, err))
		return;
	r = pl_pcap_open(pcap_path, err, sizeof(err));
	if (!ASSERT_OK_PTR(r, err))
		goto out;
	ASSERT_EQ(pl_pcap_linktype(r), spec.linktype, "link type");
	for (i = 0; i < spec.n; i++) {
		ret = pl_pcap_next(r, &pkt);
		if (!ASSERT_EQ(ret, 1, "packet present"))
			goto out;
		len = spec.frames[i].len;
		memcpy(expect, spec.frames[i].data, len);
		/* Cooked captures keep no destination MAC: the reader gives zeros. */
		if (spec.linktype == PL_LINK_LINUX_SLL2)
			memset(expect, 0, 6);
		ASSERT_EQ(pkt.number, i + 1, "number");
		ASSERT_EQ(pkt.ts_ns, pl_spec_ts_ns(i), "timestamp");
		ASSERT_FALSE(pkt.snap_truncated, "not snap-truncated");
		if (!ASSERT_EQ(pkt.len, len, "length") ||
		    !ASSERT_MEMEQ(pkt.data, expect, len, "bytes")) {
			fprintf(stderr, "    %s: packet %zu (spec line %u) differs\n", pcap_path,
				i + 1, spec.frames[i].line);
			goto out;
		}
	}
	ASSERT_EQ(pl_pcap_next(r, &pkt), 0, "no extra packets in the pcap");
out:
	pl_pcap_close(r);
	pl_spec_free(&spec);
}

PL_TEST(unit, pcaps_match_their_specs)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*.spec", pcaps_dir());
	if (!ASSERT_OK(glob(pattern, 0, NULL, &g), "pcaps/*.spec found"))
		return;
	ASSERT_GE(g.gl_pathc, 6, "at least the six shipped specs");
	for (i = 0; i < g.gl_pathc; i++) {
		pl_subtest("%s", g.gl_pathv[i]);
		check_pair(g.gl_pathv[i]);
	}
	globfree(&g);
}

/* The fixtures hold what the scenarios rely on; a spec edit that loses it fails here. */
PL_TEST(unit, pcaps_fixture_content)
{
	static const struct {
		const char *file;
		unsigned long number;
		const char *summary;
	} cases[] = {
		{"pod-to-pod.pcap", 1, "10.244.2.10:40000 > 10.244.1.10:80 TCP [S]"},
		{"pod-to-pod.pcap", 2, "10.244.1.10:80 > 10.244.2.10:40000 TCP [S.]"},
		{"world.pcap", 1, "10.244.1.10:43000 > 203.0.113.10:443 TCP [S]"},
		{"prefilter.pcap", 1, "198.51.100.7:50000 > 10.244.1.10:80 TCP [S]"},
		{"malformed.pcap", 8,
		 "10.244.2.10 > 10.244.1.10 TCP malformed: truncated TCP header"},
		{"malformed.pcap", 10, "10.244.2.10 > 10.244.1.10 TCP malformed: IPv4 ihl < 5"},
		{"malformed.pcap", 15, "10.244.2.10 > 10.244.1.10 UDP frag off 72 MF"},
		{"malformed.pcap", 20, "vlan 100 10.244.2.10:40000 > 10.244.1.10:80 TCP [S]"},
		{"malformed.pcap", 22, "fd00:10:244:2::10 > fd00:10:244:1::10 no next header"},
		{"malformed.pcap", 23, "ARP"},
		{"underlay-vxlan.pcap", 1,
		 "vxlan vni 300 192.168.50.2:57779 > 192.168.50.1:4789 "
		 "{ 10.244.2.10:40000 > 10.244.1.10:80 TCP [S] }"},
		{"node1-any.pcap", 2, "10.244.1.10:80 > 10.244.2.10:40000 TCP [S.]"},
	};
	char path[PATH_MAX], err[512], sum[512];
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_subtest("%s #%lu", cases[i].file, cases[i].number);
		snprintf(path, sizeof(path), "%s/%s", pcaps_dir(), cases[i].file);
		r = pl_pcap_open(path, err, sizeof(err));
		if (!ASSERT_OK_PTR(r, err))
			continue;
		while (pl_pcap_next(r, &pkt) == 1 && pkt.number < cases[i].number)
			;
		if (ASSERT_EQ(pkt.number, cases[i].number, "reached")) {
			pl_pkt_summary(pkt.data, pkt.len, sum, sizeof(sum));
			ASSERT_STREQ(sum, cases[i].summary, "summary");
		}
		pl_pcap_close(r);
	}
}
