// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Tetragon's compact form (`tetra getevents -o compact`, colours off): an emoji, the event
 * word padded to 7 columns, the node, the binary and what the event adds. Unlike Tetragon
 * it escapes control characters, so one event is always exactly one line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include <tetra/policy.h>

#include "encode.h"
#include "event.h"
#include "lib.h"
#include "process.h"

/* Defined in encode.c; see the note there. */
const char *tetra__signal_name(uint32_t sig);
void tetra__out_text(struct tetra__out *o, const char *s);

/* "%-7s" of the event word, then the separating space, as Tetragon prints them */
#define HEAD_EXEC "\xf0\x9f\x9a\x80 process "		/* U+1F680 rocket */
#define HEAD_EXIT "\xf0\x9f\x92\xa5 exit    "		/* U+1F4A5 collision */
#define HEAD_FORK "\xf0\x9f\x94\x80 fork    "		/* U+1F500 twisted arrows */
#define HEAD_KPROBE "\xf0\x9f\x94\xa7 syscall "
#define HEAD_LOST "\xe2\x9a\xa0\xef\xb8\x8f lost    "	/* U+26A0 U+FE0F warning sign */

static const struct {
	uint32_t cat;
	const char *name;
} lost_names[] = {
	{ TETRA_LOST_EXEC, "exec" },
	{ TETRA_LOST_EXIT, "exit" },
	{ TETRA_LOST_FORK, "fork" },
	{ TETRA_LOST_POLICY, "policy" },
	{ TETRA_LOST_OTHER, "other" },
};

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* "<node> <binary>[ <arguments>]" */
static void process_info(struct tetra__out *o, const struct tetra_event *ev)
{
	const struct tetra_process *p = ev->process;
	const char *args;

	tetra__out_text(o, ev->node_name);
	tetra__out_bytes(o, " ", 1);
	if (!p || !p->binary || !*p->binary) {
		tetra__out_str(o, "<unknown>");
		return;
	}
	tetra__out_text(o, p->binary);
	/* the record is the library's; the joined form is cached in it (as in encode_json.c) */
	args = tetra__process_arguments((struct tetra_process *)p);
	if (*args) {
		tetra__out_bytes(o, " ", 1);
		tetra__out_text(o, args);
	}
}

static void lost(struct tetra__out *o, const struct tetra_event *ev)
{
	uint64_t total = 0, other = 0;
	int items = 0;

	for (uint32_t c = 0; c < TETRA_LOST_CATEGORIES; c++) {
		total = add_sat(total, ev->lost[c]);
		/* the spare slots have no name yet: count them as "other", so the parts add up */
		if (c >= TETRA_ARRAY_SIZE(lost_names) || c == TETRA_LOST_OTHER)
			other = add_sat(other, ev->lost[c]);
	}
	tetra__out_text(o, ev->node_name);
	tetra__out_fmt(o, " %" PRIu64 " events", total);
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(lost_names); i++) {
		uint64_t v = lost_names[i].cat == TETRA_LOST_OTHER ? other
								    : ev->lost[lost_names[i].cat];

		if (!v)
			continue;
		tetra__out_str(o, items++ ? ", " : " (");
		tetra__out_fmt(o, "%s %" PRIu64, lost_names[i].name, v);
	}
	if (items)
		tetra__out_bytes(o, ")", 1);
}

TETRA_API int tetra_event_to_compact(const struct tetra_event *ev, char *buf, size_t len)
{
	struct tetra__out o;
	const char *sig;

	if (buf && len)
		buf[0] = '\0';
	if (!ev || (!buf && len))
		return -EINVAL;

	tetra__out_init(&o, buf, len);
	switch (ev->type) {
	case TETRA_EVENT_PROCESS_EXEC:
		tetra__out_str(&o, HEAD_EXEC);
		process_info(&o, ev);
		break;
	case TETRA_EVENT_PROCESS_FORK:
		tetra__out_str(&o, HEAD_FORK);
		process_info(&o, ev);
		break;
	case TETRA_EVENT_PROCESS_EXIT:
		tetra__out_str(&o, HEAD_EXIT);
		process_info(&o, ev);
		/* Tetragon shows the signal when there is one, else the exit status */
		sig = tetra__signal_name(ev->exit_signal);
		if (sig)
			tetra__out_fmt(&o, " %s", sig);
		else if (ev->exit_signal)
			tetra__out_fmt(&o, " SIG%" PRIu32, ev->exit_signal);
		else
			tetra__out_fmt(&o, " %" PRIu32, ev->exit_status);
		break;
	case TETRA_EVENT_PROCESS_KPROBE:
		/* "🔧 syscall node /bin/sh __x64_sys_execve /usr/bin/id", plus the action taken */
		tetra__out_str(&o, HEAD_KPROBE);
		process_info(&o, ev);
		tetra__out_str(&o, " ");
		tetra__out_text(&o, ev->function_name ? ev->function_name : "");
		for (uint32_t i = 0; i < ev->n_args && i < TETRA_EVENT_MAX_ARGS; i++) {
			if (!ev->args[i].str)
				continue;
			tetra__out_str(&o, " ");
			tetra__out_text(&o, ev->args[i].str);
			break;
		}
		if (ev->has_return)
			tetra__out_fmt(&o, " = %" PRId64, (int64_t)ev->ret.value);
		if (ev->action == TETRA_ACTION_SIGKILL ||
		    (ev->has_return && ev->return_action == TETRA_ACTION_SIGKILL))
			tetra__out_str(&o, " SIGKILL");
		break;
	case TETRA_EVENT_PROCESS_TRACEPOINT:
		/* "🔧 tracepoint node /bin/sh syscalls/sys_enter_mkdirat" */
		tetra__out_str(&o, "\xf0\x9f\x94\xa7 tracepoint ");
		process_info(&o, ev);
		tetra__out_str(&o, " ");
		tetra__out_text(&o, ev->subsys ? ev->subsys : "");
		tetra__out_str(&o, "/");
		tetra__out_text(&o, ev->event ? ev->event : "");
		if (ev->action == TETRA_ACTION_SIGKILL)
			tetra__out_str(&o, " SIGKILL");
		break;
	case TETRA_EVENT_PROCESS_UPROBE:
		/* "🔍 uprobe node /usr/bin/bash /usr/bin/bash readline" */
		tetra__out_str(&o, "\xf0\x9f\x94\x8d uprobe ");
		process_info(&o, ev);
		tetra__out_str(&o, " ");
		tetra__out_text(&o, ev->path ? ev->path : "");
		tetra__out_str(&o, " ");
		tetra__out_text(&o, ev->symbol ? ev->symbol : "");
		if (ev->action == TETRA_ACTION_SIGKILL)
			tetra__out_str(&o, " SIGKILL");
		break;
	case TETRA_EVENT_LOST:
		tetra__out_str(&o, HEAD_LOST);
		lost(&o, ev);
		break;
	default:
		return -EINVAL;
	}
	return tetra__out_finish(&o);
}
