/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: the context, its event loop and its sensors.
 *
 * A context owns its BPF programs, maps and ring buffer; two contexts in one process are
 * independent. The library starts no thread: events are delivered from
 * tetra_ctx_dispatch()/tetra_ctx_poll() in the caller's thread. A context is not
 * thread-safe: use it from one thread at a time. Only tetra_ctx_wakeup() may be called
 * from any thread.
 */
#ifndef TETRA_CONTEXT_H
#define TETRA_CONTEXT_H

#include <tetra/common.h>
#include <tetra/event.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tetra_ctx;

struct tetra_ctx_opts {
	size_t sz;			/* sizeof(struct tetra_ctx_opts) */
	uint32_t ring_buffer_bytes;	/* kernel->user ring buffer; power of two; 0: 8 MiB */
	uint32_t process_cache_size;	/* processes kept; 0: 65536 */
	const char *node_name;		/* reported in events and exec_ids; NULL: hostname */
	uint32_t flags;			/* TETRA_CTX_F_* */
	uint32_t __reserved;
};

/* Do not read /proc at start: processes that already exist stay unknown. */
#define TETRA_CTX_F_NO_PROC_SEED	(1u << 0)
/* Prefer raw tracepoints over BTF-typed ones even where the latter work (for testing). */
#define TETRA_CTX_F_FORCE_RAW_TP	(1u << 1)

/* Zero @opts and set opts->sz = @sz; for bindings that cannot use sizeof. */
TETRA_API void tetra_ctx_opts_init(struct tetra_ctx_opts *opts, size_t sz);

/*
 * Create a context. @opts may be NULL. Loads nothing into the kernel yet (see
 * tetra_sensor_enable()), so it needs no privileges. Returns 0, -EINVAL, -ENOMEM, or
 * -TETRA_E_OPTS when @opts has non-zero bytes past the fields this library knows.
 */
TETRA_API int tetra_ctx_new(struct tetra_ctx **ret, const struct tetra_ctx_opts *opts);

/*
 * Detach and unload everything the context put in the kernel, call the destroy notifiers
 * and free it. NULL-safe. Not from inside an event callback.
 */
TETRA_API void tetra_ctx_free(struct tetra_ctx *ctx);

/*
 * The message of the last failure in this context, with its context ("enable process
 * sensor: load BPF: needs CAP_BPF"). "" when none. Valid until the next call on @ctx.
 */
TETRA_API const char *tetra_ctx_last_error(const struct tetra_ctx *ctx);

#define TETRA_LOG_ERROR		3
#define TETRA_LOG_WARNING	4
#define TETRA_LOG_INFO		6
#define TETRA_LOG_DEBUG		7

typedef void (*tetra_log_fn)(struct tetra_ctx *ctx, int level, const char *msg, void *user_data);

/*
 * Route the library's diagnostics to @fn (NULL: discard them, the default; the library
 * never prints). Messages at or below @max_level are passed.
 */
TETRA_API void tetra_ctx_set_log_fn(struct tetra_ctx *ctx, tetra_log_fn fn, int max_level,
				    void *user_data);

/*
 * Called for every event from dispatch. Return 0 to go on; a negative value stops the
 * current dispatch, which then returns that value.
 */
typedef int (*tetra_event_fn)(struct tetra_ctx *ctx, const struct tetra_event *ev,
			      void *user_data);

/*
 * Set the event callback. The previous callback's @destroy (if any) is called with its
 * user_data; so is this one's when it is replaced or the context freed. Returns 0.
 */
TETRA_API int tetra_ctx_set_event_fn(struct tetra_ctx *ctx, tetra_event_fn fn, void *user_data,
				     void (*destroy)(void *user_data));

/*
 * An epoll fd that becomes readable when events are pending or tetra_ctx_wakeup() was
 * called. Owned by the context; do not close it.
 */
TETRA_API int tetra_ctx_get_fd(struct tetra_ctx *ctx);

/* Deliver all pending events without blocking. Returns how many were delivered. */
TETRA_API int tetra_ctx_dispatch(struct tetra_ctx *ctx);

/*
 * Wait up to @timeout_ms (-1: forever) for events, then deliver them. Returns how many
 * were delivered, 0 on timeout or wakeup, or a negative error. -EINTR is passed through.
 */
TETRA_API int tetra_ctx_poll(struct tetra_ctx *ctx, int timeout_ms);

/* Make a concurrent tetra_ctx_poll() return. Thread- and async-signal-safe. */
TETRA_API int tetra_ctx_wakeup(struct tetra_ctx *ctx);

struct tetra_stats {
	size_t sz;			/* sizeof(struct tetra_stats) */
	uint64_t events_received;	/* records read from the kernel */
	uint64_t events_delivered;	/* callbacks made */
	uint64_t lost_total;		/* records the kernel could not queue */
	uint64_t lost[TETRA_LOST_CATEGORIES];	/* the same by TETRA_LOST_* */
	uint64_t process_cache_entries;	/* processes in the cache now */
	uint64_t process_cache_evictions;	/* removed to stay within the bound */
	uint64_t unknown_processes;	/* events whose process was not in the cache */
	uint64_t decode_errors;		/* malformed records (a library bug if non-zero) */
};

TETRA_API void tetra_stats_init(struct tetra_stats *stats, size_t sz);
/*
 * Fill @ret (set ret->sz first): a smaller struct gets the fields it has, a larger one
 * zeros past ours. Returns 0 or -EINVAL.
 */
TETRA_API int tetra_ctx_get_stats(struct tetra_ctx *ctx, struct tetra_stats *ret);

/* --- sensors --- */

/* Process lifecycle: exec, fork (new thread groups) and exit, from scheduler tracepoints. */
#define TETRA_SENSOR_PROCESS	1

struct tetra_sensor_opts {
	size_t sz;			/* sizeof(struct tetra_sensor_opts) */
};

TETRA_API void tetra_sensor_opts_init(struct tetra_sensor_opts *opts, size_t sz);

/*
 * Load and attach a sensor's BPF programs. For TETRA_SENSOR_PROCESS this also seeds the
 * process cache from /proc. Needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); without
 * them returns -TETRA_E_PRIVILEGE and tetra_ctx_last_error() names the missing
 * capability. Enabling an enabled sensor returns 0. @opts may be NULL.
 */
TETRA_API int tetra_sensor_enable(struct tetra_ctx *ctx, uint32_t sensor,
				  const struct tetra_sensor_opts *opts);
/* Detach and unload a sensor. Returns 0, or -ENOENT when it was not enabled. */
TETRA_API int tetra_sensor_disable(struct tetra_ctx *ctx, uint32_t sensor);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_CONTEXT_H */
