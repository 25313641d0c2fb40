#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The summary table of a make bench run, from the rows its benchmarks print.
# usage: tests/bench/summary.sh RESULTS_DIR            print the table (markdown)
#        tests/bench/summary.sh RESULTS_DIR FILE...    also replace each FILE's block between
#                                                      "<!-- bench summary -->" and "<!-- end bench summary -->"
# A benchmark prints a summary row as one line, fields separated by tabs:
#   BENCH-ROW  measure  value  baseline-and-its-value  ratio  goal
# ratio is a number (this run's value / the baseline's, or the cost ratio the goal names);
# goal is ">= N", "<= N" or "-" (none).
set -u
res=${1:?usage: summary.sh RESULTS_DIR [FILE...]}
shift
table() {
	if [ -s "$res/machine" ]; then
		awk '{ k = $1; sub(/^[^ ]* /, ""); v[k] = $0 }
			END { printf "Run of %s to %s, commit %s: %s; load average %s at the start, %s at the end.\n\n",
				v["started"], v["ended"], v["commit"], v["machine"], v["load_start"], v["load_end"] }' \
			"$res/machine"
	fi
	echo "| measure | this run | baseline (same run) | ratio | goal | |"
	echo "|---|---|---|---|---|---|"
	cat "$res"/*.log 2> /dev/null | awk -F'\t' '$1 == "BENCH-ROW" && NF >= 6 {
		ok = "";
		if ($6 ~ /^>= */) { g = $6; sub(/^>= */, "", g); ok = ($5 + 0 >= g + 0) ? "met" : "missed" }
		if ($6 ~ /^<= */) { g = $6; sub(/^<= */, "", g); ok = ($5 + 0 <= g + 0) ? "met" : "missed" }
		printf "| %s | %s | %s | %.2f× | %s | %s |\n", $2, $3, $4, $5, ($6 == "-" ? "" : $6 "×"), ok
	}'
}
table
for f in "$@"; do
	grep -q '^<!-- bench summary -->$' "$f" || { echo "summary.sh: $f has no <!-- bench summary --> line" >&2; exit 2; }
	tmp=$(mktemp) && table > "$tmp.t" &&
		awk -v t="$tmp.t" '/^<!-- bench summary -->$/ { print; print ""; while ((getline l < t) > 0) print l; print ""; skip = 1; next }
			/^<!-- end bench summary -->$/ { skip = 0 } !skip' "$f" > "$tmp" && cat "$tmp" > "$f"
	rm -f "$tmp" "$tmp.t"
	echo "summary.sh: updated $f" >&2
done
