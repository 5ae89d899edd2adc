// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Syscall names <-> numbers, from the table generated at build time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"
#include "syscall_table.h"

static const char *const prefixes[] = { "__x64_sys_", "__ia32_sys_", "__se_sys_", "sys_" };

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tetra__syscall_name *)elem)->name);
}

int tetra__syscall_nr(const char *name)
{
	const struct tetra__syscall_name *e;

	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], n)) {
			name += n;
			break;
		}
	}
	e = bsearch(name, tetra__syscall_names,
		    sizeof(tetra__syscall_names) / sizeof(tetra__syscall_names[0]),
		    sizeof(tetra__syscall_names[0]), cmp);
	return e ? e->nr : -ENOENT;
}

const char *tetra__syscall_name(int32_t nr)
{
	for (size_t i = 0; i < sizeof(tetra__syscall_names) / sizeof(tetra__syscall_names[0]); i++)
		if (tetra__syscall_names[i].nr == nr)
			return tetra__syscall_names[i].name;
	return NULL;
}

int tetra__syscall_function(int32_t nr, char *buf, size_t len)
{
	const char *name = tetra__syscall_name(nr);

	if (!name)
		return snprintf(buf, len, "syscall_%d", nr);
	return snprintf(buf, len, "__x64_sys_%s", name);
}
