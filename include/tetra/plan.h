/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: the policy plan.
 *
 * Before anything is attached, a plan says for each hook of a policy which kernel
 * mechanism it gets on the running kernel (a raw syscall tracepoint, a kprobe, a BPF
 * LSM program...), how each action of each selector will be carried out there
 * ("Sigkill: bpf_send_signal(SIGKILL) from sys_enter"), and, for everything that cannot
 * be carried out, why, naming the hook, the policy field and the missing kernel feature.
 * A plan describes what this libtetra version does: a mechanism the kernel offers but
 * the library does not implement yet is reported as an error, never as working.
 * docs/plan.md has the lowering table.
 *
 * A plan is a plain read-only object: it copies what it needs from the policy and the
 * context, so it stays valid after both are freed. Its accessors may be called
 * concurrently from several threads. Strings handed out are borrowed from the plan and
 * valid until tetra_plan_free().
 */
#ifndef TETRA_PLAN_H
#define TETRA_PLAN_H

#include <tetra/common.h>
#include <tetra/context.h>
#include <tetra/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tetra_plan;

/* Mechanisms, tetra_plan_hook_mechanism(); stable, append-only. */
#define TETRA_MECH_NONE			0	/* no mechanism on this kernel */
#define TETRA_MECH_SYSCALL_TRACEPOINT	1	/* raw sys_enter, dispatched by syscall nr */
#define TETRA_MECH_TRACEPOINT		2	/* perf-event tracepoint */
#define TETRA_MECH_RAW_TRACEPOINT	3	/* raw (or BTF-typed) tracepoint */
#define TETRA_MECH_UPROBE		4
#define TETRA_MECH_KPROBE		5
#define TETRA_MECH_FENTRY		6	/* fentry/fexit trampoline */
#define TETRA_MECH_LSM			7	/* BPF LSM program */
#define TETRA_MECH_CGROUP_SOCK_ADDR	8	/* cgroup connect4/6, sendmsg4/6 */
#define TETRA_MECH_COUNT		9

/*
 * Context policy flags, tetra_ctx_set_policy_flags(). They change what a plan (and so a
 * load) may do; without them nothing is downgraded.
 *
 * OVERRIDE_AS_SIGKILL: where Override (make the call fail with an error) is impossible on
 * this kernel, kill the calling process with SIGKILL instead. The call itself then still
 * happens; the process dies before it returns to user space.
 */
#define TETRA_POLICY_F_OVERRIDE_AS_SIGKILL	(1u << 0)
#define TETRA_POLICY_F_ALL			(TETRA_POLICY_F_OVERRIDE_AS_SIGKILL)

/* tetra_plan_action_selector() of a hook without selectors (its implicit Post) */
#define TETRA_PLAN_NO_SELECTOR		0xffffffffu

/*
 * Set the TETRA_POLICY_F_* flags that plans and policy loads of @ctx use from now on
 * (replacing the previous ones; the default is 0). Returns 0, or -EINVAL for a NULL @ctx
 * or an unknown flag. Same threading rule as every context call: one thread at a time.
 */
TETRA_API int tetra_ctx_set_policy_flags(struct tetra_ctx *ctx, uint32_t flags);

/* The TETRA_POLICY_F_* flags of @ctx; 0 for NULL. */
TETRA_API uint32_t tetra_ctx_get_policy_flags(const struct tetra_ctx *ctx);

/*
 * Plan @policy (validated: parsed, or built and passed to tetra_policy_validate()) on the
 * running kernel with @ctx's policy flags. The kernel features are probed on the first
 * call (see tetra_probe_features(); about 10 ms, no privileges needed: without them every
 * program-based feature is missing) and kept in @ctx. Attaches nothing.
 *
 * On success *@ret is a new plan the caller frees with tetra_plan_free(); the call
 * succeeds also when the plan says the policy cannot be carried out (see tetra_plan_ok()).
 * Returns 0, -EINVAL (NULL argument), -TETRA_E_POLICY (@policy not validated; details in
 * tetra_ctx_last_error()) or -ENOMEM; *@ret is NULL on failure. @policy is only read;
 * @ctx is used as every context call: one thread at a time.
 */
TETRA_API int tetra_ctx_plan_policy(struct tetra_ctx *ctx, const struct tetra_policy *policy,
				    struct tetra_plan **ret);

/* Free @plan and its strings. NULL-safe. Needs exclusive access to @plan. */
TETRA_API void tetra_plan_free(struct tetra_plan *plan);

/*
 * 1 when every hook has a mechanism and everything the policy asks for (args, selectors,
 * actions) can be carried out on this kernel by this library; 0 otherwise and for NULL.
 * Thread-safe.
 */
TETRA_API int tetra_plan_ok(const struct tetra_plan *plan);

/*
 * How many things cannot be carried out: hooks without a usable mechanism (each counts
 * once, whatever it asks for), problems and failing actions of the other hooks. 0 when
 * tetra_plan_ok(). 0 for NULL. Thread-safe.
 */
TETRA_API uint32_t tetra_plan_error_count(const struct tetra_plan *plan);

/* The name of the planned policy (metadata.name); borrowed; NULL for NULL. Thread-safe. */
TETRA_API const char *tetra_plan_policy_name(const struct tetra_plan *plan);

/* The policy's hooks, in the order of tetra_policy_get_hook(); 0 for NULL. Thread-safe. */
TETRA_API uint32_t tetra_plan_hook_count(const struct tetra_plan *plan);

/*
 * Hook @hook: its name ("kprobes[0] sys_execve", "tracepoints[1] sched/sched_switch",
 * "lsmhooks[0] file_open"); borrowed, NULL when @plan is NULL or @hook out of range.
 * Thread-safe.
 */
TETRA_API const char *tetra_plan_hook_name(const struct tetra_plan *plan, uint32_t hook);

/*
 * The mechanism chosen for @hook (TETRA_MECH_*). It may be set while
 * tetra_plan_hook_error() is not 0: the kernel has the mechanism but this library does
 * not implement it yet. TETRA_MECH_NONE when the kernel offers nothing suitable, and for
 * a NULL @plan or @hook out of range. Thread-safe.
 */
TETRA_API uint32_t tetra_plan_hook_mechanism(const struct tetra_plan *plan, uint32_t hook);

/*
 * 0 when @hook can be attached with its mechanism, else a negative error:
 * -TETRA_E_NOT_SUPPORTED (the kernel lacks the feature, or the library does not implement
 * the mechanism yet; tetra_plan_hook_reason() says which). -EINVAL for a NULL @plan or
 * @hook out of range. Problems with the hook's args and selectors and failing actions are
 * reported apart (tetra_plan_problem*(), tetra_plan_action_*()). Thread-safe.
 */
TETRA_API int32_t tetra_plan_hook_error(const struct tetra_plan *plan, uint32_t hook);

/*
 * Why @hook gets its mechanism, or why it gets none, naming the hook and the kernel
 * features with the reasons their probes failed, e.g.
 *   kprobes[1] "security_file_open": kernel function hooks need kprobe or fentry; this
 *   kernel allows neither (kprobe: No such file or directory, fentry: Operation not
 *   permitted)
 * Borrowed; NULL for a NULL @plan or @hook out of range. Thread-safe.
 */
TETRA_API const char *tetra_plan_hook_reason(const struct tetra_plan *plan, uint32_t hook);

/*
 * Parts of @hook that its mechanism cannot carry out (args, selector filters, return
 * probes), each as "FIELD: MESSAGE", e.g.
 *   kprobes[0].selectors[1].matchNamespaceChanges: not supported by the syscall
 *   tracepoint mechanism yet
 * Only hooks with a usable mechanism are examined. tetra_plan_problem() is borrowed, NULL
 * out of range; tetra_plan_problem_error() is negative (-TETRA_E_NOT_SUPPORTED), -EINVAL
 * out of range. Thread-safe.
 */
TETRA_API uint32_t tetra_plan_problem_count(const struct tetra_plan *plan, uint32_t hook);
TETRA_API const char *tetra_plan_problem(const struct tetra_plan *plan, uint32_t hook,
					 uint32_t problem);
TETRA_API int32_t tetra_plan_problem_error(const struct tetra_plan *plan, uint32_t hook,
					   uint32_t problem);

/*
 * The actions of @hook, selector by selector (matchActions, then matchReturnActions),
 * including the implicit Post of a selector without actions and of a hook without
 * selectors. 0 for NULL or out of range. Thread-safe.
 */
TETRA_API uint32_t tetra_plan_action_count(const struct tetra_plan *plan, uint32_t hook);

/* The selector position of action @action; TETRA_PLAN_NO_SELECTOR for the implicit Post
   of a hook without selectors, and out of range. Thread-safe. */
TETRA_API uint32_t tetra_plan_action_selector(const struct tetra_plan *plan, uint32_t hook,
					      uint32_t action);

/* The TETRA_ACTION_* the policy asks for; 0 out of range. Thread-safe. */
TETRA_API uint32_t tetra_plan_action_type(const struct tetra_plan *plan, uint32_t hook,
					  uint32_t action);

/*
 * The TETRA_ACTION_* that will be carried out: the asked one, TETRA_ACTION_SIGKILL for an
 * Override turned into Sigkill by TETRA_POLICY_F_OVERRIDE_AS_SIGKILL, 0 when the action
 * cannot be carried out (and out of range). Thread-safe.
 */
TETRA_API uint32_t tetra_plan_action_effective(const struct tetra_plan *plan, uint32_t hook,
					       uint32_t action);

/* 0 when the action can be carried out, else negative (-TETRA_E_NOT_SUPPORTED); -EINVAL
   out of range. Thread-safe. */
TETRA_API int32_t tetra_plan_action_error(const struct tetra_plan *plan, uint32_t hook,
					  uint32_t action);

/* The action's policy field ("kprobes[0].selectors[1].matchActions[0]"; for an implicit
   Post the selector, or the hook "kprobes[0]"). Borrowed; NULL out of range. Thread-safe. */
TETRA_API const char *tetra_plan_action_field(const struct tetra_plan *plan, uint32_t hook,
					      uint32_t action);

/*
 * How the action is carried out, or why it cannot be, starting with the action's name:
 *   Sigkill: bpf_send_signal(SIGKILL) from sys_enter
 *   Override: not possible from a syscall tracepoint (needs BPF LSM, fmod_ret or
 *   bpf_override_return)
 * Borrowed; NULL out of range. Thread-safe.
 */
TETRA_API const char *tetra_plan_action_how(const struct tetra_plan *plan, uint32_t hook,
					    uint32_t action);

/* "syscall_tracepoint", "kprobe", "lsm", ... for a TETRA_MECH_*; NULL when unknown.
   Static strings; thread-safe. */
TETRA_API const char *tetra_plan_mechanism_name(uint32_t mechanism);

/*
 * The whole plan as readable text, several lines: a verdict line, the kernel features it
 * was made against, then per hook its mechanism, the reason, problems and actions.
 * snprintf semantics: writes at most @len bytes including a terminating NUL (@buf may be
 * NULL when @len is 0) and returns the length of the full text, so a return >= @len means
 * it was truncated. Returns -EINVAL for a NULL @plan or NULL @buf with @len > 0,
 * -EOVERFLOW when the text would exceed INT_MAX. Thread-safe.
 */
TETRA_API int tetra_plan_to_text(const struct tetra_plan *plan, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_PLAN_H */
