/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: the sensors a context can run and what the loop asks of them. */
#ifndef TETRA_LIB_SENSOR_H
#define TETRA_LIB_SENSOR_H

#include "context.h"

int tetra__process_sensor_enable(struct tetra_ctx *ctx);
void tetra__process_sensor_disable(struct tetra_ctx *ctx);
/* Read pending ring-buffer records into events; returns events delivered or -errno. */
int tetra__process_sensor_consume(struct tetra_ctx *ctx);
/* Copy the kernel's loss counters into ctx->stats. */
void tetra__process_sensor_read_lost(struct tetra_ctx *ctx, uint64_t lost[TETRA_LOST_CATEGORIES]);

/* The fd of the process sensor's map @name (ring buffer, counters, binaries) to share. */
int tetra__process_sensor_map_fd(struct tetra_ctx *ctx, const char *name);

struct bpf_object;
/*
 * Point a policy object's ring buffer, counters and binaries maps at the process
 * sensor's, before it is loaded: one ring buffer and one numbering per context.
 */
int tetra__process_sensor_share_maps(struct tetra_ctx *ctx, struct bpf_object *obj);

void tetra__sensors_disable_all(struct tetra_ctx *ctx);
/* Refresh ctx->stats.lost[] and lost_total from the kernel counters. */
void tetra__sensors_poll_lost(struct tetra_ctx *ctx);

/*
 * Check the capabilities loading BPF needs. Returns 0, or -TETRA_E_PRIVILEGE with the
 * missing ones named in the context's last error, prefixed by @what.
 */
int tetra__check_bpf_privileges(struct tetra_ctx *ctx, const char *what);

#endif /* TETRA_LIB_SENSOR_H */
