/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: the event record behind struct tetra_event. */
#ifndef TETRA_LIB_EVENT_H
#define TETRA_LIB_EVENT_H

#include <stdint.h>

#include <tetra/event.h>

#include "process.h"

/*
 * Built on the stack by the dispatcher for the length of one callback; the process
 * pointers borrow from the process cache.
 */
struct tetra_event {
	uint32_t type;			/* TETRA_EVENT_* */
	uint64_t seq;
	uint64_t ktime;			/* CLOCK_BOOTTIME ns */
	uint64_t time;			/* wall-clock ns since the epoch */
	const char *node_name;
	const struct tetra_process *process;
	const struct tetra_process *parent;
	uint32_t exit_status;		/* process_exit */
	uint32_t exit_signal;		/* process_exit */
	uint64_t lost[TETRA_LOST_CATEGORIES];	/* lost_events */
};

#endif /* TETRA_LIB_EVENT_H */
