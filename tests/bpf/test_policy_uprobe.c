// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * uprobes: hooks on the real kernel: a probe on tetra_uprobe_target(int a, const char *s)
 * of tests/bpf/uprobe_target.c (built next to this test), arguments read from registers,
 * selectors, process_uprobe events and their JSON, Sigkill, the plan, and clear errors
 * for a missing binary or symbol.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TIMEOUT_MS 5000

static char target[PATH_MAX];

/* uprobe_target next to this executable, or $TETRA_UPROBE_TARGET. */
static const char *target_path(void)
{
	const char *env = getenv("TETRA_UPROBE_TARGET");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	cr_assert_gt(n, 0);
	self[n] = '\0';
	snprintf(target, sizeof(target), "%s/uprobe_target", dirname(self));
	cr_assert_eq(access(target, X_OK), 0, "%s: %s", target, strerror(errno));
	return target;
}

static struct tetra_policy *parse(const char *yaml)
{
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	int err;

	tetra_diag_init(&diag, sizeof(diag));
	err = tetra_policy_parse(&p, yaml, strlen(yaml), &diag);
	cr_assert_eq(err, 0, "parse: %s", diag.text);
	return p;
}

static uint32_t add_yaml(struct tetra_ctx *ctx, const char *yaml)
{
	struct tetra_policy *p = parse(yaml);
	uint32_t id = 0;
	int err;

	err = tetra_ctx_add_policy(ctx, p, &id);
	cr_assert_eq(err, 0, "add policy: %d %s", err, tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	return id;
}

static const char *policy(char *buf, size_t len, const char *path, const char *symbol,
			  const char *selectors)
{
	snprintf(buf, len,
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: up-target\n"
		 "spec:\n"
		 "  uprobes:\n"
		 "  - path: \"%s\"\n"
		 "    symbols:\n"
		 "    - \"%s\"\n"
		 "    args:\n"
		 "    - index: 0\n"
		 "      type: int\n"
		 "    - index: 1\n"
		 "      type: string\n"
		 "      label: s\n"
		 "%s",
		 path, symbol, selectors);
	return buf;
}

/* Run the target with @a and @s; returns its pid, its wait status in *@status. */
static pid_t run_target(int a, const char *s, int *status)
{
	char num[32];
	pid_t pid;

	snprintf(num, sizeof(num), "%d", a);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl(target_path(), "uprobe_target", num, s, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, status, 0), pid);
	return pid;
}

Test(policy_uprobe, args_selectors_and_json, .timeout = 60)
{
	char yaml[4096], want[PATH_MAX + 128];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	int status;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	add_yaml(ctx, policy(yaml, sizeof(yaml), target_path(), "tetra_uprobe_target",
			     "    selectors:\n"
			     "    - matchArgs:\n"
			     "      - index: 0\n"
			     "        operator: Equal\n"
			     "        values: [\"42\"]\n"
			     "      - index: 1\n"
			     "        operator: Prefix\n"
			     "        values: [\"hello\"]\n"));

	pid = run_target(42, "hello-uprobe", &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_UPROBE, pid, TIMEOUT_MS);
	cr_assert_not_null(e, "no process_uprobe event for the matching call");
	cr_expect(strncmp(e->json, "{\"process_uprobe\":{\"process\":{", 30) == 0, "%s", e->json);
	snprintf(want, sizeof(want),
		 "\"path\":\"%s\",\"symbol\":\"tetra_uprobe_target\",\"args\":[{\"int_arg\":42},"
		 "{\"string_arg\":\"hello-uprobe\",\"label\":\"s\"}],\"policy_name\":\"up-target\","
		 "\"action\":\"KPROBE_ACTION_POST\"}", target_path());
	cr_expect(strstr(e->json, want) != NULL, "%s\nwant %s", e->json, want);

	/* wrong int, wrong string: no event */
	pid = run_target(41, "hello-uprobe", &status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_UPROBE, pid), "wrong int matched");
	pid = run_target(42, "bye", &status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_UPROBE, pid), "wrong string matched");
	tetra_ctx_free(ctx);
}

Test(policy_uprobe, sigkill_and_remove, .timeout = 60)
{
	char yaml[4096];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	uint32_t id;
	int status;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	id = add_yaml(ctx, policy(yaml, sizeof(yaml), target_path(), "tetra_uprobe_target",
				  "    selectors:\n"
				  "    - matchArgs:\n"
				  "      - index: 1\n"
				  "        operator: Equal\n"
				  "        values: [\"kill-me\"]\n"
				  "      matchActions:\n"
				  "      - action: Sigkill\n"));
	pid = run_target(7, "kill-me", &status);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_UPROBE, pid, TIMEOUT_MS);
	cr_assert_not_null(e, "no process_uprobe event for the killed call");
	cr_expect(strstr(e->json, "\"action\":\"KPROBE_ACTION_SIGKILL\"") != NULL, "%s", e->json);

	pid = run_target(7, "spare-me", &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	cr_assert_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s", tetra_ctx_last_error(ctx));
	pid = run_target(7, "kill-me", &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "killed after the policy was removed: status %#x", status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_UPROBE, pid), "event after removal");
	tetra_ctx_free(ctx);
}

Test(policy_uprobe, missing_binary_and_symbol_are_clear_errors, .timeout = 60)
{
	char yaml[4096];
	struct tetra_policy *p;
	struct tetra_plan *plan = NULL;
	struct tetra_ctx *ctx;
	int err;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);

	p = parse(policy(yaml, sizeof(yaml), target_path(), "tetra_uprobe_target", ""));
	err = tetra_ctx_plan_policy(ctx, p, &plan);
	cr_assert_eq(err, 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect(tetra_plan_ok(plan), "%s", tetra_plan_hook_reason(plan, 0));
	cr_expect_eq(tetra_plan_hook_mechanism(plan, 0), TETRA_MECH_UPROBE);
	tetra_plan_free(plan);
	tetra_policy_free(p);

	p = parse(policy(yaml, sizeof(yaml), "/no/such", "main", ""));
	err = tetra_ctx_add_policy(ctx, p, NULL);
	cr_expect_eq(err, -ENOENT, "err %d: %s", err, tetra_ctx_last_error(ctx));
	cr_expect(strstr(tetra_ctx_last_error(ctx), "uprobes[0] \"/no/such\": binary: No such file")
		  != NULL, "%s", tetra_ctx_last_error(ctx));
	plan = NULL;
	cr_assert_eq(tetra_ctx_plan_policy(ctx, p, &plan), 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect(!tetra_plan_ok(plan), "a missing binary planned fine");
	tetra_plan_free(plan);
	tetra_policy_free(p);

	p = parse(policy(yaml, sizeof(yaml), target_path(), "tetra_no_such_symbol", ""));
	err = tetra_ctx_add_policy(ctx, p, NULL);
	cr_expect_lt(err, 0);
	cr_expect(strstr(tetra_ctx_last_error(ctx),
			 "\": symbol \"tetra_no_such_symbol\" not found") != NULL, "%s",
		  tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	tetra_ctx_free(ctx);
}
