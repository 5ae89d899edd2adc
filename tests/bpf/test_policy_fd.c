// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * fd arguments of syscall hooks are resolved in the kernel to the path of the open file:
 * absolute whatever path opened it, across mounts, marked when the file was unlinked,
 * and matchable with the string operators.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TIMEOUT_MS 5000

static const char policy_fmt[] =
	"apiVersion: cilium.io/v1alpha1\n"
	"kind: TracingPolicy\n"
	"metadata:\n"
	"  name: fd-test\n"
	"spec:\n"
	"  kprobes:\n"
	"  - call: sys_write\n"
	"    syscall: true\n"
	"    args:\n"
	"    - index: 0\n"
	"      type: fd\n"
	"    - index: 2\n"
	"      type: size_t\n"
	"    selectors:\n"
	"    - matchArgs:\n"
	"      - index: 0\n"
	"        operator: Prefix\n"
	"        values: [\"%s\"]\n";

static struct tetra_ctx *ctx_with_policy(const char *prefix, struct th_recorder **rec)
{
	char yaml[2048];
	struct tetra_policy *p = NULL;
	struct tetra_diag diag;
	struct tetra_ctx *ctx = th_ctx_process(0, 0);

	snprintf(yaml, sizeof(yaml), policy_fmt, prefix);
	tetra_diag_init(&diag, sizeof(diag));
	cr_assert_eq(tetra_policy_parse(&p, yaml, strlen(yaml), &diag), 0, "%s", diag.text);
	cr_assert_eq(tetra_ctx_add_policy(ctx, p, NULL), 0, "%s", tetra_ctx_last_error(ctx));
	tetra_policy_free(p);
	*rec = th_record(ctx);
	return ctx;
}

/* A child that opens @open_path (after chdir to @cwd), optionally unlinks it, writes. */
static pid_t child_write(const char *cwd, const char *open_path, int unlink_first)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd;

		if (cwd && chdir(cwd))
			_exit(2);
		fd = open(open_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(3);
		if (unlink_first)
			unlink(open_path);
		if (write(fd, "hello", 5) != 5)
			_exit(4);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

static const struct th_event *kprobe_of(struct tetra_ctx *ctx, struct th_recorder *rec,
					pid_t pid)
{
	cr_assert_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	return th_find(rec, TETRA_EVENT_PROCESS_KPROBE, pid);
}

Test(policy_fd, relative_open_is_reported_with_the_absolute_path, .timeout = 60)
{
	char dir[64] = "/tmp/tetra-fd-XXXXXX", expect[PATH_MAX];
	struct th_recorder *rec;
	struct tetra_ctx *ctx;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	cr_assert_not_null(mkdtemp(dir));
	ctx = ctx_with_policy(dir, &rec);
	pid = child_write(dir, "./rel-file", 0);
	e = kprobe_of(ctx, rec, pid);
	cr_assert_not_null(e, "no event for a write to a file under the prefix");
	snprintf(expect, sizeof(expect), "\"file_arg\":{\"path\":\"%s/rel-file\"}", dir);
	cr_expect(strstr(e->json, expect) != NULL, "want %s in %s", expect, e->json);
	cr_expect(strstr(e->json, "{\"size_arg\":\"5\"}") != NULL, "%s", e->json);
	/* a write elsewhere (the terminal, a pipe) does not match the prefix */
	pid = child_write("/", "/dev/null", 0);
	cr_expect_null(kprobe_of(ctx, rec, pid));
	tetra_ctx_free(ctx);
}

Test(policy_fd, unlinked_file_is_marked_deleted, .timeout = 60)
{
	char dir[64] = "/tmp/tetra-fd-XXXXXX", path[PATH_MAX], expect[PATH_MAX];
	struct th_recorder *rec;
	struct tetra_ctx *ctx;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	cr_assert_not_null(mkdtemp(dir));
	ctx = ctx_with_policy(dir, &rec);
	snprintf(path, sizeof(path), "%s/gone", dir);
	pid = child_write(NULL, path, 1);
	e = kprobe_of(ctx, rec, pid);
	cr_assert_not_null(e);
	snprintf(expect, sizeof(expect), "\"path\":\"%s/gone (deleted)\"", dir);
	cr_expect(strstr(e->json, expect) != NULL, "want %s in %s", expect, e->json);
	tetra_ctx_free(ctx);
}

Test(policy_fd, path_crosses_mount_points, .timeout = 60)
{
	char dir[64] = "/dev/shm/tetra-fd-XXXXXX", path[PATH_MAX], expect[PATH_MAX];
	struct th_recorder *rec;
	struct tetra_ctx *ctx;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	/* /dev/shm is a tmpfs mounted on devtmpfs mounted on the root: two crossings */
	if (!mkdtemp(dir))
		cr_skip_test("no /dev/shm here");
	ctx = ctx_with_policy("/dev/shm/", &rec);
	snprintf(path, sizeof(path), "%s/f", dir);
	pid = child_write(NULL, path, 0);
	e = kprobe_of(ctx, rec, pid);
	cr_assert_not_null(e);
	snprintf(expect, sizeof(expect), "\"path\":\"%s\"", path);
	cr_expect(strstr(e->json, expect) != NULL, "want %s in %s", expect, e->json);
	unlink(path);
	rmdir(dir);
	tetra_ctx_free(ctx);
}
