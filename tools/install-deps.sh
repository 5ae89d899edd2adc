#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Install what building and testing libtetra needs on Debian 12 (--bench: also the peer
# tools and plotting the benchmarks use). Idempotent: when every package is already
# there it neither updates the package lists nor installs anything.
set -euo pipefail

packages=(
	# build
	gcc clang llvm pkg-config meson ninja-build python3
	libbpf-dev bpftool libelf-dev zlib1g-dev libyaml-dev
	# tests
	libcriterion-dev g++ binutils iproute2
	# VM lane (tests/vm): the kernel itself comes from `apt-get download`
	qemu-system-x86 busybox-static cpio
)
if [ "${1:-}" = --bench ]; then
	# benchmarks: the peers we compare against, and the plot
	packages+=(libbpf-tools bpftrace auditd python3-matplotlib)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
