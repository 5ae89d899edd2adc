/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Shared by the privileged tests: the root check that TETRA_REQUIRE_BPF turns from a skip
 * into a failure, and a recorder that copies events out of the callback (their pointers
 * are only valid inside it) so tests can assert on them afterwards.
 */
#ifndef TETRA_TEST_HARNESS_H
#define TETRA_TEST_HARNESS_H

#include <stdint.h>
#include <tetra/tetra.h>

/* Skip the test when BPF cannot be loaded here, unless TETRA_REQUIRE_BPF=1: then fail. */
void th_require_bpf(void);

struct th_event {
	uint32_t type;
	uint64_t seq;
	uint32_t pid, tid, ppid, uid, auid, flags, argc;
	uint32_t exit_status, exit_signal;
	uint64_t lost[TETRA_LOST_CATEGORIES];
	uint64_t ktime, time, start_time;
	uint32_t ns_mnt;
	char binary[4200];
	char arguments[4200];
	char argv1[256];
	char cwd[4200];
	char exec_id[400];
	char parent_exec_id[400];
	int has_parent;
	char parent_binary[256];
	char parent_exec_id_of_parent[400];	/* the parent's own exec_id */
	char json[8192];
};

struct th_recorder {
	struct th_event *ev;
	size_t n, cap;
};

/* Install a recording callback on @ctx; the recorder is freed by the destroy notifier. */
struct th_recorder *th_record(struct tetra_ctx *ctx);
/* A context with the process sensor enabled, asserting success. */
struct tetra_ctx *th_ctx_process(uint32_t flags, uint32_t ring_bytes);
/* Poll until @done(rec, arg) holds or @timeout_ms passes; returns whether it held. */
int th_poll_until(struct tetra_ctx *ctx, struct th_recorder *rec,
		  int (*done)(struct th_recorder *, const void *), const void *arg, int timeout_ms);
/* The first event of @type for @pid, or NULL. */
const struct th_event *th_find(struct th_recorder *rec, uint32_t type, uint32_t pid);
/* th_poll_until(th_find(type, pid)) */
const struct th_event *th_wait_event(struct tetra_ctx *ctx, struct th_recorder *rec,
				     uint32_t type, uint32_t pid, int timeout_ms);

#endif /* TETRA_TEST_HARNESS_H */
