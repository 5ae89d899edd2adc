// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Seeding the process cache from /proc: fake proc trees built in a temp dir check every
 * field and the odd shapes (comm with parentheses, kernel threads, hybrid cgroups, processes
 * vanishing); the real /proc checks the test process and a child it starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include <criterion/criterion.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "process_cache.h"

#define NODE "test-node"
#define OFFSET_NS 1700000000000000000ull
#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* short, so that paths built from them provably fit PATH_MAX */
static char tmpdir[64];
static char root[128];

static void rm_rf(const char *path)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	cr_assert_eq(system(cmd), 0);
}

static void setup_tree(void)
{
	strcpy(tmpdir, "/tmp/tetra-proc-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(root, sizeof(root), "%s/proc", tmpdir);
	cr_assert_eq(mkdir(root, 0755), 0);
}

static void teardown_tree(void)
{
	if (tmpdir[0])
		rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

static void fmt_path(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = snprintf(buf, size, "%s/", root);

	vsnprintf(buf + n, size - (size_t)n, fmt, ap);
}

static void mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(buf, 0755);
		*s = '/';
	}
	mkdir(buf, 0755);
}

/* Write @len bytes at root/<fmt...>, creating the directories on the way. */
static void put(const void *data, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	fmt_path(path, sizeof(path), fmt, ap);
	va_end(ap);
	*strrchr(path, '/') = '\0';
	mkdir_p(path);
	path[strlen(path)] = '/';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

static void put_str(const char *s, const char *name, uint32_t pid)
{
	put(s, strlen(s), "%u/%s", pid, name);
}

static void put_link(const char *target, const char *name, uint32_t pid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u/%s", root, pid, name);
	*strrchr(path, '/') = '\0';
	mkdir_p(path);
	path[strlen(path)] = '/';
	cr_assert_eq(symlink(target, path), 0, "%s: %s", path, strerror(errno));
}

/* A stat line shaped like the kernel's: 52 fields, ppid in 4, starttime in 22. */
static void put_stat(uint32_t pid, const char *comm, uint32_t ppid, uint64_t starttime)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "%u (%s) S %u %u %u 0 -1 4194560 1160 0 0 0 3 1 0 0 20 0 1 0 %llu 22937600 "
		 "2611 18446744073709551615 94613447364608 94613447899281 140722011540848 0 0 0 "
		 "65536 4 65538 1 0 0 17 3 0 0 0 0 0 94613448030864 94613448053504 "
		 "94613461843968 140722011545397 140722011545417 140722011545417 "
		 "140722011549675 0\n",
		 pid, comm, ppid, pid, pid, (unsigned long long)starttime);
	put_str(buf, "stat", pid);
}

static void put_status(uint32_t pid, const char *uids, const char *gids, const char *inh,
		       const char *prm, const char *eff)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%u\nNgid:\t0\nPid:\t%u\n"
		 "PPid:\t1\nTracerPid:\t0\nUid:\t%s\nGid:\t%s\nFDSize:\t64\nGroups:\t4 24 27 \n"
		 "NStgid:\t%u\nVmRSS:\t   1234 kB\nThreads:\t1\nSigQ:\t0/31197\n"
		 "CapInh:\t%s\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t000001ffffffffff\n"
		 "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n",
		 pid, pid, uids, gids, pid, inh, prm, eff);
	put_str(buf, "status", pid);
}

/* ns/<name> -> "<kind>:[base + i]" for all ten */
static void put_ns(uint32_t pid, uint32_t base)
{
	static const char *const names[] = { "uts", "ipc", "mnt", "pid", "pid_for_children",
					     "net", "time", "time_for_children", "cgroup", "user" };
	static const char *const kinds[] = { "uts", "ipc", "mnt", "pid", "pid", "net", "time",
					     "time", "cgroup", "user" };
	char target[64], name[64];

	for (size_t i = 0; i < 10; i++) {
		snprintf(target, sizeof(target), "%s:[%u]", kinds[i], base + (uint32_t)i);
		snprintf(name, sizeof(name), "ns/%s", names[i]);
		put_link(target, name, pid);
	}
}

static uint64_t ticks_ns(uint64_t ticks)
{
	return ticks * 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
}

static void exec_id(char *buf, uint64_t ticks, uint32_t pid)
{
	tetra__exec_id(buf, TETRA_EXEC_ID_MAX, NODE, ticks_ns(ticks), pid);
}

static struct tetra__process_cache *seed_root(uint32_t capacity, int expect)
{
	struct tetra__proc_seed seed = {
		.proc_root = root, .node_name = NODE, .realtime_offset_ns = OFFSET_NS,
	};
	struct tetra__process_cache *c = NULL;

	cr_assert_eq(tetra__process_cache_new(&c, capacity), 0);
	cr_assert_eq(tetra__process_cache_seed(c, &seed), expect);
	return c;
}

static uint64_t inode_of(const char *path)
{
	struct stat sb;

	cr_assert_eq(stat(path, &sb), 0, "%s: %s", path, strerror(errno));
	return (uint64_t)sb.st_ino;
}

/* A cgroup2 mount in the fake mountinfo: @dir mounted with hierarchy root @mroot */
static void put_mountinfo(const char *escaped_dir, const char *mroot)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
		 "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
		 "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		 "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		 "41 31 0:38 %s %s rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
		 "rw,nsdelegate\n"
		 "42 31 0:39 / /somewhere/else rw,relatime - cgroup2 cgroup2 rw\n",
		 mroot, escaped_dir);
	put(buf, strlen(buf), "self/mountinfo");
}

/*
 * The tree the field tests share:
 *   1    init, cwd /home, v1 memory cgroup names a container, no loginuid
 *   2    kernel thread: no exe, empty cmdline
 *   100  comm "(a) b)", child of 1, docker cgroup v2, loginuid 1000, cwd "/"
 *   101  child of 100, its parent's exec_id to be linked
 *   500  parent 999 not in the tree
 */
static void build_tree(void)
{
	static const char cmdline[] = "/usr/bin/foo\0--bar\0baz qux\0";
	static const char cgroup_hybrid[] = "12:pids:/\n4:memory:/docker/" ID_B "\n"
					    "1:name=systemd:/init.scope\n0::/init.scope\n";
	char cg[PATH_MAX], mnt[256];

	put_stat(1, "systemd", 0, 2);
	put_status(1, "0\t0\t0\t0", "0\t0\t0\t0", "0000000000000000", "000001ffffffffff",
		   "000001ffffffffff");
	put("/sbin/init\0splash\0", 18, "1/cmdline");
	put_link("/usr/lib/systemd/systemd", "exe", 1);
	put_link("/home", "cwd", 1);
	put_ns(1, 4026531000u);
	put_str(cgroup_hybrid, "cgroup", 1);

	put_stat(2, "kthreadd", 0, 3);
	put_status(2, "0\t0\t0\t0", "0\t0\t0\t0", "0000000000000000", "000001ffffffffff",
		   "000001ffffffffff");
	put("", 0, "2/cmdline");
	put_link("/", "cwd", 2);
	put_str("0::/\n", "cgroup", 2);

	put_stat(100, "(a) b)", 1, 12345);
	put_status(100, "1000\t1001\t1002\t1003", "2000\t2001\t2002\t2003", "0000000000000001",
		   "000001ffFFffffff", "0000000000a80425");
	put(cmdline, sizeof(cmdline) - 1, "100/cmdline");
	put_link("/usr/bin/foo", "exe", 100);
	put_link("/", "cwd", 100);
	put_str("1000", "loginuid", 100);
	put_ns(100, 4026532000u);
	put_str("0::/system.slice/docker-" ID_A ".scope\n", "cgroup", 100);

	put_stat(101, "sh", 100, 12400);
	put_status(101, "1000\t1000\t1000\t1000", "1000\t1000\t1000\t1000", "0", "0", "0");
	put("sh\0-c\0", 6, "101/cmdline");
	put_link("/usr/bin/dash", "exe", 101);
	put_link("/tmp", "cwd", 101);
	put_str("4294967295", "loginuid", 101);
	put_str("0::/user.slice\n", "cgroup", 101);

	put_stat(500, "orphan", 999, 20000);
	put_status(500, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	put("orphan", 6, "500/cmdline");	/* no final NUL, as after setproctitle */
	put_link("/usr/bin/orphan (deleted)", "exe", 500);
	put_link("/", "cwd", 500);

	/* not processes: skipped without error */
	put_str("x", "stat", 0);
	put("garbage", 7, "400");
	mkdir_p(strcat(strcpy(cg, root), "/abc"));
	mkdir_p(strcat(strcpy(cg, root), "/0123"));
	/* vanished: the directory is there but its files are gone */
	mkdir_p(strcat(strcpy(cg, root), "/300"));
	/* unparsable stat */
	put_str("301 no parens S 1", "stat", 301);
	put_status(301, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");

	snprintf(mnt, sizeof(mnt), "%s/cg 2", tmpdir);
	snprintf(cg, sizeof(cg), "%s/system.slice/docker-%s.scope", mnt, ID_A);
	mkdir_p(cg);
	snprintf(cg, sizeof(cg), "%s/init.scope", mnt);
	mkdir_p(cg);
	snprintf(cg, sizeof(cg), "%s/cg\\0402", tmpdir);
	put_mountinfo(cg, "/");
}

TestSuite(proc_seed, .init = setup_tree, .fini = teardown_tree);

Test(proc_seed, every_field)
{
	char want[TETRA_EXEC_ID_MAX], mnt[256], path[PATH_MAX];
	struct tetra__process_cache *c;
	struct tetra_process *p;

	build_tree();
	c = seed_root(64, 5);
	cr_assert_eq(tetra__process_cache_count(c), 5);
	snprintf(mnt, sizeof(mnt), "%s/cg 2", tmpdir);

	p = tetra__process_cache_lookup(c, 100);
	cr_assert_not_null(p);
	cr_assert_eq(p->pid, 100);
	cr_assert_eq(p->tid, 100);
	cr_assert_eq(p->ppid, 1);
	cr_assert_eq(p->ktime, ticks_ns(12345));
	cr_assert_eq(p->start_time, ticks_ns(12345) + OFFSET_NS);
	exec_id(want, 12345, 100);
	cr_assert_str_eq(p->exec_id, want);
	exec_id(want, 2, 1);
	cr_assert_str_eq(p->parent_exec_id, want);
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS | TETRA_PROCESS_ROOTCWD);
	cr_assert_str_eq(p->binary, "/usr/bin/foo");
	cr_assert_str_eq(p->cwd, "/");
	cr_assert_eq(p->argc, 3);
	cr_assert_eq(p->args_len, 27);
	cr_assert_eq(memcmp(p->args, "/usr/bin/foo\0--bar\0baz qux\0", 27), 0);
	cr_assert_str_eq(tetra__process_arguments(p), "--bar \"baz qux\"");
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(p->cred[TETRA_CRED_UID + i], 1000u + (uint32_t)i);
		cr_assert_eq(p->cred[TETRA_CRED_GID + i], 2000u + (uint32_t)i);
	}
	cr_assert_eq(p->cred[TETRA_CRED_AUID], 1000);
	cr_assert_eq(p->caps[TETRA_CAPS_INHERITABLE], 0x1ull);
	cr_assert_eq(p->caps[TETRA_CAPS_PERMITTED], 0x1ffffffffffull);
	cr_assert_eq(p->caps[TETRA_CAPS_EFFECTIVE], 0xa80425ull);
	cr_assert_eq(p->ns[TETRA_NS_UTS], 4026532000u);
	cr_assert_eq(p->ns[TETRA_NS_IPC], 4026532001u);
	cr_assert_eq(p->ns[TETRA_NS_MNT], 4026532002u);
	cr_assert_eq(p->ns[TETRA_NS_PID], 4026532003u);
	cr_assert_eq(p->ns[TETRA_NS_PID_FOR_CHILDREN], 4026532004u);
	cr_assert_eq(p->ns[TETRA_NS_NET], 4026532005u);
	cr_assert_eq(p->ns[TETRA_NS_TIME], 4026532006u);
	cr_assert_eq(p->ns[TETRA_NS_TIME_FOR_CHILDREN], 4026532007u);
	cr_assert_eq(p->ns[TETRA_NS_CGROUP], 4026532008u);
	cr_assert_eq(p->ns[TETRA_NS_USER], 4026532009u);
	cr_assert_str_eq(p->container_id, ID_A);
	snprintf(path, sizeof(path), "%s/system.slice/docker-%s.scope", mnt, ID_A);
	cr_assert_eq(p->cgroup_id, inode_of(path));

	/* init: v1 controller path names the container, cgroup id from the v2 path */
	p = tetra__process_cache_lookup(c, 1);
	cr_assert_not_null(p);
	cr_assert_eq(p->ppid, 0);
	cr_assert_str_eq(p->parent_exec_id, "");
	cr_assert_str_eq(p->binary, "/usr/lib/systemd/systemd");
	cr_assert_str_eq(p->cwd, "/home");
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS);
	cr_assert_eq(p->argc, 2);
	cr_assert_str_eq(tetra__process_arguments(p), "splash");
	cr_assert_eq(p->cred[TETRA_CRED_AUID], 4294967295u, "no loginuid file means unset");
	cr_assert_eq(p->cred[TETRA_CRED_UID], 0);
	cr_assert_eq(p->caps[TETRA_CAPS_EFFECTIVE], 0x1ffffffffffull);
	cr_assert_eq(p->ns[TETRA_NS_MNT], 4026531002u);
	cr_assert_str_eq(p->container_id, ID_B);
	snprintf(path, sizeof(path), "%s/init.scope", mnt);
	cr_assert_eq(p->cgroup_id, inode_of(path));
	cr_assert_eq(p->start_time, ticks_ns(2) + OFFSET_NS);

	/* kernel thread: named by comm, no arguments, no namespaces readable */
	p = tetra__process_cache_lookup(c, 2);
	cr_assert_not_null(p);
	cr_assert_str_eq(p->binary, "kthreadd");
	cr_assert_eq(p->argc, 0);
	cr_assert_null(p->args);
	cr_assert_str_eq(tetra__process_arguments(p), "");
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS | TETRA_PROCESS_ROOTCWD);
	cr_assert_eq(p->ns[TETRA_NS_MNT], 0);
	cr_assert_str_eq(p->container_id, "");
	cr_assert_eq(p->cgroup_id, inode_of(mnt));

	p = tetra__process_cache_lookup(c, 101);
	cr_assert_not_null(p);
	exec_id(want, 12345, 100);
	cr_assert_str_eq(p->parent_exec_id, want);
	cr_assert_str_eq(p->cwd, "/tmp");
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS);
	cr_assert_eq(p->cred[TETRA_CRED_AUID], 4294967295u);
	cr_assert_eq(p->caps[TETRA_CAPS_PERMITTED], 0);
	cr_assert_str_eq(p->container_id, "");
	cr_assert_eq(p->cgroup_id, 0, "/user.slice does not exist in the fake mount");

	p = tetra__process_cache_lookup(c, 500);
	cr_assert_not_null(p);
	cr_assert_eq(p->ppid, 999);
	cr_assert_str_eq(p->parent_exec_id, "", "parent not in /proc");
	cr_assert_str_eq(p->binary, "/usr/bin/orphan (deleted)");
	cr_assert_eq(p->argc, 1);
	cr_assert_eq(p->args_len, 7);
	cr_assert_str_eq(p->args, "orphan");
	cr_assert_eq(p->cgroup_id, 0, "no cgroup file");

	cr_assert_null(tetra__process_cache_lookup(c, 300), "vanished");
	cr_assert_null(tetra__process_cache_lookup(c, 301), "unparsable stat");
	cr_assert_null(tetra__process_cache_lookup(c, 400), "not a directory");
	cr_assert_null(tetra__process_cache_lookup(c, 123), "leading zero");
	tetra__process_cache_free(c);
}

Test(proc_seed, comm_with_parentheses_and_no_exe)
{
	struct tetra__process_cache *c;
	struct tetra_process *p;

	put_stat(7, ") x (y) ) S 9 (", 1, 77);
	put_status(7, "5\t6\t7\t8", "9\t10\t11\t12", "0", "0", "0");
	c = seed_root(4, 1);
	p = tetra__process_cache_lookup(c, 7);
	cr_assert_not_null(p);
	/* everything up to the last ')' is the comm, however it is shaped */
	cr_assert_str_eq(p->binary, ") x (y) ) S 9 (");
	cr_assert_eq(p->ppid, 1);
	cr_assert_eq(p->ktime, ticks_ns(77));
	cr_assert_eq(p->cred[TETRA_CRED_FSUID], 8);
	cr_assert_eq(p->cred[TETRA_CRED_FSGID], 12);
	/* files it could not read are flagged, not invented */
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS | TETRA_PROCESS_ERROR_ARGS |
			       TETRA_PROCESS_ERROR_CWD);
	cr_assert_str_eq(p->cwd, "");
	cr_assert_eq(p->cgroup_id, 0, "no mountinfo");
	tetra__process_cache_free(c);
}

Test(proc_seed, truncated_stat_is_skipped)
{
	struct tetra__process_cache *c;

	/* starttime (field 22) missing */
	put_str("8 (short) S 1 8 8 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0\n", "stat", 8);
	put_status(8, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	/* no status: the credentials cannot be known */
	put_stat(9, "nostatus", 1, 5);
	c = seed_root(4, 0);
	cr_assert_eq(tetra__process_cache_count(c), 0);
	tetra__process_cache_free(c);
}

Test(proc_seed, mount_root_below_hierarchy_root)
{
	char dir[PATH_MAX], mnt[256];
	struct tetra__process_cache *c;
	struct tetra_process *p;

	/* a container sees only its subtree of the hierarchy mounted */
	put_stat(10, "a", 0, 1);
	put_status(10, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	put_str("0::/kubepods/pod1/" ID_A "\n", "cgroup", 10);
	put_stat(11, "b", 0, 1);
	put_status(11, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	put_str("0::/kubepods\n", "cgroup", 11);
	put_stat(12, "c", 0, 1);
	put_status(12, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	put_str("0::/kubepodsX/pod1\n", "cgroup", 12);
	snprintf(mnt, sizeof(mnt), "%s/cgmnt", tmpdir);
	snprintf(dir, sizeof(dir), "%s/pod1/%s", mnt, ID_A);
	mkdir_p(dir);
	mkdir_p(strcat(strcpy(dir, mnt), "/kubepodsX/pod1"));
	put_mountinfo(mnt, "/kubepods");

	c = seed_root(4, 3);
	p = tetra__process_cache_lookup(c, 10);
	cr_assert_str_eq(p->container_id, ID_A);
	snprintf(dir, sizeof(dir), "%s/pod1/%s", mnt, ID_A);
	cr_assert_eq(p->cgroup_id, inode_of(dir));
	cr_assert_eq(tetra__process_cache_lookup(c, 11)->cgroup_id, inode_of(mnt));
	cr_assert_eq(tetra__process_cache_lookup(c, 12)->cgroup_id, 0, "outside the mount");
	tetra__process_cache_free(c);
}

Test(proc_seed, smaller_cache_keeps_parent_links)
{
	char want[TETRA_EXEC_ID_MAX];
	struct tetra__process_cache *c;
	struct tetra_process *p;

	build_tree();
	/* five processes into two slots: all inserted, three evicted, links still right */
	c = seed_root(2, 5);
	cr_assert_eq(tetra__process_cache_count(c), 2);
	cr_assert_eq(tetra__process_cache_evictions(c), 3);
	p = tetra__process_cache_lookup(c, 101);
	cr_assert_not_null(p);
	exec_id(want, 12345, 100);
	cr_assert_str_eq(p->parent_exec_id, want);
	cr_assert_not_null(tetra__process_cache_lookup(c, 500));
	tetra__process_cache_free(c);
}

Test(proc_seed, parent_already_cached)
{
	struct tetra__process_cache *c = NULL;
	struct tetra_process *parent = tetra__process_new();
	struct tetra__proc_seed seed = { .proc_root = root, .node_name = NODE };

	cr_assert_eq(tetra__process_cache_new(&c, 8), 0);
	parent->pid = 999;
	strcpy(parent->exec_id, "cGFyZW50");
	tetra__process_cache_insert(c, parent);
	put_stat(500, "orphan", 999, 20000);
	put_status(500, "0\t0\t0\t0", "0\t0\t0\t0", "0", "0", "0");
	cr_assert_eq(tetra__process_cache_seed(c, &seed), 1);
	cr_assert_str_eq(tetra__process_cache_lookup(c, 500)->parent_exec_id, "cGFyZW50");
	tetra__process_cache_free(c);
}

Test(proc_seed, bad_root)
{
	struct tetra__proc_seed seed = { .node_name = NODE };
	struct tetra__process_cache *c = NULL;
	char file[PATH_MAX];

	cr_assert_eq(tetra__process_cache_new(&c, 8), 0);
	seed.proc_root = "/nonexistent/tetra-proc";
	cr_assert_eq(tetra__process_cache_seed(c, &seed), -ENOENT);
	snprintf(file, sizeof(file), "%s/file", tmpdir);
	cr_assert_eq(close(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)), 0);
	seed.proc_root = file;
	cr_assert_eq(tetra__process_cache_seed(c, &seed), -ENOTDIR);
	seed.proc_root = NULL;
	cr_assert_eq(tetra__process_cache_seed(c, &seed), -EINVAL);
	cr_assert_eq(tetra__process_cache_seed(c, NULL), -EINVAL);
	cr_assert_eq(tetra__process_cache_seed(NULL, &seed), -EINVAL);
	/* an empty root is fine: nothing to insert */
	seed.proc_root = root;
	cr_assert_eq(tetra__process_cache_seed(c, &seed), 0);
	cr_assert_eq(tetra__process_cache_count(c), 0);
	tetra__process_cache_free(c);
}

/* --- the real /proc --- */

static struct tetra__process_cache *seed_real(void)
{
	struct tetra__proc_seed seed = {
		.proc_root = "/proc", .node_name = NODE, .realtime_offset_ns = OFFSET_NS,
	};
	struct tetra__process_cache *c = NULL;
	int n;

	cr_assert_eq(tetra__process_cache_new(&c, 1u << 16), 0);
	n = tetra__process_cache_seed(c, &seed);
	cr_assert_gt(n, 1, "seeded %d", n);
	cr_assert_eq(tetra__process_cache_count(c), (uint32_t)n);
	return c;
}

static size_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	while ((n = read(fd, buf + len, size - len)) > 0)
		len += (size_t)n;
	close(fd);
	return len;
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The cgroup2 mount from /proc/self/mounts (not mountinfo, which the library reads). */
static int cgroup2_mount(char *buf, size_t size)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	int found = 0;

	cr_assert_not_null(f);
	while (!found && (m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2") == 0) {
			snprintf(buf, size, "%s", m->mnt_dir);
			found = 1;
		}
	}
	endmntent(f);
	return found;
}

Test(proc_seed, real_proc_finds_itself)
{
	static const char *const ns_names[TETRA_NS_COUNT] = {
		"uts", "ipc", "mnt", "pid", "pid_for_children", "net", "time",
		"time_for_children", "cgroup", "user",
	};
	char exe[PATH_MAX], cwd[PATH_MAX], path[PATH_MAX], buf[65536];
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };	/* valgrind sees only data[0] written */
	uid_t r, e, s;
	gid_t rg, eg, sg;
	struct tetra__process_cache *c;
	struct tetra_process *p, *parent;
	ssize_t n;
	size_t len;

	c = seed_real();
	p = tetra__process_cache_lookup(c, (uint32_t)getpid());
	cr_assert_not_null(p, "pid %d not seeded", getpid());

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	/*
	 * valgrind answers readlink("/proc/self/exe") and reads of /proc/self/cmdline with its
	 * client, the kernel with its own tool; the child test covers both under valgrind.
	 */
	if (!RUNNING_ON_VALGRIND) {
		cr_assert_str_eq(p->binary, exe);
		len = read_file("/proc/self/cmdline", buf, sizeof(buf));
		cr_assert_eq(p->args_len, len);
		cr_assert_eq(memcmp(p->args, buf, len), 0);
	}
	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_str_eq(p->cwd, cwd);
	cr_assert_eq(!!(p->flags & TETRA_PROCESS_ROOTCWD), strcmp(cwd, "/") == 0);
	cr_assert(p->flags & TETRA_PROCESS_PROCFS);
	cr_assert_eq(p->ppid, (uint32_t)getppid());

	cr_assert_eq(getresuid(&r, &e, &s), 0);
	cr_assert_eq(getresgid(&rg, &eg, &sg), 0);
	cr_assert_eq(p->cred[TETRA_CRED_UID], r);
	cr_assert_eq(p->cred[TETRA_CRED_EUID], e);
	cr_assert_eq(p->cred[TETRA_CRED_SUID], s);
	cr_assert_eq(p->cred[TETRA_CRED_FSUID], (uint32_t)setfsuid((uid_t)-1));
	cr_assert_eq(p->cred[TETRA_CRED_GID], rg);
	cr_assert_eq(p->cred[TETRA_CRED_EGID], eg);
	cr_assert_eq(p->cred[TETRA_CRED_SGID], sg);
	cr_assert_eq(p->cred[TETRA_CRED_FSGID], (uint32_t)setfsgid((gid_t)-1));
	len = read_file("/proc/self/loginuid", buf, sizeof(buf) - 1);
	buf[len] = '\0';
	cr_assert_eq(p->cred[TETRA_CRED_AUID], (uint32_t)strtoul(buf, NULL, 10));
	cr_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	cr_assert_eq(p->caps[TETRA_CAPS_EFFECTIVE],
		     data[0].effective | (uint64_t)data[1].effective << 32);
	cr_assert_eq(p->caps[TETRA_CAPS_PERMITTED],
		     data[0].permitted | (uint64_t)data[1].permitted << 32);
	cr_assert_eq(p->caps[TETRA_CAPS_INHERITABLE],
		     data[0].inheritable | (uint64_t)data[1].inheritable << 32);

	for (int i = 0; i < TETRA_NS_COUNT; i++) {
		struct stat sb;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		if (stat(path, &sb) < 0)
			continue;	/* older kernel without it */
		cr_assert_eq(p->ns[i], (uint32_t)sb.st_ino, "ns %s", ns_names[i]);
	}
	cr_assert_lt(p->ktime, boottime_ns());
	cr_assert_eq(p->start_time, p->ktime + OFFSET_NS);

	if (cgroup2_mount(path, sizeof(path))) {
		char *v2;

		len = read_file("/proc/self/cgroup", buf, sizeof(buf) - 1);
		buf[len] = '\0';
		v2 = strstr(buf, "0::");
		if (v2 && (v2 == buf || v2[-1] == '\n')) {
			v2[strcspn(v2, "\n")] = '\0';
			strncat(path, v2 + 3, sizeof(path) - strlen(path) - 1);
			cr_assert_eq(p->cgroup_id, inode_of(path), "%s", path);
		}
	}

	/* the parent is in /proc too, and linked */
	parent = tetra__process_cache_lookup(c, p->ppid);
	cr_assert_not_null(parent);
	cr_assert_str_neq(parent->exec_id, "");
	cr_assert_str_eq(p->parent_exec_id, parent->exec_id);
	tetra__process_cache_free(c);
}

Test(proc_seed, real_proc_child)
{
	static const char *const argv[] = { "tetra-child", "-c", "read x", "arg zero",
					    "a \"b\"", NULL };
	char want_bin[PATH_MAX], dir[PATH_MAX];
	struct tetra__process_cache *c;
	struct tetra_process *p, *self;
	uint64_t before, after;
	int pipefd[2], status;
	pid_t child;

	cr_assert_not_null(realpath("/bin/sh", want_bin));
	snprintf(dir, sizeof(dir), "%s/child cwd", tmpdir);
	cr_assert_eq(mkdir(dir, 0755), 0);
	cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	before = boottime_ns();
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		/* blocks reading the pipe until the parent closes it */
		if (dup2(pipefd[0], 0) < 0 || chdir(dir) < 0)
			_exit(127);
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	close(pipefd[0]);
	after = boottime_ns();

	/* wait until the child has exec'd: its exe no longer is ours */
	for (int i = 0; i < 500; i++) {
		char link[64], target[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%d/exe", child);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strcmp(target, want_bin) == 0)
				break;
		}
		usleep(10000);
	}

	c = seed_real();
	p = tetra__process_cache_lookup(c, (uint32_t)child);
	self = tetra__process_cache_lookup(c, (uint32_t)getpid());
	close(pipefd[1]);
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert_not_null(p);
	cr_assert_not_null(self);

	cr_assert_str_eq(p->binary, want_bin);
	cr_assert_str_eq(p->cwd, dir);
	cr_assert_eq(p->flags, TETRA_PROCESS_PROCFS);
	cr_assert_eq(p->argc, 5);
	cr_assert_str_eq(p->args, "tetra-child");
	cr_assert_str_eq(tetra__process_arguments(p), "-c \"read x\" \"arg zero\" \"a \\\"b\\\"\"");
	cr_assert_eq(p->ppid, (uint32_t)getpid());
	cr_assert_str_eq(p->parent_exec_id, self->exec_id);
	/* starttime has clock-tick resolution */
	cr_assert_geq(p->ktime + ticks_ns(1), before, "%llu < %llu", (unsigned long long)p->ktime,
		      (unsigned long long)before);
	cr_assert_leq(p->ktime, after + ticks_ns(1));
	tetra__process_cache_free(c);
}
