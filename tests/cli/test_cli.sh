#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#
# Argument handling of tetra-observe. Needs no privileges: every case here exits before
# anything is loaded into the kernel.
#
#   tests/cli/test_cli.sh PATH_TO_TETRA_OBSERVE
#
# Prints one line per check ("ok", "FAIL" with the reason, or "skip") and a final
# "N passed, M failed"; exits 0 when nothing failed.

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH_TO_TETRA_OBSERVE" >&2
	exit 2
fi
prog=$1
if [ ! -x "$prog" ]; then
	echo "$0: $prog is not an executable" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tetra-cli.XXXXXX") || exit 2
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
	if [ -s "$out" ]; then sed 's/^/      stdout: /' "$out" | head -n 5; fi
	if [ -s "$err" ]; then sed 's/^/      stderr: /' "$err" | head -n 5; fi
}

# run ARGS...: run the program with a time limit; sets $rc. stdin is /dev/null so nothing
# can wait on a terminal.
run() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 10 "$prog" "$@" >"$out" 2>"$err" </dev/null
	else
		"$prog" "$@" >"$out" 2>"$err" </dev/null
	fi
	rc=$?
}

# usage_error NAME EXPECTED_STDERR_TEXT ARGS...: exit 2, nothing on stdout, a message on
# stderr that names the problem (fixed string) and points at --help.
usage_error() {
	name=$1
	want=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 2 ]; then
		fail "$name" "exit status $rc, expected 2"
	elif [ -s "$out" ]; then
		fail "$name" "wrote to stdout"
	elif ! grep -qF -- "$want" "$err"; then
		fail "$name" "stderr lacks \"$want\""
	elif ! grep -q '^tetra-observe: ' "$err"; then
		fail "$name" "message not prefixed with 'tetra-observe: '"
	elif ! grep -qF -- "--help" "$err"; then
		fail "$name" "message does not point at --help"
	else
		pass "$name"
	fi
}

# --- help and version ---------------------------------------------------------------

for opt in --help -h; do
	run "$opt"
	if [ "$rc" -ne 0 ]; then
		fail "$opt" "exit status $rc, expected 0"
	elif ! grep -q '^Usage: tetra-observe' "$out"; then
		fail "$opt" "no 'Usage: tetra-observe' line on stdout"
	elif [ -s "$err" ]; then
		fail "$opt" "wrote to stderr"
	else
		missing=
		for o in --output --export --probe --node-name --ring-buffer-bytes \
			--process-cache-size --help --version; do
			grep -qF -- "$o" "$out" || missing="$missing $o"
		done
		if [ -n "$missing" ]; then
			fail "$opt" "usage does not mention$missing"
		else
			pass "$opt"
		fi
	fi
done

for opt in --version -V; do
	run "$opt"
	if [ "$rc" -ne 0 ]; then
		fail "$opt" "exit status $rc, expected 0"
	elif [ "$(wc -l <"$out")" -ne 1 ] ||
		! grep -Eq '^tetra-observe [0-9]+\.[0-9]+\.[0-9]+' "$out"; then
		fail "$opt" "stdout is not one 'tetra-observe X.Y.Z' line"
	elif [ -s "$err" ]; then
		fail "$opt" "wrote to stderr"
	else
		pass "$opt"
	fi
done

# Valid values are accepted: the option parser reaches --help without complaint.
run -o json --output=compact --export "$tmp/never-created" --node-name n1 \
	--ring-buffer-bytes 64K --ring-buffer-bytes=1048576 --process-cache-size 100 \
	--no-proc-seed -v -v --help
if [ "$rc" -eq 0 ] && grep -q '^Usage:' "$out" && [ ! -e "$tmp/never-created" ]; then
	pass "valid options accepted before --help"
else
	fail "valid options accepted before --help" "exit status $rc"
fi

# A write error on --help is reported, not ignored (GNU convention).
if [ -w /dev/full ]; then
	"$prog" --help >/dev/full 2>"$err" </dev/null
	rc=$?
	: >"$out"
	if [ "$rc" -eq 1 ] && grep -q 'tetra-observe: write' "$err"; then
		pass "--help to a full disk"
	else
		fail "--help to a full disk" "exit status $rc, expected 1 with a message"
	fi
else
	echo "skip  --help to a full disk (no /dev/full)"
fi

# --- usage errors: exit 2 with a message naming the problem -------------------------

usage_error "unknown long option"        "unknown option '--bogus'"       --bogus
usage_error "unknown long option =value" "unknown option '--bogus'"       --bogus=1
usage_error "unknown short option"       "unknown option '-x'"            -x
usage_error "unknown short in a cluster" "unknown option '-x'"            -vx
usage_error "unknown option after valid" "unknown option '--nope'"        -o json --nope
usage_error "ambiguous long option"      "ambiguous option '--p'"         --p
usage_error "unexpected argument"        "unexpected argument 'extra'"    extra
usage_error "argument after --"          "unexpected argument '-o'"       -- -o
usage_error "--help with a value"        "'--help' does not take an argument" --help=yes
usage_error "--probe with a value"       "'--probe' does not take an argument" --probe=1

usage_error "-o without a value"         "option '-o' requires an argument"       -o
usage_error "--output without a value"   "option '--output' requires an argument" --output
usage_error "--export without a value"   "option '--export' requires an argument" --export
usage_error "--node-name without a value" "option '--node-name' requires an argument" --node-name
usage_error "--ring-buffer-bytes without a value" \
	"option '--ring-buffer-bytes' requires an argument" --ring-buffer-bytes
usage_error "--process-cache-size without a value" \
	"option '--process-cache-size' requires an argument" --process-cache-size

usage_error "unknown output format"      "unknown format 'xml'"           -o xml
usage_error "unknown output format (=)"  "unknown format 'JSON'"          --output=JSON
usage_error "empty export file name"     "--export: empty file name"      --export=
usage_error "empty node name"            "--node-name: empty node name"   --node-name ""

usage_error "ring buffer not a number"   "'abc' is not a size in bytes"   --ring-buffer-bytes abc
usage_error "ring buffer negative"       "'-4096' is not a size in bytes" --ring-buffer-bytes=-4096
usage_error "ring buffer bad suffix"     "'4X' is not a size in bytes"    --ring-buffer-bytes 4X
usage_error "ring buffer trailing junk"  "'4096 ' is not a size in bytes" --ring-buffer-bytes "4096 "
usage_error "ring buffer hex"            "'0x1000' is not a size in bytes" --ring-buffer-bytes 0x1000
usage_error "ring buffer not power of 2" "'1000' is not a power of two"   --ring-buffer-bytes 1000
usage_error "ring buffer zero"           "'0' is not a power of two"      --ring-buffer-bytes 0
usage_error "ring buffer too large"      "'8G' is too large"              --ring-buffer-bytes 8G
usage_error "ring buffer overflow"       "is too large" \
	--ring-buffer-bytes 99999999999999999999999

usage_error "cache size zero"            "'0' is not a positive number"   --process-cache-size 0
usage_error "cache size not a number"    "'ten' is not a positive number" --process-cache-size ten
usage_error "cache size negative"        "'-5' is not a positive number"  --process-cache-size=-5
usage_error "cache size suffix"          "'64K' is not a positive number" --process-cache-size 64K
usage_error "cache size too large"       "'4294967296' is too large"      --process-cache-size 4294967296

# The first problem wins and nothing is created: the export file is opened only after
# the arguments are accepted.
usage_error "bad value before --export"  "unknown format 'x'" -o x --export "$tmp/export.json"
if [ -e "$tmp/export.json" ]; then
	fail "no export file on a usage error" "$tmp/export.json was created"
else
	pass "no export file on a usage error"
fi

# --- summary ------------------------------------------------------------------------

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
