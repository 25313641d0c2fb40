#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs the test suites as an unprivileged user, as make test would for them.
# usage: run-nonroot.sh BUILD SUITE...   (make test-nonroot; BUILD already built)
# As root: copies the tree and BUILD to a scratch directory that user owns,
# runs tests/lib/run-suites.sh there as PL_NONROOT_UID (default 65534, nobody)
# with no capabilities, and copies the JUnit back to BUILD/test-results-nonroot/.
# As anyone else: runs tests/lib/run-suites.sh as that user, in place.
set -u
build=$1; shift
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	exec tests/lib/run-suites.sh "$build" "$@"
fi
uid=${PL_NONROOT_UID:-65534}
out=$build/test-results-nonroot
stage=$(mktemp -d /tmp/podlab-nonroot.XXXXXX) || exit 1
trap 'rm -rf "$stage"' EXIT
# Sources (mtimes kept, so make sees the fuzzers' inputs as they are) and the built binaries.
mkdir -p "$stage/src/build"
tar -C . --exclude=./build --exclude="./${build#./}" --exclude=./.git -cf - . | tar -C "$stage/src" -xf - || exit 1
tar -C "$build" --exclude=./test-results --exclude=./test-results-nonroot \
	--exclude=./fuzz --exclude=./fuzz-results -cf - . | tar -C "$stage/src/build" -xf - || exit 1
chown -R "$uid:$uid" "$stage"
echo "=== as uid $uid, no capabilities, in $stage/src (JUnit then in $out/)"
(cd "$stage/src" && setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all \
	--bounding-set=-all env HOME="$stage" tests/lib/run-suites.sh build "$@")
rc=$?
rm -rf "$out"
mkdir -p "$out"
cp -r "$stage/src/build/test-results/." "$out/" 2>/dev/null
exit $rc
