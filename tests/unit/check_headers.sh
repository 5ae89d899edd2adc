#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The public headers compile on their own as pedantic C99 and as C++.
set -u
inc=$1
pass=0 fail=0
for h in "$inc"/tetra/*.h; do
	name=tetra/$(basename "$h")
	if printf '#include <%s>\n' "$name" | cc -std=c99 -pedantic -Werror -Wall -Wextra \
		-fsyntax-only -I"$inc" -x c -; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name as C99"; fail=$((fail + 1))
	fi
	if printf '#include <%s>\n' "$name" | c++ -std=c++11 -pedantic -Werror -Wall -Wextra \
		-fsyntax-only -I"$inc" -x c++ -; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name as C++"; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
