#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs podlab's kernel-touching suites on Debian's stock kernels, each booted in qemu.
# usage: tests/kernels/run.sh BUILD [KERNEL...]      (make test-kernels KERNELS="6.1 6.12")
#   KERNEL          6.1 or 6.12 (default both): the newest linux-image-6.1.0-*-amd64 /
#                   linux-image-6.12.*+deb12-amd64 apt knows, cached in BUILD/kernels/
#   KERNEL_ACCEL    auto (default: KVM if a short boot with it works, else TCG), kvm or tcg
#   KERNEL_TIMEOUT  seconds one guest may run before it is killed (default 3600: TCG is slow)
# With two CPUs or more the kernels run side by side (TCG uses one host thread per guest).
#   KERNEL_FILTER   only integration tests whose name contains it (debugging)
#   KERNEL_CMD      run this shell command in the guest instead of the suites (debugging)
# Per kernel: "podlab (VERSION): N passed, N failed, N skipped" and JUnit in
# BUILD/test-results/VERSION/. Exit 0 if every kernel had 0 failed, 1 if not, 2 bad
# input; SKIP and exit 0 where no VM can run (not root, qemu missing and not installable).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
valid="6.1 6.12"
modules="virtio_pci 9pnet_virtio 9p overlay veth vxlan bridge ipip tun dummy
	sch_netem sch_htb sch_tbf sch_prio sch_ingress cls_bpf cls_u32 cls_matchall act_gact
	nf_tables nft_masq nft_nat nft_chain_nat nft_ct nft_fib_ipv4 nf_conntrack
	nft_compat ip_tables iptable_nat xt_comment xt_statistic xt_recent xt_addrtype xt_mark
	xt_MASQUERADE xt_nat xt_tcpudp xt_conntrack"
say() { printf 'test-kernels: %s\n' "$*"; }
die() { say "error: $1" >&2; exit "${2:-1}"; }
skip() { say "SKIP: $*"; exit 0; }

[ $# -ge 1 ] || die "usage: tests/kernels/run.sh BUILD [KERNEL...] (KERNEL: $valid)" 2
[ -x "$1/podlab" ] || die "$1/podlab is missing: build first (make all)" 2
build=$(cd "$1" && pwd)
shift
# The guest mounts a fresh /run (no host run state); a checkout or build there would vanish.
case $src/ in /run/*) die "the checkout $src is under /run, which the guest replaces: clone it elsewhere" 2 ;; esac
case $build/ in /run/*) die "the build $build is under /run, which the guest replaces" 2 ;; esac
kernels=${*:-$valid}
for k in $kernels; do
	case " $valid " in *" $k "*) ;; *) die "unknown kernel '$k' (valid: $valid)" 2 ;; esac
done

pattern() {
	case $1 in
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	esac
}

# --- what the host needs -------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (qemu's 9p share of / and the guest runs as root)"
have_tools() {
	command -v qemu-system-x86_64 && command -v depmod && command -v modprobe &&
		command -v zstd && command -v xz && command -v dpkg-deb && command -v apt-get &&
		[ -x /bin/busybox ] && ! ldd /bin/busybox
} > /dev/null 2>&1
if ! have_tools; then
	"$src/tests/lib/deps.sh" kernels || true
	have_tools || skip "qemu-system-x86, busybox-static, kmod, zstd or xz-utils missing and not installable"
fi

qpid=
tpid=
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2> /dev/null && wait "$qpid" 2> /dev/null
	[ -n "$tpid" ] && kill "$tpid" 2> /dev/null
	qpid= tpid=
}
trap cleanup EXIT
trap 'say "interrupted"; cleanup; exit 130' INT TERM HUP

cache=$build/kernels
mkdir -p "$cache"

# fetch KERNEL: sets pkg, kver, dir (unpacked, depmod-ed, vmlinux extracted).
fetch() {
	local pat deb t0=$SECONDS log=$cache/apt.log
	pat=$(pattern "$1")
	pkg=$(apt-cache search --names-only "$pat" 2> /dev/null | awk '{print $1}' | sort -V | tail -1)
	if [ -z "$pkg" ]; then
		# No apt lists: the newest cached package still does.
		deb=$(ls "$cache"/linux-image-*.deb 2> /dev/null | sed 's|.*/||; s|_.*||' |
			grep -E "$pat" | sort -V | tail -1)
		[ -n "$deb" ] || { say "error: no package matching $pat in apt's lists or $cache (apt-get update?)"; return 1; }
		pkg=$deb
	fi
	kver=${pkg#linux-image-}
	dir=$cache/$kver
	deb=$(ls "$cache/${pkg}_"*.deb 2> /dev/null | tail -1)
	if [ -z "$deb" ]; then
		say "$kver: downloading $pkg"
		if ! (cd "$cache" && apt-get download "$pkg") > "$log" 2>&1; then
			say "error: apt-get download $pkg failed: $(grep -E '^E:' "$log" | tail -1 |
				sed -E 's/^E: Failed to fetch [^ ]+ +//; s/^E: //')"
			return 1
		fi
		deb=$(ls "$cache/${pkg}_"*.deb 2> /dev/null | tail -1)
		say "$kver: downloaded $(du -m "$deb" | cut -f1) MB in $((SECONDS - t0)) s"
	fi
	if [ ! -e "$dir/.unpacked" ] || [ "$deb" -nt "$dir/.unpacked" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir/root" || { say "error: dpkg-deb -x $deb failed"; return 1; }
		depmod -b "$dir/root" "$kver" || { say "error: depmod -b $dir/root $kver failed"; return 1; }
		extract_vmlinux "$dir/root/boot/vmlinuz-$kver" "$dir/vmlinux" ||
			{ say "error: no ELF kernel found in $dir/root/boot/vmlinuz-$kver"; return 1; }
		touch "$dir/.unpacked"
	fi
	say "$kver: package ready ($((SECONDS - t0)) s)"
}

# The uncompressed ELF boots through PVH: much faster than the bzImage's xz under TCG.
extract_vmlinux() {
	local img=$1 out=$2 fmt magic off
	for fmt in '\xfd7zXZ\x00:xz -dcq' '\x28\xb5\x2f\xfd:zstd -dcq' '\x1f\x8b\x08:gzip -dcq'; do
		magic=${fmt%%:*}
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | ${fmt#*:} > "$out" 2> /dev/null
			[ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
		done
	done
	rm -f "$out"
	return 1
}

# initramfs DIR MODE OUT: busybox, init, the modules (decompressed, in dependency order).
initramfs() {
	local st=$1/initramfs ko name line
	rm -rf "$st" && mkdir -p "$st/bin" "$st/modules"
	cp /bin/busybox "$st/bin/busybox"
	cp "$here/init" "$st/init"
	cat > "$st/podlab-vm.env" <<-EOF
		PODLAB_VM_MODE=$2
		PODLAB_VM_OUT=$3
		PODLAB_VM_SRC=$src
		PODLAB_VM_BUILD=$build
		PODLAB_VM_FILTER='${KERNEL_FILTER:-}'
		PODLAB_VM_CMD='${KERNEL_CMD:-}'
	EOF
	: > "$st/modules.order"
	for m in $modules; do
		modprobe -d "$1/root" -S "$kver" --show-depends "$m" 2> /dev/null ||
			say "$kver: module $m not in this kernel" >&2
	done | while read -r line; do
		set -- $line
		[ "$1" = insmod ] || continue
		name=$(basename "$2" | sed -E 's/\.(xz|zst|gz)$//')
		grep -qx "$name" "$st/modules.order" && continue
		case $2 in
		*.xz) xz -dc "$2" ;;
		*.zst) zstd -dcq "$2" ;;
		*.gz) gzip -dc "$2" ;;
		*) cat "$2" ;;
		esac > "$st/modules/$name"
		echo "$name" >> "$st/modules.order"
	done
	(cd "$st" && find . | busybox cpio -o -H newc 2> /dev/null) > "$1/initrd.$2"
}

# qemu DIR MODE ACCEL OUT LOG: starts the guest in the background, sets qpid.
qemu() {
	local acc
	case $3 in
	kvm) acc=(-accel kvm -cpu host) ;;
	# One host thread for both vCPUs: multi-threaded TCG can run a stale translation of
	# kernel text another vCPU just patched (a static key's int3), and the guest oopses.
	*) acc=(-accel tcg,thread=single -cpu max) ;;
	esac
	qemu-system-x86_64 -nodefaults -no-reboot -display none -nic none "${acc[@]}" -m 2G -smp 2 \
		-kernel "$1/vmlinux" -initrd "$1/initrd.$2" \
		-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 mitigations=off" \
		-serial "file:$5" \
		-fsdev local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev "local,id=results,path=$4,security_model=none" \
		-device virtio-9p-pci,fsdev=results,mount_tag=results 2> "$5.qemu" &
	qpid=$!
}

# accel DIR: kvm if a stock kernel boots to its init with KVM here, else tcg.
accel() {
	local out=$1/probe log=$1/probe.log i
	case ${KERNEL_ACCEL:-auto} in kvm | tcg) echo "$KERNEL_ACCEL"; return ;; esac
	[ -w /dev/kvm ] || { echo tcg; return; }
	mkdir -p "$out"
	initramfs "$1" probe "$out" 2> /dev/null
	qemu "$1" probe kvm "$out" "$log"
	for ((i = 0; i < 40; i++)); do
		kill -0 "$qpid" 2> /dev/null || break
		sleep 0.5
	done
	cleanup
	if grep -q 'podlab-vm: alive' "$log" 2> /dev/null; then echo kvm; else echo tcg; fi
}

# run KERNEL: boots it, runs the suites, prints the summary line; returns 1 on failures.
run_kernel() {
	local out log acc t0 tb line p f k secs name rc=0 passed=0 failed=0 skipped=0 expect
	fetch "$1" || return 1
	out=$build/test-results/$kver
	log=$dir/console.log
	rm -rf "$out" && mkdir -p "$out"
	acc=$(accel "$dir")
	if [ "$acc" = kvm ]; then
		say "$kver: accel KVM (a short boot with KVM works)"
	else
		say "$kver: accel TCG -accel tcg,thread=single -cpu max ($(
			[ -e /dev/kvm ] && echo "a boot with KVM failed here" || echo "no /dev/kvm"))"
	fi
	initramfs "$dir" run "$out" || return 1
	say "$kver: $(wc -l < "$dir/initramfs/modules.order") modules in the initramfs; booting (timeout ${KERNEL_TIMEOUT:-3600} s, console in $log)"
	t0=$SECONDS
	: > "$log"
	qemu "$dir" run "$acc" "$out" "$log"
	tail -n +1 -F --pid="$qpid" "$log" 2> /dev/null | sed -u 's/\r$//' | while IFS= read -r line; do
		case $line in
		podlab-vm:* | '  '* | *'Kernel panic'* | *'BUG:'* | *'Oops'*)
			[ -z "${tb:-}" ] && tb=1 && say "$kver: booted in $((SECONDS - t0)) s (wall)"
			printf '  %s\n' "$line"
			;;
		esac
	done &
	tpid=$!
	while kill -0 "$qpid" 2> /dev/null; do
		if ((SECONDS - t0 > ${KERNEL_TIMEOUT:-3600})); then
			say "$kver: guest still running after ${KERNEL_TIMEOUT:-3600} s: killed"
			echo "timeout 0 1 0 0" >> "$out/results"
			break
		fi
		sleep 1
	done
	sleep 1
	cleanup
	[ -s "$log.qemu" ] && say "$kver: qemu: $(head -1 "$log.qemu")"
	grep -q 'PODLAB-VM-EXIT 0' "$log" || say "$kver: the guest did not finish (see $log)"
	for expect in verify datapath integration scenarios; do
		grep -q "^$expect " "$out/results" 2> /dev/null ||
			echo "$expect 0 1 0 0" >> "$out/results"
	done
	# The VM run exists to run what this host cannot: netem must not be skipped there.
	if grep -h '^SKIP .*netem' "$out/integration.log" 2> /dev/null | grep -v netem_missing; then
		say "$kver: FAIL netem tests were skipped in the VM"
		echo "netem 0 1 0 0" >> "$out/results"
	fi
	while read -r name p f k secs; do
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
	done < "$out/results"
	say "$kver: wall $((SECONDS - t0)) s; per suite (s): $(awk '{printf "%s %s  ", $1, $5}' "$out/results")"
	echo "podlab ($kver): $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] || rc=1
	return $rc
}

say "kernels: $kernels; not run in the VMs: the unit, harness and sim suites (no kernel" \
	"involved; make test runs them), three long integration tests of podlab's own script" \
	"printer and -j runner (guest.sh lists them), fuzz and bench"
status=0
# Each TCG guest runs on one host thread: with two CPUs or more the kernels boot side by side,
# each in a subshell of its own (its guest, its cleanup); packages are fetched first, one by one.
if [ "$(nproc)" -ge 2 ] && [ "$(echo $kernels | wc -w)" -gt 1 ]; then
	for k in $kernels; do fetch "$k" || status=1; done
	pids=()
	for k in $kernels; do
		(
			qpid= tpid=
			trap cleanup EXIT
			trap 'cleanup; exit 130' INT TERM HUP
			run_kernel "$k"
		) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || status=1; done
else
	for k in $kernels; do
		run_kernel "$k" || status=1
	done
fi
exit $status
