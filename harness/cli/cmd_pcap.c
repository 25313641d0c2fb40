// SPDX-License-Identifier: GPL-2.0
/* podlab pcap gen / pcap show: fixtures from packet specs, and what a capture holds. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "lib/pkt.h"
#include "pcap/pcap_io.h"
#include "pcap/pcap_spec.h"

static int cmd_pcap_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"linktype", required_argument, NULL, 'l'},
		{},
	};
	const char *out = NULL, *lt_name = NULL;
	struct pl_spec spec;
	char err[512];
	int c, lt = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:l:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'l':
			lt_name = optarg;
			break;
		default:
			return pl_cmd_usage_error("pcap gen", "bad option");
		}
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("pcap gen", "expected exactly one SPEC file");
	if (!out)
		return pl_cmd_usage_error("pcap gen", "missing -o FILE");
	if (lt_name) {
		lt = pl_linktype_from_name(lt_name);
		if (lt != PL_LINK_EN10MB && lt != PL_LINK_LINUX_SLL2)
			return pl_cmd_usage_error(
				"pcap gen", "--linktype must be EN10MB or LINUX_SLL2, not '%s'",
				lt_name);
	}
	ret = pl_spec_parse_file(argv[optind], &spec, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return ret == -ENOMEM ? PL_EXIT_RUNTIME : PL_EXIT_INPUT;
	}
	if (lt)
		spec.linktype = lt;
	ret = pl_spec_write_pcap(&spec, out, err, sizeof(err));
	if (ret) {
		pl_err("%s", err);
		pl_spec_free(&spec);
		return PL_EXIT_RUNTIME;
	}
	pl_info("%s: %zu packets, %s", out, spec.n, pl_linktype_name(spec.linktype));
	pl_spec_free(&spec);
	return PL_EXIT_OK;
}

PL_COMMAND(
	pcap_gen, .name = "pcap gen", .summary = "write a pcap from a packet spec file",
	.run = cmd_pcap_gen,
	.usage = "usage: podlab pcap gen SPEC -o FILE [--linktype EN10MB|LINUX_SLL2]\n"
		 "\n"
		 "Builds one packet per spec line, with correct IPv4/TCP/UDP/ICMP checksums,\n"
		 "and writes them as a pcap (1 ms apart, from a fixed time, so the output is\n"
		 "byte for byte reproducible). The grammar is in docs/pcap-spec.md; a line:\n"
		 "  tcp 10.244.2.10:40000 > 10.244.1.10:80 flags S\n"
		 "  udp 10.244.1.10:5000 > 10.244.2.10:53 len 32 vlan 100\n"
		 "  icmp echo 10.244.1.10 > 10.244.2.10 id 7 seq 1 ttl 1\n"
		 "  vxlan vni 300 192.168.50.2 > 192.168.50.1 { tcp 10.244.2.10:1 > "
		 "10.244.1.10:80 }\n"
		 "\n"
		 "options:\n"
		 "  -o, --output FILE     the pcap to write (replaced only when complete)\n"
		 "  -l, --linktype TYPE   EN10MB (default) or LINUX_SLL2 (cooked, as\n"
		 "                        `tcpdump -i any` writes); overrides a `linktype` line\n"
		 "\n"
		 "examples:\n"
		 "  podlab pcap gen pcaps/pod-to-pod.spec -o pcaps/pod-to-pod.pcap\n"
		 "  make pcaps            # regenerates every pcaps/*.pcap\n"
		 "\n"
		 "exit status: 0 written, 2 bad usage or a spec error (printed as\n"
		 "FILE:LINE:COLUMN: message, nothing written), 4 the file could not be written\n");

static void fmt_time(uint64_t ts_ns, char *buf, size_t cap)
{
	time_t sec = (time_t)(ts_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, cap, "%02d:%02d:%02d.%06llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned long long)(ts_ns % 1000000000ull / 1000));
}

static int cmd_pcap_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"filter", required_argument, NULL, 'f'},
		{},
	};
	struct pl_pcap_reader *r;
	struct pl_pcap_pkt pkt;
	const char *filter = NULL;
	char err[512], sum[1024], when[32];
	unsigned long shown = 0, skipped = 0;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		if (c != 'f')
			return pl_cmd_usage_error("pcap show", "bad option");
		filter = optarg;
	}
	if (optind != argc - 1)
		return pl_cmd_usage_error("pcap show", "expected exactly one capture FILE");
	r = pl_pcap_open(argv[optind], err, sizeof(err));
	if (!r) {
		pl_err("%s", err);
		return PL_EXIT_INPUT;
	}
	if (filter && pl_pcap_set_filter(r, filter, err, sizeof(err))) {
		pl_err("%s", err);
		pl_pcap_close(r);
		return PL_EXIT_INPUT;
	}
	while ((ret = pl_pcap_next(r, &pkt)) == 1) {
		fmt_time(pkt.ts_ns, when, sizeof(when));
		if (pkt.skip) {
			printf("%5lu %s skipped: %s (%zu of %zu bytes)\n", pkt.number, when,
			       pkt.skip, pkt.len, pkt.orig_len);
			skipped++;
			continue;
		}
		pl_pkt_summary(pkt.data, pkt.len, sum, sizeof(sum));
		printf("%5lu %s %s, %zu bytes\n", pkt.number, when, sum, pkt.len);
		shown++;
	}
	if (ret < 0)
		pl_err("%s", pl_pcap_error(r));
	else
		pl_info("%s: %s, %lu packets shown, %lu skipped", argv[optind],
			pl_linktype_name(pl_pcap_linktype(r)), shown, skipped);
	pl_pcap_close(r);
	return ret < 0 ? PL_EXIT_INPUT : PL_EXIT_OK;
}

PL_COMMAND(pcap_show, .name = "pcap show", .summary = "print one line per packet of a capture",
	   .run = cmd_pcap_show,
	   .usage = "usage: podlab pcap show FILE [--filter EXPR]\n"
		    "\n"
		    "Reads a pcap or pcapng capture of link type EN10MB, LINUX_SLL, LINUX_SLL2\n"
		    "(`tcpdump -i any`), RAW, IPV4 or IPV6, turns every packet into an Ethernet\n"
		    "frame as replay does (cooked captures carry no destination MAC: it reads\n"
		    "00:00:00:00:00:00), and prints per packet: number, time (UTC), summary,\n"
		    "length. Packets cut short by the snapshot length are listed as skipped.\n"
		    "\n"
		    "options:\n"
		    "  -f, --filter EXPR   only packets matching a pcap-filter(7) expression,\n"
		    "                      evaluated on the Ethernet frame\n"
		    "\n"
		    "examples:\n"
		    "  podlab pcap show pcaps/pod-to-pod.pcap\n"
		    "  podlab pcap show node1-any.pcap --filter 'tcp port 80'\n"
		    "\n"
		    "exit status: 0 read to the end, 2 bad usage, a bad filter, or a corrupt or\n"
		    "unsupported capture (one line names the file and packet number)\n");
