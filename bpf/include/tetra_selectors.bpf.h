/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Selector evaluation shared by every policy program (syscall, tracepoint, uprobe):
 * matchArgs, matchBinaries, matchPIDs, matchNamespaces and matchCapabilities against the
 * record the including program has built. Global functions, so the verifier checks each
 * once per program whatever the number of hooks.
 *
 * The including file defines first: struct policy_scratch (with rec, data_off and key),
 * and the maps policy_scratch, tp_hooks, tp_strings, tetra_binaries and tetra_counters.
 */
#ifndef TETRA_SELECTORS_BPF_H
#define TETRA_SELECTORS_BPF_H

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


/* What the first matching selector of a hook decided. */
struct tp_verdict {
	__u32 selector;		/* 1-based; 0 when the hook has no selectors */
	__u32 action;		/* TP_ACT_* */
	__u32 no_post;
};

/*
 * Evaluate @h's selectors in order (OR-ed, first match wins) and send the signal the
 * matching one asks for. Returns 0 when none matched: nothing is done or posted.
 */
static __always_inline int tp_decide(struct tp_hook *h, __u32 hook, struct tp_verdict *v)
{
	__u32 sel, signal = 0;

	v->selector = 0;
	v->action = TP_ACT_NONE;
	v->no_post = 0;
	if (h->n_selectors) {
		for (sel = 0; sel < TP_MAX_SELECTORS; sel++) {
			if (sel >= h->n_selectors)
				return 0;
			if (tp_match_selector(hook, sel))
				break;
		}
		if (sel >= TP_MAX_SELECTORS)
			return 0;
		v->action = h->selectors[slot(sel)].action;
		signal = h->selectors[slot(sel)].signal;
		v->no_post = h->selectors[slot(sel)].no_post;
		v->selector = sel + 1;
	}
	if (v->action == TP_ACT_SIGKILL)
		bpf_send_signal(9);
	else if (v->action == TP_ACT_SIGNAL && signal)
		bpf_send_signal(signal);
	return 1;
}

/* Stamp record @r of @type for the current task; returns its data size, bounded. */
static __always_inline __u32 tp_stamp(struct tetra_wire_policy *r, __u32 type,
				      const struct tp_verdict *v, __u32 nr, __u32 off)
{
	r->hdr.type = type;
	r->hdr.ktime = bpf_ktime_get_boot_ns();
	r->pid = bpf_get_current_pid_tgid() >> 32;
	r->tid = (__u32)bpf_get_current_pid_tgid();
	r->selector = v->selector;
	r->action = v->action;
	r->syscall = nr;
	if (off > POLICY_DATA_MAX)
		off = POLICY_DATA_MAX;
	r->data_size = off;
	return off;
}

#endif /* TETRA_SELECTORS_BPF_H */
