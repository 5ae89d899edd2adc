#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""The exported symbols of libtetra.so are exactly the TETRA_API functions of the public
headers, every one listed in libtetra.map and carrying a TETRA_* version."""
import pathlib
import re
import subprocess
import sys

so, mapfile, incdir = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])

out = subprocess.run(["objdump", "-T", so], check=True, capture_output=True, text=True).stdout
exported = {}
for line in out.splitlines():
    f = line.split()
    # "0000... g    DF .text  0000... TETRA_0.1   tetra_version"
    if len(f) >= 7 and f[1] == "g" and f[3] not in ("*UND*", "*ABS*"):
        exported[f[-1]] = f[-2]

mapped = set(re.findall(r"^\s*(tetra_\w+);", pathlib.Path(mapfile).read_text(), re.M))
declared = set()
for h in incdir.glob("*.h"):
    text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
    declared |= set(re.findall(r"TETRA_API[^;{]*?\b(tetra_\w+)\s*\(", text))

failures = []
for name, ver in sorted(exported.items()):
    if not name.startswith("tetra_"):
        failures.append(f"exported symbol outside the tetra_ namespace: {name}")
    elif not ver.startswith("TETRA_"):
        failures.append(f"{name} has no TETRA_* version node (has {ver})")
for name in sorted(set(exported) - mapped):
    failures.append(f"{name} is exported but not in libtetra.map")
for name in sorted(mapped - set(exported)):
    failures.append(f"{name} is in libtetra.map but not exported (not defined?)")
for name in sorted(declared - set(exported)):
    failures.append(f"{name} is declared TETRA_API in a header but not exported")
for name in sorted(set(exported) - declared):
    failures.append(f"{name} is exported but declared in no public header")

for f in failures:
    print("FAIL:", f)
print(f"{len(exported)} symbols checked")
print(f"{max(len(exported) - len(failures), 0)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
