/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Compiled policies as the BPF side reads them, and the records it emits on a match.
 * Private to libtetra: lib/policy_compile.c writes these from the policy AST.
 */
#ifndef TETRA_POLICY_WIRE_H
#define TETRA_POLICY_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Tetragon's limits, which the parser enforces before anything reaches the kernel. */
#define TP_MAX_HOOKS		64	/* syscall hooks of all policies in one context */
#define TP_MAX_HOOKS_PER_NR	4	/* hooks on one syscall number */
#define TP_MAX_SYSCALLS		512	/* syscall numbers dispatched */
#define TP_MAX_ARGS		5
#define TP_MAX_SELECTORS	5
#define TP_MAX_MATCH_ARGS	5
#define TP_MAX_VALUES		4	/* integer values per matchArgs */
#define TP_MAX_PIDS		4
#define TP_MAX_NS_FILTERS	2	/* matchNamespaces filters per selector */
#define TP_MAX_NS_VALUES	4	/* inode numbers per matchNamespaces filter */
#define TP_MAX_CAP_FILTERS	2	/* matchCapabilities filters per selector */
/*
 * Arrays indexed in the kernel have a power-of-two number of slots, so an index masked
 * with (TP_SLOTS - 1) is provably in bounds even for verifiers that lose track of it
 * (6.1 does through 32-bit stack spills); the limits above still apply.
 */
#define TP_SLOTS		8
#define TP_STR_MAX		252	/* bytes of a string key: LPM tries hold at most 256 */
#define TP_ARG_DATA_MAX		1024	/* bytes of a string/buffer argument reported */
#define TP_DATA_MAX		(TP_MAX_ARGS * TP_ARG_DATA_MAX)	/* data[] of one record */
#define TP_STASH_ENTRIES	8192	/* calls of return hooks in flight */

/* Argument types as the kernel side reads them. */
#define TP_ARG_NONE		0
#define TP_ARG_INT		1	/* 32-bit signed */
#define TP_ARG_UINT32		2
#define TP_ARG_INT64		3
#define TP_ARG_UINT64		4	/* also size_t, long as unsigned view */
#define TP_ARG_LONG		5	/* 64-bit signed */
#define TP_ARG_STRING		6	/* NUL-terminated user string (also filename) */
#define TP_ARG_CHAR_BUF		7	/* user buffer, length from another argument */
#define TP_ARG_FD		8	/* file descriptor, reported with its path */

/* Operators evaluated in the kernel. */
#define TP_OP_EQUAL		1
#define TP_OP_NOTEQUAL		2
#define TP_OP_PREFIX		3
#define TP_OP_NOTPREFIX		4
#define TP_OP_POSTFIX		5
#define TP_OP_NOTPOSTFIX	6
#define TP_OP_GT		7
#define TP_OP_LT		8
#define TP_OP_MASK		9
#define TP_OP_INRANGE		10
#define TP_OP_NOTINRANGE	11

/* What a matching selector does in the kernel, besides posting unless no_post. */
#define TP_ACT_NONE		0
#define TP_ACT_SIGKILL		1
#define TP_ACT_SIGNAL		2

struct tp_arg {
	__u8 src;		/* syscall argument number, 0-5 */
	__u8 type;		/* TP_ARG_* */
	__u8 size_src;		/* CHAR_BUF: 1 + the syscall argument holding the size; 0 none */
	__u8 __pad;
	__u32 max_bytes;	/* bytes to copy, <= TP_ARG_DATA_MAX */
};

struct tp_match_arg {
	__u8 arg;		/* index into tp_hook.args */
	__u8 op;		/* TP_OP_* */
	__u8 n_values;		/* integer values, or string values present in the trie */
	__u8 is_string;
	__u32 matcher;		/* key prefix of this matcher's strings in tp_strings */
	__u64 values[TP_MAX_VALUES];	/* for ranges: [lo, hi] pairs */
};

/* matchNamespaces: the current task's namespace @ns is (In) / is not (NotIn) one of inums. */
struct tp_ns_filter {
	__u8 ns;		/* TETRA_NS_* (Uts 0 ... User 9) */
	__u8 op;		/* TP_OP_EQUAL (In) / TP_OP_NOTEQUAL (NotIn) */
	__u8 n_values;
	__u8 __pad;
	__u32 inums[TP_MAX_NS_VALUES];	/* host_ns already resolved by user space */
};

/* matchCapabilities: In when the task's set @set holds any cap of @mask, NotIn when none. */
struct tp_cap_filter {
	__u8 set;		/* TETRA_CAPS_* (Permitted 0, Effective 1, Inheritable 2) */
	__u8 op;		/* TP_OP_EQUAL (In) / TP_OP_NOTEQUAL (NotIn) */
	__u8 __pad[6];
	__u64 mask;		/* 1 << CAP_* */
};

struct tp_selector {
	__u8 n_match_args;
	__u8 bin_op;		/* 0: no matchBinaries; else TP_OP_EQUAL/NOTEQUAL/PREFIX/... */
	__u8 pid_op;		/* 0: no matchPIDs; else TP_OP_EQUAL (In) / TP_OP_NOTEQUAL */
	__u8 n_pids;
	__u8 action;		/* TP_ACT_* */
	__u8 signal;		/* TP_ACT_SIGNAL */
	__u8 no_post;		/* NoPost: act silently */
	__u8 __pad;
	__u32 bin_matcher;	/* key prefix of this selector's binaries in tp_strings */
	__u32 pids[TP_MAX_PIDS];
	struct tp_match_arg match_args[TP_SLOTS];
	/* matchNamespaces and matchCapabilities, AND-ed with the filters above */
	__u8 n_ns;		/* filters in ns[] */
	__u8 n_caps;		/* filters in caps[] */
	__u8 __pad2[6];
	struct tp_ns_filter ns[TP_MAX_NS_FILTERS];
	struct tp_cap_filter caps[TP_MAX_CAP_FILTERS];
	/* return probes: matchReturnArgs on the return value, then matchReturnActions */
	__u8 n_ret_args;
	__u8 ret_action;	/* TP_ACT_* */
	__u8 ret_signal;
	__u8 ret_no_post;	/* NoPost in matchReturnActions */
	__u32 __pad3;
	struct tp_match_arg ret_args[TP_SLOTS];	/* .arg unused: the return value */
};

struct tp_hook {
	__u32 id;		/* index in tp_hooks, echoed in events */
	__u32 n_args;
	__u32 n_selectors;	/* 0: every call matches and is posted */
	__u8 ret;		/* return: true: stashed at sys_enter, posted at sys_exit */
	__u8 __pad[3];
	struct tp_arg args[TP_SLOTS];
	struct tp_selector selectors[TP_SLOTS];
};

/* Which hooks want a syscall number. */
struct tp_dispatch {
	__u32 n;
	__u32 hooks[TP_MAX_HOOKS_PER_NR];
	__u32 n_ret;		/* of those, hooks with return: true: sys_exit looks */
};

/* The stash of a return hook's record between sys_enter and sys_exit (LRU hash key). */
struct tp_stash_key {
	__u64 pid_tgid;
	__u32 hook;
	__u32 __pad;
};

/*
 * String matchers share one LPM trie: the key is the matcher id followed by the string,
 * so Prefix is a longest-prefix lookup and Equal the same including the final NUL.
 * Postfix values are stored reversed and looked up with the reversed argument.
 */
struct tp_string_key {
	__u32 prefixlen;	/* bits: 32 for the matcher, then 8 per byte */
	__u32 matcher;		/* big-endian so the trie compares it first */
	char str[TP_STR_MAX];
};

/* The record a matched hook emits, followed by its string/buffer data. */
struct tetra_wire_policy {
	struct tetra_wire_hdr hdr;
	__u32 pid;
	__u32 tid;
	__u32 hook;
	__u32 selector;		/* 1-based; 0 when the hook has no selectors */
	__u32 action;		/* TP_ACT_* taken */
	__u32 syscall;		/* the syscall number that ran */
	__u32 n_args;
	__u32 flags;		/* TP_REC_F_* */
	__u32 ret_action;	/* TP_ACT_* taken at return (TP_REC_F_RETURN) */
	__u32 data_size;	/* bytes used in data[] */
	__s64 ret;		/* the syscall's return value (TP_REC_F_RETURN) */
	__u64 ints[TP_SLOTS];	/* integer value, or the fd number of TP_ARG_FD */
	__u16 data_len[TP_SLOTS];	/* bytes of this argument in data[] */
	__u8 truncated[TP_SLOTS];
	char data[];
};

#define TP_REC_F_RETURN		(1u << 0)	/* posted at sys_exit, ret is valid */
#define TP_REC_F_NO_POST	(1u << 1)	/* in the stash: the entry selector said NoPost */

#endif /* TETRA_POLICY_WIRE_H */
