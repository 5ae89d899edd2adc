/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: the event record behind struct tetra_event. */
#ifndef TETRA_LIB_EVENT_H
#define TETRA_LIB_EVENT_H

#include <stdint.h>

#include <tetra/event.h>

#include "process.h"

#define TETRA_EVENT_MAX_ARGS 5

/* One argument of a policy event, as its hook's args[] declared it. */
struct tetra__event_arg {
	uint32_t type;			/* TETRA_ARG_* */
	uint32_t truncated;
	uint64_t value;			/* integers */
	const char *str;		/* strings and buffers: len bytes, NUL after */
	uint32_t len;
	const char *label;		/* NULL when none */
};

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
	/* process_kprobe */
	const char *policy_name;
	const char *function_name;
	const char *subsys;		/* process_tracepoint */
	const char *event;		/* process_tracepoint */
	const char *path;		/* process_uprobe: the probed binary */
	const char *symbol;		/* process_uprobe: the symbol (or "0x<offset>") */
	uint32_t action;		/* TETRA_ACTION_* */
	uint32_t n_args;
	struct tetra__event_arg args[TETRA_EVENT_MAX_ARGS];
	/* return probes: the return value, typed as the hook's returnArg */
	uint32_t has_return;
	uint32_t return_action;		/* TETRA_ACTION_* taken at return */
	struct tetra__event_arg ret;
};

#endif /* TETRA_LIB_EVENT_H */
