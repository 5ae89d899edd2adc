// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Return probes of syscall hooks (return: true) on the real kernel: the record waits at
 * sys_enter, raw sys_exit adds the return value, evaluates matchReturnArgs and runs
 * matchReturnActions.
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
#include <time.h>
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
	snprintf(dir, sizeof(dir), "/tmp/tetra-return-XXXXXX");
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

/* openat of files in dir, return: true with an int returnArg, then @selectors. */
static const char *return_policy(char *buf, size_t len, const char *selectors)
{
	snprintf(buf, len,
		 "apiVersion: cilium.io/v1alpha1\n"
		 "kind: TracingPolicy\n"
		 "metadata:\n"
		 "  name: open-return\n"
		 "spec:\n"
		 "  kprobes:\n"
		 "  - call: sys_openat\n"
		 "    syscall: true\n"
		 "    return: true\n"
		 "    args:\n"
		 "    - index: 1\n"
		 "      type: string\n"
		 "    returnArg:\n"
		 "      index: 0\n"
		 "      type: int\n"
		 "    selectors:\n"
		 "    - matchArgs:\n"
		 "      - index: 1\n"
		 "        operator: Prefix\n"
		 "        values: [\"%s/\"]\n"
		 "%s",
		 dir, selectors);
	return buf;
}

static const char *const lt_zero =
	"      matchReturnArgs:\n"
	"      - index: 0\n"
	"        operator: LT\n"
	"        values: [0]\n";

Test(policy_return, failed_open_posts_with_its_return_value, .timeout = 60)
{
	char yaml[4096], expect[PATH_MAX + 64];
	const struct th_event *e;
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	int status;
	pid_t pid;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	add_yaml(ctx, return_policy(yaml, sizeof(yaml), lt_zero));

	/* ENOENT: matchReturnArgs LT 0 holds */
	status = child_open("missing", O_RDONLY, &pid);
	cr_expect(WIFEXITED(status), "status %#x", status);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_KPROBE, pid, TIMEOUT_MS);
	cr_assert_not_null(e, "no event for the failed open");
	snprintf(expect, sizeof(expect), "\"args\":[{\"string_arg\":\"%s/missing\"}]", dir);
	cr_expect(strstr(e->json, expect) != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "\"return\":{\"int_arg\":-2}") != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "\"return_action\":\"KPROBE_ACTION_POST\"") != NULL, "%s",
		  e->json);
	cr_expect(strstr(e->json, "\"function_name\":\"__x64_sys_openat\"") != NULL, "%s",
		  e->json);
	/* Tetragon's order: args, return, action, policy_name, return_action */
	cr_expect(strstr(e->json, "}],\"return\":{\"int_arg\":-2},\"action\":"
			 "\"KPROBE_ACTION_POST\",\"policy_name\":\"open-return\","
			 "\"return_action\":\"KPROBE_ACTION_POST\"}") != NULL, "%s", e->json);

	/* success: the return value is a file descriptor, LT 0 does not hold */
	status = child_open("present", O_RDONLY | O_CREAT, &pid);
	cr_expect(WIFEXITED(status), "status %#x", status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid),
		       "an event for the successful open");
	tetra_ctx_free(ctx);
}

struct seen {
	pid_t pid;
	int events, has_return;
	int64_t ret;
};

static int on_event(struct tetra_ctx *ctx, const struct tetra_event *ev, void *data)
{
	struct seen *s = data;
	const struct tetra_process *p = tetra_event_process(ev);

	(void)ctx;
	if (tetra_event_type(ev) != TETRA_EVENT_PROCESS_KPROBE || !p ||
	    tetra_process_pid(p) != (uint32_t)s->pid)
		return 0;
	s->events++;
	s->has_return = tetra_event_has_return(ev);
	s->ret = tetra_event_return_value(ev);
	return 0;
}

Test(policy_return, accessors_and_no_selectors, .timeout = 60)
{
	char yaml[4096];
	struct seen s = { 0 };
	struct tetra_ctx *ctx;
	struct timespec t0, t;
	int status;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	/* every open under dir, failed or not, with its return value */
	add_yaml(ctx, return_policy(yaml, sizeof(yaml), ""));
	cr_assert_eq(tetra_ctx_set_event_fn(ctx, on_event, &s, NULL), 0);
	s.pid = -1;
	status = child_open("nothere", O_RDONLY, &s.pid);
	cr_expect(WIFEXITED(status), "status %#x", status);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		tetra_ctx_poll(ctx, 100);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!s.events && t.tv_sec - t0.tv_sec < 5);
	cr_assert_eq(s.events, 1);
	cr_expect_eq(s.has_return, 1);
	cr_expect_eq(s.ret, -ENOENT);
	tetra_ctx_free(ctx);
}

Test(policy_return, sigkill_in_match_return_actions, .timeout = 60)
{
	char yaml[4096], sel[1024];
	const struct th_event *e;
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	int status;
	pid_t pid;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	snprintf(sel, sizeof(sel), "%s"
		 "      matchReturnActions:\n"
		 "      - action: Sigkill\n", lt_zero);
	add_yaml(ctx, return_policy(yaml, sizeof(yaml), sel));

	status = child_open("missing", O_RDONLY, &pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_KPROBE, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect(strstr(e->json, "\"return\":{\"int_arg\":-2}") != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "\"action\":\"KPROBE_ACTION_POST\"") != NULL, "%s", e->json);
	cr_expect(strstr(e->json, "\"return_action\":\"KPROBE_ACTION_SIGKILL\"") != NULL, "%s",
		  e->json);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_eq(e->exit_signal, SIGKILL);

	/* a successful open is not killed */
	status = child_open("present", O_RDONLY | O_CREAT, NULL);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	tetra_ctx_free(ctx);
}

Test(policy_return, nopost_and_range_operators, .timeout = 60)
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
	/* EACCES-ish range excludes -2: NotInRange holds for ENOENT, then NoPost */
	snprintf(sel, sizeof(sel),
		 "      matchReturnArgs:\n"
		 "      - index: 0\n"
		 "        operator: InRange\n"
		 "        values: [\"-4095:-1\"]\n"
		 "      - index: 0\n"
		 "        operator: NotEqual\n"
		 "        values: [-13]\n"
		 "      matchReturnActions:\n"
		 "      - action: NoPost\n"
		 "      - action: Signal\n"
		 "        argSig: 10\n");
	add_yaml(ctx, return_policy(yaml, sizeof(yaml), sel));
	status = child_open("missing", O_RDONLY, &pid);
	cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1, "status %#x", status);
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid), "NoPost posted");
	status = child_open("present", O_RDONLY | O_CREAT, NULL);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	tetra_ctx_free(ctx);
}

Test(policy_return, sys_exit_is_attached_only_while_a_return_hook_is_loaded, .timeout = 60)
{
	char yaml[4096];
	struct tetra_ctx *ctx;
	uint32_t id;

	th_require_bpf();
	setup_dir();
	ctx = th_ctx_process(0, 0);
	id = add_yaml(ctx, return_policy(yaml, sizeof(yaml), lt_zero));
	cr_expect_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s", tetra_ctx_last_error(ctx));
	/* and again: detaching and reattaching works */
	id = add_yaml(ctx, return_policy(yaml, sizeof(yaml), lt_zero));
	cr_expect_eq(tetra_ctx_remove_policy(ctx, id), 0, "%s", tetra_ctx_last_error(ctx));
	tetra_ctx_free(ctx);
}
