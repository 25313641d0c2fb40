# SPDX-License-Identifier: GPL-2.0
# Result keeping for the script suites (tests/*/run-extra.sh), sourced by each:
#   extra_init SUITE OUTDIR     start; JUnit goes to OUTDIR/SUITE.xml
#   result PASS|FAIL|SKIP NAME DETAIL
#                               print "KIND SUITE/NAME: DETAIL" and record it
#   check NAME PASS-DETAIL FAIL-DETAIL COMMAND...
#                               PASS if COMMAND succeeds, else FAIL
#   extra_finish                write the JUnit file and OUTDIR/extra.counts ("passed failed
#                               skipped", read by tests/lib/run-suites.sh); status 1 if one failed
extra_suite= extra_out= extra_cases= passed=0 failed=0 skipped=0

extra_init() {
	extra_suite=$1 extra_out=$2
	mkdir -p "$extra_out"
}

extra_xml() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' <<<"$1"; }

result() {
	local kind=$1 name=$2 detail=$3 x
	echo "$kind $extra_suite/$name: $detail"
	x=$(extra_xml "$detail")
	case $kind in
	PASS) passed=$((passed + 1))
		extra_cases+="<testcase classname=\"$extra_suite\" name=\"$name\"/>" ;;
	FAIL) failed=$((failed + 1))
		extra_cases+="<testcase classname=\"$extra_suite\" name=\"$name\"><failure message=\"$x\"/></testcase>" ;;
	SKIP) skipped=$((skipped + 1))
		extra_cases+="<testcase classname=\"$extra_suite\" name=\"$name\"><skipped message=\"$x\"/></testcase>" ;;
	esac
}

check() {
	local name=$1 ok=$2 bad=$3
	shift 3
	if "$@"; then result PASS "$name" "$ok"; else result FAIL "$name" "$bad"; fi
}

extra_finish() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="%d">%s</testsuite>\n' \
		"$extra_suite" $((passed + failed + skipped)) "$failed" "$skipped" "$extra_cases" \
		> "$extra_out/$extra_suite.xml"
	echo "$passed $failed $skipped" > "$extra_out/extra.counts"
	[ "$failed" -eq 0 ]
}
