// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* tetra_sensor_enable/disable: validate, then hand over to the sensor. */
#include <errno.h>

#include "sensor.h"

TETRA_API void tetra_sensor_opts_init(struct tetra_sensor_opts *opts, size_t sz)
{
	if (!opts || sz < sizeof(size_t))
		return;
	memset(opts, 0, sz);
	opts->sz = sz;
}

TETRA_API int tetra_sensor_enable(struct tetra_ctx *ctx, uint32_t sensor,
				  const struct tetra_sensor_opts *opts)
{
	int err;

	if (!ctx)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE,
				   "enable sensor %u: not allowed from an event callback", sensor);
	if (opts) {
		err = tetra__opts_valid(opts, opts->sz, sizeof(*opts));
		if (err)
			return tetra__error(ctx, err, "enable sensor %u: %s", sensor,
					    tetra_strerror(err));
	}
	switch (sensor) {
	case TETRA_SENSOR_PROCESS:
		if (ctx->process_sensor)
			return 0;
		return tetra__process_sensor_enable(ctx);
	}
	return tetra__error(ctx, -EINVAL, "enable sensor %u: no such sensor", sensor);
}

TETRA_API int tetra_sensor_disable(struct tetra_ctx *ctx, uint32_t sensor)
{
	if (!ctx)
		return -EINVAL;
	if (ctx->in_callback)
		return tetra__error(ctx, -TETRA_E_STATE,
				   "disable sensor %u: not allowed from an event callback", sensor);
	switch (sensor) {
	case TETRA_SENSOR_PROCESS:
		if (!ctx->process_sensor)
			return tetra__error(ctx, -ENOENT, "disable process sensor: not enabled");
		if (ctx->policy_engine)
			return tetra__error(ctx, -EBUSY,
					    "disable process sensor: policies use it; remove them "
					    "first");
		tetra__process_sensor_disable(ctx);
		return 0;
	}
	return tetra__error(ctx, -EINVAL, "disable sensor %u: no such sensor", sensor);
}

void tetra__sensors_disable_all(struct tetra_ctx *ctx)
{
	if (ctx->process_sensor)
		tetra__process_sensor_disable(ctx);
}

void tetra__sensors_poll_lost(struct tetra_ctx *ctx)
{
	uint64_t lost[TETRA_LOST_CATEGORIES] = { 0 }, total = 0;

	if (!ctx->process_sensor)
		return;
	tetra__process_sensor_read_lost(ctx, lost);
	for (int i = 0; i < TETRA_LOST_CATEGORIES; i++) {
		ctx->stats.lost[i] = lost[i];
		total += lost[i];
	}
	ctx->stats.lost_total = total;
}
