#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs, with apt-get, the Debian packages of tests/lib/deps.list that are
# missing. Idempotent; one line when nothing is missing.
# usage: deps.sh [GROUP...]     install GROUPs (default: build test bench docs)
#        deps.sh --list [GROUP...]   print the packages of GROUPs (default: all), one a line
set -u
list=$(dirname "$0")/deps.list
default_groups=(build test bench docs)

# Packages of the groups in "$@" (every group when none), in list order.
packages() {
	awk -v want=" $* " '!/^[[:space:]]*(#|$)/ && (want == "  " || index(want, " " $1 " ")) { print $2 }' "$list"
}

if [ ! -r "$list" ]; then
	echo "deps: cannot read $list" >&2
	exit 2
fi
if [ "${1:-}" = --list ]; then
	shift
	packages "$@"
	exit 0
fi
[ $# -gt 0 ] || set -- "${default_groups[@]}"
for g in "$@"; do
	if ! awk -v g="$g" '$1 == g { found = 1 } END { exit !found }' "$list"; then
		echo "deps: no group '$g' in $list" >&2
		exit 2
	fi
done
mapfile -t pkgs < <(packages "$@")
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present ($*)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; installing needs root (run make deps as root)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/podlab-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
# apt's first error line says what went wrong (no network, a held package, a full disk).
apt_error() {
	local e
	e=$(grep -m1 -E '^(E|Err):|Failed to fetch' "$log")
	echo "${e:-$(tail -1 "$log")}"
}
if ! apt-get update -qq >"$log" 2>&1 || grep -q '^W: Failed to fetch\|^Err:' "$log"; then
	echo "deps: apt-get update failed: $(apt_error)" >&2
	exit 1
fi
for p in "${missing[@]}"; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		echo "deps: apt knows no package '$p' (tests/lib/deps.list; check /etc/apt/sources.list*)" >&2
		exit 1
	fi
done
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	echo "deps: apt-get install ${missing[*]} failed: $(apt_error)" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
