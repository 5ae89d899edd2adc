// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The policy builder and accessors: a built policy reads back exactly like the YAML
 * policy it mirrors, and goes through the same validation.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tetra/tetra.h>

#include "policy.h"

static char *shared_path(const char *rel)
{
	const char *shared = getenv("TETRA_SHARED_DIR");
	char buf[4096], file[4096];
	char *out;

	if (shared && *shared) {
		snprintf(buf, sizeof(buf), "%s/%s", shared, rel);
	} else {
		snprintf(file, sizeof(file), "%s", __FILE__);
		snprintf(buf, sizeof(buf), "%s/../../../shared/%s", dirname(file), rel);
	}
	out = strdup(buf);
	cr_assert_not_null(out);
	return out;
}

/* ---- comparison through the public accessors only ----------------------------------- */

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare_filters(const struct tetra_policy *a, const struct tetra_policy *b,
			    uint32_t h, uint32_t s, uint32_t k, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct tetra_policy_filter fa, fb;

		tetra_policy_filter_init(&fa, sizeof(fa));
		tetra_policy_filter_init(&fb, sizeof(fb));
		cr_assert_eq(tetra_policy_get_filter(a, h, s, k, i, &fa), 0);
		cr_assert_eq(tetra_policy_get_filter(b, h, s, k, i, &fb), 0);
		cr_expect_eq(fa.filter, fb.filter);
		cr_expect_eq(fa.op, fb.op, "hook %u sel %u %s[%u] op", h, s,
			     tetra_policy_filter_name(k), i);
		if (k == TETRA_FILTER_MATCH_ARGS || k == TETRA_FILTER_MATCH_RETURN_ARGS)
			cr_expect_eq(fa.index, fb.index);
		if (k >= TETRA_FILTER_MATCH_NAMESPACES && k != TETRA_FILTER_MATCH_NAMESPACE_CHANGES)
			cr_expect_eq(fa.type, fb.type, "%s type", tetra_policy_filter_name(k));
		cr_expect_eq(fa.flags, fb.flags);
		cr_expect_eq(fa.nr_arg_refs, fb.nr_arg_refs);
		cr_assert_eq(fa.nr_values, fb.nr_values, "%s values", tetra_policy_filter_name(k));
		for (uint32_t v = 0; v < fa.nr_values; v++) {
			cr_expect_eq(fa.value_lens[v], fb.value_lens[v]);
			cr_expect(!memcmp(fa.values[v], fb.values[v], fa.value_lens[v]),
				  "%s value %u: %s vs %s", tetra_policy_filter_name(k), v,
				  fa.values[v], fb.values[v]);
		}
	}
}

static void compare_arg(const struct tetra_policy *a, const struct tetra_policy *b, uint32_t h,
			uint32_t i)
{
	struct tetra_policy_arg x, y;
	int ea, eb;

	tetra_policy_arg_init(&x, sizeof(x));
	tetra_policy_arg_init(&y, sizeof(y));
	ea = tetra_policy_get_arg(a, h, i, &x);
	eb = tetra_policy_get_arg(b, h, i, &y);
	cr_assert_eq(ea, eb, "hook %u arg %u", h, i);
	if (ea)
		return;
	cr_expect_eq(x.index, y.index);
	cr_expect_eq(x.type, y.type, "hook %u arg %u: %s vs %s", h, i,
		     tetra_policy_arg_type_name(x.type), tetra_policy_arg_type_name(y.type));
	cr_expect_eq(x.size_arg_index, y.size_arg_index);
	cr_expect_eq(x.flags, y.flags);
	cr_expect(str_eq(x.label, y.label));
	cr_expect(str_eq(x.resolve, y.resolve));
}

static void compare_policies(const struct tetra_policy *a, const struct tetra_policy *b)
{
	cr_expect_str_eq(tetra_policy_name(a), tetra_policy_name(b));
	cr_expect_eq(tetra_policy_kind(a), tetra_policy_kind(b));
	cr_expect(str_eq(tetra_policy_namespace(a), tetra_policy_namespace(b)));
	cr_assert_eq(tetra_policy_hook_count(a), tetra_policy_hook_count(b));
	cr_assert_eq(tetra_policy_list_count(a), tetra_policy_list_count(b));

	for (uint32_t l = 0; l < tetra_policy_list_count(a); l++) {
		struct tetra_policy_list x, y;

		tetra_policy_list_init(&x, sizeof(x));
		tetra_policy_list_init(&y, sizeof(y));
		cr_assert_eq(tetra_policy_get_list(a, l, &x), 0);
		cr_assert_eq(tetra_policy_get_list(b, l, &y), 0);
		cr_expect_str_eq(x.name, y.name);
		cr_expect_eq(x.type, y.type);
		cr_expect(str_eq(x.pattern, y.pattern));
		cr_assert_eq(x.nr_values, y.nr_values);
		for (uint32_t v = 0; v < x.nr_values; v++)
			cr_expect_str_eq(x.values[v], y.values[v]);
	}

	for (uint32_t h = 0; h < tetra_policy_hook_count(a); h++) {
		struct tetra_policy_hook x, y;

		tetra_policy_hook_init(&x, sizeof(x));
		tetra_policy_hook_init(&y, sizeof(y));
		cr_assert_eq(tetra_policy_get_hook(a, h, &x), 0);
		cr_assert_eq(tetra_policy_get_hook(b, h, &y), 0);
		cr_expect_eq(x.kind, y.kind, "hook %u kind", h);
		cr_expect_eq(x.flags, y.flags, "hook %u flags %#x vs %#x", h, x.flags, y.flags);
		cr_expect_str_eq(x.call, y.call);
		cr_expect(str_eq(x.event, y.event));
		cr_expect(str_eq(x.message, y.message));
		cr_expect_eq(x.return_arg_action, y.return_arg_action);
		cr_assert_eq(x.nr_args, y.nr_args);
		cr_assert_eq(x.nr_selectors, y.nr_selectors);
		cr_assert_eq(x.nr_tags, y.nr_tags);
		cr_assert_eq(x.nr_symbols, y.nr_symbols);
		cr_assert_eq(x.nr_offsets, y.nr_offsets);
		cr_assert_eq(x.nr_ref_ctr_offsets, y.nr_ref_ctr_offsets);
		for (uint32_t i = 0; i < x.nr_tags; i++)
			cr_expect_str_eq(tetra_policy_hook_string(a, h, TETRA_HOOK_STR_TAG, i),
					 tetra_policy_hook_string(b, h, TETRA_HOOK_STR_TAG, i));
		for (uint32_t i = 0; i < x.nr_symbols; i++)
			cr_expect_str_eq(tetra_policy_hook_string(a, h, TETRA_HOOK_STR_SYMBOL, i),
					 tetra_policy_hook_string(b, h, TETRA_HOOK_STR_SYMBOL, i));
		for (uint32_t i = 0; i < x.nr_offsets; i++) {
			uint64_t oa, ob;

			cr_assert_eq(tetra_policy_hook_offset(a, h, TETRA_HOOK_OFF_OFFSET, i, &oa),
				     0);
			cr_assert_eq(tetra_policy_hook_offset(b, h, TETRA_HOOK_OFF_OFFSET, i, &ob),
				     0);
			cr_expect_eq(oa, ob);
		}
		for (uint32_t i = 0; i < x.nr_args; i++)
			compare_arg(a, b, h, i);
		compare_arg(a, b, h, TETRA_POLICY_RETURN_ARG);

		for (uint32_t s = 0; s < x.nr_selectors; s++) {
			struct tetra_policy_selector sa, sb;

			tetra_policy_selector_init(&sa, sizeof(sa));
			tetra_policy_selector_init(&sb, sizeof(sb));
			cr_assert_eq(tetra_policy_get_selector(a, h, s, &sa), 0);
			cr_assert_eq(tetra_policy_get_selector(b, h, s, &sb), 0);
			for (uint32_t k = 0; k < TETRA_FILTER_COUNT; k++) {
				cr_assert_eq(sa.nr_filters[k], sb.nr_filters[k],
					     "hook %u sel %u %s", h, s,
					     tetra_policy_filter_name(k));
				compare_filters(a, b, h, s, k, sa.nr_filters[k]);
			}
			cr_assert_eq(sa.nr_actions, sb.nr_actions);
			cr_assert_eq(sa.nr_return_actions, sb.nr_return_actions);
			for (uint32_t list = 0; list < 2; list++) {
				uint32_t n = list ? sa.nr_return_actions : sa.nr_actions;

				for (uint32_t i = 0; i < n; i++) {
					struct tetra_policy_action aa, ab;

					tetra_policy_action_init(&aa, sizeof(aa));
					tetra_policy_action_init(&ab, sizeof(ab));
					cr_assert_eq(tetra_policy_get_action(a, h, s, list, i, &aa),
						     0);
					cr_assert_eq(tetra_policy_get_action(b, h, s, list, i, &ab),
						     0);
					cr_expect_eq(aa.action, ab.action);
					cr_expect_eq(aa.flags, ab.flags);
					cr_expect_eq(aa.arg_error, ab.arg_error);
					cr_expect_eq(aa.arg_sig, ab.arg_sig);
					cr_expect_eq(aa.arg_sock, ab.arg_sock);
					cr_expect_eq(aa.rate_limit_ms, ab.rate_limit_ms);
					cr_expect_eq(aa.rate_limit_scope, ab.rate_limit_scope);
					cr_expect(str_eq(aa.arg_fqdn, ab.arg_fqdn));
					cr_expect(str_eq(aa.arg_url, ab.arg_url));
				}
			}
		}
	}
}

/* ---- building ---------------------------------------------------------------------------- */

static int add_kprobe(struct tetra_policy *p, const char *call, uint32_t flags)
{
	struct tetra_policy_hook h;

	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = TETRA_HOOK_KPROBE;
	h.flags = flags;
	h.call = call;
	return tetra_policy_add_hook(p, &h);
}

static int add_arg(struct tetra_policy *p, uint32_t hook, uint32_t index, uint32_t type)
{
	struct tetra_policy_arg a;

	tetra_policy_arg_init(&a, sizeof(a));
	a.index = index;
	a.type = type;
	return tetra_policy_add_arg(p, hook, &a);
}

static int add_filter(struct tetra_policy *p, uint32_t hook, uint32_t sel, uint32_t filter,
		      uint32_t op, uint32_t index, const char *const *values, uint32_t n)
{
	struct tetra_policy_filter f;

	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = filter;
	f.op = op;
	f.index = index;
	f.values = values;
	f.nr_values = n;
	return tetra_policy_add_filter(p, hook, sel, &f);
}

Test(policy_builder, process_monitoring_matches_the_parsed_file)
{
	static const char *const binaries[] = { "/usr/bin/bash", "/bin/sh" };
	char *path = shared_path("examples/process-monitoring.yaml");
	struct tetra_policy *built = NULL, *parsed = NULL;
	struct tetra_diag d;
	int hook, sel;

	cr_assert_eq(tetra_policy_new(&built, "process-monitoring"), 0);
	hook = add_kprobe(built, "sys_execve", TETRA_HOOK_F_SYSCALL);
	cr_assert_eq(hook, 0);
	for (uint32_t i = 0; i < 3; i++)
		cr_assert_eq(add_arg(built, (uint32_t)hook, i, TETRA_ARG_STRING), (int)i);
	sel = tetra_policy_add_selector(built, (uint32_t)hook);
	cr_assert_eq(sel, 0);
	cr_assert_eq(add_filter(built, 0, 0, TETRA_FILTER_MATCH_BINARIES, TETRA_OP_IN, 0, binaries,
				2), 0);

	tetra_diag_init(&d, sizeof(d));
	cr_assert_eq(tetra_policy_validate(built, &d), 0, "%s", d.text);
	cr_expect_eq(d.count, 0);

	tetra_diag_init(&d, sizeof(d));
	cr_assert_eq(tetra_policy_parse_file(&parsed, path, &d), 0, "%s", d.text);
	compare_policies(built, parsed);
	compare_policies(parsed, built);
	tetra_policy_free(built);
	tetra_policy_free(parsed);
	free(path);
}

/* Everything the builder can express, and the YAML that says the same. */
static const char full_yaml[] =
	"apiVersion: cilium.io/v1alpha1\n"
	"kind: TracingPolicyNamespaced\n"
	"metadata:\n"
	"  name: \"everything\"\n"
	"  namespace: \"prod\"\n"
	"spec:\n"
	"  lists:\n"
	"  - name: dups\n"
	"    type: syscalls\n"
	"    values: [sys_dup, sys_dup2]\n"
	"  kprobes:\n"
	"  - call: sk_alloc\n"
	"    syscall: false\n"
	"    return: true\n"
	"    message: \"socket allocated\"\n"
	"    tags: [network, \"observability.sock\"]\n"
	"    args:\n"
	"    - index: 1\n"
	"      type: int\n"
	"      label: family\n"
	"    returnArg:\n"
	"      index: 0\n"
	"      type: sock\n"
	"    returnArgAction: TrackSock\n"
	"    selectors:\n"
	"    - matchArgs:\n"
	"      - index: 1\n"
	"        operator: Equal\n"
	"        values: [\"2\", \"10\"]\n"
	"      matchReturnArgs:\n"
	"      - index: 0\n"
	"        operator: DAddr\n"
	"        values: [\"10.0.0.0/8\"]\n"
	"      matchPIDs:\n"
	"      - operator: NotIn\n"
	"        followForks: true\n"
	"        isNamespacePID: true\n"
	"        values: [1]\n"
	"      matchNamespaces:\n"
	"      - namespace: Pid\n"
	"        operator: NotIn\n"
	"        values: [host_ns]\n"
	"      matchCapabilities:\n"
	"      - type: Permitted\n"
	"        operator: In\n"
	"        isNamespaceCapability: true\n"
	"        values: [CAP_NET_RAW]\n"
	"      matchNamespaceChanges:\n"
	"      - operator: In\n"
	"        values: [Net]\n"
	"      matchActions:\n"
	"      - action: Post\n"
	"        rateLimit: 1m\n"
	"        rateLimitScope: global\n"
	"        kernelStackTrace: true\n"
	"      matchReturnActions:\n"
	"      - action: DnsLookup\n"
	"        argFqdn: ebpf.io\n"
	"  - call: sys_write\n"
	"    ignore:\n"
	"      callNotFound: true\n"
	"    args:\n"
	"    - index: 0\n"
	"      type: fd\n"
	"    - index: 1\n"
	"      type: char_buf\n"
	"      sizeArgIndex: 3\n"
	"      returnCopy: true\n"
	"    - index: 2\n"
	"      type: size_t\n"
	"    selectors:\n"
	"    - matchBinaries:\n"
	"      - operator: Prefix\n"
	"        values: [/usr/]\n"
	"      matchActions:\n"
	"      - action: Override\n"
	"        argError: -1\n"
	"      - action: Signal\n"
	"        argSig: 10\n"
	"  - call: \"list:dups\"\n"
	"  tracepoints:\n"
	"  - subsystem: raw_syscalls\n"
	"    event: sys_enter\n"
	"    raw: true\n"
	"    args:\n"
	"    - index: 4\n"
	"      type: uint64\n"
	"    selectors:\n"
	"    - matchArgs:\n"
	"      - index: 4\n"
	"        operator: InMap\n"
	"        values: [\"list:dups\", \"100:200\"]\n"
	"  uprobes:\n"
	"  - path: /bin/bash\n"
	"    symbols: [readline, main]\n"
	"    offsets: [16, 32]\n"
	"  lsmhooks:\n"
	"  - hook: file_open\n"
	"    args:\n"
	"    - index: 0\n"
	"      type: file\n"
	"    selectors:\n"
	"    - matchArgs:\n"
	"      - index: 0\n"
	"        operator: Postfix\n"
	"        values: [\"/shadow\"]\n"
	"      matchActions:\n"
	"      - action: Sigkill\n";

static struct tetra_policy *build_full(void)
{
	static const char *const fam[] = { "2", "10" };
	static const char *const net[] = { "10.0.0.0/8" };
	static const char *const one[] = { "1" };
	static const char *const host[] = { "host_ns" };
	static const char *const raw[] = { "CAP_NET_RAW" };
	static const char *const netns[] = { "Net" };
	static const char *const usr[] = { "/usr/" };
	static const char *const inmap[] = { "list:dups", "100:200" };
	static const char *const shadow[] = { "/shadow" };
	static const char *const dups[] = { "sys_dup", "sys_dup2" };
	struct tetra_policy *p = NULL;
	struct tetra_policy_hook h;
	struct tetra_policy_arg a;
	struct tetra_policy_filter f;
	struct tetra_policy_action act;
	struct tetra_policy_list l;
	int k0, k1, k2, tp, up, lsm;

	cr_assert_eq(tetra_policy_new(&p, "everything"), 0);
	cr_assert_eq(tetra_policy_set_namespace(p, "prod"), 0);

	tetra_policy_list_init(&l, sizeof(l));
	l.name = "dups";
	l.type = TETRA_LIST_SYSCALLS;
	l.values = dups;
	l.nr_values = 2;
	cr_assert_eq(tetra_policy_add_list(p, &l), 0);

	/* kprobe 0: sk_alloc */
	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = TETRA_HOOK_KPROBE;
	h.flags = TETRA_HOOK_F_RETURN;
	h.call = "sk_alloc";
	h.message = "socket allocated";
	h.return_arg_action = TETRA_ACTION_TRACK_SOCK;
	k0 = tetra_policy_add_hook(p, &h);
	cr_assert_eq(k0, 0);
	cr_assert_eq(tetra_policy_add_hook_string(p, 0, TETRA_HOOK_STR_TAG, "network"), 0);
	cr_assert_eq(tetra_policy_add_hook_string(p, 0, TETRA_HOOK_STR_TAG, "observability.sock"),
		     1);
	tetra_policy_arg_init(&a, sizeof(a));
	a.index = 1;
	a.type = TETRA_ARG_INT;
	a.label = "family";
	cr_assert_eq(tetra_policy_add_arg(p, 0, &a), 0);
	tetra_policy_arg_init(&a, sizeof(a));
	a.type = TETRA_ARG_SOCK;
	cr_assert_eq(tetra_policy_set_return_arg(p, 0, &a), 0);
	cr_assert_eq(tetra_policy_add_selector(p, 0), 0);
	cr_assert_eq(add_filter(p, 0, 0, TETRA_FILTER_MATCH_ARGS, TETRA_OP_EQUAL, 1, fam, 2), 0);
	cr_assert_eq(add_filter(p, 0, 0, TETRA_FILTER_MATCH_RETURN_ARGS, TETRA_OP_DADDR, 0, net, 1),
		     0);
	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = TETRA_FILTER_MATCH_PIDS;
	f.op = TETRA_OP_NOT_IN;
	f.flags = TETRA_FILTER_F_FOLLOW_FORKS | TETRA_FILTER_F_NAMESPACE_PID;
	f.values = one;
	f.nr_values = 1;
	cr_assert_eq(tetra_policy_add_filter(p, 0, 0, &f), 0);
	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = TETRA_FILTER_MATCH_NAMESPACES;
	f.op = TETRA_OP_NOT_IN;
	f.type = TETRA_NS_PID;
	f.values = host;
	f.nr_values = 1;
	cr_assert_eq(tetra_policy_add_filter(p, 0, 0, &f), 0);
	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = TETRA_FILTER_MATCH_CAPABILITIES;
	f.op = TETRA_OP_IN;
	f.type = TETRA_CAPS_PERMITTED;
	f.flags = TETRA_FILTER_F_NAMESPACE_CAP;
	f.values = raw;
	f.nr_values = 1;
	cr_assert_eq(tetra_policy_add_filter(p, 0, 0, &f), 0);
	cr_assert_eq(add_filter(p, 0, 0, TETRA_FILTER_MATCH_NAMESPACE_CHANGES, TETRA_OP_IN, 0,
				netns, 1), 0);
	tetra_policy_action_init(&act, sizeof(act));
	act.action = TETRA_ACTION_POST;
	act.rate_limit_ms = 60000;
	act.rate_limit_scope = TETRA_RATE_LIMIT_GLOBAL;
	act.flags = TETRA_ACTION_F_KERNEL_STACK;
	cr_assert_eq(tetra_policy_add_action(p, 0, 0, TETRA_SELECTOR_ACTIONS, &act), 0);
	tetra_policy_action_init(&act, sizeof(act));
	act.action = TETRA_ACTION_DNS_LOOKUP;
	act.arg_fqdn = "ebpf.io";
	cr_assert_eq(tetra_policy_add_action(p, 0, 0, TETRA_SELECTOR_RETURN_ACTIONS, &act), 0);

	/* kprobe 1: sys_write */
	k1 = add_kprobe(p, "sys_write", TETRA_HOOK_F_SYSCALL | TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND);
	cr_assert_eq(k1, 1);
	cr_assert_eq(add_arg(p, 1, 0, TETRA_ARG_FD), 0);
	tetra_policy_arg_init(&a, sizeof(a));
	a.index = 1;
	a.type = TETRA_ARG_CHAR_BUF;
	a.size_arg_index = 3;
	a.flags = TETRA_ARG_F_RETURN_COPY;
	cr_assert_eq(tetra_policy_add_arg(p, 1, &a), 1);
	cr_assert_eq(add_arg(p, 1, 2, TETRA_ARG_SIZE_T), 2);
	cr_assert_eq(tetra_policy_add_selector(p, 1), 0);
	cr_assert_eq(add_filter(p, 1, 0, TETRA_FILTER_MATCH_BINARIES, TETRA_OP_PREFIX, 0, usr, 1),
		     0);
	tetra_policy_action_init(&act, sizeof(act));
	act.action = TETRA_ACTION_OVERRIDE;
	act.arg_error = -1;
	cr_assert_eq(tetra_policy_add_action(p, 1, 0, TETRA_SELECTOR_ACTIONS, &act), 0);
	tetra_policy_action_init(&act, sizeof(act));
	act.action = TETRA_ACTION_SIGNAL;
	act.arg_sig = 10;
	cr_assert_eq(tetra_policy_add_action(p, 1, 0, TETRA_SELECTOR_ACTIONS, &act), 1);

	/* kprobe 2: list:dups */
	k2 = add_kprobe(p, "list:dups", TETRA_HOOK_F_SYSCALL);
	cr_assert_eq(k2, 2);

	/* tracepoint */
	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = TETRA_HOOK_TRACEPOINT;
	h.flags = TETRA_HOOK_F_RAW;
	h.call = "raw_syscalls";
	h.event = "sys_enter";
	tp = tetra_policy_add_hook(p, &h);
	cr_assert_eq(tp, 3);
	cr_assert_eq(add_arg(p, 3, 4, TETRA_ARG_UINT64), 0);
	cr_assert_eq(tetra_policy_add_selector(p, 3), 0);
	cr_assert_eq(add_filter(p, 3, 0, TETRA_FILTER_MATCH_ARGS, TETRA_OP_IN_MAP, 4, inmap, 2), 0);

	/* uprobe */
	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = TETRA_HOOK_UPROBE;
	h.call = "/bin/bash";
	up = tetra_policy_add_hook(p, &h);
	cr_assert_eq(up, 4);
	cr_assert_eq(tetra_policy_add_hook_string(p, 4, TETRA_HOOK_STR_SYMBOL, "readline"), 0);
	cr_assert_eq(tetra_policy_add_hook_string(p, 4, TETRA_HOOK_STR_SYMBOL, "main"), 1);
	cr_assert_eq(tetra_policy_add_hook_offset(p, 4, TETRA_HOOK_OFF_OFFSET, 16), 0);
	cr_assert_eq(tetra_policy_add_hook_offset(p, 4, TETRA_HOOK_OFF_OFFSET, 32), 1);

	/* lsm hook */
	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = TETRA_HOOK_LSM;
	h.call = "file_open";
	lsm = tetra_policy_add_hook(p, &h);
	cr_assert_eq(lsm, 5);
	cr_assert_eq(add_arg(p, 5, 0, TETRA_ARG_FILE), 0);
	cr_assert_eq(tetra_policy_add_selector(p, 5), 0);
	cr_assert_eq(add_filter(p, 5, 0, TETRA_FILTER_MATCH_ARGS, TETRA_OP_POSTFIX, 0, shadow, 1),
		     0);
	tetra_policy_action_init(&act, sizeof(act));
	act.action = TETRA_ACTION_SIGKILL;
	cr_assert_eq(tetra_policy_add_action(p, 5, 0, TETRA_SELECTOR_ACTIONS, &act), 0);
	return p;
}

Test(policy_builder, everything_the_builder_can_say_matches_its_yaml)
{
	struct tetra_policy *built = build_full(), *parsed = NULL;
	struct tetra_diag d;

	tetra_diag_init(&d, sizeof(d));
	cr_assert_eq(tetra_policy_validate(built, &d), 0, "%s", d.text);
	cr_expect_eq(d.count, 0, "%s", d.text);
	tetra_diag_init(&d, sizeof(d));
	cr_assert_eq(tetra_policy_parse(&parsed, full_yaml, sizeof(full_yaml) - 1, &d), 0, "%s",
		     d.text);
	cr_expect_eq(d.count, 0, "%s", d.text);
	compare_policies(built, parsed);

	/* Validation worked out the same typed values for both. */
	cr_expect_eq(built->hooks[0].selectors[0].actions[0][0].rate_limit_ms, 60000);
	cr_expect_eq(built->hooks[2].list, 0);
	cr_expect_eq(parsed->hooks[2].list, 0);
	cr_expect_eq(built->hooks[3].selectors[0].filters[TETRA_FILTER_MATCH_ARGS][0].parsed[1].hi,
		     200);
	cr_expect_eq(built->hooks[0].selectors[0].filters[TETRA_FILTER_MATCH_CAPABILITIES][0].caps,
		     1ull << 13);
	cr_expect_eq(parsed->hooks[0].selectors[0].filters[TETRA_FILTER_MATCH_CAPABILITIES][0].caps,
		     1ull << 13);
	cr_expect_eq(built->validated, 1);
	tetra_policy_free(built);
	tetra_policy_free(parsed);
}

Test(policy_builder, accessors_report_names)
{
	struct tetra_policy *p = build_full();
	struct tetra_policy_hook h;
	struct tetra_policy_action act;

	tetra_policy_hook_init(&h, sizeof(h));
	cr_assert_eq(tetra_policy_get_hook(p, 3, &h), 0);
	cr_expect_str_eq(tetra_policy_hook_kind_name(h.kind), "tracepoints");
	cr_expect_str_eq(h.call, "raw_syscalls");
	cr_expect_str_eq(h.event, "sys_enter");
	cr_expect_eq(h.flags, TETRA_HOOK_F_RAW);
	tetra_policy_action_init(&act, sizeof(act));
	cr_assert_eq(tetra_policy_get_action(p, 1, 0, TETRA_SELECTOR_ACTIONS, 1, &act), 0);
	cr_expect_str_eq(tetra_policy_action_name(act.action), "Signal");
	cr_expect_eq(act.arg_sig, 10);
	cr_expect_str_eq(tetra_policy_op_name(TETRA_OP_NOT_SPORT_PRIV), "NotSPortPriv");
	cr_expect_str_eq(tetra_policy_filter_name(TETRA_FILTER_MATCH_CAPABILITY_CHANGES),
			 "matchCapabilityChanges");
	cr_expect_str_eq(tetra_policy_arg_type_name(TETRA_ARG_KERNEL_CAP_T), "kernel_cap_t");
	cr_expect_null(tetra_policy_op_name(0));
	cr_expect_null(tetra_policy_op_name(TETRA_OP_MAX));
	cr_expect_null(tetra_policy_arg_type_name(TETRA_ARG_TYPE_MAX));
	cr_expect_null(tetra_policy_action_name(TETRA_ACTION_MAX));
	cr_expect_null(tetra_policy_hook_kind_name(5));
	cr_expect_null(tetra_policy_filter_name(TETRA_FILTER_COUNT));
	cr_expect_null(tetra_policy_hook_string(p, 0, TETRA_HOOK_STR_TAG, 2));
	cr_expect_null(tetra_policy_name(NULL));
	cr_expect_eq(tetra_policy_hook_count(NULL), 0);
	tetra_policy_free(p);
}

Test(policy_builder, the_builder_is_validated_like_the_parser)
{
	static const char *const v[] = { "/tmp" };
	struct tetra_policy *p = NULL;
	struct tetra_diag d;

	cr_assert_eq(tetra_policy_new(&p, "Bad_Name"), 0);
	cr_assert_eq(add_kprobe(p, "sys_openat", TETRA_HOOK_F_SYSCALL), 0);
	cr_assert_eq(add_arg(p, 0, 1, TETRA_ARG_STRING), 0);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(tetra_policy_add_selector(p, 0), i);
		cr_assert_eq(add_filter(p, 0, (uint32_t)i, TETRA_FILTER_MATCH_ARGS, TETRA_OP_PREFIX,
					1, v, 1), 0);
	}
	tetra_diag_init(&d, sizeof(d));
	cr_expect_eq(tetra_policy_validate(p, &d), -TETRA_E_POLICY);
	cr_expect_eq(d.errors, 2, "%s", d.text);
	cr_expect_str_eq(d.field, "metadata.name");
	cr_expect_eq(d.line, 0);
	cr_expect(strstr(d.text, "<builder>:0:0: metadata.name: name \"Bad_Name\" is not a valid "
				 "Kubernetes name"), "%s", d.text);
	cr_expect(strstr(d.text, "<builder>:0:0: spec.kprobes[0].selectors: 6 selectors exceed "
				 "Tetragon's limit of 5 per hook\n"), "%s", d.text);
	cr_expect_eq(p->validated, 0);
	tetra_policy_free(p);
}

Test(policy_builder, values_are_checked_at_validation)
{
	static const char *const bad[] = { "not-a-number" };
	static const char *const nul[] = { "ab\0c" };
	static const uint32_t nul_len[] = { 4 };
	struct tetra_policy *p = NULL;
	struct tetra_policy_filter f, out;
	struct tetra_diag d;

	cr_assert_eq(tetra_policy_new(&p, "values"), 0);
	cr_assert_eq(add_kprobe(p, "sys_write", TETRA_HOOK_F_SYSCALL), 0);
	cr_assert_eq(add_arg(p, 0, 0, TETRA_ARG_INT), 0);
	cr_assert_eq(add_arg(p, 0, 1, TETRA_ARG_STRING), 1);
	cr_assert_eq(tetra_policy_add_selector(p, 0), 0);
	cr_assert_eq(add_filter(p, 0, 0, TETRA_FILTER_MATCH_ARGS, TETRA_OP_EQUAL, 0, bad, 1), 0);
	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = TETRA_FILTER_MATCH_ARGS;
	f.op = TETRA_OP_EQUAL;
	f.index = 1;
	f.values = nul;
	f.value_lens = nul_len;
	f.nr_values = 1;
	cr_assert_eq(tetra_policy_add_filter(p, 0, 0, &f), 1);

	tetra_diag_init(&d, sizeof(d));
	cr_expect_eq(tetra_policy_validate(p, &d), -TETRA_E_POLICY);
	cr_expect_eq(d.errors, 1, "%s", d.text);
	cr_expect_str_eq(d.field, "spec.kprobes[0].selectors[0].matchArgs[0].values[0]");
	cr_expect_str_eq(d.message, "\"not-a-number\" is not an integer");

	/* Strings keep their bytes, NULs included. */
	tetra_policy_filter_init(&out, sizeof(out));
	cr_assert_eq(tetra_policy_get_filter(p, 0, 0, TETRA_FILTER_MATCH_ARGS, 1, &out), 0);
	cr_expect_eq(out.value_lens[0], 4);
	cr_expect(!memcmp(out.values[0], "ab\0c", 4));
	tetra_policy_free(p);
}

Test(policy_builder, bad_calls_fail_cleanly_and_change_nothing)
{
	static const char *const with_null[] = { "a", NULL };
	struct tetra_policy *p = NULL;
	struct tetra_policy_hook h;
	struct tetra_policy_arg a;
	struct tetra_policy_filter f;
	struct tetra_policy_action act;
	struct {
		struct tetra_policy_hook h;
		uint64_t future_field;
	} newer;

	cr_expect_eq(tetra_policy_new(NULL, "x"), -EINVAL);
	cr_expect_eq(tetra_policy_new(&p, NULL), -EINVAL);
	cr_assert_eq(tetra_policy_new(&p, "x"), 0);

	tetra_policy_hook_init(&h, sizeof(h));
	h.kind = 9;
	h.call = "f";
	cr_expect_eq(tetra_policy_add_hook(p, &h), -EINVAL);
	h.kind = TETRA_HOOK_TRACEPOINT;	/* needs an event */
	cr_expect_eq(tetra_policy_add_hook(p, &h), -EINVAL);
	h.kind = TETRA_HOOK_KPROBE;
	h.call = NULL;
	cr_expect_eq(tetra_policy_add_hook(p, &h), -EINVAL);
	h.sz = 0;
	h.call = "f";
	cr_expect_eq(tetra_policy_add_hook(p, &h), -EINVAL);
	cr_expect_eq(tetra_policy_add_hook(p, NULL), -EINVAL);

	/* A newer caller's bigger struct: fine when the unknown tail is zero. */
	memset(&newer, 0, sizeof(newer));
	newer.h.sz = sizeof(newer);
	newer.h.kind = TETRA_HOOK_KPROBE;
	newer.h.call = "sys_write";
	newer.future_field = 1;
	cr_expect_eq(tetra_policy_add_hook(p, &newer.h), -TETRA_E_OPTS);
	newer.future_field = 0;
	cr_expect_eq(tetra_policy_add_hook(p, &newer.h), 0);
	cr_expect_eq(tetra_policy_hook_count(p), 1);

	tetra_policy_arg_init(&a, sizeof(a));
	a.type = 0;
	cr_expect_eq(tetra_policy_add_arg(p, 0, &a), -EINVAL);
	a.type = TETRA_ARG_INT;
	cr_expect_eq(tetra_policy_add_arg(p, 7, &a), -EINVAL);
	a.flags = 1u << 20;
	cr_expect_eq(tetra_policy_add_arg(p, 0, &a), -EINVAL);

	cr_expect_eq(tetra_policy_add_selector(p, 1), -EINVAL);
	cr_assert_eq(tetra_policy_add_selector(p, 0), 0);
	tetra_policy_filter_init(&f, sizeof(f));
	f.filter = TETRA_FILTER_MATCH_BINARIES;
	f.op = 99;
	cr_expect_eq(tetra_policy_add_filter(p, 0, 0, &f), -EINVAL);
	f.op = TETRA_OP_IN;
	f.values = with_null;
	f.nr_values = 2;
	cr_expect_eq(tetra_policy_add_filter(p, 0, 0, &f), -EINVAL);
	f.nr_values = 1;
	cr_expect_eq(tetra_policy_add_filter(p, 0, 1, &f), -EINVAL);
	f.filter = TETRA_FILTER_COUNT;
	cr_expect_eq(tetra_policy_add_filter(p, 0, 0, &f), -EINVAL);

	tetra_policy_action_init(&act, sizeof(act));
	act.action = 0;
	cr_expect_eq(tetra_policy_add_action(p, 0, 0, TETRA_SELECTOR_ACTIONS, &act), -EINVAL);
	act.action = TETRA_ACTION_POST;
	cr_expect_eq(tetra_policy_add_action(p, 0, 0, 2, &act), -EINVAL);
	cr_expect_eq(tetra_policy_add_hook_string(p, 0, TETRA_HOOK_STR_SYMBOL, "x"), -EINVAL);
	cr_expect_eq(tetra_policy_add_hook_offset(p, 0, TETRA_HOOK_OFF_OFFSET, 1), -EINVAL);

	/* Nothing half-added. */
	{
		struct tetra_policy_selector s;

		tetra_policy_selector_init(&s, sizeof(s));
		cr_assert_eq(tetra_policy_get_selector(p, 0, 0, &s), 0);
		for (int k = 0; k < TETRA_FILTER_COUNT; k++)
			cr_expect_eq(s.nr_filters[k], 0);
		cr_expect_eq(s.nr_actions, 0);
		tetra_policy_hook_init(&h, sizeof(h));
		cr_assert_eq(tetra_policy_get_hook(p, 0, &h), 0);
		cr_expect_eq(h.nr_args, 0);
	}
	cr_expect_eq(tetra_policy_validate(NULL, NULL), -EINVAL);
	tetra_policy_free(p);
}

Test(policy_builder, a_change_drops_the_validated_mark)
{
	struct tetra_policy *p = NULL;

	cr_assert_eq(tetra_policy_new(&p, "mark"), 0);
	cr_assert_eq(add_kprobe(p, "sys_write", TETRA_HOOK_F_SYSCALL), 0);
	cr_assert_eq(tetra_policy_validate(p, NULL), 0);
	cr_expect_eq(p->validated, 1);
	cr_assert_eq(add_arg(p, 0, 0, TETRA_ARG_INT), 0);
	cr_expect_eq(p->validated, 0);
	cr_assert_eq(tetra_policy_validate(p, NULL), 0);
	cr_expect_eq(p->validated, 1);
	/* Validating twice is harmless (typed values are recomputed). */
	cr_assert_eq(tetra_policy_validate(p, NULL), 0);
	tetra_policy_free(p);
}

Test(policy_builder, output_structs_honour_the_callers_size)
{
	struct tetra_policy *p = build_full();
	struct {
		struct tetra_policy_hook h;
		char canary[8];
	} out;
	size_t small = offsetof(struct tetra_policy_hook, event);

	memset(&out, 0x5a, sizeof(out));
	tetra_policy_hook_init(&out.h, small);
	cr_assert_eq(tetra_policy_get_hook(p, 0, &out.h), 0);
	cr_expect_eq(out.h.sz, small);
	cr_expect_eq(out.h.kind, TETRA_HOOK_KPROBE);
	cr_expect_str_eq(out.h.call, "sk_alloc");
	cr_expect_eq(((unsigned char *)&out.h)[small], 0x5a, "wrote past the caller's sz");
	out.h.sz = 0;
	cr_expect_eq(tetra_policy_get_hook(p, 0, &out.h), -EINVAL);
	tetra_policy_free(p);
}
