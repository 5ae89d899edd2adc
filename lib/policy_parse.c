// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * YAML -> policy AST.
 *
 * Two passes. libyaml's event stream becomes a small tree of scalars, lists and mappings;
 * that is where the input's own hazards stop: aliases and anchors (alias-expansion
 * bombs), explicit tags, nesting depth, several documents. The tree is then walked
 * against the CRD's shape: every key is either known (and stored), known but unsupported
 * (rejected, saying why) or unknown (rejected, with a did-you-mean). Semantic checks
 * that the builder shares live in policy_validate.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "policy.h"

enum { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	uint8_t type;
	uint8_t plain;			/* plain (unquoted) scalar */
	struct tetra__pos pos;
	char *s;			/* scalar bytes, NUL-terminated (may hold NULs) */
	size_t len;
	struct ynode **kids;		/* list: items; mapping: key, value, key, value... */
	uint32_t n;
};

struct pctx {
	struct tetra__diags *d;
	struct tetra_policy *p;
	char path[TETRA_DIAG_FIELD_MAX];
	size_t plen;
	int nomem;
};

/* ---- tree ------------------------------------------------------------------------------ */

static void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->n; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

static struct tetra__pos mark_pos(yaml_mark_t m)
{
	struct tetra__pos p = { (uint32_t)m.line + 1, (uint32_t)m.column + 1 };

	return p;
}

/* Line and column of byte @off, for libyaml reader errors that carry only an offset. */
static struct tetra__pos offset_pos(const char *s, size_t len, size_t off)
{
	struct tetra__pos p = { 1, 1 };

	for (size_t i = 0; i < off && i < len; i++) {
		if (s[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

static int is_null_scalar(const struct ynode *n)
{
	if (n->type != Y_SCALAR || !n->plain)
		return 0;
	return n->len == 0 || !strcmp(n->s, "~") || !strcmp(n->s, "null") ||
	       !strcmp(n->s, "Null") || !strcmp(n->s, "NULL");
}

/*
 * Build the tree. Returns 0 with *@root set (NULL for an empty stream), -ENOMEM, or
 * -TETRA_E_POLICY after recording a diagnostic.
 */
static int build_tree(struct tetra__diags *d, const char *yaml, size_t len, struct ynode **root)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct ynode *stack[TETRA__POLICY_MAX_DEPTH + 1];
	int sp = 0, docs = 0, err = 0, done = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);

	while (!done && !err) {
		struct ynode *node = NULL;
		struct tetra__pos pos;
		const yaml_char_t *anchor = NULL, *tag = NULL;
		int implicit = 1;

		if (!yaml_parser_parse(&parser, &ev)) {
			struct tetra__pos ep;

			if (parser.error == YAML_MEMORY_ERROR) {
				err = -ENOMEM;
				break;
			}
			if (parser.error == YAML_READER_ERROR) {
				ep = offset_pos(yaml, len, parser.problem_offset);
				if (parser.problem_value != -1)
					tetra__diag(d, 0, ep, NULL,
						    "invalid YAML: %s (byte 0x%02x at offset %zu)",
						    parser.problem ? parser.problem : "read error",
						    (unsigned)parser.problem_value & 0xff,
						    parser.problem_offset);
				else
					tetra__diag(d, 0, ep, NULL,
						    "invalid YAML: %s at offset %zu",
						    parser.problem ? parser.problem : "read error",
						    parser.problem_offset);
			} else {
				ep = mark_pos(parser.problem_mark);
				if (parser.context)
					tetra__diag(
						d, 0, ep, NULL, "invalid YAML: %s %s (line %zu)",
						parser.problem ? parser.problem : "syntax error",
						parser.context, parser.context_mark.line + 1);
				else
					tetra__diag(d, 0, ep, NULL, "invalid YAML: %s",
						    parser.problem ? parser.problem
								   : "syntax error");
			}
			err = -TETRA_E_POLICY;
			break;
		}
		pos = mark_pos(ev.start_mark);

		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				tetra__diag(d, 0, pos, NULL,
					    "a second YAML document: one policy per input (split "
					    "multi-document files)");
				err = -TETRA_E_POLICY;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			tetra__diag(d, 0, pos, NULL,
				    "YAML aliases (*%s) are not supported in policies",
				    ev.data.alias.anchor ? (const char *)ev.data.alias.anchor : "");
			err = -TETRA_E_POLICY;
			break;
		case YAML_SCALAR_EVENT:
			anchor = ev.data.scalar.anchor;
			tag = ev.data.scalar.tag;
			implicit = ev.data.scalar.plain_implicit || ev.data.scalar.quoted_implicit;
			break;
		case YAML_SEQUENCE_START_EVENT:
			anchor = ev.data.sequence_start.anchor;
			tag = ev.data.sequence_start.tag;
			implicit = ev.data.sequence_start.implicit;
			break;
		case YAML_MAPPING_START_EVENT:
			anchor = ev.data.mapping_start.anchor;
			tag = ev.data.mapping_start.tag;
			implicit = ev.data.mapping_start.implicit;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (sp > 0)
				sp--;
			break;
		default:
			break;
		}

		if (!err && anchor) {
			tetra__diag(d, 0, pos, NULL,
				    "YAML anchors (&%s) are not supported in policies",
				    (const char *)anchor);
			err = -TETRA_E_POLICY;
		} else if (!err && tag && !implicit) {
			tetra__diag(d, 0, pos, NULL, "YAML tags (%s) are not supported in policies",
				    (const char *)tag);
			err = -TETRA_E_POLICY;
		}

		if (!err && (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
			     ev.type == YAML_MAPPING_START_EVENT)) {
			if (ev.type != YAML_SCALAR_EVENT && sp >= TETRA__POLICY_MAX_DEPTH) {
				tetra__diag(d, 0, pos, NULL, "YAML nesting deeper than %d levels",
					    TETRA__POLICY_MAX_DEPTH);
				err = -TETRA_E_POLICY;
			} else if (!(node = calloc(1, sizeof(*node)))) {
				err = -ENOMEM;
			} else {
				node->pos = pos;
				if (ev.type == YAML_SCALAR_EVENT) {
					node->type = Y_SCALAR;
					node->plain =
						ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
					node->len = ev.data.scalar.length;
					node->s = tetra__policy_strdup(
						(const char *)ev.data.scalar.value, node->len);
					if (!node->s)
						err = -ENOMEM;
				} else {
					node->type = ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ
											  : Y_MAP;
				}
				/* Attach to the open container (or make it the root). */
				if (sp == 0) {
					if (*root)
						ynode_free(*root); /* unreachable: one document */
					*root = node;
				} else {
					struct ynode *parent = stack[sp - 1];
					struct ynode **slot = tetra__policy_push(&parent->kids,
										 &parent->n,
										 sizeof(*slot));

					if (!slot) {
						ynode_free(node);
						node = NULL;
						err = -ENOMEM;
					} else {
						*slot = node;
					}
				}
				if (node && !err && node->type != Y_SCALAR)
					stack[sp++] = node;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (err) {
		ynode_free(*root);
		*root = NULL;
	}
	return err;
}

/* ---- paths and diagnostics --------------------------------------------------------------- */

static size_t path_push_key(struct pctx *c, const char *key)
{
	size_t old = c->plen;
	int n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s%s", c->plen ? "." : "",
			 key);

	if (n > 0)
		c->plen = c->plen + (size_t)n < sizeof(c->path) ? c->plen + (size_t)n :
								  sizeof(c->path) - 1;
	return old;
}

static size_t path_push_index(struct pctx *c, uint32_t i)
{
	size_t old = c->plen;
	int n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%u]", i);

	if (n > 0)
		c->plen = c->plen + (size_t)n < sizeof(c->path) ? c->plen + (size_t)n :
								  sizeof(c->path) - 1;
	return old;
}

static void path_pop(struct pctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

__attribute__((format(printf, 3, 4)))
static void perr(struct pctx *c, struct tetra__pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tetra__vdiag(c->d, 0, pos, c->path, fmt, ap);
	va_end(ap);
}

static const char *kind_word(const struct ynode *n)
{
	if (n->type == Y_SEQ)
		return "a list";
	if (n->type == Y_MAP)
		return "a mapping";
	if (is_null_scalar(n))
		return "null";
	return "a scalar";
}

/* Stop walking when there are already too many errors to be useful. */
static int too_many(struct pctx *c)
{
	return c->nomem || c->d->d.errors >= TETRA__DIAG_MAX_RECORDED;
}

/* ---- duplicate keys ------------------------------------------------------------------ */

struct keyref {
	const struct ynode *key;
	uint32_t order;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int r;

	if (x->key->len != y->key->len)
		return x->key->len < y->key->len ? -1 : 1;
	r = memcmp(x->key->s, y->key->s, x->key->len);
	if (r)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void check_duplicates(struct pctx *c, const struct ynode *n)
{
	if (too_many(c))
		return;
	if (n->type == Y_SEQ) {
		for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
			size_t old = path_push_index(c, i);

			check_duplicates(c, n->kids[i]);
			path_pop(c, old);
		}
		return;
	}
	if (n->type != Y_MAP)
		return;
	if (n->n >= 4) {
		uint32_t pairs = n->n / 2, m = 0;
		struct keyref *refs = calloc(pairs, sizeof(*refs));

		if (!refs) {
			c->nomem = 1;
			return;
		}
		for (uint32_t i = 0; i < pairs; i++)
			if (n->kids[2 * i]->type == Y_SCALAR)
				refs[m++] = (struct keyref){ n->kids[2 * i], i };
		qsort(refs, m, sizeof(*refs), keyref_cmp);
		for (uint32_t i = 1; i < m && !too_many(c); i++) {
			if (refs[i].key->len == refs[i - 1].key->len &&
			    !memcmp(refs[i].key->s, refs[i - 1].key->s, refs[i].key->len)) {
				uint32_t first = i - 1;
				size_t old;

				while (first > 0 && refs[first - 1].key->len == refs[i].key->len &&
				       !memcmp(refs[first - 1].key->s, refs[i].key->s,
					       refs[i].key->len))
					first--;
				old = path_push_key(c, refs[i].key->s);
				perr(c, refs[i].key->pos, "duplicate key \"%s\" (first at line %u)",
				     refs[i].key->s, refs[first].key->pos.line);
				path_pop(c, old);
			}
		}
		free(refs);
	}
	for (uint32_t i = 0; i + 1 < n->n && !too_many(c); i += 2) {
		size_t old;

		if (n->kids[i]->type != Y_SCALAR)
			continue;
		old = path_push_key(c, n->kids[i]->s);
		check_duplicates(c, n->kids[i + 1]);
		path_pop(c, old);
	}
}

/* ---- field tables -------------------------------------------------------------------- */

struct unsupported {
	const char *key;
	const char *why;
};

/*
 * Resolve a mapping key against @keys (NULL-terminated). Returns its index, or -1 after
 * a diagnostic: not a string, known but unsupported (@unsup, may be NULL), or unknown.
 */
static int field_index(struct pctx *c, const struct ynode *key, const char *const *keys,
		       const struct unsupported *unsup)
{
	const char *cands[64];
	size_t nc = 0;
	const char *best;

	if (key->type != Y_SCALAR || is_null_scalar(key)) {
		perr(c, key->pos, "mapping keys must be strings, got %s", kind_word(key));
		return -1;
	}
	for (int i = 0; keys[i]; i++)
		if (!strcmp(key->s, keys[i]) && strlen(keys[i]) == key->len)
			return i;
	for (int i = 0; unsup && unsup[i].key; i++) {
		if (!strcmp(key->s, unsup[i].key)) {
			size_t old = path_push_key(c, key->s);

			perr(c, key->pos, "%s", unsup[i].why);
			path_pop(c, old);
			return -1;
		}
	}
	for (int i = 0; keys[i] && nc + 1 < TETRA_ARRAY_SIZE(cands); i++)
		cands[nc++] = keys[i];
	for (int i = 0; unsup && unsup[i].key && nc + 1 < TETRA_ARRAY_SIZE(cands); i++)
		cands[nc++] = unsup[i].key;
	cands[nc] = NULL;
	best = tetra__suggest(key->s, cands);
	{
		size_t old = path_push_key(c, key->s);

		if (best)
			perr(c, key->pos, "unknown field \"%s\" (did you mean \"%s\"?)", key->s,
			     best);
		else
			perr(c, key->pos, "unknown field \"%s\"", key->s);
		path_pop(c, old);
	}
	return -1;
}

/* ---- scalar conversions ------------------------------------------------------------------ */

static int want_map(struct pctx *c, const struct ynode *n)
{
	if (n->type == Y_MAP)
		return 1;
	perr(c, n->pos, "expected a mapping, got %s", kind_word(n));
	return 0;
}

/* A list, or null (an empty list, as Kubernetes reads it). 1: walk it; 0: skip. */
static int want_seq(struct pctx *c, const struct ynode *n)
{
	if (n->type == Y_SEQ)
		return 1;
	if (is_null_scalar(n))
		return 0;
	if (n->type == Y_SCALAR)
		perr(c, n->pos, "expected a list, got the scalar \"%s\"", n->s);
	else
		perr(c, n->pos, "expected a list, got %s", kind_word(n));
	return 0;
}

/* A string (any non-null scalar: numbers are taken as written). */
static int get_str(struct pctx *c, const struct ynode *n, const char **s, size_t *len)
{
	if (n->type != Y_SCALAR || is_null_scalar(n)) {
		perr(c, n->pos, "expected a string, got %s", kind_word(n));
		return 0;
	}
	*s = n->s;
	*len = n->len;
	return 1;
}

/* Copy a string field into *@dst (replacing); reports embedded NULs where not allowed. */
static int get_strdup(struct pctx *c, const struct ynode *n, char **dst)
{
	const char *s;
	size_t len;
	char *d;

	if (!get_str(c, n, &s, &len))
		return 0;
	if (strlen(s) != len) {
		perr(c, n->pos, "string holds a NUL byte");
		return 0;
	}
	d = tetra__policy_strdup(s, len);
	if (!d) {
		c->nomem = 1;
		return 0;
	}
	free(*dst);
	*dst = d;
	return 1;
}

static int get_bool(struct pctx *c, const struct ynode *n, int *out)
{
	static const char *const t[] = { "true", "True", "TRUE" };
	static const char *const f[] = { "false", "False", "FALSE" };

	if (n->type == Y_SCALAR && n->plain) {
		for (size_t i = 0; i < 3; i++) {
			if (!strcmp(n->s, t[i])) {
				*out = 1;
				return 1;
			}
			if (!strcmp(n->s, f[i])) {
				*out = 0;
				return 1;
			}
		}
	}
	if (n->type == Y_SCALAR && !is_null_scalar(n))
		perr(c, n->pos, "expected a boolean (true or false), got %s\"%s\"",
		     n->plain ? "" : "the string ", n->s);
	else
		perr(c, n->pos, "expected a boolean (true or false), got %s", kind_word(n));
	return 0;
}

static int get_int(struct pctx *c, const struct ynode *n, int64_t min, uint64_t max,
		   uint64_t *out)
{
	if (n->type != Y_SCALAR || is_null_scalar(n)) {
		perr(c, n->pos, "expected an integer, got %s", kind_word(n));
		return 0;
	}
	if (!n->plain) {
		perr(c, n->pos, "expected an integer, got the string \"%s\"", n->s);
		return 0;
	}
	if (min < 0) {
		int64_t v;

		if (tetra__parse_s64(n->s, &v)) {
			perr(c, n->pos, "expected an integer, got \"%s\"", n->s);
			return 0;
		}
		if (v < min || (v > 0 && (uint64_t)v > max)) {
			perr(c, n->pos, "%s is out of range (%lld..%llu)", n->s, (long long)min,
			     (unsigned long long)max);
			return 0;
		}
		*out = (uint64_t)v;
	} else {
		uint64_t v;

		if (n->s[0] == '-') {
			perr(c, n->pos, "%s is out of range (%lld..%llu)", n->s, (long long)min,
			     (unsigned long long)max);
			return 0;
		}
		if (tetra__parse_u64(n->s, &v)) {
			perr(c, n->pos, "expected an integer, got \"%s\"", n->s);
			return 0;
		}
		if (v < (uint64_t)min || v > max) {
			perr(c, n->pos, "%s is out of range (%lld..%llu)", n->s, (long long)min,
			     (unsigned long long)max);
			return 0;
		}
		*out = v;
	}
	return 1;
}

static int get_u32(struct pctx *c, const struct ynode *n, uint32_t *out)
{
	uint64_t v;

	if (!get_int(c, n, 0, UINT32_MAX, &v))
		return 0;
	*out = (uint32_t)v;
	return 1;
}

static int lk_op(const char *s)
{
	uint32_t v = tetra__policy_lookup_op(s);

	return v ? (int)v : -1;
}

static int lk_type(const char *s)
{
	uint32_t v = tetra__policy_lookup_arg_type(s);

	return v ? (int)v : -1;
}

static int lk_action(const char *s)
{
	uint32_t v = tetra__policy_lookup_action(s);

	return v ? (int)v : -1;
}

/*
 * Look a word up in a name table (@lookup: -1 when unknown); report it, with a
 * suggestion, when unknown. Returns the constant or -1.
 */
static int get_word(struct pctx *c, const struct ynode *n, int (*lookup)(const char *),
		    const char *const *names, const char *what)
{
	const char *s, *best;
	size_t len;
	int v;

	if (!get_str(c, n, &s, &len))
		return -1;
	v = strlen(s) == len ? lookup(s) : -1;
	if (v >= 0)
		return v;
	best = tetra__suggest(s, names);
	if (best)
		perr(c, n->pos, "unknown %s \"%s\" (did you mean \"%s\"?)", what, s, best);
	else
		perr(c, n->pos, "unknown %s \"%s\"", what, s);
	return -1;
}

/* Walk a list of strings into a string vector. */
static void get_strv(struct pctx *c, const struct ynode *n, char ***v, uint32_t *nr)
{
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		size_t old = path_push_index(c, i);
		char *s = NULL;

		if (get_strdup(c, n->kids[i], &s)) {
			char **slot = tetra__policy_push(v, nr, sizeof(*slot));

			if (!slot) {
				free(s);
				c->nomem = 1;
			} else {
				*slot = s;
			}
		}
		path_pop(c, old);
	}
}

#define FOR_EACH_FIELD(ctx, map, i, k, v)                                                   \
	for (uint32_t i = 0; i + 1 < (map)->n && !too_many(ctx); i += 2)                    \
		for (const struct ynode *k = (map)->kids[i], *v = (map)->kids[i + 1]; k; k = NULL)

/* Report a missing required field at the mapping @n. */
static void missing(struct pctx *c, const struct ynode *n, const char *field)
{
	perr(c, n->pos, "missing required field \"%s\"", field);
}

/* ---- args ---------------------------------------------------------------------------- */

static const char *const arg_keys[] = {
	"index", "type", "sizeArgIndex", "returnCopy", "maxData", "label", "resolve", NULL,
};

static void parse_arg(struct pctx *c, const struct ynode *n, struct tetra__policy_arg *a)
{
	int have_index = 0, have_type = 0, b, w;

	a->pos = n->pos;
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, arg_keys, NULL);
		size_t old;

		if (f < 0)
			continue;
		old = path_push_key(c, k->s);
		switch (f) {
		case 0:
			have_index = 1;
			get_u32(c, v, &a->index);
			break;
		case 1:
			have_type = 1;
			a->type_pos = v->pos;
			w = get_word(c, v, lk_type, tetra__policy_arg_type_names, "type");
			a->type = w > 0 ? (uint32_t)w : 0;
			break;
		case 2:
			a->size_arg_index_pos = v->pos;
			get_u32(c, v, &a->size_arg_index);
			break;
		case 3:
			if (get_bool(c, v, &b) && b)
				a->flags |= TETRA_ARG_F_RETURN_COPY;
			break;
		case 4:
			if (get_bool(c, v, &b) && b)
				a->flags |= TETRA_ARG_F_MAX_DATA;
			break;
		case 5:
			get_strdup(c, v, &a->label);
			break;
		case 6:
			get_strdup(c, v, &a->resolve);
			break;
		}
		path_pop(c, old);
	}
	if (!have_index)
		missing(c, n, "index");
	if (!have_type)
		missing(c, n, "type");
}

static void parse_args(struct pctx *c, const struct ynode *n, struct tetra__policy_hook *h)
{
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		size_t old = path_push_index(c, i);
		struct tetra__policy_arg *a = tetra__policy_push(&h->args, &h->nr_args, sizeof(*a));

		if (!a)
			c->nomem = 1;
		else
			parse_arg(c, n->kids[i], a);
		path_pop(c, old);
	}
}

/* ---- selectors ----------------------------------------------------------------------- */

static const char *const selector_keys[] = {
	"matchArgs", "matchReturnArgs", "matchBinaries", "matchPIDs", "matchNamespaces",
	"matchNamespaceChanges", "matchCapabilities", "matchCapabilityChanges", "matchActions",
	"matchReturnActions", NULL,
};

static const struct unsupported selector_unsup[] = {
	{ "matchParentBinaries",
	  "matchParentBinaries is not supported: libtetra does not track parent binaries in the "
	  "kernel; use matchBinaries with followChildren" },
	{ "matchData", "matchData is not supported: libtetra has no kprobe data fields" },
	{ NULL, NULL },
};

static const char *const args_filter_keys[] = { "index", "operator", "values", "args", NULL };
static const char *const binaries_keys[] = { "operator", "values", "followChildren", NULL };
static const char *const pids_keys[] = {
	"operator", "values", "isNamespacePID", "followForks", NULL,
};
static const char *const ns_keys[] = { "namespace", "operator", "values", NULL };
static const char *const ns_changes_keys[] = { "operator", "values", NULL };
static const char *const caps_keys[] = {
	"type", "operator", "isNamespaceCapability", "values", NULL,
};

/* Values as written: strings (numbers taken as text), or integers for matchPIDs. */
static void parse_values(struct pctx *c, const struct ynode *n, struct tetra__policy_filter *f,
			 int integers)
{
	f->has_values = 1;
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		const struct ynode *v = n->kids[i];
		size_t old = path_push_index(c, i);
		const char *s;
		size_t len;
		uint64_t ignored;

		if (integers ? get_int(c, v, 0, UINT32_MAX, &ignored) : get_str(c, v, &s, &len)) {
			if (tetra__policy_filter_push_value(f, v->s, v->len, v->pos))
				c->nomem = 1;
		}
		path_pop(c, old);
	}
}

static void parse_filter(struct pctx *c, const struct ynode *n, struct tetra__policy_filter *f)
{
	static const char *const *const keys_of[TETRA_FILTER_COUNT] = {
		args_filter_keys, args_filter_keys, binaries_keys, pids_keys, ns_keys,
		ns_changes_keys, caps_keys, caps_keys,
	};
	const char *const *keys = keys_of[f->filter];
	int b, w;

	f->pos = n->pos;
	if (f->filter == TETRA_FILTER_MATCH_CAPABILITIES ||
	    f->filter == TETRA_FILTER_MATCH_CAPABILITY_CHANGES) {
		f->type = TETRA_CAPS_EFFECTIVE;	/* the CRD's default */
		f->has_type = 1;
	}
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int idx = field_index(c, k, keys, NULL);
		const char *key;
		size_t old;

		if (idx < 0)
			continue;
		key = keys[idx];
		old = path_push_key(c, key);
		if (!strcmp(key, "operator")) {
			f->has_op = 1;
			f->op_pos = v->pos;
			w = get_word(c, v, lk_op, tetra__policy_op_names, "operator");
			f->op = w > 0 ? (uint32_t)w : 0;
		} else if (!strcmp(key, "values")) {
			parse_values(c, v, f, f->filter == TETRA_FILTER_MATCH_PIDS);
		} else if (!strcmp(key, "index")) {
			f->has_index = 1;
			f->index_pos = v->pos;
			get_u32(c, v, &f->index);
		} else if (!strcmp(key, "args")) {
			if (want_seq(c, v)) {
				if (v->n > 2)
					perr(c, v->pos, "at most 2 args (%u given)", v->n);
				for (uint32_t j = 0; j < v->n && j < 2; j++) {
					size_t o2 = path_push_index(c, j);

					if (get_u32(c, v->kids[j], &f->arg_refs[j]))
						f->nr_arg_refs = j + 1;
					path_pop(c, o2);
				}
			}
		} else if (!strcmp(key, "followChildren")) {
			if (get_bool(c, v, &b) && b)
				f->flags |= TETRA_FILTER_F_FOLLOW_CHILDREN;
		} else if (!strcmp(key, "isNamespacePID")) {
			if (get_bool(c, v, &b) && b)
				f->flags |= TETRA_FILTER_F_NAMESPACE_PID;
		} else if (!strcmp(key, "followForks")) {
			if (get_bool(c, v, &b) && b)
				f->flags |= TETRA_FILTER_F_FOLLOW_FORKS;
		} else if (!strcmp(key, "isNamespaceCapability")) {
			if (get_bool(c, v, &b) && b)
				f->flags |= TETRA_FILTER_F_NAMESPACE_CAP;
		} else if (!strcmp(key, "namespace")) {
			f->has_type = 1;
			f->type_pos = v->pos;
			w = get_word(c, v, tetra__policy_lookup_ns, tetra__policy_ns_names,
				     "namespace");
			f->type = w >= 0 ? (uint32_t)w : UINT32_MAX;
		} else if (!strcmp(key, "type")) {
			f->has_type = 1;
			f->type_pos = v->pos;
			w = get_word(c, v, tetra__policy_lookup_capset, tetra__policy_capset_names,
				     "capability set");
			f->type = w >= 0 ? (uint32_t)w : UINT32_MAX;
		}
		path_pop(c, old);
	}
	if (!f->has_op)
		missing(c, n, "operator");
	if ((f->filter == TETRA_FILTER_MATCH_ARGS || f->filter == TETRA_FILTER_MATCH_RETURN_ARGS) &&
	    !f->has_index && !f->nr_arg_refs)
		missing(c, n, "index");
	if (f->filter == TETRA_FILTER_MATCH_NAMESPACES && !f->has_type)
		missing(c, n, "namespace");
	if (f->filter != TETRA_FILTER_MATCH_ARGS && f->filter != TETRA_FILTER_MATCH_RETURN_ARGS &&
	    !f->has_values)
		missing(c, n, "values");
}

static const char *const action_keys[] = {
	"action", "argError", "argSig", "argFd", "argName", "argSock", "argUrl", "argFqdn",
	"rateLimit", "rateLimitScope", "kernelStackTrace", "userStackTrace", "imaHash", NULL,
};

static const struct unsupported action_unsup[] = {
	{ "argRegs", "argRegs is not supported: libtetra does not override uprobe registers" },
	{ "argIndex",
	  "argIndex belongs to the Set action (usdts), which libtetra does not support" },
	{ "argValue",
	  "argValue belongs to the Set action (usdts), which libtetra does not support" },
	{ "enforcerNotifyActionArgIndex",
	  "enforcerNotifyActionArgIndex belongs to NotifyEnforcer, which libtetra does not "
	  "support" },
	{ NULL, NULL },
};

static void parse_action(struct pctx *c, const struct ynode *n, struct tetra__policy_action *a)
{
	int have_action = 0, b, w;
	uint64_t u;

	a->pos = n->pos;
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, action_keys, action_unsup);
		size_t old;

		if (f < 0)
			continue;
		/* action_keys[1..12] are the TETRA__AF_* bits 0..11, in order. */
		if (f >= 1 && f <= 12)
			a->given_pos[f - 1] = k->pos;
		old = path_push_key(c, k->s);
		switch (f) {
		case 0:
			have_action = 1;
			a->action_pos = v->pos;
			w = get_word(c, v, lk_action, tetra__policy_action_names, "action");
			a->action = w > 0 ? (uint32_t)w : 0;
			break;
		case 1:
			a->given |= TETRA__AF_ARG_ERROR;
			if (get_int(c, v, INT32_MIN, INT32_MAX, &u))
				a->arg_error = (int32_t)(int64_t)u;
			break;
		case 2:
			a->given |= TETRA__AF_ARG_SIG;
			get_u32(c, v, &a->arg_sig);
			break;
		case 3:
			a->given |= TETRA__AF_ARG_FD;
			get_u32(c, v, &a->arg_fd);
			break;
		case 4:
			a->given |= TETRA__AF_ARG_NAME;
			get_u32(c, v, &a->arg_name);
			break;
		case 5:
			a->given |= TETRA__AF_ARG_SOCK;
			get_u32(c, v, &a->arg_sock);
			break;
		case 6:
			a->given |= TETRA__AF_ARG_URL;
			get_strdup(c, v, &a->arg_url);
			break;
		case 7:
			a->given |= TETRA__AF_ARG_FQDN;
			get_strdup(c, v, &a->arg_fqdn);
			break;
		case 8:
			a->given |= TETRA__AF_RATE_LIMIT;
			a->rate_limit_pos = v->pos;
			get_strdup(c, v, &a->rate_limit);
			break;
		case 9: {
			const char *s;
			size_t len;
			int ok = 0;

			a->given |= TETRA__AF_RATE_LIMIT_SCOPE;
			if (!get_str(c, v, &s, &len))
				break;
			a->rate_limit_scope = tetra__policy_lookup_rate_scope(s, &ok);
			if (!ok)
				perr(c, v->pos,
				     "unknown rateLimitScope \"%s\" (expected thread, process or "
				     "global)", s);
			break;
		}
		case 10:
			a->given |= TETRA__AF_KERNEL_STACK;
			if (get_bool(c, v, &b) && b)
				a->flags |= TETRA_ACTION_F_KERNEL_STACK;
			break;
		case 11:
			a->given |= TETRA__AF_USER_STACK;
			if (get_bool(c, v, &b) && b)
				a->flags |= TETRA_ACTION_F_USER_STACK;
			break;
		case 12:
			a->given |= TETRA__AF_IMA_HASH;
			if (get_bool(c, v, &b) && b)
				a->flags |= TETRA_ACTION_F_IMA_HASH;
			break;
		}
		path_pop(c, old);
	}
	if (!have_action)
		missing(c, n, "action");
}

static void parse_selector(struct pctx *c, const struct ynode *n, struct tetra__policy_selector *s)
{
	s->pos = n->pos;
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, selector_keys, selector_unsup);
		size_t old;

		if (f < 0)
			continue;
		old = path_push_key(c, k->s);
		if (want_seq(c, v)) {
			for (uint32_t j = 0; j < v->n && !too_many(c); j++) {
				size_t o2 = path_push_index(c, j);

				if (f < TETRA_FILTER_COUNT) {
					struct tetra__policy_filter *flt =
						tetra__policy_add_filter(s, (uint32_t)f);

					if (!flt)
						c->nomem = 1;
					else
						parse_filter(c, v->kids[j], flt);
				} else {
					struct tetra__policy_action *a = tetra__policy_add_action(
						s, f == 8 ? TETRA_SELECTOR_ACTIONS :
							    TETRA_SELECTOR_RETURN_ACTIONS);

					if (!a)
						c->nomem = 1;
					else
						parse_action(c, v->kids[j], a);
				}
				path_pop(c, o2);
			}
		}
		path_pop(c, old);
	}
}

static void parse_selectors(struct pctx *c, const struct ynode *n, struct tetra__policy_hook *h)
{
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		size_t old = path_push_index(c, i);
		struct tetra__policy_selector *s = tetra__policy_add_selector(h);

		if (!s)
			c->nomem = 1;
		else
			parse_selector(c, n->kids[i], s);
		path_pop(c, old);
	}
}

/* ---- hooks ----------------------------------------------------------------------------- */

enum hook_field {
	HF_CALL, HF_SYSCALL, HF_RETURN, HF_MESSAGE, HF_ARGS, HF_RETURN_ARG, HF_RETURN_ARG_ACTION,
	HF_SELECTORS, HF_TAGS, HF_IGNORE, HF_SUBSYSTEM, HF_EVENT, HF_RAW, HF_PATH, HF_SYMBOLS,
	HF_OFFSETS, HF_REF_CTR_OFFSETS, HF_HOOK,
};

static const char *const hook_field_names[] = {
	"call", "syscall", "return", "message", "args", "returnArg", "returnArgAction", "selectors",
	"tags", "ignore", "subsystem", "event", "raw", "path", "symbols", "offsets",
	"refCtrOffsets", "hook",
};

static const char *const kprobe_keys[] = {
	"call", "syscall", "return", "message", "args", "returnArg", "returnArgAction",
	"selectors", "tags", "ignore", NULL,
};
static const char *const tracepoint_keys[] = {
	"subsystem", "event", "raw", "message", "args", "selectors", "tags", NULL,
};
static const char *const uprobe_keys[] = {
	"path", "symbols", "offsets", "refCtrOffsets", "message", "args", "selectors", "tags",
	NULL,
};
static const char *const lsm_keys[] = { "hook", "message", "args", "selectors", "tags", NULL };

static const struct unsupported kprobe_unsup[] = {
	{ "data", "data is not supported: libtetra reads only arguments and the return value" },
	{ NULL, NULL },
};
static const struct unsupported uprobe_unsup[] = {
	{ "symbol", "symbol is the old spelling: use the list \"symbols\"" },
	{ "resolvePathInContainer",
	  "resolvePathInContainer is not supported: libtetra has no container runtime "
	  "information" },
	{ NULL, NULL },
};

static int hook_field(const char *name)
{
	for (size_t i = 0; i < TETRA_ARRAY_SIZE(hook_field_names); i++)
		if (!strcmp(name, hook_field_names[i]))
			return (int)i;
	return -1;
}

static void parse_offsets(struct pctx *c, const struct ynode *n, uint64_t **v, uint32_t *nr)
{
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		size_t old = path_push_index(c, i);
		uint64_t off, *slot;

		if (get_int(c, n->kids[i], 0, INT64_MAX, &off)) {
			slot = tetra__policy_push(v, nr, sizeof(*slot));
			if (!slot)
				c->nomem = 1;
			else
				*slot = off;
		}
		path_pop(c, old);
	}
}

static void parse_hook(struct pctx *c, const struct ynode *n, uint32_t kind)
{
	const char *const *keys = kind == TETRA_HOOK_KPROBE	? kprobe_keys :
				  kind == TETRA_HOOK_TRACEPOINT ? tracepoint_keys :
				  kind == TETRA_HOOK_UPROBE	? uprobe_keys :
								  lsm_keys;
	const struct unsupported *unsup = kind == TETRA_HOOK_KPROBE ? kprobe_unsup :
					  kind == TETRA_HOOK_UPROBE ? uprobe_unsup :
								      NULL;
	struct tetra__policy_hook *h = tetra__policy_add_hook(c->p, kind);
	int have_call = 0, have_event = 0, b, w;

	if (!h) {
		c->nomem = 1;
		return;
	}
	h->pos = n->pos;
	if (kind == TETRA_HOOK_KPROBE)
		h->flags |= TETRA_HOOK_F_SYSCALL;	/* the CRD's default */
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int idx = field_index(c, k, keys, unsup);
		size_t old;

		if (idx < 0)
			continue;
		old = path_push_key(c, keys[idx]);
		switch (hook_field(keys[idx])) {
		case HF_CALL:
		case HF_HOOK:
		case HF_PATH:
		case HF_SUBSYSTEM:
			have_call = 1;
			h->call_pos = v->pos;
			get_strdup(c, v, &h->call);
			break;
		case HF_EVENT:
			have_event = 1;
			get_strdup(c, v, &h->event);
			break;
		case HF_SYSCALL:
			h->syscall_pos = k->pos;
			h->has_syscall = 1;
			if (get_bool(c, v, &b) && !b)
				h->flags &= ~TETRA_HOOK_F_SYSCALL;
			break;
		case HF_RETURN:
			h->return_key_pos = k->pos;
			if (get_bool(c, v, &b) && b)
				h->flags |= TETRA_HOOK_F_RETURN;
			break;
		case HF_RAW:
			if (get_bool(c, v, &b) && b)
				h->flags |= TETRA_HOOK_F_RAW;
			break;
		case HF_MESSAGE:
			h->message_pos = v->pos;
			get_strdup(c, v, &h->message);
			break;
		case HF_ARGS:
			parse_args(c, v, h);
			break;
		case HF_RETURN_ARG:
			h->return_arg_key_pos = k->pos;
			h->flags |= TETRA_HOOK_F_RETURN_ARG;
			parse_arg(c, v, &h->return_arg);
			break;
		case HF_RETURN_ARG_ACTION:
			h->return_arg_action_pos = v->pos;
			w = get_word(c, v, lk_action, tetra__policy_action_names, "action");
			h->return_arg_action = w > 0 ? (uint32_t)w : 0;
			break;
		case HF_SELECTORS:
			parse_selectors(c, v, h);
			break;
		case HF_TAGS:
			get_strv(c, v, &h->tags, &h->nr_tags);
			break;
		case HF_SYMBOLS:
			get_strv(c, v, &h->symbols, &h->nr_symbols);
			break;
		case HF_OFFSETS:
			parse_offsets(c, v, &h->offsets, &h->nr_offsets);
			break;
		case HF_REF_CTR_OFFSETS:
			parse_offsets(c, v, &h->ref_ctr_offsets, &h->nr_ref_ctr_offsets);
			break;
		case HF_IGNORE:
			if (want_map(c, v)) {
				static const char *const ignore_keys[] = { "callNotFound", NULL };

				FOR_EACH_FIELD(c, v, j, k2, v2) {
					size_t o2;

					if (field_index(c, k2, ignore_keys, NULL) < 0)
						continue;
					o2 = path_push_key(c, k2->s);
					if (get_bool(c, v2, &b) && b)
						h->flags |= TETRA_HOOK_F_IGNORE_CALL_NOT_FOUND;
					path_pop(c, o2);
				}
			}
			break;
		}
		path_pop(c, old);
	}
	if (!have_call)
		missing(c, n, kind == TETRA_HOOK_KPROBE	    ? "call" :
			      kind == TETRA_HOOK_TRACEPOINT ? "subsystem" :
			      kind == TETRA_HOOK_UPROBE	    ? "path" :
							      "hook");
	if (kind == TETRA_HOOK_TRACEPOINT && !have_event)
		missing(c, n, "event");
}

static void parse_hooks(struct pctx *c, const struct ynode *n, uint32_t kind)
{
	if (!want_seq(c, n))
		return;
	for (uint32_t i = 0; i < n->n && !too_many(c); i++) {
		size_t old = path_push_index(c, i);

		parse_hook(c, n->kids[i], kind);
		path_pop(c, old);
	}
}

/* ---- lists, metadata, top level ------------------------------------------------------- */

static const char *const list_keys[] = { "name", "type", "values", "pattern", "validated", NULL };

static void parse_list(struct pctx *c, const struct ynode *n)
{
	struct tetra__policy_list *l = tetra__policy_push(&c->p->lists, &c->p->nr_lists,
							  sizeof(*l));
	int have_name = 0, b;

	if (!l) {
		c->nomem = 1;
		return;
	}
	l->pos = n->pos;
	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, list_keys, NULL);
		size_t old;

		if (f < 0)
			continue;
		old = path_push_key(c, k->s);
		switch (f) {
		case 0:
			have_name = 1;
			l->name_pos = v->pos;
			get_strdup(c, v, &l->name);
			break;
		case 1: {
			const char *s, *best;
			size_t len;
			int t;

			l->type_pos = v->pos;
			if (!get_str(c, v, &s, &len))
				break;
			t = tetra__policy_lookup_list_type(s);
			if (t >= 0) {
				l->type = (uint32_t)t;
				break;
			}
			best = tetra__suggest(s, tetra__policy_list_type_names);
			if (best)
				perr(c, v->pos, "unknown list type \"%s\" (did you mean \"%s\"?)",
				     s, best);
			else
				perr(c, v->pos,
				     "unknown list type \"%s\" (expected syscalls, "
				     "generated_syscalls or generated_ftrace)", s);
			break;
		}
		case 2:
			get_strv(c, v, &l->values, &l->nr_values);
			break;
		case 3:
			get_strdup(c, v, &l->pattern);
			break;
		case 4:
			if (get_bool(c, v, &b))
				l->validated = (uint8_t)b;
			break;
		}
		path_pop(c, old);
	}
	if (!have_name)
		missing(c, n, "name");
}

static void parse_kvs(struct pctx *c, const struct ynode *n, struct tetra__kv **kv, uint32_t *nr)
{
	if (is_null_scalar(n) || !want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		struct tetra__kv *e;
		char *key = NULL, *val = NULL;

		if (!get_strdup(c, k, &key))
			continue;
		{
			size_t old = path_push_key(c, key);

			get_strdup(c, v, &val);
			path_pop(c, old);
		}
		if (!val) {
			free(key);
			continue;
		}
		e = tetra__policy_push(kv, nr, sizeof(*e));
		if (!e) {
			free(key);
			free(val);
			c->nomem = 1;
			continue;
		}
		e->key = key;
		e->value = val;
	}
}

static const char *const metadata_keys[] = { "name", "namespace", "labels", "annotations", NULL };

#define K8S_MANAGED "is set by Kubernetes, not in a policy file; remove it"
static const struct unsupported metadata_unsup[] = {
	{ "uid", "uid " K8S_MANAGED },
	{ "resourceVersion", "resourceVersion " K8S_MANAGED },
	{ "generation", "generation " K8S_MANAGED },
	{ "creationTimestamp", "creationTimestamp " K8S_MANAGED },
	{ "deletionTimestamp", "deletionTimestamp " K8S_MANAGED },
	{ "managedFields", "managedFields " K8S_MANAGED },
	{ "selfLink", "selfLink " K8S_MANAGED },
	{ "generateName", "generateName is not supported: a policy needs a fixed name" },
	{ "finalizers", "finalizers are a Kubernetes mechanism; remove them" },
	{ "ownerReferences", "ownerReferences are a Kubernetes mechanism; remove them" },
	{ NULL, NULL },
};

static void parse_metadata(struct pctx *c, const struct ynode *n)
{
	int have_name = 0;

	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, metadata_keys, metadata_unsup);
		size_t old;

		if (f < 0)
			continue;
		old = path_push_key(c, k->s);
		switch (f) {
		case 0:
			have_name = 1;
			c->p->name_pos = v->pos;
			get_strdup(c, v, &c->p->name);
			break;
		case 1:
			get_strdup(c, v, &c->p->namespace);
			break;
		case 2:
			parse_kvs(c, v, &c->p->labels, &c->p->nr_labels);
			break;
		case 3:
			parse_kvs(c, v, &c->p->annotations, &c->p->nr_annotations);
			break;
		}
		path_pop(c, old);
	}
	if (!have_name)
		missing(c, n, "name");
}

static const char *const spec_keys[] = {
	"kprobes", "tracepoints", "uprobes", "lsmhooks", "lists", NULL,
};

static const struct unsupported spec_unsup[] = {
	{ "podSelector",
	  "podSelector is not supported: libtetra has no Kubernetes pod information; remove it "
	  "to apply the policy to the whole host" },
	{ "containerSelector",
	  "containerSelector is not supported: libtetra has no container runtime information" },
	{ "hostSelector",
	  "hostSelector is not supported: a libtetra policy applies to the host it is loaded on" },
	{ "usdts",
	  "usdts are not supported by libtetra (USDT probes are not planned); use uprobes" },
	{ "fentries",
	  "fentries are not supported: write kprobes, libtetra picks fentry or kprobe itself" },
	{ "enforcers",
	  "enforcers are not supported: use the Override or Sigkill action in matchActions" },
	{ "options", "options are not supported: they tune Tetragon's own loader" },
	{ "loader", "loader is not supported: libtetra reports no loader events" },
	{ "selectorsMacros", "selectorsMacros are not supported: write the selectors out" },
	{ NULL, NULL },
};

static void parse_spec(struct pctx *c, const struct ynode *n)
{
	/* Hooks go in a fixed order whatever the YAML order: kprobes, tracepoints, ... */
	const struct ynode *hooks[5] = { NULL };
	const struct ynode *hook_keys[5] = { NULL };

	if (!want_map(c, n))
		return;
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, spec_keys, spec_unsup);

		if (f < 0)
			continue;
		hooks[f] = v;
		hook_keys[f] = k;
	}
	for (int f = 0; f < 5 && !too_many(c); f++) {
		size_t old;

		if (!hooks[f])
			continue;
		old = path_push_key(c, hook_keys[f]->s);
		if (f < 4) {
			parse_hooks(c, hooks[f], (uint32_t)f + 1);
		} else if (want_seq(c, hooks[f])) {
			for (uint32_t i = 0; i < hooks[f]->n && !too_many(c); i++) {
				size_t o2 = path_push_index(c, i);

				parse_list(c, hooks[f]->kids[i]);
				path_pop(c, o2);
			}
		}
		path_pop(c, old);
	}
}

static const char *const root_keys[] = { "apiVersion", "kind", "metadata", "spec", NULL };
static const struct unsupported root_unsup[] = {
	{ "status", "status " K8S_MANAGED },
	{ NULL, NULL },
};

static void parse_root(struct pctx *c, const struct ynode *n)
{
	static const char *const kinds[] = { "TracingPolicy", "TracingPolicyNamespaced", NULL };
	int have[4] = { 0 };

	if (n->type != Y_MAP) {
		if (n->type == Y_SCALAR)
			perr(c, n->pos,
			     "expected a TracingPolicy mapping at the top level, got the "
			     "scalar \"%s\"",
			     n->s);
		else
			perr(c, n->pos, "expected a TracingPolicy mapping at the top level, got %s",
			     kind_word(n));
		return;
	}
	FOR_EACH_FIELD(c, n, i, k, v) {
		int f = field_index(c, k, root_keys, root_unsup);
		const char *s;
		size_t len, old;

		if (f < 0)
			continue;
		have[f] = 1;
		old = path_push_key(c, k->s);
		switch (f) {
		case 0:
			if (get_str(c, v, &s, &len) && strcmp(s, "cilium.io/v1alpha1"))
				perr(c, v->pos,
				     "unsupported apiVersion \"%s\" (expected "
				     "\"cilium.io/v1alpha1\")",
				     s);
			break;
		case 1:
			c->p->kind_pos = v->pos;
			if (!get_str(c, v, &s, &len))
				break;
			if (!strcmp(s, kinds[0])) {
				c->p->kind = TETRA_POLICY_KIND_TRACING_POLICY;
			} else if (!strcmp(s, kinds[1])) {
				c->p->kind = TETRA_POLICY_KIND_TRACING_POLICY_NAMESPACED;
			} else {
				const char *best = tetra__suggest(s, kinds);

				if (best)
					perr(c, v->pos,
					     "unsupported kind \"%s\" (did you mean \"%s\"?)", s,
					     best);
				else
					perr(c, v->pos,
					     "unsupported kind \"%s\" (expected TracingPolicy or "
					     "TracingPolicyNamespaced)", s);
			}
			break;
		case 2:
			parse_metadata(c, v);
			break;
		case 3:
			c->p->spec_pos = v->pos;
			parse_spec(c, v);
			break;
		}
		path_pop(c, old);
	}
	for (int f = 0; f < 4; f++)
		if (!have[f] && !too_many(c))
			missing(c, n, root_keys[f]);
}

/* ---- entry points -------------------------------------------------------------------- */

static int parse_common(struct tetra_policy **ret, const char *yaml, size_t len,
			struct tetra__diags *d)
{
	struct pctx c = { .d = d };
	struct ynode *root = NULL;
	struct tetra__pos start = { 1, 1 };
	int err;

	if (len > TETRA_POLICY_MAX_INPUT) {
		tetra__diag(d, 0, start, NULL, "input is %zu bytes, larger than the %u-byte limit",
			    len, TETRA_POLICY_MAX_INPUT);
		return -TETRA_E_POLICY;
	}
	err = build_tree(d, yaml, len, &root);
	if (err)
		return err;
	if (!root || is_null_scalar(root)) {
		tetra__diag(d, 0, root ? root->pos : start, NULL,
			    "empty document: expected a TracingPolicy");
		ynode_free(root);
		return -TETRA_E_POLICY;
	}
	c.p = tetra__policy_alloc();
	if (!c.p) {
		ynode_free(root);
		return -ENOMEM;
	}
	check_duplicates(&c, root);
	path_pop(&c, 0);
	parse_root(&c, root);
	ynode_free(root);

	/*
	 * Validate even after parse errors, so one run reports everything it can: the
	 * checks skip what the parser could not fill in (unknown words are left 0).
	 */
	if (c.nomem)
		err = -ENOMEM;
	else if (d->d.errors >= TETRA__DIAG_MAX_RECORDED)
		err = -TETRA_E_POLICY;
	else
		err = tetra__policy_validate(c.p, d);
	if (!err && d->d.errors)
		err = -TETRA_E_POLICY;
	if (err) {
		tetra_policy_free(c.p);
		return err;
	}
	*ret = c.p;
	return 0;
}

TETRA_API int tetra_policy_parse(struct tetra_policy **ret, const char *yaml, size_t len,
				 struct tetra_diag *diag)
{
	struct tetra__diags d;
	int err;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if ((!yaml && len) || tetra__diag_check(diag))
		return -EINVAL;
	tetra__diags_init(&d, "<input>");
	err = parse_common(ret, yaml ? yaml : "", len, &d);
	tetra__diags_emit(&d, diag);
	return err;
}

TETRA_API int tetra_policy_parse_file(struct tetra_policy **ret, const char *path,
				      struct tetra_diag *diag)
{
	struct tetra__diags d;
	struct tetra__pos none = { 0, 0 };
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, err = 0;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (!path || tetra__diag_check(diag))
		return -EINVAL;
	tetra__diags_init(&d, path);

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
		tetra__diag(&d, 0, none, NULL, "cannot open: %s", tetra_strerror(err));
		goto out;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		tetra__diag(&d, 0, none, NULL, "cannot stat: %s", tetra_strerror(err));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		tetra__diag(&d, 0, none, NULL, "cannot read: %s", tetra_strerror(err));
		goto out;
	}
	/* Read at most one byte past the limit: enough to know it is too large. */
	buf = malloc(TETRA_POLICY_MAX_INPUT + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (len <= TETRA_POLICY_MAX_INPUT) {
		ssize_t n = read(fd, buf + len, TETRA_POLICY_MAX_INPUT + 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			tetra__diag(&d, 0, none, NULL, "cannot read: %s", tetra_strerror(err));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > TETRA_POLICY_MAX_INPUT) {
		struct tetra__pos start = { 1, 1 };

		tetra__diag(&d, 0, start, NULL, "file is larger than the %u-byte limit",
			    TETRA_POLICY_MAX_INPUT);
		err = -TETRA_E_POLICY;
		goto out;
	}
	err = parse_common(ret, buf, len, &d);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	tetra__diags_emit(&d, diag);
	return err;
}
