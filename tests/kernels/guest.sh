#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of a tests/kernels VM (after tests/kernels/init): mounts the pseudo
# filesystems, runs every kernel-touching suite of the host's build, writes JUnit
# and "suite passed failed skipped seconds" lines to the result share
# ($PODLAB_VM_OUT/results), prints progress and PODLAB-VM-EXIT RC on the console,
# then powers off. usage: run only as the guest's init.
set -u
. /podlab-vm.env
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
exec > /dev/console 2>&1 < /dev/null

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
# A checkout under /tmp (a CI's clone) must stay visible: there /tmp is the
# overlay's own, writable all the same. /run is always fresh: no host run state.
case $PODLAB_VM_SRC/ in
/tmp/*) ;;
*) mount -t tmpfs tmp /tmp ;;
esac
mount -t tmpfs run /run
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ip link set lo up

out=$PODLAB_VM_OUT
build=$PODLAB_VM_BUILD
t0=$SECONDS
say() { printf 'podlab-vm: [%4ds] %s\n' $((SECONDS - t0)) "$*"; }
: > "$out/results"

# Runs one suite: its full output in $out/NAME.log; SKIP and FAIL lines (with
# what differed) and the counts on the console.
suite() {
	local name=$1 start=$SECONDS p f k
	shift
	say "suite $name: running"
	"$@" > "$out/$name.log" 2>&1
	# a result that differs is followed by its two versions
	awk '/^SKIP |FAILED|^ *[0-9]+\. .*:[0-9]+ +- / { print; next }
		/^result [0-9]+ differs:/ { n = 3 } n-- > 0' "$out/$name.log" | sed 's/^/  /'
	if [ -s "$out/$name.counts" ]; then
		read -r p f k < "$out/$name.counts"
	else
		p=0 f=1 k=0
		say "suite $name did not finish (see $out/$name.log)"
	fi
	echo "$name $p $f $k $((SECONDS - start))" >> "$out/results"
	say "suite $name: $p passed, $f failed, $k skipped ($((SECONDS - start)) s)"
}

# podlab verify is one test: every routing mode loads; its probe lines go to the console.
verify() {
	local rc
	"$build/podlab" verify > "$out/verify.log" 2>&1
	rc=$?
	sed -n '/^kernel/,/^routing/p' "$out/verify.log" | grep -v '^routing' | sed 's/^/  /' \
		> /dev/console
	if [ $rc -eq 0 ]; then
		echo "1 0 0" > "$out/verify.counts"
		failure=''
	else
		echo "0 1 0" > "$out/verify.counts"
		failure="<failure message=\"podlab verify exited $rc\"/>"
	fi
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="verify" tests="1" failures="%d" skipped="0">\n  <testcase classname="verify.verify" name="verify">%s</testcase>\n</testsuite>\n</testsuites>\n' \
		$((rc != 0)) "$failure" > "$out/verify.xml"
}

say "kernel $(uname -r) up, running suites from $PODLAB_VM_SRC"
cd "$PODLAB_VM_SRC" || exit 1
if [ -n "${PODLAB_VM_CMD:-}" ]; then
	bash -c "$PODLAB_VM_CMD" 2>&1 | sed 's/^/  /'
	echo "PODLAB-VM-EXIT 0"
	poweroff -f
fi
suite verify verify
suite datapath "$build/tests/test_datapath" --junit "$out/datapath.xml" --counts "$out/datapath.counts"
# Hours under TCG and about podlab's own script printer and -j runner, which make test covers on
# the host: a kernel's side of them is in print_commands_match_up_conntrack_max and the scenarios.
host_only="print_commands_match_up test_jobs_match_serial test_jobs_match_serial_compare"
say "integration tests left to make test on the host: $host_only"
suite integration "$build/tests/test_integration" --junit "$out/integration.xml" \
	--counts "$out/integration.counts" $(printf -- '--exclude %s ' $host_only) ${PODLAB_VM_FILTER:-}
suite scenarios bash -c 'tests/scenarios/run-extra.sh "$1" "$2"; rc=$?
	mv "$2/extra.counts" "$2/scenarios.counts"; exit $rc' _ "$build" "$out"
sync
say "done"
echo "PODLAB-VM-EXIT 0"
poweroff -f
