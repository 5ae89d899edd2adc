// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * tetra_probe_features() against the real kernel: the answer matches what this machine
 * allows, nothing leaks (fds, kernel objects, mounts), and every perf-event feature the
 * probe reports without attaching really does attach and fire.
 *
 * TETRA_EXPECT_LOCKED_DOWN=1 says the kernel refuses kprobes, fentry and BPF LSM (our
 * development machines); TETRA_EXPECT_FULL_KERNEL=1 says it has all three and BPF is an
 * active LSM (the Debian kernel of the VM lane). Without either, they are not asserted.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/perf_event.h>
#include <tetra/tetra.h>

#include "harness.h"

#define BIT(f) (UINT64_C(1) << (f))

/* What every kernel we test on has. */
static const unsigned int always_here[] = {
	TETRA_FEATURE_BTF,
	TETRA_FEATURE_RINGBUF,
	TETRA_FEATURE_TRACEPOINT,
	TETRA_FEATURE_RAW_TP,
	TETRA_FEATURE_TP_BTF,
	TETRA_FEATURE_UPROBE,
	TETRA_FEATURE_CGROUP_SOCK_ADDR,
	TETRA_FEATURE_SEND_SIGNAL,
};

/* What a locked-down kernel refuses. */
static const unsigned int full_kernel[] = {
	TETRA_FEATURE_KPROBE,
	TETRA_FEATURE_FENTRY,
	TETRA_FEATURE_LSM_ACTIVE,
	TETRA_FEATURE_LSM_LOADABLE,
};

static const unsigned int locked_down[] = {
	TETRA_FEATURE_KPROBE,
	TETRA_FEATURE_KPROBE_MULTI,
	TETRA_FEATURE_FENTRY,
	TETRA_FEATURE_LSM_LOADABLE,
	TETRA_FEATURE_OVERRIDE_RETURN,
};

static int env_is(const char *name, const char *val)
{
	const char *v = getenv(name);

	return v && !strcmp(v, val);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/* Is any tracefs mounted in our mount namespace? */
static int tracefs_mounted(void)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	cr_assert_not_null(f);
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, " - tracefs ") != NULL;
	free(line);
	fclose(f);
	return found;
}

/* Programs and maps the probe creates are all named "tetra_probe": count live ones. */
static int count_probe_objects(void)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;	/* freed meanwhile */
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, "tetra_probe"))
			n++;
		close(fd);
	}
	id = 0;
	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, "tetra_probe"))
			n++;
		close(fd);
	}
	return n;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void probe(struct tetra_features *f)
{
	double t;

	tetra_features_init(f, sizeof(*f));
	t = now_ms();
	cr_assert_eq(tetra_probe_features(f), 0);
	cr_log_info("tetra_probe_features: %.1f ms", now_ms() - t);
	for (unsigned int i = 0; i < TETRA_FEATURE_COUNT; i++)
		cr_log_info("  %-17s %s %d", tetra_feature_name(i),
			    f->available & BIT(i) ? "yes" : "no ", f->error[i]);
}

Test(features, matches_this_kernel_and_leaks_nothing)
{
	struct tetra_features f;
	int fds, mounted;

	th_require_bpf();
	fds = count_fds();
	mounted = tracefs_mounted();
	probe(&f);
	cr_assert_eq(count_fds(), fds, "the probe leaked %d fds", count_fds() - fds);
	cr_assert_eq(tracefs_mounted(), mounted, "the probe changed our tracefs mounts");

	for (unsigned int i = 0; i < 64; i++) {
		if (f.available & BIT(i))
			cr_assert_eq(f.error[i], 0, "feature %u available with an error", i);
		else if (i < TETRA_FEATURE_COUNT)
			cr_assert_lt(f.error[i], 0, "%s unavailable, no errno",
				     tetra_feature_name(i));
		else
			cr_assert_eq(f.error[i], 0);
	}
	for (size_t i = 0; i < sizeof(always_here) / sizeof(always_here[0]); i++)
		cr_assert(f.available & BIT(always_here[i]), "%s unavailable: %s",
			  tetra_feature_name(always_here[i]),
			  strerror(-f.error[always_here[i]]));
	if (env_is("TETRA_EXPECT_LOCKED_DOWN", "1"))
		for (size_t i = 0; i < sizeof(locked_down) / sizeof(locked_down[0]); i++)
			cr_assert_not(f.available & BIT(locked_down[i]),
				      "%s available on a kernel said to be locked down",
				      tetra_feature_name(locked_down[i]));
	if (env_is("TETRA_EXPECT_FULL_KERNEL", "1"))
		for (size_t i = 0; i < sizeof(full_kernel) / sizeof(full_kernel[0]); i++)
			cr_assert(f.available & BIT(full_kernel[i]),
				  "%s unavailable on a full-featured kernel: %s",
				  tetra_feature_name(full_kernel[i]),
				  strerror(-f.error[full_kernel[i]]));
	/* bpf_override_return() is only any use from kprobes */
	if (f.available & BIT(TETRA_FEATURE_OVERRIDE_RETURN))
		cr_assert(f.available & BIT(TETRA_FEATURE_KPROBE));
}

Test(features, repeated_probes_leave_no_kernel_objects)
{
	struct tetra_features f;
	int fds, objs;

	th_require_bpf();
	fds = count_fds();
	objs = count_probe_objects();
	for (int i = 0; i < 10; i++) {
		tetra_features_init(&f, sizeof(f));
		cr_assert_eq(tetra_probe_features(&f), 0);
	}
	cr_assert_eq(count_fds(), fds);
	/*
	 * A raw_tp or tracing link drops its program only after an RCU grace period, so the
	 * last probe's programs may linger for some ms after it returned: wait, up to 5 s.
	 */
	/*
	 * At most as many as before: objects of an earlier probe may still be going away
	 * when the baseline is taken, so fewer is fine; more is a leak.
	 */
	for (int i = 0; i < 500 && count_probe_objects() > objs; i++)
		usleep(10000);
	cr_assert_leq(count_probe_objects(), objs, "programs or maps named tetra_probe remain");
}

/*
 * The probe does not open perf events (closing one costs the kernel tens of ms), so check
 * here that what it reports available really attaches, and fires: a program that counts
 * its runs in an array map.
 */
static int counter_prog(enum bpf_prog_type type, int map)
{
	const struct bpf_insn insns[] = {
		/* u32 key = 0 */
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = map },
		{ .code = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1,
		  .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(type, "tetra_test", "GPL", insns, sizeof(insns) / sizeof(insns[0]),
			       NULL);

	cr_assert_geq(fd, 0, "load counter program: %s", strerror(-fd));
	return fd;
}

static __u64 counter_value(int map)
{
	__u32 key = 0;
	__u64 v = 0;

	cr_assert_eq(bpf_map_lookup_elem(map, &key, &v), 0);
	return v;
}

static int attach_perf(int prog, __u32 type, __u64 config, __u64 config1, __u64 config2)
{
	struct perf_event_attr attr;
	int pfd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.config1 = config1;
	attr.config2 = config2;
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	cr_assert_geq(pfd, 0, "perf_event_open type %u: %s", type, strerror(errno));
	cr_assert_eq(ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog), 0, "SET_BPF: %s", strerror(errno));
	cr_assert_eq(ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0), 0);
	return pfd;
}

static int pmu_type(const char *pmu)
{
	char path[128];
	int type = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	f = fopen(path, "re");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fscanf(f, "%d", &type), 1);
	fclose(f);
	return type;
}

/* The tracepoint id, from a child that mounts tracefs privately when it must. */
static int tracepoint_id(const char *category, const char *name)
{
	char path[256];
	int p[2], id = -1, status;
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/%s/id", category, name);
		if (access(path, R_OK) &&
		    (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) ||
		     mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)))
			_exit(1);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%d", &id) != 1 || write(p[1], &id, sizeof(id)) != sizeof(id))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	cr_assert_eq(read(p[0], &id, sizeof(id)), sizeof(id), "no tracepoint id from the child");
	close(p[0]);
	waitpid(pid, &status, 0);
	return id;
}

/* Never inlined or folded: the uprobe goes on its first instruction. */
__attribute__((noinline)) void tetra_test_uprobe_target(void);
__attribute__((noinline)) void tetra_test_uprobe_target(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/* File and offset of this process's code at @addr, from /proc/self/maps. */
static void code_location(uintptr_t addr, char *path, size_t len, __u64 *off)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	cr_assert_not_null(f);
	while (!found && getline(&line, &cap, f) > 0) {
		unsigned long start, end, pgoff;
		int pos = 0;

		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &start, &end, &pgoff, &pos) != 3 ||
		    !pos || addr < start || addr >= end)
			continue;
		line[pos + strcspn(line + pos, "\n")] = '\0';
		snprintf(path, len, "%s", line + pos);
		*off = addr - start + pgoff;
		found = 1;
	}
	free(line);
	fclose(f);
	cr_assert(found && path[0] == '/', "no file mapping for %#lx", (unsigned long)addr);
}

Test(features, reported_perf_hooks_really_attach_and_fire)
{
	void (*volatile target)(void) = tetra_test_uprobe_target;
	struct tetra_features f;
	int map, prog, pfd, fds;
	pid_t pid;

	th_require_bpf();
	probe(&f);
	map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tetra_test", 4, 8, 1, NULL);
	cr_assert_geq(map, 0);
	fds = count_fds();

	if (f.available & BIT(TETRA_FEATURE_TRACEPOINT)) {
		int id = tracepoint_id("sched", "sched_process_exec");

		prog = counter_prog(BPF_PROG_TYPE_TRACEPOINT, map);
		pfd = attach_perf(prog, PERF_TYPE_TRACEPOINT, (__u64)id, 0, 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
		cr_assert_geq(counter_value(map), 1, "sched_process_exec never fired");
		close(pfd);
		close(prog);
	}

	if (f.available & BIT(TETRA_FEATURE_UPROBE)) {
		char path[4096];
		__u64 off, before;

		code_location((uintptr_t)tetra_test_uprobe_target, path, sizeof(path), &off);
		prog = counter_prog(BPF_PROG_TYPE_KPROBE, map);
		pfd = attach_perf(prog, (__u32)pmu_type("uprobe"), 0, (__u64)(uintptr_t)path, off);
		before = counter_value(map);
		target();
		target();
		cr_assert_eq(counter_value(map) - before, 2, "uprobe on %s+%#llx fired %llu times",
			     path, (unsigned long long)off,
			     (unsigned long long)(counter_value(map) - before));
		close(pfd);
		close(prog);
	}

	if (f.available & BIT(TETRA_FEATURE_KPROBE)) {
		struct timespec ts = { 0, 1 };
		__u64 before;

		prog = counter_prog(BPF_PROG_TYPE_KPROBE, map);
		pfd = attach_perf(prog, (__u32)pmu_type("kprobe"), 0,
				  (__u64)(uintptr_t) "do_nanosleep", 0);
		before = counter_value(map);
		nanosleep(&ts, NULL);
		cr_assert_geq(counter_value(map) - before, 1, "kprobe on do_nanosleep never fired");
		close(pfd);
		close(prog);
	}
	cr_assert_eq(count_fds(), fds);
	close(map);
}
