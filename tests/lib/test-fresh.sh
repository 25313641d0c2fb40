#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make test-fresh: the README's quick-start commands on a bare Debian 12 root
# (what a debian:12 CI container is), from a clean clone of HEAD, in a chroot
# on this kernel; then the suites as an unprivileged user. One line per command.
# The root is built with mmdebstrap from this machine's apt source and cached
# as BUILD/fresh/bookworm.tar (rebuilt after a week; delete it to refresh).
# Mounts live in a private mount namespace and are unmounted on every exit
# path; the root directory is removed.
# usage: test-fresh.sh BUILD
set -u
# One compound command: bash reads it whole, so editing this file mid-run is harmless.
{
suite=bookworm
include=git,make,ca-certificates

# Processes chrooted into $root (a test's daemon, or all of them on an interrupt).
kill_in_root() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
}

# --- inside the private mount namespace: mount, chroot, run, unmount -------------
if [ "${1:-}" = --inside ]; then
	root=$2 logs=$3
	shift 3
	umount_all() {
		kill_in_root
		umount -R "$root" 2>/dev/null || umount -R -l "$root"
	}
	trap umount_all EXIT
	trap 'echo "test-fresh: interrupted; unmounting" >&2; exit 130' INT TERM
	# The root must be a mount point: `ip netns` runs `mount --make-rslave /`.
	mount --bind "$root" "$root" &&
		mount -t proc proc "$root/proc" &&
		mount -t sysfs sysfs "$root/sys" &&
		mount -t bpf bpf "$root/sys/fs/bpf" &&
		mount --bind /dev "$root/dev" &&
		mount -t tmpfs tmpfs "$root/dev/shm" &&
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts" &&
		mount -t tmpfs tmpfs "$root/run" &&
		mount -t tmpfs tmpfs "$root/tmp" || {
		echo "test-fresh: mounting the root's /proc, /sys, /dev, /run failed" >&2
		exit 1
	}
	in_root() { # USER-PREFIX... -- COMMAND: one shell command in the clone
		chroot "$root" env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
	}
	rc=0
	# "podlab: P passed, F failed, S skipped" of a log, as "P passed, F failed, S skipped"
	counts() { sed -n 's/^podlab: \([0-9]* passed, [0-9]* failed, [0-9]* skipped\)$/\1/p' "$1" | tail -1; }
	report() { # LABEL LOG STATUS SECONDS
		local c
		c=$(counts "$2")
		if [ "$3" -eq 0 ]; then
			echo "test-fresh: $1: ${c:-ok} ($4 s)"
		else
			echo "test-fresh: $1: FAILED, exit $3${c:+, $c} ($4 s; log $2)"
			tail -5 "$2" | sed 's/^/    /'
			rc=1
		fi
	}
	i=0
	for cmd in "$@"; do
		i=$((i + 1))
		log=$logs/$i-${cmd// /-}.log
		t0=$SECONDS
		# In the background: a signal interrupts wait at once, and the trap cleans up.
		in_root bash -c "cd /src/podlab && $cmd" >"$log" 2>&1 &
		wait $!
		report "$cmd" "$log" $? $((SECONDS - t0))
	done
	# The suites once more as nobody: what needs a privilege must SKIP, nothing may fail.
	log=$logs/$((i + 1))-nonroot.log
	t0=$SECONDS
	if grep -q '^test-nonroot:' "$root/src/podlab/Makefile"; then
		label="make test-nonroot"
		in_root bash -c "cd /src/podlab && make test-nonroot" >"$log" 2>&1 &
	else
		label="make test (uid 65534)"
		chown -R 65534:65534 "$root/src/podlab"
		in_root setpriv --reuid=65534 --regid=65534 --clear-groups \
			bash -c "cd /src/podlab && HOME=/tmp make test" >"$log" 2>&1 &
	fi
	wait $!
	report "$label" "$log" $? $((SECONDS - t0))
	left=$(ls "$root/run/netns" 2>/dev/null | grep '^pl-' | tr '\n' ' ')
	if [ -n "$left" ]; then
		echo "test-fresh: namespaces left in the root: $left"
		rc=1
	else
		echo "test-fresh: no pl-* namespace left in the root"
	fi
	exit $rc
fi

# --- on the host: checks, the root, the clone -----------------------------------
build=${1:?usage: test-fresh.sh BUILD}
top=$(cd "$(dirname "$0")/../.." && pwd)
[[ $build = /* ]] || build=$top/$build
if [ "$(id -u)" -ne 0 ]; then
	echo "test-fresh: needs root (mmdebstrap, chroot, mounts): run make test-fresh as root" >&2
	exit 1
fi
if ! "$top/tests/lib/deps.sh" fresh >/dev/null || ! command -v mmdebstrap >/dev/null; then
	echo "test-fresh: mmdebstrap is missing and cannot be installed (apt-get install mmdebstrap)" >&2
	exit 1
fi
# The README's quick start: the first indented block, comments dropped.
mapfile -t cmds < <(awk '/^    [^ ]/ { sub(/^ +/, ""); sub(/[ \t]*#.*/, ""); print; got = 1; next }
	got { exit }' "$top/README.md")
if [ ${#cmds[@]} -eq 0 ]; then
	echo "test-fresh: no quick-start commands in README.md (its first indented block)" >&2
	exit 1
fi
# Reachability of the apt source, with apt's own downloader (no curl on a bare root).
uri=$(apt-get update --print-uris 2>/dev/null | sed -n "s/^'\([^']*InRelease\)'.*/\1/p" | head -1)
probe=$(mktemp /tmp/podlab-fresh-probe.XXXXXX)
if [ -z "$uri" ] || ! timeout 30 /usr/lib/apt/apt-helper download-file "$uri" "$probe" >/dev/null 2>&1; then
	rm -f "$probe"
	echo "test-fresh: no network to the apt source (${uri:-no source configured in /etc/apt})" >&2
	exit 1
fi
rm -f "$probe"

cache=$build/fresh
tar=$cache/$suite.tar
mkdir -p "$cache/logs"
rm -f "$cache"/logs/*.log
if [ -s "$tar" ] && [ -z "$(find "$tar" -mtime +7)" ]; then
	echo "test-fresh: bare $suite root from $tar"
else
	t0=$SECONDS
	if ! mmdebstrap --variant=apt --format=tar --include=$include $suite "$tar.tmp" >"$cache/logs/mmdebstrap.log" 2>&1; then
		rm -f "$tar.tmp"
		echo "test-fresh: mmdebstrap $suite failed: $(grep -m1 -E '^E:' "$cache/logs/mmdebstrap.log")" >&2
		exit 1
	fi
	mv "$tar.tmp" "$tar"
	echo "test-fresh: bare $suite root built with mmdebstrap ($((SECONDS - t0)) s)"
fi

root=$(mktemp -d "$cache/root.XXXXXX")
inner=
# The mounts exist only in the inner mount namespace: from here $root is plain
# files, and removing it cannot reach the host's /dev, /proc or /sys.
cleanup() {
	if [ -n "$inner" ]; then
		kill_in_root
		kill -TERM "$inner" 2>/dev/null
		wait "$inner" 2>/dev/null
	fi
	if [ -n "$(findmnt -rn -o TARGET | grep -F "$root")" ]; then
		echo "test-fresh: still mounted, not removing $root" >&2
		return
	fi
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tar -xf "$tar" -C "$root" || exit 1
sha=$(git -C "$top" rev-parse HEAD) || exit 1
if ! git clone -q "$top" "$root/src/podlab" || ! git -C "$root/src/podlab" checkout -q --detach "$sha"; then
	echo "test-fresh: cloning $top into the root failed" >&2
	exit 1
fi
echo "test-fresh: clean clone of $(git -C "$top" rev-parse --short HEAD); running: ${cmds[*]/%/;}"
unshare --mount --propagation private -- "$0" --inside "$root" "$cache/logs" "${cmds[@]}" &
inner=$!
wait "$inner"
rc=$?
inner=
cleanup
if [ -e "$root" ]; then
	rc=1
else
	echo "test-fresh: nothing mounted, the root removed; logs in $cache/logs/"
fi
trap - EXIT
exit $rc
}
