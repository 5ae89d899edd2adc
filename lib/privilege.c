// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Name the capability that is missing instead of surfacing a bare EPERM. */
#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sensor.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int effective_caps(uint64_t *caps)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	*caps = (uint64_t)data[1].effective << 32 | data[0].effective;
	return 0;
}

int tetra__check_bpf_privileges(struct tetra_ctx *ctx, const char *what)
{
	uint64_t caps = 0;
	int has_admin, has_bpf, has_perfmon;

	if (effective_caps(&caps))
		return 0;	/* cannot tell: let the kernel decide */
	has_admin = !!(caps & (1ull << CAP_SYS_ADMIN));
	has_bpf = !!(caps & (1ull << CAP_BPF));
	has_perfmon = !!(caps & (1ull << CAP_PERFMON));
	if (has_admin || (has_bpf && has_perfmon))
		return 0;
	if (!has_bpf && !has_perfmon)
		return tetra__error(ctx, -TETRA_E_PRIVILEGE,
				    "%s: needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); "
				    "the process has neither", what);
	return tetra__error(ctx, -TETRA_E_PRIVILEGE,
			    "%s: needs %s (or CAP_SYS_ADMIN) to load tracing programs", what,
			    has_bpf ? "CAP_PERFMON" : "CAP_BPF");
}
