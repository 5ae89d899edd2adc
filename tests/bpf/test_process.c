// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The process lifecycle sensor on the real kernel: real processes, real events, asserted
 * field by field.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

#define TIMEOUT_MS 5000

static char tmpdir[256];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tetra-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

/* Copy @src to @dir/@name, executable; returns the new path (static buffer). */
static const char *copy_binary(const char *src, const char *name)
{
	static char dst[PATH_MAX];
	struct stat st;
	int in, out;

	snprintf(dst, sizeof(dst), "%s/%s", tmpdir, name);
	in = open(src, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(in, 0);
	cr_assert_eq(fstat(in, &st), 0);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	cr_assert_geq(out, 0);
	cr_assert_eq(sendfile(out, in, NULL, st.st_size), st.st_size);
	close(in);
	close(out);
	return dst;
}

static const char *own_exec_id(struct tetra_ctx *ctx, struct th_recorder *rec)
{
	/* our own exec_id comes from the /proc seed; a fork of ours reports it as parent */
	static char id[400];
	const struct th_event *e;
	pid_t child = fork();

	cr_assert_geq(child, 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_FORK, child, TIMEOUT_MS);
	cr_assert_not_null(e, "no fork event for %d", child);
	snprintf(id, sizeof(id), "%s", e->parent_exec_id);
	return id;
}

Test(process, exec_of_copied_binary_with_args_cwd_parent_and_exit_status, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	struct th_event exec, exit_ev;
	const struct th_event *e;
	const char *bin, *parent_id;
	char expect_binary[PATH_MAX];
	int status;
	pid_t pid;

	th_require_bpf();
	make_tmpdir();
	bin = copy_binary("/bin/sh", "tetra-test-sh");
	snprintf(expect_binary, sizeof(expect_binary), "%s", bin);
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	parent_id = own_exec_id(ctx, rec);
	cr_assert_neq(parent_id[0], '\0', "the test process was not seeded from /proc");

	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *argv[] = { "tetra-test-sh", "-c", "exit 7", "two words", NULL };

		if (chdir(tmpdir))
			_exit(100);
		execve(expect_binary, argv, environ);
		_exit(101);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child status %#x", status);

	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e, "no exit event for %d", pid);
	exit_ev = *e;
	e = th_find(rec, TETRA_EVENT_PROCESS_EXEC, pid);
	cr_assert_not_null(e, "no exec event for %d", pid);
	exec = *e;

	cr_expect_str_eq(exec.binary, expect_binary);
	cr_expect_str_eq(exec.arguments, "-c \"exit 7\" \"two words\"");
	cr_expect_eq(exec.argc, 4);
	cr_expect_str_eq(exec.argv1, "-c");
	cr_expect_str_eq(exec.cwd, tmpdir);
	cr_expect_eq(exec.ppid, (uint32_t)getpid());
	cr_expect_eq(exec.uid, getuid());
	cr_expect_str_eq(exec.parent_exec_id, parent_id);
	cr_expect(exec.has_parent);
	cr_expect_str_eq(exec.parent_exec_id_of_parent, parent_id);
	cr_expect(exec.flags & TETRA_PROCESS_EXECVE);
	cr_expect(exec.flags & TETRA_PROCESS_CLONE, "first exec after fork must carry clone");
	cr_expect_not(exec.flags & TETRA_PROCESS_UNKNOWN);
	cr_expect_neq(exec.ns_mnt, 0);
	cr_expect_neq(exec.exec_id[0], '\0');
	cr_expect(strstr(exec.json, "\"binary\":\"") != NULL);
	cr_expect(strstr(exec.json, "\"flags\":\"execve clone\"") != NULL, "%s", exec.json);

	cr_expect_str_eq(exit_ev.exec_id, exec.exec_id, "exit must name the same exec");
	cr_expect_eq(exit_ev.exit_status, 7);
	cr_expect_eq(exit_ev.exit_signal, 0);
	cr_expect_str_eq(exit_ev.binary, expect_binary);
	cr_expect_gt(exit_ev.seq, exec.seq);
	tetra_ctx_free(ctx);
}

Test(process, relative_exec_is_reported_absolute, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	char expect[PATH_MAX];
	pid_t pid;

	th_require_bpf();
	make_tmpdir();
	snprintf(expect, sizeof(expect), "%s", copy_binary("/bin/true", "rel-true"));
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "rel-true", NULL };

		if (chdir(tmpdir))
			_exit(100);
		execve("./rel-true", argv, environ);
		_exit(101);
	}
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXEC, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_str_eq(e->binary, expect);
	cr_expect_str_eq(e->arguments, "");
	tetra_ctx_free(ctx);
}

Test(process, fork_without_exec_then_exit, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	struct th_event fork_ev;
	const struct th_event *e;
	char self[PATH_MAX];
	ssize_t n;
	pid_t pid;

	th_require_bpf();
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	cr_assert_gt(n, 0);
	self[n] = '\0';
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	pid = fork();
	if (pid == 0)
		_exit(3);
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_eq(e->exit_status, 3);
	e = th_find(rec, TETRA_EVENT_PROCESS_FORK, pid);
	cr_assert_not_null(e, "no fork event");
	fork_ev = *e;
	cr_expect_str_eq(fork_ev.binary, self, "a fork runs its parent's binary");
	cr_expect(fork_ev.flags & TETRA_PROCESS_CLONE);
	cr_expect_not(fork_ev.flags & TETRA_PROCESS_EXECVE);
	cr_expect_eq(fork_ev.ppid, (uint32_t)getpid());
	cr_expect_neq(fork_ev.parent_exec_id[0], '\0');
	cr_expect(strstr(fork_ev.json, "\"process_fork\"") != NULL);
	cr_expect_null(th_find(rec, TETRA_EVENT_PROCESS_EXEC, pid), "no exec happened");
	tetra_ctx_free(ctx);
}

static void *thread_main(void *arg)
{
	return arg;
}

Test(process, threads_are_not_processes, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	int forks = 0;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	pid = fork();
	if (pid == 0) {
		/* a new thread joins the child's thread group: no process event for it */
		pthread_t t;

		if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
			_exit(1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_eq(e->exit_status, 0, "the child could not create its thread");
	for (size_t i = 0; i < rec->n; i++) {
		if (rec->ev[i].type != TETRA_EVENT_PROCESS_FORK)
			continue;
		cr_expect_eq(rec->ev[i].pid, rec->ev[i].tid, "fork event for a thread %u of %u",
			     rec->ev[i].tid, rec->ev[i].pid);
		forks += rec->ev[i].pid == (uint32_t)pid;
	}
	cr_expect_eq(forks, 1, "one fork event for the child, none for its thread");
	tetra_ctx_free(ctx);
}

Test(process, killed_by_signal, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	pid = fork();
	if (pid == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_eq(e->exit_signal, SIGKILL);
	cr_expect_eq(e->exit_status, 0);
	cr_expect(strstr(e->json, "\"signal\":\"SIGKILL\"") != NULL, "%s", e->json);
	tetra_ctx_free(ctx);
}

Test(process, process_started_before_the_context_is_known, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	pid = fork();
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(101);
	}
	usleep(200 * 1000);	/* let it exec */
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect(e->flags & TETRA_PROCESS_PROCFS, "flags %#x", e->flags);
	cr_expect_not(e->flags & TETRA_PROCESS_UNKNOWN);
	cr_expect_str_eq(e->binary, "/usr/bin/sleep");
	cr_expect_str_eq(e->arguments, "30");
	cr_expect_eq(e->exit_signal, SIGTERM);
	cr_expect_neq(e->exec_id[0], '\0');
	cr_expect_neq(e->parent_exec_id[0], '\0', "its parent (us) was seeded too");
	cr_expect(e->has_parent);
	tetra_ctx_free(ctx);
}

Test(process, without_seeding_a_preexisting_process_is_flagged_unknown, .timeout = 30)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	pid_t pid;

	th_require_bpf();
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	rec = th_record(ctx);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect(e->flags & TETRA_PROCESS_UNKNOWN);
	cr_expect_eq(e->exit_signal, SIGKILL);
	cr_expect(strstr(e->json, "\"pid\":") != NULL);
	tetra_ctx_free(ctx);
}

struct burst {
	pid_t *pids;
	int n;
};

static int burst_done(struct th_recorder *rec, const void *arg)
{
	const struct burst *b = arg;
	size_t exits = 0;

	for (size_t i = 0; i < rec->n; i++)
		exits += rec->ev[i].type == TETRA_EVENT_PROCESS_EXIT;
	return exits >= (size_t)b->n;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

/*
 * 10 000 by default; the VM lane, where every instruction is emulated, asks for fewer
 * through TETRA_TEST_BURST.
 */
static int burst_count(void)
{
	const char *v = getenv("TETRA_TEST_BURST");

	return v && atoi(v) > 0 ? atoi(v) : 10000;
}

Test(process, burst_of_10000_execs_loses_nothing, .timeout = 600)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	struct tetra_stats st;
	struct burst b = { .n = burst_count() };
	int execs = 0, exits = 0;
	char *argv[] = { "true", "a", "b", NULL };

	th_require_bpf();
	b.pids = calloc(b.n, sizeof(*b.pids));
	ctx = th_ctx_process(0, 0);
	rec = th_record(ctx);
	for (int i = 0; i < b.n; i++) {
		cr_assert_eq(posix_spawn(&b.pids[i], "/bin/true", NULL, NULL, argv, environ), 0);
		waitpid(b.pids[i], NULL, 0);
		if (i % 64 == 0)
			cr_assert_geq(tetra_ctx_dispatch(ctx), 0);
	}
	th_poll_until(ctx, rec, burst_done, &b, 20000);
	qsort(b.pids, b.n, sizeof(*b.pids), cmp_pid);
	for (size_t i = 0; i < rec->n; i++) {
		pid_t p = rec->ev[i].pid;

		if (!bsearch(&p, b.pids, b.n, sizeof(p), cmp_pid))
			continue;
		if (rec->ev[i].type == TETRA_EVENT_PROCESS_EXEC) {
			execs++;
			cr_assert_str_eq(rec->ev[i].binary, "/bin/true");
			cr_assert_str_eq(rec->ev[i].arguments, "a b");
		}
		exits += rec->ev[i].type == TETRA_EVENT_PROCESS_EXIT;
	}
	tetra_stats_init(&st, sizeof(st));
	cr_assert_eq(tetra_ctx_get_stats(ctx, &st), 0);
	cr_expect_eq(st.lost_total, 0, "lost %llu", (unsigned long long)st.lost_total);
	cr_expect_eq(execs, b.n);
	cr_expect_eq(exits, b.n);
	cr_expect_eq(st.decode_errors, 0);
	free(b.pids);
	tetra_ctx_free(ctx);
}

static int quiet(struct th_recorder *rec, const void *arg)
{
	(void)rec;
	(void)arg;
	return 0;
}

Test(process, overflow_is_counted_and_reported_and_explains_every_gap, .timeout = 60)
{
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	struct tetra_stats st;
	uint64_t lost_in_events = 0, delivered = 0, issued = 0;
	char *argv[] = { "true", NULL };
	int n_lost_events = 0;

	th_require_bpf();
	/* one page: a handful of exec records fill it */
	ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 4096);
	rec = th_record(ctx);
	for (int i = 0; i < 200; i++) {
		pid_t pid;

		cr_assert_eq(posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ), 0);
		waitpid(pid, NULL, 0);
	}
	th_poll_until(ctx, rec, quiet, NULL, 300);
	for (size_t i = 0; i < rec->n; i++) {
		if (rec->ev[i].type == TETRA_EVENT_LOST) {
			n_lost_events++;
			for (int c = 0; c < TETRA_LOST_CATEGORIES; c++)
				lost_in_events += rec->ev[i].lost[c];
			if (rec->ev[i].seq > issued)
				issued = rec->ev[i].seq;
			continue;
		}
		delivered++;
		if (rec->ev[i].seq + 1 > issued)
			issued = rec->ev[i].seq + 1;
	}
	tetra_stats_init(&st, sizeof(st));
	cr_assert_eq(tetra_ctx_get_stats(ctx, &st), 0);
	cr_expect_gt(st.lost_total, 0, "a 4 KiB ring buffer must overflow");
	cr_expect_gt(st.lost[TETRA_LOST_EXEC], 0);
	cr_expect_geq(n_lost_events, 1);
	cr_expect_eq(lost_in_events, st.lost_total, "lost_events must add up to the stats");
	/*
	 * Every sequence number handed out was delivered or counted lost. A lost_events
	 * record carries the counter as it stood when it was taken.
	 */
	cr_expect_eq(delivered + st.lost_total, issued,
		     "delivered %llu + lost %llu != issued %llu", (unsigned long long)delivered,
		     (unsigned long long)st.lost_total, (unsigned long long)issued);
	tetra_ctx_free(ctx);
}
