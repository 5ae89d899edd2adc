/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: TracingPolicy objects.
 *
 * A policy is Tetragon's TracingPolicy (apiVersion cilium.io/v1alpha1, kind TracingPolicy
 * or TracingPolicyNamespaced): hooks (kprobes, tracepoints, uprobes, lsmhooks), the
 * arguments they report, and selectors filtering and acting in the kernel. A policy comes
 * from YAML (tetra_policy_parse*()) or from the builder (tetra_policy_new() and the
 * tetra_policy_add_*() calls); either way tetra_policy_validate() checks it with the same
 * rules and limits, and the accessors (tetra_policy_get_*()) show what it holds.
 * docs/policy.md lists what is supported, what is rejected and why, and the limits.
 *
 * Threads: a policy is a plain object with no hidden state. Calls that only read it
 * (accessors, tetra_policy_name(), ...) may run concurrently from several threads;
 * anything that changes it (builder calls, tetra_policy_validate()) needs exclusive
 * access. Different policies are independent.
 *
 * Strings handed in are copied. Strings and arrays handed out are borrowed: they stay
 * valid until the policy is changed or freed.
 */
#ifndef TETRA_POLICY_H
#define TETRA_POLICY_H

#include <tetra/common.h>
#include <tetra/event.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tetra_policy;

/* ---- diagnostics -------------------------------------------------------------------- */

#define TETRA_DIAG_FIELD_MAX	256
#define TETRA_DIAG_MESSAGE_MAX	512
#define TETRA_DIAG_TEXT_MAX	8192

/*
 * What was wrong with a policy. Lines and columns are 1-based (0 for policies from the
 * builder, which have no source text). "First" is the first error, or the first warning
 * when there is no error. @text holds every diagnostic, one per line, as
 *   FILE:LINE:COL: FIELD: MESSAGE
 * where FILE is the path given to tetra_policy_parse_file(), "<input>" for in-memory YAML
 * and "<builder>" for built policies, FIELD a path like
 * spec.kprobes[0].selectors[1].matchArgs[0].operator, and MESSAGE starts with "warning: "
 * for warnings (a warning does not make the policy invalid). When @text is full it ends
 * with a "... N more" line and @truncated is 1.
 */
struct tetra_diag {
	size_t sz; /* sizeof(struct tetra_diag), see tetra_diag_init() */
	uint32_t count;				/* errors + warnings */
	uint32_t errors;
	uint32_t warnings;
	uint32_t line;				/* of the first diagnostic */
	uint32_t column;
	uint32_t truncated;			/* @text could not hold everything */
	char field[TETRA_DIAG_FIELD_MAX];	/* of the first diagnostic; "" when none */
	char message[TETRA_DIAG_MESSAGE_MAX];	/* of the first diagnostic; "" when none */
	char text[TETRA_DIAG_TEXT_MAX];		/* all of them, NUL-terminated */
};

/* Zero @diag and set diag->sz = @sz. Thread-safe. */
TETRA_API void tetra_diag_init(struct tetra_diag *diag, size_t sz);

/* ---- parsing and lifetime ----------------------------------------------------------- */

/* Inputs larger than this are rejected before parsing. */
#define TETRA_POLICY_MAX_INPUT	(1024 * 1024)

/*
 * Parse one TracingPolicy from @len bytes of YAML at @yaml (no NUL needed) and validate
 * it. On success *@ret is a new policy the caller frees with tetra_policy_free(); @diag
 * may still hold warnings. On failure *@ret is NULL and @diag (when not NULL; its sz must
 * be set) tells why. Returns 0, -TETRA_E_POLICY (invalid policy, see @diag), -ENOMEM, or
 * -EINVAL (NULL @ret or @yaml, @diag without sz). Thread-safe: uses no shared state.
 */
TETRA_API int tetra_policy_parse(struct tetra_policy **ret, const char *yaml, size_t len,
				 struct tetra_diag *diag);

/*
 * As tetra_policy_parse(), reading the file at @path; diagnostics name @path. An
 * unreadable file gives -errno (-ENOENT, -EACCES, -EISDIR...) with a diagnostic; a file
 * larger than TETRA_POLICY_MAX_INPUT gives -TETRA_E_POLICY. Thread-safe.
 */
TETRA_API int tetra_policy_parse_file(struct tetra_policy **ret, const char *path,
				      struct tetra_diag *diag);

/* Free @policy and everything it owns. NULL-safe. */
TETRA_API void tetra_policy_free(struct tetra_policy *policy);

/*
 * Create an empty policy (kind TracingPolicy) named @name, for the builder calls below.
 * The name is checked by tetra_policy_validate(). Returns 0, -EINVAL or -ENOMEM.
 */
TETRA_API int tetra_policy_new(struct tetra_policy **ret, const char *name);

/*
 * Check @policy with the parser's rules and limits, and work out the typed form of every
 * value (numbers, ranges, addresses, capability masks...) that the loader uses. Call it
 * after building a policy and before handing it to a context; parsed policies come out of
 * tetra_policy_parse*() already validated. @diag may be NULL; its FILE is "<builder>" for
 * built policies and "<input>" for parsed ones. Returns 0 (perhaps with warnings),
 * -TETRA_E_POLICY, -ENOMEM or -EINVAL. Changes @policy (the typed values). Needs
 * exclusive access to @policy.
 */
TETRA_API int tetra_policy_validate(struct tetra_policy *policy, struct tetra_diag *diag);

/* ---- constants ------------------------------------------------------------------------ */

/* tetra_policy_kind() */
#define TETRA_POLICY_KIND_TRACING_POLICY		1	/* TracingPolicy */
#define TETRA_POLICY_KIND_TRACING_POLICY_NAMESPACED	2	/* TracingPolicyNamespaced */

/* tetra_policy_hook.kind */
#define TETRA_HOOK_KPROBE	1	/* spec.kprobes[]: call, syscall, return... */
#define TETRA_HOOK_TRACEPOINT	2	/* spec.tracepoints[]: subsystem, event */
#define TETRA_HOOK_UPROBE	3	/* spec.uprobes[]: path, symbols, offsets */
#define TETRA_HOOK_LSM		4	/* spec.lsmhooks[]: hook */

/* tetra_policy_hook.flags */
#define TETRA_HOOK_F_SYSCALL		(1u << 0)	/* kprobes: syscall (YAML default) */
#define TETRA_HOOK_F_RETURN		(1u << 1)	/* kprobes: return: true */
#define TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND (1u << 2)	/* kprobes: ignore.callNotFound */
#define TETRA_HOOK_F_RAW		(1u << 3)	/* tracepoints: raw: true */
#define TETRA_HOOK_F_RETURN_ARG		(1u << 4)	/* has a returnArg (read-only) */

/* tetra_policy_arg.type: the argument types of Tetragon's CRD */
#define TETRA_ARG_AUTO			1	/* "auto": from the kernel's BTF */
#define TETRA_ARG_INT			2	/* "int" (32-bit signed) */
#define TETRA_ARG_INT8			3
#define TETRA_ARG_UINT8			4
#define TETRA_ARG_INT16			5
#define TETRA_ARG_UINT16		6
#define TETRA_ARG_INT32			7
#define TETRA_ARG_UINT32		8
#define TETRA_ARG_INT64			9	/* also "long", "sint64" */
#define TETRA_ARG_UINT64		10	/* also "ulong", "unsigned long" */
#define TETRA_ARG_SIZE_T		11
#define TETRA_ARG_CHAR_BUF		12
#define TETRA_ARG_CHAR_IOVEC		13
#define TETRA_ARG_STRING		14
#define TETRA_ARG_SKB			15
#define TETRA_ARG_SOCK			16
#define TETRA_ARG_SOCKADDR		17
#define TETRA_ARG_SOCKET		18
#define TETRA_ARG_FD			19
#define TETRA_ARG_FILE			20
#define TETRA_ARG_FILENAME		21
#define TETRA_ARG_PATH			22
#define TETRA_ARG_NOP			23
#define TETRA_ARG_BPF_ATTR		24
#define TETRA_ARG_PERF_EVENT		25
#define TETRA_ARG_BPF_MAP		26
#define TETRA_ARG_USER_NAMESPACE	27
#define TETRA_ARG_CAPABILITY		28
#define TETRA_ARG_KIOCB			29
#define TETRA_ARG_IOV_ITER		30
#define TETRA_ARG_CRED			31
#define TETRA_ARG_LOAD_INFO		32
#define TETRA_ARG_MODULE		33
#define TETRA_ARG_SYSCALL64		34
#define TETRA_ARG_KERNEL_CAP_T		35
#define TETRA_ARG_CAP_INHERITABLE	36
#define TETRA_ARG_CAP_PERMITTED		37
#define TETRA_ARG_CAP_EFFECTIVE		38
#define TETRA_ARG_LINUX_BINPRM		39
#define TETRA_ARG_DATA_LOC		40
#define TETRA_ARG_NET_DEVICE		41
#define TETRA_ARG_BPF_CMD		42
#define TETRA_ARG_DENTRY		43
#define TETRA_ARG_TYPE_MAX		44

/* tetra_policy_arg.flags */
#define TETRA_ARG_F_RETURN_COPY		(1u << 0)	/* returnCopy: true */
#define TETRA_ARG_F_MAX_DATA		(1u << 1)	/* maxData: true */

/* tetra_policy_get_arg(): the position that names the hook's returnArg */
#define TETRA_POLICY_RETURN_ARG		0xffffffffu

/* Filters of a selector: tetra_policy_filter.filter, tetra_policy_selector.nr_filters[] */
#define TETRA_FILTER_MATCH_ARGS			0
#define TETRA_FILTER_MATCH_RETURN_ARGS		1
#define TETRA_FILTER_MATCH_BINARIES		2
#define TETRA_FILTER_MATCH_PIDS			3
#define TETRA_FILTER_MATCH_NAMESPACES		4
#define TETRA_FILTER_MATCH_NAMESPACE_CHANGES	5
#define TETRA_FILTER_MATCH_CAPABILITIES		6
#define TETRA_FILTER_MATCH_CAPABILITY_CHANGES	7
#define TETRA_FILTER_COUNT			8

/* tetra_policy_filter.op (Tetragon's aliases such as "GreaterThan", "eq" map to these) */
#define TETRA_OP_EQUAL			1
#define TETRA_OP_NOT_EQUAL		2
#define TETRA_OP_PREFIX			3
#define TETRA_OP_NOT_PREFIX		4
#define TETRA_OP_POSTFIX		5
#define TETRA_OP_NOT_POSTFIX		6
#define TETRA_OP_GT			7
#define TETRA_OP_LT			8
#define TETRA_OP_MASK			9
#define TETRA_OP_IN_MAP			10
#define TETRA_OP_NOT_IN_MAP		11
#define TETRA_OP_IN_RANGE		12
#define TETRA_OP_NOT_IN_RANGE		13
#define TETRA_OP_SADDR			14
#define TETRA_OP_DADDR			15
#define TETRA_OP_NOT_SADDR		16
#define TETRA_OP_NOT_DADDR		17
#define TETRA_OP_SPORT			18
#define TETRA_OP_DPORT			19
#define TETRA_OP_NOT_SPORT		20
#define TETRA_OP_NOT_DPORT		21
#define TETRA_OP_SPORT_PRIV		22
#define TETRA_OP_DPORT_PRIV		23
#define TETRA_OP_NOT_SPORT_PRIV		24
#define TETRA_OP_NOT_DPORT_PRIV		25
#define TETRA_OP_FAMILY			26
#define TETRA_OP_PROTOCOL		27
#define TETRA_OP_STATE			28
#define TETRA_OP_CAPABILITIES_GAINED	29
#define TETRA_OP_SUBSTRING		30
#define TETRA_OP_SUBSTRING_IGN_CASE	31
#define TETRA_OP_FILE_TYPE		32
#define TETRA_OP_NOT_FILE_TYPE		33
#define TETRA_OP_IN			34	/* binaries, PIDs, namespaces, caps */
#define TETRA_OP_NOT_IN			35
#define TETRA_OP_MAX			36

/*
 * tetra_policy_filter.type: for TETRA_FILTER_MATCH_NAMESPACES the namespace, one of
 * TETRA_NS_* of <tetra/event.h> (Uts 0 ... User 9, Tetragon's numbering); for the
 * capability filters the set, one of TETRA_CAPS_* (PERMITTED 0, EFFECTIVE 1 - the YAML
 * default -, INHERITABLE 2).
 */

/* tetra_policy_filter.flags */
#define TETRA_FILTER_F_FOLLOW_FORKS	(1u << 0)	/* matchPIDs followForks */
#define TETRA_FILTER_F_NAMESPACE_PID	(1u << 1)	/* matchPIDs isNamespacePID */
#define TETRA_FILTER_F_FOLLOW_CHILDREN	(1u << 2)	/* matchBinaries followChildren */
#define TETRA_FILTER_F_NAMESPACE_CAP	(1u << 3)	/* isNamespaceCapability */

/* tetra_policy_action.action, tetra_policy_hook.return_arg_action */
#define TETRA_ACTION_POST		1
#define TETRA_ACTION_NO_POST		2
#define TETRA_ACTION_SIGKILL		3
#define TETRA_ACTION_SIGNAL		4
#define TETRA_ACTION_OVERRIDE		5
#define TETRA_ACTION_FOLLOW_FD		6
#define TETRA_ACTION_UNFOLLOW_FD	7
#define TETRA_ACTION_COPY_FD		8
#define TETRA_ACTION_GET_URL		9
#define TETRA_ACTION_DNS_LOOKUP		10
#define TETRA_ACTION_TRACK_SOCK		11
#define TETRA_ACTION_UNTRACK_SOCK	12
#define TETRA_ACTION_NOTIFY_ENFORCER	13	/* recognised, rejected (no enforcers) */
#define TETRA_ACTION_CLEANUP_ENFORCER_NOTIFICATION 14	/* recognised, rejected */
#define TETRA_ACTION_SET		15	/* recognised, rejected (usdts only) */
#define TETRA_ACTION_MAX		16

/* The two action lists of a selector (tetra_policy_add_action() @list) */
#define TETRA_SELECTOR_ACTIONS		0	/* matchActions */
#define TETRA_SELECTOR_RETURN_ACTIONS	1	/* matchReturnActions */

/* tetra_policy_action.flags */
#define TETRA_ACTION_F_KERNEL_STACK	(1u << 0)	/* Post: kernelStackTrace */
#define TETRA_ACTION_F_USER_STACK	(1u << 1)	/* Post: userStackTrace */
#define TETRA_ACTION_F_IMA_HASH		(1u << 2)	/* Post: imaHash */

/* tetra_policy_action.rate_limit_scope */
#define TETRA_RATE_LIMIT_THREAD		0	/* the default */
#define TETRA_RATE_LIMIT_PROCESS	1
#define TETRA_RATE_LIMIT_GLOBAL		2

/* tetra_policy_list.type */
#define TETRA_LIST_PLAIN		0	/* no type: kernel function names as given */
#define TETRA_LIST_SYSCALLS		1
#define TETRA_LIST_GENERATED_SYSCALLS	2
#define TETRA_LIST_GENERATED_FTRACE	3

/* tetra_policy_hook_string() / tetra_policy_add_hook_string() @which */
#define TETRA_HOOK_STR_TAG		1	/* tags[] */
#define TETRA_HOOK_STR_SYMBOL		2	/* uprobes: symbols[] */

/* tetra_policy_hook_offset() / tetra_policy_add_hook_offset() @which */
#define TETRA_HOOK_OFF_OFFSET		1	/* uprobes: offsets[] */
#define TETRA_HOOK_OFF_REF_CTR		2	/* uprobes: refCtrOffsets[] */

/* ---- the objects of a policy, for the builder and the accessors ----------------------- */

/*
 * Every struct below starts with its size: set sz (sizeof, or the *_init() function)
 * before passing one in. On input, fields marked "out" are ignored; on output every field
 * is filled and pointers are borrowed from the policy.
 */

struct tetra_policy_hook {
	size_t sz;
	uint32_t kind;			/* TETRA_HOOK_* */
	uint32_t flags;			/* TETRA_HOOK_F_* */
	const char *call;		/* kprobe function (or "list:NAME"), LSM hook name,
					   uprobe binary path, tracepoint subsystem */
	const char *event;		/* tracepoint event; NULL for other kinds */
	const char *message;		/* NULL when none */
	uint32_t return_arg_action;	/* kprobes: TETRA_ACTION_* or 0 */
	uint32_t nr_args;		/* out */
	uint32_t nr_selectors;		/* out */
	uint32_t nr_tags;		/* out */
	uint32_t nr_symbols;		/* out: uprobes */
	uint32_t nr_offsets;		/* out: uprobes */
	uint32_t nr_ref_ctr_offsets;	/* out: uprobes */
	uint32_t __reserved;
};

struct tetra_policy_arg {
	size_t sz;
	uint32_t index;			/* function argument (tracepoint field) index */
	uint32_t type;			/* TETRA_ARG_* */
	uint32_t size_arg_index;	/* 1-based position of the size arg; 0: none */
	uint32_t flags;			/* TETRA_ARG_F_* */
	const char *label;		/* NULL when none */
	const char *resolve;		/* NULL when none */
};

struct tetra_policy_selector {
	size_t sz;
	uint32_t nr_filters[TETRA_FILTER_COUNT];	/* out: per TETRA_FILTER_* */
	uint32_t nr_actions;				/* out: matchActions */
	uint32_t nr_return_actions;			/* out: matchReturnActions */
};

struct tetra_policy_filter {
	size_t sz;
	uint32_t filter;		/* TETRA_FILTER_* */
	uint32_t op;			/* TETRA_OP_*; In/NotIn for all but the args filters */
	uint32_t index;			/* args filters: the arg index it tests */
	uint32_t type;			/* namespaces: TETRA_NS_*; caps: TETRA_CAPS_* */
	uint32_t flags;			/* TETRA_FILTER_F_* */
	uint32_t nr_values;
	const char *const *values;	/* nr_values strings as written in YAML: paths,
					   numbers, CIDRs, "host_ns", "CAP_SYS_ADMIN", ... */
	const uint32_t *value_lens;	/* lengths of values[] (they may hold NUL bytes);
					   NULL on input: strlen() */
	uint32_t nr_arg_refs;		/* args filters: "args" (CapabilitiesGained) */
	uint32_t arg_refs[2];
	uint32_t __reserved;
};

struct tetra_policy_action {
	size_t sz;
	uint32_t action;		/* TETRA_ACTION_* */
	uint32_t flags;			/* TETRA_ACTION_F_* */
	int32_t arg_error;		/* Override */
	uint32_t arg_sig;		/* Signal */
	uint32_t arg_fd;		/* FollowFD, UnfollowFD, CopyFD */
	uint32_t arg_name;		/* FollowFD, UnfollowFD, CopyFD */
	uint32_t arg_sock;		/* TrackSock, UntrackSock */
	uint32_t rate_limit_ms;		/* Post; 0: none */
	uint32_t rate_limit_scope;	/* TETRA_RATE_LIMIT_* */
	uint32_t __reserved;
	const char *arg_url;		/* GetUrl */
	const char *arg_fqdn;		/* DnsLookup */
};

struct tetra_policy_list {
	size_t sz;
	const char *name;
	uint32_t type;			/* TETRA_LIST_* */
	uint32_t nr_values;
	const char *const *values;	/* syscalls lists */
	const char *pattern;		/* generated lists; NULL when none */
};

/* Zero the struct and set its sz; for bindings that cannot use sizeof. Thread-safe. */
TETRA_API void tetra_policy_hook_init(struct tetra_policy_hook *h, size_t sz);
TETRA_API void tetra_policy_arg_init(struct tetra_policy_arg *a, size_t sz);
TETRA_API void tetra_policy_selector_init(struct tetra_policy_selector *s, size_t sz);
TETRA_API void tetra_policy_filter_init(struct tetra_policy_filter *f, size_t sz);
TETRA_API void tetra_policy_action_init(struct tetra_policy_action *a, size_t sz);
TETRA_API void tetra_policy_list_init(struct tetra_policy_list *l, size_t sz);

/* ---- builder ------------------------------------------------------------------------ */

/*
 * Each call copies what it is given into @policy and returns the new element's position
 * (>= 0) or a negative errno: -EINVAL for NULL pointers, a bad position, an unknown
 * constant or a struct without sz; -TETRA_E_OPTS for a struct with non-zero bytes past
 * the fields this library knows; -E2BIG past the builder's hard bounds (far above
 * Tetragon's limits, which tetra_policy_validate() reports with a diagnostic); -ENOMEM.
 * On failure the policy is left as it was.
 * Values are stored as given and checked by tetra_policy_validate(). Positions are those
 * of tetra_policy_get_*(): hooks in the order added, and so on.
 */

/* Make the policy a TracingPolicyNamespaced in Kubernetes namespace @ns (NULL: back to
   TracingPolicy). Returns 0 or -errno. */
TETRA_API int tetra_policy_set_namespace(struct tetra_policy *policy, const char *ns);

/* Add a hook: kind, flags, call, event (tracepoints), message, return_arg_action. */
TETRA_API int tetra_policy_add_hook(struct tetra_policy *policy,
				    const struct tetra_policy_hook *hook);

/* Add a tag (TETRA_HOOK_STR_TAG) or a uprobe symbol (TETRA_HOOK_STR_SYMBOL) to @hook. */
TETRA_API int tetra_policy_add_hook_string(struct tetra_policy *policy, uint32_t hook,
					   uint32_t which, const char *str);

/* Add a uprobe offset (TETRA_HOOK_OFF_OFFSET) or ref_ctr offset (TETRA_HOOK_OFF_REF_CTR). */
TETRA_API int tetra_policy_add_hook_offset(struct tetra_policy *policy, uint32_t hook,
					   uint32_t which, uint64_t offset);

/* Add an entry of @hook's args (in order); returns its position. */
TETRA_API int tetra_policy_add_arg(struct tetra_policy *policy, uint32_t hook,
				   const struct tetra_policy_arg *arg);

/* Set (replace) @hook's returnArg. Returns 0 or -errno. */
TETRA_API int tetra_policy_set_return_arg(struct tetra_policy *policy, uint32_t hook,
					  const struct tetra_policy_arg *arg);

/* Add an empty selector to @hook; returns its position. */
TETRA_API int tetra_policy_add_selector(struct tetra_policy *policy, uint32_t hook);

/* Add a filter (matchArgs, matchBinaries, ...) to a selector; returns its position among
   the filters of the same kind (filter->filter). The values are copied. */
TETRA_API int tetra_policy_add_filter(struct tetra_policy *policy, uint32_t hook,
				      uint32_t selector, const struct tetra_policy_filter *filter);

/* Add an action to the selector's matchActions (@list TETRA_SELECTOR_ACTIONS) or
   matchReturnActions (TETRA_SELECTOR_RETURN_ACTIONS); returns its position. */
TETRA_API int tetra_policy_add_action(struct tetra_policy *policy, uint32_t hook,
				      uint32_t selector, uint32_t list,
				      const struct tetra_policy_action *action);

/* Add a spec.lists entry; a kprobe's call "list:NAME" refers to it. Returns its position. */
TETRA_API int tetra_policy_add_list(struct tetra_policy *policy,
				    const struct tetra_policy_list *list);

/* ---- accessors ---------------------------------------------------------------------- */

/* metadata.name; metadata.namespace (NULL for TracingPolicy). Borrowed; NULL on NULL. */
TETRA_API const char *tetra_policy_name(const struct tetra_policy *policy);
TETRA_API const char *tetra_policy_namespace(const struct tetra_policy *policy);

/* TETRA_POLICY_KIND_*; 0 for NULL. */
TETRA_API uint32_t tetra_policy_kind(const struct tetra_policy *policy);

/* Number of hooks and of spec.lists entries; 0 for NULL. A parsed policy has its hooks
   in the order kprobes, tracepoints, uprobes, lsmhooks, each list in YAML order; a built
   one in the order they were added. */
TETRA_API uint32_t tetra_policy_hook_count(const struct tetra_policy *policy);
TETRA_API uint32_t tetra_policy_list_count(const struct tetra_policy *policy);

/*
 * Fill *@out (sz set by the caller) with the element at the given positions. Return 0, or
 * -EINVAL for NULL pointers, a missing sz or a position out of range (-ENOENT for
 * TETRA_POLICY_RETURN_ARG on a hook without returnArg).
 */
TETRA_API int tetra_policy_get_hook(const struct tetra_policy *policy, uint32_t hook,
				    struct tetra_policy_hook *out);
TETRA_API int tetra_policy_get_arg(const struct tetra_policy *policy, uint32_t hook,
				   uint32_t arg, struct tetra_policy_arg *out);
TETRA_API int tetra_policy_get_selector(const struct tetra_policy *policy, uint32_t hook,
					uint32_t selector, struct tetra_policy_selector *out);
TETRA_API int tetra_policy_get_filter(const struct tetra_policy *policy, uint32_t hook,
				      uint32_t selector, uint32_t filter, uint32_t pos,
				      struct tetra_policy_filter *out);
TETRA_API int tetra_policy_get_action(const struct tetra_policy *policy, uint32_t hook,
				      uint32_t selector, uint32_t list, uint32_t pos,
				      struct tetra_policy_action *out);
TETRA_API int tetra_policy_get_list(const struct tetra_policy *policy, uint32_t list,
				    struct tetra_policy_list *out);

/* Tag or uprobe symbol @pos of @hook (see TETRA_HOOK_STR_*); NULL when out of range. */
TETRA_API const char *tetra_policy_hook_string(const struct tetra_policy *policy,
					       uint32_t hook, uint32_t which, uint32_t pos);

/* Uprobe offset @pos of @hook (see TETRA_HOOK_OFF_*) into *@out. 0 or -EINVAL. */
TETRA_API int tetra_policy_hook_offset(const struct tetra_policy *policy, uint32_t hook,
				       uint32_t which, uint32_t pos, uint64_t *out);

/*
 * Names as written in YAML for the constants above ("Equal", "char_buf", "Sigkill",
 * "kprobes", "matchArgs", "Pid", "Effective"); NULL for an unknown value. Static strings,
 * thread-safe.
 */
TETRA_API const char *tetra_policy_op_name(uint32_t op);
TETRA_API const char *tetra_policy_arg_type_name(uint32_t type);
TETRA_API const char *tetra_policy_action_name(uint32_t action);
TETRA_API const char *tetra_policy_hook_kind_name(uint32_t kind);
TETRA_API const char *tetra_policy_filter_name(uint32_t filter);

/* --- policies in a context --- */

struct tetra_ctx;

/*
 * Compile @p and load it into @ctx, enforcing while events flow; @p may be freed
 * afterwards. Enables the process sensor if needed. Every hook must have a mechanism on
 * this kernel (see tetra_ctx_plan_policy()); otherwise nothing is loaded and
 * tetra_ctx_last_error() says which hook and why. On success *@ret_id (may be NULL)
 * names the policy for tetra_ctx_remove_policy(). Returns 0, -TETRA_E_NOT_SUPPORTED,
 * -TETRA_E_POLICY, -ENOSPC (context limits), -TETRA_E_PRIVILEGE, ... Not from a callback.
 */
TETRA_API int tetra_ctx_add_policy(struct tetra_ctx *ctx, const struct tetra_policy *p,
				   uint32_t *ret_id);
/* Unload policy @id; events it queued before are still delivered. 0 or -ENOENT. */
TETRA_API int tetra_ctx_remove_policy(struct tetra_ctx *ctx, uint32_t id);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_POLICY_H */
