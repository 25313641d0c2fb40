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
	fuzz_pkt) pcap_frames "$seeds" pcaps/*.pcap ;;
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
