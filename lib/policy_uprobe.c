// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `uprobes:` hooks of TracingPolicies: one generic uprobe program
 * (bpf/policy_uprobe.bpf.c), attached with libbpf's bpf_program__attach_uprobe_opts() to
 * each (hook, symbol) or (hook, offset) pair; each pair has its own slot, whose number is
 * the link's BPF cookie, so events name the symbol that fired. Arguments are read from
 * the probed function's registers (args index N is the function's argument N).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "policy.h"
#include "policy_runtime.h"
#include "policy_uprobe.skel.h"
#include "sensor.h"

struct up_slot {
	struct tetra__hook_slot hs;	/* config, keys, labels, policy */
	char *path, *symbol;
	struct bpf_link *link;
};

struct tetra__up_engine {
	struct tetra_policy_uprobe_bpf *skel;
	struct up_slot slots[TP_MAX_HOOKS];
	uint32_t next_matcher;
};

static int engine_load(struct tetra_ctx *ctx)
{
	struct tetra__up_engine *e;
	int err;

	if (ctx->up_engine)
		return 0;
	if (!ctx->process_sensor) {
		err = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
		if (err)
			return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return tetra__error(ctx, -ENOMEM, "load uprobe engine: out of memory");
	e->next_matcher = 1;
	e->skel = tetra_policy_uprobe_bpf__open();
	if (!e->skel) {
		err = tetra__error(ctx, -errno, "load uprobe engine: open BPF object: %s",
				   tetra_strerror(errno));
		free(e);
		return err;
	}
	bpf_program__set_autoattach(e->skel->progs.tetra_uprobe, false);
	err = tetra__process_sensor_share_maps(ctx, e->skel->obj);
	if (err) {
		err = tetra__error(ctx, err, "load uprobe engine: share maps: %s",
				   tetra_strerror(err));
		goto fail;
	}
	err = tetra_policy_uprobe_bpf__load(e->skel);
	if (err) {
		err = tetra__error(ctx, -TETRA_E_BPF_LOAD,
				   "load uprobe engine: load uprobe program: %s",
				   tetra_strerror(err));
		goto fail;
	}
	ctx->up_engine = e;
	return 0;
fail:
	tetra_policy_uprobe_bpf__destroy(e->skel);
	free(e);
	return err;
}

static int hook_error(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, int err,
		      const char *why)
{
	return tetra__error(ctx, err, "policy hook uprobes[%u] \"%s\": %s", h->kind_index,
			    h->call ? h->call : "", why);
}

static int is_int_type(uint32_t t)
{
	switch (t) {
	case TETRA_ARG_INT:
	case TETRA_ARG_INT8:
	case TETRA_ARG_INT16:
	case TETRA_ARG_INT32:
	case TETRA_ARG_INT64:
	case TETRA_ARG_UINT8:
	case TETRA_ARG_UINT16:
	case TETRA_ARG_UINT32:
	case TETRA_ARG_UINT64:
	case TETRA_ARG_SIZE_T:
		return 1;
	}
	return 0;
}

static uint8_t wire_int_type(uint32_t t)
{
	switch (t) {
	case TETRA_ARG_INT:
	case TETRA_ARG_INT8:
	case TETRA_ARG_INT16:
	case TETRA_ARG_INT32:
		return TP_ARG_INT;
	case TETRA_ARG_UINT8:
	case TETRA_ARG_UINT16:
	case TETRA_ARG_UINT32:
		return TP_ARG_UINT32;
	case TETRA_ARG_INT64:
		return TP_ARG_LONG;
	}
	return TP_ARG_UINT64;
}

/* Fill slot @s's argument readers: register N for index N. */
static int compile_args(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			struct up_slot *s)
{
	char why[512];

	if (h->nr_args > TP_MAX_ARGS)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, "more than 5 args");
	s->hs.n_args = h->nr_args;
	s->hs.cfg.n_args = h->nr_args;
	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];
		struct tp_arg *ta = &s->hs.cfg.args[i];

		if (a->index > 5) {
			snprintf(why, sizeof(why),
				 "args[%u]: index %u: only the 6 register arguments (0-5) can be "
				 "read", i, a->index);
			return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
		}
		if (a->flags || a->resolve) {
			snprintf(why, sizeof(why), "args[%u]: maxData, returnCopy and resolve are "
				 "not supported on uprobes yet", i);
			return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
		}
		ta->src = (uint8_t)a->index;
		if (is_int_type(a->type)) {
			ta->type = wire_int_type(a->type);
		} else if (a->type == TETRA_ARG_STRING || a->type == TETRA_ARG_FILENAME) {
			ta->type = TP_ARG_STRING;
		} else if (a->type == TETRA_ARG_CHAR_BUF) {
			if (!a->size_arg_index || a->size_arg_index > 6) {
				snprintf(why, sizeof(why), "args[%u]: char_buf needs sizeArgIndex "
					 "naming one of the 6 register arguments (1-based)", i);
				return hook_error(ctx, h, -EINVAL, why);
			}
			ta->type = TP_ARG_CHAR_BUF;
			ta->size_src = (uint8_t)a->size_arg_index;
		} else {
			snprintf(why, sizeof(why),
				 "args[%u]: type %s is not supported on uprobes (integers, "
				 "string and char_buf are)", i, tetra_policy_arg_type_name(a->type));
			return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
		}
		ta->max_bytes = TP_ARG_DATA_MAX;
		s->hs.arg_type[i] = a->type;
		if (a->label && !(s->hs.arg_label[i] = strdup(a->label)))
			return tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
	}
	return 0;
}

static void slot_release(struct tetra__up_engine *e, uint32_t i)
{
	struct up_slot *s = &e->slots[i];
	static const struct tp_hook zero;
	int strings = bpf_map__fd(e->skel->maps.tp_strings);

	bpf_link__destroy(s->link);	/* first: then the kernel no longer runs the hook */
	s->link = NULL;
	for (uint32_t k = 0; k < s->hs.n_keys; k++)
		bpf_map_delete_elem(strings, &s->hs.keys[k]);
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &i, &zero, BPF_ANY);
	free(s->path);
	free(s->symbol);
	tetra__hook_slot_clear(&s->hs);
	memset(s, 0, sizeof(*s));
}

/* Attach one (hook, symbol) or (hook, offset) pair in a slot of its own. */
static int add_target(struct tetra_ctx *ctx, const struct tetra_policy *p, uint32_t hi,
		      uint32_t policy_id, const char *policy_name, const char *symbol,
		      uint64_t offset)
{
	const struct tetra__policy_hook *h = &p->hooks[hi];
	struct tetra__up_engine *e = ctx->up_engine;
	struct up_slot *s;
	char why[512];
	uint32_t i;
	__u8 one = 1;
	int err;

	for (i = 0; i < TP_MAX_HOOKS && e->slots[i].hs.used; i++)
		;
	if (i == TP_MAX_HOOKS)
		return hook_error(ctx, h, -ENOSPC,
				  "more than 64 uprobe symbols and offsets in this context");
	s = &e->slots[i];
	s->hs.used = 1;
	s->hs.policy_id = policy_id;
	s->hs.policy_name = policy_name;
	err = compile_args(ctx, h, s);
	if (err)
		goto fail;
	s->hs.cfg.n_selectors = h->nr_selectors;
	for (uint32_t si = 0; si < h->nr_selectors; si++) {
		const struct tetra__policy_selector *sel = &h->selectors[si];

		if (sel->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS] || sel->nr_actions[1]) {
			snprintf(why, sizeof(why), "selectors[%u]: matchReturnArgs and "
				 "matchReturnActions are not supported on uprobes", si);
			err = hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
			goto fail;
		}
		err = tetra__policy_compile_selector(ctx, h, hi, si, &s->hs, &e->next_matcher);
		if (err) {
			/* the shared compiler names hooks as kprobes: name the uprobe */
			char msg[sizeof(ctx->last_error)];
			const char *m = strstr(ctx->last_error, "\": ");

			snprintf(msg, sizeof(msg), "%s", m ? m + 3 : ctx->last_error);
			err = hook_error(ctx, h, err, msg);
			goto fail;
		}
	}
	s->hs.cfg.id = i;
	s->path = strdup(h->call);
	if (symbol)
		s->symbol = strdup(symbol);
	else if (asprintf(&s->symbol, "0x%" PRIx64, offset) < 0)
		s->symbol = NULL;
	if (!s->path || !s->symbol) {
		err = tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
		goto fail;
	}
	for (uint32_t k = 0; k < s->hs.n_keys; k++)
		if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_strings), &s->hs.keys[k], &one,
					BPF_ANY)) {
			err = hook_error(ctx, h, -errno, "string matchers: map update failed");
			goto fail;
		}
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &i, &s->hs.cfg, BPF_ANY)) {
		err = hook_error(ctx, h, -errno, "hook config: map update failed");
		goto fail;
	}
	{
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .bpf_cookie = i, .func_name = symbol);

		s->link = bpf_program__attach_uprobe_opts(e->skel->progs.tetra_uprobe, -1, h->call,
							  symbol ? 0 : (size_t)offset, &opts);
		if (!s->link) {
			err = -errno;
			if (symbol && (err == -ENOENT || err == -ESRCH))
				snprintf(why, sizeof(why), "symbol \"%s\" not found in the binary",
					 symbol);
			else if (symbol)
				snprintf(why, sizeof(why), "attach uprobe on symbol \"%s\": %s",
					 symbol, strerror(-err));
			else
				snprintf(why, sizeof(why), "attach uprobe at offset %s: %s",
					 s->symbol, strerror(-err));
			err = hook_error(ctx, h, err == -ENOENT ? -ENOENT : -TETRA_E_BPF_ATTACH,
					 why);
			goto fail;
		}
	}
	tetra__log(ctx, TETRA_LOG_INFO, "policy %s: uprobe %s:%s attached (slot %u)",
		   policy_name, s->path, s->symbol, i);
	return 0;
fail:
	slot_release(e, i);
	return err;
}

int tetra__up_add_hook(struct tetra_ctx *ctx, const struct tetra_policy *p, uint32_t hi,
		       uint32_t policy_id, const char *policy_name)
{
	const struct tetra__policy_hook *h = &p->hooks[hi];
	char why[512];
	int err;

	if (h->nr_selectors > TP_MAX_SELECTORS)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, "more than 5 selectors");
	if (!h->call || access(h->call, R_OK)) {
		err = h->call ? -errno : -EINVAL;
		snprintf(why, sizeof(why), "binary: %s", strerror(-err));
		return hook_error(ctx, h, err, why);
	}
	if (h->nr_ref_ctr_offsets)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED,
				  "refCtrOffsets are not supported yet");
	if (!h->nr_symbols && !h->nr_offsets)
		return hook_error(ctx, h, -EINVAL, "a uprobe needs symbols or offsets");
	err = engine_load(ctx);
	if (err)
		return err;
	for (uint32_t k = 0; k < h->nr_symbols; k++) {
		err = add_target(ctx, p, hi, policy_id, policy_name, h->symbols[k], 0);
		if (err)
			return err;	/* the caller removes the policy's other slots */
	}
	for (uint32_t k = 0; k < h->nr_offsets; k++) {
		err = add_target(ctx, p, hi, policy_id, policy_name, NULL, h->offsets[k]);
		if (err)
			return err;
	}
	return 0;
}

void tetra__up_remove_policy(struct tetra_ctx *ctx, uint32_t policy_id)
{
	struct tetra__up_engine *e = ctx->up_engine;

	if (!e)
		return;
	for (uint32_t i = 0; i < TP_MAX_HOOKS; i++)
		if (e->slots[i].hs.used && e->slots[i].hs.policy_id == policy_id)
			slot_release(e, i);
}

void tetra__up_free(struct tetra_ctx *ctx)
{
	struct tetra__up_engine *e = ctx->up_engine;

	if (!e)
		return;
	for (uint32_t i = 0; i < TP_MAX_HOOKS; i++) {
		bpf_link__destroy(e->slots[i].link);
		free(e->slots[i].path);
		free(e->slots[i].symbol);
		tetra__hook_slot_clear(&e->slots[i].hs);
	}
	tetra_policy_uprobe_bpf__destroy(e->skel);
	free(e);
	ctx->up_engine = NULL;
}

int tetra__up_handle_record(struct tetra_ctx *ctx, const void *data, size_t size)
{
	const struct tetra_wire_policy *r = data;
	struct tetra__up_engine *e = ctx->up_engine;
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_UPROBE };
	struct up_slot *s;
	uint32_t data_args = 0;

	if (size < sizeof(*r) || !e || r->hook >= TP_MAX_HOOKS || r->n_args > TP_MAX_ARGS) {
		ctx->stats.decode_errors++;
		return 0;
	}
	s = &e->slots[r->hook];
	if (!s->hs.used || !s->link)
		return 0;	/* the policy was removed while this record was queued */
	ev.path = s->path;
	ev.symbol = s->symbol;
	for (uint32_t i = 0; i < r->n_args && i < TP_MAX_ARGS; i++) {
		uint8_t t = s->hs.cfg.args[i].type;

		if (t == TP_ARG_STRING || t == TP_ARG_CHAR_BUF)
			data_args |= 1u << i;
	}
	return tetra__policy_deliver(ctx, r, size, &s->hs, data_args, &ev);
}
