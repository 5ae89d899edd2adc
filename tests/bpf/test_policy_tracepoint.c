// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * tracepoints: hooks on the real kernel: arguments read from the tracepoint record at the
 * offsets of its tracefs format (indexes count the common_* fields, as Tetragon does),
 * selectors, process_tracepoint events and their JSON, the plan, and unknown events.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

/* syscalls/sys_enter_fchmodat: common_* (0-3), __syscall_nr (4), dfd (5), filename (6), mode (7) */
static const char *fchmodat_policy(char *buf, size_t len, const char *selectors)
{
	snprintf(buf, len,
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: tp-fchmodat\n"
		 "spec:\n"
		 "  tracepoints:\n"
		 "  - subsystem: syscalls\n"
		 "    event: sys_enter_fchmodat\n"
		 "    args:\n"
		 "    - index: 5\n"
		 "      type: int\n"
		 "    - index: 6\n"
		 "      type: string\n"
		 "    - index: 7\n"
		 "      type: uint64\n"
		 "      label: mode\n"
		 "%s",
		 selectors);
	return buf;
}

/* A child that chmods @name in dir to @mode through fchmodat(2); returns its pid. */
static pid_t child_chmod(const char *name, mode_t mode)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_CREAT | O_WRONLY, 0600);

		if (fd >= 0)
			close(fd);
		syscall(SYS_fchmodat, AT_FDCWD, path, mode);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "status %#x", status);
	return pid;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tetra-tp-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

Test(policy_tracepoint, fchmodat_args_selectors_and_json, .timeout = 60)
{
	char yaml[4096], want[PATH_MAX + 64];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	setup();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	add_yaml(ctx, fchmodat_policy(yaml, sizeof(yaml),
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 6\n"
		 "        operator: Postfix\n"
		 "        values: [\"/tp-marked\"]\n"
		 "      - index: 7\n"
		 "        operator: Equal\n"
		 "        values: [\"0640\"]\n"));

	pid = child_chmod("tp-marked", 0640);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_TRACEPOINT, pid, TIMEOUT_MS);
	cr_assert_not_null(e, "no process_tracepoint event for the matching fchmodat");
	cr_expect(strncmp(e->json, "{\"process_tracepoint\":{\"process\":{", 34) == 0, "%s",
		  e->json);
	cr_expect(strstr(e->json, "\"subsys\":\"syscalls\",\"event\":\"sys_enter_fchmodat\","
			 "\"args\":[{\"int_arg\":-100},") != NULL, "%s", e->json);
	snprintf(want, sizeof(want), "{\"string_arg\":\"%s/tp-marked\"}", dir);
	cr_expect(strstr(e->json, want) != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "{\"size_arg\":\"416\",\"label\":\"mode\"}],"
			 "\"policy_name\":\"tp-fchmodat\",\"action\":\"KPROBE_ACTION_POST\"}") != NULL,
		  "%s", e->json);

	/* wrong mode, wrong name: no event */
	pid = child_chmod("tp-marked", 0600);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_TRACEPOINT, pid), "wrong mode matched");
	pid = child_chmod("tp-other", 0640);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_TRACEPOINT, pid), "wrong name matched");
	tetra_ctx_free(ctx);
}

Test(policy_tracepoint, data_loc_string_and_remove, .timeout = 60)
{
	static const char yaml[] =
		"apiVersion: cilium.io/v1alpha1\n"
		"kind: TracingPolicy\n"
		"metadata:\n"
		"  name: tp-exec\n"
		"spec:\n"
		"  tracepoints:\n"
		"  - subsystem: sched\n"
		"    event: sched_process_exec\n"
		"    args:\n"
		"    - index: 4\n"		/* __data_loc char[] filename */
		"      type: string\n"
		"    - index: 5\n"		/* pid_t pid */
		"      type: int\n"
		"    selectors:\n"
		"    - matchArgs:\n"
		"      - index: 4\n"
		"        operator: Equal\n"
		"        values: [\"/bin/true\"]\n";
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	char want[64];
	uint32_t id;
	int status;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	id = add_yaml(ctx, yaml);
	for (int round = 0; round < 2; round++) {
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid,
						 TIMEOUT_MS));
		e = th_find(rec, TETRA_EVENT_PROCESS_TRACEPOINT, pid);
		if (round == 1) {
			cr_expect_null(e, "event after the policy was removed");
			break;
		}
		cr_assert_not_null(e, "no process_tracepoint for exec of /bin/true");
		snprintf(want, sizeof(want), "\"args\":[{\"string_arg\":\"/bin/true\"},{\"int_arg\":%d}]",
			 (int)pid);
		cr_expect(strstr(e->json, want) != NULL, "%s", e->json);
		cr_expect(strstr(e->json, "\"event\":\"sched_process_exec\"") != NULL);
		cr_assert_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s", tetra_ctx_last_error(ctx));
	}
	/* /bin/sh does not match */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	tetra_ctx_free(ctx);
}

Test(policy_tracepoint, unknown_tracepoint_is_a_clear_error, .timeout = 60)
{
	static const char yaml[] =
		"apiVersion: cilium.io/v1alpha1\n"
		"kind: TracingPolicy\n"
		"metadata:\n"
		"  name: tp-missing\n"
		"spec:\n"
		"  tracepoints:\n"
		"  - subsystem: syscalls\n"
		"    event: sys_enter_no_such_call\n";
	struct tetra_policy *p;
	struct tetra_ctx *ctx;
	uint32_t id = 0;
	int err;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	p = parse(yaml);
	err = tetra_ctx_add_policy(ctx, p, &id);
	cr_expect_eq(err, -ENOENT, "err %d: %s", err, tetra_ctx_last_error(ctx));
	cr_expect(strstr(tetra_ctx_last_error(ctx),
			 "tracepoints[0] \"syscalls/sys_enter_no_such_call\": no such tracepoint") !=
		  NULL, "%s", tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	tetra_ctx_free(ctx);
}

Test(policy_tracepoint, bad_index_and_plan, .timeout = 60)
{
	char yaml[4096];
	struct tetra_policy *p;
	struct tetra_plan *plan = NULL;
	struct tetra_ctx *ctx;
	int err;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	p = parse(fchmodat_policy(yaml, sizeof(yaml), ""));
	err = tetra_ctx_plan_policy(ctx, p, &plan);
	cr_assert_eq(err, 0, "%s", tetra_ctx_last_error(ctx));
	cr_expect(tetra_plan_ok(plan), "%s", tetra_plan_hook_reason(plan, 0));
	cr_expect_eq(tetra_plan_hook_mechanism(plan, 0), TETRA_MECH_TRACEPOINT);
	cr_expect(strstr(tetra_plan_hook_reason(plan, 0), "tracepoint") != NULL);
	tetra_plan_free(plan);
	tetra_policy_free(p);

	/* index 40 is past the fields of sys_enter_fchmodat */
	snprintf(yaml, sizeof(yaml),
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: tp-bad\n"
		 "spec:\n"
		 "  tracepoints:\n"
		 "  - subsystem: syscalls\n"
		 "    event: sys_enter_fchmodat\n"
		 "    args:\n"
		 "    - index: 40\n"
		 "      type: int\n");
	p = parse(yaml);
	err = tetra_ctx_add_policy(ctx, p, NULL);
	cr_expect_lt(err, 0);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "index 40 is past the") != NULL, "%s",
		  tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	tetra_ctx_free(ctx);
}
