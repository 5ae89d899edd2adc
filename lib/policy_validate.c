// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Policy semantics: Tetragon's rules and limits, and the typed form of every value.
 *
 * Shared by parsed and built policies, so it reads only the AST. Where Tetragon rejects
 * a policy we reject it too; where Tetragon silently ignores a field that has no effect
 * (argError on Sigkill, returnArg without return: true) we accept it with a warning.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy.h"

struct vctx {
	struct tetra__diags *d;
	struct tetra_policy *p;
	char path[TETRA_DIAG_FIELD_MAX];
	size_t plen;
	int nomem;
};

/* ---- integers --------------------------------------------------------------------------- */

/* Go's strconv.ParseUint(s, 0, 64) without underscores: 0x, 0o, 0b, leading-0 octal. */
static int parse_mag(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s += 1;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned dgt;

		if (*s >= '0' && *s <= '9')
			dgt = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			dgt = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			dgt = (unsigned)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (dgt >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - dgt) / base)
			return -ERANGE;
		v = v * base + dgt;
	}
	*out = v;
	return 0;
}

int tetra__parse_u64(const char *s, uint64_t *out)
{
	if (*s == '+')
		s++;
	return parse_mag(s, out);
}

int tetra__parse_s64(const char *s, int64_t *out)
{
	int neg = 0, err;
	uint64_t m;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	err = parse_mag(s, &m);
	if (err)
		return err;
	if (neg) {
		if (m > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*out = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
	} else {
		if (m > INT64_MAX)
			return -ERANGE;
		*out = (int64_t)m;
	}
	return 0;
}

/* Decimal only (Tetragon's InMap and port parsing use base 10). */
static int parse_dec_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* ---- paths and diagnostics --------------------------------------------------------------- */

static size_t vpush(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t vpush(struct vctx *c, const char *fmt, ...)
{
	size_t old = c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen = c->plen + (size_t)n < sizeof(c->path) ? c->plen + (size_t)n :
								  sizeof(c->path) - 1;
	return old;
}

static void vpop(struct vctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

__attribute__((format(printf, 4, 5)))
static void verr(struct vctx *c, struct tetra__pos pos, const char *field, const char *fmt, ...)
{
	size_t old = field ? vpush(c, "%s%s", c->plen ? "." : "", field) : c->plen;
	va_list ap;

	va_start(ap, fmt);
	tetra__vdiag(c->d, 0, pos, c->path, fmt, ap);
	va_end(ap);
	vpop(c, old);
}

__attribute__((format(printf, 4, 5)))
static void vwarn(struct vctx *c, struct tetra__pos pos, const char *field, const char *fmt, ...)
{
	size_t old = field ? vpush(c, "%s%s", c->plen ? "." : "", field) : c->plen;
	va_list ap;

	va_start(ap, fmt);
	tetra__vdiag(c->d, 1, pos, c->path, fmt, ap);
	va_end(ap);
	vpop(c, old);
}

/* "a" or "an" before a type name, for messages. */
static const char *article(const char *word)
{
	return word && strchr("aeiou", word[0]) ? "an" : "a";
}

/* ---- value tables --------------------------------------------------------------------- */

struct named {
	const char *name;
	uint32_t v;
};

static const struct named protocols[] = {
	{ "IPPROTO_IP", 0 }, { "IPPROTO_ICMP", 1 }, { "IPPROTO_IGMP", 2 }, { "IPPROTO_IPIP", 4 },
	{ "IPPROTO_TCP", 6 }, { "IPPROTO_EGP", 8 }, { "IPPROTO_PUP", 12 }, { "IPPROTO_UDP", 17 },
	{ "IPPROTO_IDP", 22 }, { "IPPROTO_TP", 29 }, { "IPPROTO_DCCP", 33 },
	{ "IPPROTO_IPV6", 41 }, { "IPPROTO_RSVP", 46 }, { "IPPROTO_GRE", 47 },
	{ "IPPROTO_ESP", 50 }, { "IPPROTO_AH", 51 }, { "IPPROTO_ICMPV6", 58 },
	{ "IPPROTO_MTP", 92 }, { "IPPROTO_BEETPH", 94 }, { "IPPROTO_ENCAP", 98 },
	{ "IPPROTO_PIM", 103 }, { "IPPROTO_COMP", 108 }, { "IPPROTO_L2TP", 115 },
	{ "IPPROTO_SCTP", 132 }, { "IPPROTO_UDPLITE", 136 }, { "IPPROTO_MPLS", 137 },
	{ "IPPROTO_ETHERNET", 143 }, { "IPPROTO_RAW", 255 }, { "IPPROTO_MPTCP", 262 },
	{ NULL, 0 },
};

static const struct named families[] = {
	{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 },
	{ "AF_AX25", 3 }, { "AF_IPX", 4 }, { "AF_APPLETALK", 5 }, { "AF_NETROM", 6 },
	{ "AF_BRIDGE", 7 }, { "AF_ATMPVC", 8 }, { "AF_X25", 9 }, { "AF_INET6", 10 },
	{ "AF_ROSE", 11 }, { "AF_DECnet", 12 }, { "AF_NETBEUI", 13 }, { "AF_SECURITY", 14 },
	{ "AF_KEY", 15 }, { "AF_NETLINK", 16 }, { "AF_ROUTE", 16 }, { "AF_PACKET", 17 },
	{ "AF_ASH", 18 }, { "AF_ECONET", 19 }, { "AF_ATMSVC", 20 }, { "AF_RDS", 21 },
	{ "AF_SNA", 22 }, { "AF_IRDA", 23 }, { "AF_PPPOX", 24 }, { "AF_WANPIPE", 25 },
	{ "AF_LLC", 26 }, { "AF_IB", 27 }, { "AF_MPLS", 28 }, { "AF_CAN", 29 },
	{ "AF_TIPC", 30 }, { "AF_BLUETOOTH", 31 }, { "AF_IUCV", 32 }, { "AF_RXRPC", 33 },
	{ "AF_ISDN", 34 }, { "AF_PHONET", 35 }, { "AF_IEEE802154", 36 }, { "AF_CAIF", 37 },
	{ "AF_ALG", 38 }, { "AF_NFC", 39 }, { "AF_VSOCK", 40 }, { "AF_KCM", 41 },
	{ "AF_QIPCRTR", 42 }, { "AF_SMC", 43 }, { "AF_XDP", 44 }, { "AF_MCTP", 45 },
	{ NULL, 0 },
};

static const struct named tcp_states[] = {
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 }, { "TCP_NEW_SYN_RECV", 12 },
	{ NULL, 0 },
};

static const struct named file_types[] = {
	{ "sock", S_IFSOCK }, { "socket", S_IFSOCK }, { "lnk", S_IFLNK }, { "link", S_IFLNK },
	{ "reg", S_IFREG }, { "regular", S_IFREG }, { "blk", S_IFBLK }, { "block", S_IFBLK },
	{ "dir", S_IFDIR }, { "chr", S_IFCHR }, { "char", S_IFCHR }, { "fifo", S_IFIFO },
	{ "pipe", S_IFIFO }, { NULL, 0 },
};

static int named_lookup(const struct named *t, const char *s, uint32_t *out)
{
	for (size_t i = 0; t[i].name; i++)
		if (!strcmp(t[i].name, s)) {
			*out = t[i].v;
			return 1;
		}
	return 0;
}

static const char *named_suggest(const struct named *t, const char *s)
{
	const char *names[64];
	size_t n = 0;

	for (size_t i = 0; t[i].name && n + 1 < TETRA_ARRAY_SIZE(names); i++)
		names[n++] = t[i].name;
	names[n] = NULL;
	return tetra__suggest(s, names);
}

/* ---- argument type classes ------------------------------------------------------------ */

static int type_is_int(uint32_t t)
{
	switch (t) {
	case TETRA_ARG_INT: case TETRA_ARG_INT8: case TETRA_ARG_UINT8: case TETRA_ARG_INT16:
	case TETRA_ARG_UINT16: case TETRA_ARG_INT32: case TETRA_ARG_UINT32: case TETRA_ARG_INT64:
	case TETRA_ARG_UINT64: case TETRA_ARG_SIZE_T: case TETRA_ARG_SYSCALL64:
		return 1;
	}
	return 0;
}

static int type_is_signed(uint32_t t)
{
	switch (t) {
	case TETRA_ARG_INT: case TETRA_ARG_INT8: case TETRA_ARG_INT16: case TETRA_ARG_INT32:
	case TETRA_ARG_INT64: case TETRA_ARG_SIZE_T: case TETRA_ARG_SYSCALL64:
		return 1;
	}
	return 0;
}

/* Value range of an integer type, as Tetragon parses filter values for it. */
static void type_range(uint32_t t, int64_t *smin, int64_t *smax, uint64_t *umax)
{
	*smin = 0;
	*smax = INT64_MAX;
	*umax = UINT64_MAX;
	switch (t) {
	case TETRA_ARG_INT8: *smin = INT8_MIN; *smax = INT8_MAX; break;
	case TETRA_ARG_INT16: *smin = INT16_MIN; *smax = INT16_MAX; break;
	case TETRA_ARG_INT: case TETRA_ARG_INT32: case TETRA_ARG_SIZE_T:
		*smin = INT32_MIN; *smax = INT32_MAX; break;
	case TETRA_ARG_INT64: case TETRA_ARG_SYSCALL64: *smin = INT64_MIN; break;
	case TETRA_ARG_UINT8: *umax = UINT8_MAX; break;
	case TETRA_ARG_UINT16: *umax = UINT16_MAX; break;
	case TETRA_ARG_UINT32: *umax = UINT32_MAX; break;
	}
}

static int type_is_cap(uint32_t t)
{
	return t == TETRA_ARG_KERNEL_CAP_T || t == TETRA_ARG_CAP_INHERITABLE ||
	       t == TETRA_ARG_CAP_PERMITTED || t == TETRA_ARG_CAP_EFFECTIVE;
}

/* Types whose value Tetragon compares as a string with Equal/NotEqual. */
static int type_is_string_eq(uint32_t t)
{
	switch (t) {
	case TETRA_ARG_FD: case TETRA_ARG_FILE: case TETRA_ARG_PATH: case TETRA_ARG_STRING:
	case TETRA_ARG_CHAR_BUF: case TETRA_ARG_LINUX_BINPRM: case TETRA_ARG_DATA_LOC:
	case TETRA_ARG_NET_DEVICE:
		return 1;
	}
	return 0;
}

/* Types Prefix/Postfix can test: the string ones and filename. */
static int type_is_stringish(uint32_t t)
{
	return type_is_string_eq(t) || t == TETRA_ARG_FILENAME || t == TETRA_ARG_DENTRY;
}

static int type_is_net(uint32_t t)
{
	return t == TETRA_ARG_SOCK || t == TETRA_ARG_SKB || t == TETRA_ARG_SOCKADDR ||
	       t == TETRA_ARG_SOCKET;
}

/* ---- value parsers --------------------------------------------------------------------- */

/* An integer for a typed arg; 0 or a message in @why. */
static int int_for_type(const char *s, uint32_t type, struct tetra__policy_value *v, char *why,
			size_t wlen)
{
	int64_t smin, smax;
	uint64_t umax;

	type_range(type, &smin, &smax, &umax);
	if (type_is_signed(type)) {
		int64_t x;

		if (tetra__parse_s64(s, &x)) {
			snprintf(why, wlen, "\"%s\" is not an integer", s);
			return -1;
		}
		if (x < smin || x > smax) {
			snprintf(why, wlen, "%s is out of range for %s (%lld..%lld)", s,
				 tetra_policy_arg_type_name(type), (long long)smin,
				 (long long)smax);
			return -1;
		}
		v->kind = TETRA__VAL_SINT;
		v->lo = v->hi = (uint64_t)x;
	} else {
		uint64_t x;

		if (s[0] == '-' || tetra__parse_u64(s, &x)) {
			snprintf(why, wlen, "\"%s\" is not %s", s,
				 s[0] == '-' ? "a non-negative integer" : "an integer");
			return -1;
		}
		if (x > umax) {
			snprintf(why, wlen, "%s is out of range for %s (0..%llu)", s,
				 tetra_policy_arg_type_name(type), (unsigned long long)umax);
			return -1;
		}
		v->kind = TETRA__VAL_UINT;
		v->lo = v->hi = x;
	}
	return 0;
}

/* A capability mask: a number, or CAP_ names separated by commas (Tetragon's syntax). */
static int caps_mask(const char *s, uint64_t *mask, char *why, size_t wlen)
{
	char buf[1024];
	char *save = NULL, *tok;

	if (!tetra__parse_u64(s, mask))
		return 0;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, wlen, "capability list is too long");
		return -1;
	}
	strcpy(buf, s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int cap = tetra__policy_lookup_cap(tok);

		if (cap < 0) {
			const char *best = tetra__suggest(tok, tetra__policy_cap_names);

			if (best)
				snprintf(why, wlen,
					 "unknown capability \"%s\" (did you mean \"%s\"?)", tok,
					 best);
			else
				snprintf(why, wlen, "unknown capability \"%s\"", tok);
			return -1;
		}
		*mask |= 1ull << cap;
	}
	return 0;
}

/* An IPv4/IPv6 address or CIDR; host bits are cleared as Go's netip.Prefix.Masked(). */
static int parse_addr(const char *s, struct tetra__policy_value *v, char *why, size_t wlen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned maxbits;
	uint64_t bits;

	if (alen >= sizeof(buf)) {
		snprintf(why, wlen, "\"%s\" is not an IP address or CIDR", s);
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(v->addr, 0, sizeof(v->addr));
	if (inet_pton(AF_INET, buf, v->addr) == 1) {
		v->family = 4;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, buf, v->addr) == 1) {
		v->family = 6;
		maxbits = 128;
	} else {
		snprintf(why, wlen, "\"%s\" is not an IP address or CIDR", s);
		return -1;
	}
	bits = maxbits;
	if (slash && (parse_dec_u64(slash + 1, &bits) || bits > maxbits)) {
		snprintf(why, wlen, "\"%s\": prefix length must be 0..%u", s, maxbits);
		return -1;
	}
	v->kind = TETRA__VAL_ADDR;
	v->prefix_len = (uint8_t)bits;
	for (unsigned i = 0; i < maxbits / 8; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8 : bits > i * 8 ? bits - i * 8 : 0;

		v->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

/*
 * A number or a "lo:hi" range of unsigned values up to @max, or a name from @names
 * (protocols, families, states). Decimal, as Tetragon reads them.
 */
static int parse_urange(const char *s, uint64_t max, const struct named *names,
			struct tetra__policy_value *v, char *why, size_t wlen, const char *what)
{
	const char *colon = strchr(s, ':');
	uint64_t lo, hi;
	uint32_t named;

	if (names && !colon && named_lookup(names, s, &named)) {
		v->kind = TETRA__VAL_URANGE;
		v->lo = v->hi = named;
		return 0;
	}
	if (colon) {
		char a[32];
		size_t alen = (size_t)(colon - s);

		if (alen >= sizeof(a) || strchr(colon + 1, ':')) {
			snprintf(why, wlen, "\"%s\" is not a %s or a range \"min:max\"", s, what);
			return -1;
		}
		memcpy(a, s, alen);
		a[alen] = '\0';
		if (parse_dec_u64(a, &lo) || parse_dec_u64(colon + 1, &hi)) {
			snprintf(why, wlen, "\"%s\" is not a %s or a range \"min:max\"", s, what);
			return -1;
		}
	} else if (parse_dec_u64(s, &lo)) {
		const char *best = names ? named_suggest(names, s) : NULL;

		if (best)
			snprintf(why, wlen, "unknown %s \"%s\" (did you mean \"%s\"?)", what, s,
				 best);
		else
			snprintf(why, wlen, "\"%s\" is not a %s", s, what);
		return -1;
	} else {
		hi = lo;
	}
	if (lo > max || hi > max) {
		snprintf(why, wlen, "%s \"%s\" is out of range (0..%llu)", what, s,
			 (unsigned long long)max);
		return -1;
	}
	v->kind = TETRA__VAL_URANGE;
	/* Tetragon swaps reversed map ranges. */
	v->lo = lo < hi ? lo : hi;
	v->hi = lo < hi ? hi : lo;
	return 0;
}

/* InRange/NotInRange "min:max" for an integer type (base 0, min <= max). */
static int parse_type_range(const char *s, uint32_t type, struct tetra__policy_value *v,
			    char *why, size_t wlen)
{
	struct tetra__policy_value a, b;
	const char *colon = strchr(s, ':');
	char lo[64];

	if (!colon || strchr(colon + 1, ':') || (size_t)(colon - s) >= sizeof(lo)) {
		snprintf(why, wlen, "\"%s\" is not a range \"min:max\"", s);
		return -1;
	}
	memcpy(lo, s, (size_t)(colon - s));
	lo[colon - s] = '\0';
	if (int_for_type(lo, type, &a, why, wlen) || int_for_type(colon + 1, type, &b, why, wlen))
		return -1;
	if (a.kind == TETRA__VAL_SINT ? (int64_t)a.lo > (int64_t)b.lo : a.lo > b.lo) {
		snprintf(why, wlen, "range \"%s\" has min > max", s);
		return -1;
	}
	v->kind = a.kind == TETRA__VAL_SINT ? TETRA__VAL_SRANGE : TETRA__VAL_URANGE;
	v->lo = a.lo;
	v->hi = b.lo;
	return 0;
}

static int find_list(const struct tetra_policy *p, const char *name)
{
	/* Past the limit the policy is already invalid; bound the search. */
	uint32_t n = p->nr_lists < TETRA__POLICY_MAX_LISTS ? p->nr_lists : TETRA__POLICY_MAX_LISTS;

	for (uint32_t i = 0; i < n; i++)
		if (p->lists[i].name && !strcmp(p->lists[i].name, name))
			return (int)i;
	return -1;
}

/* ---- filters ---------------------------------------------------------------------------- */

static const struct tetra__policy_arg *arg_by_index(const struct tetra__policy_hook *h,
						    uint32_t index, uint32_t *pos)
{
	/* Past the limit the hook is already invalid; do not let its size cost time. */
	uint32_t n = h->nr_args < TETRA__POLICY_MAX_ARGS ? h->nr_args : TETRA__POLICY_MAX_ARGS;

	for (uint32_t i = 0; i < n; i++)
		if (h->args[i].index == index) {
			*pos = i;
			return &h->args[i];
		}
	return NULL;
}

static struct tetra__pos value_pos(const struct tetra__policy_filter *f, uint32_t i)
{
	return f->value_pos ? f->value_pos[i] : f->pos;
}

/* Value count limits and which values an operator takes. */
enum vclass { V_NONE, V_INLINE, V_MAP };

static void check_count(struct vctx *c, const struct tetra__policy_filter *f, enum vclass vc,
			const char *op_name)
{
	if (vc == V_NONE) {
		if (f->nr_values)
			verr(c, value_pos(f, 0), "values", "operator %s takes no values", op_name);
		return;
	}
	if (!f->nr_values) {
		verr(c, f->pos, "values", "operator %s needs at least one value", op_name);
		return;
	}
	if (vc == V_INLINE && f->nr_values > TETRA__POLICY_MAX_INLINE_VALUES)
		verr(c, value_pos(f, TETRA__POLICY_MAX_INLINE_VALUES), "values",
		     "%u values exceed the limit of %d for operator %s (consider InMap)",
		     f->nr_values, TETRA__POLICY_MAX_INLINE_VALUES, op_name);
	if (vc == V_MAP && f->nr_values > TETRA__POLICY_MAX_MAP_VALUES)
		verr(c, value_pos(f, TETRA__POLICY_MAX_MAP_VALUES), "values",
		     "%u values exceed libtetra's limit of %d per filter", f->nr_values,
		     TETRA__POLICY_MAX_MAP_VALUES);
}

static void validate_args_filter(struct vctx *c, const struct tetra__policy_hook *h,
				 struct tetra__policy_filter *f)
{
	const char *op_name = tetra_policy_op_name(f->op);
	const struct tetra__policy_arg *a = NULL;
	int is_ret = f->filter == TETRA_FILTER_MATCH_RETURN_ARGS;
	uint32_t t, range_entries = 0;
	enum vclass vc = V_MAP;
	char why[320];

	if (!op_name)
		return;	/* reported while parsing */
	if (f->op == TETRA_OP_IN || f->op == TETRA_OP_NOT_IN) {
		verr(c, f->op_pos, "operator",
		     "operator %s is not valid in %s (use Equal, NotEqual, InMap or NotInMap)",
		     op_name, tetra_policy_filter_name(f->filter));
		return;
	}

	/* Which arg is tested: "args" first (as Tetragon), else "index". */
	if (f->nr_arg_refs) {
		if (is_ret) {
			verr(c, f->pos, "args", "args is not valid in matchReturnArgs");
			return;
		}
		for (uint32_t i = 0; i < f->nr_arg_refs; i++) {
			if (f->arg_refs[i] >= h->nr_args) {
				verr(c, f->pos, "args",
				     "args[%u] = %u is past the end of the hook's args (%u)", i,
				     f->arg_refs[i], h->nr_args);
				return;
			}
		}
		f->arg_pos = f->arg_refs[0];
		a = &h->args[f->arg_pos];
	} else if (is_ret) {
		if (!(h->flags & TETRA_HOOK_F_RETURN_ARG)) {
			verr(c, f->pos, NULL, "matchReturnArgs needs the hook's returnArg");
			return;
		}
		if (f->index != h->return_arg.index) {
			verr(c, f->index_pos, "index",
			     "index %u does not match the returnArg (index %u)", f->index,
			     h->return_arg.index);
			return;
		}
		a = &h->return_arg;
		f->arg_pos = TETRA_POLICY_RETURN_ARG;
	} else {
		a = arg_by_index(h, f->index, &f->arg_pos);
		if (!a && h->kind == TETRA_HOOK_TRACEPOINT && f->index < h->nr_args) {
			/* Tetragon rewrites tracepoint field indexes to arg positions and leaves
			   the others alone, so a position works by accident; say so. */
			f->arg_pos = f->index;
			a = &h->args[f->arg_pos];
			vwarn(c, f->index_pos, "index",
			      "index %u names no arg; read as the position of args[%u] (index %u) "
			      "as Tetragon does: write index: %u", f->index, f->arg_pos, a->index,
			      a->index);
		}
		if (!a) {
			char have[128] = "";
			size_t n = 0;

			for (uint32_t i = 0; i < h->nr_args && n + 16 < sizeof(have); i++)
				n += (size_t)snprintf(have + n, sizeof(have) - n, "%s%u",
						      i ? ", " : "", h->args[i].index);
			if (h->nr_args)
				verr(c, f->index_pos, "index",
				     "index %u does not match any arg of this hook (args have "
				     "index %s)",
				     f->index, have);
			else
				verr(c, f->index_pos, "index",
				     "index %u does not match any arg: this hook declares no args",
				     f->index);
			return;
		}
	}
	t = f->arg_type = a->type;
	if (t == TETRA_ARG_AUTO) {
		/* The real type comes from BTF at load time; values are checked then. */
		for (uint32_t i = 0; i < f->nr_values; i++)
			f->parsed[i].kind = TETRA__VAL_STRING;
		return;
	}

	/* Operator against type, and the value class. */
	switch (f->op) {
	case TETRA_OP_EQUAL:
	case TETRA_OP_NOT_EQUAL:
		if (type_is_string_eq(t)) {
			vc = V_MAP;
		} else if (type_is_int(t) || type_is_cap(t)) {
			vc = V_INLINE;
		} else if (type_is_net(t)) {
			verr(c, f->op_pos, "operator",
			     "operator %s cannot test %s %s arg; use SAddr, DAddr, SPort, DPort, "
			     "Family, Protocol or State",
			     op_name, article(tetra_policy_arg_type_name(t)),
			     tetra_policy_arg_type_name(t));
			return;
		} else {
			goto bad_type;
		}
		break;
	case TETRA_OP_GT:
	case TETRA_OP_LT:
	case TETRA_OP_MASK:
	case TETRA_OP_IN_RANGE:
	case TETRA_OP_NOT_IN_RANGE:
		if (!type_is_int(t))
			goto bad_type;
		vc = V_INLINE;
		break;
	case TETRA_OP_IN_MAP:
	case TETRA_OP_NOT_IN_MAP:
		if (!type_is_int(t))
			goto bad_type;
		break;
	case TETRA_OP_PREFIX:
	case TETRA_OP_NOT_PREFIX:
	case TETRA_OP_POSTFIX:
	case TETRA_OP_NOT_POSTFIX:
		if (!type_is_stringish(t))
			goto bad_type;
		break;
	case TETRA_OP_SUBSTRING:
	case TETRA_OP_SUBSTRING_IGN_CASE:
		if (t != TETRA_ARG_STRING && t != TETRA_ARG_CHAR_BUF)
			goto bad_type;
		break;
	case TETRA_OP_FILE_TYPE:
	case TETRA_OP_NOT_FILE_TYPE:
		if (t != TETRA_ARG_FILE && t != TETRA_ARG_PATH)
			goto bad_type;
		vc = V_INLINE;
		break;
	case TETRA_OP_SADDR:
	case TETRA_OP_DADDR:
	case TETRA_OP_NOT_SADDR:
	case TETRA_OP_NOT_DADDR:
	case TETRA_OP_SPORT:
	case TETRA_OP_DPORT:
	case TETRA_OP_NOT_SPORT:
	case TETRA_OP_NOT_DPORT:
	case TETRA_OP_SPORT_PRIV:
	case TETRA_OP_DPORT_PRIV:
	case TETRA_OP_NOT_SPORT_PRIV:
	case TETRA_OP_NOT_DPORT_PRIV:
	case TETRA_OP_FAMILY:
	case TETRA_OP_PROTOCOL:
	case TETRA_OP_STATE:
		if (!type_is_net(t))
			goto bad_type;
		if (t == TETRA_ARG_SOCKADDR &&
		    (f->op == TETRA_OP_DADDR || f->op == TETRA_OP_NOT_DADDR ||
		     f->op == TETRA_OP_DPORT || f->op == TETRA_OP_NOT_DPORT ||
		     f->op == TETRA_OP_DPORT_PRIV || f->op == TETRA_OP_NOT_DPORT_PRIV ||
		     f->op == TETRA_OP_PROTOCOL || f->op == TETRA_OP_STATE)) {
			verr(c, f->op_pos, "operator",
			     "operator %s cannot test a sockaddr arg (sockaddr supports "
			     "[Not]SAddr, [Not]SPort[Priv] and Family)",
			     op_name);
			return;
		}
		if (f->op >= TETRA_OP_SPORT_PRIV && f->op <= TETRA_OP_NOT_DPORT_PRIV)
			vc = V_NONE;
		break;
	case TETRA_OP_CAPABILITIES_GAINED:
		if (f->nr_arg_refs != 2) {
			verr(c, f->pos, "args",
			     "operator CapabilitiesGained needs \"args\" with two positions: the "
			     "new and the old capability set");
			return;
		}
		if (!type_is_cap(h->args[f->arg_refs[0]].type) ||
		    !type_is_cap(h->args[f->arg_refs[1]].type)) {
			verr(c, f->pos, "args",
			     "operator CapabilitiesGained needs two args of a capability type "
			     "(kernel_cap_t, cap_inheritable, cap_permitted, cap_effective)");
			return;
		}
		vc = V_NONE;
		break;
	default:
		goto bad_type;
	}
	check_count(c, f, vc, op_name);

	for (uint32_t i = 0; i < f->nr_values; i++) {
		struct tetra__policy_value *v = &f->parsed[i];
		const char *s = f->values[i];
		uint32_t len = f->value_lens[i];
		int bad = 0;

		why[0] = '\0';
		if (vc != V_MAP || type_is_int(t) || type_is_net(t)) {
			/* Non-string values: no NUL bytes. */
			if (strlen(s) != len) {
				snprintf(why, sizeof(why), "value holds a NUL byte");
				bad = 1;
			}
		}
		if (bad)
			goto bad_value;
		switch (f->op) {
		case TETRA_OP_EQUAL:
		case TETRA_OP_NOT_EQUAL:
			if (type_is_string_eq(t)) {
				/* Tetragon drops one trailing NUL of string values. */
				if (t == TETRA_ARG_STRING && len && s[len - 1] == '\0')
					len--;
				v->kind = TETRA__VAL_STRING;
				if (len > TETRA__POLICY_MAX_STRING) {
					snprintf(why, sizeof(why),
						 "string of %u bytes is longer than the limit of "
						 "%d",
						 len, TETRA__POLICY_MAX_STRING);
					bad = 1;
				}
			} else if (type_is_cap(t)) {
				v->kind = TETRA__VAL_CAPS;
				bad = caps_mask(s, &v->lo, why, sizeof(why)) != 0;
			} else {
				bad = int_for_type(s, t, v, why, sizeof(why)) != 0;
			}
			break;
		case TETRA_OP_GT:
		case TETRA_OP_LT:
		case TETRA_OP_MASK:
			bad = int_for_type(s, t, v, why, sizeof(why)) != 0;
			break;
		case TETRA_OP_IN_RANGE:
		case TETRA_OP_NOT_IN_RANGE:
			bad = parse_type_range(s, t, v, why, sizeof(why)) != 0;
			break;
		case TETRA_OP_IN_MAP:
		case TETRA_OP_NOT_IN_MAP:
			if (!strncmp(s, "list:", 5)) {
				int l = find_list(c->p, s + 5);

				if (l < 0) {
					snprintf(why, sizeof(why),
						 "no list named \"%s\" in spec.lists", s + 5);
					bad = 1;
				} else if (c->p->lists[l].type != TETRA_LIST_SYSCALLS &&
					   c->p->lists[l].type != TETRA_LIST_GENERATED_SYSCALLS) {
					snprintf(why, sizeof(why),
						 "list \"%s\" is not a syscalls list: only syscall "
						 "lists give numbers to match",
						 s + 5);
					bad = 1;
				} else {
					v->kind = TETRA__VAL_LIST;
					v->list = l;
				}
			} else if (strchr(s, ':')) {
				int64_t smin, smax;
				uint64_t umax;

				type_range(t, &smin, &smax, &umax);
				if (type_is_signed(t)) {
					bad = parse_type_range(s, t, v, why, sizeof(why)) != 0;
				} else {
					bad = parse_urange(s, umax, NULL, v, why, sizeof(why),
							   "number") != 0;
				}
				if (!bad) {
					uint64_t span = v->hi - v->lo;

					if (range_entries == UINT32_MAX) {
						/* over the limit: reported once */
					} else if (span >= TETRA__POLICY_MAX_RANGE_ENTRIES ||
						   range_entries + span + 1 >
							   TETRA__POLICY_MAX_RANGE_ENTRIES) {
						snprintf(why, sizeof(why),
							 "ranges expand to more than %d map "
							 "entries",
							 TETRA__POLICY_MAX_RANGE_ENTRIES);
						bad = 1;
						range_entries = UINT32_MAX;
					} else {
						range_entries += (uint32_t)span + 1;
					}
				}
			} else {
				/* Tetragon reads InMap values in base 10. */
				int64_t x;
				uint64_t u;

				if (type_is_signed(t) ? tetra__parse_s64(s, &x) != 0 ||
								strpbrk(s, "xXoObB") != NULL ||
								(s[0] == '0' && s[1]) :
							parse_dec_u64(s, &u) != 0) {
					snprintf(why, sizeof(why),
						 "\"%s\" is not a decimal number, a range "
						 "\"min:max\" or \"list:NAME\"",
						 s);
					bad = 1;
				} else {
					bad = int_for_type(s, t, v, why, sizeof(why)) != 0;
				}
			}
			break;
		case TETRA_OP_PREFIX:
		case TETRA_OP_NOT_PREFIX:
			v->kind = TETRA__VAL_STRING;
			if (len > TETRA__POLICY_MAX_PREFIX) {
				snprintf(why, sizeof(why),
					 "prefix of %u bytes is longer than the limit of %d", len,
					 TETRA__POLICY_MAX_PREFIX);
				bad = 1;
			}
			break;
		case TETRA_OP_POSTFIX:
		case TETRA_OP_NOT_POSTFIX:
			if (t != TETRA_ARG_CHAR_BUF && len && s[len - 1] == '\0')
				len--;
			v->kind = TETRA__VAL_STRING;
			if (len > TETRA__POLICY_MAX_POSTFIX) {
				snprintf(why, sizeof(why),
					 "postfix of %u bytes is longer than the limit of %d", len,
					 TETRA__POLICY_MAX_POSTFIX);
				bad = 1;
			}
			break;
		case TETRA_OP_SUBSTRING:
		case TETRA_OP_SUBSTRING_IGN_CASE:
			v->kind = TETRA__VAL_STRING;
			if (len > TETRA__POLICY_MAX_SUBSTRING) {
				snprintf(why, sizeof(why),
					 "substring of %u bytes is longer than the limit of %d",
					 len, TETRA__POLICY_MAX_SUBSTRING);
				bad = 1;
			}
			break;
		case TETRA_OP_FILE_TYPE:
		case TETRA_OP_NOT_FILE_TYPE: {
			uint32_t ft;

			if (!named_lookup(file_types, s, &ft)) {
				const char *best = named_suggest(file_types, s);

				if (best)
					snprintf(why, sizeof(why),
						 "unknown file type \"%s\" (did you mean \"%s\"?)",
						 s, best);
				else
					snprintf(why, sizeof(why),
						 "unknown file type \"%s\" (expected reg, dir, "
						 "lnk, chr, blk, fifo or sock)",
						 s);
				bad = 1;
			} else {
				v->kind = TETRA__VAL_UINT;
				v->lo = v->hi = ft;
			}
			break;
		}
		case TETRA_OP_SADDR:
		case TETRA_OP_DADDR:
		case TETRA_OP_NOT_SADDR:
		case TETRA_OP_NOT_DADDR:
			bad = parse_addr(s, v, why, sizeof(why)) != 0;
			break;
		case TETRA_OP_SPORT:
		case TETRA_OP_DPORT:
		case TETRA_OP_NOT_SPORT:
		case TETRA_OP_NOT_DPORT:
		case TETRA_OP_PROTOCOL:
		case TETRA_OP_FAMILY:
		case TETRA_OP_STATE: {
			const struct named *names = f->op == TETRA_OP_PROTOCOL ? protocols :
						    f->op == TETRA_OP_FAMILY   ? families :
						    f->op == TETRA_OP_STATE    ? tcp_states :
										 NULL;
			const char *what = f->op == TETRA_OP_PROTOCOL ? "protocol" :
					   f->op == TETRA_OP_FAMILY   ? "address family" :
					   f->op == TETRA_OP_STATE    ? "TCP state" :
									"port";
			uint64_t max = f->op == TETRA_OP_STATE ? 255 : 65535;

			bad = parse_urange(s, max, names, v, why, sizeof(why), what) != 0;
			if (!bad) {
				uint64_t span = v->hi - v->lo;

				if (range_entries == UINT32_MAX) {
					/* over the limit: reported once */
				} else if (range_entries + span + 1 >
					   TETRA__POLICY_MAX_RANGE_ENTRIES) {
					snprintf(why, sizeof(why),
						 "ranges expand to more than %d map entries",
						 TETRA__POLICY_MAX_RANGE_ENTRIES);
					bad = 1;
					range_entries = UINT32_MAX;
				} else {
					range_entries += (uint32_t)span + 1;
				}
			}
			break;
		}
		default:
			break;
		}
bad_value:
		if (bad) {
			size_t old = vpush(c, ".values[%u]", i);

			verr(c, value_pos(f, i), NULL, "%s", why);
			vpop(c, old);
		}
	}
	return;

bad_type:
	verr(c, f->op_pos, "operator", "operator %s cannot test %s %s arg (index %u)", op_name,
	     article(tetra_policy_arg_type_name(t)), tetra_policy_arg_type_name(t), a->index);
}

static int op_in_notin(struct vctx *c, const struct tetra__policy_filter *f)
{
	if (f->op == TETRA_OP_IN || f->op == TETRA_OP_NOT_IN)
		return 1;
	if (f->op)
		verr(c, f->op_pos, "operator", "operator %s is not valid in %s (use In or NotIn)",
		     tetra_policy_op_name(f->op), tetra_policy_filter_name(f->filter));
	return 0;
}

static void validate_binaries(struct vctx *c, struct tetra__policy_filter *f)
{
	uint32_t max;

	switch (f->op) {
	case TETRA_OP_IN:
	case TETRA_OP_NOT_IN:
		max = TETRA__POLICY_MAX_BINARY;
		break;
	case TETRA_OP_PREFIX:
	case TETRA_OP_NOT_PREFIX:
		max = TETRA__POLICY_MAX_PREFIX;
		break;
	case TETRA_OP_POSTFIX:
	case TETRA_OP_NOT_POSTFIX:
		max = TETRA__POLICY_MAX_POSTFIX;
		break;
	default:
		if (f->op)
			verr(c, f->op_pos, "operator",
			     "operator %s is not valid in matchBinaries (use In, NotIn, Prefix, "
			     "NotPrefix, Postfix or NotPostfix)", tetra_policy_op_name(f->op));
		return;
	}
	if ((f->flags & TETRA_FILTER_F_FOLLOW_CHILDREN) && f->op != TETRA_OP_IN &&
	    f->op != TETRA_OP_NOT_IN)
		verr(c, f->pos, "followChildren",
		     "followChildren works only with the In and NotIn operators");
	check_count(c, f, V_MAP, tetra_policy_op_name(f->op));
	for (uint32_t i = 0; i < f->nr_values; i++) {
		size_t old = vpush(c, ".values[%u]", i);

		f->parsed[i].kind = TETRA__VAL_STRING;
		if (strlen(f->values[i]) != f->value_lens[i])
			verr(c, value_pos(f, i), NULL, "binary path holds a NUL byte");
		else if (f->value_lens[i] == 0)
			verr(c, value_pos(f, i), NULL, "empty binary path");
		else if (f->value_lens[i] > max)
			verr(c, value_pos(f, i), NULL,
			     "binary path of %u bytes is longer than the limit of %u for %s",
			     f->value_lens[i], max, tetra_policy_op_name(f->op));
		vpop(c, old);
	}
}

static void validate_pids(struct vctx *c, struct tetra__policy_filter *f)
{
	if (!op_in_notin(c, f))
		return;
	if (!f->nr_values)
		verr(c, f->pos, "values", "matchPIDs needs at least one value");
	if (f->nr_values > TETRA__POLICY_MAX_PID_VALUES)
		verr(c, value_pos(f, TETRA__POLICY_MAX_PID_VALUES), "values",
		     "%u values exceed the limit of %d per matchPIDs filter", f->nr_values,
		     TETRA__POLICY_MAX_PID_VALUES);
	for (uint32_t i = 0; i < f->nr_values; i++) {
		uint64_t pid;

		if (strlen(f->values[i]) != f->value_lens[i] || f->values[i][0] == '-' ||
		    tetra__parse_u64(f->values[i], &pid) || pid > UINT32_MAX) {
			size_t old = vpush(c, ".values[%u]", i);

			verr(c, value_pos(f, i), NULL, "\"%s\" is not a PID (0..4294967295)",
			     f->values[i]);
			vpop(c, old);
			continue;
		}
		f->parsed[i].kind = TETRA__VAL_UINT;
		f->parsed[i].lo = f->parsed[i].hi = pid;
	}
}

static void validate_namespaces(struct vctx *c, struct tetra__policy_filter *f)
{
	if (!op_in_notin(c, f))
		return;
	if (!f->has_type || f->type > TETRA_NS_USER)
		return;	/* missing or unknown: reported while parsing */
	if (!f->nr_values)
		verr(c, f->pos, "values", "matchNamespaces needs at least one value");
	if (f->nr_values > TETRA__POLICY_MAX_NS_VALUES)
		verr(c, value_pos(f, TETRA__POLICY_MAX_NS_VALUES), "values",
		     "%u values exceed the limit of %d per matchNamespaces filter", f->nr_values,
		     TETRA__POLICY_MAX_NS_VALUES);
	for (uint32_t i = 0; i < f->nr_values; i++) {
		uint64_t inum;

		if (!strcmp(f->values[i], "host_ns")) {
			f->parsed[i].kind = TETRA__VAL_HOST_NS;
			continue;
		}
		if (strlen(f->values[i]) != f->value_lens[i] ||
		    parse_dec_u64(f->values[i], &inum) || inum > UINT32_MAX) {
			size_t old = vpush(c, ".values[%u]", i);

			verr(c, value_pos(f, i), NULL,
			     "\"%s\" is not a namespace inode number or \"host_ns\"", f->values[i]);
			vpop(c, old);
			continue;
		}
		f->parsed[i].kind = TETRA__VAL_UINT;
		f->parsed[i].lo = f->parsed[i].hi = inum;
	}
}

static void validate_ns_changes(struct vctx *c, struct tetra__policy_filter *f)
{
	if (!op_in_notin(c, f))
		return;
	if (!f->nr_values)
		verr(c, f->pos, "values", "matchNamespaceChanges needs at least one namespace");
	f->ns_mask = 0;
	for (uint32_t i = 0; i < f->nr_values; i++) {
		int ns = tetra__policy_lookup_ns(f->values[i]);

		if (ns < 0) {
			const char *best = tetra__suggest(f->values[i], tetra__policy_ns_names);
			size_t old = vpush(c, ".values[%u]", i);

			if (best)
				verr(c, value_pos(f, i), NULL,
				     "unknown namespace \"%s\" (did you mean \"%s\"?)",
				     f->values[i], best);
			else
				verr(c, value_pos(f, i), NULL, "unknown namespace \"%s\"",
				     f->values[i]);
			vpop(c, old);
			continue;
		}
		f->parsed[i].kind = TETRA__VAL_UINT;
		f->parsed[i].lo = f->parsed[i].hi = (uint64_t)ns;
		f->ns_mask |= 1u << ns;
	}
}

static void validate_caps(struct vctx *c, struct tetra__policy_filter *f)
{
	if (!op_in_notin(c, f))
		return;
	if (f->type > TETRA_CAPS_INHERITABLE)
		return;	/* reported while parsing */
	if (!f->nr_values)
		verr(c, f->pos, "values", "%s needs at least one capability",
		     tetra_policy_filter_name(f->filter));
	f->caps = 0;
	for (uint32_t i = 0; i < f->nr_values; i++) {
		int cap = tetra__policy_lookup_cap(f->values[i]);

		if (cap < 0) {
			const char *best = tetra__suggest(f->values[i], tetra__policy_cap_names);
			size_t old = vpush(c, ".values[%u]", i);

			if (best)
				verr(c, value_pos(f, i), NULL,
				     "unknown capability \"%s\" (did you mean \"%s\"?)",
				     f->values[i], best);
			else
				verr(c, value_pos(f, i), NULL, "unknown capability \"%s\"",
				     f->values[i]);
			vpop(c, old);
			continue;
		}
		f->parsed[i].kind = TETRA__VAL_CAPS;
		f->parsed[i].lo = f->parsed[i].hi = 1ull << cap;
		f->caps |= 1ull << cap;
	}
}

/* ---- actions ---------------------------------------------------------------------------- */

static const struct {
	uint32_t flag;
	const char *field;
	const char *applies;
} action_fields[] = {
	{ TETRA__AF_ARG_ERROR, "argError", "Override" },
	{ TETRA__AF_ARG_SIG, "argSig", "Signal" },
	{ TETRA__AF_ARG_FD, "argFd", "FollowFD, UnfollowFD and CopyFD" },
	{ TETRA__AF_ARG_NAME, "argName", "FollowFD, UnfollowFD and CopyFD" },
	{ TETRA__AF_ARG_SOCK, "argSock", "TrackSock and UntrackSock" },
	{ TETRA__AF_ARG_URL, "argUrl", "GetUrl" },
	{ TETRA__AF_ARG_FQDN, "argFqdn", "DnsLookup" },
	{ TETRA__AF_RATE_LIMIT, "rateLimit", "Post" },
	{ TETRA__AF_RATE_LIMIT_SCOPE, "rateLimitScope", "Post" },
	{ TETRA__AF_KERNEL_STACK, "kernelStackTrace", "Post" },
	{ TETRA__AF_USER_STACK, "userStackTrace", "Post" },
	{ TETRA__AF_IMA_HASH, "imaHash", "Post" },
};

/* Where the field of TETRA__AF_ @flag was written (the action's own position if unknown). */
static struct tetra__pos given_pos(const struct tetra__policy_action *a, uint32_t flag)
{
	int bit = __builtin_ctz(flag);

	return a->given_pos[bit].line ? a->given_pos[bit] : a->pos;
}

static uint32_t action_allowed(uint32_t action)
{
	switch (action) {
	case TETRA_ACTION_POST:
		return TETRA__AF_RATE_LIMIT | TETRA__AF_RATE_LIMIT_SCOPE | TETRA__AF_KERNEL_STACK |
		       TETRA__AF_USER_STACK | TETRA__AF_IMA_HASH;
	case TETRA_ACTION_OVERRIDE:
		return TETRA__AF_ARG_ERROR;
	case TETRA_ACTION_SIGNAL:
		return TETRA__AF_ARG_SIG;
	case TETRA_ACTION_FOLLOW_FD:
	case TETRA_ACTION_UNFOLLOW_FD:
	case TETRA_ACTION_COPY_FD:
		return TETRA__AF_ARG_FD | TETRA__AF_ARG_NAME;
	case TETRA_ACTION_TRACK_SOCK:
	case TETRA_ACTION_UNTRACK_SOCK:
		return TETRA__AF_ARG_SOCK;
	case TETRA_ACTION_GET_URL:
		return TETRA__AF_ARG_URL;
	case TETRA_ACTION_DNS_LOOKUP:
		return TETRA__AF_ARG_FQDN;
	}
	return 0;
}

/* "5", "30s", "1m", "2h" -> milliseconds, saturated at UINT32_MAX (as Tetragon). */
static int parse_rate_limit(const char *s, uint32_t *ms)
{
	size_t len = strlen(s);
	uint64_t mult = 1, v;
	char buf[32];

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 's': case 'S': mult = 1; buf[--len] = '\0'; break;
	case 'm': case 'M': mult = 60; buf[--len] = '\0'; break;
	case 'h': case 'H': mult = 3600; buf[--len] = '\0'; break;
	}
	if (parse_dec_u64(buf, &v) || v > UINT32_MAX)
		return -EINVAL;
	v = v * mult * 1000;
	*ms = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	return 0;
}

static void validate_action(struct vctx *c, const struct tetra__policy_hook *h,
			    struct tetra__policy_action *a, uint32_t list)
{
	const char *name = tetra_policy_action_name(a->action);
	uint32_t allowed = action_allowed(a->action), pos;
	const struct tetra__policy_arg *arg;

	if (!name)
		return;	/* reported while parsing */
	switch (a->action) {
	case TETRA_ACTION_NOTIFY_ENFORCER:
	case TETRA_ACTION_CLEANUP_ENFORCER_NOTIFICATION:
		verr(c, a->action_pos, "action",
		     "action %s is not supported: libtetra has no enforcer programs (use Override "
		     "or Sigkill)", name);
		return;
	case TETRA_ACTION_SET:
		verr(c, a->action_pos, "action",
		     "action Set is not supported: it writes usdt arguments, and libtetra has no "
		     "usdts");
		return;
	}

	for (size_t i = 0; i < TETRA_ARRAY_SIZE(action_fields); i++) {
		if (!(a->given & action_fields[i].flag) || (allowed & action_fields[i].flag))
			continue;
		/* Tetragon rejects a rate limit elsewhere than Post; the rest it ignores. */
		if (action_fields[i].flag == TETRA__AF_RATE_LIMIT)
			verr(c, a->rate_limit_pos, "rateLimit",
			     "rateLimit applies only to the Post action, not to %s", name);
		else
			vwarn(c, given_pos(a, action_fields[i].flag), action_fields[i].field,
			      "%s has no effect on the %s action (it applies to %s)",
			      action_fields[i].field, name, action_fields[i].applies);
	}

	switch (a->action) {
	case TETRA_ACTION_POST:
		if (a->rate_limit && parse_rate_limit(a->rate_limit, &a->rate_limit_ms))
			verr(c, a->rate_limit_pos, "rateLimit",
			     "invalid rateLimit \"%s\" (a number of seconds, or with an s, m or h "
			     "suffix: \"30s\", \"1m\", \"2h\")", a->rate_limit);
		if ((a->given & TETRA__AF_RATE_LIMIT_SCOPE) && !(a->given & TETRA__AF_RATE_LIMIT))
			vwarn(c, given_pos(a, TETRA__AF_RATE_LIMIT_SCOPE), "rateLimitScope",
			      "rateLimitScope has no effect without rateLimit");
		break;
	case TETRA_ACTION_OVERRIDE:
		if (h->kind == TETRA_HOOK_TRACEPOINT || h->kind == TETRA_HOOK_UPROBE)
			verr(c, a->action_pos, "action",
			     "action Override works only on kprobes and lsmhooks, not on %s",
			     tetra__policy_hook_list_name(h->kind));
		if (!(a->given & TETRA__AF_ARG_ERROR))
			vwarn(c, a->pos, "argError",
			      "Override without argError makes the call return 0");
		break;
	case TETRA_ACTION_SIGNAL:
		if (!(a->given & TETRA__AF_ARG_SIG))
			verr(c, a->pos, NULL, "action Signal needs argSig");
		else if (a->arg_sig < 1 || a->arg_sig > 64)
			verr(c, given_pos(a, TETRA__AF_ARG_SIG), "argSig",
			     "argSig %u is not a signal number (1..64)",
			     a->arg_sig);
		break;
	case TETRA_ACTION_GET_URL:
		if (!a->arg_url || !*a->arg_url)
			verr(c, a->pos, NULL, "action GetUrl needs argUrl");
		break;
	case TETRA_ACTION_DNS_LOOKUP:
		if (!a->arg_fqdn || !*a->arg_fqdn)
			verr(c, a->pos, NULL, "action DnsLookup needs argFqdn");
		break;
	case TETRA_ACTION_TRACK_SOCK:
	case TETRA_ACTION_UNTRACK_SOCK:
		arg = arg_by_index(h, a->arg_sock, &pos);
		if (!arg || (arg->type != TETRA_ARG_SOCK && arg->type != TETRA_ARG_AUTO))
			verr(c, given_pos(a, TETRA__AF_ARG_SOCK), "argSock",
			     "argSock %u must be the index of a sock arg of this hook",
			     a->arg_sock);
		break;
	case TETRA_ACTION_FOLLOW_FD:
	case TETRA_ACTION_UNFOLLOW_FD:
	case TETRA_ACTION_COPY_FD:
		if (!arg_by_index(h, a->arg_fd, &pos))
			verr(c, given_pos(a, TETRA__AF_ARG_FD), "argFd",
			     "argFd %u must be the index of an arg of this hook", a->arg_fd);
		if (a->action != TETRA_ACTION_UNFOLLOW_FD && !arg_by_index(h, a->arg_name, &pos))
			verr(c, given_pos(a, TETRA__AF_ARG_NAME), "argName",
			     "argName %u must be the index of an arg of this hook", a->arg_name);
		break;
	}
	(void)list;
}

/* ---- hooks ---------------------------------------------------------------------------- */

static int is_ident(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static void validate_arg(struct vctx *c, const struct tetra__policy_hook *h,
			 const struct tetra__policy_arg *a, int is_return)
{
	const char *tn = tetra_policy_arg_type_name(a->type);

	if (!tn)
		return;	/* reported while parsing */
	if (!is_return && h->kind != TETRA_HOOK_TRACEPOINT &&
	    a->index > TETRA__POLICY_MAX_ARG_INDEX)
		verr(c, a->pos, "index", "index %u is out of range (0..%d)", a->index,
		     TETRA__POLICY_MAX_ARG_INDEX);
	if (a->size_arg_index) {
		if (a->type != TETRA_ARG_CHAR_BUF && a->type != TETRA_ARG_CHAR_IOVEC)
			verr(c, a->size_arg_index_pos, "sizeArgIndex",
			     "sizeArgIndex applies only to char_buf and char_iovec args, not %s",
			     tn);
		else if (a->size_arg_index > TETRA__POLICY_MAX_SIZE_ARG_INDEX)
			verr(c, a->size_arg_index_pos, "sizeArgIndex",
			     "sizeArgIndex %u is out of range (1..%d; it counts from 1)",
			     a->size_arg_index, TETRA__POLICY_MAX_SIZE_ARG_INDEX);
		else if (a->size_arg_index == a->index + 1)
			verr(c, a->size_arg_index_pos, "sizeArgIndex",
			     "sizeArgIndex %u names this arg itself (sizeArgIndex counts from 1)",
			     a->size_arg_index);
	}
	if (a->flags & TETRA_ARG_F_RETURN_COPY) {
		if (a->type != TETRA_ARG_CHAR_BUF && a->type != TETRA_ARG_CHAR_IOVEC)
			verr(c, a->pos, "returnCopy",
			     "returnCopy applies only to char_buf and char_iovec args, not %s", tn);
		else if (h->kind != TETRA_HOOK_KPROBE)
			verr(c, a->pos, "returnCopy", "returnCopy works only on kprobes");
	}
	if ((a->flags & TETRA_ARG_F_MAX_DATA) && a->type != TETRA_ARG_CHAR_BUF)
		vwarn(c, a->pos, "maxData", "maxData has no effect on %s args (only char_buf)", tn);
	if (a->resolve && !*a->resolve)
		verr(c, a->pos, "resolve", "resolve is empty");
}

static void validate_selector(struct vctx *c, const struct tetra__policy_hook *h,
			      struct tetra__policy_selector *s)
{
	static const struct {
		uint32_t max;
		const char *what;
	} limits[TETRA_FILTER_COUNT] = {
		[TETRA_FILTER_MATCH_ARGS] = { TETRA__POLICY_MAX_MATCH_ARGS, "Tetragon's limit" },
		[TETRA_FILTER_MATCH_RETURN_ARGS] = { TETRA__POLICY_MAX_MATCH_ARGS,
						     "Tetragon's limit" },
		[TETRA_FILTER_MATCH_BINARIES] = { TETRA__POLICY_MAX_MATCH_BINARIES,
						  "Tetragon's limit" },
		[TETRA_FILTER_MATCH_PIDS] = { TETRA__POLICY_MAX_PID_FILTERS, "libtetra's limit" },
		[TETRA_FILTER_MATCH_NAMESPACES] = { TETRA__POLICY_MAX_NS_FILTERS,
						    "Tetragon's limit" },
		[TETRA_FILTER_MATCH_NAMESPACE_CHANGES] = { TETRA__POLICY_MAX_NS_CHANGES,
							   "Tetragon's limit" },
		[TETRA_FILTER_MATCH_CAPABILITIES] = { TETRA__POLICY_MAX_CAP_FILTERS,
						      "libtetra's limit" },
		[TETRA_FILTER_MATCH_CAPABILITY_CHANGES] = { TETRA__POLICY_MAX_CAP_FILTERS,
							    "libtetra's limit" },
	};

	for (uint32_t k = 0; k < TETRA_FILTER_COUNT; k++) {
		const char *fname = tetra_policy_filter_name(k);

		if (s->nr_filters[k] > limits[k].max) {
			struct tetra__pos pos = s->filters[k][limits[k].max].pos;

			verr(c, pos, fname, "%u %s filters exceed %s of %u per selector",
			     s->nr_filters[k], fname, limits[k].what, limits[k].max);
		}
		if (k == TETRA_FILTER_MATCH_RETURN_ARGS && s->nr_filters[k] &&
		    !(h->flags & TETRA_HOOK_F_RETURN))
			verr(c, s->filters[k][0].pos, fname,
			     "matchReturnArgs needs return: true on the hook");
		for (uint32_t i = 0; i < s->nr_filters[k] && !c->nomem; i++) {
			struct tetra__policy_filter *f = &s->filters[k][i];
			size_t old = vpush(c, ".%s[%u]", fname, i);

			free(f->parsed);
			f->parsed = calloc(f->nr_values ? f->nr_values : 1, sizeof(*f->parsed));
			if (!f->parsed) {
				c->nomem = 1;
				vpop(c, old);
				break;
			}
			switch (k) {
			case TETRA_FILTER_MATCH_ARGS:
			case TETRA_FILTER_MATCH_RETURN_ARGS:
				if (k == TETRA_FILTER_MATCH_RETURN_ARGS &&
				    !(h->flags & TETRA_HOOK_F_RETURN))
					break;
				validate_args_filter(c, h, f);
				break;
			case TETRA_FILTER_MATCH_BINARIES:
				validate_binaries(c, f);
				break;
			case TETRA_FILTER_MATCH_PIDS:
				validate_pids(c, f);
				break;
			case TETRA_FILTER_MATCH_NAMESPACES:
				validate_namespaces(c, f);
				break;
			case TETRA_FILTER_MATCH_NAMESPACE_CHANGES:
				validate_ns_changes(c, f);
				break;
			default:
				validate_caps(c, f);
				break;
			}
			vpop(c, old);
		}
	}
	for (uint32_t l = 0; l < 2; l++) {
		const char *lname = l ? "matchReturnActions" : "matchActions";

		if (s->nr_actions[l] > TETRA__POLICY_MAX_ACTIONS)
			verr(c, s->actions[l][TETRA__POLICY_MAX_ACTIONS].pos, lname,
			     "%u actions exceed Tetragon's limit of %d per selector",
			     s->nr_actions[l], TETRA__POLICY_MAX_ACTIONS);
		if (l && s->nr_actions[l] && !(h->flags & TETRA_HOOK_F_RETURN))
			verr(c, s->actions[l][0].pos, lname,
			     "matchReturnActions needs return: true on the hook");
		for (uint32_t i = 0; i < s->nr_actions[l]; i++) {
			size_t old = vpush(c, ".%s[%u]", lname, i);

			validate_action(c, h, &s->actions[l][i], l);
			vpop(c, old);
		}
	}
}

static void validate_hook(struct vctx *c, struct tetra__policy_hook *h)
{
	const char *call_field = h->kind == TETRA_HOOK_KPROBE	  ? "call" :
				 h->kind == TETRA_HOOK_TRACEPOINT ? "subsystem" :
				 h->kind == TETRA_HOOK_UPROBE	  ? "path" :
								    "hook";

	h->list = -1;
	if (!h->call) {
		/* missing: reported by the parser (the builder requires it) */
	} else if (!*h->call) {
		verr(c, h->call_pos.line ? h->call_pos : h->pos, call_field, "%s is empty",
		     call_field);
	} else if (h->kind == TETRA_HOOK_KPROBE && !strncmp(h->call, "list:", 5)) {
		int l = find_list(c->p, h->call + 5);

		if (l < 0) {
			verr(c, h->call_pos, "call", "no list named \"%s\" in spec.lists",
			     h->call + 5);
		} else {
			/* The list's type says whether its entries are syscalls. */
			const struct tetra__policy_list *lst = &c->p->lists[l];
			int sys = lst->type == TETRA_LIST_SYSCALLS ||
				  lst->type == TETRA_LIST_GENERATED_SYSCALLS;

			h->list = l;
			if (h->has_syscall && !!(h->flags & TETRA_HOOK_F_SYSCALL) != sys)
				verr(c, h->syscall_pos, "syscall",
				     "syscall: %s contradicts list \"%s\" of type %s",
				     sys ? "false" : "true", lst->name,
				     lst->type ? tetra__policy_list_type_name(lst->type)
					       : "(none)");
			if (sys)
				h->flags |= TETRA_HOOK_F_SYSCALL;
			else
				h->flags &= ~TETRA_HOOK_F_SYSCALL;
		}
	} else if ((h->kind == TETRA_HOOK_KPROBE || h->kind == TETRA_HOOK_LSM ||
		    h->kind == TETRA_HOOK_TRACEPOINT) && !is_ident(h->call)) {
		verr(c, h->call_pos, call_field, "\"%s\" is not a kernel symbol name", h->call);
	} else if (h->kind == TETRA_HOOK_UPROBE && h->call[0] != '/') {
		verr(c, h->call_pos, "path", "uprobe path \"%s\" must be absolute", h->call);
	}
	if (h->kind == TETRA_HOOK_TRACEPOINT && h->event && !is_ident(h->event))
		verr(c, h->pos, "event", "event \"%s\" is not a tracepoint name", h->event);
	if (h->kind == TETRA_HOOK_UPROBE) {
		uint32_t probes = h->nr_symbols > h->nr_offsets ? h->nr_symbols : h->nr_offsets;

		if (!h->nr_symbols && !h->nr_offsets)
			verr(c, h->pos, "symbols", "a uprobe needs symbols or offsets");
		if (h->nr_symbols && h->nr_offsets && h->nr_symbols != h->nr_offsets)
			verr(c, h->pos, "offsets",
			     "%u offsets for %u symbols: give one offset per symbol, or offsets "
			     "alone", h->nr_offsets, h->nr_symbols);
		if (h->nr_ref_ctr_offsets && h->nr_ref_ctr_offsets != probes)
			verr(c, h->pos, "refCtrOffsets",
			     "%u refCtrOffsets for %u probes: give one per probe",
			     h->nr_ref_ctr_offsets, probes);
		if (probes > TETRA__POLICY_MAX_SYMBOLS)
			verr(c, h->pos, "symbols",
			     "%u probes exceed libtetra's limit of %d per uprobe", probes,
			     TETRA__POLICY_MAX_SYMBOLS);
		for (uint32_t i = 0; i < h->nr_symbols; i++)
			if (!*h->symbols[i]) {
				size_t old = vpush(c, ".symbols[%u]", i);

				verr(c, h->pos, NULL, "empty symbol");
				vpop(c, old);
			}
	}
	if (h->message && strlen(h->message) > TETRA__POLICY_MAX_MESSAGE)
		verr(c, h->message_pos, "message",
		     "message of %zu bytes is longer than the limit of %d", strlen(h->message),
		     TETRA__POLICY_MAX_MESSAGE);
	if (h->nr_tags > TETRA__POLICY_MAX_TAGS)
		verr(c, h->pos, "tags", "%u tags exceed the limit of %d", h->nr_tags,
		     TETRA__POLICY_MAX_TAGS);

	if (h->nr_args > TETRA__POLICY_MAX_ARGS)
		verr(c, h->args[TETRA__POLICY_MAX_ARGS].pos, "args",
		     "%u args exceed Tetragon's limit of %d per hook", h->nr_args,
		     TETRA__POLICY_MAX_ARGS);
	for (uint32_t i = 0; i < h->nr_args; i++) {
		size_t old = vpush(c, ".args[%u]", i);

		validate_arg(c, h, &h->args[i], 0);
		vpop(c, old);
	}

	/* returnArg, return and returnArgAction (kprobes only, by the parser's grammar). */
	if (h->flags & TETRA_HOOK_F_RETURN_ARG) {
		size_t old = vpush(c, ".returnArg");

		if (h->kind != TETRA_HOOK_KPROBE)
			verr(c, h->return_arg.pos, NULL, "returnArg works only on kprobes");
		else if (!(h->flags & TETRA_HOOK_F_RETURN))
			vwarn(c, h->return_arg_key_pos.line ? h->return_arg_key_pos :
							       h->return_arg.pos, NULL,
			      "returnArg has no effect without return: true");
		validate_arg(c, h, &h->return_arg, 1);
		vpop(c, old);
	} else if (h->flags & TETRA_HOOK_F_RETURN) {
		verr(c, h->return_key_pos.line ? h->return_key_pos : h->pos, "return",
		     "return: true needs a returnArg saying its type");
	}
	if (h->flags & TETRA_HOOK_F_RETURN && h->kind != TETRA_HOOK_KPROBE)
		verr(c, h->pos, "return", "return works only on kprobes");
	if (h->return_arg_action) {
		const char *an = tetra_policy_action_name(h->return_arg_action);

		if (h->return_arg_action != TETRA_ACTION_POST &&
		    h->return_arg_action != TETRA_ACTION_TRACK_SOCK &&
		    h->return_arg_action != TETRA_ACTION_UNTRACK_SOCK)
			verr(c, h->return_arg_action_pos, "returnArgAction",
			     "returnArgAction %s is not supported (use Post, TrackSock or "
			     "UntrackSock)", an ? an : "?");
		else if (!(h->flags & TETRA_HOOK_F_RETURN))
			verr(c, h->return_arg_action_pos, "returnArgAction",
			     "returnArgAction needs return: true");
		else if (h->return_arg_action != TETRA_ACTION_POST &&
			 h->return_arg.type != TETRA_ARG_SOCK &&
			 h->return_arg.type != TETRA_ARG_AUTO)
			verr(c, h->return_arg_action_pos, "returnArgAction",
			     "returnArgAction %s needs a returnArg of type sock", an);
	}
	if (h->flags & TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND && h->kind != TETRA_HOOK_KPROBE)
		verr(c, h->pos, "ignore", "ignore works only on kprobes");

	if (h->nr_selectors > TETRA__POLICY_MAX_SELECTORS)
		verr(c, h->selectors[TETRA__POLICY_MAX_SELECTORS].pos, "selectors",
		     "%u selectors exceed Tetragon's limit of %d per hook", h->nr_selectors,
		     TETRA__POLICY_MAX_SELECTORS);
	for (uint32_t i = 0; i < h->nr_selectors && !c->nomem; i++) {
		size_t old = vpush(c, ".selectors[%u]", i);

		validate_selector(c, h, &h->selectors[i]);
		vpop(c, old);
	}
}

/* ---- policy ------------------------------------------------------------------------------ */

/* RFC 1123 subdomain (Kubernetes object names) or, with @label, a DNS label. */
static int dns_name(const char *s, int label)
{
	size_t len = strlen(s);
	int prev_alnum = 0;

	if (!len || len > (label ? 63u : (size_t)TETRA__POLICY_MAX_NAME))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!alnum && ch != '-' && (label || ch != '.'))
			return 0;
		if (!alnum && (i == 0 || !prev_alnum))
			return 0;
		if (ch == '.' && i + 1 == len)
			return 0;
		prev_alnum = alnum;
	}
	return prev_alnum;
}

static void validate_lists(struct vctx *c)
{
	struct tetra_policy *p = c->p;

	if (p->nr_lists > TETRA__POLICY_MAX_LISTS)
		verr(c, p->lists[TETRA__POLICY_MAX_LISTS].pos, "spec.lists",
		     "%u lists exceed libtetra's limit of %d", p->nr_lists,
		     TETRA__POLICY_MAX_LISTS);
	for (uint32_t i = 0; i < p->nr_lists; i++) {
		struct tetra__policy_list *l = &p->lists[i];
		size_t old = vpush(c, "spec.lists[%u]", i);

		if (!l->name) {
			/* missing: reported by the parser */
		} else if (!*l->name) {
			verr(c, l->name_pos.line ? l->name_pos : l->pos, "name", "name is empty");
		} else if (i < TETRA__POLICY_MAX_LISTS) {
			for (uint32_t j = 0; j < i; j++)
				if (p->lists[j].name && !strcmp(p->lists[j].name, l->name)) {
					verr(c, l->name_pos, "name",
					     "duplicate list name \"%s\" (also spec.lists[%u])",
					     l->name, j);
					break;
				}
		}
		switch (l->type) {
		case TETRA_LIST_PLAIN:
		case TETRA_LIST_SYSCALLS:
			if (!l->nr_values)
				verr(c, l->pos, "values", "a %s list needs values",
				     l->type ? "syscalls" : "plain");
			if (l->pattern)
				vwarn(c, l->pos, "pattern",
				      "pattern has no effect on a %s list (only on "
				      "generated_ftrace)",
				      l->type ? "syscalls" : "plain");
			break;
		case TETRA_LIST_GENERATED_SYSCALLS:
			if (l->nr_values)
				verr(c, l->pos, "values",
				     "a generated_syscalls list is generated: it takes no values");
			if (l->pattern)
				vwarn(c, l->pos, "pattern",
				      "pattern has no effect on a generated_syscalls list");
			break;
		case TETRA_LIST_GENERATED_FTRACE:
			if (!l->pattern || !*l->pattern)
				verr(c, l->pos, "pattern",
				     "a generated_ftrace list needs a pattern");
			if (l->nr_values)
				verr(c, l->pos, "values",
				     "a generated_ftrace list is generated: it takes no values");
			break;
		}
		if (l->nr_values > TETRA__POLICY_MAX_LIST_VALUES)
			verr(c, l->pos, "values",
			     "%u values exceed libtetra's limit of %d per list", l->nr_values,
			     TETRA__POLICY_MAX_LIST_VALUES);
		for (uint32_t j = 0; j < l->nr_values; j++)
			if (!is_ident(l->values[j])) {
				size_t o2 = vpush(c, ".values[%u]", j);

				verr(c, l->pos, NULL, "\"%s\" is not a kernel symbol name",
				     l->values[j]);
				vpop(c, o2);
			}
		vpop(c, old);
	}
}

int tetra__policy_validate(struct tetra_policy *p, struct tetra__diags *d)
{
	struct vctx c = { .d = d, .p = p };
	uint32_t errors_before = d->d.errors;

	p->validated = 0;
	if (p->name && !dns_name(p->name, 0))
		verr(&c, p->name_pos, "metadata.name",
		     "name \"%s\" is not a valid Kubernetes name (lowercase letters, digits, '-' "
		     "and '.', starting and ending with a letter or digit, at most %d)",
		     p->name, TETRA__POLICY_MAX_NAME);
	if (p->kind == TETRA_POLICY_KIND_TRACING_POLICY && p->namespace)
		verr(&c, p->name_pos, "metadata.namespace",
		     "a TracingPolicy is cluster-wide: metadata.namespace needs kind "
		     "TracingPolicyNamespaced");
	if (p->kind == TETRA_POLICY_KIND_TRACING_POLICY_NAMESPACED &&
	    (!p->namespace || !dns_name(p->namespace, 1)))
		verr(&c, p->kind_pos, "metadata.namespace",
		     p->namespace ? "namespace \"%s\" is not a valid Kubernetes namespace name" :
				    "a TracingPolicyNamespaced needs metadata.namespace%s",
		     p->namespace ? p->namespace : "");

	validate_lists(&c);

	if (!p->nr_hooks)
		verr(&c, p->spec_pos, "spec",
		     "the policy has no hooks: add kprobes, tracepoints, uprobes or lsmhooks");
	if (p->nr_hooks > TETRA__POLICY_MAX_HOOKS)
		verr(&c, p->hooks[TETRA__POLICY_MAX_HOOKS].pos, "spec",
		     "%u hooks exceed libtetra's limit of %d per policy", p->nr_hooks,
		     TETRA__POLICY_MAX_HOOKS);
	for (uint32_t i = 0; i < p->nr_hooks && !c.nomem; i++) {
		struct tetra__policy_hook *h = &p->hooks[i];
		size_t old = vpush(&c, "spec.%s[%u]", tetra__policy_hook_list_name(h->kind),
				   h->kind_index);

		validate_hook(&c, h);
		vpop(&c, old);
	}
	if (c.nomem)
		return -ENOMEM;
	if (d->d.errors != errors_before)
		return -TETRA_E_POLICY;
	p->validated = 1;
	return 0;
}
