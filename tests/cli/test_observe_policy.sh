#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#
# tetra-observe --policy FILE / --policy-dir DIR / --override-as-sigkill: policies loaded
# into the running kernel, their events printed with the process events, and the runs
# that must stop before anything is attached (a malformed policy, one this kernel cannot
# enforce). Loads BPF, so it needs root: without it the test is skipped (exit 77), or
# fails when TETRA_REQUIRE_BPF=1.
#
#   tests/cli/test_observe_policy.sh PATH_TO_TETRA_OBSERVE
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
example=$shared/examples/process-monitoring.yaml
lsm_policy=$shared/tetragon/policies/lsm_file_open.yaml

if [ "$(id -u)" -ne 0 ]; then
	if [ "${TETRA_REQUIRE_BPF:-0}" = 1 ]; then
		echo "FAIL  all: not root, and TETRA_REQUIRE_BPF=1 requires loading BPF"
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "skip  all: loading policies needs root"
	echo "0 passed, 0 failed"
	exit 77
fi
if [ ! -f "$example" ]; then
	echo "skip  all: no $example (set TETRA_SHARED_DIR)"
	echo "0 passed, 0 failed"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tetra-observe-policy.XXXXXX") || exit 2
bg_pid=
prev_pid=

# Whatever path leaves the script, the background tetra-observe goes with it, before its
# output files (a signal between "cmd &" and "bg_pid=$!" leaves bg_pid "starting": then
# $!, when it changed, is the new process).
cleanup() {
	if [ "$bg_pid" = starting ]; then
		bg_pid=
		[ "${!:-}" != "$prev_pid" ] && bg_pid=$!
	fi
	if [ -n "$bg_pid" ]; then
		kill -KILL "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
		bg_pid=
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

passed=0
failed=0
ready="tetra-observe: ready ("	# not just "ready": a warning could say "already"
out=$tmp/stdout
err=$tmp/stderr

pass() {
	passed=$((passed + 1))
	echo "ok    $1"
}

skip() {
	echo "skip  $1: $2"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL  $1: $2"
	if [ -s "$out" ]; then cut -c1-200 "$out" | tail -n 5 | sed 's/^/      stdout: /'; fi
	if [ -s "$err" ]; then tail -n 12 "$err" | sed 's/^/      stderr: /'; fi
}

# run ARGS...: run in the foreground with a time limit; sets $rc.
run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 20 "$prog" "$@" >"$out" 2>"$err" </dev/null
	else
		"$prog" "$@" >"$out" 2>"$err" </dev/null
	fi
	rc=$?
}

# start ARGS...: run in the background, stdout to $out, stderr to $err.
start() {
	: >"$out"
	: >"$err"
	prev_pid=${!:-}
	bg_pid=starting
	"$prog" "$@" >"$out" 2>"$err" </dev/null &
	bg_pid=$!
}

# alive: the background program has not exited (a zombie not yet waited for counts as
# exited).
alive() {
	[ -n "$bg_pid" ] && [ -r "/proc/$bg_pid/stat" ] &&
		! grep -q '^[0-9]* ([^)]*) Z' "/proc/$bg_pid/stat" 2>/dev/null
}

# wait_until SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds (0), the time
# is up or the background program exited (1; COMMAND is tried once more then).
wait_until() {
	limit=$(($1 * 10))
	shift
	i=0
	while [ "$i" -lt "$limit" ]; do
		"$@" && return 0
		alive || { "$@"; return; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop: SIGTERM the background program and wait for it (10 s, then SIGKILL); sets $rc
# (137 when it had to be killed).
stop() {
	kill -TERM "$bg_pid" 2>/dev/null
	i=0
	while alive && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive && kill -KILL "$bg_pid" 2>/dev/null
	wait "$bg_pid"
	rc=$?
	bg_pid=
}

has_err() {
	grep -qF -- "$1" "$err"
}

# line_of FIXED_STRING: the number of the first stderr line containing it, or 0.
line_of() {
	n=$(grep -nF -- "$1" "$err" | head -n 1 | cut -d: -f1)
	echo "${n:-0}"
}

summary_ok() {
	grep -Eq '^tetra-observe: [0-9]+ events, [0-9]+ lost$' "$err"
}

# the JSON line of the policy event of our marker command
marker_line() {
	grep -F '"process_kprobe"' "$out" | grep -F cli-policy-marker | head -n 1
}

has_marker_event() {
	[ -n "$(marker_line)" ]
}

# --- the shared example, enforced: events of process_kprobe in JSON -------------------

name="example policy: loaded, then ready"
start -o json --policy "$example"
if ! wait_until 20 has_err "$ready"; then
	fail "$name" "no '$ready...' on stderr within 20 s"
	stop
else
	loaded_at=$(line_of "tetra-observe: policy process-monitoring loaded (id ")
	ready_at=$(line_of "$ready")
	if [ "$loaded_at" -eq 0 ]; then
		fail "$name" "no 'tetra-observe: policy process-monitoring loaded (id N)' line"
	elif [ "$loaded_at" -gt "$ready_at" ]; then
		fail "$name" "the policy line comes after 'ready'"
	elif ! has_err "1 policy loaded"; then
		fail "$name" "the ready line does not count the policy"
	else
		pass "$name"
	fi

	/bin/sh -c '/bin/true cli-policy-marker'
	name="example policy: process_kprobe event for /bin/sh running /bin/true"
	if ! wait_until 10 has_marker_event; then
		fail "$name" "no process_kprobe line with cli-policy-marker within 10 s"
	else
		pass "$name"
		line=$(marker_line)
		name="example policy: event names the policy, the hook and arg 0"
		case $line in
		*'"policy_name":"process-monitoring"'*'"args":[{"string_arg":"/bin/true"}'* | \
		*'"args":[{"string_arg":"/bin/true"}'*'"policy_name":"process-monitoring"'*)
			case $line in
			*'"function_name":"__x64_sys_execve"'* | *'"function_name":"__arm64_sys_execve"'*)
				pass "$name" ;;
			*)
				fail "$name" "no function_name sys_execve in: $(echo "$line" | cut -c1-300)..." ;;
			esac ;;
		*)
			fail "$name" "no policy_name process-monitoring with arg 0 \"/bin/true\" in the line" ;;
		esac
	fi

	name="example policy: SIGTERM stops it with status 0 and a summary"
	stop
	if [ "$rc" -ne 0 ]; then
		fail "$name" "exit status $rc, expected 0"
	elif ! summary_ok; then
		fail "$name" "no 'tetra-observe: N events, M lost' line"
	else
		pass "$name"
	fi
fi

# --- --policy and --policy-dir: command-line order, directories sorted ----------------

# A policy that matches nothing: an exec hook filtered on a binary that does not exist.
quiet_policy() {
	cat <<EOF
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "$1"
spec:
  kprobes:
  - call: "sys_execve"
    syscall: true
    selectors:
    - matchBinaries:
      - operator: In
        values:
        - "/nonexistent/tetra-observe-test"
EOF
}

mkdir -p "$tmp/policies/sub.yaml"
quiet_policy explicit >"$tmp/explicit.yaml"
quiet_policy dir-b >"$tmp/policies/b.yml"
quiet_policy dir-a >"$tmp/policies/a.yaml"
quiet_policy ignored >"$tmp/policies/c.yaml.txt"
printf 'apiVersion: [' >"$tmp/policies/.hidden.yaml"	# loading it would fail

name="--policy then --policy-dir: every *.yaml/*.yml in order, others left out"
start --policy "$tmp/explicit.yaml" --policy-dir "$tmp/policies/"
if ! wait_until 20 has_err "$ready"; then
	fail "$name" "no '$ready...' on stderr within 20 s"
	stop
else
	explicit_at=$(line_of "policy explicit loaded (id ")
	a_at=$(line_of "policy dir-a loaded (id ")
	b_at=$(line_of "policy dir-b loaded (id ")
	if [ "$explicit_at" -eq 0 ] || [ "$a_at" -eq 0 ] || [ "$b_at" -eq 0 ]; then
		fail "$name" "not every policy was loaded"
	elif [ "$explicit_at" -gt "$a_at" ] || [ "$a_at" -gt "$b_at" ]; then
		fail "$name" "loaded out of order (want explicit, dir-a, dir-b)"
	elif has_err "ignored" || ! has_err "3 policies loaded"; then
		fail "$name" "expected exactly 3 policies"
	else
		pass "$name"
	fi
	stop
	if [ "$rc" -ne 0 ] || ! summary_ok; then
		fail "$name: clean stop" "exit status $rc or no summary"
	else
		pass "$name: clean stop"
	fi
fi

# --- what must stop before anything is attached ---------------------------------------

cat >"$tmp/bad.yaml" <<'EOF'
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "bad"
spec:
  kprobes:
  - call: "sys_openat"
    selectors:
    - matchArgs:
      - index: 1
        operator: "Equals"
        values: ["/etc/passwd"]
EOF
name="malformed policy: FILE:LINE:COL diagnostic, exit 1, nothing loaded"
run -o json --policy "$example" --policy "$tmp/bad.yaml"
if [ "$rc" -ne 1 ]; then
	fail "$name" "exit status $rc, expected 1"
elif ! has_err "$tmp/bad.yaml:11:19: spec.kprobes[0].selectors[0].matchArgs[0].operator: unknown operator \"Equals\""; then
	fail "$name" "no '$tmp/bad.yaml:11:19: FIELD: MESSAGE' diagnostic"
elif has_err "$ready" || has_err "loaded (id"; then
	fail "$name" "a policy was loaded or 'ready' printed"
elif [ -s "$out" ]; then
	fail "$name" "events on stdout"
else
	pass "$name"
fi

name="missing policy file: exit 1 naming it"
run --policy "$tmp/nope.yaml"
if [ "$rc" -ne 1 ] || ! has_err "$tmp/nope.yaml" || has_err "$ready"; then
	fail "$name" "exit status $rc (expected 1), the file named, no 'ready'"
else
	pass "$name"
fi

name="missing policy directory: exit 1 naming it"
run --policy-dir "$tmp/no-such-dir"
if [ "$rc" -ne 1 ] || ! has_err "$tmp/no-such-dir" || has_err "$ready"; then
	fail "$name" "exit status $rc (expected 1), the directory named, no 'ready'"
else
	pass "$name"
fi

if [ ! -f "$lsm_policy" ]; then
	skip "LSM policy refused" "no $lsm_policy"
elif "$prog" --check-policy "$lsm_policy" >/dev/null 2>&1; then
	skip "LSM policy refused" "this kernel and library can enforce $lsm_policy"
else
	name="LSM policy: cannot be enforced here, exit 1 naming the hook"
	run -o json --policy "$example" --policy "$lsm_policy"
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit status $rc, expected 1"
	elif ! grep -qF -- "tetra-observe: policy $lsm_policy: " "$err" ||
		! grep -F -- "tetra-observe: policy $lsm_policy: " "$err" | grep -qF file_open; then
		fail "$name" "no 'tetra-observe: policy FILE: ...file_open...' reason"
	elif has_err "$ready"; then
		fail "$name" "'ready' printed"
	else
		pass "$name"
	fi

	name="-v: the plan of each policy on stderr"
	run -v --policy "$lsm_policy"
	if [ "$rc" -ne 1 ] || ! has_err "plan of $lsm_policy" || ! has_err "lsmhooks[0] file_open"; then
		fail "$name" "exit status $rc (expected 1), or no plan naming lsmhooks[0] file_open"
	else
		pass "$name"
	fi
fi

# --- Override: refused, or turned into SIGKILL with --override-as-sigkill --------------

cat >"$tmp/override.yaml" <<EOF
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: "deny-marker-open"
spec:
  kprobes:
  - call: "sys_openat"
    syscall: true
    args:
    - index: 1
      type: "string"
    selectors:
    - matchArgs:
      - index: 1
        operator: "Postfix"
        values: ["/override-marker"]
      matchActions:
      - action: Override
        argError: -1
EOF
marker=$tmp/override-marker
: >"$marker"

override_denies=0
"$prog" --check-policy "$tmp/override.yaml" >/dev/null 2>&1 && override_denies=1
if [ "$override_denies" -eq 1 ]; then
	skip "Override refused without --override-as-sigkill" "Override can deny here"
else
	name="Override refused without --override-as-sigkill"
	run --policy "$tmp/override.yaml"
	if [ "$rc" -ne 1 ] || ! has_err "tetra-observe: policy $tmp/override.yaml: " ||
		! has_err Override || ! has_err "--override-as-sigkill" || has_err "$ready"; then
		fail "$name" "exit status $rc (expected 1), reason naming Override and the option"
	else
		pass "$name"
	fi
fi

# The option only changes an Override that cannot deny; where it can, it stays a denial.
if [ "$override_denies" -eq 1 ]; then
	skip "--override-as-sigkill" "Override can deny here, the option changes nothing"
elif ! "$prog" --override-as-sigkill --check-policy "$tmp/override.yaml" >/dev/null 2>&1; then
	skip "--override-as-sigkill" "the plan says even Sigkill cannot be carried out here"
else
	name="--override-as-sigkill: the opener is killed, the event printed (compact, export)"
	start -o compact --export "$tmp/export.json" --override-as-sigkill --policy "$tmp/override.yaml"
	if ! wait_until 20 has_err "$ready"; then
		fail "$name" "no '$ready...' on stderr within 20 s"
		stop
	else
		# the shell's "Killed" report would clutter the test log
		/bin/sh -c "/bin/cat '$marker'" 2>/dev/null
		cat_rc=$?
		compact_seen() { grep -F sys_openat "$out" | grep -qF "$marker"; }
		export_seen() {
			grep -F '"process_kprobe"' "$tmp/export.json" 2>/dev/null |
				grep -F "$marker" | grep -F '"policy_name":"deny-marker-open"' |
				grep -qF '"action":"KPROBE_ACTION_SIGKILL"'
		}
		if [ "$cat_rc" -ne 137 ]; then
			fail "$name" "cat of the marker exited $cat_rc, expected 137 (SIGKILL)"
		elif ! wait_until 10 compact_seen; then
			fail "$name" "no compact sys_openat line naming the marker within 10 s"
		elif ! wait_until 5 export_seen; then
			fail "$name" "no exported process_kprobe with KPROBE_ACTION_SIGKILL"
		else
			pass "$name"
		fi
		stop
		if [ "$rc" -ne 0 ] || ! summary_ok; then
			fail "$name: clean stop" "exit status $rc or no summary"
		else
			pass "$name: clean stop"
		fi
	fi
fi

# --- usage ------------------------------------------------------------------------------

run --help
missing=
for o in "--policy FILE" "--policy-dir DIR" "--override-as-sigkill"; do
	grep -qF -- "$o" "$out" || missing="$missing '$o'"
done
if [ "$rc" -ne 0 ] || [ -n "$missing" ]; then
	fail "--help mentions the policy options" "exit status $rc, missing$missing"
else
	pass "--help mentions the policy options"
fi

name="--policy with --check-policy is a usage error"
run --policy "$example" --check-policy "$example"
if [ "$rc" -ne 2 ] || ! has_err "cannot be combined"; then
	fail "$name" "exit status $rc, expected 2 with a message"
else
	pass "$name"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
