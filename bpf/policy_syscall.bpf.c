// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Syscall hooks of TracingPolicies without kprobes: one raw sys_enter program for every
 * hooked syscall of every policy, dispatching by syscall number to compiled hooks,
 * evaluating their selectors in the kernel and acting on the first that matches.
 *
 * Selector evaluation lives in global (non-inlined) functions: the verifier checks each
 * once, whatever the number of hooks, selectors and filters.
 */
#include "tetra_bpf.h"
#include "tetra_policy_wire.h"

/* Shared with the process sensor (bpf_map__reuse_fd): the binary of each thread group. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* memory follows the live processes */
	__type(key, __u32);
	__type(value, struct tetra_binary);
} tetra_binaries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TP_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct tp_dispatch);
} tp_dispatch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TP_MAX_HOOKS);
	__type(key, __u32);
	__type(value, struct tp_hook);
} tp_hooks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct tp_string_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} tp_strings SEC(".maps");

#define POLICY_DATA_MAX TP_DATA_MAX

/*
 * Records of return hooks between sys_enter and sys_exit, per thread and hook. Allocated
 * on demand, so memory follows the calls in flight, and never evicted behind a running
 * call's back: when full, the call is counted lost. A thread that dies inside a hooked
 * syscall leaves its entry until that thread id enters the same hook again.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TP_STASH_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct tp_stash_key);
	__type(value, char[sizeof(struct tetra_wire_policy) + TP_DATA_MAX]);
} tp_stash SEC(".maps");

/* The record being built for the current call, and a key for string lookups. */
struct policy_scratch {
	char rec[sizeof(struct tetra_wire_policy) + 8192 + 2048];
	__u32 data_off[TP_SLOTS];	/* where each argument's bytes start in data */
	struct tp_string_key key;
	char key_slack[8];		/* masked (& 255) writes may pass the key's 252 bytes */
	char path[TETRA_WIRE_PATH_MAX + 256];	/* fd arguments: the path, built backwards */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_scratch);
} policy_scratch SEC(".maps");

#include "tetra_selectors.bpf.h"

/* Copy a user string or buffer argument into the record; returns bytes stored. */
static __always_inline __u32 read_arg_data(struct policy_scratch *s, struct tetra_wire_policy *r,
					   __u32 i, __u32 off, const struct tp_arg *a, __u64 v,
					   __u64 size)
{
	char *dst = r->data + TP_BOUND(off, 8191);
	__u32 max = a->max_bytes;
	long n;

	if (max > TP_ARG_DATA_MAX)
		max = TP_ARG_DATA_MAX;
	if (a->type == TP_ARG_STRING) {
		n = bpf_probe_read_user_str(dst, TP_BOUND(max, 2047), (void *)v);
		if (n <= 0)
			return 0;
		r->truncated[i & (TP_SLOTS - 1)] = n == max;
		return n - 1;
	}
	/* char_buf: as many bytes as the size argument says, within max */
	if (size > max) {
		r->truncated[i & (TP_SLOTS - 1)] = 1;
		size = max;
	}
	size = TP_BOUND(size, 2047);
	if (bpf_probe_read_user(dst, size, (void *)v))
		return 0;
	return size;
}

/*
 * The path of the current task's file descriptor @fd into argument @i's data at @off:
 * the file the kernel has open, crossing mounts, relative to the task's root, with
 * " (deleted)" for an unlinked file as /proc shows it. Returns the bytes stored.
 */
__noinline int tp_read_fd(__u32 i, __u32 off, __u64 fd)
{
	struct policy_scratch *s = scratch();
	struct task_struct *task = (void *)bpf_get_current_task();
	struct tetra_wire_policy *r;
	struct file **fds, *f = NULL;
	struct fs_struct *fs;
	struct fdtable *fdt;
	struct dentry *d;
	__u32 pos, len, trunc = 0;

	if (!s)
		return 0;
	r = (void *)s->rec;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd & 0xffffff]);
	fs = BPF_CORE_READ(task, fs);
	if (!f || !fs)
		return 0;
	pos = tetra_path_walk(&f->f_path, &fs->root, s->path, &trunc);
	pos = TP_BOUND(pos, TETRA_WIRE_PATH_MAX - 1);
	len = TETRA_WIRE_PATH_MAX - pos;
	if (len > TP_ARG_DATA_MAX - 11) {
		/* keep the head: prefixes are what policies match on */
		len = TP_ARG_DATA_MAX - 11;
		trunc = 1;
	}
	len = TP_BOUND(len, 1023);
	bpf_probe_read_kernel(r->data + TP_BOUND(off, 8191), len, s->path + pos);
	/* unhashed and not a root: unlinked, as d_unlinked() says */
	d = BPF_CORE_READ(f, f_path.dentry);
	if (!BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d) {
		bpf_probe_read_kernel(r->data + TP_BOUND(off + len, 8191), 10, " (deleted)");
		len += 10;
	}
	r->truncated[slot(i)] = trunc;
	return len;
}

static __always_inline __u64 syscall_arg(struct pt_regs *regs, __u32 n)
{
	switch (n) {
	case 0:
		return BPF_CORE_READ(regs, di);
	case 1:
		return BPF_CORE_READ(regs, si);
	case 2:
		return BPF_CORE_READ(regs, dx);
	case 3:
		return BPF_CORE_READ(regs, r10);
	case 4:
		return BPF_CORE_READ(regs, r8);
	case 5:
		return BPF_CORE_READ(regs, r9);
	}
	return 0;
}

/* Collect hook @hook's arguments, evaluate its selectors, act. */
__noinline int tp_run_hook(struct bpf_raw_tracepoint_args *ctx, __u32 hook, __u32 nr)
{
	struct policy_scratch *s = scratch();
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	struct tetra_wire_policy *r;
	struct tp_hook *h;
	struct tp_verdict v;
	__u32 off = 0;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!s || !h)
		return 0;
	if (h->ret) {
		/* whatever this call does, sys_exit must not find an older call's record */
		struct tp_stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };

		bpf_map_delete_elem(&tp_stash, &k);
	}
	r = (void *)s->rec;
	r->hook = hook;
	r->n_args = h->n_args;
	r->flags = 0;
	r->ret_action = TP_ACT_NONE;
	r->ret = 0;
	/* unrolled: older verifiers (6.1) lose the bound of i through the loop body */
#pragma unroll
	for (__u32 i = 0; i < TP_MAX_ARGS; i++) {
		const struct tp_arg *a = &h->args[i & (TP_SLOTS - 1)];
		__u64 v;

		r->ints[i] = 0;
		r->data_len[i] = 0;
		r->truncated[i] = 0;
		s->data_off[i] = off;
		if (i >= h->n_args)
			continue;
		v = syscall_arg(regs, a->src);
		r->ints[i] = v;
		if (a->type == TP_ARG_STRING || a->type == TP_ARG_CHAR_BUF) {
			__u64 size = a->size_src ? syscall_arg(regs, (a->size_src - 1) & 7) : 0;
			__u32 n = read_arg_data(s, r, i, off, a, v, size);

			r->data_len[i] = n;
			off += n + 1;	/* keep a NUL between arguments */
			r->data[TP_BOUND(off - 1, 8191)] = '\0';
		} else if (a->type == TP_ARG_FD) {
			__u32 n = tp_read_fd(i, off, v);

			r->data_len[i] = n;
			off += n + 1;
			r->data[TP_BOUND(off - 1, 8191)] = '\0';
		}
		if (off > POLICY_DATA_MAX - TP_ARG_DATA_MAX - 1)
			off = POLICY_DATA_MAX - TP_ARG_DATA_MAX - 1;
	}

	if (!tp_decide(h, hook, &v))
		return 0;	/* no selector matched: nothing happens */
	/* a return hook may still act or post at sys_exit */
	if (v.no_post && !h->ret)
		return 0;

	off = tp_stamp(r, TETRA_WIRE_POLICY, &v, nr, off);
	if (h->ret) {
		struct tp_stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };

		/* entry NoPost is kept in the record: sys_exit still runs the return actions */
		r->flags = v.no_post ? TP_REC_F_NO_POST : 0;
		if (bpf_map_update_elem(&tp_stash, &k, r, BPF_ANY))
			policy_lost();
		return 0;
	}
	tetra_emit(&r->hdr, sizeof(*r) + TP_BOUND(off, 8191), TETRA_WIRE_LOST_POLICY);
	return 0;
}

/* Does matchReturnArgs filter @i of selector @sel of hook @hook hold for return value @v? */
__noinline int tp_match_ret_arg(__u32 hook, __u32 sel, __u32 i, __u64 v)
{
	struct tp_hook *h = bpf_map_lookup_elem(&tp_hooks, &hook);

	if (!h || sel >= TP_MAX_SELECTORS || i >= TP_MAX_MATCH_ARGS)
		return 0;
	return int_op(&h->selectors[slot(sel)].ret_args[slot(i)], v);
}

/*
 * The return of a call that return hook @hook stashed at sys_enter: evaluate the
 * matchReturnArgs of the selector that matched there, act, post the record with @ret.
 */
__noinline int tp_run_return(__u32 hook, __u32 nr, __u64 ret)
{
	struct tp_stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };
	__u32 sel, action = TP_ACT_NONE, signal = 0, no_post, match = 1;
	struct tetra_wire_policy *r;
	struct tp_hook *h;
	__u64 len;

	r = bpf_map_lookup_elem(&tp_stash, &k);
	if (!r)
		return 0;
	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	/* a stale entry (the hook was replaced, the thread died in a call): drop it */
	if (!h || !h->ret || r->syscall != nr || r->hook != hook) {
		bpf_map_delete_elem(&tp_stash, &k);
		return 0;
	}
	no_post = r->flags & TP_REC_F_NO_POST;
	sel = r->selector;
	if (sel && sel <= TP_MAX_SELECTORS) {
		const struct tp_selector *ts = &h->selectors[slot(sel - 1)];

		for (__u32 i = 0; i < TP_MAX_MATCH_ARGS; i++) {
			if (i >= ts->n_ret_args)
				break;
			if (!tp_match_ret_arg(hook, sel - 1, i, ret)) {
				match = 0;
				break;
			}
		}
		if (match) {
			action = ts->ret_action;
			signal = ts->ret_signal;
			if (ts->ret_no_post)
				no_post = 1;
		}
	}
	if (!match) {
		bpf_map_delete_elem(&tp_stash, &k);
		return 0;
	}
	if (action == TP_ACT_SIGKILL)
		bpf_send_signal(9);
	else if (action == TP_ACT_SIGNAL && signal)
		bpf_send_signal(signal);
	if (!no_post) {
		r->flags = TP_REC_F_RETURN;
		r->ret = ret;
		r->ret_action = action;
		r->hdr.ktime = bpf_ktime_get_boot_ns();
		len = TP_BOUND(r->data_size, 8191);
		if (len > POLICY_DATA_MAX)
			len = POLICY_DATA_MAX;
		tetra_emit(&r->hdr, sizeof(*r) + len, TETRA_WIRE_LOST_POLICY);
	}
	bpf_map_delete_elem(&tp_stash, &k);
	return 0;
}

SEC("raw_tp/sys_enter")
int tetra_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 nr = ctx->args[1];
	struct tp_dispatch *d;

	if (nr >= TP_MAX_SYSCALLS)
		return 0;
	d = bpf_map_lookup_elem(&tp_dispatch, &nr);
	if (!d || !d->n)
		return 0;
	for (__u32 i = 0; i < TP_MAX_HOOKS_PER_NR; i++) {
		if (i >= d->n)
			break;
		tp_run_hook(ctx, d->hooks[slot(i) & (TP_MAX_HOOKS_PER_NR - 1)], nr);
	}
	return 0;
}

/*
 * Attached only while some hook has return: true. Most syscalls return here with one
 * read of the syscall number and one array lookup.
 */
SEC("raw_tp/sys_exit")
int tetra_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	__u32 nr = BPF_CORE_READ(regs, orig_ax);
	struct tp_dispatch *d;

	if (nr >= TP_MAX_SYSCALLS)
		return 0;
	d = bpf_map_lookup_elem(&tp_dispatch, &nr);
	if (!d || !d->n_ret)
		return 0;
	for (__u32 i = 0; i < TP_MAX_HOOKS_PER_NR; i++) {
		if (i >= d->n)
			break;
		tp_run_return(d->hooks[slot(i) & (TP_MAX_HOOKS_PER_NR - 1)], nr, ctx->args[1]);
	}
	return 0;
}
