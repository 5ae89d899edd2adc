/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * bench-nop: the tiny program the exec storm runs. It does nothing and exits 0.
 * With "--sleep" it waits for a signal instead: the live processes of the memory
 * benchmark. Their spawner sets PR_SET_PDEATHSIG before exec (it survives exec), so no
 * sleeper outlives the bench.
 */
#include <string.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc > 1 && !strcmp(argv[1], "--sleep"))
		for (;;)
			pause();
	return 0;
}
