// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The policy plan: before anything is attached, which mechanism each hook of a policy
 * gets on this kernel (DESIGN.md §3, docs/plan.md), how each action will be carried
 * out, and why not where it cannot be.
 *
 * A plan describes this library's runtime, not the kernel's possibilities: a mechanism
 * the kernel offers but the runtime does not implement yet is reported with
 * -TETRA_E_NOT_SUPPORTED, and so is every policy feature the runtime's mechanism cannot
 * carry out (bpf/policy_syscall.bpf.c and bpf/include/tetra_policy_wire.h say what it
 * can). When the runtime learns something new, the tables below learn it too.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "plan.h"
#include "policy.h"
#include "policy_runtime.h"
#include "syscalls.h"

/*
 * What the syscall tracepoint runtime holds (tetra_policy_wire.h, policy_compile.c):
 * string values live in a 256-byte LPM key with room for the final NUL, so at most 254
 * bytes; integer filters hold 4 values, and InRange takes two per value (2 ranges);
 * one matchPIDs filter per selector; 1024 bytes per argument; syscall numbers below 512.
 */
#define SYS_STR_MAX		254
#define SYS_MAX_RANGES		2
#define SYS_MAX_PID_FILTERS	1
#define SYS_MAX_NS_FILTERS	2	/* TP_MAX_NS_FILTERS */
#define SYS_MAX_NS_VALUES	4	/* TP_MAX_NS_VALUES */
#define SYS_MAX_CAP_FILTERS	2	/* TP_MAX_CAP_FILTERS */
#define SYS_ARG_DATA_MAX	1024
#define SYS_NR_ARGS		6	/* syscall arguments */
#define SYS_MAX_NR		512

static const char *const mech_names[TETRA_MECH_COUNT] = {
	[TETRA_MECH_NONE] = "none",
	[TETRA_MECH_SYSCALL_TRACEPOINT] = "syscall_tracepoint",
	[TETRA_MECH_TRACEPOINT] = "tracepoint",
	[TETRA_MECH_RAW_TRACEPOINT] = "raw_tracepoint",
	[TETRA_MECH_UPROBE] = "uprobe",
	[TETRA_MECH_KPROBE] = "kprobe",
	[TETRA_MECH_FENTRY] = "fentry",
	[TETRA_MECH_LSM] = "lsm",
	[TETRA_MECH_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
};

/* x86-64 and generic Linux numbering, for readable texts; others print as numbers. */
static const char *const signal_names[32] = {
	[1] = "SIGHUP",	    [2] = "SIGINT",	[3] = "SIGQUIT",   [4] = "SIGILL",
	[5] = "SIGTRAP",    [6] = "SIGABRT",	[7] = "SIGBUS",	   [8] = "SIGFPE",
	[9] = "SIGKILL",    [10] = "SIGUSR1",	[11] = "SIGSEGV",  [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",	[15] = "SIGTERM",  [16] = "SIGSTKFLT",
	[17] = "SIGCHLD",   [18] = "SIGCONT",	[19] = "SIGSTOP",  [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU",	[23] = "SIGURG",   [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF",  [28] = "SIGWINCH",
	[29] = "SIGIO",	    [30] = "SIGPWR",	[31] = "SIGSYS",
};

/* The filters of a selector the syscall tracepoint runtime does not evaluate. */
static const uint32_t sys_unsupported_filters[] = {
	TETRA_FILTER_MATCH_NAMESPACE_CHANGES,
	TETRA_FILTER_MATCH_CAPABILITY_CHANGES,
};

#define SYS_NOT_YET "not supported by the syscall tracepoint mechanism yet"

struct builder {
	struct tetra_features f;	/* full size; missing past the caller's sz */
	uint32_t flags;
	const struct tetra_policy *p;
	struct tetra_plan *plan;
	const struct tetra__policy_hook *h;	/* the hook being planned */
	struct tetra__plan_hook *ph;
	char field[64];			/* "kprobes[0]" */
	int err;			/* -ENOMEM, sticky */
};

/* ---- small helpers ------------------------------------------------------------------ */

__attribute__((format(printf, 2, 3)))
static char *bprintf(struct builder *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -ENOMEM;
		return NULL;
	}
	return s;
}

/* Grow *@arr (of *@nr elements of @size bytes) by one zeroed element. */
static void *push(struct builder *b, void *arr, uint32_t *nr, size_t size)
{
	void **a = arr;
	uint32_t n = *nr;
	char *p;

	/* capacity: the next power of two, so growing one by one stays linear */
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? (size_t)n * 2 : 1;

		p = realloc(*a, cap * size);
		if (!p) {
			b->err = -ENOMEM;
			return NULL;
		}
		*a = p;
	}
	p = (char *)*a + (size_t)n * size;
	memset(p, 0, size);
	(*nr)++;
	return p;
}

static int has(const struct builder *b, unsigned int bit)
{
	return !!(b->f.available & (UINT64_C(1) << bit));
}

/* "kprobe: No such file or directory" for a missing feature. */
static const char *why_missing(const struct builder *b, unsigned int bit)
{
	int32_t e = b->f.error[bit];

	return e ? tetra_strerror(e) : "not available";
}

/*
 * Append "name: why" for each missing feature of @bits to @buf (comma-separated). Returns
 * how many were missing.
 */
static int list_missing(const struct builder *b, char *buf, size_t len, const unsigned int *bits,
			size_t n)
{
	size_t used = strlen(buf);
	int missing = 0;

	for (size_t i = 0; i < n; i++) {
		if (has(b, bits[i]))
			continue;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s: %s",
						 missing ? ", " : "", tetra_feature_name(bits[i]),
						 why_missing(b, bits[i]));
		missing++;
	}
	return missing;
}

static const char *signal_name(uint32_t sig, char *buf, size_t len)
{
	if (sig < TETRA_ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	snprintf(buf, len, "signal %u", sig);
	return buf;
}

static const char *action_name(uint32_t action)
{
	const char *s = tetra_policy_action_name(action);

	return s ? s : "unknown action";
}

__attribute__((format(printf, 4, 5)))
static void add_problem_err(struct builder *b, int32_t error, const char *field,
			    const char *fmt, ...)
{
	struct tetra__plan_problem *pr;
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = -ENOMEM;
		return;
	}
	pr = push(b, &b->ph->problems, &b->ph->nr_problems, sizeof(*pr));
	if (pr) {
		pr->error = error;
		pr->text = bprintf(b, "%s: %s", field, msg);
	}
	free(msg);
}

#define add_problem(b, field, ...) add_problem_err(b, -TETRA_E_NOT_SUPPORTED, field, __VA_ARGS__)

static struct tetra__plan_action *add_action(struct builder *b, uint32_t sel, uint32_t list,
					     uint32_t pos, uint32_t action)
{
	struct tetra__plan_action *a;

	a = push(b, &b->ph->actions, &b->ph->nr_actions, sizeof(*a));
	if (!a)
		return NULL;
	a->selector = sel;
	a->list = list;
	a->pos = pos;
	a->action = action;
	if (sel == TETRA_PLAN_NO_SELECTOR)
		a->field = bprintf(b, "%s", b->field);
	else if (pos == TETRA_PLAN_NO_SELECTOR)
		a->field = bprintf(b, "%s.selectors[%u]", b->field, sel);
	else
		a->field = bprintf(b, "%s.selectors[%u].%s[%u]", b->field, sel,
				   list == TETRA_SELECTOR_ACTIONS ? "matchActions"
								  : "matchReturnActions",
				   pos);
	return a;
}

__attribute__((format(printf, 3, 4)))
static void action_fail(struct builder *b, struct tetra__plan_action *a, const char *fmt, ...)
{
	va_list ap;

	free(a->how);
	a->how = NULL;
	va_start(ap, fmt);
	if (vasprintf(&a->how, fmt, ap) < 0) {
		a->how = NULL;
		b->err = -ENOMEM;
	}
	va_end(ap);
	a->error = -TETRA_E_NOT_SUPPORTED;
	a->effective = 0;
	a->signal = 0;
}

/* ---- mechanisms --------------------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void set_mech(struct builder *b, uint32_t mech, int32_t error, const char *fmt, ...)
{
	va_list ap;
	char *s;

	b->ph->mechanism = mech;
	b->ph->error = error;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		b->err = -ENOMEM;
	}
	va_end(ap);
	b->ph->reason = s;
}

/* `kprobes[0] "sys_execve"`, the start of every reason. */
static void hook_label(const struct builder *b, char *buf, size_t len)
{
	const struct tetra__policy_hook *h = b->h;

	if (h->kind == TETRA_HOOK_TRACEPOINT)
		snprintf(buf, len, "%s \"%s/%s\"", b->field, h->call ? h->call : "",
			 h->event ? h->event : "");
	else
		snprintf(buf, len, "%s \"%s\"", b->field, h->call ? h->call : "");
}

static void plan_syscall(struct builder *b, const char *label)
{
	static const unsigned int tp_bits[] = { TETRA_FEATURE_RAW_TP, TETRA_FEATURE_BTF,
						TETRA_FEATURE_RINGBUF };
	static const unsigned int alt_bits[] = { TETRA_FEATURE_KPROBE, TETRA_FEATURE_FENTRY };
	char tp_missing[512] = "", alt_missing[512] = "";
	int tp_ok = !list_missing(b, tp_missing, sizeof(tp_missing), tp_bits, 3);
	int alt = 2 - list_missing(b, alt_missing, sizeof(alt_missing), alt_bits, 2);

	if (tp_ok) {
		/* The runtime implements syscall hooks through the tracepoint only. */
		if (alt == 2)
			set_mech(b, TETRA_MECH_SYSCALL_TRACEPOINT, 0,
				 "%s: syscall tracepoint (raw sys_enter, dispatched by syscall "
				 "number); kprobe and fentry are available, but this libtetra "
				 "version implements syscall hooks through the syscall tracepoint "
				 "only", label);
		else if (alt == 1)
			set_mech(b, TETRA_MECH_SYSCALL_TRACEPOINT, 0,
				 "%s: syscall tracepoint (raw sys_enter, dispatched by syscall "
				 "number); %s is available, but this libtetra version implements "
				 "syscall hooks through the syscall tracepoint only (%s)", label,
				 has(b, TETRA_FEATURE_FENTRY) ? "fentry" : "kprobe", alt_missing);
		else
			set_mech(b, TETRA_MECH_SYSCALL_TRACEPOINT, 0,
				 "%s: syscall tracepoint (raw sys_enter, dispatched by syscall "
				 "number); this kernel allows neither kprobe nor fentry (%s)",
				 label, alt_missing);
	} else if (alt) {
		int fentry = has(b, TETRA_FEATURE_FENTRY);

		set_mech(b, fentry ? TETRA_MECH_FENTRY : TETRA_MECH_KPROBE, -TETRA_E_NOT_SUPPORTED,
			 "%s: syscall hooks through %s are not implemented in this libtetra "
			 "version, and the syscall tracepoint it implements cannot be used on "
			 "this kernel (%s)", label, fentry ? "fentry" : "kprobe", tp_missing);
	} else {
		set_mech(b, TETRA_MECH_NONE, -TETRA_E_NOT_SUPPORTED,
			 "%s: syscall hooks need the syscall tracepoint (raw_tp with kernel BTF "
			 "and a ring buffer), kprobe or fentry; this kernel allows none of them "
			 "(%s, %s)", label, tp_missing, alt_missing);
	}
}

static void plan_kernel_function(struct builder *b, const char *label)
{
	static const unsigned int bits[] = { TETRA_FEATURE_KPROBE, TETRA_FEATURE_FENTRY };
	char missing[512] = "";

	list_missing(b, missing, sizeof(missing), bits, 2);
	if (has(b, TETRA_FEATURE_FENTRY))
		set_mech(b, TETRA_MECH_FENTRY, -TETRA_E_NOT_SUPPORTED,
			 "%s: kernel function hooks through fentry are not implemented in this "
			 "libtetra version (this kernel allows fentry)", label);
	else if (has(b, TETRA_FEATURE_KPROBE))
		set_mech(b, TETRA_MECH_KPROBE, -TETRA_E_NOT_SUPPORTED,
			 "%s: kernel function hooks through kprobe are not implemented in this "
			 "libtetra version (this kernel allows kprobe; %s)", label, missing);
	else
		set_mech(b, TETRA_MECH_NONE, -TETRA_E_NOT_SUPPORTED,
			 "%s: kernel function hooks need kprobe or fentry; this kernel allows "
			 "neither (%s)", label, missing);
}

/* A mechanism that needs one feature and is not implemented yet. */
static void plan_unimplemented(struct builder *b, const char *label, uint32_t mech,
			       unsigned int bit, const char *what)
{
	char missing[256] = "";

	if (has(b, bit)) {
		set_mech(b, mech, -TETRA_E_NOT_SUPPORTED,
			 "%s: %s hooks are not implemented in this libtetra version (this kernel "
			 "allows %s)", label, what, tetra_feature_name(bit));
	} else {
		list_missing(b, missing, sizeof(missing), &bit, 1);
		set_mech(b, TETRA_MECH_NONE, -TETRA_E_NOT_SUPPORTED,
			 "%s: %s hooks need %s; this kernel does not allow them (%s)", label,
			 what, tetra_feature_name(bit), missing);
	}
}

static void plan_lsm(struct builder *b, const char *label)
{
	static const unsigned int bits[] = { TETRA_FEATURE_LSM_ACTIVE, TETRA_FEATURE_LSM_LOADABLE };
	char missing[512] = "";

	if (!list_missing(b, missing, sizeof(missing), bits, 2))
		set_mech(b, TETRA_MECH_LSM, -TETRA_E_NOT_SUPPORTED,
			 "%s: LSM hooks through BPF LSM are not implemented in this libtetra "
			 "version (this kernel allows BPF LSM)", label);
	else
		set_mech(b, TETRA_MECH_NONE, -TETRA_E_NOT_SUPPORTED,
			 "%s: LSM hooks need BPF LSM (\"bpf\" in the active LSM list and BPF LSM "
			 "programs allowed); this kernel does not offer it (%s)", label, missing);
}

static void plan_mechanism(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	char label[384];

	hook_label(b, label, sizeof(label));
	switch (h->kind) {
	case TETRA_HOOK_KPROBE:
		if (h->flags & TETRA_HOOK_F_SYSCALL)
			plan_syscall(b, label);
		else
			plan_kernel_function(b, label);
		break;
	case TETRA_HOOK_TRACEPOINT:
		if (h->flags & TETRA_HOOK_F_RAW)
			plan_unimplemented(b, label, TETRA_MECH_RAW_TRACEPOINT,
					   TETRA_FEATURE_RAW_TP, "raw tracepoint");
		else if (has(b, TETRA_FEATURE_TRACEPOINT))
			set_mech(b, TETRA_MECH_TRACEPOINT, 0,
				 "%s: tracepoint (perf event link with the hook in its BPF "
				 "cookie; arguments read at the offsets of the event's tracefs "
				 "format; selectors: matchArgs, matchBinaries, matchPIDs, "
				 "matchNamespaces, matchCapabilities)", label);
		else
			plan_unimplemented(b, label, TETRA_MECH_TRACEPOINT,
					   TETRA_FEATURE_TRACEPOINT, "tracepoint");
		break;
	case TETRA_HOOK_UPROBE:
		if (has(b, TETRA_FEATURE_UPROBE))
			set_mech(b, TETRA_MECH_UPROBE, 0,
				 "%s: uprobe (one link per symbol or offset with the hook in its "
				 "BPF cookie; arguments read from the function's registers; "
				 "selectors: matchArgs, matchBinaries, matchPIDs, matchNamespaces, "
				 "matchCapabilities)", label);
		else
			plan_unimplemented(b, label, TETRA_MECH_UPROBE, TETRA_FEATURE_UPROBE,
					   "uprobe");
		break;
	case TETRA_HOOK_LSM:
		plan_lsm(b, label);
		break;
	default:
		set_mech(b, TETRA_MECH_NONE, -TETRA_E_NOT_SUPPORTED, "%s: unknown hook kind %u",
			 label, h->kind);
		break;
	}
}

/* ---- what the syscall tracepoint runtime can do ------------------------------------ */

static int sys_arg_type_ok(uint32_t type)
{
	switch (type) {
	case TETRA_ARG_INT:
	case TETRA_ARG_INT8:
	case TETRA_ARG_UINT8:
	case TETRA_ARG_INT16:
	case TETRA_ARG_UINT16:
	case TETRA_ARG_INT32:
	case TETRA_ARG_UINT32:
	case TETRA_ARG_INT64:
	case TETRA_ARG_UINT64:
	case TETRA_ARG_SIZE_T:
	case TETRA_ARG_STRING:
	case TETRA_ARG_FILENAME:
	case TETRA_ARG_CHAR_BUF:
	case TETRA_ARG_FD:	/* resolved to the open file's path in the kernel */
		return 1;
	}
	return 0;
}

static int is_string_type(uint32_t type)
{
	return type == TETRA_ARG_STRING || type == TETRA_ARG_FILENAME ||
	       type == TETRA_ARG_CHAR_BUF || type == TETRA_ARG_FD;
}

static int sys_string_op_ok(uint32_t op)
{
	return op >= TETRA_OP_EQUAL && op <= TETRA_OP_NOT_POSTFIX;
}

static int sys_int_op_ok(uint32_t op)
{
	switch (op) {
	case TETRA_OP_EQUAL:
	case TETRA_OP_NOT_EQUAL:
	case TETRA_OP_GT:
	case TETRA_OP_LT:
	case TETRA_OP_MASK:
	case TETRA_OP_IN_RANGE:
	case TETRA_OP_NOT_IN_RANGE:
		return 1;
	}
	return 0;
}

static const char *op_name(uint32_t op)
{
	const char *s = tetra_policy_op_name(op);

	return s ? s : "unknown";
}

static const char *arg_type_name(uint32_t type)
{
	const char *s = tetra_policy_arg_type_name(type);

	return s ? s : "unknown";
}

static void check_sys_call(struct builder *b, const char *field, const char *name)
{
	int nr;

	/* As the runtime does: with ignore.callNotFound a missing syscall is skipped. */
	if (b->h->flags & TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND)
		return;
	nr = tetra__syscall_nr(name);
	if (nr < 0)
		add_problem_err(b, -ENOENT, field, "unknown syscall \"%s\" on this architecture",
				name);
	else if (nr >= SYS_MAX_NR)
		add_problem(b, field,
			    "syscall \"%s\" has number %d; the syscall tracepoint mechanism "
			    "dispatches numbers below %d only", name, nr, SYS_MAX_NR);
}

/* The syscalls a hook names: its call, or the values of its syscalls list. */
static void check_sys_calls(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	const struct tetra__policy_list *l;
	char field[128];

	if (h->list < 0) {
		snprintf(field, sizeof(field), "%s.call", b->field);
		check_sys_call(b, field, h->call ? h->call : "");
		return;
	}
	l = &b->p->lists[h->list];
	if (l->type == TETRA_LIST_GENERATED_SYSCALLS) {
		snprintf(field, sizeof(field), "%s.call", b->field);
		add_problem(b, field, "list \"%s\" of type generated_syscalls is " SYS_NOT_YET,
			    l->name);
		return;
	}
	for (uint32_t j = 0; j < l->nr_values; j++) {
		snprintf(field, sizeof(field), "lists[%d].values[%u]", h->list, j);
		check_sys_call(b, field, l->values[j]);
	}
}

/* return: true: the record waits at sys_enter for sys_exit, which adds the value. */
static void check_sys_return(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	char field[128];

	if (!(h->flags & TETRA_HOOK_F_RETURN_ARG)) {
		snprintf(field, sizeof(field), "%s.return", b->field);
		add_problem(b, field, "return: true needs a returnArg saying its type");
		return;
	}
	snprintf(field, sizeof(field), "%s.returnArg", b->field);
	if (!sys_arg_type_ok(h->return_arg.type) || is_string_type(h->return_arg.type))
		add_problem(b, field,
			    "type %s cannot be read at sys_exit (the syscall tracepoint "
			    "mechanism reads integer return values)",
			    arg_type_name(h->return_arg.type));
	if (h->return_arg.flags || h->return_arg.resolve)
		add_problem(b, field, "maxData, returnCopy and resolve are " SYS_NOT_YET);
	if (h->return_arg_action) {
		snprintf(field, sizeof(field), "%s.returnArgAction", b->field);
		add_problem(b, field, SYS_NOT_YET);
	}
}

static void check_sys_args(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	char field[128];

	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];

		snprintf(field, sizeof(field), "%s.args[%u]", b->field, i);
		if (!sys_arg_type_ok(a->type))
			add_problem(b, field,
				    "type %s is " SYS_NOT_YET " (it reads the integer types, "
				    "size_t, string, filename and char_buf)",
				    arg_type_name(a->type));
		if (a->index >= SYS_NR_ARGS)
			add_problem(b, field, "index %u names no syscall argument (0..%u)",
				    a->index, SYS_NR_ARGS - 1);
		if (a->type == TETRA_ARG_CHAR_BUF && !a->size_arg_index &&
		    !(a->flags & TETRA_ARG_F_RETURN_COPY))
			add_problem(b, field,
				    "char_buf without sizeArgIndex: the syscall tracepoint "
				    "mechanism cannot tell how many bytes to read");
		if (a->size_arg_index > SYS_NR_ARGS)
			add_problem(b, field,
				    "sizeArgIndex %u names no syscall argument (1..%u)",
				    a->size_arg_index, SYS_NR_ARGS);
		if (a->flags & TETRA_ARG_F_RETURN_COPY)
			add_problem(b, field,
				    "returnCopy needs a return probe (sys_exit), " SYS_NOT_YET);
		if (a->flags & TETRA_ARG_F_MAX_DATA)
			add_problem(b, field,
				    "maxData is " SYS_NOT_YET " (it reports at most %u bytes of "
				    "an argument)", SYS_ARG_DATA_MAX);
		if (a->resolve)
			add_problem(b, field, "resolve is " SYS_NOT_YET);
	}
}

static void check_sys_match_args(struct builder *b, uint32_t s,
				 const struct tetra__policy_selector *sel)
{
	char field[160];

	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_ARGS]; k++) {
		const struct tetra__policy_filter *f = &sel->filters[TETRA_FILTER_MATCH_ARGS][k];
		int ok;

		snprintf(field, sizeof(field), "%s.selectors[%u].matchArgs[%u]", b->field, s, k);
		/* An arg of a type the runtime cannot read is reported once, at the arg. */
		if (!sys_arg_type_ok(f->arg_type))
			continue;
		ok = is_string_type(f->arg_type) ? sys_string_op_ok(f->op) : sys_int_op_ok(f->op);
		if (!ok) {
			add_problem(b, field, "operator %s on a %s arg is " SYS_NOT_YET,
				    op_name(f->op), arg_type_name(f->arg_type));
			continue;
		}
		if (is_string_type(f->arg_type)) {
			for (uint32_t v = 0; v < f->nr_values; v++)
				if (f->value_lens[v] > SYS_STR_MAX)
					add_problem(b, field,
						    "values[%u] is %u bytes; the syscall "
						    "tracepoint mechanism compares at most %u",
						    v, f->value_lens[v], SYS_STR_MAX);
		} else if ((f->op == TETRA_OP_IN_RANGE || f->op == TETRA_OP_NOT_IN_RANGE) &&
			   f->nr_values > SYS_MAX_RANGES) {
			add_problem(b, field,
				    "%u ranges; the syscall tracepoint mechanism holds at most %u "
				    "per filter", f->nr_values, SYS_MAX_RANGES);
		}
	}
}

/* matchReturnArgs: integer operators on the return value, evaluated at sys_exit. */
static void check_sys_match_return_args(struct builder *b, uint32_t s,
					const struct tetra__policy_selector *sel)
{
	char field[160];

	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS]; k++) {
		const struct tetra__policy_filter *f =
			&sel->filters[TETRA_FILTER_MATCH_RETURN_ARGS][k];

		snprintf(field, sizeof(field), "%s.selectors[%u].matchReturnArgs[%u]", b->field,
			 s, k);
		/* a returnArg of a type the runtime cannot read is reported once, there */
		if (!sys_arg_type_ok(f->arg_type) || is_string_type(f->arg_type))
			continue;
		if (!sys_int_op_ok(f->op))
			add_problem(b, field, "operator %s on a %s return value is " SYS_NOT_YET,
				    op_name(f->op), arg_type_name(f->arg_type));
		else if ((f->op == TETRA_OP_IN_RANGE || f->op == TETRA_OP_NOT_IN_RANGE) &&
			 f->nr_values > SYS_MAX_RANGES)
			add_problem(b, field,
				    "%u ranges; the syscall tracepoint mechanism holds at most %u "
				    "per filter", f->nr_values, SYS_MAX_RANGES);
	}
}

/* matchNamespaces and matchCapabilities: In/NotIn on the task's namespaces and cap sets. */
static void check_sys_ns_caps(struct builder *b, uint32_t s,
			      const struct tetra__policy_selector *sel)
{
	char field[160];

	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_NAMESPACES]; k++) {
		const struct tetra__policy_filter *f =
			&sel->filters[TETRA_FILTER_MATCH_NAMESPACES][k];

		snprintf(field, sizeof(field), "%s.selectors[%u].matchNamespaces[%u]", b->field,
			 s, k);
		if (k >= SYS_MAX_NS_FILTERS)
			add_problem(b, field,
				    "the syscall tracepoint mechanism holds at most %u "
				    "matchNamespaces filters per selector", SYS_MAX_NS_FILTERS);
		if (f->nr_values > SYS_MAX_NS_VALUES)
			add_problem(b, field,
				    "%u values; the syscall tracepoint mechanism holds at most %u "
				    "per filter", f->nr_values, SYS_MAX_NS_VALUES);
		/* host_ns is pid 1's namespace, read from /proc when the policy is loaded */
		for (uint32_t v = 0; v < f->nr_values; v++) {
			uint32_t inum;
			int err;

			if (f->parsed[v].kind != TETRA__VAL_HOST_NS)
				continue;
			err = tetra__host_ns_inum(f->type, &inum);
			if (err) {
				/* the same error the load would fail with */
				add_problem_err(b, err, field,
						"host_ns cannot be resolved here (pid 1's %s "
						"namespace: %s)", tetra__policy_ns_name(f->type),
						strerror(-err));
				break;
			}
		}
	}
	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_CAPABILITIES]; k++) {
		const struct tetra__policy_filter *f =
			&sel->filters[TETRA_FILTER_MATCH_CAPABILITIES][k];

		snprintf(field, sizeof(field), "%s.selectors[%u].matchCapabilities[%u]", b->field,
			 s, k);
		if (k >= SYS_MAX_CAP_FILTERS)
			add_problem(b, field,
				    "the syscall tracepoint mechanism holds at most %u "
				    "matchCapabilities filters per selector", SYS_MAX_CAP_FILTERS);
		if (f->flags & TETRA_FILTER_F_NAMESPACE_CAP)
			add_problem(b, field, "isNamespaceCapability is " SYS_NOT_YET);
	}
}

static void check_sys_selector(struct builder *b, uint32_t s)
{
	const struct tetra__policy_selector *sel = &b->h->selectors[s];
	char field[160];

	for (size_t i = 0; i < TETRA_ARRAY_SIZE(sys_unsupported_filters); i++) {
		uint32_t kind = sys_unsupported_filters[i];

		if (sel->nr_filters[kind]) {
			snprintf(field, sizeof(field), "%s.selectors[%u].%s", b->field, s,
				 tetra_policy_filter_name(kind));
			add_problem(b, field, SYS_NOT_YET);
		}
	}
	check_sys_match_args(b, s, sel);
	check_sys_match_return_args(b, s, sel);

	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_BINARIES]; k++) {
		const struct tetra__policy_filter *f =
			&sel->filters[TETRA_FILTER_MATCH_BINARIES][k];

		snprintf(field, sizeof(field), "%s.selectors[%u].matchBinaries[%u]", b->field, s,
			 k);
		if (f->op < TETRA_OP_PREFIX || f->op > TETRA_OP_NOT_POSTFIX) {
			if (f->op != TETRA_OP_IN && f->op != TETRA_OP_NOT_IN)
				add_problem(b, field, "operator %s is " SYS_NOT_YET,
					    op_name(f->op));
		}
		if (f->flags & TETRA_FILTER_F_FOLLOW_CHILDREN)
			add_problem(b, field, "followChildren is " SYS_NOT_YET);
		for (uint32_t v = 0; v < f->nr_values; v++)
			if (f->value_lens[v] > SYS_STR_MAX)
				add_problem(b, field,
					    "values[%u] is %u bytes; the syscall tracepoint "
					    "mechanism compares at most %u",
					    v, f->value_lens[v], SYS_STR_MAX);
	}

	for (uint32_t k = 0; k < sel->nr_filters[TETRA_FILTER_MATCH_PIDS]; k++) {
		const struct tetra__policy_filter *f = &sel->filters[TETRA_FILTER_MATCH_PIDS][k];

		snprintf(field, sizeof(field), "%s.selectors[%u].matchPIDs[%u]", b->field, s, k);
		if (k >= SYS_MAX_PID_FILTERS)
			add_problem(b, field,
				    "more than %u matchPIDs filter per selector is " SYS_NOT_YET,
				    SYS_MAX_PID_FILTERS);
		if (f->flags & TETRA_FILTER_F_FOLLOW_FORKS)
			add_problem(b, field, "followForks is " SYS_NOT_YET);
		if (f->flags & TETRA_FILTER_F_NAMESPACE_PID)
			add_problem(b, field, "isNamespacePID is " SYS_NOT_YET);
	}
	check_sys_ns_caps(b, s, sel);
}

/* ---- actions ------------------------------------------------------------------------ */

static void plan_signal(struct builder *b, struct tetra__plan_action *a, const char *name,
			uint32_t effective, uint32_t sig, const char *suffix)
{
	char buf[32];

	if (!has(b, TETRA_FEATURE_SEND_SIGNAL)) {
		action_fail(b, a, "%s: needs the bpf_send_signal helper; this kernel refuses it "
			    "(send_signal: %s)", name, why_missing(b, TETRA_FEATURE_SEND_SIGNAL));
		return;
	}
	a->how = bprintf(b, "%s: bpf_send_signal(%s) from sys_enter%s", name,
			 signal_name(sig, buf, sizeof(buf)), suffix);
	a->effective = effective;
	a->signal = sig;
}

/* One matchActions entry of a hook on the syscall tracepoint. */
static void plan_sys_action(struct builder *b, struct tetra__plan_action *a,
			    const struct tetra__policy_action *pa)
{
	const char *name = action_name(pa->action);

	a->effective = pa->action;
	switch (pa->action) {
	case TETRA_ACTION_POST:
		if (pa->rate_limit_ms)
			action_fail(b, a, "Post: rateLimit is " SYS_NOT_YET);
		else if (pa->flags & TETRA_ACTION_F_KERNEL_STACK)
			action_fail(b, a, "Post: kernelStackTrace is " SYS_NOT_YET);
		else if (pa->flags & TETRA_ACTION_F_USER_STACK)
			action_fail(b, a, "Post: userStackTrace is " SYS_NOT_YET);
		else if (pa->flags & TETRA_ACTION_F_IMA_HASH)
			action_fail(b, a, "Post: imaHash is " SYS_NOT_YET);
		else if (b->h->flags & TETRA_HOOK_F_RETURN)
			a->how = bprintf(b, "Post: event to the ring buffer from sys_exit, with "
					 "the return value");
		else
			a->how = bprintf(b, "Post: event to the ring buffer from sys_enter");
		break;
	case TETRA_ACTION_NO_POST:
		a->how = bprintf(b, "NoPost: no event");
		break;
	case TETRA_ACTION_SIGKILL:
		plan_signal(b, a, "Sigkill", TETRA_ACTION_SIGKILL, 9, "");
		break;
	case TETRA_ACTION_SIGNAL:
		plan_signal(b, a, "Signal", TETRA_ACTION_SIGNAL, pa->arg_sig, "");
		break;
	case TETRA_ACTION_OVERRIDE:
		if (b->flags & TETRA_POLICY_F_OVERRIDE_AS_SIGKILL)
			plan_signal(b, a, "Override", TETRA_ACTION_SIGKILL, 9,
				    " instead (TETRA_POLICY_F_OVERRIDE_AS_SIGKILL): the call "
				    "itself is not denied");
		else
			action_fail(b, a, "Override: not possible from a syscall tracepoint "
				    "(needs BPF LSM, fmod_ret or bpf_override_return)");
		break;
	default:
		action_fail(b, a, "%s: " SYS_NOT_YET, name);
		break;
	}
}

/* One matchReturnActions entry: carried out at sys_exit once matchReturnArgs hold. */
static void plan_sys_return_action(struct builder *b, struct tetra__plan_action *a,
				   const struct tetra__policy_action *pa)
{
	const char *name = action_name(pa->action);

	if (!(b->h->flags & TETRA_HOOK_F_RETURN)) {
		action_fail(b, a, "%s: matchReturnActions need return: true on the hook", name);
		return;
	}
	a->effective = pa->action;
	switch (pa->action) {
	case TETRA_ACTION_POST:
		if (pa->rate_limit_ms || (pa->flags & (TETRA_ACTION_F_KERNEL_STACK |
						       TETRA_ACTION_F_USER_STACK |
						       TETRA_ACTION_F_IMA_HASH)))
			action_fail(b, a, "Post: rateLimit, stack traces and imaHash are "
				    SYS_NOT_YET);
		else
			a->how = bprintf(b, "Post: event to the ring buffer from sys_exit, with "
					 "the return value");
		break;
	case TETRA_ACTION_NO_POST:
		a->how = bprintf(b, "NoPost: no event");
		break;
	case TETRA_ACTION_SIGKILL:
		plan_signal(b, a, "Sigkill", TETRA_ACTION_SIGKILL, 9, "");
		if (a->how)
			a->how = bprintf(b, "Sigkill: bpf_send_signal(SIGKILL) from sys_exit");
		break;
	case TETRA_ACTION_SIGNAL:
		plan_signal(b, a, "Signal", TETRA_ACTION_SIGNAL, pa->arg_sig, "");
		if (a->how) {
			char buf[32];

			a->how = bprintf(b, "Signal: bpf_send_signal(%s) from sys_exit",
					 signal_name(pa->arg_sig, buf, sizeof(buf)));
		}
		break;
	default:
		action_fail(b, a, "%s: in matchReturnActions " SYS_NOT_YET, name);
		break;
	}
}

/*
 * The runtime carries per selector one signal (Sigkill or Signal) and whether to post.
 * Combinations it cannot express fail at the later action, in policy order.
 */
static void check_sys_combination(struct builder *b, uint32_t first, uint32_t end,
				  uint32_t list)
{
	int has_post = 0, has_nopost = 0;
	uint32_t sig = 0;
	char buf[32];

	for (uint32_t i = first; i < end; i++) {
		struct tetra__plan_action *a = &b->ph->actions[i];
		const char *name = action_name(a->action);

		if (a->error || a->list != list)
			continue;
		switch (a->effective) {
		case TETRA_ACTION_POST:
			if (has_nopost)
				action_fail(b, a, "Post: contradicts NoPost in the same selector");
			else
				has_post = 1;
			break;
		case TETRA_ACTION_NO_POST:
			if (has_post)
				action_fail(b, a, "NoPost: contradicts Post in the same selector");
			else
				has_nopost = 1;
			break;
		case TETRA_ACTION_SIGKILL:
		case TETRA_ACTION_SIGNAL:
			if (sig && sig != a->signal)
				action_fail(b, a,
					    "%s: the syscall tracepoint mechanism sends one signal "
					    "per selector (this selector already sends %s)",
					    name, signal_name(sig, buf, sizeof(buf)));
			else
				sig = a->signal;
			break;
		}
	}
}

static void plan_sys_actions(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	struct tetra__plan_action *a;

	if (!h->nr_selectors) {
		a = add_action(b, TETRA_PLAN_NO_SELECTOR, TETRA_SELECTOR_ACTIONS,
			       TETRA_PLAN_NO_SELECTOR, TETRA_ACTION_POST);
		if (a) {
			a->effective = TETRA_ACTION_POST;
			a->how = bprintf(b, "Post (default, no selectors): event to the ring "
					 "buffer from %s for every call",
					 h->flags & TETRA_HOOK_F_RETURN ? "sys_exit" : "sys_enter");
		}
		return;
	}
	for (uint32_t s = 0; s < h->nr_selectors; s++) {
		const struct tetra__policy_selector *sel = &h->selectors[s];
		uint32_t first = b->ph->nr_actions;

		if (!sel->nr_actions[TETRA_SELECTOR_ACTIONS]) {
			a = add_action(b, s, TETRA_SELECTOR_ACTIONS, TETRA_PLAN_NO_SELECTOR,
				       TETRA_ACTION_POST);
			if (a) {
				a->effective = TETRA_ACTION_POST;
				a->how = bprintf(b, "Post (default): event to the ring buffer "
						 "from %s", h->flags & TETRA_HOOK_F_RETURN ?
						 "sys_exit" : "sys_enter");
			}
		}
		for (uint32_t i = 0; i < sel->nr_actions[TETRA_SELECTOR_ACTIONS]; i++) {
			const struct tetra__policy_action *pa =
				&sel->actions[TETRA_SELECTOR_ACTIONS][i];

			a = add_action(b, s, TETRA_SELECTOR_ACTIONS, i, pa->action);
			if (a)
				plan_sys_action(b, a, pa);
		}
		for (uint32_t i = 0; i < sel->nr_actions[TETRA_SELECTOR_RETURN_ACTIONS]; i++) {
			const struct tetra__policy_action *pa =
				&sel->actions[TETRA_SELECTOR_RETURN_ACTIONS][i];

			a = add_action(b, s, TETRA_SELECTOR_RETURN_ACTIONS, i, pa->action);
			if (a)
				plan_sys_return_action(b, a, pa);
		}
		if (!b->err) {
			check_sys_combination(b, first, b->ph->nr_actions, TETRA_SELECTOR_ACTIONS);
			check_sys_combination(b, first, b->ph->nr_actions,
					      TETRA_SELECTOR_RETURN_ACTIONS);
		}
	}
}

/* The actions of a hook that cannot be attached: listed, none carried out. */
static void plan_unattached_actions(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	struct tetra__plan_action *a;

	if (!h->nr_selectors) {
		a = add_action(b, TETRA_PLAN_NO_SELECTOR, TETRA_SELECTOR_ACTIONS,
			       TETRA_PLAN_NO_SELECTOR, TETRA_ACTION_POST);
		if (a) {
			action_fail(b, a, "Post (default, no selectors): not planned: %s has no "
				    "usable mechanism", b->field);
			a->error = b->ph->error;
		}
		return;
	}
	for (uint32_t s = 0; s < h->nr_selectors; s++) {
		const struct tetra__policy_selector *sel = &h->selectors[s];

		if (!sel->nr_actions[TETRA_SELECTOR_ACTIONS]) {
			a = add_action(b, s, TETRA_SELECTOR_ACTIONS, TETRA_PLAN_NO_SELECTOR,
				       TETRA_ACTION_POST);
			if (a) {
				action_fail(b, a, "Post (default): not planned: %s has no usable "
					    "mechanism", b->field);
				a->error = b->ph->error;
			}
		}
		for (uint32_t l = 0; l < 2; l++) {
			for (uint32_t i = 0; i < sel->nr_actions[l]; i++) {
				const struct tetra__policy_action *pa = &sel->actions[l][i];

				a = add_action(b, s, l, i, pa->action);
				if (!a)
					continue;
				action_fail(b, a, "%s: not planned: %s has no usable mechanism",
					    action_name(pa->action), b->field);
				a->error = b->ph->error;
			}
		}
	}
}

/* ---- building ----------------------------------------------------------------------- */

/*
 * tracepoints: args (lib/policy_tracepoint.c): integers, string/filename and char_buf,
 * read from the record at the field the index names (common_* fields counted); whether
 * the field exists and fits the type is only known from tracefs when the hook is added.
 */
static void check_tp_hook(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	char field[160];

	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];

		snprintf(field, sizeof(field), "%s.args[%u]", b->field, i);
		if (!sys_arg_type_ok(a->type) || a->type == TETRA_ARG_FD)
			add_problem(b, field,
				    "type %s is not supported on tracepoints yet (integers, "
				    "size_t, string, filename and char_buf are)",
				    arg_type_name(a->type));
		if (a->flags || a->resolve)
			add_problem(b, field, "maxData, returnCopy and resolve are not "
				    "supported on tracepoints yet");
	}
	for (uint32_t s = 0; s < h->nr_selectors; s++) {
		const struct tetra__policy_selector *sel = &h->selectors[s];

		if (sel->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS] ||
		    sel->nr_actions[TETRA_SELECTOR_RETURN_ACTIONS]) {
			snprintf(field, sizeof(field), "%s.selectors[%u]", b->field, s);
			add_problem(b, field, "matchReturnArgs and matchReturnActions do not "
				    "apply to tracepoints");
		}
		/* the same selector compiler and BPF evaluation as syscall hooks */
		check_sys_selector(b, s);
	}
	plan_sys_actions(b);
}

/*
 * uprobes: args (lib/policy_uprobe.c): integers, string/filename and char_buf with
 * sizeArgIndex, read from the 6 register arguments; the binary must exist (whether the
 * symbols do is only known when the hook is attached).
 */
static void check_up_hook(struct builder *b)
{
	const struct tetra__policy_hook *h = b->h;
	char field[160];

	if (h->call && access(h->call, F_OK)) {
		snprintf(field, sizeof(field), "%s.path", b->field);
		add_problem_err(b, -ENOENT, field, "binary \"%s\": %s", h->call,
				strerror(errno));
	}
	if (h->nr_ref_ctr_offsets) {
		snprintf(field, sizeof(field), "%s.refCtrOffsets", b->field);
		add_problem(b, field, "refCtrOffsets are not supported on uprobes yet");
	}
	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];

		snprintf(field, sizeof(field), "%s.args[%u]", b->field, i);
		if (!sys_arg_type_ok(a->type) || a->type == TETRA_ARG_FD)
			add_problem(b, field,
				    "type %s is not supported on uprobes yet (integers, "
				    "size_t, string, filename and char_buf are)",
				    arg_type_name(a->type));
		if (a->index > 5)
			add_problem(b, field, "index %u: only the 6 register arguments (0-5) "
				    "can be read", a->index);
		if (a->type == TETRA_ARG_CHAR_BUF &&
		    (!a->size_arg_index || a->size_arg_index > 6))
			add_problem(b, field, "char_buf needs sizeArgIndex naming one of the 6 "
				    "register arguments");
		if (a->flags || a->resolve)
			add_problem(b, field, "maxData, returnCopy and resolve are not "
				    "supported on uprobes yet");
	}
	for (uint32_t s = 0; s < h->nr_selectors; s++) {
		const struct tetra__policy_selector *sel = &h->selectors[s];

		if (sel->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS] ||
		    sel->nr_actions[TETRA_SELECTOR_RETURN_ACTIONS]) {
			snprintf(field, sizeof(field), "%s.selectors[%u]", b->field, s);
			add_problem(b, field, "matchReturnArgs and matchReturnActions are not "
				    "supported on uprobes");
		}
		/* the same selector compiler and BPF evaluation as syscall hooks */
		check_sys_selector(b, s);
	}
	plan_sys_actions(b);
}

static void plan_hook(struct builder *b, uint32_t i)
{
	const struct tetra__policy_hook *h = &b->p->hooks[i];
	struct tetra__plan_hook *ph = &b->plan->hooks[i];
	const char *list = tetra__policy_hook_list_name(h->kind);

	b->h = h;
	b->ph = ph;
	ph->kind = h->kind;
	snprintf(b->field, sizeof(b->field), "%s[%u]", list ? list : "hooks", h->kind_index);
	if (h->kind == TETRA_HOOK_TRACEPOINT)
		ph->name = bprintf(b, "%s %s/%s", b->field, h->call ? h->call : "",
				   h->event ? h->event : "");
	else
		ph->name = bprintf(b, "%s %s", b->field, h->call ? h->call : "");

	plan_mechanism(b);
	if (ph->error) {
		plan_unattached_actions(b);
		return;
	}
	/* Only the syscall tracepoint is implemented, so only it is checked in depth. */
	if (ph->mechanism == TETRA_MECH_SYSCALL_TRACEPOINT) {
		if (h->flags & TETRA_HOOK_F_RETURN)
			check_sys_return(b);
		check_sys_calls(b);
		check_sys_args(b);
		for (uint32_t s = 0; s < h->nr_selectors; s++)
			check_sys_selector(b, s);
		plan_sys_actions(b);
	} else if (ph->mechanism == TETRA_MECH_TRACEPOINT) {
		check_tp_hook(b);
	} else if (ph->mechanism == TETRA_MECH_UPROBE) {
		check_up_hook(b);
	}
}

static void count_errors(struct tetra_plan *plan)
{
	plan->nr_errors = 0;
	for (uint32_t i = 0; i < plan->nr_hooks; i++) {
		const struct tetra__plan_hook *ph = &plan->hooks[i];

		if (ph->error) {
			plan->nr_errors++;
			continue;
		}
		plan->nr_errors += ph->nr_problems;
		for (uint32_t j = 0; j < ph->nr_actions; j++)
			plan->nr_errors += ph->actions[j].error != 0;
	}
}

int tetra__plan_build_flags(const struct tetra_features *f, const struct tetra_policy *p,
			    uint32_t flags, struct tetra_plan **ret)
{
	struct builder b;
	size_t sz;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (!f || !p || (flags & ~TETRA_POLICY_F_ALL))
		return -EINVAL;
	/* Every version of the struct has sz and available (see tetra_probe_features()). */
	sz = f->sz;
	if (sz < offsetof(struct tetra_features, error))
		return -EINVAL;
	if (!p->validated)
		return -TETRA_E_POLICY;

	memset(&b, 0, sizeof(b));
	memcpy(&b.f, f, sz < sizeof(b.f) ? sz : sizeof(b.f));
	b.f.sz = sizeof(b.f);
	b.flags = flags;
	b.p = p;
	b.plan = calloc(1, sizeof(*b.plan));
	if (!b.plan)
		return -ENOMEM;
	b.plan->flags = flags;
	b.plan->features = b.f;
	b.plan->policy_name = bprintf(&b, "%s", p->name ? p->name : "");
	if (p->nr_hooks) {
		b.plan->hooks = calloc(p->nr_hooks, sizeof(*b.plan->hooks));
		if (!b.plan->hooks)
			b.err = -ENOMEM;
		else
			b.plan->nr_hooks = p->nr_hooks;
	}
	for (uint32_t i = 0; !b.err && i < b.plan->nr_hooks; i++)
		plan_hook(&b, i);
	if (b.err) {
		tetra_plan_free(b.plan);
		return b.err;
	}
	count_errors(b.plan);
	*ret = b.plan;
	return 0;
}

int tetra__plan_build(const struct tetra_features *f, const struct tetra_policy *p,
		      struct tetra_plan **ret)
{
	return tetra__plan_build_flags(f, p, 0, ret);
}

/* ---- context ------------------------------------------------------------------------ */

const struct tetra_features *tetra__ctx_features(struct tetra_ctx *ctx)
{
	if (!ctx->features_probed) {
		tetra_features_init(&ctx->features, sizeof(ctx->features));
		/* Cannot fail for a well-formed struct; missing privileges read as missing. */
		tetra_probe_features(&ctx->features);
		ctx->features_probed = 1;
	}
	return &ctx->features;
}

TETRA_API int tetra_ctx_set_policy_flags(struct tetra_ctx *ctx, uint32_t flags)
{
	if (!ctx)
		return -EINVAL;
	if (flags & ~TETRA_POLICY_F_ALL)
		return tetra__error(ctx, -EINVAL, "set policy flags: unknown flags 0x%x",
				    flags & ~TETRA_POLICY_F_ALL);
	ctx->policy_flags = flags;
	return 0;
}

TETRA_API uint32_t tetra_ctx_get_policy_flags(const struct tetra_ctx *ctx)
{
	return ctx ? ctx->policy_flags : 0;
}

TETRA_API int tetra_ctx_plan_policy(struct tetra_ctx *ctx, const struct tetra_policy *policy,
				    struct tetra_plan **ret)
{
	const char *name;
	int err;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (!ctx || !policy)
		return -EINVAL;
	name = policy->name ? policy->name : "";
	if (!policy->validated)
		return tetra__error(ctx, -TETRA_E_POLICY,
				    "plan policy '%s': not validated (call "
				    "tetra_policy_validate() after building it)", name);
	err = tetra__plan_build_flags(tetra__ctx_features(ctx), policy, ctx->policy_flags, ret);
	if (err)
		return tetra__error(ctx, err, "plan policy '%s': %s", name, tetra_strerror(err));
	tetra__log(ctx, TETRA_LOG_DEBUG, "plan policy '%s': %u hooks, %u problems", name,
		   (*ret)->nr_hooks, (*ret)->nr_errors);
	return 0;
}

/* ---- the plan object ---------------------------------------------------------------- */

TETRA_API void tetra_plan_free(struct tetra_plan *plan)
{
	if (!plan)
		return;
	for (uint32_t i = 0; i < plan->nr_hooks; i++) {
		struct tetra__plan_hook *ph = &plan->hooks[i];

		free(ph->name);
		free(ph->reason);
		for (uint32_t j = 0; j < ph->nr_problems; j++)
			free(ph->problems[j].text);
		free(ph->problems);
		for (uint32_t j = 0; j < ph->nr_actions; j++) {
			free(ph->actions[j].field);
			free(ph->actions[j].how);
		}
		free(ph->actions);
	}
	free(plan->hooks);
	free(plan->policy_name);
	free(plan);
}

TETRA_API int tetra_plan_ok(const struct tetra_plan *plan)
{
	return plan && plan->nr_errors == 0;
}

TETRA_API uint32_t tetra_plan_error_count(const struct tetra_plan *plan)
{
	return plan ? plan->nr_errors : 0;
}

TETRA_API const char *tetra_plan_policy_name(const struct tetra_plan *plan)
{
	return plan ? plan->policy_name : NULL;
}

TETRA_API uint32_t tetra_plan_hook_count(const struct tetra_plan *plan)
{
	return plan ? plan->nr_hooks : 0;
}

static const struct tetra__plan_hook *get_hook(const struct tetra_plan *plan, uint32_t hook)
{
	return plan && hook < plan->nr_hooks ? &plan->hooks[hook] : NULL;
}

TETRA_API const char *tetra_plan_hook_name(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->name : NULL;
}

TETRA_API uint32_t tetra_plan_hook_mechanism(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->mechanism : TETRA_MECH_NONE;
}

TETRA_API int32_t tetra_plan_hook_error(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->error : -EINVAL;
}

TETRA_API const char *tetra_plan_hook_reason(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->reason : NULL;
}

TETRA_API uint32_t tetra_plan_problem_count(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->nr_problems : 0;
}

static const struct tetra__plan_problem *get_problem(const struct tetra_plan *plan,
						     uint32_t hook, uint32_t problem)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph && problem < ph->nr_problems ? &ph->problems[problem] : NULL;
}

TETRA_API const char *tetra_plan_problem(const struct tetra_plan *plan, uint32_t hook,
					 uint32_t problem)
{
	const struct tetra__plan_problem *pr = get_problem(plan, hook, problem);

	return pr ? pr->text : NULL;
}

TETRA_API int32_t tetra_plan_problem_error(const struct tetra_plan *plan, uint32_t hook,
					   uint32_t problem)
{
	const struct tetra__plan_problem *pr = get_problem(plan, hook, problem);

	return pr ? pr->error : -EINVAL;
}

TETRA_API uint32_t tetra_plan_action_count(const struct tetra_plan *plan, uint32_t hook)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph ? ph->nr_actions : 0;
}

static const struct tetra__plan_action *get_action(const struct tetra_plan *plan, uint32_t hook,
						   uint32_t action)
{
	const struct tetra__plan_hook *ph = get_hook(plan, hook);

	return ph && action < ph->nr_actions ? &ph->actions[action] : NULL;
}

TETRA_API uint32_t tetra_plan_action_selector(const struct tetra_plan *plan, uint32_t hook,
					      uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->selector : TETRA_PLAN_NO_SELECTOR;
}

TETRA_API uint32_t tetra_plan_action_type(const struct tetra_plan *plan, uint32_t hook,
					  uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->action : 0;
}

TETRA_API uint32_t tetra_plan_action_effective(const struct tetra_plan *plan, uint32_t hook,
					       uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->effective : 0;
}

TETRA_API int32_t tetra_plan_action_error(const struct tetra_plan *plan, uint32_t hook,
					  uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->error : -EINVAL;
}

TETRA_API const char *tetra_plan_action_field(const struct tetra_plan *plan, uint32_t hook,
					      uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->field : NULL;
}

TETRA_API const char *tetra_plan_action_how(const struct tetra_plan *plan, uint32_t hook,
					    uint32_t action)
{
	const struct tetra__plan_action *a = get_action(plan, hook, action);

	return a ? a->how : NULL;
}

TETRA_API const char *tetra_plan_mechanism_name(uint32_t mechanism)
{
	return mechanism < TETRA_MECH_COUNT ? mech_names[mechanism] : NULL;
}

/* ---- text --------------------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len;
	size_t pos;		/* what the full text needs so far */
};

__attribute__((format(printf, 2, 3)))
static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
		      o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void text_features(struct out *o, const struct tetra_plan *plan)
{
	const struct tetra_features *f = &plan->features;
	int first = 1;

	out_printf(o, "kernel features:");
	for (uint32_t i = 0; i < TETRA_FEATURE_COUNT; i++)
		if (f->available & (UINT64_C(1) << i))
			out_printf(o, " %s", tetra_feature_name(i));
	for (uint32_t i = 0; i < TETRA_FEATURE_COUNT; i++) {
		if (f->available & (UINT64_C(1) << i))
			continue;
		out_printf(o, "%s %s (%s)", first ? "; missing:" : ",", tetra_feature_name(i),
			   f->error[i] ? tetra_strerror(f->error[i]) : "not available");
		first = 0;
	}
	out_printf(o, "\n");
	/* Without privileges even a map cannot be made: say so, or the plan misleads. */
	if (f->error[TETRA_FEATURE_RINGBUF] == -EPERM && f->error[TETRA_FEATURE_RAW_TP] == -EPERM)
		out_printf(o, "note: the features were probed without the privileges to load "
			      "BPF (CAP_BPF and CAP_PERFMON, or root); this kernel may allow "
			      "more\n");
}

TETRA_API int tetra_plan_to_text(const struct tetra_plan *plan, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	if (!plan || (!buf && len))
		return -EINVAL;
	if (len)
		buf[0] = '\0';
	if (plan->nr_errors)
		out_printf(&o,
			   "policy \"%s\": cannot be carried out on this kernel: %u problem%s\n",
			   plan->policy_name, plan->nr_errors, plan->nr_errors == 1 ? "" : "s");
	else
		out_printf(&o, "policy \"%s\": ok: every hook has a mechanism on this kernel and "
			       "every action can be carried out\n", plan->policy_name);
	text_features(&o, plan);
	if (plan->flags & TETRA_POLICY_F_OVERRIDE_AS_SIGKILL)
		out_printf(&o, "policy flags: OVERRIDE_AS_SIGKILL (an impossible Override kills "
			       "the caller instead)\n");
	for (uint32_t i = 0; i < plan->nr_hooks; i++) {
		const struct tetra__plan_hook *ph = &plan->hooks[i];

		out_printf(&o, "%s: %s%s\n", ph->name, mech_names[ph->mechanism],
			   ph->error ? ph->mechanism ? " (not usable)" : " (no mechanism)" : "");
		out_printf(&o, "  why:    %s\n", ph->reason);
		for (uint32_t j = 0; j < ph->nr_problems; j++)
			out_printf(&o, "  error:  %s\n", ph->problems[j].text);
		for (uint32_t j = 0; j < ph->nr_actions; j++) {
			const struct tetra__plan_action *a = &ph->actions[j];

			/* a hook without mechanism counts once: its actions are only listed */
			out_printf(&o, "  %s %s: %s\n",
				   ph->error ? "skip:  " : a->error ? "error: " : "action:",
				   a->field, a->how);
		}
	}
	if (o.pos > INT_MAX)
		return -EOVERFLOW;
	return (int)o.pos;
}
