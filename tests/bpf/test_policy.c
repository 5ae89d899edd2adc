// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * TracingPolicies enforced on the real kernel through the syscall tracepoint mechanism:
 * each operator, selector kind and action with a matching and a non-matching case,
 * checked on the events, the killed processes and the error texts a user would see.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TIMEOUT_MS 5000

static char dir[64];

static uint32_t add_yaml(struct tetra_ctx *ctx, const char *yaml)
{
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	uint32_t id = 0;
	int err;

	tetra_diag_init(&diag, sizeof(diag));
	err = tetra_policy_parse(&p, yaml, strlen(yaml), &diag);
	cr_assert_eq(err, 0, "parse: %s", diag.text);
	err = tetra_ctx_add_policy(ctx, p, &id);
	cr_assert_eq(err, 0, "add policy: %d %s", err, tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	return id;
}

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tetra-policy-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* A child that opens @name in dir with @flags and exits 0; returns its wait status. */
static int child_open(const char *name, int flags, pid_t *ret_pid)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0600);

		if (fd >= 0)
			close(fd);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (ret_pid)
		*ret_pid = pid;
	return status;
}

static const char *openat_policy(char *buf, size_t len, const char *selectors)
{
	snprintf(buf, len,
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: open-test\n"
		 "spec:\n"
		 "  kprobes:\n"
		 "  - call: sys_openat\n"
		 "    syscall: true\n"
		 "    args:\n"
		 "    - index: 1\n"
		 "      type: string\n"
		 "    - index: 2\n"
		 "      type: int\n"
		 "%s",
		 selectors);
	return buf;
}

/* Run one open in a child and say whether a kprobe event came for it. */
static int open_seen(struct tetra_ctx *ctx, struct th_recorder *rec, const char *name, int flags)
{
	pid_t pid;
	int status = child_open(name, flags, &pid);

	cr_assert(WIFEXITED(status), "child killed unexpectedly (status %#x)", status);
	/* the exit event comes after any kprobe event of the same process */
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	return th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid) != NULL;
}

Test(policy, process_monitoring_example_loads_unchanged_and_matches_only_sh, .timeout = 60)
{
	char path[PATH_MAX], shared[PATH_MAX];
	const char *env = getenv("TETRA_SHARED_DIR");
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	int found = 0;
	pid_t sh, other;

	th_require_bpf();
	snprintf(shared, sizeof(shared), "%s", env ? env : "../shared");
	snprintf(path, sizeof(path), "%s/examples/process-monitoring.yaml", shared);
	tetra_diag_init(&diag, sizeof(diag));
	cr_assert_eq(tetra_policy_parse_file(&p, path, &diag), 0, "%s", diag.text);
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	cr_assert_eq(tetra_ctx_add_policy(ctx, p, NULL), 0, "%s", tetra_ctx_last_error(ctx));
	tetra_policy_free(p);

	sh = fork();
	if (sh == 0) {
		execl("/bin/sh", "/bin/sh", "-c", "/bin/true from-sh; /bin/true again", (char *)NULL);
		_exit(127);
	}
	waitpid(sh, NULL, 0);
	other = fork();
	if (other == 0) {
		execl("/bin/true", "true", "not-from-sh", (char *)NULL);
		_exit(127);
	}
	waitpid(other, NULL, 0);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, other, TIMEOUT_MS));
	th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, sh, TIMEOUT_MS);

	for (size_t i = 0; i < rec->n; i++) {
		e = &rec->ev[i];
		if (e->type != TETRA_EVENT_PROCESS_KPROBE)
			continue;
		cr_expect_neq(e->pid, (uint32_t)other, "an exec by another binary matched");
		cr_expect_neq(e->pid, (uint32_t)getpid(), "the test's own exec matched");
		if (e->pid == (uint32_t)sh || e->ppid == (uint32_t)sh) {
			found++;
			cr_expect(strstr(e->json, "\"policy_name\":\"process-monitoring\"") != NULL,
				  "%s", e->json);
			cr_expect(strstr(e->json, "\"function_name\":\"__x64_sys_execve\"") != NULL,
				  "%s", e->json);
			cr_expect(strstr(e->json, "\"args\":[{\"string_arg\":\"/bin/true\"}") != NULL,
				  "arg 0 must be the executed path: %s", e->json);
			cr_expect_str_eq(e->binary, "/bin/sh");
		}
	}
	cr_expect_geq(found, 1, "no process_kprobe event from /bin/sh");
	tetra_ctx_free(ctx);
}

Test(policy, string_operators_match_and_do_not_match, .timeout = 60)
{
	static const struct {
		const char *op;
		const char *value;
		const char *hit, *miss;
	} cases[] = {
		{ "Equal", "eq-target", "eq-target", "eq-target-not" },
		{ "NotEqual", "ne-skip", "ne-other", "ne-skip" },
		{ "Postfix", ".secret", "a.secret", "a.secret.bak" },
		{ "NotPostfix", ".log", "b.txt", "b.log" },
	};
	char yaml[4096], sel[1024];

	th_require_bpf();
	setup_dir();
	for (size_t c = 0; c < (sizeof(cases) / sizeof(cases[0])); c++) {
		struct tetra_ctx *ctx = th_ctx_process(0, 0);
		struct th_recorder *rec = th_record(ctx);
		char full[PATH_MAX];
		int is_path_op = !strcmp(cases[c].op, "Equal") || !strcmp(cases[c].op, "NotEqual");

		/* Equal compares the whole path: give it the full one */
		snprintf(full, sizeof(full), "%s/%s", dir, cases[c].value);
		snprintf(sel, sizeof(sel),
			 "    selectors:\n"
			 "    - matchArgs:\n"
			 "      - index: 1\n"
			 "        operator: %s\n"
			 "        values: [\"%s\"]\n"
			 "      matchBinaries:\n"
			 "      - operator: NotIn\n"
			 "        values: [\"/nonexistent\"]\n",
			 cases[c].op, is_path_op ? full : cases[c].value);
		add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
		cr_expect(open_seen(ctx, rec, cases[c].hit, O_RDONLY | O_CREAT), "%s %s: no event for %s",
			  cases[c].op, cases[c].value, cases[c].hit);
		cr_expect_not(open_seen(ctx, rec, cases[c].miss, O_RDONLY | O_CREAT),
			      "%s %s: event for %s", cases[c].op, cases[c].value, cases[c].miss);
		tetra_ctx_free(ctx);
	}
}

Test(policy, prefix_and_notprefix_on_the_path, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/pre\"]\n"
		 "      - index: 1\n"
		 "        operator: NotPrefix\n"
		 "        values: [\"%s/prefixed-but-excluded\"]\n",
		 dir, dir);
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	cr_expect(open_seen(ctx, rec, "prefix-hit", O_RDONLY | O_CREAT));
	cr_expect_not(open_seen(ctx, rec, "other", O_RDONLY | O_CREAT));
	cr_expect_not(open_seen(ctx, rec, "prefixed-but-excluded", O_RDONLY | O_CREAT),
		      "filters in one selector are AND-ed");
	tetra_ctx_free(ctx);
}

Test(policy, integer_operators, .timeout = 60)
{
	static const struct {
		const char *op, *values;
		int hit, miss;
	} cases[] = {
		{ "Equal", "[\"65\"]", O_WRONLY | O_CREAT, O_RDONLY | O_CREAT },
		{ "NotEqual", "[\"64\"]", O_RDWR | O_CREAT, O_RDONLY | O_CREAT },
		{ "Mask", "[\"0x200\"]", O_RDONLY | O_CREAT | O_TRUNC, O_RDONLY | O_CREAT },
		{ "GT", "[\"0x41\"]", O_RDWR | O_CREAT, O_RDONLY | O_CREAT },
		{ "LT", "[\"0x41\"]", O_RDONLY | O_CREAT, O_RDWR | O_CREAT },
		{ "InRange", "[\"65:66\"]", O_RDWR | O_CREAT, O_RDONLY | O_CREAT },
		{ "NotInRange", "[\"65:66\"]", O_RDONLY | O_CREAT, O_WRONLY | O_CREAT },
	};
	char yaml[4096], sel[1024];

	th_require_bpf();
	setup_dir();
	for (size_t c = 0; c < (sizeof(cases) / sizeof(cases[0])); c++) {
		struct tetra_ctx *ctx = th_ctx_process(0, 0);
		struct th_recorder *rec = th_record(ctx);

		snprintf(sel, sizeof(sel),
			 "    selectors:\n"
			 "    - matchArgs:\n"
			 "      - index: 1\n"
			 "        operator: Prefix\n"
			 "        values: [\"%s/\"]\n"
			 "      - index: 2\n"
			 "        operator: %s\n"
			 "        values: %s\n",
			 dir, cases[c].op, cases[c].values);
		add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
		cr_expect(open_seen(ctx, rec, "int-file", cases[c].hit), "%s %s: flags %#x not seen",
			  cases[c].op, cases[c].values, cases[c].hit);
		cr_expect_not(open_seen(ctx, rec, "int-file", cases[c].miss),
			      "%s %s: flags %#x seen", cases[c].op, cases[c].values, cases[c].miss);
		tetra_ctx_free(ctx);
	}
}

Test(policy, sigkill_kills_the_opener_of_a_marked_file_only, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	int status;
	pid_t pid;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Postfix\n"
		 "        values: [\"/marked\"]\n"
		 "      matchActions:\n"
		 "      - action: Sigkill\n");
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	status = child_open("marked", O_RDONLY | O_CREAT, &pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_KPROBE, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect(strstr(e->json, "\"action\":\"KPROBE_ACTION_SIGKILL\"") != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "/marked\"") != NULL);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_eq(e->exit_signal, SIGKILL);
	status = child_open("unmarked", O_RDONLY | O_CREAT, &pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	tetra_ctx_free(ctx);
}

Test(policy, signal_action_and_nopost, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	int status;
	pid_t pid;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Postfix\n"
		 "        values: [\"/term-me\"]\n"
		 "      matchActions:\n"
		 "      - action: Signal\n"
		 "        argSig: 15\n"
		 "      - action: NoPost\n");
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	status = child_open("term-me", O_RDONLY | O_CREAT, &pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid), "NoPost still posted");
	tetra_ctx_free(ctx);
}

Test(policy, match_pids_in_and_not_in, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	pid_t pid;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	/* our own pid is In; children are not (no followForks) */
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchPIDs:\n"
		 "      - operator: In\n"
		 "        values: [%d]\n"
		 "      matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/\"]\n",
		 (int)getpid(), dir);
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	cr_expect_not(open_seen(ctx, rec, "pid-child", O_RDONLY | O_CREAT));
	{
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/pid-self", dir);
		fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
		cr_assert_geq(fd, 0);
		close(fd);
	}
	cr_expect_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_KPROBE, getpid(),
					 TIMEOUT_MS));
	tetra_ctx_free(ctx);

	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchPIDs:\n"
		 "      - operator: NotIn\n"
		 "        values: [%d]\n"
		 "      matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/\"]\n",
		 (int)getpid(), dir);
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	cr_expect(open_seen(ctx, rec, "pid-child2", O_RDONLY | O_CREAT));
	(void)pid;
	tetra_ctx_free(ctx);
}

Test(policy, match_binaries_operators, .timeout = 60)
{
	static const struct {
		const char *op, *value;
		int match_self;
	} cases[] = {
		{ "In", NULL, 1 },	/* NULL: the test binary itself */
		{ "NotIn", NULL, 0 },
		{ "Prefix", "/", 1 },
		{ "NotPrefix", "/", 0 },
		{ "Postfix", "test_policy", 1 },
		{ "NotPostfix", "test_policy", 0 },
	};
	char self[PATH_MAX], yaml[4096], sel[2048];
	ssize_t n;

	th_require_bpf();
	setup_dir();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	cr_assert_gt(n, 0);
	self[n] = '\0';
	for (size_t c = 0; c < (sizeof(cases) / sizeof(cases[0])); c++) {
		struct tetra_ctx *ctx = th_ctx_process(0, 0);
		struct th_recorder *rec = th_record(ctx);

		snprintf(sel, sizeof(sel),
			 "    selectors:\n"
			 "    - matchBinaries:\n"
			 "      - operator: %s\n"
			 "        values: [\"%s\"]\n"
			 "      matchArgs:\n"
			 "      - index: 1\n"
			 "        operator: Prefix\n"
			 "        values: [\"%s/\"]\n",
			 cases[c].op, cases[c].value ? cases[c].value : self, dir);
		add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
		cr_expect_eq(open_seen(ctx, rec, "bin-file", O_RDONLY | O_CREAT), cases[c].match_self,
			     "matchBinaries %s %s", cases[c].op,
			     cases[c].value ? cases[c].value : self);
		tetra_ctx_free(ctx);
	}
}

Test(policy, selectors_are_ored_first_match_wins, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	int status;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Postfix\n"
		 "        values: [\"/first\"]\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Postfix\n"
		 "        values: [\"/first\", \"/second\"]\n"
		 "      matchActions:\n"
		 "      - action: Sigkill\n");
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	status = child_open("first", O_RDONLY | O_CREAT, NULL);
	cr_expect(WIFEXITED(status), "the first selector (Post) wins over the second (Sigkill)");
	status = child_open("second", O_RDONLY | O_CREAT, NULL);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	cr_expect(open_seen(ctx, rec, "first", O_RDONLY));
	tetra_ctx_free(ctx);
}

Test(policy, remove_policy_stops_events_at_run_time, .timeout = 60)
{
	char yaml[4096], sel[512];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	uint32_t id;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/\"]\n",
		 dir);
	id = add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	cr_expect(open_seen(ctx, rec, "before", O_RDONLY | O_CREAT));
	cr_assert_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect_not(open_seen(ctx, rec, "after", O_RDONLY | O_CREAT));
	cr_expect_eq(tetra_ctx_remove_policy(ctx, id), -ENOENT);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "no such policy") != NULL);
	/* and again: policies can come back */
	add_yaml(ctx, openat_policy(yaml, sizeof(yaml), sel));
	cr_expect(open_seen(ctx, rec, "again", O_RDONLY | O_CREAT));
	tetra_ctx_free(ctx);
}

static void expect_refused(const char *yaml, int err, const char *text)
{
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	struct tetra_ctx *ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	int r;

	tetra_diag_init(&diag, sizeof(diag));
	cr_assert_eq(tetra_policy_parse(&p, yaml, strlen(yaml), &diag), 0, "%s", diag.text);
	r = tetra_ctx_add_policy(ctx, p, NULL);
	cr_expect_eq(r, err, "got %d: %s", r, tetra_ctx_last_error(ctx));
	cr_expect(strstr(tetra_ctx_last_error(ctx), text) != NULL, "message: %s",
		  tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	tetra_ctx_free(ctx);
}

Test(policy, what_cannot_be_enforced_is_refused_with_the_reason, .timeout = 60)
{
	char yaml[4096];

	th_require_bpf();
	expect_refused(openat_policy(yaml, sizeof(yaml),
				     "    selectors:\n"
				     "    - matchActions:\n"
				     "      - action: Override\n"
				     "        argError: -1\n"),
		       -TETRA_E_NOT_SUPPORTED, "Override needs BPF LSM");
	expect_refused("apiVersion: cilium.io/v1alpha1\n"
		       "kind: TracingPolicy\n"
		       "metadata:\n"
		       "  name: lsm\n"
		       "spec:\n"
		       "  lsmhooks:\n"
		       "  - hook: file_open\n",
		       -TETRA_E_NOT_SUPPORTED, "LSM hooks (BPF LSM) are not implemented");
	expect_refused(openat_policy(yaml, sizeof(yaml),
				     "    selectors:\n"
				     "    - matchActions:\n"
				     "      - action: Post\n"
				     "      - action: NoPost\n"),
		       -TETRA_E_NOT_SUPPORTED, "cannot both Post and NoPost");
	expect_refused(openat_policy(yaml, sizeof(yaml),
				     "    selectors:\n"
				     "    - matchNamespaceChanges:\n"
				     "      - operator: In\n"
				     "        values: [\"Pid\"]\n"),
		       -TETRA_E_NOT_SUPPORTED, "matchNamespaceChanges: not supported");
	expect_refused("apiVersion: cilium.io/v1alpha1\n"
		       "kind: TracingPolicy\n"
		       "metadata:\n"
		       "  name: nosuch\n"
		       "spec:\n"
		       "  kprobes:\n"
		       "  - call: sys_no_such_syscall\n"
		       "    syscall: true\n",
		       -ENOENT, "unknown syscall");
}

Test(policy, override_becomes_sigkill_only_when_asked, .timeout = 60)
{
	char yaml[4096], sel[1024];
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	struct tetra_ctx *ctx;
	int status;

	th_require_bpf();
	setup_dir();
	snprintf(sel, sizeof(sel),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Postfix\n"
		 "        values: [\"/denied\"]\n"
		 "      matchActions:\n"
		 "      - action: Override\n"
		 "        argError: -1\n");
	ctx = th_ctx_process(0, 0);
	tetra_diag_init(&diag, sizeof(diag));
	openat_policy(yaml, sizeof(yaml), sel);
	cr_assert_eq(tetra_policy_parse(&p, yaml, strlen(yaml), &diag), 0, "%s", diag.text);
	cr_expect_eq(tetra_ctx_add_policy(ctx, p, NULL), -TETRA_E_NOT_SUPPORTED);
	cr_assert_eq(tetra_ctx_set_policy_flags(ctx, TETRA_POLICY_F_OVERRIDE_AS_SIGKILL), 0);
	cr_assert_eq(tetra_ctx_add_policy(ctx, p, NULL), 0, "%s", tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	status = child_open("denied", O_RDONLY | O_CREAT, NULL);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	tetra_ctx_free(ctx);
}
