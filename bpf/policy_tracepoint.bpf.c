// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `tracepoints:` hooks of TracingPolicies: one generic BPF_PROG_TYPE_TRACEPOINT program,
 * attached once per hooked tracepoint through a perf event link whose BPF cookie is the
 * hook's slot (bpf_get_attach_cookie, 5.15+). Each slot says where the hook's arguments
 * live in the tracepoint record (offset/size from the event's tracefs format file); the
 * selectors are the ones of syscall hooks (struct tp_selector), evaluated by the same
 * code, copied from policy_syscall.bpf.c: matchArgs, matchBinaries, matchPIDs,
 * matchNamespaces, matchCapabilities.
 */
#include "tetra_bpf.h"
#include "tetra_policy_wire.h"
#include "tetra_tracepoint_wire.h"

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

/* Where each hook's arguments are in its tracepoint's record. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TP_MAX_HOOKS);
	__type(key, __u32);
	__type(value, struct tpt_fields);
} tpt_fields SEC(".maps");

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
	char path[TETRA_WIRE_PATH_MAX + 256];	/* fd arguments: the path, built backwards */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct policy_scratch);
} policy_scratch SEC(".maps");

#include "tetra_selectors.bpf.h"

/* Integer field @f of the record at @base, sign-extended when the field is signed. */
static __always_inline __u64 read_num(__u64 base, const struct tpt_field *f)
{
	void *src = (void *)(base + TP_BOUND(f->off, TPT_REC_MASK));
	__u32 size = f->size;
	__u64 v = 0;

	/* constant sizes: older verifiers lose the bound of a variable one */
	switch (size) {
	case 1:
		bpf_probe_read_kernel(&v, 1, src);
		break;
	case 2:
		bpf_probe_read_kernel(&v, 2, src);
		break;
	case 4:
		bpf_probe_read_kernel(&v, 4, src);
		break;
	default:
		bpf_probe_read_kernel(&v, 8, src);
		break;
	}
	if (!f->is_signed)
		return v;
	switch (size) {
	case 1:
		return (__u64)(__s64)(__s8)v;
	case 2:
		return (__u64)(__s64)(__s16)v;
	case 4:
		return (__u64)(__s64)(__s32)v;
	}
	return v;
}

/* Copy string/buffer field @f into the record at @off; returns the bytes stored. */
static __always_inline __u32 read_field_data(struct tetra_wire_policy *r, __u32 i, __u32 off,
					     __u64 base, const struct tpt_field *f,
					     const struct tp_arg *a, __u64 v)
{
	char *dst = r->data + TP_BOUND(off, 8191);
	__u32 max = a->max_bytes, len;
	const void *src;
	long n;

	if (max > TP_ARG_DATA_MAX)
		max = TP_ARG_DATA_MAX;
	switch (f->kind) {
	case TPT_FIELD_DATA_LOC:
		src = (void *)(base + TP_BOUND(v & 0xffff, TPT_REC_MASK));
		len = (v >> 16) & 0xffff;
		break;
	case TPT_FIELD_ARRAY:
		src = (void *)(base + TP_BOUND(f->off, TPT_REC_MASK));
		len = f->size;
		break;
	case TPT_FIELD_USER_STR:
		n = bpf_probe_read_user_str(dst, TP_BOUND(max, 2047), (void *)v);
		if (n <= 0)
			return 0;
		r->truncated[slot(i)] = n == max;
		return n - 1;
	default:
		return 0;
	}
	if (len > max) {
		len = max;
		r->truncated[slot(i)] = 1;
	}
	len = TP_BOUND(len, 2047);
	if (a->type == TP_ARG_STRING) {
		n = bpf_probe_read_kernel_str(dst, len, src);
		if (n <= 0)
			return 0;
		return n - 1;
	}
	if (bpf_probe_read_kernel(dst, len, src))
		return 0;
	return len;
}

/* Collect hook @hook's arguments from the record at @base, evaluate its selectors, act. */
static __always_inline int tpt_run_hook(__u64 base, __u32 hook)
{
	struct policy_scratch *s = scratch();
	struct tetra_wire_policy *r;
	struct tpt_fields *fs;
	struct tp_hook *h;
	struct tp_verdict v;
	__u32 off = 0;

	h = bpf_map_lookup_elem(&tp_hooks, &hook);
	fs = bpf_map_lookup_elem(&tpt_fields, &hook);
	if (!s || !h || !fs)
		return 0;
	r = (void *)s->rec;
	r->hook = hook;
	r->n_args = h->n_args;
#pragma unroll
	for (__u32 i = 0; i < TP_MAX_ARGS; i++) {
		const struct tp_arg *a = &h->args[i & (TP_SLOTS - 1)];
		const struct tpt_field *f = &fs->f[i & (TP_SLOTS - 1)];
		__u64 v;

		r->ints[i] = 0;
		r->data_len[i] = 0;
		r->truncated[i] = 0;
		s->data_off[i] = off;
		if (i >= h->n_args)
			continue;
		if (f->kind == TPT_FIELD_ARRAY) {
			v = 0;
		} else {
			struct tpt_field nf = *f;

			if (f->kind == TPT_FIELD_DATA_LOC) {
				nf.size = 4;
				nf.is_signed = 0;
			} else if (f->kind == TPT_FIELD_USER_STR) {
				nf.size = 8;
				nf.is_signed = 0;
			}
			v = read_num(base, &nf);
		}
		r->ints[i] = v;
		if (f->is_string) {
			__u32 n = read_field_data(r, i, off, base, f, a, v);

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

	off = tp_stamp(r, TETRA_WIRE_TRACEPOINT, &v, 0, off);
	tetra_emit(&r->hdr, sizeof(*r) + TP_BOUND(off, 8191), TETRA_WIRE_LOST_POLICY);
	return 0;
}

/* Attached through perf event links whose cookie is the hook's slot. */
SEC("tracepoint")
int tetra_tracepoint(void *ctx)
{
	__u64 hook = bpf_get_attach_cookie(ctx);

	if (hook >= TP_MAX_HOOKS)
		return 0;
	return tpt_run_hook((__u64)ctx, (__u32)hook);
}
