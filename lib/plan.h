/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Internal: the policy plan (plan.c).
 *
 * The runtime reads a plan to know how to load each hook: hooks[i] is policy->hooks[i],
 * and a hook may be loaded when its error is 0, with its mechanism. A plan that is not
 * ok (nr_errors > 0) must not be loaded at all: a policy is carried out completely or not.
 */
#ifndef TETRA_LIB_PLAN_H
#define TETRA_LIB_PLAN_H

#include <stdint.h>

#include <tetra/plan.h>

#include "lib.h"

struct tetra__plan_problem {
	int32_t error;			/* negative */
	char *text;			/* "FIELD: MESSAGE" */
};

struct tetra__plan_action {
	uint32_t selector;		/* TETRA_PLAN_NO_SELECTOR: the hook has no selectors */
	uint32_t list;			/* TETRA_SELECTOR_ACTIONS or _RETURN_ACTIONS */
	uint32_t pos;			/* in that list; TETRA_PLAN_NO_SELECTOR: the
					   selector's implicit Post */
	uint32_t action;		/* TETRA_ACTION_* asked for */
	uint32_t effective;		/* TETRA_ACTION_* carried out; 0: cannot be */
	uint32_t signal;		/* effective SIGKILL or SIGNAL: the signal number */
	int32_t error;			/* 0 or negative */
	char *field;			/* "kprobes[0].selectors[1].matchActions[0]" */
	char *how;			/* "Sigkill: bpf_send_signal(SIGKILL) from sys_enter" */
};

struct tetra__plan_hook {
	uint32_t kind;			/* TETRA_HOOK_* */
	uint32_t mechanism;		/* TETRA_MECH_* */
	int32_t error;			/* 0: the mechanism is usable; else negative */
	char *name;			/* "kprobes[0] sys_execve" */
	char *reason;
	struct tetra__plan_problem *problems;
	uint32_t nr_problems;
	struct tetra__plan_action *actions;
	uint32_t nr_actions;
};

struct tetra_plan {
	char *policy_name;
	uint32_t flags;				/* TETRA_POLICY_F_* planned with */
	struct tetra_features features;		/* what it was planned against (full size) */
	struct tetra__plan_hook *hooks;		/* one per policy hook, same order */
	uint32_t nr_hooks;
	uint32_t nr_errors;			/* tetra_plan_error_count() */
};

/*
 * Plan the validated policy @p against the feature set @f (from tetra_probe_features(),
 * or made up by a test; a smaller sz reads as "missing" past it) with TETRA_POLICY_F_*
 * @flags. Needs no context and no privileges. Returns 0 with a new plan in *@ret (free
 * with tetra_plan_free()), -EINVAL (NULL argument, unknown flag, @f without a valid sz),
 * -TETRA_E_POLICY (not validated) or -ENOMEM. Thread-safe.
 */
int tetra__plan_build_flags(const struct tetra_features *f, const struct tetra_policy *p,
			    uint32_t flags, struct tetra_plan **ret);
/* The same with no flags. */
int tetra__plan_build(const struct tetra_features *f, const struct tetra_policy *p,
		      struct tetra_plan **ret);

/*
 * @ctx's kernel features, probed on the first call and kept in the context (probing
 * cannot fail for a valid struct; without privileges it reports features missing).
 */
const struct tetra_features *tetra__ctx_features(struct tetra_ctx *ctx);

#endif /* TETRA_LIB_PLAN_H */
