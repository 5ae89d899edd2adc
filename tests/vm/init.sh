#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#
# /init of the VM lane's initramfs (see run-vm.sh, docs/vm.md).  Runs as
# PID 1 under busybox ash: mounts the kernel filesystems the tests need, runs
# every test executable listed in /etc/vm-tests, prints one
#   VM-TEST <name> PASS|FAIL rc=<n>
# line per executable and a final
#   VM-RESULT: <N> passed, <M> failed
# line on the serial console, then powers the machine off.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mnt() { # TYPE DIR [OPTIONS]
	mkdir -p "$2"
	if [ -n "$3" ]; then
		mount -t "$1" -o "$3" "$1" "$2" || echo "VM-INIT: warning: cannot mount $1 on $2"
	else
		mount -t "$1" "$1" "$2" || echo "VM-INIT: warning: cannot mount $1 on $2"
	fi
}

mnt proc /proc
mnt sysfs /sys
mnt devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mnt devpts /dev/pts
mnt tmpfs /dev/shm mode=1777
# The initramfs root is itself a writable tmpfs; a tmpfs over /tmp would hide
# files the lane put there (a build directory or tests under /tmp), so then
# /tmp simply stays on the root filesystem.
if [ -n "$(ls -A /tmp 2>/dev/null)" ]; then
	chmod 1777 /tmp
else
	mnt tmpfs /tmp mode=1777
fi
mnt tmpfs /run mode=755
mnt tracefs /sys/kernel/tracing
mnt securityfs /sys/kernel/security
mnt bpf /sys/fs/bpf
mnt debugfs /sys/kernel/debug
mnt cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname tetra-vm
ip link set lo up || echo "VM-INIT: warning: cannot set lo up"
# shellcheck disable=SC3045  # busybox ash has ulimit -l
ulimit -l unlimited 2>/dev/null

# shellcheck source=/dev/null
. /etc/vm-env

read -r up _ </proc/uptime
echo    # start on a clean line (firmware leaves escape sequences on the console)
echo "VM-BOOTED uptime=${up}s kernel=$(uname -r)"
echo "VM-INFO cmdline: $(cat /proc/cmdline)"
echo "VM-INFO lsm: $(cat /sys/kernel/security/lsm 2>/dev/null || echo '?')"
echo "VM-INFO btf: $([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no)  cpus: $(grep -c ^processor /proc/cpuinfo)  mem: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"

cd "$VM_BUILD_DIR" 2>/dev/null || cd /

if [ -n "$VM_OBSERVE" ]; then
	echo "VM-PROBE $VM_OBSERVE --probe"
	"$VM_OBSERVE" --probe </dev/null
	echo "VM-PROBE rc=$?"
fi

pass=0
fail=0
for f in /etc/vm-tests.d/*.sh; do
	[ -e "$f" ] || continue
	read -r name <"${f%.sh}.name"
	read -r t0 _ </proc/uptime
	# each test in its own subshell: its environment and cwd come from $f
	(
		# shellcheck source=/dev/null
		. "$f"
		[ "${VM_TEST_TIMEOUT:-0}" -gt 0 ] && set -- timeout "$VM_TEST_TIMEOUT" "$@"
		echo "VM-RUN $name: $*"
		exec "$@"
	) </dev/null
	rc=$?
	read -r t1 _ </proc/uptime
	echo "VM-TIME $name $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")s"
	[ "$rc" -eq 143 ] && [ "${VM_TEST_TIMEOUT:-0}" -gt 0 ] &&
		echo "VM-INFO $name: killed after --test-timeout $VM_TEST_TIMEOUT s?"
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "VM-TEST $name PASS rc=$rc"
	else
		fail=$((fail + 1))
		echo "VM-TEST $name FAIL rc=$rc"
	fi
done

read -r up _ </proc/uptime
echo "VM-DONE uptime=${up}s"
echo "VM-RESULT: $pass passed, $fail failed"
sync
poweroff -f
# not reached unless poweroff failed: exiting PID 1 panics, panic=-1 reboots,
# and qemu -no-reboot exits
sleep 2
exit 1
