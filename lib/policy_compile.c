// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Lower one syscall hook of a policy AST to the configuration the sys_enter program
 * reads: argument readers, selectors with their filters, string tries, actions. What
 * the kernel side cannot evaluate is refused here with the reason, never dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tetra/event.h>
#include <tetra/plan.h>

#include "plan.h"
#include "policy.h"
#include "policy_runtime.h"
#include "syscalls.h"

static int refuse(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, uint32_t hi,
		  const char *what)
{
	(void)hi;
	return tetra__error(ctx, -TETRA_E_NOT_SUPPORTED, "policy hook kprobes[%u] \"%s\": %s",
			    h->kind_index, h->call ? h->call : "", what);
}

static int tp_arg_type(uint32_t type)
{
	switch (type) {
	case TETRA_ARG_INT:
	case TETRA_ARG_INT32:
	case TETRA_ARG_INT8:
	case TETRA_ARG_INT16:
		return TP_ARG_INT;
	case TETRA_ARG_UINT32:
	case TETRA_ARG_UINT8:
	case TETRA_ARG_UINT16:
		return TP_ARG_UINT32;
	case TETRA_ARG_INT64:
		return TP_ARG_LONG;
	case TETRA_ARG_UINT64:
	case TETRA_ARG_SIZE_T:
		return TP_ARG_UINT64;
	case TETRA_ARG_STRING:
	case TETRA_ARG_FILENAME:
		return TP_ARG_STRING;
	case TETRA_ARG_CHAR_BUF:
		return TP_ARG_CHAR_BUF;
	case TETRA_ARG_FD:
		return TP_ARG_FD;
	}
	return TP_ARG_NONE;
}

/* Compared as strings in the kernel: an fd argument by the path of its file. */
static int is_string_type(int tp)
{
	return tp == TP_ARG_STRING || tp == TP_ARG_CHAR_BUF || tp == TP_ARG_FD;
}

static int tp_string_op(uint32_t op)
{
	switch (op) {
	case TETRA_OP_EQUAL:
	case TETRA_OP_IN:
		return TP_OP_EQUAL;
	case TETRA_OP_NOT_EQUAL:
	case TETRA_OP_NOT_IN:
		return TP_OP_NOTEQUAL;
	case TETRA_OP_PREFIX:
		return TP_OP_PREFIX;
	case TETRA_OP_NOT_PREFIX:
		return TP_OP_NOTPREFIX;
	case TETRA_OP_POSTFIX:
		return TP_OP_POSTFIX;
	case TETRA_OP_NOT_POSTFIX:
		return TP_OP_NOTPOSTFIX;
	}
	return 0;
}

static int tp_int_op(uint32_t op)
{
	switch (op) {
	case TETRA_OP_EQUAL:
		return TP_OP_EQUAL;
	case TETRA_OP_NOT_EQUAL:
		return TP_OP_NOTEQUAL;
	case TETRA_OP_GT:
		return TP_OP_GT;
	case TETRA_OP_LT:
		return TP_OP_LT;
	case TETRA_OP_MASK:
		return TP_OP_MASK;
	case TETRA_OP_IN_RANGE:
		return TP_OP_INRANGE;
	case TETRA_OP_NOT_IN_RANGE:
		return TP_OP_NOTINRANGE;
	}
	return 0;
}

/* Add @f's string values to the trie under a new matcher id; returns the id. */
static int add_strings(struct tetra__hook_slot *slot, const struct tetra__policy_filter *f,
		       int tp_op, uint32_t *next_matcher, uint32_t *matcher)
{
	int exact = tp_op == TP_OP_EQUAL || tp_op == TP_OP_NOTEQUAL;
	int reverse = tp_op == TP_OP_POSTFIX || tp_op == TP_OP_NOTPOSTFIX;
	struct tp_string_key *keys;

	keys = realloc(slot->keys, (slot->n_keys + f->nr_values) * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	slot->keys = keys;
	*matcher = (*next_matcher)++;
	for (uint32_t i = 0; i < f->nr_values; i++) {
		struct tp_string_key *k = &keys[slot->n_keys++];
		uint32_t len = f->value_lens[i];

		if (len >= TP_STR_MAX - 1)
			return -E2BIG;
		memset(k, 0, sizeof(*k));
		k->matcher = htonl(*matcher);
		for (uint32_t j = 0; j < len; j++)
			k->str[j] = reverse ? f->values[i][len - 1 - j] : f->values[i][j];
		k->prefixlen = 32 + 8 * (len + (exact ? 1 : 0));
	}
	return 0;
}

static int compile_match_arg(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			     uint32_t hi, uint32_t si, const struct tetra__policy_filter *f,
			     struct tetra__hook_slot *slot, struct tp_match_arg *m,
			     uint32_t *next_matcher)
{
	int type = tp_arg_type(f->arg_type);
	char why[256];

	m->arg = f->arg_pos;
	if (is_string_type(type)) {
		int err;

		m->op = tp_string_op(f->op);
		m->is_string = 1;
		if (!m->op)
			goto bad_op;
		err = add_strings(slot, f, m->op, next_matcher, &m->matcher);
		if (err == -E2BIG)
			return refuse(ctx, h, hi, "a matchArgs string value is longer than 254 bytes");
		if (err)
			return tetra__error(ctx, err, "compile policy: out of memory");
		m->n_values = f->nr_values;
		return 0;
	}
	m->op = tp_int_op(f->op);
	if (!m->op)
		goto bad_op;
	for (uint32_t i = 0; i < f->nr_values; i++) {
		const struct tetra__policy_value *v = &f->parsed[i];
		int range = v->kind == TETRA__VAL_SRANGE || v->kind == TETRA__VAL_URANGE;

		if (m->op == TP_OP_INRANGE || m->op == TP_OP_NOTINRANGE) {
			if (m->n_values + 2 > TP_MAX_VALUES)
				goto too_many;
			m->values[m->n_values++] = v->lo;
			m->values[m->n_values++] = range ? v->hi : v->lo;
		} else {
			if (m->n_values + 1 > TP_MAX_VALUES || range)
				goto too_many;
			m->values[m->n_values++] = v->lo;
		}
	}
	return 0;

bad_op:
	snprintf(why, sizeof(why),
		 "selectors[%u].matchArgs: operator %s on a %s argument is not supported by the "
		 "syscall tracepoint mechanism", si, tetra_policy_op_name(f->op),
		 tetra_policy_arg_type_name(f->arg_type));
	return refuse(ctx, h, hi, why);
too_many:
	snprintf(why, sizeof(why),
		 "selectors[%u].matchArgs: at most %d integer values (or %d ranges) per filter",
		 si, TP_MAX_VALUES, TP_MAX_VALUES / 2);
	return refuse(ctx, h, hi, why);
}

/* matchActions (@list 0) or matchReturnActions (1) into an action, signal and NoPost. */
static int compile_actions(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, uint32_t hi,
			   const struct tetra__policy_selector *s, uint32_t list, __u8 *action,
			   __u8 *signal, __u8 *no_post)
{
	int post = 0;
	char why[256];

	if (list && s->nr_actions[list] && !(h->flags & TETRA_HOOK_F_RETURN))
		return refuse(ctx, h, hi, "matchReturnActions need return: true on the hook");
	for (uint32_t i = 0; i < s->nr_actions[list]; i++) {
		const struct tetra__policy_action *a = &s->actions[list][i];
		uint32_t sig = 0;

		switch (a->action) {
		case TETRA_ACTION_POST:
			if (a->rate_limit_ms || a->flags)
				return refuse(ctx, h, hi,
					      "Post with rateLimit or stack traces is not supported yet");
			post = 1;
			break;
		case TETRA_ACTION_NO_POST:
			*no_post = 1;
			break;
		case TETRA_ACTION_SIGKILL:
			sig = 9;
			break;
		case TETRA_ACTION_SIGNAL:
			sig = a->arg_sig;
			break;
		case TETRA_ACTION_OVERRIDE:
			/* only when the embedder asked for it: a kill is not a denial */
			if (!list && (ctx->policy_flags & TETRA_POLICY_F_OVERRIDE_AS_SIGKILL)) {
				sig = 9;
				break;
			}
			return refuse(ctx, h, hi,
				      "Override needs BPF LSM, fmod_ret or bpf_override_return; a "
				      "syscall tracepoint can observe and kill but not deny "
				      "(TETRA_POLICY_F_OVERRIDE_AS_SIGKILL turns it into Sigkill)");
		default:
			snprintf(why, sizeof(why), "action %s is not supported yet",
				 tetra_policy_action_name(a->action));
			return refuse(ctx, h, hi, why);
		}
		if (sig) {
			if (*signal && *signal != sig)
				return refuse(ctx, h, hi, "a selector cannot send two different signals");
			*signal = sig;
			*action = sig == 9 ? TP_ACT_SIGKILL : TP_ACT_SIGNAL;
		}
	}
	if (post && *no_post)
		return refuse(ctx, h, hi, "a selector cannot both Post and NoPost");
	return 0;
}

/* /proc/<pid>/ns/ entry of each TETRA_NS_*. */
static const char *const proc_ns_names[TETRA_NS_COUNT] = {
	[TETRA_NS_UTS] = "uts",
	[TETRA_NS_IPC] = "ipc",
	[TETRA_NS_MNT] = "mnt",
	[TETRA_NS_PID] = "pid",
	[TETRA_NS_PID_FOR_CHILDREN] = "pid_for_children",
	[TETRA_NS_NET] = "net",
	[TETRA_NS_TIME] = "time",
	[TETRA_NS_TIME_FOR_CHILDREN] = "time_for_children",
	[TETRA_NS_CGROUP] = "cgroup",
	[TETRA_NS_USER] = "user",
};

/*
 * The inode numbers the kernel gives its initial namespaces (include/linux/proc_ns.h):
 * fixed since each namespace type exists, except net and mnt, which got theirs in 6.18
 * and were numbered dynamically (from 0xF0000000) before.
 */
static const uint32_t init_ns_inums[TETRA_NS_COUNT] = {
	[TETRA_NS_UTS] = 0xEFFFFFFEu,	[TETRA_NS_IPC] = 0xEFFFFFFFu,
	[TETRA_NS_MNT] = 0xEFFFFFF8u,	[TETRA_NS_PID] = 0xEFFFFFFCu,
	[TETRA_NS_PID_FOR_CHILDREN] = 0xEFFFFFFCu, [TETRA_NS_NET] = 0xEFFFFFF9u,
	[TETRA_NS_TIME] = 0xEFFFFFFAu,	[TETRA_NS_TIME_FOR_CHILDREN] = 0xEFFFFFFAu,
	[TETRA_NS_CGROUP] = 0xEFFFFFFBu, [TETRA_NS_USER] = 0xEFFFFFFDu,
};

int tetra__host_ns_inum(uint32_t ns, uint32_t *ret)
{
	char path[64];
	struct stat st;
	int err;

	if (ns >= TETRA_NS_COUNT)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/1/ns/%s", proc_ns_names[ns]);
	if (stat(path, &st) == 0) {
		*ret = (uint32_t)st.st_ino;
		return 0;
	}
	err = -errno;
	if (err != -EACCES && err != -EPERM)
		return err;
	/*
	 * Hardened hosts may hide pid 1 even from root: take the kernel's initial namespace
	 * (where pid 1 lives on a host) when its number is known for certain - the type
	 * exists here, and for net/mnt this kernel numbers it the fixed way (we are in it).
	 */
	snprintf(path, sizeof(path), "/proc/self/ns/%s", proc_ns_names[ns]);
	if (stat(path, &st) < 0)
		return err;
	if ((ns == TETRA_NS_MNT || ns == TETRA_NS_NET) && st.st_ino != init_ns_inums[ns])
		return err;
	*ret = init_ns_inums[ns];
	return 0;
}

/* "host_ns": the inode number of pid 1's namespace @ns, as Tetragon resolves it. */
static int host_ns_inum(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, uint32_t si,
			uint32_t k, uint32_t ns, uint32_t *ret)
{
	int err = tetra__host_ns_inum(ns, ret);

	if (err)
		return tetra__error(ctx, err,
				    "policy hook kprobes[%u] \"%s\": selectors[%u]."
				    "matchNamespaces[%u]: cannot resolve host_ns: /proc/1/ns/%s: %s",
				    h->kind_index, h->call ? h->call : "", si, k, proc_ns_names[ns],
				    strerror(-err));
	return 0;
}

static int compile_namespaces(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			      uint32_t hi, uint32_t si, const struct tetra__policy_selector *s,
			      struct tp_selector *ts)
{
	uint32_t n = s->nr_filters[TETRA_FILTER_MATCH_NAMESPACES];
	char why[256];
	int err;

	if (n > TP_MAX_NS_FILTERS) {
		snprintf(why, sizeof(why),
			 "selectors[%u].matchNamespaces: %u filters; the syscall tracepoint "
			 "mechanism holds at most %d per selector", si, n, TP_MAX_NS_FILTERS);
		return refuse(ctx, h, hi, why);
	}
	for (uint32_t k = 0; k < n; k++) {
		const struct tetra__policy_filter *f =
			&s->filters[TETRA_FILTER_MATCH_NAMESPACES][k];
		struct tp_ns_filter *nf = &ts->ns[k];

		if (f->type >= TETRA_NS_COUNT ||
		    (f->op != TETRA_OP_IN && f->op != TETRA_OP_NOT_IN)) {
			snprintf(why, sizeof(why),
				 "selectors[%u].matchNamespaces[%u]: unsupported namespace or "
				 "operator", si, k);
			return refuse(ctx, h, hi, why);
		}
		if (f->nr_values > TP_MAX_NS_VALUES) {
			snprintf(why, sizeof(why),
				 "selectors[%u].matchNamespaces[%u]: %u values; at most %d per "
				 "filter", si, k, f->nr_values, TP_MAX_NS_VALUES);
			return refuse(ctx, h, hi, why);
		}
		nf->ns = f->type;
		nf->op = f->op == TETRA_OP_IN ? TP_OP_EQUAL : TP_OP_NOTEQUAL;
		for (uint32_t i = 0; i < f->nr_values; i++) {
			uint32_t inum = (uint32_t)f->parsed[i].lo;

			if (f->parsed[i].kind == TETRA__VAL_HOST_NS) {
				err = host_ns_inum(ctx, h, si, k, f->type, &inum);
				if (err)
					return err;
			}
			nf->inums[nf->n_values++] = inum;
		}
		ts->n_ns++;
	}
	return 0;
}

static int compile_capabilities(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
				uint32_t hi, uint32_t si, const struct tetra__policy_selector *s,
				struct tp_selector *ts)
{
	uint32_t n = s->nr_filters[TETRA_FILTER_MATCH_CAPABILITIES];
	char why[256];

	if (n > TP_MAX_CAP_FILTERS) {
		snprintf(why, sizeof(why),
			 "selectors[%u].matchCapabilities: %u filters; the syscall tracepoint "
			 "mechanism holds at most %d per selector", si, n, TP_MAX_CAP_FILTERS);
		return refuse(ctx, h, hi, why);
	}
	for (uint32_t k = 0; k < n; k++) {
		const struct tetra__policy_filter *f =
			&s->filters[TETRA_FILTER_MATCH_CAPABILITIES][k];
		struct tp_cap_filter *cf = &ts->caps[k];

		if (f->flags & TETRA_FILTER_F_NAMESPACE_CAP) {
			snprintf(why, sizeof(why),
				 "selectors[%u].matchCapabilities[%u]: isNamespaceCapability is "
				 "not supported by the syscall tracepoint mechanism", si, k);
			return refuse(ctx, h, hi, why);
		}
		if (f->type > TETRA_CAPS_INHERITABLE ||
		    (f->op != TETRA_OP_IN && f->op != TETRA_OP_NOT_IN)) {
			snprintf(why, sizeof(why),
				 "selectors[%u].matchCapabilities[%u]: unsupported set or operator",
				 si, k);
			return refuse(ctx, h, hi, why);
		}
		cf->set = f->type;
		cf->op = f->op == TETRA_OP_IN ? TP_OP_EQUAL : TP_OP_NOTEQUAL;
		cf->mask = f->caps;
		ts->n_caps++;
	}
	return 0;
}

/* matchReturnArgs: integer filters on the return value, evaluated at sys_exit. */
static int compile_return_args(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			       uint32_t hi, uint32_t si, const struct tetra__policy_selector *s,
			       struct tp_selector *ts)
{
	uint32_t n = s->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS];
	char why[256];

	if (!n)
		return 0;
	if (!(h->flags & TETRA_HOOK_F_RETURN))
		return refuse(ctx, h, hi, "matchReturnArgs need return: true on the hook");
	if (n > TP_MAX_MATCH_ARGS)
		return refuse(ctx, h, hi, "more than 5 matchReturnArgs in a selector");
	for (uint32_t i = 0; i < n; i++) {
		const struct tetra__policy_filter *f = &s->filters[TETRA_FILTER_MATCH_RETURN_ARGS][i];
		struct tp_match_arg *m = &ts->ret_args[i];

		if (is_string_type(tp_arg_type(f->arg_type)) || !tp_int_op(f->op)) {
			snprintf(why, sizeof(why),
				 "selectors[%u].matchReturnArgs: operator %s on a %s return value is "
				 "not supported by the syscall tracepoint mechanism", si,
				 tetra_policy_op_name(f->op), tetra_policy_arg_type_name(f->arg_type));
			return refuse(ctx, h, hi, why);
		}
		m->op = tp_int_op(f->op);
		for (uint32_t v = 0; v < f->nr_values; v++) {
			const struct tetra__policy_value *pv = &f->parsed[v];
			int range = pv->kind == TETRA__VAL_SRANGE || pv->kind == TETRA__VAL_URANGE;

			if (m->op == TP_OP_INRANGE || m->op == TP_OP_NOTINRANGE) {
				if (m->n_values + 2 > TP_MAX_VALUES)
					goto too_many;
				m->values[m->n_values++] = pv->lo;
				m->values[m->n_values++] = range ? pv->hi : pv->lo;
			} else {
				if (m->n_values + 1 > TP_MAX_VALUES || range)
					goto too_many;
				m->values[m->n_values++] = pv->lo;
			}
		}
		ts->n_ret_args++;
	}
	return 0;
too_many:
	snprintf(why, sizeof(why),
		 "selectors[%u].matchReturnArgs: at most %d integer values (or %d ranges) per "
		 "filter", si, TP_MAX_VALUES, TP_MAX_VALUES / 2);
	return refuse(ctx, h, hi, why);
}

static int compile_selector(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			    uint32_t hi, uint32_t si, struct tetra__hook_slot *slot,
			    uint32_t *next_matcher)
{
	const struct tetra__policy_selector *s = &h->selectors[si];
	struct tp_selector *ts = &slot->cfg.selectors[si];
	char why[256];
	int err;

	for (uint32_t k = 0; k < TETRA_FILTER_COUNT; k++) {
		if (!s->nr_filters[k] || k == TETRA_FILTER_MATCH_ARGS ||
		    k == TETRA_FILTER_MATCH_RETURN_ARGS ||
		    k == TETRA_FILTER_MATCH_BINARIES || k == TETRA_FILTER_MATCH_PIDS ||
		    k == TETRA_FILTER_MATCH_NAMESPACES || k == TETRA_FILTER_MATCH_CAPABILITIES)
			continue;
		snprintf(why, sizeof(why),
			 "selectors[%u].%s: not supported by the syscall tracepoint mechanism yet", si,
			 tetra_policy_filter_name(k));
		return refuse(ctx, h, hi, why);
	}
	if (s->nr_filters[TETRA_FILTER_MATCH_ARGS] > TP_MAX_MATCH_ARGS)
		return refuse(ctx, h, hi, "more than 5 matchArgs in a selector");
	for (uint32_t i = 0; i < s->nr_filters[TETRA_FILTER_MATCH_ARGS]; i++) {
		err = compile_match_arg(ctx, h, hi, si, &s->filters[TETRA_FILTER_MATCH_ARGS][i],
					slot, &ts->match_args[i], next_matcher);
		if (err)
			return err;
		ts->n_match_args++;
	}
	if (s->nr_filters[TETRA_FILTER_MATCH_BINARIES] > 1)
		return refuse(ctx, h, hi, "more than one matchBinaries filter in a selector");
	if (s->nr_filters[TETRA_FILTER_MATCH_BINARIES]) {
		const struct tetra__policy_filter *f = &s->filters[TETRA_FILTER_MATCH_BINARIES][0];

		if (f->flags & TETRA_FILTER_F_FOLLOW_CHILDREN)
			return refuse(ctx, h, hi, "matchBinaries followChildren is not supported yet");
		ts->bin_op = tp_string_op(f->op);
		if (!ts->bin_op)
			return refuse(ctx, h, hi, "unsupported matchBinaries operator");
		err = add_strings(slot, f, ts->bin_op, next_matcher, &ts->bin_matcher);
		if (err == -E2BIG)
			return refuse(ctx, h, hi, "a matchBinaries path is longer than 254 bytes");
		if (err)
			return tetra__error(ctx, err, "compile policy: out of memory");
	}
	if (s->nr_filters[TETRA_FILTER_MATCH_PIDS] > 1)
		return refuse(ctx, h, hi, "more than one matchPIDs filter in a selector");
	if (s->nr_filters[TETRA_FILTER_MATCH_PIDS]) {
		const struct tetra__policy_filter *f = &s->filters[TETRA_FILTER_MATCH_PIDS][0];

		if (f->flags & (TETRA_FILTER_F_FOLLOW_FORKS | TETRA_FILTER_F_NAMESPACE_PID))
			return refuse(ctx, h, hi,
				      "matchPIDs followForks/isNamespacePID are not supported yet");
		if (f->nr_values > TP_MAX_PIDS)
			return refuse(ctx, h, hi, "more than 4 matchPIDs values");
		ts->pid_op = f->op == TETRA_OP_IN ? TP_OP_EQUAL : TP_OP_NOTEQUAL;
		for (uint32_t i = 0; i < f->nr_values; i++)
			ts->pids[ts->n_pids++] = (uint32_t)f->parsed[i].lo;
	}
	err = compile_return_args(ctx, h, hi, si, s, ts);
	if (!err)
		err = compile_namespaces(ctx, h, hi, si, s, ts);
	if (!err)
		err = compile_capabilities(ctx, h, hi, si, s, ts);
	if (!err)
		err = compile_actions(ctx, h, hi, s, TETRA_SELECTOR_ACTIONS, &ts->action,
				      &ts->signal, &ts->no_post);
	if (!err)
		err = compile_actions(ctx, h, hi, s, TETRA_SELECTOR_RETURN_ACTIONS,
				      &ts->ret_action, &ts->ret_signal, &ts->ret_no_post);
	return err;
}

static int add_nr(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, uint32_t hi,
		  struct tetra__hook_slot *slot, const char *name)
{
	int nr = tetra__syscall_nr(name);
	int32_t *nrs;
	char why[256];

	if (nr < 0 || nr >= TP_MAX_SYSCALLS) {
		if (h->flags & TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND)
			return 0;
		snprintf(why, sizeof(why), "unknown syscall \"%s\" on this architecture", name);
		return tetra__error(ctx, -ENOENT, "policy hook kprobes[%u] \"%s\": %s",
				    h->kind_index, h->call ? h->call : "", why);
	}
	nrs = realloc(slot->nrs, (slot->n_nrs + 1) * sizeof(*nrs));
	if (!nrs)
		return tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
	slot->nrs = nrs;
	nrs[slot->n_nrs++] = nr;
	return 0;
}

/* Hook kinds with no mechanism yet: say whether the kernel or this library is missing. */
static int refuse_kind(struct tetra_ctx *ctx, const struct tetra__policy_hook *h)
{
	const struct tetra_features *f = tetra__ctx_features(ctx);
	uint64_t a = f ? f->available : 0;
	int lsm = h->kind == TETRA_HOOK_LSM;
	int kernel_has = lsm ? (a & (1ull << TETRA_FEATURE_LSM_ACTIVE)) &&
				       (a & (1ull << TETRA_FEATURE_LSM_LOADABLE))
			     : (a & (1ull << TETRA_FEATURE_KPROBE)) ||
				       (a & (1ull << TETRA_FEATURE_FENTRY));

	return tetra__error(ctx, -TETRA_E_NOT_SUPPORTED,
			    "policy hook %s[%u] \"%s\": %s are not implemented in this libtetra "
			    "version%s", lsm ? "lsmhooks" : "kprobes", h->kind_index,
			    h->call ? h->call : "",
			    lsm ? "LSM hooks (BPF LSM)" : "kernel function hooks (kprobe/fentry)",
			    kernel_has ? "" : lsm ? ", and this kernel has no BPF LSM" :
			    ", and this kernel allows neither kprobe nor fentry");
}

int tetra__policy_compile_hook(struct tetra_ctx *ctx, const struct tetra_policy *p,
			       uint32_t hi, struct tetra__hook_slot *slot, uint32_t *next_matcher)
{
	const struct tetra__policy_hook *h = &p->hooks[hi];
	int err;

	if (h->kind != TETRA_HOOK_KPROBE || !(h->flags & TETRA_HOOK_F_SYSCALL))
		return refuse_kind(ctx, h);
	if (h->flags & TETRA_HOOK_F_RETURN) {
		const struct tetra__policy_arg *ra = &h->return_arg;
		int type = tp_arg_type(ra->type);

		if (!(h->flags & TETRA_HOOK_F_RETURN_ARG))
			return refuse(ctx, h, hi, "return: true needs a returnArg saying its type");
		if (!type || is_string_type(type) || ra->flags || ra->resolve) {
			char why[256];

			snprintf(why, sizeof(why),
				 "returnArg: type %s cannot be read at sys_exit (integer types "
				 "only)", tetra_policy_arg_type_name(ra->type));
			return refuse(ctx, h, hi, why);
		}
		if (h->return_arg_action)
			return refuse(ctx, h, hi, "returnArgAction is not supported by the syscall "
				      "tracepoint mechanism");
		slot->cfg.ret = 1;
		slot->ret_type = ra->type;
	}
	if (h->nr_args > TP_MAX_ARGS)
		return refuse(ctx, h, hi, "more than 5 args");
	if (h->nr_selectors > TP_MAX_SELECTORS)
		return refuse(ctx, h, hi, "more than 5 selectors");

	slot->n_args = h->nr_args;
	slot->cfg.n_args = h->nr_args;
	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];
		int type = tp_arg_type(a->type);
		char why[256];

		if (a->flags || a->resolve) {
			snprintf(why, sizeof(why),
				 "args[%u]: maxData, returnCopy and resolve are not supported yet", i);
			return refuse(ctx, h, hi, why);
		}
		if (type == TP_ARG_CHAR_BUF && (!a->size_arg_index || a->size_arg_index > 6)) {
			snprintf(why, sizeof(why),
				 "args[%u]: char_buf needs sizeArgIndex naming one of the 6 syscall "
				 "arguments", i);
			return refuse(ctx, h, hi, why);
		}
		if (!type || a->index > 5) {
			snprintf(why, sizeof(why),
				 "args[%u]: type %s at index %u cannot be read at sys_enter yet", i,
				 tetra_policy_arg_type_name(a->type), a->index);
			return refuse(ctx, h, hi, why);
		}
		slot->arg_type[i] = a->type;
		if (a->label) {
			slot->arg_label[i] = strdup(a->label);
			if (!slot->arg_label[i])
				return tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
		}
		slot->cfg.args[i].src = a->index;
		slot->cfg.args[i].type = type;
		slot->cfg.args[i].size_src = a->size_arg_index;
		slot->cfg.args[i].max_bytes = TP_ARG_DATA_MAX;
	}
	slot->cfg.n_selectors = h->nr_selectors;
	for (uint32_t si = 0; si < h->nr_selectors; si++) {
		err = compile_selector(ctx, h, hi, si, slot, next_matcher);
		if (err)
			return err;
	}
	if (h->list >= 0) {
		const struct tetra__policy_list *l = &p->lists[h->list];

		if (l->type != TETRA_LIST_SYSCALLS)
			return refuse(ctx, h, hi, "only lists of type syscalls can be hooked as syscalls");
		for (uint32_t i = 0; i < l->nr_values; i++) {
			err = add_nr(ctx, h, hi, slot, l->values[i]);
			if (err)
				return err;
		}
	} else {
		err = add_nr(ctx, h, hi, slot, h->call);
		if (err)
			return err;
	}
	return 0;
}

void tetra__hook_slot_clear(struct tetra__hook_slot *slot)
{
	for (int i = 0; i < TP_MAX_ARGS; i++)
		free(slot->arg_label[i]);
	free(slot->nrs);
	free(slot->keys);
	memset(slot, 0, sizeof(*slot));
}

int tetra__policy_compile_selector(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
				   uint32_t hi, uint32_t si, struct tetra__hook_slot *slot,
				   uint32_t *next_matcher)
{
	return compile_selector(ctx, h, hi, si, slot, next_matcher);
}
