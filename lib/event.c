// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Accessors for events and processes: the only way the ABI exposes their fields. */
#include <stddef.h>
#include <string.h>

#include "event.h"
#include "lib.h"

TETRA_API uint32_t tetra_event_type(const struct tetra_event *ev)
{
	return ev ? ev->type : 0;
}

TETRA_API const char *tetra_event_type_name(uint32_t type)
{
	switch (type) {
	case TETRA_EVENT_PROCESS_EXEC:
		return "process_exec";
	case TETRA_EVENT_PROCESS_EXIT:
		return "process_exit";
	case TETRA_EVENT_PROCESS_FORK:
		return "process_fork";
	case TETRA_EVENT_PROCESS_KPROBE:
		return "process_kprobe";
	case TETRA_EVENT_PROCESS_TRACEPOINT:
		return "process_tracepoint";
	case TETRA_EVENT_PROCESS_UPROBE:
		return "process_uprobe";
	case TETRA_EVENT_LOST:
		return "lost_events";
	}
	return NULL;
}

TETRA_API uint64_t tetra_event_seq(const struct tetra_event *ev)
{
	return ev ? ev->seq : 0;
}

TETRA_API uint64_t tetra_event_time(const struct tetra_event *ev)
{
	return ev ? ev->time : 0;
}

TETRA_API uint64_t tetra_event_ktime(const struct tetra_event *ev)
{
	return ev ? ev->ktime : 0;
}

TETRA_API const char *tetra_event_node_name(const struct tetra_event *ev)
{
	return ev && ev->node_name ? ev->node_name : "";
}

TETRA_API const struct tetra_process *tetra_event_process(const struct tetra_event *ev)
{
	return ev ? ev->process : NULL;
}

TETRA_API const struct tetra_process *tetra_event_parent(const struct tetra_event *ev)
{
	return ev ? ev->parent : NULL;
}

TETRA_API uint32_t tetra_event_exit_status(const struct tetra_event *ev)
{
	return ev ? ev->exit_status : 0;
}

TETRA_API uint32_t tetra_event_exit_signal(const struct tetra_event *ev)
{
	return ev ? ev->exit_signal : 0;
}

TETRA_API uint64_t tetra_event_lost(const struct tetra_event *ev, uint32_t category)
{
	if (!ev || category >= TETRA_LOST_CATEGORIES)
		return 0;
	return ev->lost[category];
}

TETRA_API uint32_t tetra_process_pid(const struct tetra_process *p)
{
	return p ? p->pid : 0;
}

TETRA_API uint32_t tetra_process_tid(const struct tetra_process *p)
{
	return p ? p->tid : 0;
}

TETRA_API uint32_t tetra_process_ppid(const struct tetra_process *p)
{
	return p ? p->ppid : 0;
}

TETRA_API uint32_t tetra_process_cred(const struct tetra_process *p, uint32_t which)
{
	if (!p || which >= TETRA_CRED_COUNT)
		return 0;
	return p->cred[which];
}

TETRA_API uint32_t tetra_process_uid(const struct tetra_process *p)
{
	return tetra_process_cred(p, TETRA_CRED_UID);
}

TETRA_API uint32_t tetra_process_auid(const struct tetra_process *p)
{
	return tetra_process_cred(p, TETRA_CRED_AUID);
}

TETRA_API uint32_t tetra_process_flags(const struct tetra_process *p)
{
	return p ? p->flags : 0;
}

TETRA_API const char *tetra_process_binary(const struct tetra_process *p)
{
	return p ? p->binary : NULL;
}

TETRA_API const char *tetra_process_cwd(const struct tetra_process *p)
{
	return p ? p->cwd : NULL;
}

TETRA_API const char *tetra_process_arguments(const struct tetra_process *p)
{
	/* the joined form is built on first use and cached in the (library-owned) record */
	return p ? tetra__process_arguments((struct tetra_process *)p) : NULL;
}

TETRA_API uint32_t tetra_process_argc(const struct tetra_process *p)
{
	return p ? p->argc : 0;
}

TETRA_API const char *tetra_process_argv(const struct tetra_process *p, uint32_t i)
{
	const char *a;

	if (!p || i >= p->argc)
		return NULL;
	a = p->args;
	while (i--)
		a += strlen(a) + 1;
	return a;
}

TETRA_API const char *tetra_process_exec_id(const struct tetra_process *p)
{
	return p ? p->exec_id : NULL;
}

TETRA_API const char *tetra_process_parent_exec_id(const struct tetra_process *p)
{
	return p ? p->parent_exec_id : NULL;
}

TETRA_API uint64_t tetra_process_start_time(const struct tetra_process *p)
{
	return p ? p->start_time : 0;
}

TETRA_API uint64_t tetra_process_ktime(const struct tetra_process *p)
{
	return p ? p->ktime : 0;
}

TETRA_API uint64_t tetra_process_caps(const struct tetra_process *p, uint32_t set)
{
	if (!p || set > TETRA_CAPS_INHERITABLE)
		return 0;
	return p->caps[set];
}

TETRA_API uint32_t tetra_process_ns(const struct tetra_process *p, uint32_t ns)
{
	if (!p || ns >= TETRA_NS_COUNT)
		return 0;
	return p->ns[ns];
}

TETRA_API uint64_t tetra_process_cgroup_id(const struct tetra_process *p)
{
	return p ? p->cgroup_id : 0;
}

TETRA_API const char *tetra_process_container_id(const struct tetra_process *p)
{
	return p ? p->container_id : NULL;
}

TETRA_API const char *tetra_event_policy_name(const struct tetra_event *ev)
{
	return ev ? ev->policy_name : NULL;
}

TETRA_API const char *tetra_event_function_name(const struct tetra_event *ev)
{
	return ev ? ev->function_name : NULL;
}

TETRA_API const char *tetra_event_tracepoint_subsys(const struct tetra_event *ev)
{
	return ev ? ev->subsys : NULL;
}

TETRA_API const char *tetra_event_tracepoint_event(const struct tetra_event *ev)
{
	return ev ? ev->event : NULL;
}

TETRA_API const char *tetra_event_uprobe_path(const struct tetra_event *ev)
{
	return ev ? ev->path : NULL;
}

TETRA_API const char *tetra_event_uprobe_symbol(const struct tetra_event *ev)
{
	return ev ? ev->symbol : NULL;
}

TETRA_API uint32_t tetra_event_action(const struct tetra_event *ev)
{
	return ev ? ev->action : 0;
}

TETRA_API uint32_t tetra_event_arg_count(const struct tetra_event *ev)
{
	return ev ? ev->n_args : 0;
}

static const struct tetra__event_arg *arg(const struct tetra_event *ev, uint32_t i)
{
	return ev && i < ev->n_args && i < TETRA_EVENT_MAX_ARGS ? &ev->args[i] : NULL;
}

TETRA_API uint32_t tetra_event_arg_type(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->type : 0;
}

TETRA_API uint64_t tetra_event_arg_value(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->value : 0;
}

TETRA_API const char *tetra_event_arg_string(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->str : NULL;
}

TETRA_API uint32_t tetra_event_arg_len(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->len : 0;
}

TETRA_API uint32_t tetra_event_arg_truncated(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->truncated : 0;
}

TETRA_API const char *tetra_event_arg_label(const struct tetra_event *ev, uint32_t i)
{
	return arg(ev, i) ? arg(ev, i)->label : NULL;
}

TETRA_API int tetra_event_has_return(const struct tetra_event *ev)
{
	return ev && ev->has_return;
}

TETRA_API int64_t tetra_event_return_value(const struct tetra_event *ev)
{
	return ev && ev->has_return ? (int64_t)ev->ret.value : 0;
}
