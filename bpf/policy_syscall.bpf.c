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

#define POLICY_DATA_MAX (TP_MAX_ARGS * TP_ARG_DATA_MAX)

/* The record being built for the current call, and a key for string lookups. */
struct policy_scratch {
	char rec[sizeof(struct tetra_wire_policy) + 8192 + 2048];
	__u32 data_off[TP_SLOTS];	/* where each argument's bytes start in data */
	struct tp_string_key key;
	char key_slack[8];		/* masked (& 255) writes may pass the key's 252 bytes */
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
	r = (void *)s->rec;
	r->hook = hook;
	r->n_args = h->n_args;
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
	if (no_post)
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
	tetra_emit(&r->hdr, sizeof(*r) + TP_BOUND(off, 8191), TETRA_WIRE_LOST_POLICY);
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
