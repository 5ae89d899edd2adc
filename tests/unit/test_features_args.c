// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * tetra_probe_features() without privileges: argument checks, feature names, the options
 * initializer, the all--EPERM answer an unprivileged caller gets, and the tracefs helpers.
 * Criterion runs every test in its own process, so a test may drop its privileges.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <tetra/tetra.h>

#include "tracefs.h"

#define BIT(f) (UINT64_C(1) << (f))

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "opendir /proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

static int tracefs_mounted(void)
{
	char mnt[512];

	return tetra__find_mount("tracefs", mnt, sizeof(mnt)) == 0;
}

/* Become "nobody" when running as root, so the unprivileged answer is tested everywhere. */
static void drop_privileges(void)
{
	if (geteuid() != 0)
		return;
	cr_assert_eq(setgroups(0, NULL), 0);
	cr_assert_eq(setresgid(65534, 65534, 65534), 0);
	cr_assert_eq(setresuid(65534, 65534, 65534), 0);
	/* A uid change makes us non-dumpable, which would hide /proc/self/fd from us. */
	cr_assert_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
}

static int unprivileged_bpf_disabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/unprivileged_bpf_disabled", "re");
	int v = 1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1;
		fclose(f);
	}
	return v;
}

/* Invariants of every answer: errors exactly for the unavailable, known, features. */
static void assert_consistent(const struct tetra_features *f)
{
	for (unsigned int i = 0; i < 64; i++) {
		if (i >= TETRA_FEATURE_COUNT) {
			cr_assert_eq(f->available & BIT(i), 0, "bit %u", i);
			cr_assert_eq(f->error[i], 0, "error[%u]", i);
		} else if (f->available & BIT(i)) {
			cr_assert_eq(f->error[i], 0, "%s available with error %d",
				     tetra_feature_name(i), f->error[i]);
		} else {
			cr_assert_lt(f->error[i], 0, "%s unavailable without an error",
				     tetra_feature_name(i));
		}
	}
}

Test(features_args, null_is_einval)
{
	cr_assert_eq(tetra_probe_features(NULL), -EINVAL);
}

Test(features_args, sz_too_small_is_einval_and_touches_nothing)
{
	const size_t bad[] = { 0, 1, sizeof(size_t), offsetof(struct tetra_features, error) - 1 };
	struct tetra_features f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&f, 0xa5, sizeof(f));
		f.sz = bad[i];
		cr_assert_eq(tetra_probe_features(&f), -EINVAL, "sz %zu", bad[i]);
		cr_assert_eq(f.sz, bad[i]);
		cr_assert_eq(f.available, UINT64_C(0xa5a5a5a5a5a5a5a5), "sz %zu", bad[i]);
	}
}

Test(features_args, larger_sz_with_nonzero_tail_is_einval)
{
	struct {
		struct tetra_features f;
		uint64_t newer[2];	/* fields of a future version we do not know */
	} big;

	memset(&big, 0, sizeof(big));
	big.f.sz = sizeof(big);
	big.newer[1] = 1;
	cr_assert_eq(tetra_probe_features(&big.f), -EINVAL);
	cr_assert_eq(big.f.available, 0);
	cr_assert_eq(big.newer[1], 1);
}

Test(features_args, larger_sz_with_zero_tail_is_accepted_and_tail_untouched)
{
	struct {
		struct tetra_features f;
		uint64_t newer[2];
	} big;

	memset(&big, 0, sizeof(big));
	big.f.sz = sizeof(big);
	cr_assert_eq(tetra_probe_features(&big.f), 0);
	cr_assert_eq(big.f.sz, sizeof(big));
	cr_assert_eq(big.newer[0], 0);
	cr_assert_eq(big.newer[1], 0);
	assert_consistent(&big.f);
}

Test(features_args, smaller_sz_writes_only_sz_bytes)
{
	/* As from an older header whose error[] held two entries. */
	const size_t sz = offsetof(struct tetra_features, error) + 2 * sizeof(int32_t);
	struct tetra_features f;

	memset(&f, 0xa5, sizeof(f));
	f.sz = sz;
	cr_assert_eq(tetra_probe_features(&f), 0);
	cr_assert_eq(f.sz, sz);
	cr_assert_eq(f.available & ~(BIT(TETRA_FEATURE_COUNT) - 1), 0);
	cr_assert_leq(f.error[0], 0);
	cr_assert_leq(f.error[1], 0);
	for (int i = 2; i < 64; i++)
		cr_assert_eq((uint32_t)f.error[i], 0xa5a5a5a5u, "error[%d] written", i);
}

Test(features_args, every_feature_has_its_name)
{
	static const char *const want[TETRA_FEATURE_COUNT] = {
		[TETRA_FEATURE_BTF] = "btf",
		[TETRA_FEATURE_RINGBUF] = "ringbuf",
		[TETRA_FEATURE_TRACEPOINT] = "tracepoint",
		[TETRA_FEATURE_RAW_TP] = "raw_tp",
		[TETRA_FEATURE_TP_BTF] = "tp_btf",
		[TETRA_FEATURE_KPROBE] = "kprobe",
		[TETRA_FEATURE_KPROBE_MULTI] = "kprobe_multi",
		[TETRA_FEATURE_FENTRY] = "fentry",
		[TETRA_FEATURE_LSM_ACTIVE] = "lsm_active",
		[TETRA_FEATURE_LSM_LOADABLE] = "lsm_loadable",
		[TETRA_FEATURE_UPROBE] = "uprobe",
		[TETRA_FEATURE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
		[TETRA_FEATURE_SEND_SIGNAL] = "send_signal",
		[TETRA_FEATURE_OVERRIDE_RETURN] = "override_return",
	};

	for (uint32_t i = 0; i < TETRA_FEATURE_COUNT; i++) {
		cr_assert_not_null(want[i], "test table misses feature %u", i);
		cr_assert_not_null(tetra_feature_name(i), "feature %u", i);
		cr_assert_str_eq(tetra_feature_name(i), want[i]);
	}
}

Test(features_args, name_out_of_range_is_null)
{
	cr_assert_null(tetra_feature_name(TETRA_FEATURE_COUNT));
	cr_assert_null(tetra_feature_name(63));
	cr_assert_null(tetra_feature_name(64));
	cr_assert_null(tetra_feature_name(UINT32_MAX));
}

Test(features_args, init_zeroes_and_sets_sz)
{
	struct tetra_features f;
	const unsigned char *b = (const unsigned char *)&f;

	memset(&f, 0xa5, sizeof(f));
	tetra_features_init(&f, sizeof(f));
	cr_assert_eq(f.sz, sizeof(f));
	for (size_t i = sizeof(f.sz); i < sizeof(f); i++)
		cr_assert_eq(b[i], 0, "byte %zu", i);
	cr_assert_eq(tetra_probe_features(&f), 0);
	assert_consistent(&f);
}

Test(features_args, init_writes_only_sz_bytes)
{
	union {
		struct tetra_features f;
		unsigned char b[sizeof(struct tetra_features)];
	} u;

	tetra_features_init(NULL, sizeof(u.f));	/* must not crash */

	memset(&u, 0xa5, sizeof(u));
	tetra_features_init(&u.f, 16);
	cr_assert_eq(u.f.sz, 16);
	cr_assert_eq(u.f.available, 0);
	for (size_t i = 16; i < sizeof(u); i++)
		cr_assert_eq(u.b[i], 0xa5, "byte %zu", i);

	/* Too small to hold sz: zeroed, and then rejected by the probe. */
	memset(&u, 0xa5, sizeof(u));
	tetra_features_init(&u.f, 4);
	for (size_t i = 0; i < sizeof(u); i++)
		cr_assert_eq(u.b[i], i < 4 ? 0 : 0xa5, "byte %zu", i);
}

Test(features_args, unprivileged_caller_gets_eperm_and_no_leak)
{
	static const unsigned int need_privilege[] = {
		TETRA_FEATURE_TRACEPOINT,	TETRA_FEATURE_RAW_TP,
		TETRA_FEATURE_TP_BTF,		TETRA_FEATURE_KPROBE,
		TETRA_FEATURE_KPROBE_MULTI,	TETRA_FEATURE_FENTRY,
		TETRA_FEATURE_LSM_LOADABLE,	TETRA_FEATURE_UPROBE,
		TETRA_FEATURE_CGROUP_SOCK_ADDR,	TETRA_FEATURE_SEND_SIGNAL,
		TETRA_FEATURE_OVERRIDE_RETURN,
	};
	struct tetra_features f;
	int fds, mounted;

	drop_privileges();
	fds = count_fds();
	mounted = tracefs_mounted();
	tetra_features_init(&f, sizeof(f));
	cr_assert_eq(tetra_probe_features(&f), 0);
	assert_consistent(&f);
	cr_assert_eq(count_fds(), fds, "fds leaked");
	cr_assert_eq(tracefs_mounted(), mounted);

	for (size_t i = 0; i < sizeof(need_privilege) / sizeof(need_privilege[0]); i++) {
		unsigned int bit = need_privilege[i];
		int btf_based = bit == TETRA_FEATURE_TP_BTF || bit == TETRA_FEATURE_FENTRY ||
				bit == TETRA_FEATURE_LSM_LOADABLE;

		cr_assert_eq(f.available & BIT(bit), 0, "%s available without privileges",
			     tetra_feature_name(bit));
		/* Without kernel BTF those fail on the missing BTF before any load. */
		if (btf_based && !(f.available & BIT(TETRA_FEATURE_BTF)))
			cr_assert_eq(f.error[bit], f.error[TETRA_FEATURE_BTF]);
		else
			cr_assert_eq(f.error[bit], -EPERM, "%s: %d", tetra_feature_name(bit),
				     f.error[bit]);
	}
	/* Ring buffers are one of the maps unprivileged BPF may create, when it is on. */
	if (unprivileged_bpf_disabled()) {
		cr_assert_eq(f.available & BIT(TETRA_FEATURE_RINGBUF), 0);
		cr_assert_eq(f.error[TETRA_FEATURE_RINGBUF], -EPERM);
	}
}

Test(tracefs, event_id_rejects_bad_names)
{
	char longname[300];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	cr_assert_eq(tetra__tracefs_event_id(NULL, "sched_process_exec"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("sched", NULL), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("", "sched_process_exec"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("sched", ""), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("..", "sched/sched_process_exec"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("sched", "../sched/sched_process_exec"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("sched/..", "sched_process_exec"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id(".", "x"), -EINVAL);
	cr_assert_eq(tetra__tracefs_event_id("sched", longname), -EINVAL);
}

Test(tracefs, find_mount)
{
	char buf[512];

	cr_assert_eq(tetra__find_mount(NULL, buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(tetra__find_mount("", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(tetra__find_mount("proc", NULL, sizeof(buf)), -EINVAL);
	cr_assert_eq(tetra__find_mount("proc", buf, 0), -EINVAL);
	cr_assert_eq(tetra__find_mount("no-such-fs-type", buf, sizeof(buf)), -ENOENT);
	/* "proc" must not match "procfoo" or a prefix of another type */
	cr_assert_eq(tetra__find_mount("pro", buf, sizeof(buf)), -ENOENT);
	cr_assert_eq(tetra__find_mount("proc", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "/proc");
	cr_assert_eq(tetra__find_mount("proc", buf, 5), -ENAMETOOLONG);
	cr_assert_eq(tetra__find_mount("proc", buf, 6), 0);
}

/*
 * As root this takes the private-namespace path when tracefs is not mounted here: the id
 * must come back and our own mounts stay as they were. Without privileges that path, or
 * reading a root-only tracefs, can only fail, with the errno the kernel gave.
 */
Test(tracefs, event_id_leaves_no_mount_and_no_fd)
{
	int fds = count_fds(), mounted = tracefs_mounted();
	int id = tetra__tracefs_event_id("sched", "sched_process_exec");

	if (geteuid() == 0) {
		cr_assert_gt(id, 0, "sched_process_exec id: %d", id);
		cr_assert_eq(tetra__tracefs_event_id("sched", "sched_process_exec"), id);
		cr_assert_eq(tetra__tracefs_event_id("sched", "no_such_event"), -ENOENT);
		cr_assert_eq(tetra__tracefs_event_id("no_such_category", "x"), -ENOENT);
	} else {
		cr_assert(id > 0 || id == -EPERM || id == -EACCES, "unprivileged: %d", id);
	}
	cr_assert_eq(count_fds(), fds, "fds leaked");
	cr_assert_eq(tracefs_mounted(), mounted, "tracefs mount state changed");
}

/* Root only: the same id whether tracefs is mounted here or only in the helper's namespace. */
Test(tracefs, mounted_and_private_paths_agree)
{
	char mnt[512];
	int forked, mounted;

	if (geteuid() != 0)
		cr_skip_test("needs root to mount tracefs");
	forked = tetra__tracefs_event_id("sched", "sched_process_exec");
	cr_assert_gt(forked, 0);
	/* Our own private namespace: Criterion runs this test in a process of its own. */
	cr_assert_eq(unshare(CLONE_NEWNS), 0);
	cr_assert_eq(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL), 0);
	if (!tracefs_mounted())
		cr_assert_eq(mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL), 0);
	cr_assert_eq(tetra__find_mount("tracefs", mnt, sizeof(mnt)), 0);
	mounted = tetra__tracefs_event_id("sched", "sched_process_exec");
	cr_assert_eq(mounted, forked, "id %d from %s, %d from the private mount", mounted, mnt,
		     forked);
	cr_assert_eq(tetra__tracefs_event_id("sched", "no_such_event"), -ENOENT);
}
