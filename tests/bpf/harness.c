// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

void th_require_bpf(void)
{
	const char *req = getenv("TETRA_REQUIRE_BPF");

	if (geteuid() == 0)
		return;
	if (req && !strcmp(req, "1"))
		cr_assert_fail("TETRA_REQUIRE_BPF=1 but not running as root: cannot load BPF");
	cr_skip_test("needs root to load BPF (set TETRA_REQUIRE_BPF=1 to make this a failure)");
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int record(struct tetra_ctx *ctx, const struct tetra_event *ev, void *arg)
{
	struct th_recorder *rec = arg;
	const struct tetra_process *p = tetra_event_process(ev), *pp = tetra_event_parent(ev);
	struct th_event *e;

	if (rec->n == rec->cap) {
		rec->cap = rec->cap ? rec->cap * 2 : 1024;
		rec->ev = realloc(rec->ev, rec->cap * sizeof(*rec->ev));
		cr_assert_not_null(rec->ev);
	}
	e = &rec->ev[rec->n++];
	memset(e, 0, sizeof(*e));
	e->type = tetra_event_type(ev);
	e->seq = tetra_event_seq(ev);
	e->ktime = tetra_event_ktime(ev);
	e->time = tetra_event_time(ev);
	for (int i = 0; i < TETRA_LOST_CATEGORIES; i++)
		e->lost[i] = tetra_event_lost(ev, i);
	e->exit_status = tetra_event_exit_status(ev);
	e->exit_signal = tetra_event_exit_signal(ev);
	if (p) {
		e->pid = tetra_process_pid(p);
		e->tid = tetra_process_tid(p);
		e->ppid = tetra_process_ppid(p);
		e->uid = tetra_process_uid(p);
		e->auid = tetra_process_auid(p);
		e->flags = tetra_process_flags(p);
		e->argc = tetra_process_argc(p);
		e->start_time = tetra_process_start_time(p);
		e->ns_mnt = tetra_process_ns(p, TETRA_NS_MNT);
		copy(e->binary, sizeof(e->binary), tetra_process_binary(p));
		copy(e->arguments, sizeof(e->arguments), tetra_process_arguments(p));
		copy(e->argv1, sizeof(e->argv1), tetra_process_argv(p, 1));
		copy(e->cwd, sizeof(e->cwd), tetra_process_cwd(p));
		copy(e->exec_id, sizeof(e->exec_id), tetra_process_exec_id(p));
		copy(e->parent_exec_id, sizeof(e->parent_exec_id), tetra_process_parent_exec_id(p));
	}
	if (pp) {
		e->has_parent = 1;
		copy(e->parent_binary, sizeof(e->parent_binary), tetra_process_binary(pp));
		copy(e->parent_exec_id_of_parent, sizeof(e->parent_exec_id_of_parent),
		     tetra_process_exec_id(pp));
	}
	/* the encoder runs on every real event too: it must never fail on kernel data */
	cr_assert_geq(tetra_event_to_json(ev, e->json, sizeof(e->json)), 2);
	(void)ctx;
	return 0;
}

static void recorder_free(void *arg)
{
	struct th_recorder *rec = arg;

	free(rec->ev);
	free(rec);
}

struct th_recorder *th_record(struct tetra_ctx *ctx)
{
	struct th_recorder *rec = calloc(1, sizeof(*rec));

	cr_assert_not_null(rec);
	cr_assert_eq(tetra_ctx_set_event_fn(ctx, record, rec, recorder_free), 0);
	return rec;
}

struct tetra_ctx *th_ctx_process(uint32_t flags, uint32_t ring_bytes)
{
	struct tetra_ctx_opts opts;
	struct tetra_ctx *ctx = NULL;
	int err;

	tetra_ctx_opts_init(&opts, sizeof(opts));
	opts.flags = flags;
	opts.ring_buffer_bytes = ring_bytes;
	opts.node_name = "test-node";
	cr_assert_eq(tetra_ctx_new(&ctx, &opts), 0);
	err = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
	cr_assert_eq(err, 0, "enable process sensor: %d %s", err, tetra_ctx_last_error(ctx));
	return ctx;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int th_poll_until(struct tetra_ctx *ctx, struct th_recorder *rec,
		  int (*done)(struct th_recorder *, const void *), const void *arg, int timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	for (;;) {
		int r = tetra_ctx_poll(ctx, 50);

		cr_assert_geq(r, 0, "poll: %d %s", r, tetra_ctx_last_error(ctx));
		if (done(rec, arg))
			return 1;
		if (now_ms() > end)
			return 0;
	}
}

const struct th_event *th_find(struct th_recorder *rec, uint32_t type, uint32_t pid)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->ev[i].type == type && rec->ev[i].pid == pid)
			return &rec->ev[i];
	return NULL;
}

struct find_arg {
	uint32_t type, pid;
};

static int found(struct th_recorder *rec, const void *arg)
{
	const struct find_arg *f = arg;

	return th_find(rec, f->type, f->pid) != NULL;
}

const struct th_event *th_wait_event(struct tetra_ctx *ctx, struct th_recorder *rec,
				     uint32_t type, uint32_t pid, int timeout_ms)
{
	struct find_arg f = { type, pid };

	th_poll_until(ctx, rec, found, &f, timeout_ms);
	return th_find(rec, type, pid);
}
