/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * libtetra: what the running kernel lets BPF do, found by loading and attaching tiny
 * programs (never by reading version strings).
 */
#ifndef TETRA_FEATURES_H
#define TETRA_FEATURES_H

#include <tetra/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bit numbers in tetra_features.available; stable, append-only. */
#define TETRA_FEATURE_BTF		0	/* kernel BTF at /sys/kernel/btf/vmlinux */
#define TETRA_FEATURE_RINGBUF		1	/* BPF_MAP_TYPE_RINGBUF */
#define TETRA_FEATURE_TRACEPOINT	2	/* perf-event tracepoints (needs tracefs ids) */
#define TETRA_FEATURE_RAW_TP		3	/* raw tracepoints */
#define TETRA_FEATURE_TP_BTF		4	/* BTF-typed raw tracepoints */
#define TETRA_FEATURE_KPROBE		5	/* kprobes */
#define TETRA_FEATURE_KPROBE_MULTI	6	/* kprobe.multi links */
#define TETRA_FEATURE_FENTRY		7	/* fentry/fexit trampolines */
#define TETRA_FEATURE_LSM_ACTIVE	8	/* "bpf" is in the active LSM list */
#define TETRA_FEATURE_LSM_LOADABLE	9	/* a BPF LSM program loads and attaches */
#define TETRA_FEATURE_UPROBE		10	/* uprobes */
#define TETRA_FEATURE_CGROUP_SOCK_ADDR	11	/* cgroup connect4/6, sendmsg4/6 hooks */
#define TETRA_FEATURE_SEND_SIGNAL	12	/* bpf_send_signal() helper */
#define TETRA_FEATURE_OVERRIDE_RETURN	13	/* bpf_override_return() helper */
#define TETRA_FEATURE_COUNT		14

struct tetra_features {
	size_t sz;		/* sizeof(struct tetra_features), set by the caller */
	uint64_t available;	/* bit (1 << TETRA_FEATURE_x) set when usable */
	int32_t error[64];	/* for an unavailable feature: the negative errno of the probe */
};

/*
 * Probe the running kernel. @ret->sz must be set (see tetra_features_init()). Needs the
 * same privileges as loading BPF programs; without them every program-based feature is
 * reported unavailable with -EPERM and the call still returns 0. Returns 0 or -EINVAL.
 * Takes about 10 ms. Thread-safe: uses no shared state.
 */
TETRA_API int tetra_probe_features(struct tetra_features *ret);

/* Zero @f and set f->sz = @sz; for bindings that cannot use sizeof. */
TETRA_API void tetra_features_init(struct tetra_features *f, size_t sz);

/* "ringbuf", "kprobe", ... for a TETRA_FEATURE_* number; NULL when out of range. */
TETRA_API const char *tetra_feature_name(uint32_t feature);

#ifdef __cplusplus
}
#endif

#endif /* TETRA_FEATURES_H */
