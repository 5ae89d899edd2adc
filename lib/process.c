// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The process record: allocation, copies, exec_id and container id. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "process.h"

static char *dup_bytes(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

struct tetra_process *tetra__process_new(void)
{
	struct tetra_process *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->binary = dup_bytes("", 0);
	p->cwd = dup_bytes("", 0);
	if (!p->binary || !p->cwd) {
		tetra__process_free(p);
		return NULL;
	}
	return p;
}

void tetra__process_free(struct tetra_process *p)
{
	if (!p)
		return;
	free(p->binary);
	free(p->cwd);
	free(p->args);
	free(p->arguments);
	free(p);
}

static int replace(char **field, const char *s, size_t len)
{
	char *d = dup_bytes(s, len);

	if (!d)
		return -ENOMEM;
	free(*field);
	*field = d;
	return 0;
}

int tetra__process_set_binary(struct tetra_process *p, const char *s, size_t len)
{
	return replace(&p->binary, s, len);
}

int tetra__process_set_cwd(struct tetra_process *p, const char *s, size_t len)
{
	return replace(&p->cwd, s, len);
}

int tetra__process_set_args(struct tetra_process *p, const char *args, size_t len)
{
	char *d = NULL;
	uint32_t argc = 0;

	if (len) {
		/* dup_bytes adds a NUL, which ends the last argument if the kernel's did not */
		size_t n = args[len - 1] == '\0' ? len : len + 1;

		d = dup_bytes(args, len);
		if (!d)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			argc += d[i] == '\0';
		len = n;
	}
	free(p->args);
	free(p->arguments);
	p->args = d;
	p->args_len = len;
	p->argc = argc;
	p->arguments = NULL;
	return 0;
}

struct tetra_process *tetra__process_dup(const struct tetra_process *src)
{
	struct tetra_process *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	*p = *src;
	p->hash_next = p->lru_prev = p->lru_next = NULL;
	p->arguments = NULL;
	p->binary = dup_bytes(src->binary, strlen(src->binary));
	p->cwd = dup_bytes(src->cwd, strlen(src->cwd));
	p->args = src->args ? dup_bytes(src->args, src->args_len) : NULL;
	if (!p->binary || !p->cwd || (src->args && !p->args)) {
		tetra__process_free(p);
		return NULL;
	}
	return p;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t tetra__base64(char *dst, size_t len, const void *src, size_t n)
{
	const uint8_t *in = src;
	size_t o = 0;

	/* standard base64 with padding, as Go's base64.StdEncoding in Tetragon */
	for (size_t i = 0; i < n && o + 4 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t rem = n - i;

		if (rem > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rem > 2)
			v |= in[i + 2];
		dst[o++] = b64[(v >> 18) & 63];
		dst[o++] = b64[(v >> 12) & 63];
		dst[o++] = rem > 1 ? b64[(v >> 6) & 63] : '=';
		dst[o++] = rem > 2 ? b64[v & 63] : '=';
	}
	if (len)
		dst[o < len ? o : len - 1] = '\0';
	return o;
}

void tetra__exec_id(char *buf, size_t len, const char *node, uint64_t ktime, uint32_t pid)
{
	char raw[(TETRA_EXEC_ID_MAX / 4) * 3];
	int n = snprintf(raw, sizeof(raw), "%s:%" PRIu64 ":%" PRIu32, node ? node : "", ktime,
			 pid);

	if (n < 0 || (size_t)n >= sizeof(raw))
		n = (int)strlen(raw);
	tetra__base64(buf, len, raw, (size_t)n);
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void tetra__container_id_from_cgroup(char out[TETRA_CONTAINER_ID_MAX], const char *cgroup)
{
	const char *s = cgroup, *best = NULL;

	out[0] = '\0';
	if (!cgroup)
		return;
	/*
	 * docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope,
	 * or a bare <id> under docker/, kubepods/...: the innermost 64-hex run names the
	 * container.
	 */
	while (*s) {
		size_t n = 0;

		while (is_hex(s[n]))
			n++;
		if (n == 64 && (s == cgroup || !is_hex(s[-1])))
			best = s;
		s += n ? n : 1;
	}
	if (best) {
		memcpy(out, best, 64);
		out[64] = '\0';
	}
}

static int needs_quotes(const char *a)
{
	if (!*a)
		return 1;
	for (; *a; a++)
		if (*a == ' ' || *a == '\t' || *a == '\n' || *a == '"' || *a == '\\')
			return 1;
	return 0;
}

const char *tetra__process_arguments(struct tetra_process *p)
{
	size_t cap = 1, o = 0;
	const char *a;
	char *s;

	if (p->arguments)
		return p->arguments;
	if (p->argc < 2)
		return "";
	/* worst case every byte escaped, plus quotes and separators */
	cap += p->args_len * 2 + 3 * (size_t)p->argc;
	s = malloc(cap);
	if (!s)
		return "";
	a = p->args + strlen(p->args) + 1;	/* skip argv[0], like Tetragon */
	for (uint32_t i = 1; i < p->argc; i++) {
		int q = needs_quotes(a);

		if (i > 1)
			s[o++] = ' ';
		if (q)
			s[o++] = '"';
		for (const char *c = a; *c; c++) {
			if (q && (*c == '"' || *c == '\\'))
				s[o++] = '\\';
			s[o++] = *c;
		}
		if (q)
			s[o++] = '"';
		a += strlen(a) + 1;
	}
	s[o] = '\0';
	p->arguments = s;
	return s;
}
