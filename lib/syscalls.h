/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: syscall names and numbers of the architecture we were built for. */
#ifndef TETRA_LIB_SYSCALLS_H
#define TETRA_LIB_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

struct tetra__syscall_name {
	const char *name;
	int32_t nr;
};

/*
 * The number of syscall @name, written as a policy may write it: "execve", "sys_execve",
 * "__x64_sys_execve", "__se_sys_execve" or "__ia32_sys_execve". -ENOENT when unknown.
 */
int tetra__syscall_nr(const char *name);
/* "execve" for its number; NULL when unknown. */
const char *tetra__syscall_name(int32_t nr);
/* The kernel function Tetragon reports for it: "__x64_sys_execve". */
int tetra__syscall_function(int32_t nr, char *buf, size_t len);

#endif /* TETRA_LIB_SYSCALLS_H */
