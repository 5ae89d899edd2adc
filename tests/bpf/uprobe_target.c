// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The target of test_policy_uprobe: calls tetra_uprobe_target(atoi(argv[1]), argv[2])
 * once, then exits 0. Built next to the tests.
 */
#include <stdio.h>
#include <stdlib.h>

volatile int tetra_uprobe_sink;

/* Never inlined or cloned: the uprobe goes on its first instruction, args in di/si. */
__attribute__((noinline, used)) int tetra_uprobe_target(int a, const char *s);
__attribute__((noinline, used)) int tetra_uprobe_target(int a, const char *s)
{
	tetra_uprobe_sink += a + (s && s[0]);
	__asm__ volatile("" ::: "memory");
	return tetra_uprobe_sink;
}

int main(int argc, char **argv)
{
	int (*volatile fn)(int, const char *) = tetra_uprobe_target;

	if (argc < 3) {
		fprintf(stderr, "usage: %s INT STRING\n", argv[0]);
		return 2;
	}
	fn(atoi(argv[1]), argv[2]);
	return 0;
}
