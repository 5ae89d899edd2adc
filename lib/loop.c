// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The event loop, run in the caller's thread: an epoll fd for integration with any main
 * loop, a non-blocking dispatch, a blocking poll and a thread-safe wakeup.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "sensor.h"

TETRA_API int tetra_ctx_get_fd(struct tetra_ctx *ctx)
{
	return ctx ? ctx->epoll_fd : -EINVAL;
}

TETRA_API int tetra_ctx_dispatch(struct tetra_ctx *ctx)
{
	uint64_t v;

	if (!ctx)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE, "dispatch: called from an event callback");
	/* a wakeup is consumed by the dispatch that follows it */
	while (read(ctx->wake_fd, &v, sizeof(v)) == sizeof(v))
		;
	if (!ctx->process_sensor)
		return 0;
	return tetra__process_sensor_consume(ctx);
}

TETRA_API int tetra_ctx_poll(struct tetra_ctx *ctx, int timeout_ms)
{
	struct epoll_event evs[4];
	int n;

	if (!ctx)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE, "poll: called from an event callback");
	n = epoll_wait(ctx->epoll_fd, evs, TETRA_ARRAY_SIZE(evs), timeout_ms);
	if (n < 0)
		return -errno;
	return tetra_ctx_dispatch(ctx);
}

TETRA_API int tetra_ctx_wakeup(struct tetra_ctx *ctx)
{
	uint64_t one = 1;

	if (!ctx)
		return -EINVAL;
	/* EAGAIN means the counter is saturated: a wakeup is pending anyway */
	if (write(ctx->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}
