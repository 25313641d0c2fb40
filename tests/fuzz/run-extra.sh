#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds and runs each libFuzzer target for a short while, seeded with the
# shipped pcaps and specs. A crash, leak or sanitizer report fails it.
# usage: run-extra.sh BUILD OUTDIR [SECONDS]   (writes "passed failed skipped" to OUTDIR/extra.counts)
set -u
build=$1 out=$2 secs=${3:-20}
cd "$(dirname "$0")/../.." || exit 1
mkdir -p "$out"
counts=$out/extra.counts
names=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
nfuzz=$(echo "$names" | wc -w)

# Splits classic little-endian pcaps into one file per packet (fuzz_pkt seeds).
pcap_frames() {
	local dir=$1 f off size caplen i
	shift
	for f in "$@"; do
		size=$(stat -c %s "$f") off=24 i=0
		while [ $((off + 16)) -le "$size" ]; do
			caplen=$(od -An -tu4 -j $((off + 8)) -N4 "$f" | tr -d ' ')
			[ $((off + 16 + caplen)) -le "$size" ] || break
			dd if="$f" of="$dir/$(basename "$f" .pcap)-$i" bs=1 skip=$((off + 16)) \
				count="$caplen" status=none
			off=$((off + 16 + caplen)) i=$((i + 1))
		done
	done
}

# Writes hex (spaces allowed) as bytes to a file.
hex_frame() {
	printf '%b' "$(printf '%s' "$1" | tr -d ' \t\n' | sed 's/../\\x&/g')" > "$2"
}

# IPv6, ICMP-error and VXLAN frames for fuzz_pkt: the shipped pcaps hold none
# (podlab pcap gen builds no IPv6 transport), so they are written here.
model_frames() {
	local dir=$1
	local eth6='02000000020a 02000000010a 86dd' eth4='02000000020a 02000000010a 0800'
	local s6='fd000010024400020000000000000010' d6='fd000010024400010000000000000010'
	local tcp='9c400050 00000001 00000000 5002ffff 00000000' udp='9c400035 0008 0000'
	local opts='00000000 0000' # PadN: the 6 bytes after next header and length
	hex_frame "$eth6 60000000 0014 06 40 $s6 $d6 $tcp" "$dir/v6-tcp"
	# hop-by-hop, destination options, fragment (offset 0, M), then UDP
	hex_frame "$eth6 60000000 0020 00 40 $s6 $d6 3c00$opts 2c00$opts 11000001 00001234 $udp" \
		"$dir/v6-ext3-udp"
	hex_frame "$eth6 60000000 0010 2c 40 $s6 $d6 11000099 00001234 $udp" "$dir/v6-later-frag"
	hex_frame "$eth6 60000000 0008 2b 40 $s6 $d6 3b000000 00000000" "$dir/v6-routing-none"
	# ICMPv6 destination unreachable quoting a UDP packet
	hex_frame "$eth6 60000000 0038 3a 40 $d6 $s6 01040000 00000000 \
		60000000 0008 11 40 $s6 $d6 $udp" "$dir/v6-icmp6-error"
	# nine destination-options headers: one more than the decoder walks
	hex_frame "$eth6 60000000 0048 3c 40 $s6 $d6 $(for i in 1 2 3 4 5 6 7 8; do
		printf '3c00%s ' "$opts"; done) 3b00$opts" "$dir/v6-ext-chain-too-long"
	# ICMP port unreachable quoting an echo request, and VXLAN around IPv6
	hex_frame "$eth4 45000038 00010000 4001 0000 0af4010a 0af4020a 03030000 00000000 \
		4500001c 00020000 4001 0000 0af4020a 0af4010a 08000000 00070001" "$dir/icmp-error"
	hex_frame "$eth4 4500006e 00030000 4011 0000 c0a83202 c0a83201 c35012b5 005a 0000 \
		08000000 00012c00 $eth6 60000000 0014 06 40 $s6 $d6 $tcp" "$dir/vxlan-v6"
}

skip_all() {
	for n in $names; do echo "SKIP $n: $1"; done
	echo "0 0 $nfuzz" > "$counts"
	exit 0
}

command -v "${FUZZ_CC:-clang}" >/dev/null || skip_all "clang not installed"
probe=$(mktemp -d)
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n > 1; }' > "$probe/p.c"
"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null
ok=$?
rm -rf "$probe"
[ $ok -eq 0 ] || skip_all "clang cannot link libFuzzer (install libclang-rt-14-dev)"

if ! make -s --no-print-directory fuzz-build BUILD="$build" >"$out/fuzz-build.log" 2>&1; then
	cat "$out/fuzz-build.log"
	for n in $names; do echo "FAIL $n: does not build (see $out/fuzz-build.log)"; done
	echo "0 $nfuzz 0" > "$counts"
	exit 1
fi

passed=0 failed=0
for n in $names; do
	seeds=$build/fuzz/seeds-$n corpus=$build/fuzz/corpus-$n log=$out/$n.log
	rm -rf "$seeds"
	mkdir -p "$seeds" "$corpus"
	case $n in
	fuzz_pcap) cp pcaps/*.pcap "$seeds"/ ;;
	fuzz_spec) cp pcaps/*.spec "$seeds"/ ;;
	fuzz_pkt)
		pcap_frames "$seeds" pcaps/*.pcap
		model_frames "$seeds"
		;;
	esac
	"$build/fuzz/$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$n-" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc -eq 0 ]; then
		echo "PASS $n: ${execs:-?} inputs in ${secs}s (${rate:-?} execs/s), no crash"
		passed=$((passed + 1))
	else
		echo "FAIL $n: exit $rc after ${execs:-?} inputs; log $log, reproducer $out/$n-*"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed $failed 0" > "$counts"
[ $failed -eq 0 ]
