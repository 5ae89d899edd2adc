#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#
# VM lane: boot a full-featured distribution kernel (default: Debian's current
# linux-image-amd64) under qemu (TCG) with a throw-away initramfs and run the
# privileged test executables inside it, so the kprobe/fentry/BPF-LSM paths
# are exercised even on a locked-down host.  See docs/vm.md.
set -euo pipefail

prog=${0##*/}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src_root=$(cd "$script_dir/../.." && pwd)

usage() {
	cat <<EOF
usage: $prog --build-dir DIR [--kernel-deb FILE | --bzimage FILE] [--timeout SECONDS]
              [--suite NAME] [--only NAME[:FILTER]]... [--test-timeout SECONDS]
              [--append ARGS] [--env NAME=VALUE]... [--extra PATH]...
              [--] [test executables...]

Boots a kernel under qemu (TCG) and runs the privileged test executables in it.

  --build-dir DIR       meson build directory (required); cache and console log
                        go to DIR/vm-cache/
  --kernel-deb FILE     boot the kernel from this linux-image-*.deb
  --bzimage FILE        boot this kernel image (bzImage/vmlinuz) directly
                        (default: Debian's linux-image-amd64, via apt-get download)
  --timeout SECONDS     hard limit for the whole VM run (default: 1200)
  --suite NAME          meson test suite to run (default: bpf)
  --only NAME[:FILTER]  run only the test NAME (meson test name or executable
                        basename, e.g. test_process); with :FILTER a Criterion
                        executable gets --filter FILTER
                        (e.g. test_process:process/exec*).  Repeatable.
  --test-timeout SECS   kill a single test executable after SECS inside the VM
                        (default: 0 = no per-test limit)
  --append ARGS         extra kernel command line arguments
  --env NAME=VALUE      extra environment variable for the tests (repeatable)
  --extra PATH          copy an extra file or directory into the VM at the same
                        absolute path (repeatable)
  test executables      default: the tests of meson suite --suite (from
                        DIR/meson-info), else every executable DIR/tests/bpf/test_*;
                        DIR/examples/tetra-observe --probe runs first if present

Tests run in the VM as 'meson test' runs them (same arguments, environment and
working directory, from meson's introspection data), as root, with
TETRA_REQUIRE_BPF=1 and TETRA_IN_VM=1; Criterion executables get --verbose.

Environment: TETRA_VM_ARGS (extra arguments, word-split, placed before the
command line ones: how 'meson compile vm' takes options), QEMU (default
qemu-system-x86_64), VM_MEMORY (default 2G), VM_SMP (default 2).

Exit status: 0 all tests passed (and at least one ran), 1 a test failed,
2 usage error, 3 lane error (no kernel, timeout, VM died without a result).
EOF
}

die() { echo "VM lane: error: $*" >&2; exit 3; }
usage_err() { echo "VM lane: $*" >&2; echo "try '$prog --help'" >&2; exit 2; }
log() { echo "VM lane: $*"; }

# extra arguments from the environment (how `meson compile vm` gets them)
if [[ -n ${TETRA_VM_ARGS:-} ]]; then
	read -r -a env_args <<<"$TETRA_VM_ARGS"
	set -- "${env_args[@]}" "$@"
fi

build_dir=
kernel_deb=
bzimage=
timeout_s=1200
test_timeout=0
suite=bpf
extra_append=
only=()
envs=()
extras=()
tests=()

while [[ $# -gt 0 ]]; do
	case $1 in
	--build-dir) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; build_dir=$2; shift 2 ;;
	--build-dir=*) build_dir=${1#*=}; shift ;;
	--kernel-deb) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; kernel_deb=$2; shift 2 ;;
	--kernel-deb=*) kernel_deb=${1#*=}; shift ;;
	--bzimage) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; bzimage=$2; shift 2 ;;
	--bzimage=*) bzimage=${1#*=}; shift ;;
	--timeout) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; timeout_s=$2; shift 2 ;;
	--timeout=*) timeout_s=${1#*=}; shift ;;
	--test-timeout) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; test_timeout=$2; shift 2 ;;
	--test-timeout=*) test_timeout=${1#*=}; shift ;;
	--suite) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; suite=$2; shift 2 ;;
	--suite=*) suite=${1#*=}; shift ;;
	--only) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; only+=("$2"); shift 2 ;;
	--only=*) only+=("${1#*=}"); shift ;;
	--append) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; extra_append+=" $2"; shift 2 ;;
	--append=*) extra_append+=" ${1#*=}"; shift ;;
	--env) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; envs+=("$2"); shift 2 ;;
	--env=*) envs+=("${1#*=}"); shift ;;
	--extra) [[ $# -ge 2 ]] || usage_err "$1 needs an argument"; extras+=("$2"); shift 2 ;;
	--extra=*) extras+=("${1#*=}"); shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; tests+=("$@"); break ;;
	-*) usage_err "unknown option '$1'" ;;
	*) tests+=("$1"); shift ;;
	esac
done

[[ -n $build_dir ]] || usage_err "--build-dir is required"
[[ -d $build_dir ]] || usage_err "build directory '$build_dir' does not exist"
[[ -z $kernel_deb || -z $bzimage ]] || usage_err "--kernel-deb and --bzimage are mutually exclusive"
[[ $timeout_s =~ ^[0-9]+$ && $timeout_s -gt 0 ]] || usage_err "--timeout wants a positive number of seconds"
[[ $test_timeout =~ ^[0-9]+$ ]] || usage_err "--test-timeout wants a number of seconds"
for e in ${envs[@]+"${envs[@]}"}; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || usage_err "--env wants NAME=VALUE, got '$e'"
done
for o in ${only[@]+"${only[@]}"}; do
	[[ $o =~ ^[^:/\ ]+(:.+)?$ ]] || usage_err "--only wants NAME[:FILTER], got '$o'"
done

build_dir=$(cd "$build_dir" && pwd -P)
cache=$build_dir/vm-cache
mkdir -p "$cache"
console_log=$cache/console.log
if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache/.lock"
	flock -n 9 || die "another VM lane is running with $cache"
fi
qemu=${QEMU:-qemu-system-x86_64}
vm_mem=${VM_MEMORY:-2G}
vm_smp=${VM_SMP:-2}

lane_start=$(date +%s)
elapsed() { echo $(( $(date +%s) - lane_start )); }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found (install: $2)"; }
need "$qemu" "apt-get install -y qemu-system-x86"
need cpio "apt-get install -y cpio"
need gzip "apt-get install -y gzip"
need ldd "libc-bin"

# ------------------------------------------------------------------ tests ---

# Meson's own description of the tests (command, arguments, environment,
# working directory), so a test runs in the VM as `meson test` runs it.
# One record per test: name, exe, suites, args (sh-quoted), env (sh-quoted
# NAME=VALUE words), host paths named in the env, workdir; \x1f-separated.
m_name=() m_exe=() m_suites=() m_args=() m_env=() m_paths=() m_wd=()
intro=$build_dir/meson-info/intro-tests.json
if [[ -f $intro ]] && command -v python3 >/dev/null 2>&1; then
	while IFS=$'\x1f' read -r n x s a e p w; do
		m_name+=("$n") m_exe+=("$x") m_suites+=("$s") m_args+=("$a") m_env+=("$e") m_paths+=("$p") m_wd+=("$w")
	done < <(python3 - "$intro" "$build_dir" <<'EOF'
import json, os, shlex, sys
intro, build = sys.argv[1], sys.argv[2]
system = ('/usr', '/lib', '/lib32', '/lib64', '/bin', '/sbin', '/etc', '/proc', '/sys', '/dev', '/run', '/var')
for t in json.load(open(intro)):
    cmd = t.get('cmd') or []
    if not cmd:
        continue
    exe = cmd[0] if os.path.isabs(cmd[0]) else os.path.join(build, cmd[0])
    env = t.get('env') or {}
    paths = []
    for v in env.values():
        for item in v.split(':'):
            if os.path.isabs(item) and os.path.exists(item):
                r = os.path.realpath(item)
                if r != '/' and not any(r == s or r.startswith(s + '/') for s in system):
                    paths.append(r)
    fields = [t['name'], os.path.realpath(exe),
              ','.join(s.split(':')[-1] for s in t.get('suite') or []),
              ' '.join(shlex.quote(a) for a in cmd[1:]),
              ' '.join(shlex.quote(k + '=' + v) for k, v in env.items()),
              '\x1e'.join(paths), t.get('workdir') or '']
    if any('\x1f' in f or '\n' in f for f in fields):
        continue
    print('\x1f'.join(fields))
EOF
	)
fi
meson_index_of_exe() { # EXE -> index into m_* of the first meson test running it
	local i
	for i in "${!m_exe[@]}"; do
		[[ ${m_exe[$i]} == "$1" ]] && { echo "$i"; return 0; }
	done
	return 1
}

# selected tests: display name, executable, index into m_* (or "")
t_name=() t_exe=() t_mi=()
if [[ ${#tests[@]} -gt 0 ]]; then
	for t in "${tests[@]}"; do
		[[ -f $t && -x $t ]] || die "test executable '$t' does not exist or is not executable"
		x=$(cd "$(dirname "$t")" && pwd -P)/$(basename "$t")
		mi=$(meson_index_of_exe "$x" || true)
		t_exe+=("$x") t_mi+=("$mi")
		if [[ -n $mi ]]; then t_name+=("${m_name[$mi]}"); else t_name+=("$(basename "$x")"); fi
	done
else
	for i in "${!m_name[@]}"; do
		[[ ",${m_suites[$i]}," == *",$suite,"* ]] || continue
		t_name+=("${m_name[$i]}") t_exe+=("${m_exe[$i]}") t_mi+=("$i")
	done
	if [[ ${#t_name[@]} -eq 0 ]]; then
		for t in "$build_dir"/tests/bpf/test_*; do
			[[ -f $t && -x $t ]] || continue
			x=$(cd "$(dirname "$t")" && pwd -P)/$(basename "$t")
			mi=$(meson_index_of_exe "$x" || true)
			t_exe+=("$x") t_mi+=("$mi")
			if [[ -n $mi ]]; then t_name+=("${m_name[$mi]}"); else t_name+=("$(basename "$x")"); fi
		done
	fi
	[[ ${#t_name[@]} -gt 0 ]] || die "no test executables: no meson test in suite '$suite' and nothing matches $build_dir/tests/bpf/test_* (build first, or name executables on the command line)"
fi

# --only NAME[:FILTER]: NAME is the meson test name or the executable's basename
t_filter=()
for i in "${!t_name[@]}"; do t_filter+=(""); done
if [[ ${#only[@]} -gt 0 ]]; then
	s_name=() s_exe=() s_mi=() s_filter=()
	for o in "${only[@]}"; do
		name=${o%%:*}
		found=
		for i in "${!t_name[@]}"; do
			if [[ ${t_name[$i]} == "$name" || $(basename "${t_exe[$i]}") == "$name" ]]; then
				found=$i
				break
			fi
		done
		[[ -n $found ]] || die "--only $name: no such test (have: ${t_name[*]})"
		s_name+=("${t_name[$found]}") s_exe+=("${t_exe[$found]}") s_mi+=("${t_mi[$found]}")
		if [[ $o == *:* ]]; then s_filter+=("${o#*:}"); else s_filter+=(""); fi
	done
	t_name=("${s_name[@]}") t_exe=("${s_exe[@]}") t_mi=("${s_mi[@]}") t_filter=("${s_filter[@]}")
fi

for i in "${!t_name[@]}"; do
	[[ -f ${t_exe[$i]} && -x ${t_exe[$i]} ]] ||
		die "test ${t_name[$i]}: ${t_exe[$i]} is not built (run 'meson compile -C $build_dir' first)"
done

observe=
[[ -f $build_dir/examples/tetra-observe && -x $build_dir/examples/tetra-observe ]] &&
	observe=$build_dir/examples/tetra-observe

# ---------------------------------------------------------------- kernel ---

# Version string of an x86 bzImage (from its setup header), or "".
bzimage_version() {
	local f=$1 off
	[[ $(od -An -j 0x202 -N4 -c "$f" 2>/dev/null | tr -d ' ') == HdrS ]] || return 0
	off=$(od -An -j 0x20e -N2 -tu2 "$f" | tr -d ' ')
	[[ -n $off && $off -ne 0 ]] || return 0
	dd if="$f" bs=1 skip=$((off + 0x200)) count=200 status=none | tr '\0' '\n' | head -n1
}

# Extract a linux-image .deb (once) and set $vmlinuz.
extract_deb() {
	local deb=$1 dir
	dir=$cache/kernel/$(basename "$deb" .deb)
	if [[ ! -e $dir/.extracted ]]; then
		log "extracting $(basename "$deb")"
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
		touch "$dir/.extracted"
	fi
	vmlinuz=$(find "$dir/boot" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort | tail -n1)
	[[ -n $vmlinuz ]] || die "$deb contains no boot/vmlinuz-*"
	# lib/modules/ is not used: the Debian kernel has 8250 serial, initramfs,
	# tmpfs, BPF, kprobes, fentry and BPF LSM built in and the VM needs no
	# disk or network device, so the initramfs carries no modules.
}

# Debian's linux-image-amd64 metapackage -> "pkg version" of the real image.
resolve_debian_kernel() {
	local dep
	dep=$(apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',|' '\n' |
		sed -n 's/^ *\(linux-image-[0-9][^ ]*\) *\((= *\([^)]*\))\)\{0,1\}.*/\1 \3/p' | head -n1)
	[[ -n $dep ]] || return 1
	local pkg ver
	read -r pkg ver <<<"$dep"
	[[ -n $ver ]] || ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[[ -n $ver && $ver != "(none)" ]] || return 1
	echo "$pkg $ver"
}

fetch_debian_kernel() {
	need apt-get "apt"
	need dpkg-deb "dpkg"
	local debs=$cache/debs pkg ver want resolved=
	mkdir -p "$debs"
	local aptopts=()
	# apt drops privileges to _apt for downloads, which cannot write into
	# arbitrary directories; as root download as root (this is what the
	# "unsandboxed" warning would do anyway).
	[[ $EUID -ne 0 ]] || aptopts+=(-o APT::Sandbox::User=root)

	local attempt
	for attempt in 1 2; do
		if resolved=$(resolve_debian_kernel); then
			read -r pkg ver <<<"$resolved"
			# apt-get download names files PKG_VER_ARCH.deb, ':' as %3a
			want=$debs/${pkg}_${ver//:/%3a}_amd64.deb
			if [[ -s $want ]]; then
				log "using cached $(basename "$want")"
				kernel_deb=$want
				return 0
			fi
			log "downloading $pkg ($ver) with apt-get download"
			if (cd "$debs" && apt-get download ${aptopts[@]+"${aptopts[@]}"} "$pkg=$ver") && [[ -s $want ]]; then
				kernel_deb=$want
				return 0
			fi
		fi
		[[ $attempt -eq 1 ]] || break
		log "resolving/downloading linux-image-amd64 failed; running apt-get update"
		apt-get update || log "apt-get update failed"
	done
	# offline fallback: newest kernel already in the cache
	want=$(find "$debs" -maxdepth 1 -name 'linux-image-*.deb' | sort -V | tail -n1)
	[[ -n $want ]] || die "cannot download Debian's linux-image-amd64 (and none cached in $debs); use --kernel-deb FILE or --bzimage FILE"
	log "warning: using previously cached $(basename "$want")"
	kernel_deb=$want
}

vmlinuz=
kernel_desc=
if [[ -n $bzimage ]]; then
	[[ -f $bzimage ]] || die "--bzimage '$bzimage' does not exist"
	vmlinuz=$(cd "$(dirname "$bzimage")" && pwd -P)/$(basename "$bzimage")
	kernel_desc="local image $vmlinuz"
else
	if [[ -n $kernel_deb ]]; then
		[[ -f $kernel_deb ]] || die "--kernel-deb '$kernel_deb' does not exist"
		need dpkg-deb "dpkg"
		kernel_deb=$(cd "$(dirname "$kernel_deb")" && pwd -P)/$(basename "$kernel_deb")
	else
		fetch_debian_kernel
	fi
	extract_deb "$kernel_deb"
	kernel_desc="$(dpkg-deb -f "$kernel_deb" Package 2>/dev/null || basename "$kernel_deb") $(dpkg-deb -f "$kernel_deb" Version 2>/dev/null || true)"
fi
kver=$(bzimage_version "$vmlinuz")
log "booting kernel: $kernel_desc"
log "  image: $vmlinuz"
[[ -z $kver ]] || log "  version: $kver"

# -------------------------------------------------------------- initramfs ---

# The VM's file system mirrors the host's paths: every file keeps its absolute
# host path (so RPATHs, $ORIGIN, paths compiled into tests and meson's test
# environment work unchanged) and, on a merged-/usr host, /bin, /lib, ... are
# the same symlinks into /usr, so an exec of /bin/sleep reports /usr/bin/sleep
# in the VM as it does on the host.
root=$(mktemp -d "$cache/initramfs.XXXXXX")
cleanup_root() { rm -rf "$root"; }
trap cleanup_root EXIT
initrd=$cache/initramfs.cpio.gz

for d in bin sbin lib lib32 lib64 libx32; do
	if [[ -L /$d ]]; then
		l=$(readlink "/$d")
		mkdir -p "$root/${l#/}"
		ln -s "${l#/}" "$root/$d"   # relative: must never point out of $root
	fi
done
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,root}
ln -s /proc/self/mounts "$root/etc/mtab"
# users and groups as on the host (tests may drop privileges to nobody)
for f in passwd group; do
	if [[ -r /etc/$f ]]; then cp "/etc/$f" "$root/etc/$f"; fi
done
[[ -s $root/etc/passwd ]] || echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
[[ -s $root/etc/group ]] || echo "root:x:0:" >"$root/etc/group"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
echo tetra-vm >"$root/etc/hostname"
if [[ $EUID -eq 0 ]]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi

# Copy a host file to the same path in the VM.  A symlink stays a symlink
# (to a copy of its target), so /bin/sh -> dash looks the same in the VM.
put() {
	local src=$1 t
	[[ -e $root$src || -L $root$src ]] && return 0
	mkdir -p "$root$(dirname "$src")"
	if [[ -L $src ]]; then
		t=$(readlink "$src")
		ln -s "$t" "$root$src"
		[[ $t == /* ]] || t=$(dirname "$src")/$t
		[[ -e $t ]] && put "$(cd "$(dirname "$t")" && pwd -P)/$(basename "$t")"
	else
		cp -L "$src" "$root$src"
	fi
}

# Copy every shared library an ELF file needs, found with ldd, and the loader.
declare -A libs_done=()
put_deps() {
	local bin=$1 out line lib
	if ! out=$(ldd "$bin" 2>&1); then
		[[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]] && return 0
		die "ldd $bin failed: $out"
	fi
	[[ $out != *"statically linked"* ]] || return 0
	if grep -q "not found" <<<"$out"; then
		die "$bin: missing shared libraries:"$'\n'"$(grep 'not found' <<<"$out")"
	fi
	while read -r line; do
		lib=
		case $line in
		*" => "/*) lib=${line#* => }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		esac
		[[ -n $lib && -z ${libs_done[$lib]:-} ]] || continue
		libs_done[$lib]=1
		put "$lib"
	done <<<"$out"
}

# copy a directory tree to the same path (minus VCS data, build directories
# other than ours and compiler intermediates)
put_tree() {
	local dir=$1 ex=() b
	while IFS= read -r b; do
		b=$(dirname "$b")
		[[ $b == "$dir" ]] && continue   # another build directory inside $dir
		ex+=(--exclude="${b#/}")
	done < <(find "$dir" -maxdepth 3 -name meson-private -type d 2>/dev/null)
	tar -C / -cf - --exclude-vcs --exclude=vm-cache --exclude='*.p' \
		--exclude=meson-private --exclude=meson-logs --exclude=meson-info \
		--exclude='*.a' --exclude='*.ninja' --exclude=.ninja_log --exclude=.ninja_deps \
		--exclude=compile_commands.json ${ex[@]+"${ex[@]}"} "${dir#/}" |
		tar -C "$root" -xf -
}

busybox=${BUSYBOX:-/bin/busybox}
[[ -x $busybox ]] || die "$busybox not found (apt-get install -y busybox-static)"
cp -L "$busybox" "$root/bin/busybox"
put_deps "$busybox"   # nothing for busybox-static

# the build directory (executables, libtetra.so*, BPF objects, data)
put_tree "$build_dir"
# host paths the meson test environment names (source dir, shared data)
declare -A tree_done=(["$build_dir"]=1)
for i in "${!t_name[@]}"; do
	mi=${t_mi[$i]}
	[[ -n $mi && -n ${m_paths[$mi]} ]] || continue
	IFS=$'\x1e' read -r -a ps <<<"${m_paths[$mi]}"
	for p in "${ps[@]}"; do
		[[ -z ${tree_done[$p]:-} ]] || continue
		tree_done[$p]=1
		if [[ -d $p ]]; then put_tree "$p"; else put "$p"; fi
	done
done
[[ ! -d $src_root/tests/data || -n ${tree_done[$src_root]:-} ]] || put_tree "$src_root/tests/data"

# programs: the tests, tetra-observe, libtetra, and the host programs the
# tests name by absolute path (e.g. /bin/true, /bin/sh, /usr/bin/sleep)
progs=("${t_exe[@]}")
[[ -z $observe ]] || progs+=("$observe")
for l in "$build_dir"/lib/libtetra.so*; do
	[[ -f $l && ! -L $l ]] && progs+=("$l")
done
for x in "${t_exe[@]}" ${observe:+"$observe"}; do
	while IFS= read -r p; do
		[[ -f $p && -x $p ]] && progs+=("$p")
	done < <(grep -aoE '/(usr/)?(local/)?s?bin/[[:alnum:]_.+-]+' "$x" | sort -u)
done
for x in ${extras[@]+"${extras[@]}"}; do
	[[ -e $x ]] || die "--extra '$x' does not exist"
	x=$(cd "$(dirname "$x")" && pwd -P)/$(basename "$x")
	if [[ -d $x ]]; then put_tree "$x"; else progs+=("$x"); fi
done
for p in "${progs[@]}"; do
	put "$p"
	if [[ -x $p ]] && head -c4 "$p" | grep -q 'ELF'; then put_deps "$p"; fi
done

# One snippet per test for /init: name, command line, environment, cwd.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
mkdir -p "$root/etc/vm-tests.d"
for i in "${!t_name[@]}"; do
	x=${t_exe[$i]} mi=${t_mi[$i]}
	deps=$(ldd "$x" 2>/dev/null || true)
	crit=0
	[[ $deps != *libcriterion.so* ]] || crit=1
	printf '%s\n' "${t_name[$i]}" >"$root/etc/vm-tests.d/$(printf '%03d' "$i").name"
	{
		args=
		[[ -z $mi ]] || args=${m_args[$mi]}
		if [[ $crit == 1 ]]; then
			[[ " $args " == *" --verbose"* ]] || args+=" --verbose"
			[[ " $args " == *" --color"* ]] || args+=" --color=never"   # the console is a tty
			[[ -z ${t_filter[$i]} ]] || args+=" --filter $(sq "${t_filter[$i]}")"
		elif [[ -n ${t_filter[$i]} ]]; then
			echo "echo 'VM-INIT: warning: --only filter ignored, not a Criterion executable'"
		fi
		echo "set -- $(sq "$x") $args"
		[[ -z $mi || -z ${m_env[$mi]} ]] || echo "export ${m_env[$mi]}"
		echo "export TETRA_REQUIRE_BPF=1 TETRA_IN_VM=1"
		for e in ${envs[@]+"${envs[@]}"}; do
			echo "export ${e%%=*}=$(sq "${e#*=}")"
		done
		wd=$build_dir
		[[ -z $mi || -z ${m_wd[$mi]} ]] || wd=${m_wd[$mi]}
		echo "cd $(sq "$wd")"
	} >"$root/etc/vm-tests.d/$(printf '%03d' "$i").sh"
done
{
	echo "export HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export TETRA_REQUIRE_BPF=1 TETRA_IN_VM=1"
	echo "VM_BUILD_DIR=$(sq "$build_dir")"
	echo "VM_OBSERVE=$(sq "$observe")"
	echo "VM_TEST_TIMEOUT=$test_timeout"
} >"$root/etc/vm-env"

cp "$script_dir/init.sh" "$root/init"
chmod 755 "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --quiet -o -0 -H newc -R 0:0) | gzip -1 >"$initrd.tmp"
mv "$initrd.tmp" "$initrd"
cleanup_root
trap - EXIT
log "initramfs: $initrd ($(du -h "$initrd" | cut -f1)); tests: ${t_name[*]}${observe:+ (+ tetra-observe --probe)}"

# ------------------------------------------------------------------ boot ---

append="console=ttyS0 panic=-1 lsm=lockdown,capability,landlock,bpf quiet$extra_append"
qemu_cmd=("$qemu" -accel tcg -m "$vm_mem" -smp "$vm_smp" -nographic -no-reboot
	-kernel "$vmlinuz" -initrd "$initrd" -append "$append")
log "qemu: ${qemu_cmd[*]}"
log "console log: $console_log (timeout ${timeout_s} s)"

: >"$console_log"
qemu_pid=
tail_pid=
# shellcheck disable=SC2317  # called from traps
stop_children() {
	[[ -z $qemu_pid ]] || kill "$qemu_pid" 2>/dev/null || true
	[[ -z $tail_pid ]] || kill "$tail_pid" 2>/dev/null || true
}
trap 'stop_children; echo "VM lane: interrupted" >&2; exit 130' INT TERM
trap 'stop_children' EXIT

boot_start=$(date +%s)
"${qemu_cmd[@]}" </dev/null >"$console_log" 2>&1 &
qemu_pid=$!
# stream the console while qemu writes it
tail -n +1 -f --pid="$qemu_pid" "$console_log" &
tail_pid=$!

now_ms() { date +%s%3N; }
boot_start_ms=$(now_ms)
boot_ms=
timed_out=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	if [[ -z $boot_ms ]] && grep -q 'VM-BOOTED' "$console_log" 2>/dev/null; then
		boot_ms=$(( $(now_ms) - boot_start_ms ))
	fi
	if (( $(date +%s) - boot_start >= timeout_s )); then
		timed_out=1
		kill "$qemu_pid" 2>/dev/null || true
		for _ in 1 2 3 4 5; do
			kill -0 "$qemu_pid" 2>/dev/null || break
			sleep 1
		done
		kill -9 "$qemu_pid" 2>/dev/null || true
		break
	fi
	sleep 0.25
done
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=
wait "$tail_pid" 2>/dev/null || true
tail_pid=
trap - EXIT INT TERM
vm_secs=$(( $(date +%s) - boot_start ))

clean_log() { tr -d '\r' <"$console_log"; }
last_lines() { clean_log | tail -n "$1" | sed 's/^/  | /'; }

echo
if [[ $timed_out -eq 1 ]]; then
	echo "VM lane: timed out after $timeout_s s; last output:" >&2
	last_lines 50 >&2
	log "lane took $(elapsed) s (kernel: $kernel_desc)"
	exit 3
fi

result=$(clean_log | grep -E '^VM-RESULT: [0-9]+ passed, [0-9]+ failed' | tail -n1 || true)
if [[ -z $result ]]; then
	echo "VM lane: error: the VM exited (qemu rc=$qemu_rc) without a VM-RESULT line (kernel panic or init crash?); last 50 lines of console output:" >&2
	last_lines 50 >&2
	log "lane took $(elapsed) s (kernel: $kernel_desc)"
	exit 3
fi
read -r npass nfail < <(sed -E 's/^VM-RESULT: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$result")

log "summary (kernel: $kernel_desc${kver:+, $kver}):"
clean_log | grep -E '^VM-(BOOTED|TEST) ' | sed 's/^/  /' || true
log "$result"
boot_txt="?"
[[ -z $boot_ms ]] || boot_txt=$(printf '%d.%d' $((boot_ms / 1000)) $((boot_ms % 1000 / 100)))
log "VM booted to /init in $boot_txt s; VM ran $vm_secs s; lane took $(elapsed) s"
if [[ $nfail -ne 0 ]]; then
	log "FAILED: $nfail test executable(s) failed"
	exit 1
fi
if [[ $npass -lt 1 ]]; then
	log "FAILED: no test executable passed"
	exit 1
fi
log "PASSED"
exit 0
