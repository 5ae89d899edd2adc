// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every shared Tetragon policy (../shared/tetragon/policies/ and ../shared/examples/) on
 * the real kernel: it is parsed, planned and handed to tetra_ctx_add_policy(), and either
 * loads or is refused with a specific reason, as the table below says. The expected
 * outcome depends on the kernel, so the table has two columns chosen by
 * tetra_probe_features():
 *   locked: no kprobe, no fentry, no BPF LSM (a locked-down host);
 *   full:   kprobe or fentry, and BPF LSM (a stock distribution kernel).
 * On a kernel that is neither, only the plan/load agreement below is checked.
 *
 * Whatever the kernel, the plan must agree with the load: tetra_plan_ok() says 1 exactly
 * when tetra_ctx_add_policy() succeeds. A .yaml file in the directories that the table
 * does not list fails the test, so a new shared policy gets an outcome.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/*
 * An outcome: @err 0 means the policy loads (and is then removed). Otherwise the add
 * returns @err, tetra_ctx_last_error() contains @load and the plan's text contains @plan
 * (the plan states the reason most precisely: which hook, which feature is missing).
 */
struct outcome {
	int err;
	const char *load;
	const char *plan;
};

#define NOTSUP -TETRA_E_NOT_SUPPORTED

#define LOADS { 0, NULL, NULL }

/*
 * Outcomes shared by many files, by hook kind; change them here when a mechanism gets
 * implemented.
 */
/* kprobes on kernel functions (not syscalls) */
#define KFUNC_LOCKED                                                                          \
	{ NOTSUP, "kernel function hooks (kprobe/fentry) are not implemented in this libtetra " \
		  "version, and this kernel allows neither kprobe nor fentry",               \
	  "kernel function hooks need kprobe or fentry; this kernel allows neither" }
#define KFUNC_FULL                                                                            \
	{ NOTSUP, "kernel function hooks (kprobe/fentry) are not implemented in this libtetra " \
		  "version",                                                                 \
	  "kernel function hooks through " /* fentry or kprobe */ }
/* lsmhooks */
#define LSM_LOCKED                                                                            \
	{ NOTSUP, "LSM hooks (BPF LSM) are not implemented in this libtetra version, and "   \
		  "this kernel has no BPF LSM",                                              \
	  "LSM hooks need BPF LSM (\"bpf\" in the active LSM list and BPF LSM programs "     \
	  "allowed); this kernel does not offer it" }
#define LSM_FULL                                                                              \
	{ NOTSUP, "LSM hooks (BPF LSM) are not implemented in this libtetra version",        \
	  "LSM hooks through BPF LSM are not implemented in this libtetra version" }
/*
 * uprobes (lib/policy_uprobe.c): the kernel allows them in both columns (the uprobe
 * feature is not locked down). A uprobe on a binary that is not there is refused by
 * path (see .binary below).
 */
#define UPROBE LOADS
#define UPROBE_FOLLOW_FORKS                                                                   \
	{ NOTSUP, "followForks",                                                             \
	  "matchPIDs[0]: followForks is not supported" }
#define UPROBE_NO_BINARY(path)                                                                \
	{ -ENOENT, "binary: No such file or directory",                                      \
	  "binary \"" path "\": No such file or directory" }
/* matchPIDs with followForks / isNamespacePID on a syscall hook */
#define PIDS_FOLLOW_FORKS                                                                     \
	{ NOTSUP, "matchPIDs followForks/isNamespacePID are not supported yet",              \
	  "followForks is not supported by the syscall tracepoint mechanism yet" }

/* A policy refused by the parser: both columns are unused. */
#define PARSE_REJECT(msg) .parse = (msg)

/* The same outcome on both kernels. */
#define BOTH(...) .locked = __VA_ARGS__, .full = __VA_ARGS__

static const struct {
	const char *file;
	const char *parse;	/* parse rejection: substring of the first diagnostic */
	struct outcome locked, full;
	/* when this file is missing on the machine (the VM has no /bin/bash), @no_binary
	   replaces both columns */
	const char *binary;
	struct outcome no_binary;
} table[] = {
	{ "examples/process-monitoring.yaml", BOTH(LOADS) },
	{ "tetragon/policies/bpf.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/cves/cve-2023-2640-overlayfs-ubuntu.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/datagram-with-selectors.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/datagram-with-sock-tracking.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/datagram_518.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/dev_hard_start_xmit.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/dns-only-specified-servers.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/fd_install_cap_changes.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/fd_install_ns.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/fd_install_ns_host.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/filename_monitoring_filtered.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/hardlink-observe.yaml", BOTH(LOADS) },
	{ "tetragon/policies/host-changes/monitor-kernel-modules.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/host-changes/monitor-signed-kernel-modules.yaml",
	  .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/kprobe_commit_creds.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	/* "list:ksys" names a list of kernel functions, not a syscall */
	{ "tetragon/policies/list-generated-ftrace.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/list-syscalls-tracepoint.yaml",
	  BOTH({ NOTSUP,
				  "operator InMap on a uint64 argument is not supported by the "
				  "syscall tracepoint mechanism",
				  "operator InMap on a uint64 arg is not supported by the syscall "
				  "tracepoint mechanism" }) },
	{ "tetragon/policies/list-syscalls.yaml", BOTH(LOADS) },
	{ "tetragon/policies/lsm_bprm_check.yaml", .locked = LSM_LOCKED, .full = LSM_FULL },
	{ "tetragon/policies/lsm_file_open.yaml", .locked = LSM_LOCKED, .full = LSM_FULL },
	{ "tetragon/policies/modules-nohost.yaml",
	  PARSE_REJECT("podSelector is not supported: libtetra has no Kubernetes pod "
		       "information") },
	{ "tetragon/policies/open_dnsrequest.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/openat_write.yaml", BOTH(LOADS) },
	{ "tetragon/policies/override-security.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/process-credentials/process-creds-changed.yaml",
	  .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/process-credentials/process-creds-installed.yaml",
	  .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/process-exec/process-exec-elf-begin.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/raw_syscalls.yaml",
	  BOTH({ NOTSUP, "type syscall64 is not supported on tracepoints",
				  "type syscall64 is not supported on tracepoints" }) },
	{ "tetragon/policies/sandbox/linux-namespaces/kill_unprivileged_user_namespace.yaml",
	  .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/sandbox/linux-namespaces/"
	  "kill_unprivileged_user_namespace_in_pid_namespace.yaml",
	  .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/security-socket-connect.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/security_bprm_check.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/stack_traces.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/symlink-observe.yaml", BOTH(LOADS) },
	/* two matchPIDs filters, both with followForks and isNamespacePID */
	{ "tetragon/policies/sys_clock_settime.yaml",
	  BOTH({ NOTSUP, "more than one matchPIDs filter in a selector",
				  "more than 1 matchPIDs filter per selector is not supported by "
				  "the syscall tracepoint mechanism" }) },
	{ "tetragon/policies/sys_mount.yaml", BOTH(LOADS) },
	{ "tetragon/policies/sys_ptrace.yaml", BOTH(LOADS) },
	{ "tetragon/policies/sys_setuid.yaml", BOTH(LOADS) },
	{ "tetragon/policies/tcp-connect-only-local-addrs.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/tcp-connect-only-private-addrs.yaml", .locked = KFUNC_LOCKED,
	  .full = KFUNC_FULL },
	{ "tetragon/policies/tcp-connect.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/tcp-listen.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/tty_54.yaml", .locked = KFUNC_LOCKED, .full = KFUNC_FULL },
	{ "tetragon/policies/uprobe-binaries.yaml", BOTH(UPROBE), .binary = "/lib64/libc.so.6",
	  .no_binary = UPROBE_NO_BINARY("/lib64/libc.so.6") },
	{ "tetragon/policies/uprobe-pid.yaml", BOTH(UPROBE_FOLLOW_FORKS), .binary = "/bin/bash",
	  .no_binary = UPROBE_NO_BINARY("/bin/bash") },
	{ "tetragon/policies/uprobe.yaml", BOTH(UPROBE), .binary = "/bin/bash",
	  .no_binary = UPROBE_NO_BINARY("/bin/bash") },
	{ "tetragon/policies/usdt.yaml", PARSE_REJECT("usdts are not supported by libtetra") },
	{ "tetragon/policies/write.yaml", BOTH(PIDS_FOLLOW_FORKS) },
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

enum profile { PROFILE_OTHER, PROFILE_LOCKED, PROFILE_FULL };

static const char *profile_name[] = { "neither locked-down nor full", "locked-down", "full" };

static enum profile kernel_profile(void)
{
	struct tetra_features f;
	uint64_t kfunc = (1ull << TETRA_FEATURE_KPROBE) | (1ull << TETRA_FEATURE_FENTRY);
	uint64_t lsm = (1ull << TETRA_FEATURE_LSM_ACTIVE) | (1ull << TETRA_FEATURE_LSM_LOADABLE);

	tetra_features_init(&f, sizeof(f));
	cr_assert_eq(tetra_probe_features(&f), 0);
	if (!(f.available & kfunc) && !(f.available & lsm))
		return PROFILE_LOCKED;
	if ((f.available & kfunc) && (f.available & lsm) == lsm)
		return PROFILE_FULL;
	return PROFILE_OTHER;
}

static char *shared_dir(void)
{
	const char *env = getenv("TETRA_SHARED_DIR");
	char *out = strdup(env && *env ? env : "../shared");

	cr_assert_not_null(out);
	while (strlen(out) > 1 && out[strlen(out) - 1] == '/')
		out[strlen(out) - 1] = '\0';
	return out;
}

/* State of the walk (nftw has no user argument). */
static struct tetra_ctx *ctx;
static enum profile profile;
static size_t root_len;
static int seen[TABLE_LEN];
static int nr_unlisted, nr_loaded, nr_refused, nr_parse_rejected;
static char unlisted[4096];
static char plan_text[65536];

static const char *str_or(const char *s)
{
	return s ? s : "(null)";
}

static void check_file(const char *path, size_t i)
{
	const char *file = table[i].file;
	struct tetra_policy *p = NULL;
	struct tetra_plan *plan = NULL;
	struct tetra_diag diag;
	const struct outcome *want = NULL;
	const char *last;
	uint32_t id = 0;
	int err, plan_ok, add;

	tetra_diag_init(&diag, sizeof(diag));
	err = tetra_policy_parse_file(&p, path, &diag);
	if (table[i].parse) {
		cr_expect_eq(err, -TETRA_E_POLICY, "%s: parse gave %d, want a rejection\n%s", file,
			     err, diag.text);
		cr_expect(strstr(diag.message, table[i].parse) != NULL,
			  "%s: parse message \"%s\" lacks \"%s\"", file, diag.message,
			  table[i].parse);
		tetra_policy_free(p);
		nr_parse_rejected++;
		return;
	}
	cr_expect_eq(err, 0, "%s: parse gave %d\n%s", file, err, diag.text);
	if (err)
		return;

	/* The plan, then the load on the same context. */
	err = tetra_ctx_plan_policy(ctx, p, &plan);
	cr_expect_eq(err, 0, "%s: tetra_ctx_plan_policy: %d %s", file, err,
		     tetra_ctx_last_error(ctx));
	plan_ok = tetra_plan_ok(plan);
	plan_text[0] = '\0';
	if (plan)
		tetra_plan_to_text(plan, plan_text, sizeof(plan_text));

	add = tetra_ctx_add_policy(ctx, p, &id);
	/* the last error is only about this add when the add failed */
	last = add ? tetra_ctx_last_error(ctx) : NULL;
	if (add == 0) {
		nr_loaded++;
		cr_expect_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s: remove", file);
	} else {
		nr_refused++;
	}

	/* The plan and the load agree, whatever the kernel. */
	cr_expect(!plan_ok || add == 0,
		  "%s: the plan says OK but the load fails: %d %s\nplan:\n%s", file, add,
		  str_or(last), plan_text);
	cr_expect(plan_ok || add != 0,
		  "%s: the plan says not OK but the policy loads\nplan:\n%s", file, plan_text);
	cr_expect_eq(plan_ok ? 0u : 1u, tetra_plan_error_count(plan) ? 1u : 0u,
		     "%s: tetra_plan_ok %d but %u errors\nplan:\n%s", file, plan_ok,
		     tetra_plan_error_count(plan), plan_text);

	if (profile == PROFILE_LOCKED)
		want = &table[i].locked;
	else if (profile == PROFILE_FULL)
		want = &table[i].full;
	if (want && table[i].binary && access(table[i].binary, F_OK))
		want = &table[i].no_binary;
	if (want) {
		if (!want->err) {
			cr_expect_eq(add, 0, "%s (%s kernel): want it to load, got %d: %s\nplan:\n%s",
				     file, profile_name[profile], add, str_or(last), plan_text);
		} else {
			cr_expect_eq(add, want->err,
				     "%s (%s kernel): add gave %d, want %d: %s\nplan:\n%s", file,
				     profile_name[profile], add, want->err, str_or(last),
				     plan_text);
			cr_expect(last && strstr(last, want->load),
				  "%s (%s kernel): load error \"%s\" lacks \"%s\"", file,
				  profile_name[profile], str_or(last), want->load);
			cr_expect(strstr(plan_text, want->plan),
				  "%s (%s kernel): plan lacks \"%s\":\n%s", file,
				  profile_name[profile], want->plan, plan_text);
		}
	}
	tetra_plan_free(plan);
	tetra_policy_free(p);
}

static int visit(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	const char *rel = fpath + root_len + 1;
	size_t len = strlen(fpath);

	(void)sb;
	(void)ftw;
	if (type != FTW_F || len < 5 || strcmp(fpath + len - 5, ".yaml"))
		return 0;
	for (size_t i = 0; i < TABLE_LEN; i++) {
		if (strcmp(table[i].file, rel))
			continue;
		seen[i]++;
		check_file(fpath, i);
		return 0;
	}
	nr_unlisted++;
	strncat(unlisted, rel, sizeof(unlisted) - strlen(unlisted) - 2);
	strcat(unlisted, " ");
	return 0;
}

Test(shared_policies, every_shared_policy_loads_or_is_refused_as_the_table_says, .timeout = 300)
{
	char *root, tetragon[4096], examples[4096];

	th_require_bpf();
	profile = kernel_profile();
	cr_log_info("kernel profile: %s", profile_name[profile]);
	if (profile == PROFILE_OTHER)
		cr_log_warn("this kernel is %s: only the plan/load agreement is checked",
			    profile_name[profile]);

	ctx = th_ctx_process(0, 0);
	root = shared_dir();
	root_len = strlen(root);
	snprintf(tetragon, sizeof(tetragon), "%s/tetragon/policies", root);
	snprintf(examples, sizeof(examples), "%s/examples", root);
	cr_assert_eq(nftw(tetragon, visit, 16, FTW_PHYS), 0, "cannot walk %s", tetragon);
	cr_assert_eq(nftw(examples, visit, 16, FTW_PHYS), 0, "cannot walk %s", examples);

	cr_expect_eq(nr_unlisted, 0, "not in the table (give them an outcome): %s", unlisted);
	for (size_t i = 0; i < TABLE_LEN; i++)
		cr_expect_eq(seen[i], 1, "table entry %s: found %d times under %s", table[i].file,
			     seen[i], root);
	/* The walk did check something on each side. */
	cr_expect_gt(nr_loaded, 0);
	cr_expect_gt(nr_refused, 0);
	cr_expect_gt(nr_parse_rejected, 0);

	tetra_ctx_free(ctx);
	free(root);
}
