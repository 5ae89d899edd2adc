#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#
# tetra-observe --check-policy FILE: parse a TracingPolicy, plan it on the running kernel
# and print the plan, loading nothing. Exit 0 only when all of the policy can be carried
# out here. Runs without privileges too: the kernel probe then reports the BPF features
# missing, and the expectations below follow what --probe says.
#
#   tests/cli/test_check_policy.sh PATH_TO_TETRA_OBSERVE
#
# TETRA_SHARED_DIR names the shared directory (examples/, tetragon/policies/); default:
# ../shared next to the source tree. Prints one line per check and "N passed, M failed".

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH_TO_TETRA_OBSERVE" >&2
	exit 2
fi
prog=$1
if [ ! -x "$prog" ]; then
	echo "$0: $prog is not an executable" >&2
	exit 2
fi
shared=${TETRA_SHARED_DIR:-$(dirname "$0")/../../../shared}
policies=$shared/tetragon/policies

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tetra-check.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
out=$tmp/stdout
err=$tmp/stderr

pass() {
	passed=$((passed + 1))
	echo "ok    $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL  $1: $2"
	if [ -s "$out" ]; then sed 's/^/      stdout: /' "$out" | head -n 12; fi
	if [ -s "$err" ]; then sed 's/^/      stderr: /' "$err" | head -n 8; fi
}

run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 30 "$prog" "$@" >"$out" 2>"$err" </dev/null
	else
		"$prog" "$@" >"$out" 2>"$err" </dev/null
	fi
	rc=$?
}

# has FIXED_STRING: stdout or stderr contains it
has() {
	grep -qF -- "$1" "$out" "$err"
}

# expect FIXED_STRING...: what the next check must find on stdout or stderr
expect() {
	: >"$tmp/want"
	for s in "$@"; do
		printf '%s\n' "$s" >>"$tmp/want"
	done
}

# check NAME WANT_RC ARGS...: run with ARGS; the exit status and the expected texts
check() {
	name=$1
	want=$2
	shift 2
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit status $rc, expected $want"
		return
	fi
	missing=
	while IFS= read -r s; do
		has "$s" || missing="$missing \"$s\""
	done <"$tmp/want"
	if [ -n "$missing" ]; then
		fail "$name" "output lacks$missing"
	else
		pass "$name"
	fi
}

if [ ! -d "$policies" ]; then
	echo "skip  all: no shared policies at $policies (set TETRA_SHARED_DIR)"
	echo "0 passed, 0 failed"
	exit 77
fi

# What this kernel lets us do decides what a syscall policy's plan says.
syscall_tp=0
if "$prog" --probe >"$tmp/probe" 2>/dev/null &&
	grep -Eq '^raw_tp +yes' "$tmp/probe" && grep -Eq '^btf +yes' "$tmp/probe" &&
	grep -Eq '^ringbuf +yes' "$tmp/probe"; then
	syscall_tp=1
fi
send_signal=0
grep -Eq '^send_signal +yes' "$tmp/probe" 2>/dev/null && send_signal=1

# --- the shared policies ------------------------------------------------------------

if [ "$syscall_tp" -eq 1 ]; then
	expect "kprobes[0] sys_execve: syscall_tracepoint" "syscall tracepoint" \
		"policy \"process-monitoring\": ok"
	check "process-monitoring: syscall hook on the syscall tracepoint" 0 \
		--check-policy "$shared/examples/process-monitoring.yaml"
	if [ -s "$err" ]; then
		fail "process-monitoring: nothing on stderr" "stderr is not empty"
	else
		pass "process-monitoring: nothing on stderr"
	fi
else
	expect "sys_execve" "syscall hooks need the syscall tracepoint" \
		"cannot be carried out on this kernel"
	check "process-monitoring: no raw tracepoints here, says why" 1 \
		--check-policy "$shared/examples/process-monitoring.yaml"
fi

expect "lsmhooks[0] file_open" "LSM" "cannot be carried out on this kernel"
check "lsm_file_open: needs BPF LSM" 1 --check-policy "$policies/lsm_file_open.yaml"

expect "kprobes[0] \"security_socket_connect\": kernel function hooks" \
	"policy \"security-socket-connect\" cannot be carried out"
check "security-socket-connect: kernel function hook" 1 \
	--check-policy "$policies/security-socket-connect.yaml"

if grep -Eq '^uprobe +yes' "$tmp/probe" && [ -e /bin/bash ]; then
	expect "uprobes[0] /bin/bash: uprobe"
	check "uprobe: planned as a uprobe" 0 --check-policy "$policies/uprobe.yaml"
else
	expect "uprobes[0] /bin/bash: "
	check "uprobe: not allowed here" 1 --check-policy "$policies/uprobe.yaml"
fi

if [ "$syscall_tp" -eq 1 ]; then
	expect "kprobes[0].selectors[0].matchPIDs[0]: followForks is not supported"
	check "write.yaml: matchPIDs options named by path" 1 \
		--check-policy "$policies/write.yaml"
	expect "kprobes[0] list:syscalls: syscall_tracepoint"
	check "list-syscalls: a syscalls list" 0 --check-policy "$policies/list-syscalls.yaml"
fi

# --- policies of our own ------------------------------------------------------------

cat >"$tmp/bad.yaml" <<'EOF'
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "bad"
spec:
  kprobes:
  - call: "sys_openat"
    args:
    - index: 1
      type: "string"
    selectors:
    - matchArgs:
      - index: 1
        operator: "Equals"
        values: ["/etc/passwd"]
EOF
expect "$tmp/bad.yaml:14:19: spec.kprobes[0].selectors[0].matchArgs[0].operator: unknown operator \"Equals\"" \
	"invalid policy (1 error)"
check "malformed policy: diagnostic with FILE:LINE:COL and field" 1 --check-policy "$tmp/bad.yaml"
if [ -s "$out" ]; then
	fail "malformed policy: no plan printed" "stdout is not empty"
else
	pass "malformed policy: no plan printed"
fi

printf 'apiVersion: [' >"$tmp/broken.yaml"
expect "$tmp/broken.yaml:" "invalid policy"
check "broken YAML" 1 --check-policy "$tmp/broken.yaml"

expect "$tmp/nope.yaml"
check "missing file" 1 --check-policy "$tmp/nope.yaml"

cat >"$tmp/override.yaml" <<'EOF'
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "deny-open"
spec:
  kprobes:
  - call: "sys_openat"
    selectors:
    - matchActions:
      - action: Override
        argError: -1
  - call: "sys_exceve"
EOF
if [ "$syscall_tp" -eq 1 ]; then
	expect "kprobes[0].selectors[0].matchActions[0]: Override: not possible from a syscall tracepoint" \
		"kprobes[1].call: unknown syscall \"sys_exceve\"" "2 problems"
	check "Override on a syscall hook, and a misspelt syscall" 1 \
		--check-policy "$tmp/override.yaml"
else
	expect "cannot be carried out on this kernel"
	check "Override on a syscall hook (no tracepoint here)" 1 \
		--check-policy "$tmp/override.yaml"
fi

cat >"$tmp/kill.yaml" <<'EOF'
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "kill-shells"
spec:
  kprobes:
  - call: "sys_execve"
    selectors:
    - matchBinaries:
      - operator: In
        values: ["/bin/sh"]
      matchActions:
      - action: Sigkill
EOF
if [ "$syscall_tp" -eq 1 ] && [ "$send_signal" -eq 1 ]; then
	expect "kprobes[0].selectors[0].matchActions[0]: Sigkill: bpf_send_signal(SIGKILL) from sys_enter"
	check "Sigkill from sys_enter" 0 --check-policy "$tmp/kill.yaml"
fi

# --- usage --------------------------------------------------------------------------

expect "option '--check-policy' requires an argument" "--help"
check "--check-policy without a file" 2 --check-policy
expect "--check-policy: empty file name"
check "--check-policy with an empty name" 2 --check-policy ""

run --help
if [ "$rc" -eq 0 ] && grep -qF -- "--check-policy FILE" "$out"; then
	pass "--help mentions --check-policy"
else
	fail "--help mentions --check-policy" "exit status $rc or no mention"
fi

if [ -w /dev/full ]; then
	"$prog" --check-policy "$policies/lsm_file_open.yaml" >/dev/full 2>"$err" </dev/null
	rc=$?
	: >"$out"
	if [ "$rc" -eq 1 ] && grep -q 'tetra-observe: write' "$err"; then
		pass "plan to a full disk"
	else
		fail "plan to a full disk" "exit status $rc, expected 1 with a write message"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
