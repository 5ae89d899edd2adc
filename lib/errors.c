// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Version and error strings. */
#include <errno.h>
#include <string.h>

#include "lib.h"

#define STR2(x) #x
#define STR(x) STR2(x)

TETRA_API const char *tetra_version(void)
{
	return STR(TETRA_VERSION_MAJOR) "." STR(TETRA_VERSION_MINOR) "." STR(TETRA_VERSION_PATCH);
}

static const char *const lib_errors[TETRA_ERR_MAX - TETRA_ERR_BASE] = {
	[TETRA_E_PRIVILEGE - TETRA_ERR_BASE] =
		"missing privileges (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)",
	[TETRA_E_NOT_SUPPORTED - TETRA_ERR_BASE] = "not supported by the running kernel",
	[TETRA_E_BPF_LOAD - TETRA_ERR_BASE] = "the kernel refused to load a BPF program or map",
	[TETRA_E_BPF_ATTACH - TETRA_ERR_BASE] = "a BPF program could not be attached",
	[TETRA_E_OPTS - TETRA_ERR_BASE] = "options struct has unknown non-zero fields",
	[TETRA_E_STATE - TETRA_ERR_BASE] = "call not allowed in the current state",
	[TETRA_E_BTF - TETRA_ERR_BASE] = "no usable kernel BTF",
	[TETRA_E_CALLBACK - TETRA_ERR_BASE] = "the event callback stopped dispatching",
	[TETRA_E_POLICY - TETRA_ERR_BASE] = "invalid policy",
};

/*
 * strerror() is neither thread-safe nor static in every libc, so the errno texts we
 * expect to hand out are spelled here; the rest fall back to strerrordesc_np().
 */
TETRA_API const char *tetra_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "success";
	if (err > TETRA_ERR_BASE && err < TETRA_ERR_MAX)
		return lib_errors[err - TETRA_ERR_BASE];
	if (err < TETRA_ERR_BASE) {
		const char *s = strerrordesc_np(err);

		if (s)
			return s;
	}
	return "unknown error";
}

int tetra__opts_valid(const void *opts, size_t user_sz, size_t known_sz)
{
	const unsigned char *p = opts;

	if (!opts)
		return 0;
	if (user_sz < sizeof(size_t))
		return -EINVAL;
	for (size_t i = known_sz; i < user_sz; i++)
		if (p[i])
			return -TETRA_E_OPTS;
	return 0;
}
