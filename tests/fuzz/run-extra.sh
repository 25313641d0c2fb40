#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer targets, replays every regression input in
# tests/fuzz/regress/<fuzzer>/ once, then runs each fuzzer for SECONDS seeded
# from the shipped files (generated here, each time). A crash, leak, hang or
# sanitizer report fails it.
# usage: run-extra.sh BUILD OUTDIR [SECONDS]   (writes "passed failed skipped" to OUTDIR/extra.counts)
# With FUZZ_FULL=1 (make fuzz) it prints each fuzzer's figures and files what
# it finds as new regression inputs under tests/fuzz/regress/<fuzzer>/;
# FUZZ="NAME..." picks some of them.
set -u
build=$1 out=$2 secs=${3:-5}
full=${FUZZ_FULL:-0}
cd "$(dirname "$0")/../.." || exit 1
mkdir -p "$out"
counts=$out/extra.counts
names=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)
# FUZZ="fuzz_topo fuzz_policy" (make fuzz FUZZ=...) runs only those.
[ -n "${FUZZ:-}" ] && names=$(for n in $FUZZ; do echo "$names" | grep -x "$n"; done)
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

# The `policies:` section of each shipped topology, as fuzz_policy takes it.
policy_sections() {
	local dir=$1 f
	for f in topologies/*.yaml; do
		awk '/^policies:/ { p = 1; next } /^[A-Za-z]/ { p = 0 } p' "$f" > "$dir/$(basename "$f" .yaml)"
		[ -s "$dir/$(basename "$f" .yaml)" ] || rm -f "$dir/$(basename "$f" .yaml)"
	done
}

# Every pcap-filter expression the shipped scenarios and the documentation
# use, alone and followed by a NUL and a frame of the shipped pcaps.
filter_exprs() {
	local dir=$1 i=0 e fr
	mkdir -p "$dir/.frames"
	pcap_frames "$dir/.frames" pcaps/*.pcap
	{
		sed -nE 's/^\s*-?\s*filter:\s*//p' tests/scenarios/*.yaml
		grep -rhoE -- "--filter '[^']+'" docs README.md harness/cli | sed -E "s/--filter '(.*)'/\1/"
	} | sort -u | while IFS= read -r e; do
		printf '%s' "$e" > "$dir/expr-$i"
		for fr in $(ls "$dir/.frames" | head -4); do
			{ printf '%s\0' "$e"; cat "$dir/.frames/$fr"; } > "$dir/expr-$i-$fr"
		done
		i=$((i + 1))
	done
	rm -rf "$dir/.frames"
}

# Values in tc's units from the shipped topologies, the sim examples and the
# options the documentation shows.
unit_values() {
	local dir=$1 i=0 v
	"$build/fuzz/seedgen" units "$dir" || return 1
	{
		sed -nE 's/^\s*-?\s*(rate|ceil|burst|latency|limit|delay|jitter|loss|peakrate|mtu|max):\s*//p' \
			topologies/*.yaml
		grep -rhoE -- "--(tbf|htb|netem|pfifo|load|link|duration|interval|ct-max|dport|timeout|seconds) [a-z0-9][^ '\\]*" \
			docs README.md | sed -E 's/^--[a-z-]+ //'
	} | sort -u | while IFS= read -r v; do
		printf '%s' "$v" > "$dir/value-$i"
		i=$((i + 1))
	done
}

seed() {
	local n=$1 dir=$2
	case $n in
	fuzz_pcap) cp pcaps/*.pcap "$dir"/ ;;
	fuzz_spec) cp pcaps/*.spec "$dir"/ ;;
	fuzz_pkt)
		pcap_frames "$dir" pcaps/*.pcap
		model_frames "$dir"
		;;
	fuzz_topo)
		cp topologies/*.yaml "$dir"/
		"$build/fuzz/seedgen" topo "$dir"
		;;
	fuzz_scenario)
		cp tests/scenarios/*.yaml "$dir"/
		"$build/fuzz/seedgen" scenario "$dir"
		;;
	fuzz_policy)
		policy_sections "$dir"
		"$build/fuzz/seedgen" policy "$dir"
		;;
	fuzz_filter) filter_exprs "$dir" ;;
	fuzz_units) unit_values "$dir" ;;
	*) echo "run-extra.sh: no seeds for $n" >&2 ;;
	esac
}

skip_all() {
	for n in $names; do echo "SKIP $n: $1"; done
	echo "0 0 $nfuzz" > "$counts"
	exit 0
}

command -v "${FUZZ_CC:-clang}" >/dev/null || skip_all "${FUZZ_CC:-clang} not installed"
probe=$(mktemp -d)
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n > 1; }' > "$probe/p.c"
"${FUZZ_CC:-clang}" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null
ok=$?
rm -rf "$probe"
ver=$("${FUZZ_CC:-clang}" --version 2>/dev/null | grep -oE 'clang version [0-9]+' | grep -oE '[0-9]+$')
if [ $ok -ne 0 ] && [ -n "$ver" ]; then
	skip_all "${FUZZ_CC:-clang} cannot link libFuzzer (install libclang-rt-$ver-dev)"
elif [ $ok -ne 0 ]; then
	skip_all "${FUZZ_CC:-clang} cannot link libFuzzer (FUZZ_CC must be clang)"
fi

if ! make -s --no-print-directory -j2 fuzz-build BUILD="$build" >"$out/fuzz-build.log" 2>&1; then
	cat "$out/fuzz-build.log"
	for n in $names; do echo "FAIL $n: does not build (see $out/fuzz-build.log)"; done
	echo "0 $nfuzz 0" > "$counts"
	exit 1
fi

flags=(-timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1)
passed=0 failed=0

# The regression inputs: each runs once; one that fails is a bug come back.
for n in $names; do
	reg=tests/fuzz/regress/$n log=$out/$n-regress.log
	[ -d "$reg" ] && [ -n "$(ls -A "$reg")" ] || continue
	nin=$(ls -A "$reg" | wc -l)
	if "$build/fuzz/$n" "${flags[@]}" "$reg"/* >"$log" 2>&1; then
		echo "PASS $n regressions: $nin inputs, no crash"
		passed=$((passed + 1))
	else
		echo "FAIL $n regressions: $(sed -n 's/^Running: //p' "$log" | tail -1) fails; log $log"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

[ "$full" = 1 ] && printf '%-14s %10s %8s %6s %6s %7s %s\n' fuzzer execs exec/s cov ft corpus findings
for n in $names; do
	seeds=$build/fuzz/seeds-$n corpus=$build/fuzz/corpus-$n log=$out/$n.log
	rm -rf "$seeds" "$out/$n"-crash-* "$out/$n"-leak-* "$out/$n"-timeout-* "$out/$n"-oom-*
	mkdir -p "$seeds" "$corpus"
	seed "$n" "$seeds"
	"$build/fuzz/$n" -max_total_time="$secs" "${flags[@]}" -artifact_prefix="$out/$n-" \
		"$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	found=$(ls "$out/$n"-crash-* "$out/$n"-leak-* "$out/$n"-timeout-* "$out/$n"-oom-* 2>/dev/null)
	if [ "$full" = 1 ]; then
		printf '%-14s %10s %8s %6s %6s %7s %s\n' "$n" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
			"${ft:-?}" "$(ls "$corpus" | wc -l)" "$(echo "$found" | grep -c .)"
		for f in $found; do
			mkdir -p "tests/fuzz/regress/$n"
			cp "$f" "tests/fuzz/regress/$n/"
			echo "    new regression input tests/fuzz/regress/$n/$(basename "$f")"
		done
	fi
	if [ $rc -eq 0 ]; then
		[ "$full" = 1 ] ||
			echo "PASS $n: ${execs:-?} inputs in ${secs}s (${rate:-?} execs/s, cov ${cov:-?}), no crash"
		passed=$((passed + 1))
	else
		echo "FAIL $n: exit $rc after ${execs:-?} inputs; log $log, reproducer ${found:-none}"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "$passed $failed 0" > "$counts"
[ $failed -eq 0 ]
