/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: events and the processes they belong to.
 *
 * Events and processes are opaque; their fields are read through accessors so that new
 * fields never change the ABI. Every pointer an accessor returns is borrowed: it stays
 * valid only during the event callback that received the event. Copy what you keep.
 * All accessors accept NULL and then return 0, NULL or "" as documented.
 */
#ifndef TETRA_EVENT_H
#define TETRA_EVENT_H

#include <tetra/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tetra_event;
struct tetra_process;

/* Event types (tetra_event_type()). Stable numbers, append-only. */
#define TETRA_EVENT_PROCESS_EXEC	1	/* "process_exec" */
#define TETRA_EVENT_PROCESS_EXIT	2	/* "process_exit" */
#define TETRA_EVENT_PROCESS_FORK	3	/* "process_fork": a new thread group, no exec */
#define TETRA_EVENT_PROCESS_KPROBE	4	/* "process_kprobe": a policy hook matched */
#define TETRA_EVENT_PROCESS_TRACEPOINT	5	/* "process_tracepoint": a tracepoints: hook matched */
#define TETRA_EVENT_PROCESS_UPROBE	6	/* "process_uprobe": a uprobes: hook matched */
#define TETRA_EVENT_LOST		100	/* "lost_events": records the kernel could not queue */

/* Loss categories (tetra_event_lost(), tetra_stats.lost[]). */
#define TETRA_LOST_EXEC		0
#define TETRA_LOST_EXIT		1
#define TETRA_LOST_FORK		2
#define TETRA_LOST_POLICY	3
#define TETRA_LOST_OTHER	4
#define TETRA_LOST_CATEGORIES	8

/* Process flags (tetra_process_flags()). */
#define TETRA_PROCESS_EXECVE		(1u << 0)	/* seen executing, by the sensor */
#define TETRA_PROCESS_PROCFS		(1u << 1)	/* learnt from /proc at start */
#define TETRA_PROCESS_CLONE		(1u << 2)	/* created by fork/clone */
#define TETRA_PROCESS_ROOTCWD		(1u << 3)	/* cwd is "/" */
#define TETRA_PROCESS_UNKNOWN		(1u << 4)	/* not in the cache: only pid is known */
#define TETRA_PROCESS_ARGS_TRUNCATED	(1u << 5)	/* arguments longer than the buffer */
#define TETRA_PROCESS_BINARY_TRUNCATED	(1u << 6)	/* binary path longer than the buffer */
#define TETRA_PROCESS_CWD_TRUNCATED	(1u << 7)	/* cwd longer than the buffer */
#define TETRA_PROCESS_ERROR_ARGS	(1u << 8)	/* arguments could not be read */
#define TETRA_PROCESS_ERROR_CWD		(1u << 9)	/* cwd could not be read */
#define TETRA_PROCESS_EXITED		(1u << 10)	/* the process has exited */

/* Namespaces (tetra_process_ns()). */
#define TETRA_NS_UTS		0
#define TETRA_NS_IPC		1
#define TETRA_NS_MNT		2
#define TETRA_NS_PID		3	/* the pid namespace the process lives in */
#define TETRA_NS_PID_FOR_CHILDREN 4	/* where its children will live */
#define TETRA_NS_NET		5
#define TETRA_NS_TIME		6
#define TETRA_NS_TIME_FOR_CHILDREN 7
#define TETRA_NS_CGROUP		8
#define TETRA_NS_USER		9
#define TETRA_NS_COUNT		10

/* Capability sets (tetra_process_caps()). */
#define TETRA_CAPS_PERMITTED	0
#define TETRA_CAPS_EFFECTIVE	1
#define TETRA_CAPS_INHERITABLE	2

/* Credential ids (tetra_process_cred()). */
#define TETRA_CRED_UID		0
#define TETRA_CRED_EUID		1
#define TETRA_CRED_SUID		2
#define TETRA_CRED_FSUID	3
#define TETRA_CRED_GID		4
#define TETRA_CRED_EGID		5
#define TETRA_CRED_SGID		6
#define TETRA_CRED_FSGID	7
#define TETRA_CRED_AUID		8	/* audit login uid; 4294967295 when unset */
#define TETRA_CRED_COUNT	9

/* --- events --- */

TETRA_API uint32_t tetra_event_type(const struct tetra_event *ev);
/* "process_exec", ...; NULL for an unknown type. */
TETRA_API const char *tetra_event_type_name(uint32_t type);
/*
 * Per-context sequence number, assigned in the kernel when the record is produced. A
 * number that never arrives was lost; lost_events records count every such loss.
 */
TETRA_API uint64_t tetra_event_seq(const struct tetra_event *ev);
/* Wall-clock time of the event, ns since the Unix epoch. */
TETRA_API uint64_t tetra_event_time(const struct tetra_event *ev);
/* CLOCK_BOOTTIME of the event in ns, as the kernel stamped it. */
TETRA_API uint64_t tetra_event_ktime(const struct tetra_event *ev);
/* The node name the context reports (hostname unless set in tetra_ctx_opts). */
TETRA_API const char *tetra_event_node_name(const struct tetra_event *ev);

/* The process the event belongs to; never NULL for process events. */
TETRA_API const struct tetra_process *tetra_event_process(const struct tetra_event *ev);
/* Its parent, or NULL when the parent is not known (see tetra_process_parent_exec_id()). */
TETRA_API const struct tetra_process *tetra_event_parent(const struct tetra_event *ev);

/* process_exit: exit status (0-255) when the process exited normally, else 0. */
TETRA_API uint32_t tetra_event_exit_status(const struct tetra_event *ev);
/* process_exit: terminating signal number, or 0 when it exited normally. */
TETRA_API uint32_t tetra_event_exit_signal(const struct tetra_event *ev);

/* lost_events: how many records of @category were lost since the previous lost_events. */
TETRA_API uint64_t tetra_event_lost(const struct tetra_event *ev, uint32_t category);

/*
 * process_kprobe: the policy, the hooked function as Tetragon names it
 * ("__x64_sys_execve" for a syscall hook), and the TETRA_ACTION_* taken (policy.h).
 */
TETRA_API const char *tetra_event_policy_name(const struct tetra_event *ev);
TETRA_API const char *tetra_event_function_name(const struct tetra_event *ev);
TETRA_API uint32_t tetra_event_action(const struct tetra_event *ev);
/* process_tracepoint: the tracepoint's subsystem ("syscalls") and event ("sys_enter_mkdirat"). */
TETRA_API const char *tetra_event_tracepoint_subsys(const struct tetra_event *ev);
TETRA_API const char *tetra_event_tracepoint_event(const struct tetra_event *ev);
/* process_uprobe: the probed binary's path and the symbol ("0x<offset>" for offsets). */
TETRA_API const char *tetra_event_uprobe_path(const struct tetra_event *ev);
TETRA_API const char *tetra_event_uprobe_symbol(const struct tetra_event *ev);

/* process_kprobe arguments, in the order of the hook's args[]; out of range gives 0/NULL. */
TETRA_API uint32_t tetra_event_arg_count(const struct tetra_event *ev);
/* TETRA_ARG_* as the policy declared it. */
TETRA_API uint32_t tetra_event_arg_type(const struct tetra_event *ev, uint32_t i);
/* Integer arguments, as the register held them (sign-extend by type). */
TETRA_API uint64_t tetra_event_arg_value(const struct tetra_event *ev, uint32_t i);
/* String and buffer arguments: tetra_event_arg_len() bytes, followed by a NUL. */
TETRA_API const char *tetra_event_arg_string(const struct tetra_event *ev, uint32_t i);
TETRA_API uint32_t tetra_event_arg_len(const struct tetra_event *ev, uint32_t i);
/* 1 when the value was longer than what the kernel side copies. */
TETRA_API uint32_t tetra_event_arg_truncated(const struct tetra_event *ev, uint32_t i);
/* The arg's label in the policy, or NULL. */
TETRA_API const char *tetra_event_arg_label(const struct tetra_event *ev, uint32_t i);

/*
 * process_kprobe of a return probe (return: true): 1 when the event carries the hooked
 * call's return value, which tetra_event_return_value() gives (a syscall's: -errno on
 * failure); 0 and 0 otherwise.
 */
TETRA_API int tetra_event_has_return(const struct tetra_event *ev);
TETRA_API int64_t tetra_event_return_value(const struct tetra_event *ev);

/*
 * Tetragon's export JSON, one object without a trailing newline, written into @buf with
 * snprintf semantics: returns the length the full text needs (excluding the NUL) and
 * writes at most @len bytes, always NUL-terminated when @len > 0. Negative errno on error.
 */
TETRA_API int tetra_event_to_json(const struct tetra_event *ev, char *buf, size_t len);
/* Tetragon's compact one-line form ("🚀 process ..."), same conventions. */
TETRA_API int tetra_event_to_compact(const struct tetra_event *ev, char *buf, size_t len);

/* --- processes --- */

TETRA_API uint32_t tetra_process_pid(const struct tetra_process *p);
TETRA_API uint32_t tetra_process_tid(const struct tetra_process *p);
TETRA_API uint32_t tetra_process_ppid(const struct tetra_process *p);
/* One of TETRA_CRED_*; 0 when out of range. */
TETRA_API uint32_t tetra_process_cred(const struct tetra_process *p, uint32_t which);
TETRA_API uint32_t tetra_process_uid(const struct tetra_process *p);
TETRA_API uint32_t tetra_process_auid(const struct tetra_process *p);
TETRA_API uint32_t tetra_process_flags(const struct tetra_process *p);
/* Absolute path of the executed file as exec() was given it, resolved against cwd. */
TETRA_API const char *tetra_process_binary(const struct tetra_process *p);
TETRA_API const char *tetra_process_cwd(const struct tetra_process *p);
/* Arguments after argv[0], joined by spaces as Tetragon reports them. */
TETRA_API const char *tetra_process_arguments(const struct tetra_process *p);
/* Number of arguments including argv[0], and each one; NULL when out of range. */
TETRA_API uint32_t tetra_process_argc(const struct tetra_process *p);
TETRA_API const char *tetra_process_argv(const struct tetra_process *p, uint32_t i);
/* base64("<node>:<ktime>:<pid>"), as Tetragon forms it. */
TETRA_API const char *tetra_process_exec_id(const struct tetra_process *p);
/* "" when the parent is unknown. */
TETRA_API const char *tetra_process_parent_exec_id(const struct tetra_process *p);
/* Wall-clock ns since the epoch of the exec (or fork, or /proc start time). */
TETRA_API uint64_t tetra_process_start_time(const struct tetra_process *p);
/* CLOCK_BOOTTIME ns used in the exec_id. */
TETRA_API uint64_t tetra_process_ktime(const struct tetra_process *p);
/* One of TETRA_CAPS_*: a bit mask of capabilities (bit n = capability n). */
TETRA_API uint64_t tetra_process_caps(const struct tetra_process *p, uint32_t set);
/* One of TETRA_NS_*: the namespace inode number, 0 when unknown. */
TETRA_API uint32_t tetra_process_ns(const struct tetra_process *p, uint32_t ns);
TETRA_API uint64_t tetra_process_cgroup_id(const struct tetra_process *p);
/* Full 64-hex container id parsed from the cgroup (docker, containerd, cri-o, podman); "" if none. */
TETRA_API const char *tetra_process_container_id(const struct tetra_process *p);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_EVENT_H */
