// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Context lifetime, errors, logging, callbacks and statistics. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "event.h"
#include "policy_runtime.h"
#include "sensor.h"

#define DEFAULT_RING_BUFFER_BYTES (8u << 20)
#define DEFAULT_PROCESS_CACHE_SIZE 65536u

TETRA_API void tetra_ctx_opts_init(struct tetra_ctx_opts *opts, size_t sz)
{
	if (!opts || sz < sizeof(size_t))
		return;
	memset(opts, 0, sz);
	opts->sz = sz;
}

static int validate_opts(const struct tetra_ctx_opts *opts)
{
	uint32_t rb;
	int err;

	if (!opts)
		return 0;
	err = tetra__opts_valid(opts, opts->sz, sizeof(*opts));
	if (err)
		return err;
	rb = TETRA_OPT(opts, struct tetra_ctx_opts, ring_buffer_bytes);
	/* the kernel wants a power of two that is a multiple of the page size */
	if (rb && ((rb & (rb - 1)) || rb < (uint32_t)sysconf(_SC_PAGESIZE)))
		return -EINVAL;
	if (TETRA_OPT(opts, struct tetra_ctx_opts, flags) &
	    ~(TETRA_CTX_F_NO_PROC_SEED | TETRA_CTX_F_FORCE_RAW_TP))
		return -EINVAL;
	return 0;
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

TETRA_API int tetra_ctx_new(struct tetra_ctx **ret, const struct tetra_ctx_opts *opts)
{
	struct epoll_event ev = { .events = EPOLLIN };
	const char *node;
	struct tetra_ctx *ctx;
	int err;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	err = validate_opts(opts);
	if (err)
		return err;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->epoll_fd = ctx->wake_fd = -1;
	ctx->ring_buffer_bytes = TETRA_OPT(opts, struct tetra_ctx_opts, ring_buffer_bytes);
	if (!ctx->ring_buffer_bytes)
		ctx->ring_buffer_bytes = DEFAULT_RING_BUFFER_BYTES;
	ctx->process_cache_size = TETRA_OPT(opts, struct tetra_ctx_opts, process_cache_size);
	if (!ctx->process_cache_size)
		ctx->process_cache_size = DEFAULT_PROCESS_CACHE_SIZE;
	ctx->flags = TETRA_OPT(opts, struct tetra_ctx_opts, flags);
	node = TETRA_OPT(opts, struct tetra_ctx_opts, node_name);
	if (node)
		snprintf(ctx->node_name, sizeof(ctx->node_name), "%s", node);
	else if (gethostname(ctx->node_name, sizeof(ctx->node_name) - 1))
		snprintf(ctx->node_name, sizeof(ctx->node_name), "localhost");
	ctx->realtime_offset_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
	ctx->stats.sz = sizeof(ctx->stats);

	ctx->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	ctx->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctx->epoll_fd < 0 || ctx->wake_fd < 0)
		goto fail_errno;
	ev.data.fd = ctx->wake_fd;
	if (epoll_ctl(ctx->epoll_fd, EPOLL_CTL_ADD, ctx->wake_fd, &ev))
		goto fail_errno;
	err = tetra__process_cache_new(&ctx->processes, ctx->process_cache_size);
	if (err)
		goto fail;
	*ret = ctx;
	return 0;

fail_errno:
	err = -errno;
fail:
	tetra_ctx_free(ctx);
	return err;
}

TETRA_API void tetra_ctx_free(struct tetra_ctx *ctx)
{
	if (!ctx)
		return;
	tetra__policies_free(ctx);
	tetra__sensors_disable_all(ctx);
	if (ctx->event_destroy)
		ctx->event_destroy(ctx->event_user_data);
	tetra__process_cache_free(ctx->processes);
	if (ctx->epoll_fd >= 0)
		close(ctx->epoll_fd);
	if (ctx->wake_fd >= 0)
		close(ctx->wake_fd);
	free(ctx);
}

TETRA_API const char *tetra_ctx_last_error(const struct tetra_ctx *ctx)
{
	return ctx ? ctx->last_error : "";
}

TETRA_API void tetra_ctx_set_log_fn(struct tetra_ctx *ctx, tetra_log_fn fn, int max_level,
				    void *user_data)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_level = max_level;
	ctx->log_user_data = user_data;
}

static void vlog(struct tetra_ctx *ctx, int level, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!ctx->log_fn || level > ctx->log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx->log_fn(ctx, level, msg, ctx->log_user_data);
}

void tetra__log(struct tetra_ctx *ctx, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, level, fmt, ap);
	va_end(ap);
}

int tetra__error(struct tetra_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->last_error, sizeof(ctx->last_error), fmt, ap);
	va_end(ap);
	tetra__log(ctx, TETRA_LOG_ERROR, "%s", ctx->last_error);
	return err;
}

TETRA_API int tetra_ctx_set_event_fn(struct tetra_ctx *ctx, tetra_event_fn fn, void *user_data,
				     void (*destroy)(void *user_data))
{
	void (*old_destroy)(void *);
	void *old_user_data;

	if (!ctx)
		return -EINVAL;
	old_destroy = ctx->event_destroy;
	old_user_data = ctx->event_user_data;
	ctx->event_fn = fn;
	ctx->event_user_data = user_data;
	ctx->event_destroy = destroy;
	/* after the swap, so a destroy notifier that inspects the context sees the new state */
	if (old_destroy)
		old_destroy(old_user_data);
	return 0;
}

int tetra__deliver(struct tetra_ctx *ctx, struct tetra_event *ev)
{
	int r = 0;

	ev->node_name = ctx->node_name;
	ev->time = ev->ktime + ctx->realtime_offset_ns;
	if (ctx->event_fn) {
		ctx->in_callback = 1;
		r = ctx->event_fn(ctx, ev, ctx->event_user_data);
		ctx->in_callback = 0;
	}
	ctx->stats.events_delivered++;
	return r;
}

TETRA_API void tetra_stats_init(struct tetra_stats *stats, size_t sz)
{
	if (!stats || sz < sizeof(size_t))
		return;
	memset(stats, 0, sz);
	stats->sz = sz;
}

TETRA_API int tetra_ctx_get_stats(struct tetra_ctx *ctx, struct tetra_stats *ret)
{
	struct tetra_stats s;
	size_t n;

	if (!ctx || !ret || ret->sz < sizeof(size_t))
		return -EINVAL;
	tetra__sensors_poll_lost(ctx);
	s = ctx->stats;
	s.process_cache_entries = tetra__process_cache_count(ctx->processes);
	s.process_cache_evictions = tetra__process_cache_evictions(ctx->processes);
	/* an older caller gets the prefix it knows; a newer one zeroes past ours */
	n = ret->sz < sizeof(s) ? ret->sz : sizeof(s);
	s.sz = ret->sz;
	memcpy(ret, &s, n);
	if (ret->sz > sizeof(s))
		memset((char *)ret + sizeof(s), 0, ret->sz - sizeof(s));
	return 0;
}
