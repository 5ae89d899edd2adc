// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Process lifecycle from scheduler tracepoints only: exec, fork of a new thread group,
 * exit of a whole thread group. No syscall tracepoint is used, because enabling one puts
 * every syscall of every task on the slow path. Each hook exists as tp_btf (preferred)
 * and raw_tp (fallback); user space loads one set.
 */
#include "tetra_bpf.h"

#define SIGNAL_GROUP_EXIT 0x00000004	/* include/linux/sched/signal.h, stable since 2.6 */

/*
 * An exec record being built: the record, then its variable data with room for the
 * masked offsets the verifier needs, then space to assemble the cwd backwards.
 */
#define EXEC_DATA_MAX (4 * TETRA_WIRE_PATH_MAX + TETRA_WIRE_CGROUP_MAX)
struct exec_scratch {
	char rec[sizeof(struct tetra_wire_exec) + EXEC_DATA_MAX];
	char path[TETRA_WIRE_PATH_MAX + 256];
	struct tetra_binary binary;
	char binary_slack[TETRA_BINARY_MAX];	/* masked offset + masked length overrun */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} exec_scratch SEC(".maps");

/*
 * Binary per thread group, shared with the policy programs (matchBinaries). Sized by
 * user space like the process cache; a full map only costs policies their binary.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* memory follows the live processes */
	__type(key, __u32);
	__type(value, struct tetra_binary);
} tetra_binaries SEC(".maps");

/* Remember the absolute executed path: cwd + "/" + name when exec() got a relative one. */
static __always_inline void remember_binary(struct exec_scratch *s, __u32 pid, const char *name,
					    __u32 name_len, const char *cwd, __u32 cwd_len)
{
	struct tetra_binary *b = &s->binary;
	__u32 off = 0;

	if (name_len && name[0] != '/' && cwd_len < TETRA_BINARY_MAX - 1) {
		cwd_len &= TETRA_BINARY_MAX - 1;
		bpf_probe_read_kernel(b->path, cwd_len, cwd);
		off = cwd_len;
		if (off && off < TETRA_BINARY_MAX && b->path[(off - 1) & (TETRA_BINARY_MAX - 1)] != '/')
			b->path[off++ & (TETRA_BINARY_MAX - 1)] = '/';
		if (name_len >= 2 && name[0] == '.' && name[1] == '/') {
			name += 2;
			name_len -= 2;
		}
	}
	off &= TETRA_BINARY_MAX - 1;
	if (name_len > TETRA_BINARY_MAX - 1 - off)
		name_len = TETRA_BINARY_MAX - 1 - off;
	name_len &= TETRA_BINARY_MAX - 1;
	bpf_probe_read_kernel(b->path + off, name_len, name);
	b->len = (off + name_len) & (TETRA_BINARY_MAX - 1);
	b->path[b->len] = '\0';
	bpf_map_update_elem(&tetra_binaries, &pid, b, BPF_ANY);
}

static __always_inline void on_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	struct tetra_wire_exec *e;
	struct exec_scratch *s;
	char *data;
	unsigned long arg_start, arg_end;
	__u32 zero = 0, off, len, trunc, pos;
	struct mm_struct *mm;
	struct fs_struct *fs;
	long n;

	s = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!s)
		return;
	e = (void *)s->rec;
	data = s->rec + sizeof(*e);
	e->hdr.type = TETRA_WIRE_EXEC;
	e->hdr.ktime = bpf_ktime_get_boot_ns();
	tetra_read_task(&e->task, task);
	e->flags = 0;

	/* the name exec() was given; user space makes it absolute with cwd */
	n = bpf_probe_read_kernel_str(data, TETRA_WIRE_PATH_MAX, BPF_CORE_READ(bprm, filename));
	len = n > 0 ? n - 1 : 0;
	if (n == TETRA_WIRE_PATH_MAX)
		e->flags |= TETRA_WIRE_F_FILENAME_TRUNC;
	e->filename_len = len;
	off = len & (TETRA_WIRE_PATH_MAX - 1);

	/* the new image's argv, already copied to its stack */
	mm = BPF_CORE_READ(task, mm);
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > TETRA_WIRE_ARGS_MAX - 1) {
		len = TETRA_WIRE_ARGS_MAX - 1;
		e->flags |= TETRA_WIRE_F_ARGS_TRUNC;
	}
	len &= TETRA_WIRE_ARGS_MAX - 1;
	if (len && bpf_probe_read_user(data + off, len, (void *)arg_start)) {
		len = 0;
		e->flags |= TETRA_WIRE_F_ARGS_ERR;
	}
	e->args_len = len;
	off = (off + len) & (2 * TETRA_WIRE_PATH_MAX - 1);

	/* cwd, relative to the task's root */
	fs = BPF_CORE_READ(task, fs);
	if (fs) {
		pos = tetra_path_walk(&fs->pwd, &fs->root, s->path, &trunc);
		if (trunc)
			e->flags |= TETRA_WIRE_F_CWD_TRUNC;
		pos &= TETRA_WIRE_PATH_MAX - 1;
		len = (TETRA_WIRE_PATH_MAX - pos) & (TETRA_WIRE_PATH_MAX - 1);
		bpf_probe_read_kernel(data + off, len, s->path + pos);
	} else {
		len = 0;
		e->flags |= TETRA_WIRE_F_CWD_ERR;
	}
	e->cwd_len = len;
	off = (off + len) & (4 * TETRA_WIRE_PATH_MAX - 1);

	remember_binary(s, e->task.pid, data, e->filename_len, data + e->filename_len + e->args_len,
			e->cwd_len);

	len = tetra_read_cgroup_name(data + off, task);
	e->cgroup_len = len;
	off += len & (TETRA_WIRE_CGROUP_MAX - 1);

	if (off > EXEC_DATA_MAX)
		off = EXEC_DATA_MAX;
	tetra_emit(&e->hdr, sizeof(*e) + off, TETRA_WIRE_LOST_EXEC);
}

static __always_inline void on_fork(struct task_struct *child)
{
	struct tetra_wire_fork f = {};

	/* a new thread joins its group silently; only new thread groups are processes */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return;
	{
		__u32 ppid = BPF_CORE_READ(child, real_parent, tgid), pid = f.task.pid;
		struct tetra_binary *b = bpf_map_lookup_elem(&tetra_binaries, &ppid);

		pid = BPF_CORE_READ(child, tgid);
		if (b)
			bpf_map_update_elem(&tetra_binaries, &pid, b, BPF_ANY);
	}
	f.hdr.type = TETRA_WIRE_FORK;
	f.hdr.ktime = bpf_ktime_get_boot_ns();
	tetra_read_task(&f.task, child);
	tetra_emit(&f.hdr, sizeof(f), TETRA_WIRE_LOST_FORK);
}

static __always_inline void on_exit(struct task_struct *task)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	struct tetra_wire_exit x = {};

	/* the thread group is gone only when its last thread exits */
	if (BPF_CORE_READ(sig, live.counter) != 0)
		return;
	x.pid = BPF_CORE_READ(task, tgid);
	bpf_map_delete_elem(&tetra_binaries, &x.pid);
	x.hdr.type = TETRA_WIRE_EXIT;
	x.hdr.ktime = bpf_ktime_get_boot_ns();
	x.pid = BPF_CORE_READ(task, tgid);
	x.tid = BPF_CORE_READ(task, pid);
	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		x.exit_code = BPF_CORE_READ(sig, group_exit_code);
	else
		x.exit_code = BPF_CORE_READ(task, exit_code);
	tetra_emit(&x.hdr, sizeof(x), TETRA_WIRE_LOST_EXIT);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(tetra_exec_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	on_exec(p, bprm);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tetra_fork_btf, struct task_struct *parent, struct task_struct *child)
{
	on_fork(child);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tetra_exit_btf, struct task_struct *p)
{
	on_exit(p);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(tetra_exec_raw, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	on_exec(p, bprm);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(tetra_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	on_fork(child);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(tetra_exit_raw, struct task_struct *p)
{
	on_exit(p);
	return 0;
}
