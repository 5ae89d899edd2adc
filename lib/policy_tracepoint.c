// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `tracepoints:` hooks of TracingPolicies: one generic tracepoint program
 * (bpf/policy_tracepoint.bpf.c), attached to each hooked tracepoint through a perf event
 * link whose BPF cookie is the hook's slot. The event's tracefs format file says where
 * each argument lives in the record.
 *
 * Argument indexes count the fields of the format file from its first line, common_*
 * fields included, as Tetragon does (raw_syscalls/sys_enter: index 4 is "id", 5 "args").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "policy.h"
#include "policy_runtime.h"
#include "policy_tracepoint.skel.h"
#include "sensor.h"
#include "tetra_tracepoint_wire.h"
#include "tracefs.h"

#define TPT_MAX_FIELDS 64

struct tpt_slot {
	struct tetra__hook_slot hs;	/* config, keys, labels, policy */
	struct tpt_fields fields;
	char *subsys, *event;
	struct bpf_link *link;
};

struct tetra__tp_engine {
	struct tetra_policy_tracepoint_bpf *skel;
	struct tpt_slot slots[TP_MAX_HOOKS];
	uint32_t next_matcher;
};

struct fmt_field {
	char decl[128];
	uint32_t off, size;
	int is_signed;
};

static int engine_load(struct tetra_ctx *ctx)
{
	struct tetra__tp_engine *e;
	int err;

	if (ctx->tp_engine)
		return 0;
	if (!ctx->process_sensor) {
		err = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
		if (err)
			return err;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return tetra__error(ctx, -ENOMEM, "load tracepoint engine: out of memory");
	e->next_matcher = 1;
	e->skel = tetra_policy_tracepoint_bpf__open();
	if (!e->skel) {
		err = tetra__error(ctx, -errno, "load tracepoint engine: open BPF object: %s",
				   tetra_strerror(errno));
		free(e);
		return err;
	}
	err = tetra__process_sensor_share_maps(ctx, e->skel->obj);
	if (err) {
		err = tetra__error(ctx, err, "load tracepoint engine: share maps: %s",
				   tetra_strerror(err));
		goto fail;
	}
	err = tetra_policy_tracepoint_bpf__load(e->skel);
	if (err) {
		err = tetra__error(ctx, -TETRA_E_BPF_LOAD,
				   "load tracepoint engine: load tracepoint program: %s",
				   tetra_strerror(err));
		goto fail;
	}
	ctx->tp_engine = e;
	return 0;
fail:
	tetra_policy_tracepoint_bpf__destroy(e->skel);
	free(e);
	return err;
}

/* Parse the "field:" lines of a tracefs format file. Returns the number of fields. */
static int parse_format(char *text, struct fmt_field *fields, int max)
{
	int n = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strstr(line, "field:"), *end, *q;
		struct fmt_field *f;
		size_t len;

		if (!p)
			continue;
		p += 6;
		end = strchr(p, ';');
		if (!end || n >= max)
			return -EINVAL;
		f = &fields[n];
		len = (size_t)(end - p);
		if (len >= sizeof(f->decl))
			len = sizeof(f->decl) - 1;
		memcpy(f->decl, p, len);
		f->decl[len] = '\0';
		q = strstr(end, "offset:");
		if (!q || sscanf(q, "offset:%u;", &f->off) != 1)
			return -EINVAL;
		q = strstr(end, "size:");
		if (!q || sscanf(q, "size:%u;", &f->size) != 1)
			return -EINVAL;
		q = strstr(end, "signed:");
		f->is_signed = q && !strncmp(q, "signed:1", 8);
		n++;
	}
	return n;
}

static int hook_error(struct tetra_ctx *ctx, const struct tetra__policy_hook *h, int err,
		      const char *why)
{
	return tetra__error(ctx, err, "policy hook tracepoints[%u] \"%s/%s\": %s", h->kind_index,
			    h->call ? h->call : "", h->event ? h->event : "", why);
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

/* Fill slot @s's argument readers from the format fields. */
static int compile_args(struct tetra_ctx *ctx, const struct tetra__policy_hook *h,
			struct tpt_slot *s, const struct fmt_field *fields, int nf)
{
	char why[512];

	if (h->nr_args > TP_MAX_ARGS)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, "more than 5 args");
	s->hs.n_args = h->nr_args;
	s->hs.cfg.n_args = h->nr_args;
	for (uint32_t i = 0; i < h->nr_args; i++) {
		const struct tetra__policy_arg *a = &h->args[i];
		struct tpt_field *tf = &s->fields.f[i];
		const struct fmt_field *f;

		if ((int)a->index >= nf) {
			snprintf(why, sizeof(why),
				 "args[%u]: index %u is past the %d fields of the event's format "
				 "(indexes count the common_* fields too)", i, a->index, nf);
			return hook_error(ctx, h, -EINVAL, why);
		}
		f = &fields[a->index];
		if (f->off > TPT_REC_MASK || f->size > 4096) {
			snprintf(why, sizeof(why), "args[%u]: field \"%s\" lies too far in the record",
				 i, f->decl);
			return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
		}
		tf->off = (uint16_t)f->off;
		tf->size = (uint16_t)f->size;
		tf->is_signed = (uint8_t)f->is_signed;
		if (is_int_type(a->type)) {
			if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8) {
				snprintf(why, sizeof(why),
					 "args[%u]: field \"%s\" of %u bytes is not an integer", i,
					 f->decl, f->size);
				return hook_error(ctx, h, -EINVAL, why);
			}
			tf->kind = TPT_FIELD_NUM;
			s->hs.cfg.args[i].type = a->type == TETRA_ARG_INT64 ? TP_ARG_LONG :
						 TP_ARG_UINT64;
		} else if (a->type == TETRA_ARG_STRING || a->type == TETRA_ARG_CHAR_BUF ||
			   a->type == TETRA_ARG_FILENAME) {
			tf->is_string = 1;
			s->hs.cfg.args[i].type = a->type == TETRA_ARG_CHAR_BUF ? TP_ARG_CHAR_BUF :
						 TP_ARG_STRING;
			if (!strncmp(f->decl, "__data_loc", 10))
				tf->kind = TPT_FIELD_DATA_LOC;
			else if (strchr(f->decl, '['))
				tf->kind = TPT_FIELD_ARRAY;
			else if (strchr(f->decl, '*') && f->size == 8 &&
				 a->type != TETRA_ARG_CHAR_BUF)
				tf->kind = TPT_FIELD_USER_STR;
			else {
				snprintf(why, sizeof(why),
					 "args[%u]: field \"%s\" cannot be read as %s (a __data_loc, "
					 "char array or, for string, a user string pointer is needed)",
					 i, f->decl, tetra_policy_arg_type_name(a->type));
				return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
			}
		} else {
			snprintf(why, sizeof(why),
				 "args[%u]: type %s is not supported on tracepoints (integers, "
				 "string and char_buf are)", i, tetra_policy_arg_type_name(a->type));
			return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
		}
		s->hs.cfg.args[i].max_bytes = TP_ARG_DATA_MAX;
		s->hs.arg_type[i] = a->type;
		if (a->label && !(s->hs.arg_label[i] = strdup(a->label)))
			return tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
	}
	return 0;
}

static void slot_release(struct tetra__tp_engine *e, uint32_t i)
{
	struct tpt_slot *s = &e->slots[i];
	static const struct tp_hook zero;
	static const struct tpt_fields zf;
	int strings = bpf_map__fd(e->skel->maps.tp_strings);

	bpf_link__destroy(s->link);	/* first: then the kernel no longer runs the hook */
	s->link = NULL;
	for (uint32_t k = 0; k < s->hs.n_keys; k++)
		bpf_map_delete_elem(strings, &s->hs.keys[k]);
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &i, &zero, BPF_ANY);
	bpf_map_update_elem(bpf_map__fd(e->skel->maps.tpt_fields), &i, &zf, BPF_ANY);
	free(s->subsys);
	free(s->event);
	tetra__hook_slot_clear(&s->hs);
	memset(s, 0, sizeof(*s));
}

int tetra__tp_add_hook(struct tetra_ctx *ctx, const struct tetra_policy *p, uint32_t hi,
		       uint32_t policy_id, const char *policy_name)
{
	const struct tetra__policy_hook *h = &p->hooks[hi];
	struct fmt_field *fields = NULL;
	struct tetra__tp_engine *e;
	struct tpt_slot *s;
	char *text = NULL, why[512];
	int err, id, nf, pfd = -1;
	uint32_t i;
	__u8 one = 1;

	if (h->flags & TETRA_HOOK_F_RAW)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED,
				  "raw tracepoints (raw: true) are not supported yet");
	if (h->nr_selectors > TP_MAX_SELECTORS)
		return hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, "more than 5 selectors");
	id = tetra__tracefs_event_id(h->call, h->event);
	if (id < 0) {
		snprintf(why, sizeof(why), "%s",
			 id == -ENOENT ? "no such tracepoint on this kernel" :
			 id == -EINVAL ? "invalid subsystem or event name" : strerror(-id));
		return hook_error(ctx, h, id == -EINVAL ? -EINVAL : id, why);
	}
	err = engine_load(ctx);
	if (err)
		return err;
	e = ctx->tp_engine;
	for (i = 0; i < TP_MAX_HOOKS && e->slots[i].hs.used; i++)
		;
	if (i == TP_MAX_HOOKS)
		return hook_error(ctx, h, -ENOSPC, "more than 64 tracepoint hooks in this context");
	s = &e->slots[i];
	s->hs.used = 1;
	s->hs.policy_id = policy_id;
	s->hs.policy_name = policy_name;

	text = malloc(65536);
	fields = calloc(TPT_MAX_FIELDS, sizeof(*fields));
	if (!text || !fields) {
		err = tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
		goto fail;
	}
	err = tetra__tracefs_read_event_file(h->call, h->event, "format", text, 65536);
	if (err < 0) {
		snprintf(why, sizeof(why), "read its tracefs format: %s", strerror(-err));
		err = hook_error(ctx, h, err, why);
		goto fail;
	}
	nf = parse_format(text, fields, TPT_MAX_FIELDS);
	if (nf < 0) {
		err = hook_error(ctx, h, -EINVAL, "cannot parse its tracefs format");
		goto fail;
	}
	err = compile_args(ctx, h, s, fields, nf);
	if (err)
		goto fail;
	s->hs.cfg.n_selectors = h->nr_selectors;
	for (uint32_t si = 0; si < h->nr_selectors; si++) {
		const struct tetra__policy_selector *sel = &h->selectors[si];

		if (sel->nr_filters[TETRA_FILTER_MATCH_RETURN_ARGS] || sel->nr_actions[1]) {
			snprintf(why, sizeof(why), "selectors[%u]: matchReturnArgs and "
				 "matchReturnActions do not apply to tracepoints", si);
			err = hook_error(ctx, h, -TETRA_E_NOT_SUPPORTED, why);
			goto fail;
		}
		err = tetra__policy_compile_selector(ctx, h, hi, si, &s->hs, &e->next_matcher);
		if (err) {
			/* the shared compiler names hooks as kprobes: name the tracepoint */
			char msg[sizeof(ctx->last_error)];
			const char *m = strstr(ctx->last_error, "\": ");

			snprintf(msg, sizeof(msg), "%s", m ? m + 3 : ctx->last_error);
			err = hook_error(ctx, h, err, msg);
			goto fail;
		}
	}
	s->hs.cfg.id = i;
	s->subsys = strdup(h->call);
	s->event = strdup(h->event);
	if (!s->subsys || !s->event) {
		err = tetra__error(ctx, -ENOMEM, "compile policy: out of memory");
		goto fail;
	}
	for (uint32_t k = 0; k < s->hs.n_keys; k++)
		if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_strings), &s->hs.keys[k], &one,
					BPF_ANY)) {
			err = hook_error(ctx, h, -errno, "string matchers: map update failed");
			goto fail;
		}
	if (bpf_map_update_elem(bpf_map__fd(e->skel->maps.tpt_fields), &i, &s->fields, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(e->skel->maps.tp_hooks), &i, &s->hs.cfg, BPF_ANY)) {
		err = hook_error(ctx, h, -errno, "hook config: map update failed");
		goto fail;
	}
	{
		struct perf_event_attr attr = {
			.type = PERF_TYPE_TRACEPOINT,
			.size = sizeof(attr),
			.config = (uint64_t)id,
			.sample_period = 1,
			.wakeup_events = 1,
		};
		LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = i);

		pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
		if (pfd < 0) {
			err = -errno;
			snprintf(why, sizeof(why), "perf_event_open: %s", strerror(-err));
			err = hook_error(ctx, h, -TETRA_E_BPF_ATTACH, why);
			goto fail;
		}
		s->link = bpf_program__attach_perf_event_opts(e->skel->progs.tetra_tracepoint, pfd,
							      &opts);
		if (!s->link) {
			err = -errno;
			close(pfd);	/* the link owns it only once attached */
			snprintf(why, sizeof(why), "attach tracepoint program: %s", strerror(-err));
			err = hook_error(ctx, h, -TETRA_E_BPF_ATTACH, why);
			goto fail;
		}
	}
	free(text);
	free(fields);
	tetra__log(ctx, TETRA_LOG_INFO, "policy %s: tracepoint %s/%s attached (slot %u)",
		   policy_name, h->call, h->event, i);
	return 0;
fail:
	free(text);
	free(fields);
	slot_release(e, i);
	return err;
}

void tetra__tp_remove_policy(struct tetra_ctx *ctx, uint32_t policy_id)
{
	struct tetra__tp_engine *e = ctx->tp_engine;

	if (!e)
		return;
	for (uint32_t i = 0; i < TP_MAX_HOOKS; i++)
		if (e->slots[i].hs.used && e->slots[i].hs.policy_id == policy_id)
			slot_release(e, i);
}

void tetra__tp_free(struct tetra_ctx *ctx)
{
	struct tetra__tp_engine *e = ctx->tp_engine;

	if (!e)
		return;
	for (uint32_t i = 0; i < TP_MAX_HOOKS; i++) {
		bpf_link__destroy(e->slots[i].link);
		free(e->slots[i].subsys);
		free(e->slots[i].event);
		tetra__hook_slot_clear(&e->slots[i].hs);
	}
	tetra_policy_tracepoint_bpf__destroy(e->skel);
	free(e);
	ctx->tp_engine = NULL;
}

int tetra__tp_handle_record(struct tetra_ctx *ctx, const void *data, size_t size)
{
	const struct tetra_wire_policy *r = data;
	struct tetra__tp_engine *e = ctx->tp_engine;
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_TRACEPOINT };
	struct tpt_slot *s;
	uint32_t data_args = 0;

	if (size < sizeof(*r) || !e || r->hook >= TP_MAX_HOOKS || r->n_args > TP_MAX_ARGS) {
		ctx->stats.decode_errors++;
		return 0;
	}
	s = &e->slots[r->hook];
	if (!s->hs.used || !s->link)
		return 0;	/* the policy was removed while this record was queued */
	ev.subsys = s->subsys;
	ev.event = s->event;
	for (uint32_t i = 0; i < r->n_args && i < TP_MAX_ARGS; i++)
		if (s->fields.f[i].is_string)
			data_args |= 1u << i;
	return tetra__policy_deliver(ctx, r, size, &s->hs, data_args, &ev);
}
