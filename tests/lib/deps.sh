#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs, with apt-get, the Debian packages podlab needs that are missing. Idempotent.
set -eu
pkgs=(make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libpcap-dev libcunit1-dev
      libmnl-dev libyaml-dev libnftables-dev iproute2 linux-libc-dev iptables ethtool tcpdump tcpreplay graphviz
      iperf3 iputils-ping)
[ "${1:-}" = kernels ] && pkgs=(qemu-system-x86 busybox-static kmod zstd xz-utils nftables) # make test-kernels
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install: apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
