// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The policy plan against made-up kernels: a locked-down one (no kprobe, fentry or BPF
 * LSM, like our development machines), a full one, and one without raw tracepoints.
 * Checks the mechanism of each hook, how each action is carried out, the reasons given
 * when something cannot be, and that a plan never promises more than the runtime does.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tetra/tetra.h>

#include "context.h"
#include "plan.h"
#include "policy.h"

/* ---- made-up kernels ------------------------------------------------------------------ */

#define BIT(f) (UINT64_C(1) << (f))

static struct tetra_features features_with(uint64_t available)
{
	struct tetra_features f;

	tetra_features_init(&f, sizeof(f));
	f.available = available;
	for (int i = 0; i < TETRA_FEATURE_COUNT; i++)
		if (!(available & BIT(i)))
			f.error[i] = -EPERM;
	return f;
}

/* Our development machines: the errors are those tetra-observe --probe shows there. */
static struct tetra_features locked_down(void)
{
	struct tetra_features f = features_with(
		BIT(TETRA_FEATURE_BTF) | BIT(TETRA_FEATURE_RINGBUF) |
		BIT(TETRA_FEATURE_TRACEPOINT) | BIT(TETRA_FEATURE_RAW_TP) |
		BIT(TETRA_FEATURE_TP_BTF) | BIT(TETRA_FEATURE_UPROBE) |
		BIT(TETRA_FEATURE_CGROUP_SOCK_ADDR) | BIT(TETRA_FEATURE_SEND_SIGNAL));

	f.error[TETRA_FEATURE_KPROBE] = -ENOENT;
	f.error[TETRA_FEATURE_KPROBE_MULTI] = -EOPNOTSUPP;
	f.error[TETRA_FEATURE_FENTRY] = -EPERM;
	f.error[TETRA_FEATURE_LSM_ACTIVE] = -ENOENT;
	f.error[TETRA_FEATURE_LSM_LOADABLE] = -EPERM;
	f.error[TETRA_FEATURE_OVERRIDE_RETURN] = -EINVAL;
	return f;
}

static struct tetra_features full_kernel(void)
{
	return features_with(BIT(TETRA_FEATURE_COUNT) - 1);
}

/* No raw tracepoints at all (nor kprobe or fentry). */
static struct tetra_features no_raw_tp(void)
{
	struct tetra_features f = locked_down();

	f.available &= ~(BIT(TETRA_FEATURE_RAW_TP) | BIT(TETRA_FEATURE_TP_BTF));
	f.error[TETRA_FEATURE_RAW_TP] = -EINVAL;
	f.error[TETRA_FEATURE_TP_BTF] = -EINVAL;
	return f;
}

/* ---- helpers -------------------------------------------------------------------------- */

#define HDR                                                                                \
	"apiVersion: cilium.io/v1alpha1\n"                                                 \
	"kind: TracingPolicy\n"                                                            \
	"metadata:\n"                                                                      \
	"  name: \"t\"\n"                                                                  \
	"spec:\n"

#define EXEC_POLICY                                                                        \
	HDR "  kprobes:\n"                                                                 \
	    "  - call: \"sys_execve\"\n"                                                   \
	    "    syscall: true\n"                                                          \
	    "    args:\n"                                                                  \
	    "    - index: 0\n"                                                             \
	    "      type: \"string\"\n"                                                     \
	    "    selectors:\n"                                                             \
	    "    - matchBinaries:\n"                                                       \
	    "      - operator: In\n"                                                       \
	    "        values:\n"                                                            \
	    "        - \"/usr/bin/bash\"\n"

#define KFUNC_POLICY                                                                       \
	HDR "  kprobes:\n"                                                                 \
	    "  - call: \"sys_openat\"\n"                                                   \
	    "  - call: \"security_file_open\"\n"                                           \
	    "    syscall: false\n"

static struct tetra_policy *parse(const char *yaml)
{
	struct tetra_policy *p = NULL;
	struct tetra_diag d;
	int err;

	tetra_diag_init(&d, sizeof(d));
	err = tetra_policy_parse(&p, yaml, strlen(yaml), &d);
	cr_assert_eq(err, 0, "parse: %d\n%s", err, d.text);
	return p;
}

static struct tetra_plan *plan_flags(struct tetra_features f, const char *yaml, uint32_t flags)
{
	struct tetra_policy *p = parse(yaml);
	struct tetra_plan *plan = NULL;
	int err;

	err = tetra__plan_build_flags(&f, p, flags, &plan);
	tetra_policy_free(p);
	cr_assert_eq(err, 0, "plan: %d", err);
	cr_assert_not_null(plan);
	return plan;
}

static struct tetra_plan *plan(struct tetra_features f, const char *yaml)
{
	return plan_flags(f, yaml, 0);
}

static char *text(const struct tetra_plan *p)
{
	int n = tetra_plan_to_text(p, NULL, 0);
	char *buf;

	cr_assert_gt(n, 0);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(tetra_plan_to_text(p, buf, (size_t)n + 1), n);
	return buf;
}

#define expect_contains(hay, needle)                                                       \
	cr_expect(strstr((hay), (needle)) != NULL, "\"%s\"\n  lacks \"%s\"", (hay), (needle))

/* The problems of @hook, one per line, for messages and searching. */
static char *problems(const struct tetra_plan *p, uint32_t hook)
{
	static char buf[8192];
	size_t used = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < tetra_plan_problem_count(p, hook); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s\n",
					 tetra_plan_problem(p, hook, i));
	return buf;
}

/* ---- mechanisms ----------------------------------------------------------------------- */

Test(plan_mechanism, syscall_hook_uses_the_syscall_tracepoint_on_a_locked_down_kernel)
{
	struct tetra_plan *p = plan(locked_down(), EXEC_POLICY);

	cr_expect_str_eq(tetra_plan_policy_name(p), "t");
	cr_assert_eq(tetra_plan_hook_count(p), 1);
	cr_expect_str_eq(tetra_plan_hook_name(p, 0), "kprobes[0] sys_execve");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	cr_expect_eq(tetra_plan_hook_error(p, 0), 0);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 0),
			 "kprobes[0] \"sys_execve\": syscall tracepoint (raw sys_enter, "
			 "dispatched by syscall number); this kernel allows neither kprobe nor "
			 "fentry (kprobe: No such file or directory, fentry: Operation not "
			 "permitted)");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 0, "%s", problems(p, 0));
	cr_expect_eq(tetra_plan_ok(p), 1);
	cr_expect_eq(tetra_plan_error_count(p), 0);

	/* the selector has no action: the default Post */
	cr_assert_eq(tetra_plan_action_count(p, 0), 1);
	cr_expect_eq(tetra_plan_action_selector(p, 0, 0), 0);
	cr_expect_eq(tetra_plan_action_type(p, 0, 0), TETRA_ACTION_POST);
	cr_expect_eq(tetra_plan_action_effective(p, 0, 0), TETRA_ACTION_POST);
	cr_expect_eq(tetra_plan_action_error(p, 0, 0), 0);
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 0), "kprobes[0].selectors[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Post (default): event to the ring buffer from sys_enter");
	tetra_plan_free(p);
}

Test(plan_mechanism, syscall_tracepoint_is_chosen_even_where_kprobe_and_fentry_exist)
{
	struct tetra_plan *p = plan(full_kernel(), EXEC_POLICY);

	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	cr_expect_eq(tetra_plan_hook_error(p, 0), 0);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"kprobe and fentry are available, but this libtetra version implements "
			"syscall hooks through the syscall tracepoint only");
	cr_expect_eq(tetra_plan_ok(p), 1);
	tetra_plan_free(p);

	/* only kprobe: named, and the missing fentry with its reason */
	struct tetra_features f = locked_down();

	f.available |= BIT(TETRA_FEATURE_KPROBE);
	p = plan(f, EXEC_POLICY);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"kprobe is available, but this libtetra version implements syscall hooks "
			"through the syscall tracepoint only (fentry: Operation not permitted)");
	tetra_plan_free(p);
}

Test(plan_mechanism, no_raw_tracepoints_and_no_kprobes_means_no_mechanism)
{
	struct tetra_plan *p = plan(no_raw_tp(), EXEC_POLICY);
	char *t;

	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_NONE);
	cr_expect_eq(tetra_plan_hook_error(p, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 0),
			 "kprobes[0] \"sys_execve\": syscall hooks need the syscall tracepoint "
			 "(raw_tp with kernel BTF and a ring buffer), kprobe or fentry; this "
			 "kernel allows none of them (raw_tp: Invalid argument, kprobe: No such "
			 "file or directory, fentry: Operation not permitted)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	cr_expect_eq(tetra_plan_error_count(p), 1);
	/* its actions are listed, none carried out */
	cr_assert_eq(tetra_plan_action_count(p, 0), 1);
	cr_expect_eq(tetra_plan_action_effective(p, 0, 0), 0);
	cr_expect_eq(tetra_plan_action_error(p, 0, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Post (default): not planned: kprobes[0] has no usable mechanism");
	t = text(p);
	expect_contains(t, "kprobes[0] sys_execve: none (no mechanism)");
	expect_contains(t, "cannot be carried out on this kernel: 1 problem\n");
	free(t);
	tetra_plan_free(p);
}

Test(plan_mechanism, syscall_tracepoint_needs_btf_and_a_ring_buffer_too)
{
	struct tetra_features f = locked_down();
	struct tetra_plan *p;

	f.available &= ~BIT(TETRA_FEATURE_BTF);
	f.error[TETRA_FEATURE_BTF] = -ENOENT;
	p = plan(f, EXEC_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_NONE);
	expect_contains(tetra_plan_hook_reason(p, 0), "(btf: No such file or directory, kprobe:");
	tetra_plan_free(p);
}

Test(plan_mechanism, kprobe_without_the_tracepoint_is_named_but_not_implemented)
{
	struct tetra_features f = no_raw_tp();
	struct tetra_plan *p;

	f.available |= BIT(TETRA_FEATURE_KPROBE);
	p = plan(f, EXEC_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_KPROBE);
	cr_expect_eq(tetra_plan_hook_error(p, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 0),
			 "kprobes[0] \"sys_execve\": syscall hooks through kprobe are not "
			 "implemented in this libtetra version, and the syscall tracepoint it "
			 "implements cannot be used on this kernel (raw_tp: Invalid argument)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

Test(plan_mechanism, kernel_functions_need_kprobe_or_fentry)
{
	struct tetra_plan *p = plan(locked_down(), KFUNC_POLICY);
	struct tetra_features f;

	cr_assert_eq(tetra_plan_hook_count(p), 2);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	cr_expect_str_eq(tetra_plan_hook_name(p, 1), "kprobes[1] security_file_open");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_NONE);
	cr_expect_eq(tetra_plan_hook_error(p, 1), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 1),
			 "kprobes[1] \"security_file_open\": kernel function hooks need kprobe or "
			 "fentry; this kernel allows neither (kprobe: No such file or directory, "
			 "fentry: Operation not permitted)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	cr_expect_eq(tetra_plan_error_count(p), 1);
	tetra_plan_free(p);

	/* the kernel has them: named, but not implemented yet */
	p = plan(full_kernel(), KFUNC_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_FENTRY);
	cr_expect_eq(tetra_plan_hook_error(p, 1), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 1),
			 "kprobes[1] \"security_file_open\": kernel function hooks through fentry "
			 "are not implemented in this libtetra version (this kernel allows "
			 "fentry)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);

	f = locked_down();
	f.available |= BIT(TETRA_FEATURE_KPROBE);
	p = plan(f, KFUNC_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_KPROBE);
	expect_contains(tetra_plan_hook_reason(p, 1),
			"kernel function hooks through kprobe are not implemented in this "
			"libtetra version (this kernel allows kprobe; fentry: Operation not "
			"permitted)");
	tetra_plan_free(p);
}

#define LSM_POLICY                                                                         \
	HDR "  lsmhooks:\n"                                                                \
	    "  - hook: \"file_open\"\n"                                                    \
	    "    args:\n"                                                                  \
	    "    - index: 0\n"                                                             \
	    "      type: \"file\"\n"                                                       \
	    "    selectors:\n"                                                             \
	    "    - matchActions:\n"                                                        \
	    "      - action: Override\n"                                                   \
	    "        argError: -1\n"

Test(plan_mechanism, lsm_hooks_need_bpf_lsm)
{
	struct tetra_plan *p = plan(locked_down(), LSM_POLICY);
	struct tetra_features f;

	cr_expect_str_eq(tetra_plan_hook_name(p, 0), "lsmhooks[0] file_open");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_NONE);
	cr_expect_eq(tetra_plan_hook_error(p, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 0),
			 "lsmhooks[0] \"file_open\": LSM hooks need BPF LSM (\"bpf\" in the "
			 "active LSM list and BPF LSM programs allowed); this kernel does not "
			 "offer it (lsm_active: No such file or directory, lsm_loadable: "
			 "Operation not permitted)");
	cr_assert_eq(tetra_plan_action_count(p, 0), 1);
	cr_expect_eq(tetra_plan_action_type(p, 0, 0), TETRA_ACTION_OVERRIDE);
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 0),
			 "lsmhooks[0].selectors[0].matchActions[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Override: not planned: lsmhooks[0] has no usable mechanism");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);

	/* active but not loadable: only the missing part is named */
	f = locked_down();
	f.available |= BIT(TETRA_FEATURE_LSM_ACTIVE);
	p = plan(f, LSM_POLICY);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"does not offer it (lsm_loadable: Operation not permitted)");
	tetra_plan_free(p);

	p = plan(full_kernel(), LSM_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_LSM);
	cr_expect_eq(tetra_plan_hook_error(p, 0), -TETRA_E_NOT_SUPPORTED);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"LSM hooks through BPF LSM are not implemented in this libtetra version");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

#define TP_UPROBE_POLICY                                                                   \
	HDR "  tracepoints:\n"                                                             \
	    "  - subsystem: \"sched\"\n"                                                   \
	    "    event: \"sched_switch\"\n"                                                \
	    "  - subsystem: \"sched\"\n"                                                   \
	    "    event: \"sched_switch\"\n"                                                \
	    "    raw: true\n"                                                              \
	    "  uprobes:\n"                                                                 \
	    "  - path: \"/bin/bash\"\n"                                                    \
	    "    symbols:\n"                                                               \
	    "    - \"readline\"\n"

Test(plan_mechanism, tracepoints_and_uprobes_are_implemented_raw_tracepoints_not)
{
	struct tetra_plan *p = plan(locked_down(), TP_UPROBE_POLICY);
	struct tetra_features f;

	cr_assert_eq(tetra_plan_hook_count(p), 3);
	cr_expect_str_eq(tetra_plan_hook_name(p, 0), "tracepoints[0] sched/sched_switch");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_TRACEPOINT);
	cr_expect_eq(tetra_plan_hook_error(p, 0), 0);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"tracepoints[0] \"sched/sched_switch\": tracepoint (perf event link");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_RAW_TRACEPOINT);
	expect_contains(tetra_plan_hook_reason(p, 1), "raw tracepoint hooks are not implemented");
	cr_expect_str_eq(tetra_plan_hook_name(p, 2), "uprobes[0] /bin/bash");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 2), TETRA_MECH_UPROBE);
	cr_expect_eq(tetra_plan_hook_error(p, 2), 0);
	expect_contains(tetra_plan_hook_reason(p, 2), "uprobes[0] \"/bin/bash\": uprobe (");
	cr_expect_eq(tetra_plan_error_count(p), 1);
	tetra_plan_free(p);

	f = no_raw_tp();
	f.available &= ~BIT(TETRA_FEATURE_UPROBE);
	f.error[TETRA_FEATURE_UPROBE] = -ENOENT;
	p = plan(f, TP_UPROBE_POLICY);
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_NONE);
	cr_expect_str_eq(tetra_plan_hook_reason(p, 1),
			 "tracepoints[1] \"sched/sched_switch\": raw tracepoint hooks need "
			 "raw_tp; this kernel does not allow them (raw_tp: Invalid argument)");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 2), TETRA_MECH_NONE);
	expect_contains(tetra_plan_hook_reason(p, 2), "(uprobe: No such file or directory)");
	tetra_plan_free(p);
}

/* ---- actions -------------------------------------------------------------------------- */

#define ACTION_POLICY(actions)                                                             \
	HDR "  kprobes:\n"                                                                 \
	    "  - call: \"sys_openat\"\n"                                                   \
	    "    selectors:\n"                                                             \
	    "    - matchActions:\n" actions

Test(plan_actions, post_nopost_sigkill_and_signal_work_from_sys_enter)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    selectors:\n"
		"    - matchPIDs:\n"
		"      - operator: In\n"
		"        values: [1]\n"
		"      matchActions:\n"
		"      - action: Sigkill\n"
		"    - matchPIDs:\n"
		"      - operator: In\n"
		"        values: [2]\n"
		"      matchActions:\n"
		"      - action: Signal\n"
		"        argSig: 10\n"
		"    - matchPIDs:\n"
		"      - operator: In\n"
		"        values: [3]\n"
		"      matchActions:\n"
		"      - action: NoPost\n"
		"      - action: Sigkill\n"
		"    - matchActions:\n"
		"      - action: Post\n");

	cr_expect_eq(tetra_plan_ok(p), 1, "%s", problems(p, 0));
	cr_assert_eq(tetra_plan_action_count(p, 0), 5);
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 0),
			 "kprobes[0].selectors[0].matchActions[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Sigkill: bpf_send_signal(SIGKILL) from sys_enter");
	cr_expect_eq(tetra_plan_action_effective(p, 0, 0), TETRA_ACTION_SIGKILL);
	cr_expect_eq(tetra_plan_action_selector(p, 0, 1), 1);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 1),
			 "Signal: bpf_send_signal(SIGUSR1) from sys_enter");
	cr_expect_eq(tetra_plan_action_effective(p, 0, 1), TETRA_ACTION_SIGNAL);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 2), "NoPost: no event");
	cr_expect_eq(tetra_plan_action_error(p, 0, 3), 0, "%s", tetra_plan_action_how(p, 0, 3));
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 4),
			 "Post: event to the ring buffer from sys_enter");
	cr_expect_eq(tetra_plan_action_selector(p, 0, 4), 3);
	tetra_plan_free(p);
}

Test(plan_actions, override_is_impossible_from_a_syscall_tracepoint)
{
	const char *yaml = ACTION_POLICY("      - action: Override\n"
					 "        argError: -1\n");
	struct tetra_plan *p = plan(locked_down(), yaml);
	char *t;

	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	cr_expect_eq(tetra_plan_hook_error(p, 0), 0);
	cr_assert_eq(tetra_plan_action_count(p, 0), 1);
	cr_expect_eq(tetra_plan_action_type(p, 0, 0), TETRA_ACTION_OVERRIDE);
	cr_expect_eq(tetra_plan_action_effective(p, 0, 0), 0);
	cr_expect_eq(tetra_plan_action_error(p, 0, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Override: not possible from a syscall tracepoint (needs BPF LSM, "
			 "fmod_ret or bpf_override_return)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	cr_expect_eq(tetra_plan_error_count(p), 1);
	t = text(p);
	expect_contains(t, "  error:  kprobes[0].selectors[0].matchActions[0]: Override: not "
			   "possible from a syscall tracepoint");
	free(t);
	tetra_plan_free(p);

	/* the explicit option turns it into Sigkill, and says so */
	p = plan_flags(locked_down(), yaml, TETRA_POLICY_F_OVERRIDE_AS_SIGKILL);
	cr_expect_eq(tetra_plan_action_effective(p, 0, 0), TETRA_ACTION_SIGKILL);
	cr_expect_eq(tetra_plan_action_error(p, 0, 0), 0);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Override: bpf_send_signal(SIGKILL) from sys_enter instead "
			 "(TETRA_POLICY_F_OVERRIDE_AS_SIGKILL): the call itself is not denied");
	cr_expect_eq(tetra_plan_ok(p), 1);
	t = text(p);
	expect_contains(t, "policy flags: OVERRIDE_AS_SIGKILL");
	free(t);
	tetra_plan_free(p);
}

Test(plan_actions, signals_need_bpf_send_signal)
{
	struct tetra_features f = locked_down();
	struct tetra_plan *p;

	f.available &= ~BIT(TETRA_FEATURE_SEND_SIGNAL);
	f.error[TETRA_FEATURE_SEND_SIGNAL] = -EINVAL;
	p = plan(f, ACTION_POLICY("      - action: Sigkill\n"));
	cr_expect_eq(tetra_plan_action_error(p, 0, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Sigkill: needs the bpf_send_signal helper; this kernel refuses it "
			 "(send_signal: Invalid argument)");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

Test(plan_actions, combinations_the_runtime_cannot_express_fail_at_the_later_action)
{
	struct tetra_plan *p = plan(locked_down(), ACTION_POLICY("      - action: Sigkill\n"
								 "      - action: Signal\n"
								 "        argSig: 19\n"));

	cr_expect_eq(tetra_plan_action_error(p, 0, 0), 0);
	cr_expect_eq(tetra_plan_action_error(p, 0, 1), -TETRA_E_NOT_SUPPORTED);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 1),
			 "Signal: the syscall tracepoint mechanism sends one signal per selector "
			 "(this selector already sends SIGKILL)");
	tetra_plan_free(p);

	p = plan(locked_down(), ACTION_POLICY("      - action: Post\n"
					      "      - action: NoPost\n"));
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 1),
			 "NoPost: contradicts Post in the same selector");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);

	/* the same signal twice is one signal */
	p = plan(locked_down(), ACTION_POLICY("      - action: Sigkill\n"
					      "      - action: Signal\n"
					      "        argSig: 9\n"));
	cr_expect_eq(tetra_plan_ok(p), 1, "%s", tetra_plan_action_how(p, 0, 1));
	tetra_plan_free(p);
}

Test(plan_actions, post_options_and_other_actions_are_not_supported_yet)
{
	struct tetra_plan *p = plan(locked_down(), ACTION_POLICY("      - action: Post\n"
								 "        rateLimit: \"1m\"\n"));

	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Post: rateLimit is not supported by the syscall tracepoint mechanism "
			 "yet");
	tetra_plan_free(p);

	p = plan(locked_down(), ACTION_POLICY("      - action: Post\n"
					      "        kernelStackTrace: true\n"));
	expect_contains(tetra_plan_action_how(p, 0, 0), "Post: kernelStackTrace is not supported");
	tetra_plan_free(p);

	p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    args:\n"
		"    - index: 0\n"
		"      type: \"int\"\n"
		"    selectors:\n"
		"    - matchActions:\n"
		"      - action: FollowFD\n"
		"        argFd: 0\n"
		"        argName: 0\n");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "FollowFD: not supported by the syscall tracepoint mechanism yet");
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

Test(plan_actions, a_hook_without_selectors_posts_every_call)
{
	struct tetra_plan *p = plan(locked_down(), HDR "  kprobes:\n  - call: \"sys_setuid\"\n");

	cr_assert_eq(tetra_plan_action_count(p, 0), 1);
	cr_expect_eq(tetra_plan_action_selector(p, 0, 0), TETRA_PLAN_NO_SELECTOR);
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 0), "kprobes[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Post (default, no selectors): event to the ring buffer from sys_enter "
			 "for every call");
	cr_expect_eq(tetra_plan_ok(p), 1);
	tetra_plan_free(p);
}

/* ---- what the syscall tracepoint cannot do yet ---------------------------------------- */

Test(plan_selectors, unsupported_filters_are_named_by_their_path)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    selectors:\n"
		"    - matchPIDs:\n"
		"      - operator: NotIn\n"
		"        values: [1]\n"
		"    - matchNamespaceChanges:\n"
		"      - operator: In\n"
		"        values: [\"Mnt\"]\n"
		"      matchCapabilityChanges:\n"
		"      - operator: In\n"
		"        values: [\"CAP_SYS_ADMIN\"]\n");

	cr_assert_eq(tetra_plan_problem_count(p, 0), 2, "%s", problems(p, 0));
	cr_expect_str_eq(tetra_plan_problem(p, 0, 0),
			 "kprobes[0].selectors[1].matchNamespaceChanges: not supported by the "
			 "syscall tracepoint mechanism yet");
	cr_expect_str_eq(tetra_plan_problem(p, 0, 1),
			 "kprobes[0].selectors[1].matchCapabilityChanges: not supported by the "
			 "syscall tracepoint mechanism yet");
	cr_expect_eq(tetra_plan_problem_error(p, 0, 0), -TETRA_E_NOT_SUPPORTED);
	cr_expect_eq(tetra_plan_hook_error(p, 0), 0);	/* the mechanism itself is fine */
	cr_expect_eq(tetra_plan_ok(p), 0);
	cr_expect_eq(tetra_plan_error_count(p), 2);
	tetra_plan_free(p);
}

Test(plan_selectors, supported_match_args_pass)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    args:\n"
		"    - index: 1\n"
		"      type: \"string\"\n"
		"    - index: 2\n"
		"      type: \"int\"\n"
		"    - index: 0\n"
		"      type: \"uint64\"\n"
		"    selectors:\n"
		"    - matchArgs:\n"
		"      - index: 1\n"
		"        operator: Prefix\n"
		"        values: [\"/etc/\"]\n"
		"      - index: 1\n"
		"        operator: NotPostfix\n"
		"        values: [\".conf\"]\n"
		"      - index: 2\n"
		"        operator: Mask\n"
		"        values: [\"1\"]\n"
		"      - index: 0\n"
		"        operator: InRange\n"
		"        values: [\"0:10\", \"20:30\"]\n"
		"      matchBinaries:\n"
		"      - operator: Postfix\n"
		"        values: [\"/cat\"]\n");

	cr_expect_eq(tetra_plan_problem_count(p, 0), 0, "%s", problems(p, 0));
	cr_expect_eq(tetra_plan_ok(p), 1);
	tetra_plan_free(p);
}

Test(plan_selectors, namespaces_and_capabilities_pass_within_the_limits)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    selectors:\n"
		"    - matchNamespaces:\n"
		"      - namespace: Mnt\n"
		"        operator: In\n"
		"        values: [\"host_ns\", \"4026531840\"]\n"
		"      - namespace: Net\n"
		"        operator: NotIn\n"
		"        values: [\"host_ns\"]\n"
		"      matchCapabilities:\n"
		"      - type: Effective\n"
		"        operator: In\n"
		"        values: [\"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"]\n"
		"      - type: Permitted\n"
		"        operator: NotIn\n"
		"        values: [\"CAP_BPF\"]\n");

	cr_expect_eq(tetra_plan_problem_count(p, 0), 0, "%s", problems(p, 0));
	cr_expect_eq(tetra_plan_ok(p), 1);
	tetra_plan_free(p);
}

Test(plan_selectors, namespaces_and_capabilities_past_the_limits_are_explained)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    selectors:\n"
		"    - matchNamespaces:\n"
		"      - namespace: Mnt\n"
		"        operator: In\n"
		"        values: [\"host_ns\"]\n"
		"      - namespace: Net\n"
		"        operator: In\n"
		"        values: [\"host_ns\"]\n"
		"      - namespace: Uts\n"
		"        operator: In\n"
		"        values: [\"host_ns\"]\n"
		"      matchCapabilities:\n"
		"      - operator: In\n"
		"        isNamespaceCapability: true\n"
		"        values: [\"CAP_SYS_ADMIN\"]\n"
		"      - operator: In\n"
		"        values: [\"CAP_SYS_ADMIN\"]\n"
		"      - operator: In\n"
		"        values: [\"CAP_SYS_ADMIN\"]\n");
	const char *pr = problems(p, 0);

	expect_contains(pr, "kprobes[0].selectors[0].matchNamespaces[2]: the syscall tracepoint "
			    "mechanism holds at most 2 matchNamespaces filters per selector\n");
	expect_contains(pr, "kprobes[0].selectors[0].matchCapabilities[0]: isNamespaceCapability "
			    "is not supported by the syscall tracepoint mechanism yet\n");
	expect_contains(pr, "kprobes[0].selectors[0].matchCapabilities[2]: the syscall "
			    "tracepoint mechanism holds at most 2 matchCapabilities filters per "
			    "selector\n");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 3, "%s", pr);
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

Test(plan_selectors, unsupported_match_args_are_explained)
{
	char big[400], yaml[2048];
	struct tetra_plan *p;
	const char *pr;

	memset(big, 'a', 300);
	big[300] = '\0';
	snprintf(yaml, sizeof(yaml), HDR
		 "  kprobes:\n"
		 "  - call: \"sys_openat\"\n"
		 "    args:\n"
		 "    - index: 1\n"
		 "      type: \"string\"\n"
		 "    - index: 0\n"
		 "      type: \"int\"\n"
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: SubString\n"
		 "        values: [\"passwd\"]\n"
		 "      - index: 0\n"
		 "        operator: InRange\n"
		 "        values: [\"0:1\", \"2:3\", \"4:5\"]\n"
		 "      - index: 1\n"
		 "        operator: Equal\n"
		 "        values: [\"%s\"]\n", big);
	p = plan(locked_down(), yaml);
	pr = problems(p, 0);
	expect_contains(pr, "kprobes[0].selectors[0].matchArgs[0]: operator SubString on a string "
			    "arg is not supported by the syscall tracepoint mechanism yet\n");
	expect_contains(pr, "kprobes[0].selectors[0].matchArgs[1]: 3 ranges; the syscall "
			    "tracepoint mechanism holds at most 2 per filter\n");
	expect_contains(pr, "kprobes[0].selectors[0].matchArgs[2]: values[0] is 300 bytes; the "
			    "syscall tracepoint mechanism compares at most 254\n");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 3, "%s", pr);
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);
}

Test(plan_selectors, binaries_and_pids_options_are_not_supported_yet)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    selectors:\n"
		"    - matchBinaries:\n"
		"      - operator: In\n"
		"        values: [\"/bin/sh\"]\n"
		"        followChildren: true\n"
		"      matchPIDs:\n"
		"      - operator: In\n"
		"        values: [1]\n"
		"        followForks: true\n"
		"      - operator: NotIn\n"
		"        values: [2]\n"
		"        isNamespacePID: true\n");
	const char *pr = problems(p, 0);

	expect_contains(pr, "kprobes[0].selectors[0].matchBinaries[0]: followChildren is not "
			    "supported by the syscall tracepoint mechanism yet\n");
	expect_contains(pr, "kprobes[0].selectors[0].matchPIDs[0]: followForks is not supported");
	expect_contains(pr, "kprobes[0].selectors[0].matchPIDs[1]: more than 1 matchPIDs filter "
			    "per selector is not supported");
	expect_contains(pr, "kprobes[0].selectors[0].matchPIDs[1]: isNamespacePID is not "
			    "supported");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 4, "%s", pr);
	tetra_plan_free(p);
}

Test(plan_selectors, args_the_runtime_cannot_read_beside_a_return_probe)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_read\"\n"
		"    return: true\n"
		"    args:\n"
		"    - index: 0\n"
		"      type: \"file\"\n"
		"    - index: 1\n"
		"      type: \"char_buf\"\n"
		"    - index: 1\n"
		"      type: \"char_buf\"\n"
		"      sizeArgIndex: 3\n"
		"      maxData: true\n"
		"    returnArg:\n"
		"      index: 0\n"
		"      type: \"int\"\n"
		"    selectors:\n"
		"    - matchArgs:\n"
		"      - index: 0\n"
		"        operator: Equal\n"
		"        values: [\"/etc/passwd\"]\n"
		"      matchReturnActions:\n"
		"      - action: Post\n");
	const char *pr = problems(p, 0);

	/* the return probe itself is planned (raw sys_exit) */
	cr_expect_null(strstr(pr, "return"), "%s", pr);
	expect_contains(pr, "kprobes[0].args[0]: type file is not supported by the syscall "
			    "tracepoint mechanism yet");
	expect_contains(pr, "kprobes[0].args[1]: char_buf without sizeArgIndex");
	expect_contains(pr, "kprobes[0].args[2]: maxData is not supported");
	/* the matchArgs on the file arg is not reported twice */
	cr_expect_null(strstr(pr, "matchArgs"), "%s", pr);
	cr_expect_eq(tetra_plan_problem_count(p, 0), 3, "%s", pr);
	/* the selector's default Post, then its return action */
	cr_assert_eq(tetra_plan_action_count(p, 0), 2);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 0),
			 "Post (default): event to the ring buffer from sys_exit");
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 1),
			 "kprobes[0].selectors[0].matchReturnActions[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 1),
			 "Post: event to the ring buffer from sys_exit, with the return value");
	cr_expect_eq(tetra_plan_action_error(p, 0, 1), 0);
	cr_expect_eq(tetra_plan_error_count(p), 3);
	tetra_plan_free(p);
}

Test(plan_selectors, return_probes_on_sys_exit)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_openat\"\n"
		"    return: true\n"
		"    args:\n"
		"    - index: 1\n"
		"      type: \"string\"\n"
		"    returnArg:\n"
		"      index: 0\n"
		"      type: \"int\"\n"
		"    selectors:\n"
		"    - matchReturnArgs:\n"
		"      - index: 0\n"
		"        operator: LT\n"
		"        values: [0]\n"
		"      - index: 0\n"
		"        operator: NotInRange\n"
		"        values: [\"-13:-13\"]\n"
		"      matchReturnActions:\n"
		"      - action: Sigkill\n"
		"    - matchReturnArgs:\n"
		"      - index: 0\n"
		"        operator: Mask\n"
		"        values: [1]\n"
		"      matchReturnActions:\n"
		"      - action: NoPost\n"
		"      - action: Signal\n"
		"        argSig: 10\n"
		"      - action: Override\n"
		"        argError: -1\n");
	const char *pr = problems(p, 0);

	cr_expect_eq(tetra_plan_problem_count(p, 0), 0, "%s", pr);
	/* per selector: the default Post of matchActions, then the return actions */
	cr_assert_eq(tetra_plan_action_count(p, 0), 6);
	cr_expect_str_eq(tetra_plan_action_field(p, 0, 1),
			 "kprobes[0].selectors[0].matchReturnActions[0]");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 1),
			 "Sigkill: bpf_send_signal(SIGKILL) from sys_exit");
	cr_expect_eq(tetra_plan_action_effective(p, 0, 1), TETRA_ACTION_SIGKILL);
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 3), "NoPost: no event");
	cr_expect_str_eq(tetra_plan_action_how(p, 0, 4),
			 "Signal: bpf_send_signal(SIGUSR1) from sys_exit");
	/* Override cannot be carried out from a tracepoint, at return neither */
	cr_expect_neq(tetra_plan_action_error(p, 0, 5), 0);
	cr_expect_eq(tetra_plan_error_count(p), 1);
	tetra_plan_free(p);

	/* a returnArg the runtime cannot read */
	p = plan(locked_down(), HDR
		"  kprobes:\n"
		"  - call: \"sys_getcwd\"\n"
		"    return: true\n"
		"    returnArg:\n"
		"      index: 0\n"
		"      type: \"string\"\n");
	pr = problems(p, 0);
	expect_contains(pr, "kprobes[0].returnArg: type string cannot be read at sys_exit");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 1, "%s", pr);
	tetra_plan_free(p);
}

Test(plan_selectors, syscall_names_are_checked)
{
	struct tetra_plan *p = plan(locked_down(), HDR "  kprobes:\n  - call: \"sys_exceve\"\n");

	cr_assert_eq(tetra_plan_problem_count(p, 0), 1);
	cr_expect_str_eq(tetra_plan_problem(p, 0, 0),
			 "kprobes[0].call: unknown syscall \"sys_exceve\" on this architecture");
	cr_expect_eq(tetra_plan_problem_error(p, 0, 0), -ENOENT);
	cr_expect_eq(tetra_plan_ok(p), 0);
	tetra_plan_free(p);

	/* ignore.callNotFound: skipped, as the runtime does */
	p = plan(locked_down(), HDR "  kprobes:\n  - call: \"sys_exceve\"\n"
				    "    ignore:\n      callNotFound: true\n");
	cr_expect_eq(tetra_plan_problem_count(p, 0), 0, "%s", problems(p, 0));
	tetra_plan_free(p);
}

Test(plan_selectors, syscall_lists)
{
	struct tetra_plan *p = plan(locked_down(), HDR
		"  lists:\n"
		"  - name: \"dups\"\n"
		"    type: \"syscalls\"\n"
		"    values: [\"sys_dup\", \"sys_nosuchcall\"]\n"
		"  - name: \"all\"\n"
		"    type: \"generated_syscalls\"\n"
		"  kprobes:\n"
		"  - call: \"list:dups\"\n"
		"  - call: \"list:all\"\n");

	cr_expect_str_eq(tetra_plan_hook_name(p, 0), "kprobes[0] list:dups");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	expect_contains(tetra_plan_hook_reason(p, 0),
			"kprobes[0] \"list:dups\": syscall tracepoint");
	cr_assert_eq(tetra_plan_problem_count(p, 0), 1, "%s", problems(p, 0));
	cr_expect_str_eq(tetra_plan_problem(p, 0, 0),
			 "lists[0].values[1]: unknown syscall \"sys_nosuchcall\" on this "
			 "architecture");
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_SYSCALL_TRACEPOINT);
	cr_assert_eq(tetra_plan_problem_count(p, 1), 1, "%s", problems(p, 1));
	cr_expect_str_eq(tetra_plan_problem(p, 1, 0),
			 "kprobes[1].call: list \"all\" of type generated_syscalls is not "
			 "supported by the syscall tracepoint mechanism yet");
	tetra_plan_free(p);
}

/* ---- text ----------------------------------------------------------------------------- */

Test(plan_text, has_snprintf_semantics)
{
	struct tetra_plan *p = plan(locked_down(), EXEC_POLICY);
	char small[16], one[1] = { 'x' };
	char *full = text(p);
	int n = (int)strlen(full);

	cr_expect_eq(tetra_plan_to_text(p, NULL, 0), n);
	cr_expect_eq(tetra_plan_to_text(p, small, sizeof(small)), n);
	cr_expect_eq(strlen(small), sizeof(small) - 1);
	cr_expect_eq(strncmp(small, full, sizeof(small) - 1), 0);
	cr_expect_eq(tetra_plan_to_text(p, one, 1), n);
	cr_expect_eq(one[0], '\0');
	cr_expect_eq(tetra_plan_to_text(NULL, small, sizeof(small)), -EINVAL);
	cr_expect_eq(tetra_plan_to_text(p, NULL, 5), -EINVAL);

	const char *verdict = "policy \"t\": ok: every hook has a mechanism on this kernel and "
			      "every action can be carried out\n";

	cr_expect_eq(strncmp(full, verdict, strlen(verdict)), 0, "%s", full);
	expect_contains(full, "kernel features: btf ringbuf tracepoint raw_tp tp_btf uprobe "
			      "cgroup_sock_addr send_signal; missing: kprobe (No such file or "
			      "directory), kprobe_multi (");
	expect_contains(full, "\nkprobes[0] sys_execve: syscall_tracepoint\n"
			      "  why:    kprobes[0] \"sys_execve\": syscall tracepoint");
	expect_contains(full, "  action: kprobes[0].selectors[0]: Post (default): event to the "
			      "ring buffer from sys_enter\n");
	cr_expect_null(strstr(full, "note:"), "%s", full);
	free(full);
	tetra_plan_free(p);
}

Test(plan_text, says_when_the_probe_lacked_privileges)
{
	struct tetra_plan *p = plan(features_with(BIT(TETRA_FEATURE_BTF)), EXEC_POLICY);
	char *t = text(p);

	expect_contains(t, "note: the features were probed without the privileges to load BPF");
	free(t);
	tetra_plan_free(p);
}

/* ---- arguments, the context ----------------------------------------------------------- */

Test(plan_args, bad_arguments)
{
	struct tetra_features f = locked_down();
	struct tetra_policy *p = parse(EXEC_POLICY), *built;
	struct tetra_plan *plan = (struct tetra_plan *)&f;	/* must be reset to NULL */

	cr_expect_eq(tetra__plan_build(NULL, p, &plan), -EINVAL);
	cr_expect_null(plan);
	cr_expect_eq(tetra__plan_build(&f, NULL, &plan), -EINVAL);
	cr_expect_eq(tetra__plan_build(&f, p, NULL), -EINVAL);
	cr_expect_eq(tetra__plan_build_flags(&f, p, 1u << 31, &plan), -EINVAL);
	f.sz = 0;
	cr_expect_eq(tetra__plan_build(&f, p, &plan), -EINVAL);

	/* an older, smaller features struct: what it lacks reads as missing */
	f = full_kernel();
	f.sz = offsetof(struct tetra_features, error);
	cr_assert_eq(tetra__plan_build(&f, p, &plan), 0);
	cr_expect_eq(tetra_plan_hook_mechanism(plan, 0), TETRA_MECH_SYSCALL_TRACEPOINT);
	tetra_plan_free(plan);

	/* a built policy must be validated first */
	cr_assert_eq(tetra_policy_new(&built, "b"), 0);
	f = locked_down();
	cr_expect_eq(tetra__plan_build(&f, built, &plan), -TETRA_E_POLICY);
	cr_expect_null(plan);
	tetra_policy_free(built);
	tetra_policy_free(p);
}

Test(plan_args, accessors_accept_null_and_out_of_range)
{
	struct tetra_plan *p = plan(locked_down(), EXEC_POLICY);

	tetra_plan_free(NULL);
	cr_expect_eq(tetra_plan_ok(NULL), 0);
	cr_expect_eq(tetra_plan_error_count(NULL), 0);
	cr_expect_null(tetra_plan_policy_name(NULL));
	cr_expect_eq(tetra_plan_hook_count(NULL), 0);
	cr_expect_null(tetra_plan_hook_name(NULL, 0));
	cr_expect_null(tetra_plan_hook_name(p, 1));
	cr_expect_eq(tetra_plan_hook_mechanism(p, 1), TETRA_MECH_NONE);
	cr_expect_eq(tetra_plan_hook_error(p, 1), -EINVAL);
	cr_expect_eq(tetra_plan_hook_error(NULL, 0), -EINVAL);
	cr_expect_null(tetra_plan_hook_reason(p, 7));
	cr_expect_eq(tetra_plan_problem_count(p, 1), 0);
	cr_expect_null(tetra_plan_problem(p, 0, 0));
	cr_expect_eq(tetra_plan_problem_error(p, 0, 0), -EINVAL);
	cr_expect_eq(tetra_plan_action_count(p, 1), 0);
	cr_expect_eq(tetra_plan_action_selector(p, 0, 1), TETRA_PLAN_NO_SELECTOR);
	cr_expect_eq(tetra_plan_action_type(p, 0, 1), 0);
	cr_expect_eq(tetra_plan_action_effective(p, 0, 1), 0);
	cr_expect_eq(tetra_plan_action_error(p, 0, 1), -EINVAL);
	cr_expect_null(tetra_plan_action_field(p, 0, 1));
	cr_expect_null(tetra_plan_action_how(NULL, 0, 0));

	for (uint32_t m = 0; m < TETRA_MECH_COUNT; m++)
		cr_expect_not_null(tetra_plan_mechanism_name(m), "%u", m);
	cr_expect_str_eq(tetra_plan_mechanism_name(TETRA_MECH_SYSCALL_TRACEPOINT),
			 "syscall_tracepoint");
	cr_expect_null(tetra_plan_mechanism_name(TETRA_MECH_COUNT));
	tetra_plan_free(p);
}

Test(plan_ctx, plans_with_the_contexts_features_and_flags)
{
	struct tetra_policy *p = parse(ACTION_POLICY("      - action: Override\n"));
	struct tetra_policy *built;
	struct tetra_plan *plan = NULL;
	struct tetra_ctx *ctx;

	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	cr_expect_eq(tetra_ctx_plan_policy(NULL, p, &plan), -EINVAL);
	cr_expect_eq(tetra_ctx_plan_policy(ctx, NULL, &plan), -EINVAL);
	cr_expect_eq(tetra_ctx_plan_policy(ctx, p, NULL), -EINVAL);
	cr_expect_eq(ctx->features_probed, 0, "nothing probed before the first plan");

	cr_assert_eq(tetra_ctx_plan_policy(ctx, p, &plan), 0);
	cr_expect_eq(ctx->features_probed, 1);
	cr_expect_eq(tetra_plan_hook_count(plan), 1);
	cr_expect_eq(tetra_plan_action_type(plan, 0, 0), TETRA_ACTION_OVERRIDE);
	/* Whatever this kernel allows, Override from a syscall hook is never carried out. */
	cr_expect_eq(tetra_plan_action_effective(plan, 0, 0), 0);
	cr_expect_eq(tetra_plan_ok(plan), 0);
	tetra_plan_free(plan);

	/* the probe is kept: a made-up feature set in the context is what plans see */
	ctx->features = locked_down();
	cr_expect_eq(tetra_ctx_set_policy_flags(ctx, 1u << 30), -EINVAL);
	expect_contains(tetra_ctx_last_error(ctx), "unknown flags");
	cr_expect_eq(tetra_ctx_get_policy_flags(ctx), 0);
	cr_assert_eq(tetra_ctx_set_policy_flags(ctx, TETRA_POLICY_F_OVERRIDE_AS_SIGKILL), 0);
	cr_expect_eq(tetra_ctx_get_policy_flags(ctx), TETRA_POLICY_F_OVERRIDE_AS_SIGKILL);
	cr_assert_eq(tetra_ctx_plan_policy(ctx, p, &plan), 0);
	cr_expect_eq(tetra_plan_action_effective(plan, 0, 0), TETRA_ACTION_SIGKILL);
	cr_expect_eq(tetra_plan_ok(plan), 1);
	tetra_plan_free(plan);

	cr_assert_eq(tetra_policy_new(&built, "b"), 0);
	cr_expect_eq(tetra_ctx_plan_policy(ctx, built, &plan), -TETRA_E_POLICY);
	cr_expect_null(plan);
	expect_contains(tetra_ctx_last_error(ctx), "plan policy 'b': not validated");
	tetra_policy_free(built);

	cr_expect_eq(tetra_ctx_set_policy_flags(NULL, 0), -EINVAL);
	cr_expect_eq(tetra_ctx_get_policy_flags(NULL), 0);
	tetra_ctx_free(ctx);
	tetra_policy_free(p);
}

/* ---- every shared policy: the plan never promises what the runtime lacks --------------- */

static const char *shared_dir(char *buf, size_t len)
{
	const char *shared = getenv("TETRA_SHARED_DIR");
	char file[4096];

	if (shared && *shared) {
		snprintf(buf, len, "%s", shared);
	} else {
		snprintf(file, sizeof(file), "%s", __FILE__);
		snprintf(buf, len, "%s/../../../shared", dirname(file));
	}
	return buf;
}

static int planned, planned_ok;

static int plan_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const struct tetra_features kernels[] = { locked_down(), full_kernel(), no_raw_tp() };
	struct tetra_policy *p = NULL;
	struct tetra_diag d;
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type != FTW_F || n < 5 || strcmp(path + n - 5, ".yaml"))
		return 0;
	tetra_diag_init(&d, sizeof(d));
	if (tetra_policy_parse_file(&p, path, &d))
		return 0;	/* the rejected ones are test_policy_parse's business */
	for (size_t k = 0; k < TETRA_ARRAY_SIZE(kernels); k++) {
		struct tetra_plan *plan = NULL;
		int len;

		cr_assert_eq(tetra__plan_build(&kernels[k], p, &plan), 0, "%s", path);
		len = tetra_plan_to_text(plan, NULL, 0);
		cr_expect_gt(len, 0, "%s", path);
		planned++;
		if (tetra_plan_ok(plan)) {
			planned_ok++;
			for (uint32_t i = 0; i < tetra_plan_hook_count(plan); i++)
				cr_expect(tetra_plan_hook_mechanism(plan, i) ==
						  TETRA_MECH_SYSCALL_TRACEPOINT ||
					  tetra_plan_hook_mechanism(plan, i) ==
						  TETRA_MECH_TRACEPOINT ||
					  tetra_plan_hook_mechanism(plan, i) ==
						  TETRA_MECH_UPROBE,
					  "%s: ok, yet hook %u is neither a syscall, a "
					  "tracepoint nor a uprobe hook", path, i);
		}
		for (uint32_t i = 0; i < tetra_plan_hook_count(plan); i++) {
			cr_expect_not_null(tetra_plan_hook_reason(plan, i), "%s", path);
			for (uint32_t j = 0; j < tetra_plan_action_count(plan, i); j++)
				cr_expect(tetra_plan_action_error(plan, i, j) == 0 ||
						  tetra_plan_action_effective(plan, i, j) == 0,
					  "%s: failing action with an effect", path);
		}
		tetra_plan_free(plan);
	}
	tetra_policy_free(p);
	return 0;
}

Test(plan_shared, every_shared_policy_plans_and_only_syscall_hooks_are_ok)
{
	char dir[4096];

	shared_dir(dir, sizeof(dir));
	cr_assert_eq(nftw(dir, plan_one, 16, FTW_PHYS), 0, "walk %s", dir);
	cr_expect_gt(planned, 30, "only %d plans made under %s", planned, dir);
	cr_expect_gt(planned_ok, 0);
}
