/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The records BPF programs put in the ring buffer. Private to libtetra: lib/ decodes them
 * into public events, so this layout may change in any release.
 */
#ifndef TETRA_WIRE_H
#define TETRA_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TETRA_WIRE_EXEC		1
#define TETRA_WIRE_FORK		2
#define TETRA_WIRE_EXIT		3
#define TETRA_WIRE_POLICY	4	/* struct tetra_wire_policy, tetra_policy_wire.h */
#define TETRA_WIRE_TRACEPOINT	5	/* struct tetra_wire_policy from a tracepoints: hook */
#define TETRA_WIRE_UPROBE	6	/* struct tetra_wire_policy from a uprobes: hook */

/* Loss categories, as TETRA_LOST_* in include/tetra/event.h. */
#define TETRA_WIRE_LOST_EXEC	0
#define TETRA_WIRE_LOST_EXIT	1
#define TETRA_WIRE_LOST_FORK	2
#define TETRA_WIRE_LOST_POLICY	3
#define TETRA_WIRE_LOST_OTHER	4
#define TETRA_WIRE_LOST_MAX	8

/* Buffer sizes for variable data; each a power of two so masks bound the verifier. */
#define TETRA_WIRE_PATH_MAX	4096
#define TETRA_WIRE_ARGS_MAX	4096
#define TETRA_WIRE_CGROUP_MAX	256

/* exec flags */
#define TETRA_WIRE_F_ARGS_TRUNC		(1u << 0)
#define TETRA_WIRE_F_FILENAME_TRUNC	(1u << 1)
#define TETRA_WIRE_F_CWD_TRUNC		(1u << 2)
#define TETRA_WIRE_F_ARGS_ERR		(1u << 3)
#define TETRA_WIRE_F_CWD_ERR		(1u << 4)

/* The sequence counter and loss counters every object of a context shares. */
struct tetra_counters {
	__u64 seq;
	__u64 lost[TETRA_WIRE_LOST_MAX];
};

struct tetra_wire_hdr {
	__u32 type;		/* TETRA_WIRE_* */
	__u32 size;		/* whole record, header included */
	__u64 seq;		/* per-object counter; a gap is a lost record */
	__u64 ktime;		/* bpf_ktime_get_boot_ns() */
};

/* Who a task is: identity, credentials, capabilities, namespaces, cgroup. */
struct tetra_wire_task {
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* real_parent->tgid */
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u32 auid;
	__u32 ns[10];		/* TETRA_NS_* order */
	__u32 __pad;
	__u64 cap_permitted, cap_effective, cap_inheritable;
	__u64 cgroup_id;
};

/* Followed by data[]: filename, args, cwd, cgroup name, with the lengths below. */
struct tetra_wire_exec {
	struct tetra_wire_hdr hdr;
	struct tetra_wire_task task;
	__u32 flags;		/* TETRA_WIRE_F_* */
	__u16 filename_len;
	__u16 args_len;
	__u16 cwd_len;
	__u16 cgroup_len;
	__u32 __pad;
	char data[];
};

struct tetra_wire_fork {
	struct tetra_wire_hdr hdr;
	struct tetra_wire_task task;	/* the child */
};

struct tetra_wire_exit {
	struct tetra_wire_hdr hdr;
	__u32 pid;
	__u32 tid;		/* the last thread to exit */
	__u32 exit_code;	/* wait status: signal in bits 0-6, status in bits 8-15 */
	__u32 __pad;
};

/*
 * What the process sensor remembers per thread group for policies: the executed path,
 * absolute, as matchBinaries compares it.
 */
#define TETRA_BINARY_MAX 256
struct tetra_binary {
	__u32 len;		/* bytes before the NUL, < TETRA_BINARY_MAX */
	char path[TETRA_BINARY_MAX];
};

/* The largest exec record: all buffers full. */
#define TETRA_WIRE_EXEC_MAX                                                                  \
	(sizeof(struct tetra_wire_exec) + TETRA_WIRE_PATH_MAX + TETRA_WIRE_ARGS_MAX +        \
	 TETRA_WIRE_PATH_MAX + TETRA_WIRE_CGROUP_MAX)

#endif /* TETRA_WIRE_H */
