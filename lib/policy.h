/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Internal: the policy AST.
 *
 * One tree per policy, filled by the YAML parser (policy_parse.c) or the builder
 * (policy.c), checked and completed by tetra__policy_validate() (policy_validate.c).
 * The loader compiles it to BPF maps. Constants are the public TETRA_* ones of
 * <tetra/policy.h>, so the accessors hand them out unchanged.
 *
 * After a successful validation (policy->validated == 1) a consumer may rely on:
 *  - every constant field holds a known TETRA_* value;
 *  - every limit of docs/policy.md holds (TETRA__POLICY_MAX_* below);
 *  - every args filter's index names an arg of its hook (for matchReturnArgs: the
 *    returnArg) and filter->arg_type is that arg's type; filter->parsed[] holds the typed
 *    form of each value (see struct tetra__policy_value);
 *  - matchPIDs values are parsed (u.lo), matchNamespaces values too (host_ns flagged),
 *    matchNamespaceChanges' ns_mask and the capability filters' caps mask are set;
 *  - hook->list is the index of the spec.lists entry named by "list:NAME", or -1;
 *  - rate limits are in milliseconds.
 * Positions (line/col) are 1-based; 0 for parts made by the builder.
 */
#ifndef TETRA_LIB_POLICY_H
#define TETRA_LIB_POLICY_H

#include <stdarg.h>
#include <stdint.h>

#include <tetra/policy.h>

#include "lib.h"

/* Tetragon's limits (see docs/policy.md for the sources). */
#define TETRA__POLICY_MAX_SELECTORS		5	/* per hook */
#define TETRA__POLICY_MAX_MATCH_ARGS		5	/* matchArgs (and matchReturnArgs) */
#define TETRA__POLICY_MAX_INLINE_VALUES		4	/* numeric/range/mask values */
#define TETRA__POLICY_MAX_ACTIONS		3	/* matchActions per selector */
#define TETRA__POLICY_MAX_MATCH_BINARIES	1	/* matchBinaries filters per selector */
#define TETRA__POLICY_MAX_PID_VALUES		4	/* values per matchPIDs filter */
#define TETRA__POLICY_MAX_NS_FILTERS		10	/* matchNamespaces filters */
#define TETRA__POLICY_MAX_NS_VALUES		4	/* values per matchNamespaces filter */
#define TETRA__POLICY_MAX_NS_CHANGES		1	/* matchNamespaceChanges filters */
#define TETRA__POLICY_MAX_ARGS			5	/* args per hook */
#define TETRA__POLICY_MAX_ARG_INDEX		4	/* kprobe/uprobe/lsm arg index */
#define TETRA__POLICY_MAX_SIZE_ARG_INDEX	15
#define TETRA__POLICY_MAX_TAGS			16
#define TETRA__POLICY_MAX_MESSAGE		256	/* bytes */
#define TETRA__POLICY_MAX_PREFIX		256	/* bytes, Prefix/NotPrefix values */
#define TETRA__POLICY_MAX_POSTFIX		127	/* bytes, Postfix/NotPostfix values */
#define TETRA__POLICY_MAX_STRING		4096	/* bytes, Equal/NotEqual strings */
#define TETRA__POLICY_MAX_BINARY		255	/* bytes, matchBinaries In/NotIn paths */
#define TETRA__POLICY_MAX_SUBSTRING		99	/* bytes, SubString values */
/* libtetra's own bounds where Tetragon has none (or only a memory budget). */
#define TETRA__POLICY_MAX_HOOKS			128	/* per policy, all kinds */
#define TETRA__POLICY_MAX_MAP_VALUES		1024	/* values of a map-backed filter */
#define TETRA__POLICY_MAX_RANGE_ENTRIES		65536	/* ports expanded from ranges */
#define TETRA__POLICY_MAX_PID_FILTERS		4	/* matchPIDs filters per selector */
#define TETRA__POLICY_MAX_CAP_FILTERS		4	/* matchCapabilit(y|ies)(Changes) */
#define TETRA__POLICY_MAX_LISTS			64
#define TETRA__POLICY_MAX_LIST_VALUES		1024
#define TETRA__POLICY_MAX_SYMBOLS		64	/* uprobe symbols + offsets */
#define TETRA__POLICY_MAX_NAME			253	/* metadata.name, DNS subdomain */
#define TETRA__POLICY_MAX_DEPTH			32	/* YAML nesting */
/* Hard caps of the builder and parser (memory safety, not policy rules). */
#define TETRA__POLICY_MAX_ELEMS			(1u << 20)

struct tetra__pos {
	uint32_t line;
	uint32_t col;
};

struct tetra__kv {			/* metadata.labels / annotations entry */
	char *key;
	char *value;
};

struct tetra__policy_arg {
	struct tetra__pos pos;
	uint32_t index;
	uint32_t type;			/* TETRA_ARG_* */
	uint32_t size_arg_index;	/* 1-based; 0: none */
	uint32_t flags;			/* TETRA_ARG_F_* */
	char *label;			/* NULL when none */
	char *resolve;			/* NULL when none */
	struct tetra__pos type_pos, size_arg_index_pos;
};

/* The typed form of one filter value, filled by validation. */
enum tetra__val_kind {
	TETRA__VAL_NONE = 0,
	TETRA__VAL_STRING,	/* the raw bytes: filter->values[i] / value_lens[i] */
	TETRA__VAL_SINT,	/* lo as int64_t */
	TETRA__VAL_UINT,	/* lo */
	TETRA__VAL_SRANGE,	/* [lo, hi] as int64_t, lo <= hi */
	TETRA__VAL_URANGE,	/* [lo, hi], lo <= hi: ports, protocols, families, states... */
	TETRA__VAL_ADDR,	/* addr/prefix_len, family 4 or 6 */
	TETRA__VAL_LIST,	/* "list:NAME": list = index into policy->lists */
	TETRA__VAL_CAPS,	/* lo = capability bit mask */
	TETRA__VAL_HOST_NS,	/* matchNamespaces "host_ns": resolved at load time */
};

struct tetra__policy_value {
	uint32_t kind;		/* enum tetra__val_kind */
	uint8_t family;		/* ADDR: 4 or 6 */
	uint8_t prefix_len;	/* ADDR: bits */
	uint16_t __pad;
	int32_t list;		/* LIST */
	uint64_t lo, hi;
	uint8_t addr[16];	/* ADDR: network byte order; v4 in the first 4 bytes */
};

/* One entry of any of the TETRA_FILTER_* lists of a selector. */
struct tetra__policy_filter {
	struct tetra__pos pos;		/* the list item */
	uint32_t filter;		/* TETRA_FILTER_* */
	uint32_t op;			/* TETRA_OP_* */
	uint32_t index;			/* args filters */
	uint32_t type;			/* TETRA_NS_* / TETRA_CAPS_* (valid with has_type) */
	uint32_t flags;			/* TETRA_FILTER_F_* */
	uint32_t nr_arg_refs;		/* args filters: "args" (CapabilitiesGained) */
	uint32_t arg_refs[2];
	uint32_t nr_values;
	char **values;			/* NUL-terminated copies, may hold NUL bytes inside */
	uint32_t *value_lens;
	struct tetra__pos *value_pos;	/* per value (0:0 from the builder) */
	struct tetra__pos op_pos, index_pos, type_pos;
	uint8_t has_index;		/* "index" was given (args filters) */
	uint8_t has_op;
	uint8_t has_values;		/* "values" was given (may be empty) */
	uint8_t has_type;
	/* Filled by validation: */
	uint32_t arg_type;		/* args filters: TETRA_ARG_* of the referenced arg */
	uint32_t arg_pos;		/* args filters: position of that arg in hook->args */
	uint32_t ns_mask;		/* matchNamespaceChanges: bits 1 << TETRA_NS_* */
	uint64_t caps;			/* capability filters: 1 << CAP_* */
	struct tetra__policy_value *parsed;	/* nr_values entries */
};

struct tetra__policy_action {
	struct tetra__pos pos;
	uint32_t action;		/* TETRA_ACTION_* */
	uint32_t flags;			/* TETRA_ACTION_F_* */
	int32_t arg_error;
	uint32_t arg_sig;
	uint32_t arg_fd;
	uint32_t arg_name;
	uint32_t arg_sock;
	uint32_t rate_limit_ms;		/* filled by validation from rate_limit */
	uint32_t rate_limit_scope;	/* TETRA_RATE_LIMIT_* */
	char *rate_limit;		/* as written ("1m"); NULL when none */
	char *arg_url;
	char *arg_fqdn;
	/* Which optional fields were given (TETRA__AF_*), for "does not apply" checks, and
	   where (indexed by the flag's bit number). */
	uint32_t given;
	struct tetra__pos given_pos[12];
	struct tetra__pos action_pos, rate_limit_pos;
};

#define TETRA__AF_ARG_ERROR		(1u << 0)
#define TETRA__AF_ARG_SIG		(1u << 1)
#define TETRA__AF_ARG_FD		(1u << 2)
#define TETRA__AF_ARG_NAME		(1u << 3)
#define TETRA__AF_ARG_SOCK		(1u << 4)
#define TETRA__AF_ARG_URL		(1u << 5)
#define TETRA__AF_ARG_FQDN		(1u << 6)
#define TETRA__AF_RATE_LIMIT		(1u << 7)
#define TETRA__AF_RATE_LIMIT_SCOPE	(1u << 8)
#define TETRA__AF_KERNEL_STACK		(1u << 9)
#define TETRA__AF_USER_STACK		(1u << 10)
#define TETRA__AF_IMA_HASH		(1u << 11)

struct tetra__policy_selector {
	struct tetra__pos pos;
	struct tetra__policy_filter *filters[TETRA_FILTER_COUNT];
	uint32_t nr_filters[TETRA_FILTER_COUNT];
	struct tetra__policy_action *actions[2];	/* TETRA_SELECTOR_[RETURN_]ACTIONS */
	uint32_t nr_actions[2];
};

struct tetra__policy_hook {
	struct tetra__pos pos;
	uint32_t kind;			/* TETRA_HOOK_* */
	uint32_t kind_index;		/* position among the hooks of the same kind */
	uint32_t flags;			/* TETRA_HOOK_F_* */
	char *call;			/* kprobe call / lsm hook / uprobe path / tp subsystem */
	char *event;			/* tracepoints */
	char *message;
	uint32_t return_arg_action;	/* TETRA_ACTION_* or 0 */
	int32_t list;			/* validation: spec.lists index of "list:NAME"; -1 */

	struct tetra__policy_arg *args;
	uint32_t nr_args;
	struct tetra__policy_arg return_arg;	/* valid with TETRA_HOOK_F_RETURN_ARG */

	struct tetra__policy_selector *selectors;
	uint32_t nr_selectors;

	char **tags;
	uint32_t nr_tags;
	char **symbols;			/* uprobes */
	uint32_t nr_symbols;
	uint64_t *offsets;		/* uprobes */
	uint32_t nr_offsets;
	uint64_t *ref_ctr_offsets;	/* uprobes */
	uint32_t nr_ref_ctr_offsets;

	uint8_t has_syscall;		/* "syscall" was given explicitly */
	struct tetra__pos call_pos, return_arg_action_pos, message_pos;
	struct tetra__pos return_arg_key_pos, return_key_pos, syscall_pos;
};

struct tetra__policy_list {
	struct tetra__pos pos;
	char *name;
	uint32_t type;			/* TETRA_LIST_*; 0 when not given */
	uint32_t nr_values;
	char **values;
	char *pattern;			/* NULL when none */
	uint8_t validated;		/* "validated" as written (no effect) */
	struct tetra__pos name_pos, type_pos;
};

struct tetra_policy {
	uint32_t kind;			/* TETRA_POLICY_KIND_* */
	char *name;
	char *namespace;		/* TracingPolicyNamespaced only */
	struct tetra__kv *labels;
	uint32_t nr_labels;
	struct tetra__kv *annotations;
	uint32_t nr_annotations;

	struct tetra__policy_hook *hooks;	/* kprobes, tracepoints, uprobes, lsmhooks */
	uint32_t nr_hooks;
	struct tetra__policy_list *lists;
	uint32_t nr_lists;

	uint32_t nr_kind[TETRA_HOOK_LSM + 1];	/* hooks per kind, for kind_index */
	uint8_t from_builder;		/* diagnostics say "<builder>" */
	uint8_t validated;		/* tetra__policy_validate() succeeded since last change */
	struct tetra__pos name_pos, kind_pos, spec_pos;
};

/* ---- AST helpers (policy.c) ---------------------------------------------------------- */

struct tetra_policy *tetra__policy_alloc(void);

/*
 * Grow the array *@arr of *@nr elements of @size bytes by one zeroed element; return it
 * (NULL: -ENOMEM or past TETRA__POLICY_MAX_ELEMS). Capacity doubles at powers of two.
 */
void *tetra__policy_push(void *arr, uint32_t *nr, size_t size);
/* strndup that accepts embedded NULs; NULL on ENOMEM. */
char *tetra__policy_strdup(const char *s, size_t len);
/* Append a copy of @s to the string vector *@v of *@nr entries; 0 or -ENOMEM. */
int tetra__policy_push_str(char ***v, uint32_t *nr, const char *s, size_t len);
/* Append a value (copy) to @f: 0 or -ENOMEM/-E2BIG. */
int tetra__policy_filter_push_value(struct tetra__policy_filter *f, const char *s, size_t len,
				    struct tetra__pos pos);

struct tetra__policy_hook *tetra__policy_add_hook(struct tetra_policy *p, uint32_t kind);
struct tetra__policy_selector *tetra__policy_add_selector(struct tetra__policy_hook *h);
struct tetra__policy_filter *tetra__policy_add_filter(struct tetra__policy_selector *s,
						      uint32_t filter);
struct tetra__policy_action *tetra__policy_add_action(struct tetra__policy_selector *s,
						      uint32_t list);

/*
 * Name tables. lookup returns the constant for @name (exact spelling or one of Tetragon's
 * aliases; actions, namespaces and capability sets case-insensitively as Tetragon does),
 * 0 when unknown (-1 for those whose constants start at 0). The *_names arrays list
 * canonical spellings for did-you-mean.
 */
uint32_t tetra__policy_lookup_op(const char *name);
uint32_t tetra__policy_lookup_arg_type(const char *name);
uint32_t tetra__policy_lookup_action(const char *name);
int tetra__policy_lookup_ns(const char *name);		/* TETRA_NS_*, -1: unknown */
int tetra__policy_lookup_capset(const char *name);	/* TETRA_CAPS_*, -1: unknown */
int tetra__policy_lookup_list_type(const char *name);		/* -1: unknown */
uint32_t tetra__policy_lookup_rate_scope(const char *name, int *ok);
int tetra__policy_lookup_cap(const char *name);			/* CAP_* number or -1 */
const char *tetra__policy_ns_name(uint32_t ns);
const char *tetra__policy_capset_name(uint32_t capset);
const char *tetra__policy_list_type_name(uint32_t type);
const char *tetra__policy_cap_name(int cap);
/* The YAML list key of a hook kind: "kprobes", "tracepoints", "uprobes", "lsmhooks". */
const char *tetra__policy_hook_list_name(uint32_t kind);

/* NULL-terminated canonical name lists for suggestions. */
extern const char *const tetra__policy_op_names[];
extern const char *const tetra__policy_arg_type_names[];
extern const char *const tetra__policy_action_names[];
extern const char *const tetra__policy_ns_names[];
extern const char *const tetra__policy_capset_names[];
extern const char *const tetra__policy_cap_names[];
extern const char *const tetra__policy_list_type_names[];

/* ---- diagnostics (policy_diag.c) ------------------------------------------------------ */

#define TETRA__DIAG_MAX_RECORDED 64	/* parsing stops after this many errors */

struct tetra__diags {
	const char *file;		/* "<input>", "<builder>" or the path */
	struct tetra_diag d;		/* the full-size result, copied out at the end */
	uint32_t have_first_error;
	size_t text_len;
	uint32_t dropped;		/* lines that did not fit in d.text */
};

void tetra__diags_init(struct tetra__diags *d, const char *file);
/* Record one diagnostic; @field may be NULL or "" (then printed as "-"). */
void tetra__diag(struct tetra__diags *d, int warning, struct tetra__pos pos, const char *field,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tetra__vdiag(struct tetra__diags *d, int warning, struct tetra__pos pos, const char *field,
		  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Copy the result to the caller's (sized) struct; NULL-safe. */
void tetra__diags_emit(struct tetra__diags *d, struct tetra_diag *out);
/* A valid sized diag pointer (NULL allowed)? 0 or -EINVAL. */
int tetra__diag_check(const struct tetra_diag *out);

/* Edit distance, capped: returns > @cap as soon as it is certain to exceed @cap. */
size_t tetra__levenshtein(const char *a, const char *b, size_t cap);
/* The candidate closest to @word when close enough to be a likely typo, else NULL. */
const char *tetra__suggest(const char *word, const char *const *cands);

/* ---- validation (policy_validate.c) -------------------------------------------------- */

/* Check and complete @p; 0, -TETRA_E_POLICY (diagnostics in @d) or -ENOMEM. */
int tetra__policy_validate(struct tetra_policy *p, struct tetra__diags *d);

/* Parse an integer as Go's strconv.ParseInt(s, 0, 64) does (0x, 0o, 0b, leading 0 octal). */
int tetra__parse_s64(const char *s, int64_t *out);
int tetra__parse_u64(const char *s, uint64_t *out);

#endif /* TETRA_LIB_POLICY_H */
