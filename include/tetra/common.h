/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: version, error codes and the visibility macro shared by every public header.
 */
#ifndef TETRA_COMMON_H
#define TETRA_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TETRA_API __attribute__((visibility("default")))
#else
#define TETRA_API
#endif

#define TETRA_VERSION_MAJOR 0
#define TETRA_VERSION_MINOR 1
#define TETRA_VERSION_PATCH 0

/*
 * Every fallible call returns 0 (or a count) on success and a negative number on failure:
 * either a negative errno (-EINVAL, -ENOMEM, ...) or one of the library codes below, also
 * negated. tetra_strerror() describes both; tetra_ctx_last_error() gives the full story.
 */
#define TETRA_ERR_BASE		4000
#define TETRA_E_PRIVILEGE	4001	/* a capability (CAP_BPF, CAP_PERFMON, ...) is missing */
#define TETRA_E_NOT_SUPPORTED	4002	/* the running kernel lacks a needed feature */
#define TETRA_E_BPF_LOAD	4003	/* the kernel refused to load a BPF program or map */
#define TETRA_E_BPF_ATTACH	4004	/* a loaded BPF program could not be attached */
#define TETRA_E_OPTS		4005	/* an options struct has unknown non-zero fields */
#define TETRA_E_STATE		4006	/* call not allowed now (e.g. dispatch from a callback) */
#define TETRA_E_BTF		4007	/* no usable kernel BTF */
#define TETRA_E_CALLBACK	4008	/* the event callback asked to stop dispatching */
#define TETRA_E_POLICY		4009	/* a policy is invalid */
#define TETRA_ERR_MAX		4010

/* "0.1.0". Thread-safe; the string is static. */
TETRA_API const char *tetra_version(void);

/*
 * A static description of @err, which may be negative or positive, an errno value or a
 * TETRA_E_* code. Unknown values give "unknown error". Thread-safe.
 */
TETRA_API const char *tetra_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_COMMON_H */
