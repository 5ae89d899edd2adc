// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Policies at run time: tetra_ctx_add_policy/remove_policy while events flow. Syscall
 * hooks of all policies share one sys_enter program; adding or removing a policy only
 * rewrites map entries (hook configs, string tries, the syscall dispatch table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "policy.h"
#include "policy_runtime.h"
#include "policy_syscall.skel.h"
#include "sensor.h"
#include "syscalls.h"

struct loaded_policy {
	uint32_t id;
	char *name;
	struct loaded_policy *next;
};

struct tetra__policy_engine {
	struct tetra_policy_syscall_bpf *skel;
	struct tetra__hook_slot slots[TP_MAX_HOOKS];
	struct loaded_policy *policies;
	uint32_t next_id;
	uint32_t next_matcher;
};

static int engine_load(struct tetra_ctx *ctx)
{
	struct tetra__policy_engine *e;
	int err;

	if (ctx->policy_engine)
		return 0;
	if (!ctx->process_sensor) {
		/* policies need the process sensor's ring buffer and binaries */
		err = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
		if (err)
			return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return tetra__error(ctx, -ENOMEM, "load policy engine: out of memory");
	e->next_id = 1;
	e->next_matcher = 1;
	e->skel = tetra_policy_syscall_bpf__open();
	if (!e->skel) {
		err = tetra__error(ctx, -errno, "load policy engine: open BPF object: %s",
				   tetra_strerror(errno));
		free(e);
		return err;
	}
	err = tetra__process_sensor_share_maps(ctx, e->skel->obj);
	if (err) {
		err = tetra__error(ctx, err, "load policy engine: share maps: %s",
				   tetra_strerror(err));
		goto fail;
	}
	/* sys_exit is attached while some hook has return: true (write_dispatch) */
	bpf_program__set_autoattach(e->skel->progs.tetra_sys_exit, false);
	err = tetra_policy_syscall_bpf__load(e->skel);
	if (err) {
		err = tetra__error(ctx, -TETRA_E_BPF_LOAD,
				   "load policy engine: load raw_tp sys_enter program: %s",
				   tetra_strerror(err));
		goto fail;
	}
	err = tetra_policy_syscall_bpf__attach(e->skel);
	if (err) {
		err = tetra__error(ctx, -TETRA_E_BPF_ATTACH,
				   "load policy engine: attach raw_tp sys_enter: %s",
				   tetra_strerror(err));
		goto fail;
	}
	ctx->policy_engine = e;
	tetra__log(ctx, TETRA_LOG_INFO, "policy engine attached (raw_tp sys_enter)");
	return 0;
fail:
	tetra_policy_syscall_bpf__destroy(e->skel);
	free(e);
	return err;
}

/*
 * Attach raw_tp/sys_exit when some hook has return: true (before their calls reach the
 * stash), detach it when none has: other syscalls' returns cost nothing then.
 */
static int set_sys_exit(struct tetra_ctx *ctx, struct tetra__policy_engine *e, int want)
{
	struct bpf_link **link = &e->skel->links.tetra_sys_exit;
	int err;

	if (want && !*link) {
		*link = bpf_program__attach(e->skel->progs.tetra_sys_exit);
		if (!*link) {
			err = -errno;
			return tetra__error(ctx, -TETRA_E_BPF_ATTACH,
					    "return probes: attach raw_tp sys_exit: %s",
					    tetra_strerror(err));
		}
		tetra__log(ctx, TETRA_LOG_INFO, "return probes attached (raw_tp sys_exit)");
	} else if (!want && *link) {
		bpf_link__destroy(*link);
		*link = NULL;
	}
	return 0;
}

/* Rewrite the syscall -> hooks table from the slots in use. */
static int write_dispatch(struct tetra_ctx *ctx, struct tetra__policy_engine *e)
{
	static const struct tp_dispatch empty;
	struct tp_dispatch *d = calloc(TP_MAX_SYSCALLS, sizeof(*d));
	int fd = bpf_map__fd(e->skel->maps.tp_dispatch), err = 0, want_exit = 0;

	if (!d)
		return tetra__error(ctx, -ENOMEM, "policy dispatch: out of memory");
	for (uint32_t s = 0; s < TP_MAX_HOOKS; s++) {
		for (uint32_t i = 0; e->slots[s].used && i < e->slots[s].n_nrs; i++) {
			struct tp_dispatch *x = &d[e->slots[s].nrs[i]];

			if (x->n == TP_MAX_HOOKS_PER_NR) {
				err = tetra__error(ctx, -ENOSPC,
						   "policy %s: more than %d hooks on syscall %s",
						   e->slots[s].policy_name, TP_MAX_HOOKS_PER_NR,
						   tetra__syscall_name(e->slots[s].nrs[i]));
				goto out;
			}
			x->hooks[x->n++] = s;
			x->n_ret += e->slots[s].cfg.ret;
			want_exit |= e->slots[s].cfg.ret;
		}
	}
	if (want_exit) {
		err = set_sys_exit(ctx, e, 1);
		if (err)
			goto out;
	}
	for (uint32_t nr = 0; nr < TP_MAX_SYSCALLS; nr++) {
		if (!memcmp(&d[nr], &empty, sizeof(empty))) {
			/* most numbers are unused: only write those that may hold a stale entry */
			struct tp_dispatch cur;

			if (bpf_map_lookup_elem(fd, &nr, &cur) || !cur.n)
				continue;
		}
		if (bpf_map_update_elem(fd, &nr, &d[nr], BPF_ANY)) {
			err = tetra__error(ctx, -errno, "policy dispatch: update: %s",
					   tetra_strerror(errno));
			goto out;
		}
	}
	if (!want_exit)
		set_sys_exit(ctx, e, 0);
out:
	free(d);
	return err;
}

static void release_slot(struct tetra__policy_engine *e, uint32_t s)
{
	struct tetra__hook_slot *slot = &e->slots[s];
	static const struct tp_hook zero;
	int strings = bpf_map__fd(e->skel->maps.tp_strings);

	for (uint32_t k = 0; k < slot->n_keys; k++)
		bpf_map_delete_elem(strings, &slot->keys[k]);
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &s, &zero, BPF_ANY);
	tetra__hook_slot_clear(slot);
}

static int install_slot(struct tetra_ctx *ctx, struct tetra__policy_engine *e, uint32_t s)
{
	struct tetra__hook_slot *slot = &e->slots[s];
	int strings = bpf_map__fd(e->skel->maps.tp_strings);
	__u8 one = 1;

	slot->cfg.id = s;
	for (uint32_t k = 0; k < slot->n_keys; k++)
		if (bpf_map_update_elem(strings, &slot->keys[k], &one, BPF_ANY))
			return tetra__error(ctx, -errno, "policy %s: string matchers: %s",
					    slot->policy_name, tetra_strerror(errno));
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &s, &slot->cfg, BPF_ANY))
		return tetra__error(ctx, -errno, "policy %s: hook config: %s", slot->policy_name,
				    tetra_strerror(errno));
	return 0;
}

TETRA_API int tetra_ctx_add_policy(struct tetra_ctx *ctx, const struct tetra_policy *p,
				   uint32_t *ret_id)
{
	struct tetra__policy_engine *e;
	struct loaded_policy *lp;
	uint32_t taken[TP_MAX_HOOKS], n_taken = 0;
	int err;

	if (!ctx || !p)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE, "add policy: not allowed from a callback");
	if (!p->nr_hooks)
		return tetra__error(ctx, -TETRA_E_POLICY, "add policy %s: it has no hooks", p->name);
	err = engine_load(ctx);
	if (err)
		return err;
	e = ctx->policy_engine;
	lp = calloc(1, sizeof(*lp));
	if (!lp || !(lp->name = strdup(p->name ? p->name : ""))) {
		free(lp);
		return tetra__error(ctx, -ENOMEM, "add policy: out of memory");
	}
	lp->id = e->next_id++;

	for (uint32_t h = 0; h < p->nr_hooks; h++) {
		uint32_t s = 0;

		if (p->hooks[h].kind == TETRA_HOOK_TRACEPOINT) {
			/* tracepoints: their own program and slots (policy_tracepoint.c) */
			err = tetra__tp_add_hook(ctx, p, h, lp->id, lp->name);
			if (err)
				goto rollback;
			continue;
		}
		if (p->hooks[h].kind == TETRA_HOOK_UPROBE) {
			/* uprobes: their own program and slots (policy_uprobe.c) */
			err = tetra__up_add_hook(ctx, p, h, lp->id, lp->name);
			if (err)
				goto rollback;
			continue;
		}
		while (s < TP_MAX_HOOKS && e->slots[s].used)
			s++;
		if (s == TP_MAX_HOOKS) {
			err = tetra__error(ctx, -ENOSPC,
					   "add policy %s: more than %d syscall hooks in this context",
					   lp->name, TP_MAX_HOOKS);
			goto rollback;
		}
		e->slots[s].used = 1;
		e->slots[s].policy_id = lp->id;
		e->slots[s].policy_name = lp->name;
		taken[n_taken++] = s;
		err = tetra__policy_compile_hook(ctx, p, h, &e->slots[s], &e->next_matcher);
		if (!err)
			err = install_slot(ctx, e, s);
		if (err) {
			char msg[sizeof(ctx->last_error)];

			snprintf(msg, sizeof(msg), "%s", ctx->last_error);
			err = tetra__error(ctx, err, "add policy %s: %s", lp->name, msg);
			goto rollback;
		}
	}
	/* configs first, then dispatch: the kernel never sees a hook half written */
	err = write_dispatch(ctx, e);
	if (err)
		goto rollback;
	lp->next = e->policies;
	e->policies = lp;
	if (ret_id)
		*ret_id = lp->id;
	tetra__log(ctx, TETRA_LOG_INFO, "policy %s added as %u", lp->name, lp->id);
	return 0;

rollback:
	tetra__tp_remove_policy(ctx, lp->id);
	tetra__up_remove_policy(ctx, lp->id);
	for (uint32_t i = 0; i < n_taken; i++)
		release_slot(e, taken[i]);
	write_dispatch(ctx, e);
	free(lp->name);
	free(lp);
	return err;
}

TETRA_API int tetra_ctx_remove_policy(struct tetra_ctx *ctx, uint32_t id)
{
	struct tetra__policy_engine *e;
	struct loaded_policy **pp, *lp;

	if (!ctx)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE,
				    "remove policy: not allowed from a callback");
	e = ctx->policy_engine;
	for (pp = e ? &e->policies : NULL; pp && *pp && (*pp)->id != id; pp = &(*pp)->next)
		;
	if (!pp || !*pp)
		return tetra__error(ctx, -ENOENT, "remove policy %u: no such policy", id);
	lp = *pp;
	tetra__tp_remove_policy(ctx, id);
	tetra__up_remove_policy(ctx, id);
	/* dispatch first: once no syscall reaches the hooks, their configs can go */
	for (uint32_t s = 0; s < TP_MAX_HOOKS; s++)
		if (e->slots[s].used && e->slots[s].policy_id == id)
			e->slots[s].used = 0;
	write_dispatch(ctx, e);
	for (uint32_t s = 0; s < TP_MAX_HOOKS; s++)
		if (e->slots[s].policy_id == id && e->slots[s].policy_name)
			release_slot(e, s);
	*pp = lp->next;
	free(lp->name);
	free(lp);
	return 0;
}

void tetra__policies_free(struct tetra_ctx *ctx)
{
	struct tetra__policy_engine *e = ctx->policy_engine;

	tetra__tp_free(ctx);
	tetra__up_free(ctx);
	if (!e)
		return;
	tetra_policy_syscall_bpf__destroy(e->skel);
	for (uint32_t s = 0; s < TP_MAX_HOOKS; s++)
		tetra__hook_slot_clear(&e->slots[s]);
	while (e->policies) {
		struct loaded_policy *lp = e->policies;

		e->policies = lp->next;
		free(lp->name);
		free(lp);
	}
	free(e);
	ctx->policy_engine = NULL;
}

uint32_t tetra__policy_action(uint32_t tp_action)
{
	return tp_action == TP_ACT_SIGKILL ? TETRA_ACTION_SIGKILL :
	       tp_action == TP_ACT_SIGNAL ? TETRA_ACTION_SIGNAL : TETRA_ACTION_POST;
}

int tetra__policy_deliver(struct tetra_ctx *ctx, const struct tetra_wire_policy *r, size_t size,
			  const struct tetra__hook_slot *hs, uint32_t data_args,
			  struct tetra_event *ev)
{
	struct tetra_process *unknown = NULL;
	size_t off = 0;
	int ret;

	ev->seq = r->hdr.seq;
	ev->ktime = r->hdr.ktime;
	ev->policy_name = hs->policy_name;
	ev->action = tetra__policy_action(r->action);
	ev->n_args = r->n_args;
	for (uint32_t i = 0; i < r->n_args; i++) {
		struct tetra__event_arg *a = &ev->args[i];

		a->type = hs->arg_type[i];
		a->label = hs->arg_label[i];
		a->value = r->ints[i];
		a->truncated = r->truncated[i];
		if (data_args & (1u << i)) {
			if (sizeof(*r) + off + r->data_len[i] + 1 > size) {
				ctx->stats.decode_errors++;
				return 0;
			}
			a->str = r->data + off;
			a->len = r->data_len[i];
			off += r->data_len[i] + 1;
		}
	}
	ev->process = tetra__process_cache_lookup(ctx->processes, r->pid);
	if (!ev->process) {
		/* started before us without /proc seeding, or evicted: say so, keep the pid */
		unknown = tetra__process_new();
		if (!unknown)
			return -ENOMEM;
		unknown->pid = r->pid;
		unknown->tid = r->tid;
		unknown->flags = TETRA_PROCESS_UNKNOWN;
		ev->process = unknown;
		ctx->stats.unknown_processes++;
	}
	ev->parent = ev->process->ppid ? tetra__process_cache_lookup(ctx->processes,
								      ev->process->ppid) : NULL;
	ret = tetra__deliver(ctx, ev);
	tetra__process_free(unknown);
	return ret;
}

int tetra__policy_handle_record(struct tetra_ctx *ctx, const void *data, size_t size)
{
	const struct tetra_wire_policy *r = data;
	struct tetra__policy_engine *e = ctx->policy_engine;
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_KPROBE };
	struct tetra__hook_slot *slot;
	char function[64];
	uint32_t data_args = 0;

	if (size < sizeof(*r) || !e || r->hook >= TP_MAX_HOOKS || r->n_args > TP_MAX_ARGS) {
		ctx->stats.decode_errors++;
		return 0;
	}
	slot = &e->slots[r->hook];
	if (!slot->used)
		return 0;	/* the policy was removed while this record was queued */
	tetra__syscall_function(r->syscall, function, sizeof(function));
	ev.function_name = function;
	if (r->flags & TP_REC_F_RETURN) {
		ev.has_return = 1;
		ev.return_action = tetra__policy_action(r->ret_action);
		ev.ret.type = slot->ret_type ? slot->ret_type : TETRA_ARG_INT;
		ev.ret.value = (uint64_t)r->ret;
	}
	for (uint32_t i = 0; i < r->n_args && i < TP_MAX_ARGS; i++) {
		uint8_t t = slot->cfg.args[i].type;

		if (t == TP_ARG_STRING || t == TP_ARG_CHAR_BUF || t == TP_ARG_FD)
			data_args |= 1u << i;
	}
	return tetra__policy_deliver(ctx, r, size, slot, data_args, &ev);
}
