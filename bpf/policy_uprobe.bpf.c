// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `uprobes:` hooks of TracingPolicies: one generic BPF_PROG_TYPE_KPROBE program, attached
 * once per (hook, symbol or offset) as a uprobe whose BPF cookie is the hook's slot
 * (bpf_get_attach_cookie, 5.15+). Arguments come from the probed function's registers
 * (x86_64 SysV: di, si, dx, cx, r8, r9); strings and buffers are read from user memory.
 * The selectors are the ones of syscall hooks (struct tp_selector), evaluated by the same
 * code, copied from policy_tracepoint.bpf.c: matchArgs, matchBinaries, matchPIDs,
 * matchNamespaces, matchCapabilities.
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
	__u64 regs[TP_SLOTS];		/* the probed function's 6 register arguments */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_scratch);
} policy_scratch SEC(".maps");

#include "tetra_selectors.bpf.h"

/*
 * The probed call's register arguments, copied into @s with constant context offsets
 * (the verifier refuses context reads at computed offsets); index with slot().
 */
static __always_inline void save_regs(struct policy_scratch *s, struct pt_regs *regs)
{
	s->regs[0] = PT_REGS_PARM1(regs);
	s->regs[1] = PT_REGS_PARM2(regs);
	s->regs[2] = PT_REGS_PARM3(regs);
	s->regs[3] = PT_REGS_PARM4(regs);
	s->regs[4] = PT_REGS_PARM5(regs);
	s->regs[5] = regs->r9;	/* PT_REGS_PARM6 is missing from older libbpf */
	s->regs[6] = 0;
	s->regs[7] = 0;
}

/* Copy user string/buffer argument @i into the record at @off; returns the bytes stored. */
static __always_inline __u32 read_user_data(struct policy_scratch *s, struct tetra_wire_policy *r,
					    __u32 i, __u32 off, const struct tp_arg *a, __u64 v)
{
	char *dst = r->data + TP_BOUND(off, 8191);
	__u32 max = a->max_bytes, len;
	long n;

	if (max > TP_ARG_DATA_MAX)
		max = TP_ARG_DATA_MAX;
	if (a->type == TP_ARG_STRING) {
		n = bpf_probe_read_user_str(dst, TP_BOUND(max, 2047), (void *)v);
		if (n <= 0)
			return 0;
		r->truncated[slot(i)] = n == max;
		return n - 1;
	}
	if (!a->size_src)
		return 0;
	len = (__u32)s->regs[slot(a->size_src - 1)];
	if ((__s32)len <= 0)
		return 0;
	if (len > max) {
		len = max;
		r->truncated[slot(i)] = 1;
	}
	len = TP_BOUND(len, 2047);
	if (bpf_probe_read_user(dst, len, (void *)v))
		return 0;
	return len;
}

/* Collect hook @hook's arguments from @regs, evaluate its selectors, act. */
static __always_inline int up_run_hook(struct pt_regs *regs, __u32 hook)
{
	struct policy_scratch *s = scratch();
	struct tetra_wire_policy *r;
	struct tp_hook *h;
	struct tp_verdict v;
	__u32 off = 0;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	if (!s || !h)
		return 0;
	r = (void *)s->rec;
	save_regs(s, regs);
	r->hook = hook;
	r->n_args = h->n_args;
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
		v = s->regs[slot(a->src)];
		if (a->type == TP_ARG_INT)
			v = (__u64)(__s64)(__s32)v;
		else if (a->type == TP_ARG_UINT32)
			v = (__u32)v;
		r->ints[i] = v;
		if (a->type == TP_ARG_STRING || a->type == TP_ARG_CHAR_BUF) {
			__u32 n = read_user_data(s, r, i, off, a, v);

			r->data_len[i] = n;
			off += n + 1;	/* keep a NUL between arguments */
			r->data[TP_BOUND(off - 1, 8191)] = '\0';
		}
		if (off > POLICY_DATA_MAX - TP_ARG_DATA_MAX - 1)
			off = POLICY_DATA_MAX - TP_ARG_DATA_MAX - 1;
	}

	if (!tp_decide(h, hook, &v))
		return 0;	/* no selector matched: nothing happens */
	if (v.no_post)
		return 0;

	off = tp_stamp(r, TETRA_WIRE_UPROBE, &v, 0, off);
	tetra_emit(&r->hdr, sizeof(*r) + TP_BOUND(off, 8191), TETRA_WIRE_LOST_POLICY);
	return 0;
}

/* Attached as uprobes whose cookie is the hook's slot; never auto-attached. */
SEC("uprobe")
int tetra_uprobe(struct pt_regs *regs)
{
	__u64 hook = bpf_get_attach_cookie(regs);

	if (hook >= TP_MAX_HOOKS)
		return 0;
	return up_run_hook(regs, (__u32)hook);
}
