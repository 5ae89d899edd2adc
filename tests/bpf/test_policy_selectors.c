// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * matchNamespaces and matchCapabilities evaluated in the kernel by the syscall tracepoint
 * mechanism: a child in the host's namespaces against one that unshared a namespace, a
 * root child against one that dropped a capability, each operator both ways, and the
 * texts of what is refused.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TIMEOUT_MS 5000

static char dir[64];

/* What a child does before its openat. */
enum before {
	NOTHING,
	UNSHARE_MNT,		/* unshare(CLONE_NEWNS) */
	UNSHARE_NET,		/* unshare(CLONE_NEWNET) */
	UNSHARE_PID,		/* unshare(CLONE_NEWPID): only pid_for_children changes */
	DROP_SYS_ADMIN,		/* capset: CAP_SYS_ADMIN out of the effective set */
};

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tetra-selectors-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static int drop_effective(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

/* The child's part: prepare as @before says, open dir/@name, exit 0 (3: prepare failed). */
static void child(enum before before, const char *name)
{
	char path[PATH_MAX];
	int fd, r = 0;

	switch (before) {
	case NOTHING:
		break;
	case UNSHARE_MNT:
		r = unshare(CLONE_NEWNS);
		break;
	case UNSHARE_NET:
		r = unshare(CLONE_NEWNET);
		break;
	case UNSHARE_PID:
		r = unshare(CLONE_NEWPID);
		break;
	case DROP_SYS_ADMIN:
		r = drop_effective(CAP_SYS_ADMIN);
		break;
	}
	if (r)
		_exit(3);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CREAT, 0600);
	if (fd >= 0)
		close(fd);
	_exit(0);
}

/* Run one open in a child prepared as @before says; did a kprobe event come for it? */
static int open_seen(struct tetra_ctx *ctx, struct th_recorder *rec, enum before before,
		     const char *name)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0)
		child(before, name);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child failed to prepare (%d) or was killed (status %#x)", before, status);
	/* the exit event comes after any kprobe event of the same process */
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	return th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid) != NULL;
}

/* An openat policy whose one selector holds @filters and a Prefix on the test dir. */
static const char *policy(char *buf, size_t len, const char *filters)
{
	snprintf(buf, len,
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: selectors-test\n"
		 "spec:\n"
		 "  kprobes:\n"
		 "  - call: sys_openat\n"
		 "    syscall: true\n"
		 "    args:\n"
		 "    - index: 1\n"
		 "      type: string\n"
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/\"]\n"
		 "%s",
		 dir, filters);
	return buf;
}

static struct tetra_policy *parse(const char *yaml)
{
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;

	tetra_diag_init(&diag, sizeof(diag));
	cr_assert_eq(tetra_policy_parse(&p, yaml, strlen(yaml), &diag), 0, "parse: %s",
		     diag.text);
	return p;
}

/* A context with @filters loaded; the plan must have agreed beforehand. */
static struct tetra_ctx *load(const char *filters, struct th_recorder **rec)
{
	char yaml[4096];
	struct tetra_policy *p = parse(policy(yaml, sizeof(yaml), filters));
	struct tetra_ctx *ctx = th_ctx_process(0, 0);
	struct tetra_plan *plan = NULL;
	int err;

	*rec = th_record(ctx);
	cr_assert_eq(tetra_ctx_plan_policy(ctx, p, &plan), 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect_eq(tetra_plan_ok(plan), 1, "plan: %s",
		     tetra_plan_problem_count(plan, 0) ? tetra_plan_problem(plan, 0, 0) : "");
	tetra_plan_free(plan);
	err = tetra_ctx_add_policy(ctx, p, NULL);
	cr_assert_eq(err, 0, "add policy: %d %s", err, tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	return ctx;
}

static uint64_t own_ns(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_ino;
}

/* The namespace filters below assume the test runs in the host's namespaces. */
static void require_host_ns(const char *name)
{
	char path[64];
	struct stat init;

	snprintf(path, sizeof(path), "/proc/1/ns/%s", name);
	if (stat(path, &init) == 0 && init.st_ino != own_ns(name))
		cr_skip_test("not in pid 1's %s namespace", name);
}

Test(selectors, mnt_in_host_ns_matches_only_the_host_mount_namespace, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	require_host_ns("mnt");
	setup_dir();
	ctx = load("      matchNamespaces:\n"
		   "      - namespace: Mnt\n"
		   "        operator: In\n"
		   "        values: [\"host_ns\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "mnt-host"), "a child in the host mnt ns");
	cr_expect_not(open_seen(ctx, rec, UNSHARE_MNT, "mnt-new"),
		      "a child in a new mnt ns matched Mnt In host_ns");
	tetra_ctx_free(ctx);
}

Test(selectors, mnt_notin_host_ns_matches_only_other_mount_namespaces, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	require_host_ns("mnt");
	setup_dir();
	ctx = load("      matchNamespaces:\n"
		   "      - namespace: mnt\n"
		   "        operator: NotIn\n"
		   "        values: [\"host_ns\"]\n", &rec);
	cr_expect_not(open_seen(ctx, rec, NOTHING, "mnt-host"),
		      "a child in the host mnt ns matched Mnt NotIn host_ns");
	cr_expect(open_seen(ctx, rec, UNSHARE_MNT, "mnt-new"), "a child in a new mnt ns");
	tetra_ctx_free(ctx);
}

Test(selectors, net_in_and_notin_host_ns, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	require_host_ns("net");
	setup_dir();
	ctx = load("      matchNamespaces:\n"
		   "      - namespace: Net\n"
		   "        operator: In\n"
		   "        values: [\"host_ns\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "net-host"));
	cr_expect_not(open_seen(ctx, rec, UNSHARE_NET, "net-new"),
		      "a child in a new netns matched Net In host_ns");
	tetra_ctx_free(ctx);

	ctx = load("      matchNamespaces:\n"
		   "      - namespace: Net\n"
		   "        operator: NotIn\n"
		   "        values: [\"host_ns\"]\n", &rec);
	cr_expect_not(open_seen(ctx, rec, NOTHING, "net-host"),
		      "a child in the host netns matched Net NotIn host_ns");
	cr_expect(open_seen(ctx, rec, UNSHARE_NET, "net-new"));
	tetra_ctx_free(ctx);
}

Test(selectors, inode_numbers_and_pid_for_children, .timeout = 60)
{
	char filters[512];
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	setup_dir();
	/* our own namespaces by number, not host_ns; the other values do not exist */
	snprintf(filters, sizeof(filters),
		 "      matchNamespaces:\n"
		 "      - namespace: Uts\n"
		 "        operator: In\n"
		 "        values: [\"1\", \"%llu\"]\n"
		 "      - namespace: PidForChildren\n"
		 "        operator: In\n"
		 "        values: [\"%llu\", \"2\", \"3\", \"4\"]\n",
		 (unsigned long long)own_ns("uts"), (unsigned long long)own_ns("pid_for_children"));
	ctx = load(filters, &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "by-number"));
	/* unshare(CLONE_NEWPID) moves only the children to come: the second filter fails */
	cr_expect_not(open_seen(ctx, rec, UNSHARE_PID, "new-pid-children"),
		      "filters are AND-ed: PidForChildren of a new pid ns matched");
	tetra_ctx_free(ctx);
}

Test(selectors, effective_in_cap_sys_admin, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	setup_dir();
	ctx = load("      matchCapabilities:\n"
		   "      - type: Effective\n"
		   "        operator: In\n"
		   "        values: [\"CAP_SYS_ADMIN\", \"CAP_MKNOD\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "caps-root"), "a root child has CAP_SYS_ADMIN");
	/* without CAP_SYS_ADMIN but with CAP_MKNOD: In wants any of the listed caps */
	cr_expect(open_seen(ctx, rec, DROP_SYS_ADMIN, "caps-dropped"));
	tetra_ctx_free(ctx);

	ctx = load("      matchCapabilities:\n"
		   "      - type: Effective\n"
		   "        operator: In\n"
		   "        values: [\"CAP_SYS_ADMIN\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "caps-root"));
	cr_expect_not(open_seen(ctx, rec, DROP_SYS_ADMIN, "caps-dropped"),
		      "a child without an effective CAP_SYS_ADMIN matched In");
	tetra_ctx_free(ctx);
}

Test(selectors, effective_notin_cap_sys_admin_and_other_sets, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	setup_dir();
	ctx = load("      matchCapabilities:\n"
		   "      - type: Effective\n"
		   "        operator: NotIn\n"
		   "        values: [\"CAP_SYS_ADMIN\"]\n", &rec);
	cr_expect_not(open_seen(ctx, rec, NOTHING, "caps-root"),
		      "a root child matched NotIn CAP_SYS_ADMIN");
	cr_expect(open_seen(ctx, rec, DROP_SYS_ADMIN, "caps-dropped"));
	tetra_ctx_free(ctx);

	/* dropping from the effective set leaves it permitted; inheritable is empty */
	ctx = load("      matchCapabilities:\n"
		   "      - type: Permitted\n"
		   "        operator: In\n"
		   "        values: [\"CAP_SYS_ADMIN\"]\n"
		   "      - type: Inheritable\n"
		   "        operator: NotIn\n"
		   "        values: [\"CAP_SYS_ADMIN\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, DROP_SYS_ADMIN, "caps-dropped"));
	tetra_ctx_free(ctx);
}

Test(selectors, namespaces_and_capabilities_together, .timeout = 60)
{
	struct th_recorder *rec;
	struct tetra_ctx *ctx;

	th_require_bpf();
	require_host_ns("mnt");
	setup_dir();
	ctx = load("      matchNamespaces:\n"
		   "      - namespace: Mnt\n"
		   "        operator: In\n"
		   "        values: [\"host_ns\"]\n"
		   "      matchCapabilities:\n"
		   "      - operator: In\n"
		   "        values: [\"CAP_SYS_ADMIN\"]\n", &rec);
	cr_expect(open_seen(ctx, rec, NOTHING, "both"));
	cr_expect_not(open_seen(ctx, rec, DROP_SYS_ADMIN, "no-cap"));
	cr_expect_not(open_seen(ctx, rec, UNSHARE_MNT, "no-ns"));
	tetra_ctx_free(ctx);
}

static void expect_refused(const char *filters, const char *text)
{
	char yaml[4096];
	struct tetra_policy *p = parse(policy(yaml, sizeof(yaml), filters));
	struct tetra_ctx *ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	struct tetra_plan *plan = NULL;
	int r;

	cr_assert_eq(tetra_ctx_plan_policy(ctx, p, &plan), 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect_eq(tetra_plan_ok(plan), 0, "the plan accepted what the runtime refuses");
	tetra_plan_free(plan);
	r = tetra_ctx_add_policy(ctx, p, NULL);
	cr_expect_eq(r, -TETRA_E_NOT_SUPPORTED, "got %d: %s", r, tetra_ctx_last_error(ctx));
	cr_expect(strstr(tetra_ctx_last_error(ctx), text) != NULL, "message: %s",
		  tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	tetra_ctx_free(ctx);
}

Test(selectors, what_cannot_be_evaluated_is_refused_with_the_reason, .timeout = 60)
{
	char yaml[4096];
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;

	th_require_bpf();
	setup_dir();
	expect_refused("      matchCapabilities:\n"
		       "      - operator: In\n"
		       "        isNamespaceCapability: true\n"
		       "        values: [\"CAP_SYS_ADMIN\"]\n",
		       "selectors[0].matchCapabilities[0]: isNamespaceCapability is not "
		       "supported");
	expect_refused("      matchNamespaces:\n"
		       "      - namespace: Mnt\n"
		       "        operator: In\n"
		       "        values: [\"host_ns\"]\n"
		       "      - namespace: Net\n"
		       "        operator: In\n"
		       "        values: [\"host_ns\"]\n"
		       "      - namespace: Uts\n"
		       "        operator: In\n"
		       "        values: [\"host_ns\"]\n",
		       "selectors[0].matchNamespaces: 3 filters; the syscall tracepoint "
		       "mechanism holds at most 2 per selector");
	expect_refused("      matchCapabilities:\n"
		       "      - values: [\"CAP_SYS_ADMIN\"]\n"
		       "        operator: In\n"
		       "      - values: [\"CAP_BPF\"]\n"
		       "        operator: In\n"
		       "      - values: [\"CAP_NET_ADMIN\"]\n"
		       "        operator: In\n",
		       "selectors[0].matchCapabilities: 3 filters; the syscall tracepoint "
		       "mechanism holds at most 2 per selector");
	expect_refused("      matchNamespaceChanges:\n"
		       "      - operator: In\n"
		       "        values: [\"Mnt\"]\n",
		       "matchNamespaceChanges: not supported");
	expect_refused("      matchCapabilityChanges:\n"
		       "      - operator: In\n"
		       "        values: [\"CAP_SYS_ADMIN\"]\n",
		       "matchCapabilityChanges: not supported");

	/* five values: refused before anything reaches the kernel, naming the limit */
	policy(yaml, sizeof(yaml),
	       "      matchNamespaces:\n"
	       "      - namespace: Mnt\n"
	       "        operator: In\n"
	       "        values: [\"1\", \"2\", \"3\", \"4\", \"5\"]\n");
	tetra_diag_init(&diag, sizeof(diag));
	cr_expect_eq(tetra_policy_parse(&p, yaml, strlen(yaml), &diag), -TETRA_E_POLICY);
	cr_expect(strstr(diag.text, "5 values exceed the limit of 4 per matchNamespaces filter") !=
			  NULL,
		  "%s", diag.text);
	tetra_policy_free(p);
}
