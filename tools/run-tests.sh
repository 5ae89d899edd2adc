#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The whole test suite: install dependencies, build from scratch, run the unit, CLI and
# privileged suites on this kernel, then the privileged suite again on a Debian kernel
# under qemu (tests/vm). As root the privileged tests load real BPF; TETRA_REQUIRE_BPF=1
# turns "cannot load BPF" from a skip into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${TETRA_BUILD_DIR:-build-test}
started=$SECONDS

tools/install-deps.sh
rm -rf "$build"
meson setup "$build" >/dev/null
ninja -C "$build"

# This machine's kernel refuses kprobes, fentry and BPF LSM; say so where we know it.
if [ "${CI:-}" = true ] && [ -z "${TETRA_EXPECT_LOCKED_DOWN:-}" ]; then
	export TETRA_EXPECT_LOCKED_DOWN=1
fi

host_rc=0
meson test -C "$build" --print-errorlogs --num-processes 2 || host_rc=$?

vm_rc=0
vm_status=skipped
if [ "${TETRA_SKIP_VM:-0}" != 1 ]; then
	vm_started=$SECONDS
	# emulated instructions are ~30x slower: a 1000-exec burst instead of 10 000
	tests/vm/run-vm.sh --build-dir "$build" --env TETRA_EXPECT_FULL_KERNEL=1 \
		--env TETRA_TEST_BURST=1000 || vm_rc=$?
	vm_status=$vm_rc
	echo "VM lane took $((SECONDS - vm_started)) s"
fi

# One closing line for whoever reads the log: counts from meson's own record, plus the VM.
python3 - "$build/meson-logs/testlog.json" "$vm_status" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
if sys.argv[2] != "skipped":
    if sys.argv[2] == "0":
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
echo "run-tests: $((SECONDS - started)) s"
[ "$host_rc" -eq 0 ] && [ "$vm_rc" -eq 0 ]
