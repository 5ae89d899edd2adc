/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: what every library source file needs. */
#ifndef TETRA_LIB_LIB_H
#define TETRA_LIB_LIB_H

#include <stddef.h>
#include <string.h>

#include <tetra/tetra.h>

#define TETRA_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Sized options, as libbpf's OPTS_VALID: a caller built against an older header passes a
 * smaller sz (fields past it read as 0); a newer one may pass a larger sz, accepted only
 * when every byte past the fields we know is zero.
 */
int tetra__opts_valid(const void *opts, size_t user_sz, size_t known_sz);
/* The value of @field when the caller's struct is large enough to hold it, else 0. */
#define TETRA_OPT(opts, type, field)                                                        \
	((opts) && (opts)->sz >= offsetof(type, field) + sizeof((opts)->field) ? (opts)->field : 0)

#endif /* TETRA_LIB_LIB_H */
