// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* tetra_event_to_compact(): Tetragon's `tetra getevents -o compact` line, colours off. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tetra/event.h>

#include "event.h"
#include "process.h"

#define NODE "my-node"
#define FFFD "\xef\xbf\xbd"

static struct tetra_process *mkproc(uint32_t pid, const char *binary, const char *args,
				    size_t args_len)
{
	struct tetra_process *p = tetra__process_new();

	cr_assert(p);
	p->pid = p->tid = pid;
	cr_assert_eq(tetra__process_set_binary(p, binary, strlen(binary)), 0);
	if (args)
		cr_assert_eq(tetra__process_set_args(p, args, args_len), 0);
	return p;
}

/* Encode @ev, checking the length contract both ways. */
static char *to_compact(const struct tetra_event *ev)
{
	int n = tetra_event_to_compact(ev, NULL, 0);
	char *buf;

	cr_assert_geq(n, 0, "tetra_event_to_compact: %d", n);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(tetra_event_to_compact(ev, buf, (size_t)n + 1), n);
	cr_assert_eq(strlen(buf), (size_t)n);
	cr_assert(!strchr(buf, '\n'), "one event, one line: %s", buf);
	return buf;
}

static void expect(const struct tetra_event *ev, const char *want)
{
	char *s = to_compact(ev);

	cr_assert_str_eq(s, want);
	free(s);
}

Test(encode_compact, process_exec)
{
	static const char args[] = "ls\0-l\0/tmp";
	struct tetra_process *p = mkproc(10, "/usr/bin/ls", args, sizeof(args));
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .node_name = NODE,
				  .process = p };

	expect(&ev, "🚀 process my-node /usr/bin/ls -l /tmp");
	/* Tetragon's quoting of arguments is kept */
	cr_assert_eq(tetra__process_set_args(p, "sh\0-c\0echo hi", 14), 0);
	expect(&ev, "🚀 process my-node /usr/bin/ls -c \"echo hi\"");
	/* no arguments: no trailing space */
	cr_assert_eq(tetra__process_set_args(p, "ls", 3), 0);
	expect(&ev, "🚀 process my-node /usr/bin/ls");
	cr_assert_eq(tetra__process_set_args(p, NULL, 0), 0);
	expect(&ev, "🚀 process my-node /usr/bin/ls");
	tetra__process_free(p);
}

Test(encode_compact, process_fork)
{
	struct tetra_process *p = mkproc(11, "/bin/bash", "bash\0-i", 8);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_FORK, .node_name = NODE,
				  .process = p };

	expect(&ev, "🔀 fork    my-node /bin/bash -i");
	tetra__process_free(p);
}

Test(encode_compact, process_exit)
{
	struct tetra_process *p = mkproc(12, "/bin/sleep", "sleep\0" "10", 9);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXIT, .node_name = NODE,
				  .process = p, .exit_signal = 9 };

	expect(&ev, "💥 exit    my-node /bin/sleep 10 SIGKILL");
	ev.exit_signal = 15;
	expect(&ev, "💥 exit    my-node /bin/sleep 10 SIGTERM");
	ev.exit_signal = 40;	/* no name: the number, so it is still told apart from a status */
	expect(&ev, "💥 exit    my-node /bin/sleep 10 SIG40");
	ev.exit_signal = 0;
	ev.exit_status = 3;
	expect(&ev, "💥 exit    my-node /bin/sleep 10 3");
	ev.exit_status = 0;
	expect(&ev, "💥 exit    my-node /bin/sleep 10 0");
	cr_assert_eq(tetra__process_set_args(p, "sleep", 6), 0);
	expect(&ev, "💥 exit    my-node /bin/sleep 0");
	tetra__process_free(p);
}

Test(encode_compact, lost_events)
{
	struct tetra_event ev = { .type = TETRA_EVENT_LOST, .node_name = NODE };

	expect(&ev, "⚠️ lost    my-node 0 events");
	ev.lost[TETRA_LOST_EXEC] = 1;
	ev.lost[TETRA_LOST_EXIT] = 2;
	ev.lost[TETRA_LOST_OTHER] = 4;
	expect(&ev, "⚠️ lost    my-node 7 events (exec 1, exit 2, other 4)");
	ev.lost[TETRA_LOST_FORK] = 8;
	ev.lost[TETRA_LOST_POLICY] = 16;
	ev.lost[TETRA_LOST_CATEGORIES - 1] = 32;	/* a spare slot: counted as other */
	expect(&ev, "⚠️ lost    my-node 63 events "
		    "(exec 1, exit 2, fork 8, policy 16, other 36)");
	memset(ev.lost, 0, sizeof(ev.lost));
	ev.lost[TETRA_LOST_POLICY] = 18446744073709551615ull;
	ev.lost[TETRA_LOST_EXEC] = 1;
	expect(&ev, "⚠️ lost    my-node 18446744073709551615 events "
		    "(exec 1, policy 18446744073709551615)");
}

Test(encode_compact, unknown_process)
{
	struct tetra_process *p = mkproc(13, "", NULL, 0);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .node_name = NODE };

	expect(&ev, "🚀 process my-node <unknown>");
	ev.type = TETRA_EVENT_PROCESS_EXIT;
	ev.exit_signal = 9;
	expect(&ev, "💥 exit    my-node <unknown> SIGKILL");
	ev.process = p;
	p->flags = TETRA_PROCESS_UNKNOWN;
	expect(&ev, "💥 exit    my-node <unknown> SIGKILL");
	ev.type = TETRA_EVENT_PROCESS_FORK;
	expect(&ev, "🔀 fork    my-node <unknown>");
	tetra__process_free(p);
}

Test(encode_compact, escapes_keep_one_line)
{
	static const char args[] = "x\0a\nb\0\x1b[2J\0\xff\xc3\xa9\0\xc2\x9b" "1m\0tab\there";
	struct tetra_process *p = mkproc(14, "/tmp/e\x1b]0;\x07\x7fvil\r", args, sizeof(args));
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .node_name = "n\n",
				  .process = p };

	/*
	 * Newline, ESC, BEL, DEL, CR, tab and the C1 CSI (U+009B) are escaped; invalid UTF-8
	 * becomes U+FFFD; valid UTF-8 passes. Arguments keep Tetragon's quoting.
	 */
	expect(&ev, "🚀 process n\\n /tmp/e\\x1b]0;\\x07\\x7fvil\\r "
		    "\"a\\nb\" \\x1b[2J " FFFD "\xc3\xa9 \\u009b1m \"tab\\there\"");
	tetra__process_free(p);
}

Test(encode_compact, snprintf_semantics)
{
	struct tetra_process *p = mkproc(15, "/bin/sleep", "sleep\0" "10", 9);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXIT, .node_name = NODE,
				  .process = p, .exit_signal = 9 };
	char *full = to_compact(&ev);
	size_t n = strlen(full);
	char *buf = malloc(n + 8);

	cr_assert(buf);
	for (size_t len = 0; len <= n + 2; len++) {
		size_t want = len ? (len - 1 < n ? len - 1 : n) : 0;

		memset(buf, 'X', n + 8);
		cr_assert_eq(tetra_event_to_compact(&ev, buf, len), (int)n, "len %zu", len);
		if (len)
			cr_assert_eq(strlen(buf), want, "len %zu", len);
		else
			cr_assert_eq(buf[0], 'X', "len 0 must not write");
		cr_assert_eq(memcmp(buf, full, want), 0, "len %zu", len);
		cr_assert_eq(buf[len], 'X', "wrote past len %zu", len);
	}
	/* exact size, one byte short, NULL with 0 */
	cr_assert_eq(tetra_event_to_compact(&ev, buf, n + 1), (int)n);
	cr_assert_str_eq(buf, full);
	cr_assert_eq(tetra_event_to_compact(&ev, buf, n), (int)n);
	cr_assert_eq(buf[n - 1], '\0');
	cr_assert_eq(strncmp(buf, full, n - 1), 0);
	cr_assert_eq(tetra_event_to_compact(&ev, NULL, 0), (int)n);
	free(buf);
	free(full);
	tetra__process_free(p);
}

Test(encode_compact, bad_arguments)
{
	struct tetra_event ev = { .type = 77, .node_name = NODE };
	char buf[16] = "junk";

	cr_assert_eq(tetra_event_to_compact(NULL, buf, sizeof(buf)), -EINVAL);
	cr_assert_str_eq(buf, "", "buffer must be a string even on error");
	cr_assert_eq(tetra_event_to_compact(NULL, NULL, 0), -EINVAL);
	strcpy(buf, "junk");
	cr_assert_eq(tetra_event_to_compact(&ev, buf, sizeof(buf)), -EINVAL);
	cr_assert_str_eq(buf, "");
	ev.type = TETRA_EVENT_LOST;
	cr_assert_eq(tetra_event_to_compact(&ev, NULL, 5), -EINVAL);
}
