// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Policy objects: the AST's memory, name tables, the builder and the accessors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

/* ---- memory ---------------------------------------------------------------------------- */

struct tetra_policy *tetra__policy_alloc(void)
{
	struct tetra_policy *p = calloc(1, sizeof(*p));

	if (p)
		p->kind = TETRA_POLICY_KIND_TRACING_POLICY;
	return p;
}

void *tetra__policy_push(void *arrp, uint32_t *nr, size_t size)
{
	void **arr = arrp;
	uint32_t n = *nr;
	char *e;

	if (n >= TETRA__POLICY_MAX_ELEMS)
		return NULL;
	if (n == 0 || (n & (n - 1)) == 0) {
		size_t cap = n ? (size_t)n * 2 : 1;
		void *q = realloc(*arr, cap * size);

		if (!q)
			return NULL;
		*arr = q;
	}
	e = (char *)*arr + (size_t)n * size;
	memset(e, 0, size);
	*nr = n + 1;
	return e;
}

char *tetra__policy_strdup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

int tetra__policy_push_str(char ***v, uint32_t *nr, const char *s, size_t len)
{
	char *d = tetra__policy_strdup(s, len);
	char **slot;

	if (!d)
		return -ENOMEM;
	slot = tetra__policy_push(v, nr, sizeof(char *));
	if (!slot) {
		free(d);
		return -ENOMEM;
	}
	*slot = d;
	return 0;
}

int tetra__policy_filter_push_value(struct tetra__policy_filter *f, const char *s, size_t len,
				    struct tetra__pos pos)
{
	uint32_t n = f->nr_values, tmp;
	uint32_t *lenp;
	struct tetra__pos *posp;

	if (len > UINT32_MAX - 1)
		return -E2BIG;
	/* Grow the side arrays first (they follow nr_values), then the strings. */
	tmp = n;
	lenp = tetra__policy_push(&f->value_lens, &tmp, sizeof(*lenp));
	if (!lenp)
		return -ENOMEM;
	tmp = n;
	posp = tetra__policy_push(&f->value_pos, &tmp, sizeof(*posp));
	if (!posp)
		return -ENOMEM;
	if (tetra__policy_push_str(&f->values, &f->nr_values, s, len))
		return -ENOMEM;
	f->value_lens[n] = (uint32_t)len;
	f->value_pos[n] = pos;
	return 0;
}

static void free_strv(char **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_arg(struct tetra__policy_arg *a)
{
	free(a->label);
	free(a->resolve);
}

static void free_filter(struct tetra__policy_filter *f)
{
	free_strv(f->values, f->nr_values);
	free(f->value_lens);
	free(f->value_pos);
	free(f->parsed);
}

static void free_action(struct tetra__policy_action *a)
{
	free(a->rate_limit);
	free(a->arg_url);
	free(a->arg_fqdn);
}

static void free_selector(struct tetra__policy_selector *s)
{
	for (int k = 0; k < TETRA_FILTER_COUNT; k++) {
		for (uint32_t i = 0; i < s->nr_filters[k]; i++)
			free_filter(&s->filters[k][i]);
		free(s->filters[k]);
	}
	for (int l = 0; l < 2; l++) {
		for (uint32_t i = 0; i < s->nr_actions[l]; i++)
			free_action(&s->actions[l][i]);
		free(s->actions[l]);
	}
}

static void free_hook(struct tetra__policy_hook *h)
{
	free(h->call);
	free(h->event);
	free(h->message);
	for (uint32_t i = 0; i < h->nr_args; i++)
		free_arg(&h->args[i]);
	free(h->args);
	free_arg(&h->return_arg);
	for (uint32_t i = 0; i < h->nr_selectors; i++)
		free_selector(&h->selectors[i]);
	free(h->selectors);
	free_strv(h->tags, h->nr_tags);
	free_strv(h->symbols, h->nr_symbols);
	free(h->offsets);
	free(h->ref_ctr_offsets);
}

static void free_kvs(struct tetra__kv *kv, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

TETRA_API void tetra_policy_free(struct tetra_policy *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->namespace);
	free_kvs(p->labels, p->nr_labels);
	free_kvs(p->annotations, p->nr_annotations);
	for (uint32_t i = 0; i < p->nr_hooks; i++)
		free_hook(&p->hooks[i]);
	free(p->hooks);
	for (uint32_t i = 0; i < p->nr_lists; i++) {
		free(p->lists[i].name);
		free(p->lists[i].pattern);
		free_strv(p->lists[i].values, p->lists[i].nr_values);
	}
	free(p->lists);
	free(p);
}

struct tetra__policy_hook *tetra__policy_add_hook(struct tetra_policy *p, uint32_t kind)
{
	struct tetra__policy_hook *h;

	if (kind < TETRA_HOOK_KPROBE || kind > TETRA_HOOK_LSM)
		return NULL;
	h = tetra__policy_push(&p->hooks, &p->nr_hooks, sizeof(*h));
	if (!h)
		return NULL;
	h->kind = kind;
	h->kind_index = p->nr_kind[kind]++;
	h->list = -1;
	return h;
}

struct tetra__policy_selector *tetra__policy_add_selector(struct tetra__policy_hook *h)
{
	return tetra__policy_push(&h->selectors, &h->nr_selectors,
				  sizeof(struct tetra__policy_selector));
}

struct tetra__policy_filter *tetra__policy_add_filter(struct tetra__policy_selector *s,
						      uint32_t filter)
{
	struct tetra__policy_filter *f;

	if (filter >= TETRA_FILTER_COUNT)
		return NULL;
	f = tetra__policy_push(&s->filters[filter], &s->nr_filters[filter], sizeof(*f));
	if (f)
		f->filter = filter;
	return f;
}

struct tetra__policy_action *tetra__policy_add_action(struct tetra__policy_selector *s,
						      uint32_t list)
{
	if (list > 1)
		return NULL;
	return tetra__policy_push(&s->actions[list], &s->nr_actions[list],
				  sizeof(struct tetra__policy_action));
}

/* ---- name tables ----------------------------------------------------------------------- */

const char *const tetra__policy_op_names[] = {
	"Equal", "NotEqual", "Prefix", "NotPrefix", "Postfix", "NotPostfix", "GT", "LT", "Mask",
	"InMap", "NotInMap", "InRange", "NotInRange", "SAddr", "DAddr", "NotSAddr", "NotDAddr",
	"SPort", "DPort", "NotSPort", "NotDPort", "SPortPriv", "DPortPriv", "NotSPortPriv",
	"NotDPortPriv", "Family", "Protocol", "State", "CapabilitiesGained", "SubString",
	"SubStringIgnCase", "FileType", "NotFileType", "In", "NotIn", NULL,
};

/* Tetragon's SelectorOp(): exact spellings, including its lowercase aliases. */
static const struct {
	const char *name;
	uint32_t op;
} op_aliases[] = {
	{ "gt", TETRA_OP_GT }, { "GreaterThan", TETRA_OP_GT },
	{ "lt", TETRA_OP_LT }, { "LessThan", TETRA_OP_LT },
	{ "eq", TETRA_OP_EQUAL }, { "neq", TETRA_OP_NOT_EQUAL },
	{ "prefix", TETRA_OP_PREFIX }, { "notprefix", TETRA_OP_NOT_PREFIX },
	{ "postfix", TETRA_OP_POSTFIX }, { "notpostfix", TETRA_OP_NOT_POSTFIX },
	{ "mask", TETRA_OP_MASK },
	{ "saddr", TETRA_OP_SADDR }, { "Saddr", TETRA_OP_SADDR },
	{ "daddr", TETRA_OP_DADDR }, { "Daddr", TETRA_OP_DADDR },
	{ "notsaddr", TETRA_OP_NOT_SADDR }, { "NotSaddr", TETRA_OP_NOT_SADDR },
	{ "notdaddr", TETRA_OP_NOT_DADDR }, { "NotDaddr", TETRA_OP_NOT_DADDR },
	{ "sport", TETRA_OP_SPORT }, { "Sport", TETRA_OP_SPORT },
	{ "dport", TETRA_OP_DPORT }, { "Dport", TETRA_OP_DPORT },
	{ "protocol", TETRA_OP_PROTOCOL },
	{ "notsport", TETRA_OP_NOT_SPORT }, { "NotSport", TETRA_OP_NOT_SPORT },
	{ "notdport", TETRA_OP_NOT_DPORT }, { "NotDport", TETRA_OP_NOT_DPORT },
	{ "sportpriv", TETRA_OP_SPORT_PRIV }, { "SportPriv", TETRA_OP_SPORT_PRIV },
	{ "dportpriv", TETRA_OP_DPORT_PRIV }, { "DportPriv", TETRA_OP_DPORT_PRIV },
	{ "notsportpriv", TETRA_OP_NOT_SPORT_PRIV }, { "NotSportPriv", TETRA_OP_NOT_SPORT_PRIV },
	{ "notdportpriv", TETRA_OP_NOT_DPORT_PRIV }, { "NotDportPriv", TETRA_OP_NOT_DPORT_PRIV },
	{ "family", TETRA_OP_FAMILY }, { "state", TETRA_OP_STATE },
};

uint32_t tetra__policy_lookup_op(const char *name)
{
	for (uint32_t i = 0; tetra__policy_op_names[i]; i++)
		if (!strcmp(name, tetra__policy_op_names[i]))
			return i + 1;
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(op_aliases); i++)
		if (!strcmp(name, op_aliases[i].name))
			return op_aliases[i].op;
	return 0;
}

const char *const tetra__policy_arg_type_names[] = {
	"auto", "int", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
	"size_t", "char_buf", "char_iovec", "string", "skb", "sock", "sockaddr", "socket", "fd",
	"file", "filename", "path", "nop", "bpf_attr", "perf_event", "bpf_map", "user_namespace",
	"capability", "kiocb", "iov_iter", "cred", "load_info", "module", "syscall64",
	"kernel_cap_t", "cap_inheritable", "cap_permitted", "cap_effective", "linux_binprm",
	"data_loc", "net_device", "bpf_cmd", "dentry", NULL,
};

/* Tetragon's GenericTypeFromString() aliases. */
static const struct {
	const char *name;
	uint32_t type;
} type_aliases[] = {
	{ "long", TETRA_ARG_INT64 }, { "sint64", TETRA_ARG_INT64 },
	{ "ulong", TETRA_ARG_UINT64 }, { "unsigned long", TETRA_ARG_UINT64 },
	{ "sint32", TETRA_ARG_INT32 }, { "sint16", TETRA_ARG_INT16 }, { "sint8", TETRA_ARG_INT8 },
};

uint32_t tetra__policy_lookup_arg_type(const char *name)
{
	for (uint32_t i = 0; tetra__policy_arg_type_names[i]; i++)
		if (!strcmp(name, tetra__policy_arg_type_names[i]))
			return i + 1;
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(type_aliases); i++)
		if (!strcmp(name, type_aliases[i].name))
			return type_aliases[i].type;
	return 0;
}

const char *const tetra__policy_action_names[] = {
	"Post", "NoPost", "Sigkill", "Signal", "Override", "FollowFD", "UnfollowFD", "CopyFD",
	"GetUrl", "DnsLookup", "TrackSock", "UntrackSock", "NotifyEnforcer",
	"CleanupEnforcerNotification", "Set", NULL,
};

static uint32_t lookup_ci(const char *const *names, const char *name)
{
	for (uint32_t i = 0; names[i]; i++)
		if (!strcasecmp(name, names[i]))
			return i + 1;
	return 0;
}

uint32_t tetra__policy_lookup_action(const char *name)
{
	/* Tetragon lower-cases action names before looking them up. */
	return lookup_ci(tetra__policy_action_names, name);
}

const char *const tetra__policy_ns_names[] = {
	"Uts", "Ipc", "Mnt", "Pid", "PidForChildren", "Net", "Time", "TimeForChildren", "Cgroup",
	"User", NULL,
};

/* Indexed by TETRA_NS_*. */
int tetra__policy_lookup_ns(const char *name)
{
	return (int)lookup_ci(tetra__policy_ns_names, name) - 1;
}

/* Indexed by TETRA_CAPS_*. */
const char *const tetra__policy_capset_names[] = { "Permitted", "Effective", "Inheritable", NULL };

int tetra__policy_lookup_capset(const char *name)
{
	return (int)lookup_ci(tetra__policy_capset_names, name) - 1;
}

const char *const tetra__policy_list_type_names[] = {
	"syscalls", "generated_syscalls", "generated_ftrace", NULL,
};

int tetra__policy_lookup_list_type(const char *name)
{
	uint32_t v;

	if (!*name)
		return TETRA_LIST_PLAIN;
	v = lookup_ci(tetra__policy_list_type_names, name);
	return v ? (int)v : -1;
}

static const char *const rate_scope_names[] = { "thread", "process", "global", NULL };

uint32_t tetra__policy_lookup_rate_scope(const char *name, int *ok)
{
	for (uint32_t i = 0; rate_scope_names[i]; i++)
		if (!strcmp(name, rate_scope_names[i])) {
			*ok = 1;
			return i;
		}
	*ok = 0;
	return 0;
}

const char *const tetra__policy_cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE", NULL,
};

int tetra__policy_lookup_cap(const char *name)
{
	/* Tetragon upper-cases and trims capability names. */
	size_t len;

	while (*name == ' ' || *name == '\t')
		name++;
	len = strlen(name);
	while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	for (int i = 0; tetra__policy_cap_names[i]; i++)
		if (strlen(tetra__policy_cap_names[i]) == len &&
		    !strncasecmp(name, tetra__policy_cap_names[i], len))
			return i;
	return -1;
}

static const char *name_at(const char *const *names, size_t n, uint32_t v)
{
	return v >= 1 && v <= n ? names[v - 1] : NULL;
}

#define NAMES_LEN(a) (TETRA_ARRAY_SIZE(a) - 1)

const char *tetra__policy_ns_name(uint32_t ns)
{
	return name_at(tetra__policy_ns_names, NAMES_LEN(tetra__policy_ns_names), ns + 1);
}

const char *tetra__policy_capset_name(uint32_t c)
{
	return name_at(tetra__policy_capset_names, NAMES_LEN(tetra__policy_capset_names), c + 1);
}

const char *tetra__policy_list_type_name(uint32_t type)
{
	if (type == TETRA_LIST_PLAIN)
		return "";
	return name_at(tetra__policy_list_type_names, NAMES_LEN(tetra__policy_list_type_names),
		       type);
}

const char *tetra__policy_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= NAMES_LEN(tetra__policy_cap_names))
		return NULL;
	return tetra__policy_cap_names[cap];
}

const char *tetra__policy_hook_list_name(uint32_t kind)
{
	static const char *const names[] = { "kprobes", "tracepoints", "uprobes", "lsmhooks" };

	return name_at(names, TETRA_ARRAY_SIZE(names), kind);
}

TETRA_API const char *tetra_policy_op_name(uint32_t op)
{
	return name_at(tetra__policy_op_names, NAMES_LEN(tetra__policy_op_names), op);
}

TETRA_API const char *tetra_policy_arg_type_name(uint32_t type)
{
	return name_at(tetra__policy_arg_type_names, NAMES_LEN(tetra__policy_arg_type_names),
		       type);
}

TETRA_API const char *tetra_policy_action_name(uint32_t action)
{
	return name_at(tetra__policy_action_names, NAMES_LEN(tetra__policy_action_names), action);
}

TETRA_API const char *tetra_policy_hook_kind_name(uint32_t kind)
{
	return tetra__policy_hook_list_name(kind);
}

TETRA_API const char *tetra_policy_filter_name(uint32_t filter)
{
	static const char *const names[TETRA_FILTER_COUNT] = {
		"matchArgs", "matchReturnArgs", "matchBinaries", "matchPIDs", "matchNamespaces",
		"matchNamespaceChanges", "matchCapabilities", "matchCapabilityChanges",
	};

	return filter < TETRA_FILTER_COUNT ? names[filter] : NULL;
}

/* ---- sized structs ------------------------------------------------------------------- */

#define DEFINE_INIT(fn, type)                                                               \
	TETRA_API void fn(struct type *x, size_t sz)                                        \
	{                                                                                   \
		if (!x)                                                                     \
			return;                                                             \
		memset(x, 0, sz);                                                           \
		if (sz >= sizeof(size_t))                                                   \
			x->sz = sz;                                                         \
	}

DEFINE_INIT(tetra_policy_hook_init, tetra_policy_hook)
DEFINE_INIT(tetra_policy_arg_init, tetra_policy_arg)
DEFINE_INIT(tetra_policy_selector_init, tetra_policy_selector)
DEFINE_INIT(tetra_policy_filter_init, tetra_policy_filter)
DEFINE_INIT(tetra_policy_action_init, tetra_policy_action)
DEFINE_INIT(tetra_policy_list_init, tetra_policy_list)

/* Read a caller's sized struct into the zeroed @dst of @known bytes. */
static int sized_in(void *dst, size_t known, const void *src)
{
	size_t sz;
	int err;

	if (!src)
		return -EINVAL;
	sz = *(const size_t *)src;
	if (sz < sizeof(size_t))
		return -EINVAL;
	err = tetra__opts_valid(src, sz, known);
	if (err)
		return err;
	memset(dst, 0, known);
	memcpy(dst, src, sz < known ? sz : known);
	return 0;
}

/* Write @src (@known bytes, sz first) to the caller's sized struct @dst. */
static int sized_out(void *dst, const void *src, size_t known)
{
	size_t sz;

	if (!dst)
		return -EINVAL;
	sz = *(const size_t *)dst;
	if (sz < sizeof(size_t))
		return -EINVAL;
	memcpy(dst, src, sz < known ? sz : known);
	*(size_t *)dst = sz;
	return 0;
}

/* ---- builder -------------------------------------------------------------------------- */

static char *dup_opt(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

TETRA_API int tetra_policy_new(struct tetra_policy **ret, const char *name)
{
	struct tetra_policy *p;

	if (!ret || !name)
		return -EINVAL;
	*ret = NULL;
	p = tetra__policy_alloc();
	if (!p)
		return -ENOMEM;
	p->name = strdup(name);
	if (!p->name) {
		free(p);
		return -ENOMEM;
	}
	p->from_builder = 1;
	*ret = p;
	return 0;
}

TETRA_API int tetra_policy_set_namespace(struct tetra_policy *p, const char *ns)
{
	char *d = NULL;

	if (!p)
		return -EINVAL;
	if (ns) {
		d = strdup(ns);
		if (!d)
			return -ENOMEM;
	}
	free(p->namespace);
	p->namespace = d;
	p->kind = ns ? TETRA_POLICY_KIND_TRACING_POLICY_NAMESPACED :
		       TETRA_POLICY_KIND_TRACING_POLICY;
	p->validated = 0;
	return 0;
}

static struct tetra__policy_hook *hook_at(const struct tetra_policy *p, uint32_t hook)
{
	return p && hook < p->nr_hooks ? &p->hooks[hook] : NULL;
}

static struct tetra__policy_selector *selector_at(const struct tetra_policy *p, uint32_t hook,
						  uint32_t sel)
{
	struct tetra__policy_hook *h = hook_at(p, hook);

	return h && sel < h->nr_selectors ? &h->selectors[sel] : NULL;
}

TETRA_API int tetra_policy_add_hook(struct tetra_policy *p, const struct tetra_policy_hook *in)
{
	struct tetra_policy_hook hk;
	struct tetra__policy_hook *h;
	uint32_t known_flags = TETRA_HOOK_F_SYSCALL | TETRA_HOOK_F_RETURN |
			       TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND | TETRA_HOOK_F_RAW;
	int err = 0;

	if (!p)
		return -EINVAL;
	err = sized_in(&hk, sizeof(hk), in);
	if (err)
		return err;
	if (hk.kind < TETRA_HOOK_KPROBE || hk.kind > TETRA_HOOK_LSM || !hk.call ||
	    (hk.flags & ~(known_flags | TETRA_HOOK_F_RETURN_ARG)) ||
	    (hk.return_arg_action && hk.return_arg_action >= TETRA_ACTION_MAX) ||
	    (hk.kind == TETRA_HOOK_TRACEPOINT && !hk.event))
		return -EINVAL;
	if (p->nr_hooks >= TETRA__POLICY_MAX_ELEMS)
		return -E2BIG;
	h = tetra__policy_add_hook(p, hk.kind);
	if (!h)
		return -ENOMEM;
	p->validated = 0;
	h->flags = hk.flags & known_flags;
	h->has_syscall = hk.kind == TETRA_HOOK_KPROBE;
	h->return_arg_action = hk.return_arg_action;
	h->call = dup_opt(hk.call, &err);
	h->event = hk.kind == TETRA_HOOK_TRACEPOINT ? dup_opt(hk.event, &err) : NULL;
	h->message = dup_opt(hk.message, &err);
	if (err) {
		free_hook(h);
		p->nr_hooks--;
		p->nr_kind[hk.kind]--;
		return err;
	}
	return (int)(p->nr_hooks - 1);
}

TETRA_API int tetra_policy_add_hook_string(struct tetra_policy *p, uint32_t hook, uint32_t which,
					   const char *str)
{
	struct tetra__policy_hook *h = hook_at(p, hook);
	char ***v;
	uint32_t *nr;

	if (!h || !str)
		return -EINVAL;
	if (which == TETRA_HOOK_STR_TAG) {
		v = &h->tags;
		nr = &h->nr_tags;
	} else if (which == TETRA_HOOK_STR_SYMBOL && h->kind == TETRA_HOOK_UPROBE) {
		v = &h->symbols;
		nr = &h->nr_symbols;
	} else {
		return -EINVAL;
	}
	if (*nr >= TETRA__POLICY_MAX_ELEMS)
		return -E2BIG;
	if (tetra__policy_push_str(v, nr, str, strlen(str)))
		return -ENOMEM;
	p->validated = 0;
	return (int)(*nr - 1);
}

TETRA_API int tetra_policy_add_hook_offset(struct tetra_policy *p, uint32_t hook, uint32_t which,
					   uint64_t offset)
{
	struct tetra__policy_hook *h = hook_at(p, hook);
	uint64_t *slot;

	if (!h || h->kind != TETRA_HOOK_UPROBE)
		return -EINVAL;
	if (which == TETRA_HOOK_OFF_OFFSET)
		slot = tetra__policy_push(&h->offsets, &h->nr_offsets, sizeof(*slot));
	else if (which == TETRA_HOOK_OFF_REF_CTR)
		slot = tetra__policy_push(&h->ref_ctr_offsets, &h->nr_ref_ctr_offsets,
					  sizeof(*slot));
	else
		return -EINVAL;
	if (!slot)
		return -ENOMEM;
	*slot = offset;
	p->validated = 0;
	return (int)((which == TETRA_HOOK_OFF_OFFSET ? h->nr_offsets : h->nr_ref_ctr_offsets) - 1);
}

static int fill_arg(struct tetra__policy_arg *a, const struct tetra_policy_arg *in)
{
	struct tetra_policy_arg x;
	int err = sized_in(&x, sizeof(x), in);

	if (err)
		return err;
	if (x.type < 1 || x.type >= TETRA_ARG_TYPE_MAX ||
	    (x.flags & ~(TETRA_ARG_F_RETURN_COPY | TETRA_ARG_F_MAX_DATA)))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->index = x.index;
	a->type = x.type;
	a->size_arg_index = x.size_arg_index;
	a->flags = x.flags;
	a->label = dup_opt(x.label, &err);
	a->resolve = dup_opt(x.resolve, &err);
	if (err) {
		free_arg(a);
		memset(a, 0, sizeof(*a));
	}
	return err;
}

TETRA_API int tetra_policy_add_arg(struct tetra_policy *p, uint32_t hook,
				   const struct tetra_policy_arg *in)
{
	struct tetra__policy_hook *h = hook_at(p, hook);
	struct tetra__policy_arg tmp, *a;
	int err;

	if (!h)
		return -EINVAL;
	err = fill_arg(&tmp, in);
	if (err)
		return err;
	a = tetra__policy_push(&h->args, &h->nr_args, sizeof(*a));
	if (!a) {
		free_arg(&tmp);
		return -ENOMEM;
	}
	*a = tmp;
	p->validated = 0;
	return (int)(h->nr_args - 1);
}

TETRA_API int tetra_policy_set_return_arg(struct tetra_policy *p, uint32_t hook,
					  const struct tetra_policy_arg *in)
{
	struct tetra__policy_hook *h = hook_at(p, hook);
	struct tetra__policy_arg tmp;
	int err;

	if (!h)
		return -EINVAL;
	err = fill_arg(&tmp, in);
	if (err)
		return err;
	free_arg(&h->return_arg);
	h->return_arg = tmp;
	h->flags |= TETRA_HOOK_F_RETURN_ARG;
	p->validated = 0;
	return 0;
}

TETRA_API int tetra_policy_add_selector(struct tetra_policy *p, uint32_t hook)
{
	struct tetra__policy_hook *h = hook_at(p, hook);

	if (!h)
		return -EINVAL;
	if (!tetra__policy_add_selector(h))
		return -ENOMEM;
	p->validated = 0;
	return (int)(h->nr_selectors - 1);
}

TETRA_API int tetra_policy_add_filter(struct tetra_policy *p, uint32_t hook, uint32_t selector,
				      const struct tetra_policy_filter *in)
{
	struct tetra__policy_selector *s = selector_at(p, hook, selector);
	struct tetra_policy_filter x;
	struct tetra__policy_filter *f;
	uint32_t known_flags = TETRA_FILTER_F_FOLLOW_FORKS | TETRA_FILTER_F_NAMESPACE_PID |
			       TETRA_FILTER_F_FOLLOW_CHILDREN | TETRA_FILTER_F_NAMESPACE_CAP;
	int err;

	if (!s)
		return -EINVAL;
	err = sized_in(&x, sizeof(x), in);
	if (err)
		return err;
	if (x.filter >= TETRA_FILTER_COUNT || x.op < 1 || x.op >= TETRA_OP_MAX ||
	    (x.flags & ~known_flags) || (x.nr_values && !x.values) || x.nr_arg_refs > 2)
		return -EINVAL;
	if (x.filter == TETRA_FILTER_MATCH_NAMESPACES && x.type > TETRA_NS_USER)
		return -EINVAL;
	if ((x.filter == TETRA_FILTER_MATCH_CAPABILITIES ||
	     x.filter == TETRA_FILTER_MATCH_CAPABILITY_CHANGES) &&
	    x.type > TETRA_CAPS_INHERITABLE)
		return -EINVAL;
	if (x.nr_values > TETRA__POLICY_MAX_ELEMS)
		return -E2BIG;
	for (uint32_t i = 0; i < x.nr_values; i++)
		if (!x.values[i])
			return -EINVAL;
	f = tetra__policy_add_filter(s, x.filter);
	if (!f)
		return -ENOMEM;
	f->op = x.op;
	f->has_op = 1;
	f->index = x.index;
	f->has_index = 1;
	f->type = x.type;
	f->has_type = 1;
	f->flags = x.flags;
	f->nr_arg_refs = x.nr_arg_refs;
	memcpy(f->arg_refs, x.arg_refs, sizeof(f->arg_refs));
	f->has_values = 1;
	for (uint32_t i = 0; i < x.nr_values; i++) {
		size_t len = x.value_lens ? x.value_lens[i] : strlen(x.values[i]);
		struct tetra__pos none = { 0, 0 };

		err = tetra__policy_filter_push_value(f, x.values[i], len, none);
		if (err) {
			/* Drop the half-built filter. */
			free_filter(f);
			s->nr_filters[x.filter]--;
			return err;
		}
	}
	p->validated = 0;
	return (int)(s->nr_filters[x.filter] - 1);
}

TETRA_API int tetra_policy_add_action(struct tetra_policy *p, uint32_t hook, uint32_t selector,
				      uint32_t list, const struct tetra_policy_action *in)
{
	struct tetra__policy_selector *s = selector_at(p, hook, selector);
	struct tetra_policy_action x;
	struct tetra__policy_action *a;
	uint32_t known_flags = TETRA_ACTION_F_KERNEL_STACK | TETRA_ACTION_F_USER_STACK |
			       TETRA_ACTION_F_IMA_HASH;
	int err;

	if (!s || list > TETRA_SELECTOR_RETURN_ACTIONS)
		return -EINVAL;
	err = sized_in(&x, sizeof(x), in);
	if (err)
		return err;
	if (x.action < 1 || x.action >= TETRA_ACTION_MAX || (x.flags & ~known_flags) ||
	    x.rate_limit_scope > TETRA_RATE_LIMIT_GLOBAL)
		return -EINVAL;
	a = tetra__policy_add_action(s, list);
	if (!a)
		return -ENOMEM;
	a->action = x.action;
	a->flags = x.flags;
	a->arg_error = x.arg_error;
	a->arg_sig = x.arg_sig;
	a->arg_fd = x.arg_fd;
	a->arg_name = x.arg_name;
	a->arg_sock = x.arg_sock;
	a->rate_limit_ms = x.rate_limit_ms;
	a->rate_limit_scope = x.rate_limit_scope;
	a->arg_url = dup_opt(x.arg_url, &err);
	a->arg_fqdn = dup_opt(x.arg_fqdn, &err);
	/* Only what applies to the action counts as given: the builder has no "unset". */
	switch (x.action) {
	case TETRA_ACTION_OVERRIDE:
		a->given |= TETRA__AF_ARG_ERROR;
		break;
	case TETRA_ACTION_SIGNAL:
		a->given |= TETRA__AF_ARG_SIG;
		break;
	case TETRA_ACTION_FOLLOW_FD:
	case TETRA_ACTION_UNFOLLOW_FD:
	case TETRA_ACTION_COPY_FD:
		a->given |= TETRA__AF_ARG_FD | TETRA__AF_ARG_NAME;
		break;
	case TETRA_ACTION_TRACK_SOCK:
	case TETRA_ACTION_UNTRACK_SOCK:
		a->given |= TETRA__AF_ARG_SOCK;
		break;
	default:
		break;
	}
	if (x.arg_url)
		a->given |= TETRA__AF_ARG_URL;
	if (x.arg_fqdn)
		a->given |= TETRA__AF_ARG_FQDN;
	if (x.rate_limit_ms)
		a->given |= TETRA__AF_RATE_LIMIT;
	if (x.rate_limit_scope)
		a->given |= TETRA__AF_RATE_LIMIT_SCOPE;
	if (x.flags & TETRA_ACTION_F_KERNEL_STACK)
		a->given |= TETRA__AF_KERNEL_STACK;
	if (x.flags & TETRA_ACTION_F_USER_STACK)
		a->given |= TETRA__AF_USER_STACK;
	if (x.flags & TETRA_ACTION_F_IMA_HASH)
		a->given |= TETRA__AF_IMA_HASH;
	if (err) {
		free_action(a);
		s->nr_actions[list]--;
		return err;
	}
	p->validated = 0;
	return (int)(s->nr_actions[list] - 1);
}

TETRA_API int tetra_policy_add_list(struct tetra_policy *p, const struct tetra_policy_list *in)
{
	struct tetra_policy_list x;
	struct tetra__policy_list *l;
	int err;

	if (!p)
		return -EINVAL;
	err = sized_in(&x, sizeof(x), in);
	if (err)
		return err;
	if (!x.name || x.type > TETRA_LIST_GENERATED_FTRACE || (x.nr_values && !x.values))
		return -EINVAL;
	if (x.nr_values > TETRA__POLICY_MAX_ELEMS)
		return -E2BIG;
	for (uint32_t i = 0; i < x.nr_values; i++)
		if (!x.values[i])
			return -EINVAL;
	l = tetra__policy_push(&p->lists, &p->nr_lists, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->type = x.type;
	l->name = dup_opt(x.name, &err);
	l->pattern = dup_opt(x.pattern, &err);
	for (uint32_t i = 0; !err && i < x.nr_values; i++)
		err = tetra__policy_push_str(&l->values, &l->nr_values, x.values[i],
					     strlen(x.values[i]));
	if (err) {
		free(l->name);
		free(l->pattern);
		free_strv(l->values, l->nr_values);
		p->nr_lists--;
		return err;
	}
	p->validated = 0;
	return (int)(p->nr_lists - 1);
}

TETRA_API int tetra_policy_validate(struct tetra_policy *p, struct tetra_diag *diag)
{
	struct tetra__diags d;
	int err;

	if (!p || tetra__diag_check(diag))
		return -EINVAL;
	tetra__diags_init(&d, p->from_builder ? "<builder>" : "<input>");
	err = tetra__policy_validate(p, &d);
	tetra__diags_emit(&d, diag);
	return err;
}

/* ---- accessors ------------------------------------------------------------------------ */

TETRA_API const char *tetra_policy_name(const struct tetra_policy *p)
{
	return p ? p->name : NULL;
}

TETRA_API const char *tetra_policy_namespace(const struct tetra_policy *p)
{
	return p ? p->namespace : NULL;
}

TETRA_API uint32_t tetra_policy_kind(const struct tetra_policy *p)
{
	return p ? p->kind : 0;
}

TETRA_API uint32_t tetra_policy_hook_count(const struct tetra_policy *p)
{
	return p ? p->nr_hooks : 0;
}

TETRA_API uint32_t tetra_policy_list_count(const struct tetra_policy *p)
{
	return p ? p->nr_lists : 0;
}

TETRA_API int tetra_policy_get_hook(const struct tetra_policy *p, uint32_t hook,
				    struct tetra_policy_hook *out)
{
	const struct tetra__policy_hook *h = hook_at(p, hook);
	struct tetra_policy_hook x = { .sz = sizeof(x) };

	if (!h)
		return -EINVAL;
	x.kind = h->kind;
	x.flags = h->flags;
	x.call = h->call;
	x.event = h->event;
	x.message = h->message;
	x.return_arg_action = h->return_arg_action;
	x.nr_args = h->nr_args;
	x.nr_selectors = h->nr_selectors;
	x.nr_tags = h->nr_tags;
	x.nr_symbols = h->nr_symbols;
	x.nr_offsets = h->nr_offsets;
	x.nr_ref_ctr_offsets = h->nr_ref_ctr_offsets;
	return sized_out(out, &x, sizeof(x));
}

TETRA_API int tetra_policy_get_arg(const struct tetra_policy *p, uint32_t hook, uint32_t arg,
				   struct tetra_policy_arg *out)
{
	const struct tetra__policy_hook *h = hook_at(p, hook);
	const struct tetra__policy_arg *a;
	struct tetra_policy_arg x = { .sz = sizeof(x) };

	if (!h)
		return -EINVAL;
	if (arg == TETRA_POLICY_RETURN_ARG) {
		if (!(h->flags & TETRA_HOOK_F_RETURN_ARG))
			return out ? -ENOENT : -EINVAL;
		a = &h->return_arg;
	} else if (arg < h->nr_args) {
		a = &h->args[arg];
	} else {
		return -EINVAL;
	}
	x.index = a->index;
	x.type = a->type;
	x.size_arg_index = a->size_arg_index;
	x.flags = a->flags;
	x.label = a->label;
	x.resolve = a->resolve;
	return sized_out(out, &x, sizeof(x));
}

TETRA_API int tetra_policy_get_selector(const struct tetra_policy *p, uint32_t hook,
					uint32_t selector, struct tetra_policy_selector *out)
{
	const struct tetra__policy_selector *s = selector_at(p, hook, selector);
	struct tetra_policy_selector x = { .sz = sizeof(x) };

	if (!s)
		return -EINVAL;
	memcpy(x.nr_filters, s->nr_filters, sizeof(x.nr_filters));
	x.nr_actions = s->nr_actions[TETRA_SELECTOR_ACTIONS];
	x.nr_return_actions = s->nr_actions[TETRA_SELECTOR_RETURN_ACTIONS];
	return sized_out(out, &x, sizeof(x));
}

TETRA_API int tetra_policy_get_filter(const struct tetra_policy *p, uint32_t hook,
				      uint32_t selector, uint32_t filter, uint32_t pos,
				      struct tetra_policy_filter *out)
{
	const struct tetra__policy_selector *s = selector_at(p, hook, selector);
	const struct tetra__policy_filter *f;
	struct tetra_policy_filter x = { .sz = sizeof(x) };

	if (!s || filter >= TETRA_FILTER_COUNT || pos >= s->nr_filters[filter])
		return -EINVAL;
	f = &s->filters[filter][pos];
	x.filter = f->filter;
	x.op = f->op;
	x.index = f->index;
	x.type = f->type;
	x.flags = f->flags;
	x.nr_values = f->nr_values;
	x.values = (const char *const *)f->values;
	x.value_lens = f->value_lens;
	x.nr_arg_refs = f->nr_arg_refs;
	memcpy(x.arg_refs, f->arg_refs, sizeof(x.arg_refs));
	return sized_out(out, &x, sizeof(x));
}

TETRA_API int tetra_policy_get_action(const struct tetra_policy *p, uint32_t hook,
				      uint32_t selector, uint32_t list, uint32_t pos,
				      struct tetra_policy_action *out)
{
	const struct tetra__policy_selector *s = selector_at(p, hook, selector);
	const struct tetra__policy_action *a;
	struct tetra_policy_action x = { .sz = sizeof(x) };

	if (!s || list > TETRA_SELECTOR_RETURN_ACTIONS || pos >= s->nr_actions[list])
		return -EINVAL;
	a = &s->actions[list][pos];
	x.action = a->action;
	x.flags = a->flags;
	x.arg_error = a->arg_error;
	x.arg_sig = a->arg_sig;
	x.arg_fd = a->arg_fd;
	x.arg_name = a->arg_name;
	x.arg_sock = a->arg_sock;
	x.rate_limit_ms = a->rate_limit_ms;
	x.rate_limit_scope = a->rate_limit_scope;
	x.arg_url = a->arg_url;
	x.arg_fqdn = a->arg_fqdn;
	return sized_out(out, &x, sizeof(x));
}

TETRA_API int tetra_policy_get_list(const struct tetra_policy *p, uint32_t list,
				    struct tetra_policy_list *out)
{
	const struct tetra__policy_list *l;
	struct tetra_policy_list x = { .sz = sizeof(x) };

	if (!p || list >= p->nr_lists)
		return -EINVAL;
	l = &p->lists[list];
	x.name = l->name;
	x.type = l->type;
	x.nr_values = l->nr_values;
	x.values = (const char *const *)l->values;
	x.pattern = l->pattern;
	return sized_out(out, &x, sizeof(x));
}

TETRA_API const char *tetra_policy_hook_string(const struct tetra_policy *p, uint32_t hook,
					       uint32_t which, uint32_t pos)
{
	const struct tetra__policy_hook *h = hook_at(p, hook);

	if (!h)
		return NULL;
	if (which == TETRA_HOOK_STR_TAG)
		return pos < h->nr_tags ? h->tags[pos] : NULL;
	if (which == TETRA_HOOK_STR_SYMBOL)
		return pos < h->nr_symbols ? h->symbols[pos] : NULL;
	return NULL;
}

TETRA_API int tetra_policy_hook_offset(const struct tetra_policy *p, uint32_t hook,
				       uint32_t which, uint32_t pos, uint64_t *out)
{
	const struct tetra__policy_hook *h = hook_at(p, hook);

	if (!h || !out)
		return -EINVAL;
	if (which == TETRA_HOOK_OFF_OFFSET && pos < h->nr_offsets)
		*out = h->offsets[pos];
	else if (which == TETRA_HOOK_OFF_REF_CTR && pos < h->nr_ref_ctr_offsets)
		*out = h->ref_ctr_offsets[pos];
	else
		return -EINVAL;
	return 0;
}
