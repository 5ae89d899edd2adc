// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Tetragon's export JSON: what protojson with UseProtoNames gives for a GetEventsResponse.
 * Keys come in protobuf field order; strings, enums, 64-bit integers and messages that
 * are empty are left out (protobuf's "unpopulated"), while the UInt32Value wrappers
 * (pid, uid, auid, tid, credentials) are always written, 0 included.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <tetra/policy.h>

#include "encode.h"
#include "event.h"
#include "lib.h"
#include "process.h"

/* Defined in encode.c; see the note there. */
const char *tetra__signal_name(uint32_t sig);

/* Tetragon's CapabilitiesType enum names: kernel numbers, and its spelling of bit 1. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/*
 * Process flags in the order Tetragon's DecodeCommonFlags lists them (its bit order), so
 * "execve rootcwd clone" reads the same. truncCWD has no Tetragon word; it goes last.
 */
static const struct {
	uint32_t flag;
	const char *word;
} flag_words[] = {
	{ TETRA_PROCESS_EXECVE, "execve" },
	{ TETRA_PROCESS_PROCFS, "procFS" },
	{ TETRA_PROCESS_BINARY_TRUNCATED, "truncFilename" },
	{ TETRA_PROCESS_ARGS_TRUNCATED, "truncArgs" },
	{ TETRA_PROCESS_UNKNOWN, "miss" },
	{ TETRA_PROCESS_ERROR_ARGS, "errorArgs" },
	{ TETRA_PROCESS_ROOTCWD, "rootcwd" },
	{ TETRA_PROCESS_ERROR_CWD, "errorCWD" },
	{ TETRA_PROCESS_CLONE, "clone" },
	{ TETRA_PROCESS_CWD_TRUNCATED, "truncCWD" },
};

/* Tetragon's Namespaces message, field order. */
static const struct {
	uint32_t ns;
	const char *name;
} ns_names[] = {
	{ TETRA_NS_UTS, "uts" },
	{ TETRA_NS_IPC, "ipc" },
	{ TETRA_NS_MNT, "mnt" },
	{ TETRA_NS_PID, "pid" },
	{ TETRA_NS_PID_FOR_CHILDREN, "pid_for_children" },
	{ TETRA_NS_NET, "net" },
	{ TETRA_NS_TIME, "time" },
	{ TETRA_NS_TIME_FOR_CHILDREN, "time_for_children" },
	{ TETRA_NS_CGROUP, "cgroup" },
	{ TETRA_NS_USER, "user" },
};

/* ProcessCredentials field order. */
static const struct {
	uint32_t cred;
	const char *name;
} cred_names[] = {
	{ TETRA_CRED_UID, "uid" },	{ TETRA_CRED_GID, "gid" },
	{ TETRA_CRED_EUID, "euid" },	{ TETRA_CRED_EGID, "egid" },
	{ TETRA_CRED_SUID, "suid" },	{ TETRA_CRED_SGID, "sgid" },
	{ TETRA_CRED_FSUID, "fsuid" },	{ TETRA_CRED_FSGID, "fsgid" },
};

/* lost_events categories; the unnamed spare slots are counted under "other". */
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

/* Tetragon's docker field is the container id cut to 31 characters. */
#define DOCKER_ID_LEN 31
/* bytes of a char_buf argument the kernel side copies at most */
#define TETRA_ARG_BYTES_MAX 1024

/* Keys are literals of the encoder, never user data: no escaping needed. */
static void key(struct tetra__out *o, int *n, const char *k)
{
	if ((*n)++)
		tetra__out_bytes(o, ",", 1);
	tetra__out_fmt(o, "\"%s\":", k);
}

static void key_u32(struct tetra__out *o, int *n, const char *k, uint32_t v)
{
	key(o, n, k);
	tetra__out_fmt(o, "%" PRIu32, v);
}

/* protojson writes 64-bit integers as strings, since JSON numbers lose precision past 2^53 */
static void key_u64(struct tetra__out *o, int *n, const char *k, uint64_t v)
{
	key(o, n, k);
	tetra__out_fmt(o, "\"%" PRIu64 "\"", v);
}

static void key_str(struct tetra__out *o, int *n, const char *k, const char *s)
{
	if (!s || !*s)
		return;
	key(o, n, k);
	tetra__out_json_str(o, s);
}

/* A zero time means "unknown": left out like an unset google.protobuf.Timestamp. */
static void key_time(struct tetra__out *o, int *n, const char *k, uint64_t ns)
{
	if (!ns)
		return;
	key(o, n, k);
	tetra__out_bytes(o, "\"", 1);
	tetra__out_time(o, ns);
	tetra__out_bytes(o, "\"", 1);
}

static void flags(struct tetra__out *o, int *n, uint32_t f)
{
	int words = 0;

	for (size_t i = 0; i < TETRA_ARRAY_SIZE(flag_words); i++) {
		if (!(f & flag_words[i].flag))
			continue;
		if (!words++) {
			key(o, n, "flags");
			tetra__out_bytes(o, "\"", 1);
		} else {
			tetra__out_bytes(o, " ", 1);
		}
		tetra__out_str(o, flag_words[i].word);
	}
	if (words)
		tetra__out_bytes(o, "\"", 1);
}

static void cap_set(struct tetra__out *o, int *n, const char *k, uint64_t set)
{
	int items = 0;

	if (!set)
		return;
	key(o, n, k);
	tetra__out_bytes(o, "[", 1);
	for (uint32_t bit = 0; bit < 64; bit++) {
		if (!(set & (UINT64_C(1) << bit)))
			continue;
		if (items++)
			tetra__out_bytes(o, ",", 1);
		/* protojson writes an enum value it has no name for as its number */
		if (bit < TETRA_ARRAY_SIZE(cap_names))
			tetra__out_fmt(o, "\"%s\"", cap_names[bit]);
		else
			tetra__out_fmt(o, "%" PRIu32, bit);
	}
	tetra__out_bytes(o, "]", 1);
}

static void caps(struct tetra__out *o, int *n, const struct tetra_process *p)
{
	int m = 0;

	if (!p->caps[TETRA_CAPS_PERMITTED] && !p->caps[TETRA_CAPS_EFFECTIVE] &&
	    !p->caps[TETRA_CAPS_INHERITABLE])
		return;
	key(o, n, "cap");
	tetra__out_bytes(o, "{", 1);
	cap_set(o, &m, "permitted", p->caps[TETRA_CAPS_PERMITTED]);
	cap_set(o, &m, "effective", p->caps[TETRA_CAPS_EFFECTIVE]);
	cap_set(o, &m, "inheritable", p->caps[TETRA_CAPS_INHERITABLE]);
	tetra__out_bytes(o, "}", 1);
}

static void namespaces(struct tetra__out *o, int *n, const struct tetra_process *p)
{
	int m = 0;

	for (size_t i = 0; i < TETRA_ARRAY_SIZE(ns_names); i++) {
		uint32_t inum = p->ns[ns_names[i].ns];

		if (!inum)
			continue;
		if (!m) {
			key(o, n, "ns");
			tetra__out_bytes(o, "{", 1);
		}
		key(o, &m, ns_names[i].name);
		tetra__out_fmt(o, "{\"inum\":%" PRIu32 "}", inum);
	}
	if (m)
		tetra__out_bytes(o, "}", 1);
}

static void credentials(struct tetra__out *o, int *n, const struct tetra_process *p)
{
	int m = 0;

	key(o, n, "process_credentials");
	tetra__out_bytes(o, "{", 1);
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(cred_names); i++)
		key_u32(o, &m, cred_names[i].name, p->cred[cred_names[i].cred]);
	tetra__out_bytes(o, "}", 1);
}

static void process(struct tetra__out *o, int *n, const char *k, const struct tetra_process *p)
{
	char docker[DOCKER_ID_LEN + 1];
	int m = 0;

	if (!p)
		return;
	/* the ids are fixed arrays that may be filled to the brim: never read past them */
	memcpy(docker, p->container_id, DOCKER_ID_LEN);
	docker[DOCKER_ID_LEN] = '\0';

	key(o, n, k);
	tetra__out_bytes(o, "{", 1);
	key_str(o, &m, "exec_id", p->exec_id);
	key_u32(o, &m, "pid", p->pid);
	key_u32(o, &m, "uid", p->cred[TETRA_CRED_UID]);
	key_str(o, &m, "cwd", p->cwd);
	key_str(o, &m, "binary", p->binary);
	/*
	 * Built once and cached in the record, which the library owns even though the event
	 * hands it out const (tetra_process_arguments() does the same).
	 */
	key_str(o, &m, "arguments", tetra__process_arguments((struct tetra_process *)p));
	flags(o, &m, p->flags);
	key_time(o, &m, "start_time", p->start_time);
	key_u32(o, &m, "auid", p->cred[TETRA_CRED_AUID]);
	key_str(o, &m, "docker", docker);
	key_str(o, &m, "parent_exec_id", p->parent_exec_id);
	caps(o, &m, p);
	namespaces(o, &m, p);
	key_u32(o, &m, "tid", p->tid);
	credentials(o, &m, p);
	tetra__out_bytes(o, "}", 1);
}

static void exit_fields(struct tetra__out *o, int *n, const struct tetra_event *ev)
{
	if (ev->exit_signal) {
		const char *name = tetra__signal_name(ev->exit_signal);

		key(o, n, "signal");
		if (name)
			tetra__out_fmt(o, "\"%s\"", name);
		else
			tetra__out_fmt(o, "\"SIG%" PRIu32 "\"", ev->exit_signal);
	}
	if (ev->exit_status)
		key_u32(o, n, "status", ev->exit_status);
	key_time(o, n, "time", ev->time);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void lost_fields(struct tetra__out *o, int *n, const struct tetra_event *ev)
{
	uint64_t total = 0, other = 0;

	for (uint32_t c = 0; c < TETRA_LOST_CATEGORIES; c++) {
		total = add_sat(total, ev->lost[c]);
		if (c >= TETRA_ARRAY_SIZE(lost_names) || c == TETRA_LOST_OTHER)
			other = add_sat(other, ev->lost[c]);
	}
	key_u64(o, n, "total", total);
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(lost_names); i++) {
		uint64_t v = lost_names[i].cat == TETRA_LOST_OTHER ? other
								    : ev->lost[lost_names[i].cat];

		if (v)
			key_u64(o, n, lost_names[i].name, v);
	}
}

static void kprobe_arg(struct tetra__out *o, const struct tetra__event_arg *a)
{
	int n = 0;

	tetra__out_bytes(o, "{", 1);
	switch (a->type) {
	case TETRA_ARG_INT:
	case TETRA_ARG_INT8:
	case TETRA_ARG_INT16:
	case TETRA_ARG_INT32:
		key(o, &n, "int_arg");
		tetra__out_fmt(o, "%" PRId32, (int32_t)a->value);
		break;
	case TETRA_ARG_UINT8:
	case TETRA_ARG_UINT16:
	case TETRA_ARG_UINT32:
		key_u32(o, &n, "uint_arg", (uint32_t)a->value);
		break;
	case TETRA_ARG_INT64:
		key(o, &n, "long_arg");
		tetra__out_fmt(o, "\"%" PRId64 "\"", (int64_t)a->value);
		break;
	case TETRA_ARG_UINT64:
	case TETRA_ARG_SIZE_T:
		key_u64(o, &n, "size_arg", a->value);
		break;
	case TETRA_ARG_CHAR_BUF: {
		char b[(TETRA_ARG_BYTES_MAX + 2) / 3 * 4 + 1];

		key(o, &n, "bytes_arg");
		tetra__base64(b, sizeof(b), a->str ? a->str : "",
			      a->len < TETRA_ARG_BYTES_MAX ? a->len : TETRA_ARG_BYTES_MAX);
		tetra__out_fmt(o, "\"%s\"", b);
		break;
	}
	case TETRA_ARG_FD:
		/* resolved in the kernel to the open file's path */
		key(o, &n, "file_arg");
		tetra__out_str(o, "{\"path\":");
		tetra__out_json_str(o, a->str ? a->str : "");
		tetra__out_str(o, "}");
		break;
	default:
		key(o, &n, "string_arg");
		tetra__out_json_str(o, a->str ? a->str : "");
		break;
	}
	if (a->truncated) {
		key(o, &n, "truncated");
		tetra__out_str(o, "true");
	}
	key_str(o, &n, "label", a->label);
	tetra__out_bytes(o, "}", 1);
}

static const char *kprobe_action(uint32_t action)
{
	switch (action) {
	case TETRA_ACTION_SIGKILL:
		return "KPROBE_ACTION_SIGKILL";
	case TETRA_ACTION_SIGNAL:
		return "KPROBE_ACTION_SIGNAL";
	}
	return "KPROBE_ACTION_POST";
}

static void kprobe_fields(struct tetra__out *o, int *n, const struct tetra_event *ev)
{
	key_str(o, n, "function_name", ev->function_name);
	key(o, n, "args");
	tetra__out_bytes(o, "[", 1);
	for (uint32_t i = 0; i < ev->n_args && i < TETRA_EVENT_MAX_ARGS; i++) {
		if (i)
			tetra__out_bytes(o, ",", 1);
		kprobe_arg(o, &ev->args[i]);
	}
	tetra__out_bytes(o, "]", 1);
	if (ev->has_return) {
		key(o, n, "return");
		kprobe_arg(o, &ev->ret);
	}
	key_str(o, n, "action", kprobe_action(ev->action));
	key_str(o, n, "policy_name", ev->policy_name);
	if (ev->has_return)
		key_str(o, n, "return_action", kprobe_action(ev->return_action));
}

/* Tetragon's ProcessTracepoint: subsys, event, args, policy_name, action. */
static void tracepoint_fields(struct tetra__out *o, int *n, const struct tetra_event *ev)
{
	key_str(o, n, "subsys", ev->subsys);
	key_str(o, n, "event", ev->event);
	key(o, n, "args");
	tetra__out_bytes(o, "[", 1);
	for (uint32_t i = 0; i < ev->n_args && i < TETRA_EVENT_MAX_ARGS; i++) {
		if (i)
			tetra__out_bytes(o, ",", 1);
		kprobe_arg(o, &ev->args[i]);
	}
	tetra__out_bytes(o, "]", 1);
	key_str(o, n, "policy_name", ev->policy_name);
	key_str(o, n, "action", kprobe_action(ev->action));
}

/* Tetragon's ProcessUprobe: path, symbol, args, policy_name, action. */
static void uprobe_fields(struct tetra__out *o, int *n, const struct tetra_event *ev)
{
	key_str(o, n, "path", ev->path);
	key_str(o, n, "symbol", ev->symbol);
	key(o, n, "args");
	tetra__out_bytes(o, "[", 1);
	for (uint32_t i = 0; i < ev->n_args && i < TETRA_EVENT_MAX_ARGS; i++) {
		if (i)
			tetra__out_bytes(o, ",", 1);
		kprobe_arg(o, &ev->args[i]);
	}
	tetra__out_bytes(o, "]", 1);
	key_str(o, n, "policy_name", ev->policy_name);
	key_str(o, n, "action", kprobe_action(ev->action));
}

TETRA_API int tetra_event_to_json(const struct tetra_event *ev, char *buf, size_t len)
{
	const char *type_name = ev ? tetra_event_type_name(ev->type) : NULL;
	struct tetra__out o;
	int n = 0, m = 0;

	/* a caller's buffer is always a valid string afterwards, even when we refuse */
	if (buf && len)
		buf[0] = '\0';
	if (!type_name || (!buf && len))
		return -EINVAL;

	tetra__out_init(&o, buf, len);
	tetra__out_bytes(&o, "{", 1);
	key(&o, &n, type_name);
	tetra__out_bytes(&o, "{", 1);
	switch (ev->type) {
	case TETRA_EVENT_PROCESS_EXEC:
	case TETRA_EVENT_PROCESS_FORK:
		process(&o, &m, "process", ev->process);
		process(&o, &m, "parent", ev->parent);
		break;
	case TETRA_EVENT_PROCESS_EXIT:
		process(&o, &m, "process", ev->process);
		process(&o, &m, "parent", ev->parent);
		exit_fields(&o, &m, ev);
		break;
	case TETRA_EVENT_PROCESS_KPROBE:
		process(&o, &m, "process", ev->process);
		process(&o, &m, "parent", ev->parent);
		kprobe_fields(&o, &m, ev);
		break;
	case TETRA_EVENT_PROCESS_TRACEPOINT:
		process(&o, &m, "process", ev->process);
		process(&o, &m, "parent", ev->parent);
		tracepoint_fields(&o, &m, ev);
		break;
	case TETRA_EVENT_PROCESS_UPROBE:
		process(&o, &m, "process", ev->process);
		process(&o, &m, "parent", ev->parent);
		uprobe_fields(&o, &m, ev);
		break;
	case TETRA_EVENT_LOST:
		lost_fields(&o, &m, ev);
		break;
	}
	tetra__out_bytes(&o, "}", 1);
	key_str(&o, &n, "node_name", ev->node_name);
	key_time(&o, &n, "time", ev->time);
	tetra__out_bytes(&o, "}", 1);
	return tetra__out_finish(&o);
}
