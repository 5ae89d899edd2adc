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

/*
 * An index masked in BPF assembly: the compiler cannot drop the mask because it "knows"
 * the bound, so every verifier sees it.
 */
static __always_inline __u32 slot(__u32 i)
{
	asm volatile("%[i] &= 7" : [i] "+r"(i));
	return i;
}

/* The same for lengths and offsets: @mask must be a constant. */
#define TP_BOUND(v, mask)                                                                   \
	({                                                                                  \
		__u64 __v = (v);                                                            \
		asm volatile("%[x] &= %[m]" : [x] "+r"(__v) : [m] "i"(mask));               \
		__v;                                                                        \
	})

/* A record that never reached the ring buffer (the stash was full, say). */
static __always_inline void policy_lost(void)
{
	__u32 zero = 0;
	struct tetra_counters *c = bpf_map_lookup_elem(&tetra_counters, &zero);

	if (c)
		__sync_fetch_and_add(&c->lost[TETRA_WIRE_LOST_POLICY], 1);
}

static __always_inline struct policy_scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&policy_scratch, &zero);
}

/* Look @len bytes of @str (reversed when @reverse) up among @matcher's strings. */
static __always_inline int string_in(struct policy_scratch *s, __u32 matcher, const char *str,
				     __u32 len, int exact, int reverse)
{
	__u32 n = len < TP_STR_MAX - 1 ? len : TP_STR_MAX - 1;

	if (exact && len >= TP_STR_MAX - 1)
		return 0;	/* longer than any value can be */
	n = TP_BOUND(n, 255);
	bpf_probe_read_kernel(s->key.str, n, str);
	if (reverse) {
		/* in place, so only the key's own bytes are indexed */
		for (__u32 i = 0; i < TP_STR_MAX / 2; i++) {
			char c;

			if (i >= n / 2)
				break;
			c = s->key.str[TP_BOUND(i, 255)];
			s->key.str[TP_BOUND(i, 255)] = s->key.str[TP_BOUND(n - 1 - i, 255)];
			s->key.str[TP_BOUND(n - 1 - i, 255)] = c;
		}
	}
	s->key.str[TP_BOUND(n, 255)] = '\0';
	s->key.matcher = bpf_htonl(matcher);
	/* exact: the NUL must match too, so a value cannot match a longer argument */
	s->key.prefixlen = 32 + 8 * (n + (exact ? 1 : 0));
	return bpf_map_lookup_elem(&tp_strings, &s->key) != NULL;
}

static __always_inline int string_op(struct policy_scratch *s, __u8 op, __u32 matcher,
				     const char *str, __u32 len)
{
	switch (op) {
	case TP_OP_EQUAL:
		return string_in(s, matcher, str, len, 1, 0);
	case TP_OP_NOTEQUAL:
		return !string_in(s, matcher, str, len, 1, 0);
	case TP_OP_PREFIX:
		return string_in(s, matcher, str, len, 0, 0);
	case TP_OP_NOTPREFIX:
		return !string_in(s, matcher, str, len, 0, 0);
	case TP_OP_POSTFIX:
		return string_in(s, matcher, str, len, 0, 1);
	case TP_OP_NOTPOSTFIX:
		return !string_in(s, matcher, str, len, 0, 1);
	}
	return 0;
}

static __always_inline int int_op(const struct tp_match_arg *m, __u64 v)
{
	int any = 0;

#pragma unroll
	for (int i = 0; i < TP_MAX_VALUES; i++) {
		__u64 x = m->values[i];

		if (i >= m->n_values)
			break;
		switch (m->op) {
		case TP_OP_EQUAL:
		case TP_OP_NOTEQUAL:
			any |= v == x;
			break;
		case TP_OP_GT:
			any |= (__s64)v > (__s64)x;
			break;
		case TP_OP_LT:
			any |= (__s64)v < (__s64)x;
			break;
		case TP_OP_MASK:
			any |= (v & x) != 0;
			break;
		case TP_OP_INRANGE:
		case TP_OP_NOTINRANGE:
			if (i + 1 < TP_MAX_VALUES && !(i & 1))
				any |= (__s64)v >= (__s64)x && (__s64)v <= (__s64)m->values[i + 1];
			break;
		}
	}
	if (m->op == TP_OP_NOTEQUAL || m->op == TP_OP_NOTINRANGE)
		return !any;
	return any;
}

/* Does argument filter @ma of selector @sel of hook @hook hold for the current call? */
__noinline int tp_match_arg(__u32 hook, __u32 sel, __u32 ma)
{
	struct policy_scratch *s = scratch();
	struct tetra_wire_policy *r;
	const struct tp_match_arg *m;
	struct tp_hook *h;
	__u32 arg, off;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!s || !h || sel >= TP_MAX_SELECTORS || ma >= TP_MAX_MATCH_ARGS)
		return 0;
	m = &h->selectors[slot(sel)].match_args[slot(ma)];
	arg = slot(m->arg);
	r = (void *)s->rec;
	if (!m->is_string)
		return int_op(m, r->ints[arg]);
	off = TP_BOUND(s->data_off[arg], 8191);
	return string_op(s, m->op, m->matcher, r->data + off, r->data_len[arg]);
}

/* The current task's namespace @which (TETRA_NS_* numbering) as an inode number; 0 unknown. */
static __always_inline __u32 current_ns(__u32 which)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);

	/* the same fields as tetra_read_task(), one at a time */
	switch (which) {
	case 0:	/* Uts */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, uts_ns)->ns) : 0;
	case 1:	/* Ipc */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, ipc_ns)->ns) : 0;
	case 2:	/* Mnt */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, mnt_ns)->ns) : 0;
	case 3: {	/* Pid: the namespace the task lives in */
		struct pid *tpid = BPF_CORE_READ(task, thread_pid);
		struct pid_namespace *pidns = NULL;
		unsigned int level;

		if (!tpid)
			return 0;
		level = BPF_CORE_READ(tpid, level);
		bpf_probe_read_kernel(&pidns, sizeof(pidns), &tpid->numbers[level & 31].ns);
		return pidns ? ns_inum(&pidns->ns) : 0;
	}
	case 4:	/* PidForChildren */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, pid_ns_for_children)->ns) : 0;
	case 5:	/* Net */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, net_ns)->ns) : 0;
	case 6:	/* Time */
		if (!nsp || !bpf_core_field_exists(nsp->time_ns))
			return 0;
		return ns_inum(&BPF_CORE_READ(nsp, time_ns)->ns);
	case 7:	/* TimeForChildren */
		if (!nsp || !bpf_core_field_exists(nsp->time_ns_for_children))
			return 0;
		return ns_inum(&BPF_CORE_READ(nsp, time_ns_for_children)->ns);
	case 8:	/* Cgroup */
		return nsp ? ns_inum(&BPF_CORE_READ(nsp, cgroup_ns)->ns) : 0;
	case 9:	/* User */
		return ns_inum(&BPF_CORE_READ(task, cred, user_ns)->ns);
	}
	return 0;
}

/* Does namespace filter @i of selector @sel of hook @hook hold for the current task? */
__noinline int tp_match_ns(__u32 hook, __u32 sel, __u32 i)
{
	const struct tp_ns_filter *f;
	struct tp_hook *h;
	__u32 inum;
	int in = 0;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!h || sel >= TP_MAX_SELECTORS || i >= TP_MAX_NS_FILTERS)
		return 0;
	f = &h->selectors[slot(sel)].ns[TP_BOUND(i, TP_MAX_NS_FILTERS - 1)];
	inum = current_ns(f->ns);
	if (!inum)
		return 0;	/* unknown namespace: no positive or negative match */
#pragma unroll
	for (int v = 0; v < TP_MAX_NS_VALUES; v++)
		if (v < f->n_values && f->inums[v] == inum)
			in = 1;
	return f->op == TP_OP_EQUAL ? in : !in;
}

/*
 * Does capability filter @i of selector @sel of hook @hook hold for the current task?
 * In: the set holds any of the listed capabilities; NotIn: none of them.
 */
__noinline int tp_match_caps(__u32 hook, __u32 sel, __u32 i)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	const struct cred *cred = BPF_CORE_READ(task, cred);	/* subjective, as checks use */
	const struct tp_cap_filter *f;
	struct tp_hook *h;
	__u64 caps = 0;
	int any;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!h || !cred || sel >= TP_MAX_SELECTORS || i >= TP_MAX_CAP_FILTERS)
		return 0;
	f = &h->selectors[slot(sel)].caps[TP_BOUND(i, TP_MAX_CAP_FILTERS - 1)];
	/* kernel_cap_t is 8 bytes both as u32[2] (< 6.3) and as u64 (>= 6.3) */
	switch (f->set) {
	case 0:	/* Permitted */
		bpf_probe_read_kernel(&caps, 8, &cred->cap_permitted);
		break;
	case 1:	/* Effective */
		bpf_probe_read_kernel(&caps, 8, &cred->cap_effective);
		break;
	case 2:	/* Inheritable */
		bpf_probe_read_kernel(&caps, 8, &cred->cap_inheritable);
		break;
	default:
		return 0;
	}
	any = (caps & f->mask) != 0;
	return f->op == TP_OP_EQUAL ? any : !any;
}

/* Does selector @sel of hook @hook hold for the current call? */
__noinline int tp_match_selector(__u32 hook, __u32 sel)
{
	struct policy_scratch *s = scratch();
	const struct tp_selector *ts;
	struct tp_hook *h;
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!s || !h || sel >= TP_MAX_SELECTORS)
		return 0;
	ts = &h->selectors[slot(sel)];

	if (ts->pid_op) {
		int in = 0;

#pragma unroll
		for (int i = 0; i < TP_MAX_PIDS; i++)
			if (i < ts->n_pids && ts->pids[i] == pid)
				in = 1;
		if (in != (ts->pid_op == TP_OP_EQUAL))
			return 0;
	}
	if (ts->bin_op) {
		struct tetra_binary *b = bpf_map_lookup_elem(&tetra_binaries, &pid);
		int r;

		if (!b)
			return 0;	/* unknown binary: no positive or negative match */
		r = string_op(s, ts->bin_op, ts->bin_matcher, b->path, b->len);
		if (!r)
			return 0;
	}
	for (__u32 i = 0; i < TP_MAX_NS_FILTERS; i++) {
		if (i >= ts->n_ns)
			break;
		if (!tp_match_ns(hook, sel, i))
			return 0;
	}
	for (__u32 i = 0; i < TP_MAX_CAP_FILTERS; i++) {
		if (i >= ts->n_caps)
			break;
		if (!tp_match_caps(hook, sel, i))
			return 0;
	}
	for (__u32 i = 0; i < TP_MAX_MATCH_ARGS; i++) {
		if (i >= ts->n_match_args)
			break;
		if (!tp_match_arg(hook, sel, i))
			return 0;
	}
	return 1;
}

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
	__u32 off = 0, sel = 0, action = TP_ACT_NONE, signal = 0, no_post = 0;

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

	if (h->n_selectors) {
		for (sel = 0; sel < TP_MAX_SELECTORS; sel++) {
			if (sel >= h->n_selectors)
				return 0;	/* no selector matched: nothing happens */
			if (tp_match_selector(hook, sel))
				break;
		}
		if (sel >= TP_MAX_SELECTORS)
			return 0;
		action = h->selectors[slot(sel)].action;
		signal = h->selectors[slot(sel)].signal;
		no_post = h->selectors[slot(sel)].no_post;
		sel++;
	}

	if (action == TP_ACT_SIGKILL)
		bpf_send_signal(9);
	else if (action == TP_ACT_SIGNAL && signal)
		bpf_send_signal(signal);
	/* a return hook may still act or post at sys_exit */
	if (no_post && !h->ret)
		return 0;

	r->hdr.type = TETRA_WIRE_POLICY;
	r->hdr.ktime = bpf_ktime_get_boot_ns();
	r->pid = bpf_get_current_pid_tgid() >> 32;
	r->tid = (__u32)bpf_get_current_pid_tgid();
	r->selector = sel;
	r->action = action;
	r->syscall = nr;
	if (off > POLICY_DATA_MAX)
		off = POLICY_DATA_MAX;
	r->data_size = off;
	if (h->ret) {
		struct tp_stash_key k = { .pid_tgid = bpf_get_current_pid_tgid(), .hook = hook };

		/* entry NoPost is kept in the record: sys_exit still runs the return actions */
		r->flags = no_post ? TP_REC_F_NO_POST : 0;
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
