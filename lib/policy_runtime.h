/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: policies loaded into a context, and the records their programs emit. */
#ifndef TETRA_LIB_POLICY_RUNTIME_H
#define TETRA_LIB_POLICY_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "tetra_wire.h"
#include "tetra_policy_wire.h"

struct tetra__policy_engine;

/* What user space keeps of one compiled syscall hook, to name and decode its events. */
struct tetra__hook_slot {
	int used;
	uint32_t policy_id;
	const char *policy_name;		/* owned by the loaded policy */
	uint32_t n_args;
	uint32_t arg_type[TP_MAX_ARGS];		/* TETRA_ARG_* as the policy wrote it */
	char *arg_label[TP_MAX_ARGS];
	uint32_t ret_type;			/* return: true: the returnArg's TETRA_ARG_* */
	int32_t *nrs;				/* syscall numbers dispatched here */
	uint32_t n_nrs;
	struct tp_string_key *keys;		/* trie entries to delete on removal */
	uint32_t n_keys;
	struct tp_hook cfg;
};

/* TETRA_ACTION_* for a TP_ACT_* the kernel side took. */
uint32_t tetra__policy_action(uint32_t tp_action);

/*
 * What every policy record shares: fill @ev's sequence, time, policy, action and
 * arguments from @r (the arguments in bit mask @data_args carry bytes in r->data) and
 * deliver it with its process and parent. The caller has set the kind-specific fields.
 */
int tetra__policy_deliver(struct tetra_ctx *ctx, const struct tetra_wire_policy *r, size_t size,
			  const struct tetra__hook_slot *hs, uint32_t data_args,
			  struct tetra_event *ev);

/* Decode a TETRA_WIRE_POLICY record into a process_kprobe event and deliver it. */
int tetra__policy_handle_record(struct tetra_ctx *ctx, const void *data, size_t size);

/* Remove every policy and unload the engine; for tetra_ctx_free(). */
void tetra__policies_free(struct tetra_ctx *ctx);

/*
 * Compile hook @hook_index of @p into @slot (config, trie keys, syscall numbers).
 * @next_matcher hands out matcher ids. Returns 0 or a negative error with the reason
 * in the context's last error.
 */
int tetra__policy_compile_hook(struct tetra_ctx *ctx, const struct tetra_policy *p,
			       uint32_t hook_index, struct tetra__hook_slot *slot,
			       uint32_t *next_matcher);
void tetra__hook_slot_clear(struct tetra__hook_slot *slot);

/*
 * Compile selector @si of hook @hi (@h) into slot->cfg.selectors[@si], adding its string
 * matchers to slot->keys: shared by syscall and tracepoint hooks.
 */
struct tetra__policy_hook;
int tetra__policy_compile_selector(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
				   uint32_t hi, uint32_t si, struct tetra__hook_slot *slot,
				   uint32_t *next_matcher);

/* tracepoints: hooks (policy_tracepoint.c), kept apart from the syscall engine. */
struct tetra_policy;
int tetra__tp_add_hook(struct tetra_ctx *ctx, const struct tetra_policy *p, uint32_t hi,
		       uint32_t policy_id, const char *policy_name);
void tetra__tp_remove_policy(struct tetra_ctx *ctx, uint32_t policy_id);
void tetra__tp_free(struct tetra_ctx *ctx);
/* Decode a TETRA_WIRE_TRACEPOINT record into a process_tracepoint event and deliver it. */
int tetra__tp_handle_record(struct tetra_ctx *ctx, const void *data, size_t size);

/* uprobes: hooks (policy_uprobe.c): one slot per (hook, symbol or offset). */
int tetra__up_add_hook(struct tetra_ctx *ctx, const struct tetra_policy *p, uint32_t hi,
		       uint32_t policy_id, const char *policy_name);
void tetra__up_remove_policy(struct tetra_ctx *ctx, uint32_t policy_id);
void tetra__up_free(struct tetra_ctx *ctx);
/* Decode a TETRA_WIRE_UPROBE record into a process_uprobe event and deliver it. */
int tetra__up_handle_record(struct tetra_ctx *ctx, const void *data, size_t size);

/*
 * matchNamespaces "host_ns": the inode number of pid 1's namespace @ns (TETRA_NS_*) from
 * /proc/1/ns, or where that is denied the kernel's initial namespace when its number is
 * certain. 0 or a negative errno.
 */
int tetra__host_ns_inum(uint32_t ns, uint32_t *ret);

#endif /* TETRA_LIB_POLICY_RUNTIME_H */
