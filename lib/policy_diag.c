// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Policy diagnostics: collection, formatting, and did-you-mean suggestions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

TETRA_API void tetra_diag_init(struct tetra_diag *diag, size_t sz)
{
	if (!diag)
		return;
	memset(diag, 0, sz);
	if (sz >= sizeof(diag->sz))
		diag->sz = sz;
}

int tetra__diag_check(const struct tetra_diag *out)
{
	if (out && out->sz < sizeof(size_t) + sizeof(uint32_t))
		return -EINVAL;
	return 0;
}

void tetra__diags_init(struct tetra__diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = file ? file : "<input>";
	d->d.sz = sizeof(d->d);
}

/* Copy @src into @dst (size @n) replacing control bytes, so one diagnostic is one line. */
static void copy_line(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
}

void tetra__vdiag(struct tetra__diags *d, int warning, struct tetra__pos pos, const char *field,
		  const char *fmt, va_list ap)
{
	char msg[TETRA_DIAG_MESSAGE_MAX - 16], raw[TETRA_DIAG_MESSAGE_MAX];
	char fieldbuf[TETRA_DIAG_FIELD_MAX];
	char line[TETRA_DIAG_FIELD_MAX + TETRA_DIAG_MESSAGE_MAX + 300];
	int n;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	copy_line(msg, sizeof(msg), raw);
	copy_line(fieldbuf, sizeof(fieldbuf), field && *field ? field : "-");

	if (warning)
		d->d.warnings++;
	else
		d->d.errors++;
	d->d.count++;

	/* The "first" diagnostic is the first error; a warning holds the slot until then. */
	if ((!warning && !d->have_first_error) || d->d.count == 1) {
		d->d.line = pos.line;
		d->d.column = pos.col;
		snprintf(d->d.field, sizeof(d->d.field), "%s", fieldbuf);
		snprintf(d->d.message, sizeof(d->d.message), "%s%s", warning ? "warning: " : "",
			 msg);
		if (!warning)
			d->have_first_error = 1;
	}

	n = snprintf(line, sizeof(line), "%s:%u:%u: %s: %s%s\n", d->file, pos.line, pos.col,
		     fieldbuf, warning ? "warning: " : "", msg);
	if (n < 0)
		return;
	/* Keep room for the "... N more" line. */
	if (d->dropped || d->text_len + (size_t)n + 40 >= sizeof(d->d.text)) {
		d->dropped++;
		d->d.truncated = 1;
		return;
	}
	memcpy(d->d.text + d->text_len, line, (size_t)n + 1);
	d->text_len += (size_t)n;
}

void tetra__diag(struct tetra__diags *d, int warning, struct tetra__pos pos, const char *field,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tetra__vdiag(d, warning, pos, field, fmt, ap);
	va_end(ap);
}

void tetra__diags_emit(struct tetra__diags *d, struct tetra_diag *out)
{
	size_t sz;

	if (d->dropped)
		snprintf(d->d.text + d->text_len, sizeof(d->d.text) - d->text_len,
			 "... %u more\n", d->dropped);
	if (!out)
		return;
	/* A caller built against an older, smaller struct gets the part it knows. */
	sz = out->sz < sizeof(d->d) ? out->sz : sizeof(d->d);
	memcpy(out, &d->d, sz);
	out->sz = sz;
	/* A cut through one of the strings still leaves it terminated. */
	if (sz > offsetof(struct tetra_diag, field) && sz < sizeof(d->d))
		((char *)out)[sz - 1] = '\0';
}

size_t tetra__levenshtein(const char *a, const char *b, size_t cap)
{
	/* Optimal string alignment distance (an adjacent swap is one edit), three rows;
	   words here are short, longer ones are simply "far". */
	size_t rows[3][65];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
	size_t la = strlen(a), lb = strlen(b);

	if (la > 64 || lb > 64)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best, *t;

		cur[0] = i;
		best = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? sub : del;
			if (ins < cur[j])
				cur[j] = ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
			if (cur[j] < best)
				best = cur[j];
		}
		if (best > cap)
			return cap + 1;
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void lower_copy(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++)
		dst[i] = (char)ascii_lower((unsigned char)src[i]);
	dst[i] = '\0';
}

const char *tetra__suggest(const char *word, const char *const *cands)
{
	char lw[65], lc[65];
	const char *best = NULL;
	size_t best_d = (size_t)-1, len, cap;

	if (!word || !*word || strlen(word) > 64)
		return NULL;
	lower_copy(lw, sizeof(lw), word);
	len = strlen(word);
	/* Close enough to be a typo: a third of the word, at least 1, at most 3 edits. */
	cap = len / 3;
	if (cap < 1)
		cap = 1;
	if (cap > 3)
		cap = 3;
	for (size_t i = 0; cands[i]; i++) {
		size_t dist;

		lower_copy(lc, sizeof(lc), cands[i]);
		/* A case-only difference is the best suggestion there is. */
		dist = strcmp(lw, lc) == 0 ? 0 : 1 + tetra__levenshtein(lw, lc, cap);
		if (dist <= cap + 1 && dist < best_d) {
			best_d = dist;
			best = cands[i];
		}
		/* "selector" vs "selectors", "matchArg" vs "matchArgs": a prefix typo. */
		if (best_d > 1 && len >= 4 && strncmp(lw, lc, len) == 0 && strlen(lc) <= len + 2) {
			best_d = 1;
			best = cands[i];
		}
	}
	return best;
}
