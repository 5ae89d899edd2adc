/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: the context and what its parts share. */
#ifndef TETRA_LIB_CONTEXT_H
#define TETRA_LIB_CONTEXT_H

#include <stdint.h>

#include "lib.h"
#include "process_cache.h"

struct tetra__process_sensor;
struct tetra__policy_engine;
struct tetra__tp_engine;
struct tetra__up_engine;

struct tetra_ctx {
	char node_name[256];
	uint32_t ring_buffer_bytes;
	uint32_t process_cache_size;
	uint32_t flags;			/* TETRA_CTX_F_* */
	uint64_t realtime_offset_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME at creation */

	int epoll_fd;			/* what tetra_ctx_get_fd() hands out */
	int wake_fd;			/* eventfd behind tetra_ctx_wakeup() */

	char last_error[1024];
	tetra_log_fn log_fn;
	int log_level;
	void *log_user_data;

	tetra_event_fn event_fn;
	void *event_user_data;
	void (*event_destroy)(void *user_data);
	int in_callback;		/* dispatch is not re-entrant */

	struct tetra__process_cache *processes;
	struct tetra__process_sensor *process_sensor;	/* NULL when disabled */
	struct tetra__policy_engine *policy_engine;	/* NULL until a policy is added */
	struct tetra__tp_engine *tp_engine;	/* tracepoints: hooks; NULL until one is added */
	struct tetra__up_engine *up_engine;	/* uprobes: hooks; NULL until one is added */

	struct tetra_stats stats;	/* counters kept here; cache figures filled on read */
	uint64_t lost_reported[TETRA_LOST_CATEGORIES];

	/* plan.c: kernel features, probed once on first use (tetra__ctx_features()) */
	struct tetra_features features;
	int features_probed;
	uint32_t policy_flags;		/* TETRA_POLICY_F_*, tetra_ctx_set_policy_flags() */
};

/* Record @fmt as the last error (and log it at TETRA_LOG_ERROR); returns @err. */
int tetra__error(struct tetra_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tetra__log(struct tetra_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Hand one event to the user's callback; returns what the callback returned. */
int tetra__deliver(struct tetra_ctx *ctx, struct tetra_event *ev);

#endif /* TETRA_LIB_CONTEXT_H */
