// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Context-level behaviour on the real kernel: cleanup leaves nothing attached, contexts
 * are independent, missing privileges are named, the raw_tp fallback works.
 */
#include <criterion/criterion.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define TIMEOUT_MS 5000

/*
 * The ids of loaded BPF programs whose name starts with "tetra_". Tests compare id sets,
 * not counts: programs of an earlier test may still be going away (the kernel frees
 * them after an RCU grace period) while these run.
 */
#define MAX_IDS 4096

static int tetra_prog_ids(__u32 *ids)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id) && n < MAX_IDS) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strncmp(info.name, "tetra_", 6))
			ids[n++] = id;
		close(fd);
	}
	return n;
}

/* The ids of links whose program is one of ours. */
static int tetra_link_ids(__u32 *ids)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_link_get_next_id(id, &id) && n < MAX_IDS) {
		struct bpf_link_info link = { 0 };
		struct bpf_prog_info prog = { 0 };
		__u32 len = sizeof(link), plen = sizeof(prog);
		int fd = bpf_link_get_fd_by_id(id), pfd;

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &link, &len)) {
			pfd = bpf_prog_get_fd_by_id(link.prog_id);
			if (pfd >= 0) {
				if (!bpf_obj_get_info_by_fd(pfd, &prog, &plen) &&
				    !strncmp(prog.name, "tetra_", 6))
					ids[n++] = id;
				close(pfd);
			}
		}
		close(fd);
	}
	return n;
}

static int contains(const __u32 *ids, int n, __u32 id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* Ids in @now that are not in @before, written to @added; returns how many. */
static int added_ids(const __u32 *before, int nb, const __u32 *now, int nn, __u32 *added)
{
	int n = 0;

	for (int i = 0; i < nn; i++)
		if (!contains(before, nb, now[i]))
			added[n++] = now[i];
	return n;
}

/* How many of @ids are still loaded, waiting up to 2 s for the kernel to free them. */
static int still_loaded(const __u32 *ids, int n, int (*list)(__u32 *))
{
	static __u32 now[MAX_IDS];
	int left = n;

	for (int tries = 0; tries < 100 && left; tries++) {
		int nn = list(now);

		left = 0;
		for (int i = 0; i < n; i++)
			left += contains(now, nn, ids[i]);
		if (left)
			usleep(20000);
	}
	return left;
}

Test(context, free_detaches_and_unloads_everything, .timeout = 30)
{
	static __u32 p0[MAX_IDS], l0[MAX_IDS], p1[MAX_IDS], l1[MAX_IDS], pa[MAX_IDS], la[MAX_IDS];
	struct tetra_ctx *ctx;
	int np0, nl0, npa, nla;

	th_require_bpf();
	np0 = tetra_prog_ids(p0);
	nl0 = tetra_link_ids(l0);
	ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	npa = added_ids(p0, np0, p1, tetra_prog_ids(p1), pa);
	nla = added_ids(l0, nl0, l1, tetra_link_ids(l1), la);
	cr_expect_eq(npa, 3, "exec, fork and exit programs loaded (%d new)", npa);
	cr_expect_eq(nla, 3, "and attached by links (%d new)", nla);
	tetra_ctx_free(ctx);
	cr_expect_eq(still_loaded(pa, npa, tetra_prog_ids), 0, "programs left behind");
	cr_expect_eq(still_loaded(la, nla, tetra_link_ids), 0, "links left behind");
}

Test(context, disable_then_enable_again, .timeout = 30)
{
	static __u32 p0[MAX_IDS], p1[MAX_IDS], pa[MAX_IDS];
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	int np0, npa;
	pid_t pid;

	th_require_bpf();
	np0 = tetra_prog_ids(p0);
	ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	rec = th_record(ctx);
	npa = added_ids(p0, np0, p1, tetra_prog_ids(p1), pa);
	cr_expect_eq(npa, 3);
	cr_assert_eq(tetra_sensor_disable(ctx, TETRA_SENSOR_PROCESS), 0);
	cr_expect_eq(still_loaded(pa, npa, tetra_prog_ids), 0, "disable left programs behind");
	cr_expect_eq(tetra_sensor_disable(ctx, TETRA_SENSOR_PROCESS), -ENOENT);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "not enabled") != NULL);
	cr_assert_eq(tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL), 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	cr_expect_not_null(th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	tetra_ctx_free(ctx);
}

Test(context, two_contexts_are_independent, .timeout = 30)
{
	struct tetra_ctx *a, *b;
	struct th_recorder *ra, *rb;
	pid_t pid;

	th_require_bpf();
	a = th_ctx_process(0, 0);
	b = th_ctx_process(0, 0);
	ra = th_record(a);
	rb = th_record(b);
	cr_expect_neq(tetra_ctx_get_fd(a), tetra_ctx_get_fd(b));
	pid = fork();
	if (pid == 0)
		_exit(5);
	waitpid(pid, NULL, 0);
	cr_expect_not_null(th_wait_event(a, ra, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	cr_expect_not_null(th_wait_event(b, rb, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS));
	tetra_ctx_free(a);
	pid = fork();
	if (pid == 0)
		_exit(6);
	waitpid(pid, NULL, 0);
	cr_expect_not_null(th_wait_event(b, rb, TETRA_EVENT_PROCESS_EXIT, pid, TIMEOUT_MS),
			   "freeing one context must not stop the other");
	tetra_ctx_free(b);
}

static void drop_caps(const int *caps, int n)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	cr_assert_eq(syscall(SYS_capget, &hdr, data), 0);
	for (int i = 0; i < n; i++)
		data[caps[i] / 32].effective &= ~(1u << (caps[i] % 32));
	cr_assert_eq(syscall(SYS_capset, &hdr, data), 0);
}

Test(context, missing_capabilities_are_named, .timeout = 30)
{
	static const int caps[] = { CAP_SYS_ADMIN, 39 /* CAP_BPF */, 38 /* CAP_PERFMON */ };
	struct tetra_ctx *ctx = NULL;
	int err;

	th_require_bpf();
	/* Criterion runs each test in its own process: dropping caps here is contained */
	drop_caps(caps, 3);
	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0, "creating a context needs no privileges");
	err = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
	cr_expect_eq(err, -TETRA_E_PRIVILEGE);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "CAP_BPF") != NULL, "message: %s",
		  tetra_ctx_last_error(ctx));
	cr_expect(strstr(tetra_ctx_last_error(ctx), "CAP_PERFMON") != NULL);
	cr_expect(strstr(tetra_strerror(err), "privileges") != NULL);
	tetra_ctx_free(ctx);
}

Test(context, only_cap_perfmon_missing_is_named, .timeout = 30)
{
	static const int caps[] = { CAP_SYS_ADMIN, 38 /* CAP_PERFMON */ };
	struct tetra_ctx *ctx = NULL;

	th_require_bpf();
	drop_caps(caps, 2);
	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	cr_expect_eq(tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL), -TETRA_E_PRIVILEGE);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "needs CAP_PERFMON") != NULL, "message: %s",
		  tetra_ctx_last_error(ctx));
	tetra_ctx_free(ctx);
}

static void log_to(struct tetra_ctx *ctx, int level, const char *msg, void *arg)
{
	char *buf = arg;

	(void)ctx;
	(void)level;
	strncat(buf, msg, 4095 - strlen(buf));
	strncat(buf, "\n", 4095 - strlen(buf));
}

Test(context, raw_tracepoint_fallback_delivers_the_same_events, .timeout = 30)
{
	struct tetra_ctx_opts opts;
	struct tetra_ctx *ctx;
	struct th_recorder *rec;
	const struct th_event *e;
	static char log[4096];
	pid_t pid;

	th_require_bpf();
	tetra_ctx_opts_init(&opts, sizeof(opts));
	opts.flags = TETRA_CTX_F_FORCE_RAW_TP;
	cr_assert_eq(tetra_ctx_new(&ctx, &opts), 0);
	tetra_ctx_set_log_fn(ctx, log_to, TETRA_LOG_DEBUG, log);
	cr_assert_eq(tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL), 0, "%s",
		     tetra_ctx_last_error(ctx));
	cr_expect(strstr(log, "attached (raw_tp)") != NULL, "log: %s", log);
	rec = th_record(ctx);
	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", "x", (char *)NULL);
		_exit(1);
	}
	waitpid(pid, NULL, 0);
	e = th_wait_event(ctx, rec, TETRA_EVENT_PROCESS_EXEC, pid, TIMEOUT_MS);
	cr_assert_not_null(e);
	cr_expect_str_eq(e->binary, "/bin/true");
	cr_expect_str_eq(e->arguments, "x");
	tetra_ctx_free(ctx);
}

static int reentrant(struct tetra_ctx *ctx, const struct tetra_event *ev, void *arg)
{
	int *res = arg;

	(void)ev;
	*res = tetra_ctx_dispatch(ctx);
	return -42;
}

Test(context, dispatch_from_a_callback_is_refused_and_callback_stop_is_returned, .timeout = 30)
{
	struct tetra_ctx *ctx;
	int res = 0, r = 0;
	pid_t pid;

	th_require_bpf();
	ctx = th_ctx_process(TETRA_CTX_F_NO_PROC_SEED, 0);
	cr_assert_eq(tetra_ctx_set_event_fn(ctx, reentrant, &res, NULL), 0);
	pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 100 && r == 0; i++)
		r = tetra_ctx_poll(ctx, 50);
	cr_expect_eq(r, -42, "a callback's negative return stops dispatch and is returned");
	cr_expect_eq(res, -TETRA_E_STATE);
	tetra_ctx_free(ctx);
}
