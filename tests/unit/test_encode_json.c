// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * tetra_event_to_json(): Tetragon's export JSON, checked against exact expected text, against
 * a real Tetragon event (tetragon-sample-events.jsonl) and by a real JSON parser.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tetra/event.h>

#include "encode.h"
#include "event.h"
#include "process.h"

#define NODE "kind-control-plane"
#define S(ns) ((uint64_t)(ns) * 1000000000ull)

/* --- helpers --- */

static struct tetra_process *mkproc(uint32_t pid, const char *binary, const char *cwd,
				    const char *args, size_t args_len)
{
	struct tetra_process *p = tetra__process_new();

	cr_assert(p);
	p->pid = p->tid = pid;
	cr_assert_eq(tetra__process_set_binary(p, binary, strlen(binary)), 0);
	cr_assert_eq(tetra__process_set_cwd(p, cwd, strlen(cwd)), 0);
	if (args)
		cr_assert_eq(tetra__process_set_args(p, args, args_len), 0);
	return p;
}

/*
 * Run python3 on @json (strict UTF-8, duplicate keys rejected) and evaluate @expr with the
 * parsed document in `d`; a str result is written raw, anything else as JSON. Returns the
 * exit status; the output goes to @out.
 */
static int py_eval(const char *json, const char *expr, char *out, size_t outlen)
{
	static const char script[] =
		"import json,sys\n"
		"def nodup(pairs):\n"
		"    keys = [k for k, _ in pairs]\n"
		"    if len(keys) != len(set(keys)): raise ValueError('duplicate key')\n"
		"    return dict(pairs)\n"
		"d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8'),\n"
		"               object_pairs_hook=nodup)\n"
		"v = eval(sys.argv[2])\n"
		"sys.stdout.buffer.write((v if isinstance(v, str) else json.dumps(v))"
		".encode('utf-8'))\n";
	char path[] = "/tmp/tetra-json-XXXXXX", spath[] = "/tmp/tetra-py-XXXXXX";
	char cmd[256 + sizeof(path) + sizeof(spath)];
	int fd = mkstemp(path), sfd = mkstemp(spath);
	size_t got = 0;
	FILE *f;
	int st;

	cr_assert(fd >= 0 && sfd >= 0);
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	cr_assert_eq(write(sfd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	close(sfd);
	/* @expr is test-supplied text without single quotes */
	cr_assert(!strchr(expr, '\''));
	snprintf(cmd, sizeof(cmd), "python3 %s %s '%s'", spath, path, expr);
	f = popen(cmd, "r");
	cr_assert(f);
	if (out && outlen) {
		got = fread(out, 1, outlen - 1, f);
		out[got] = '\0';
	} else {
		char sink[256];

		while (fread(sink, 1, sizeof(sink), f))
			;
	}
	st = pclose(f);
	unlink(path);
	unlink(spath);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void assert_valid_json(const char *json)
{
	cr_assert_eq(py_eval(json, "0", NULL, 0), 0, "not valid JSON: %s", json);
}

/* Encode @ev, checking the length contract both ways and that the text parses. */
static char *to_json(const struct tetra_event *ev)
{
	int n = tetra_event_to_json(ev, NULL, 0);
	char *buf;

	cr_assert_geq(n, 0, "tetra_event_to_json: %d", n);
	buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(tetra_event_to_json(ev, buf, (size_t)n + 1), n);
	cr_assert_eq(strlen(buf), (size_t)n);
	assert_valid_json(buf);
	return buf;
}

static void assert_contains(const char *hay, const char *needle)
{
	cr_assert(strstr(hay, needle), "expected %s\n    in %s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	cr_assert(!strstr(hay, needle), "did not expect %s\n    in %s", needle, hay);
}

/* --- the writer itself --- */

static char *time_str(uint64_t ns, char *buf, size_t len)
{
	struct tetra__out o;

	tetra__out_init(&o, buf, len);
	tetra__out_time(&o, ns);
	cr_assert_geq(tetra__out_finish(&o), 0);
	return buf;
}

Test(encode_out, time_fraction_digits)
{
	char b[64];

	cr_assert_str_eq(time_str(0, b, sizeof(b)), "1970-01-01T00:00:00Z");
	cr_assert_str_eq(time_str(S(1652273685), b, sizeof(b)), "2022-05-11T12:54:45Z");
	cr_assert_str_eq(time_str(S(1652273685) + 615000000, b, sizeof(b)),
			 "2022-05-11T12:54:45.615Z");
	cr_assert_str_eq(time_str(S(1652273685) + 1000000, b, sizeof(b)),
			 "2022-05-11T12:54:45.001Z");
	cr_assert_str_eq(time_str(S(1652273685) + 615100000, b, sizeof(b)),
			 "2022-05-11T12:54:45.615100Z");
	cr_assert_str_eq(time_str(S(1652273685) + 1000, b, sizeof(b)),
			 "2022-05-11T12:54:45.000001Z");
	cr_assert_str_eq(time_str(S(1666062978) + 273546829, b, sizeof(b)),
			 "2022-10-18T03:16:18.273546829Z");
	/* a trailing zero digit does not make 9 digits exact in 6 */
	cr_assert_str_eq(time_str(S(1666062978) + 834390020, b, sizeof(b)),
			 "2022-10-18T03:16:18.834390020Z");
	cr_assert_str_eq(time_str(1, b, sizeof(b)), "1970-01-01T00:00:00.000000001Z");
	cr_assert_str_eq(time_str(S(951782400), b, sizeof(b)), "2000-02-29T00:00:00Z");
	cr_assert_str_eq(time_str(S(4107542399), b, sizeof(b)), "2100-02-28T23:59:59Z");
	cr_assert_str_eq(time_str(S(4107542400), b, sizeof(b)), "2100-03-01T00:00:00Z");
	cr_assert_str_eq(time_str(S(13574649599), b, sizeof(b)), "2400-02-29T23:59:59Z");
	cr_assert_str_eq(time_str(UINT64_MAX, b, sizeof(b)), "2554-07-21T23:34:33.709551615Z");
}

Test(encode_out, time_matches_gmtime)
{
	uint64_t s = 88172645463325252ull;	/* xorshift: spread over the whole uint64 range */

	for (int i = 0; i < 20000; i++) {
		char want[64], got[64];
		uint64_t ns;
		struct tm tm;
		time_t t;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		ns = s;
		t = (time_t)(ns / 1000000000u);
		cr_assert(gmtime_r(&t, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
		time_str(ns - ns % 1000000000u, got, sizeof(got));
		strcat(want, "Z");
		cr_assert_str_eq(got, want, "ns %" PRIu64, ns);
	}
}

Test(encode_out, bounded_writes)
{
	char b[8];
	struct tetra__out o;

	memset(b, 'X', sizeof(b));
	tetra__out_init(&o, b, 5);
	tetra__out_str(&o, "ab");
	tetra__out_fmt(&o, "%d", 12345);
	tetra__out_bytes(&o, "cd", 2);
	cr_assert_eq(tetra__out_finish(&o), 9);
	cr_assert_str_eq(b, "ab12");
	cr_assert_eq(b[5], 'X', "wrote past len");

	tetra__out_init(&o, NULL, 0);
	tetra__out_str(&o, "hello");
	tetra__out_json_str(&o, "\"");
	cr_assert_eq(tetra__out_finish(&o), 9);
}

Test(encode_out, length_past_int_max_is_an_error)
{
	char b[4];
	struct tetra__out o;

	tetra__out_init(&o, b, sizeof(b));
	tetra__out_str(&o, "abc");
	o.pos = (size_t)INT_MAX + 1;	/* as if 2 GiB had been written */
	cr_assert_eq(tetra__out_finish(&o), -EOVERFLOW);
	cr_assert_str_eq(b, "abc");
	o.pos = SIZE_MAX - 1;
	tetra__out_bytes(&o, "abc", 3);
	cr_assert_eq(o.pos, SIZE_MAX, "the count must saturate, not wrap");
}

/*
 * Every string the escaper produced in a test, as one JSON array: parsed once at the end of
 * the test (one python3 run instead of one per string).
 */
static char seen[8192] = "[";

static char *json_str(const char *s)
{
	static char b[1024];
	struct tetra__out o;
	int n;

	tetra__out_init(&o, b, sizeof(b));
	tetra__out_json_str(&o, s);
	n = tetra__out_finish(&o);
	cr_assert(n >= 0 && (size_t)n < sizeof(b));
	cr_assert_lt(strlen(seen) + (size_t)n + 2, sizeof(seen));
	if (seen[1])
		strcat(seen, ",");
	strcat(seen, b);
	return b;
}

static void json_strs_parse(void)
{
	strcat(seen, "]");
	assert_valid_json(seen);
}

#define FFFD "\xef\xbf\xbd"

Test(encode_out, json_string_escapes)
{
	cr_assert_str_eq(json_str(""), "\"\"");
	cr_assert_str_eq(json_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
	cr_assert_str_eq(json_str("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
	cr_assert_str_eq(json_str("\x01\x1f\x1b"), "\"\\u0001\\u001f\\u001b\"");
	cr_assert_str_eq(json_str("/ \x7f"), "\"/ \x7f\"");
	json_strs_parse();
}

Test(encode_out, json_string_utf8)
{
	/* valid: 2, 3 and 4 byte forms, the edges of each range */
	cr_assert_str_eq(json_str("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
			 "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	cr_assert_str_eq(json_str("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"),
			 "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\"");
	cr_assert_str_eq(json_str("\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"),
			 "\"\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
	/* every byte of a bad sequence becomes one U+FFFD */
	cr_assert_str_eq(json_str("a\x80z"), "\"a" FFFD "z\"");			/* stray */
	cr_assert_str_eq(json_str("a\xe2\x82"), "\"a" FFFD FFFD "\"");		/* cut at end */
	cr_assert_str_eq(json_str("\xe2\x82z"), "\"" FFFD FFFD "z\"");		/* cut */
	cr_assert_str_eq(json_str("\xc0\xaf"), "\"" FFFD FFFD "\"");		/* overlong */
	cr_assert_str_eq(json_str("\xc1\xbf"), "\"" FFFD FFFD "\"");		/* overlong */
	cr_assert_str_eq(json_str("\xe0\x80\xaf"), "\"" FFFD FFFD FFFD "\"");	/* overlong */
	/* overlong */
	cr_assert_str_eq(json_str("\xf0\x80\x80\xaf"), "\"" FFFD FFFD FFFD FFFD "\"");
	cr_assert_str_eq(json_str("\xed\xa0\x80"), "\"" FFFD FFFD FFFD "\"");	/* surrogate */
	cr_assert_str_eq(json_str("\xed\xbf\xbf"), "\"" FFFD FFFD FFFD "\"");	/* surrogate */
	/* past U+10FFFF */
	cr_assert_str_eq(json_str("\xf4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"");
	cr_assert_str_eq(json_str("\xf5\xfe\xff"), "\"" FFFD FFFD FFFD "\"");	/* never valid */
	/* a bad byte next to an escape */
	cr_assert_str_eq(json_str("\xff\n\xff"), "\"" FFFD "\\n" FFFD "\"");
	json_strs_parse();
}

/* --- events --- */

struct fixture {
	struct tetra_process *p, *parent;
};

static void proc_ids(struct tetra_process *p, uint64_t ktime, uint64_t parent_ktime,
		     uint32_t ppid)
{
	tetra__exec_id(p->exec_id, sizeof(p->exec_id), NODE, ktime, p->pid);
	if (parent_ktime)
		tetra__exec_id(p->parent_exec_id, sizeof(p->parent_exec_id), NODE, parent_ktime,
			       ppid);
}

/* /usr/bin/ls -l /tmp run by uid 1000 from /home/u, child of bash */
static void basic(struct fixture *f)
{
	static const char args[] = "ls\0-l\0/tmp";

	f->p = mkproc(1234, "/usr/bin/ls", "/home/u", args, sizeof(args));
	f->p->tid = 1235;
	f->p->ppid = 1000;
	f->p->flags = TETRA_PROCESS_EXECVE | TETRA_PROCESS_CLONE;
	f->p->start_time = S(1652273685) + 615000000;
	for (int i = 0; i < TETRA_CRED_AUID; i++)
		f->p->cred[i] = 1000 + (uint32_t)i;
	f->p->cred[TETRA_CRED_AUID] = 1000;
	proc_ids(f->p, 11428615636901ull, 9079225623269ull, 1000);

	f->parent = mkproc(1000, "/bin/bash", "/", "bash", 5);
	f->parent->flags = TETRA_PROCESS_PROCFS | TETRA_PROCESS_ROOTCWD;
	f->parent->start_time = S(1652271336);
	f->parent->cred[TETRA_CRED_AUID] = 4294967295u;
	proc_ids(f->parent, 9079225623269ull, 0, 0);
}

static void done(struct fixture *f)
{
	tetra__process_free(f->p);
	tetra__process_free(f->parent);
}

#define CREDS_ZERO                                                                          \
	"\"process_credentials\":{\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"suid\":0,"    \
	"\"sgid\":0,\"fsuid\":0,\"fsgid\":0}"

Test(encode_json, process_exec_exact)
{
	struct fixture f;
	struct tetra_event ev = {
		.type = TETRA_EVENT_PROCESS_EXEC, .node_name = NODE,
		.time = S(1652273685) + 616000000,
	};
	char *j;

	basic(&f);
	ev.process = f.p;
	ev.parent = f.parent;
	j = to_json(&ev);
	cr_assert_str_eq(j,
		"{\"process_exec\":{\"process\":{"
		"\"exec_id\":\"a2luZC1jb250cm9sLXBsYW5lOjExNDI4NjE1NjM2OTAxOjEyMzQ=\","
		"\"pid\":1234,\"uid\":1000,\"cwd\":\"/home/u\",\"binary\":\"/usr/bin/ls\","
		"\"arguments\":\"-l /tmp\",\"flags\":\"execve clone\","
		"\"start_time\":\"2022-05-11T12:54:45.615Z\",\"auid\":1000,"
		"\"parent_exec_id\":\"a2luZC1jb250cm9sLXBsYW5lOjkwNzkyMjU2MjMyNjk6MTAwMA==\","
		"\"tid\":1235,\"process_credentials\":{\"uid\":1000,\"gid\":1004,\"euid\":1001,"
		"\"egid\":1005,\"suid\":1002,\"sgid\":1006,\"fsuid\":1003,\"fsgid\":1007}},"
		"\"parent\":{"
		"\"exec_id\":\"a2luZC1jb250cm9sLXBsYW5lOjkwNzkyMjU2MjMyNjk6MTAwMA==\","
		"\"pid\":1000,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/bash\","
		"\"flags\":\"procFS rootcwd\",\"start_time\":\"2022-05-11T12:15:36Z\","
		"\"auid\":4294967295,\"tid\":1000," CREDS_ZERO "}},"
		"\"node_name\":\"kind-control-plane\",\"time\":\"2022-05-11T12:54:45.616Z\"}");
	free(j);
	done(&f);
}

Test(encode_json, process_fork_same_shape)
{
	struct fixture f;
	struct tetra_event ev = {
		.type = TETRA_EVENT_PROCESS_FORK, .node_name = NODE, .time = S(1700000000),
	};
	char *j, *x;

	basic(&f);
	ev.process = f.p;
	ev.parent = f.parent;
	j = to_json(&ev);
	ev.type = TETRA_EVENT_PROCESS_EXEC;
	x = to_json(&ev);
	cr_assert_eq(strncmp(j, "{\"process_fork\":{", 17), 0, "%s", j);
	cr_assert_str_eq(j + strlen("{\"process_fork\""), x + strlen("{\"process_exec\""));
	free(j);
	free(x);
	done(&f);
}

Test(encode_json, process_exit_signal_status_time)
{
	struct fixture f;
	struct tetra_event ev = {
		.type = TETRA_EVENT_PROCESS_EXIT, .node_name = NODE,
		.time = S(1652273685) + 616000000, .exit_signal = 9,
	};
	char *j, *tail;

	basic(&f);
	ev.process = f.p;
	j = to_json(&ev);
	assert_contains(j, "{\"process_exit\":{\"process\":{\"exec_id\":");
	assert_lacks(j, "\"parent\":");
	tail = strstr(j, "\"fsgid\":1007}}");
	cr_assert(tail, "%s", j);
	cr_assert_str_eq(tail, "\"fsgid\":1007}},\"signal\":\"SIGKILL\","
			 "\"time\":\"2022-05-11T12:54:45.616Z\"},\"node_name\":\"" NODE "\","
			 "\"time\":\"2022-05-11T12:54:45.616Z\"}");
	free(j);

	ev.exit_signal = 0;
	ev.exit_status = 3;
	j = to_json(&ev);
	assert_contains(j, "\"fsgid\":1007}},\"status\":3,\"time\":");
	assert_lacks(j, "\"signal\"");
	free(j);

	/* a plain exit(0): neither signal nor status, as Tetragon */
	ev.exit_status = 0;
	j = to_json(&ev);
	assert_contains(j, "\"fsgid\":1007}},\"time\":");
	assert_lacks(j, "\"status\"");
	assert_lacks(j, "\"signal\"");
	free(j);

	/* a real-time signal has no name in Tetragon's table */
	ev.exit_signal = 40;
	j = to_json(&ev);
	assert_contains(j, "\"signal\":\"SIG40\"");
	free(j);

	ev.exit_signal = 15;
	ev.parent = f.parent;
	j = to_json(&ev);
	assert_contains(j, "\"parent\":{\"exec_id\":");
	assert_contains(j, CREDS_ZERO "},\"signal\":\"SIGTERM\",\"time\":");
	free(j);
	done(&f);
}

Test(encode_json, lost_events)
{
	struct tetra_event ev = {
		.type = TETRA_EVENT_LOST, .node_name = NODE, .time = S(1700000000) + 5,
	};
	char *j;

	j = to_json(&ev);
	cr_assert_str_eq(j, "{\"lost_events\":{\"total\":\"0\"},\"node_name\":\"" NODE "\","
			 "\"time\":\"2023-11-14T22:13:20.000000005Z\"}");
	free(j);

	ev.lost[TETRA_LOST_EXEC] = 1;
	ev.lost[TETRA_LOST_FORK] = 18446744073709551615ull;
	ev.lost[TETRA_LOST_POLICY] = 7;
	j = to_json(&ev);
	/* the total saturates rather than wrapping */
	cr_assert_str_eq(j, "{\"lost_events\":{\"total\":\"18446744073709551615\",\"exec\":\"1\","
			 "\"fork\":\"18446744073709551615\",\"policy\":\"7\"},\"node_name\":\""
			 NODE "\",\"time\":\"2023-11-14T22:13:20.000000005Z\"}");
	free(j);

	memset(ev.lost, 0, sizeof(ev.lost));
	ev.lost[TETRA_LOST_EXIT] = 2;
	ev.lost[TETRA_LOST_OTHER] = 3;
	ev.lost[TETRA_LOST_CATEGORIES - 1] = 4;	/* a spare slot: counted as other */
	j = to_json(&ev);
	assert_contains(j, "{\"lost_events\":{\"total\":\"9\",\"exit\":\"2\",\"other\":\"7\"},");
	free(j);
}

Test(encode_json, zero_ids_are_present)
{
	struct tetra_process *p = mkproc(0, "/sbin/init", "/", NULL, 0);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p };
	char *j;

	p->tid = 0;
	j = to_json(&ev);
	cr_assert_str_eq(j, "{\"process_exec\":{\"process\":{\"pid\":0,\"uid\":0,"
			 "\"cwd\":\"/\",\"binary\":\"/sbin/init\",\"auid\":0,\"tid\":0,"
			 CREDS_ZERO "}}}");
	free(j);
	tetra__process_free(p);
}

Test(encode_json, optional_keys_omitted)
{
	/* only argv[0]: no arguments; no parent, container, caps, ns, flags or times */
	struct tetra_process *p = mkproc(42, "", "", "true", 5);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p };
	static const char *const absent[] = {
		"\"exec_id\"", "\"cwd\"", "\"binary\"", "\"arguments\"", "\"flags\"",
		"\"start_time\"", "\"docker\"", "\"parent_exec_id\"", "\"cap\"", "\"ns\"",
		"\"parent\"", "\"node_name\"", "\"time\"", "\"signal\"", "\"status\"",
	};
	char *j = to_json(&ev);

	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		assert_lacks(j, absent[i]);
	assert_contains(j, "\"pid\":42,\"uid\":0,\"auid\":0,\"tid\":42," CREDS_ZERO);
	free(j);

	/* the internal EXITED flag has no Tetragon word and is not shown */
	p->flags = TETRA_PROCESS_EXITED;
	j = to_json(&ev);
	assert_lacks(j, "\"flags\"");
	free(j);

	/* an empty argument is still an argument */
	cr_assert_eq(tetra__process_set_args(p, "x\0", 3), 0);
	j = to_json(&ev);
	assert_contains(j, "\"arguments\":\"\\\"\\\"\"");
	free(j);
	tetra__process_free(p);
}

Test(encode_json, flags_all_words_in_tetragon_order)
{
	struct tetra_process *p = mkproc(1, "/x", "/", NULL, 0);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p };
	char *j;

	p->flags = 0x7ff;
	j = to_json(&ev);
	assert_contains(j, "\"flags\":\"execve procFS truncFilename truncArgs miss errorArgs "
			   "rootcwd errorCWD clone truncCWD\"");
	free(j);
	p->flags = TETRA_PROCESS_CLONE | TETRA_PROCESS_ROOTCWD | TETRA_PROCESS_EXECVE;
	j = to_json(&ev);
	assert_contains(j, "\"flags\":\"execve rootcwd clone\"");
	free(j);
	tetra__process_free(p);
}

Test(encode_json, caps_ns_docker)
{
	static const char id[] = "1fb931d2f6e5e4cfdbaf30fdb8e2fdd81320bdb3047ded50120a4f82838209ce";
	struct tetra_process *p = mkproc(7, "/x", "/", NULL, 0);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p };
	char *j;

	memcpy(p->container_id, id, sizeof(id));
	p->caps[TETRA_CAPS_PERMITTED] = (1ull << 0) | (1ull << 1) | (1ull << 21) | (1ull << 40) |
					(1ull << 41) | (1ull << 63);
	p->caps[TETRA_CAPS_INHERITABLE] = 1ull << 5;
	p->ns[TETRA_NS_UTS] = 4026534655u;
	p->ns[TETRA_NS_PID_FOR_CHILDREN] = 4026534732u;
	p->ns[TETRA_NS_USER] = 4026531837u;
	j = to_json(&ev);
	assert_contains(j, "\"auid\":0,\"docker\":\"1fb931d2f6e5e4cfdbaf30fdb8e2fdd\","
			   "\"cap\":{\"permitted\":[\"CAP_CHOWN\",\"DAC_OVERRIDE\","
			   "\"CAP_SYS_ADMIN\",\"CAP_CHECKPOINT_RESTORE\",41,63],"
			   "\"inheritable\":[\"CAP_KILL\"]},"
			   "\"ns\":{\"uts\":{\"inum\":4026534655},"
			   "\"pid_for_children\":{\"inum\":4026534732},"
			   "\"user\":{\"inum\":4026531837}},\"tid\":7,");
	free(j);

	/* a short id is printed whole */
	strcpy(p->container_id, "abc");
	j = to_json(&ev);
	assert_contains(j, "\"docker\":\"abc\"");
	free(j);
	tetra__process_free(p);
}

Test(encode_json, escaping_in_binary_cwd_arguments)
{
	static const char args[] = "sh\0-c\0echo \"hi\"\\n\nx\x01\0\xff\xc3\xa9";
	struct tetra_process *p = mkproc(9, "/tmp/a\"b\\c\nd\te\x1f\x7f", "/w\xe2\x82/\xed\xa0\x80",
					 args, sizeof(args) - 1);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p,
				  .node_name = "n\"ode" };
	char out[512];
	char *j = to_json(&ev);

	assert_contains(j, "\"binary\":\"/tmp/a\\\"b\\\\c\\nd\\te\\u001f\x7f\"");
	assert_contains(j, "\"cwd\":\"/w" FFFD FFFD "/" FFFD FFFD FFFD "\"");
	/* arguments are Tetragon's joined form, then JSON-escaped */
	assert_contains(j, "\"arguments\":\"-c \\\"echo \\\\\\\"hi\\\\\\\"\\\\\\\\n\\nx\\u0001\\\" "
			   FFFD "\xc3\xa9\"");
	assert_contains(j, "\"node_name\":\"n\\\"ode\"");
	/* and a JSON parser gives back exactly the joined form (with U+FFFD for the bad byte) */
	cr_assert_eq(py_eval(j, "d[\"process_exec\"][\"process\"][\"arguments\"]", out,
			     sizeof(out)), 0);
	cr_assert_str_eq(out, "-c \"echo \\\"hi\\\"\\\\n\nx\x01\" " FFFD "\xc3\xa9");
	cr_assert_eq(py_eval(j, "d[\"process_exec\"][\"process\"][\"binary\"]", out,
			     sizeof(out)), 0);
	cr_assert_str_eq(out, "/tmp/a\"b\\c\nd\te\x1f\x7f");
	free(j);
	tetra__process_free(p);
}

/* --- the snprintf contract --- */

static void check_snprintf_contract(const struct tetra_event *ev)
{
	char *full = to_json(ev);
	size_t n = strlen(full);
	char *buf = malloc(n + 8);

	cr_assert(buf);
	cr_assert_eq(tetra_event_to_json(ev, NULL, 0), (int)n);
	/* every length, from none to more than enough */
	for (size_t len = 0; len <= n + 2; len++) {
		size_t want = len ? (len - 1 < n ? len - 1 : n) : 0;

		memset(buf, 'X', n + 8);
		cr_assert_eq(tetra_event_to_json(ev, buf, len), (int)n, "len %zu", len);
		if (len)
			cr_assert_eq(strlen(buf), want, "len %zu", len);
		else
			cr_assert_eq(buf[0], 'X', "len 0 must not write");
		cr_assert_eq(memcmp(buf, full, want), 0, "len %zu", len);
		cr_assert_eq(buf[len], 'X', "wrote past len %zu", len);
	}
	free(buf);
	free(full);
}

Test(encode_json, snprintf_semantics)
{
	struct fixture f;
	struct tetra_event ev = {
		.type = TETRA_EVENT_PROCESS_EXIT, .node_name = NODE, .time = S(1700000000) + 1,
		.exit_signal = 9,
	};

	basic(&f);
	cr_assert_eq(tetra__process_set_cwd(f.p, "/\"\xff\n", 4), 0);	/* escapes at the cut */
	ev.process = f.p;
	ev.parent = f.parent;
	check_snprintf_contract(&ev);
	done(&f);
}

Test(encode_json, snprintf_exact_and_short)
{
	struct tetra_event ev = { .type = TETRA_EVENT_LOST, .node_name = "n" };
	const char *want = "{\"lost_events\":{\"total\":\"0\"},\"node_name\":\"n\"}";
	size_t n = strlen(want);
	char buf[64];

	cr_assert_eq(tetra_event_to_json(&ev, buf, n + 1), (int)n);
	cr_assert_str_eq(buf, want);
	cr_assert_eq(tetra_event_to_json(&ev, buf, n), (int)n);
	cr_assert_eq(strncmp(buf, want, n - 1), 0);
	cr_assert_eq(buf[n - 1], '\0');
	cr_assert_eq(tetra_event_to_json(&ev, buf, 1), (int)n);
	cr_assert_str_eq(buf, "");
	cr_assert_eq(tetra_event_to_json(&ev, NULL, 0), (int)n);
}

Test(encode_json, bad_arguments)
{
	struct tetra_event ev = { .type = 77 };
	char buf[16] = "junk";

	cr_assert_eq(tetra_event_to_json(NULL, buf, sizeof(buf)), -EINVAL);
	cr_assert_str_eq(buf, "", "buffer must be a string even on error");
	cr_assert_eq(tetra_event_to_json(NULL, NULL, 0), -EINVAL);
	strcpy(buf, "junk");
	cr_assert_eq(tetra_event_to_json(&ev, buf, sizeof(buf)), -EINVAL);
	cr_assert_str_eq(buf, "");
	ev.type = TETRA_EVENT_LOST;
	cr_assert_eq(tetra_event_to_json(&ev, NULL, 5), -EINVAL);
}

Test(encode_json, long_arguments)
{
	/* 20000 arguments: far past any stack buffer a careless encoder might use */
	size_t len = 20000 * 6;
	char *args = malloc(len);
	struct tetra_process *p;
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC };
	char out[16];
	char *j;

	cr_assert(args);
	for (size_t i = 0; i < 20000; i++)
		memcpy(args + i * 6, "arg\"5", 6);
	p = mkproc(1, "/x", "/", args, len);
	ev.process = p;
	j = to_json(&ev);
	cr_assert_eq(py_eval(j, "len(d[\"process_exec\"][\"process\"][\"arguments\"])", out,
			     sizeof(out)), 0);
	/* 19999 arguments `"arg\"5"` of 8 characters, 19998 spaces */
	cr_assert_str_eq(out, "179990");
	free(j);
	free(args);
	tetra__process_free(p);
}

/* --- against a real Tetragon event --- */

/* Open @rel under @dir; the path tried is kept in *@path for messages. */
static FILE *open_under(const char *dir, const char *rel, char **path)
{
	free(*path);
	cr_assert(asprintf(path, "%s/%s", dir, rel) > 0);
	return fopen(*path, "r");
}

static char *read_sample_line(int lineno)
{
	static const char rel[] = "tetragon/tetragon-sample-events.jsonl";
	const char *env = getenv("TETRA_SHARED_DIR");
	char *here = strdup(__FILE__), *top = NULL, *path = NULL, *line = NULL;
	FILE *f = NULL;
	size_t cap = 0;

	cr_assert(here);
	if (env) {
		/* an explicit directory must be the one used */
		f = open_under(env, rel, &path);
		cr_assert(f, "cannot open %s (TETRA_SHARED_DIR)", path);
	} else {
		/* the shared data sits beside the repository: ../shared from its top */
		cr_assert(asprintf(&top, "%s/../../../shared", dirname(here)) > 0);
		f = open_under(top, rel, &path);
		if (!f)
			f = open_under("../shared", rel, &path);	/* run from the top */
		if (!f)
			f = open_under("../../shared", rel, &path);	/* from a build dir */
		if (!f)
			cr_skip_test("%s not found: set TETRA_SHARED_DIR", rel);
	}
	for (int i = 0; i < lineno; i++)
		cr_assert(getline(&line, &cap, f) > 0, "%s has no line %d", path, lineno);
	fclose(f);
	free(here);
	free(top);
	free(path);
	return line;
}

/* The text of `"key":value` for the first @key in [from, to), value as it is written. */
static char *key_value(const char *from, const char *to, const char *key)
{
	char pat[64];
	const char *s, *e;
	char *r;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	s = strstr(from, pat);
	if (!s || s >= to)
		return NULL;
	e = s + strlen(pat);
	if (*e == '"') {
		for (e++; *e && *e != '"'; e++)
			if (*e == '\\' && e[1])
				e++;
		e++;
	} else {
		while (*e && *e != ',' && *e != '}')
			e++;
	}
	r = strndup(s, (size_t)(e - s));
	cr_assert(r);
	return r;
}

static void compare_object(const char *what, const char *ours, const char *ours_end,
			   const char *theirs, const char *theirs_end)
{
	static const char *const keys[] = {
		"exec_id", "pid", "uid", "cwd", "binary", "arguments", "flags", "start_time",
		"auid", "docker", "parent_exec_id",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *a = key_value(ours, ours_end, keys[i]);
		char *b = key_value(theirs, theirs_end, keys[i]);

		if (!b)
			cr_assert_null(a, "%s: we write %s, Tetragon has no %s", what, a, keys[i]);
		else
			cr_assert_str_eq(a ? a : "(missing)", b, "%s.%s: we write %s, Tetragon %s",
					 what, keys[i], a ? a : "(missing)", b);
		free(a);
		free(b);
	}
}

Test(encode_json, matches_tetragon_sample_line_2)
{
	static const char container[] =
		"1fb931d2f6e5e4cfdbaf30fdb8e2fdd81320bdb3047ded50120a4f82838209ce";
	char *line = read_sample_line(2);
	struct tetra_process *p, *pp;
	struct tetra_event ev = {
		.type = TETRA_EVENT_PROCESS_EXIT, .node_name = "kind-control-plane",
		.time = S(1652273685) + 616000000,
	};
	const char *tp, *tpp, *op, *opp;
	char *j;

	p = mkproc(51583, "/usr/bin/whoami", "/", "whoami\0--version", 17);
	p->flags = TETRA_PROCESS_EXECVE | TETRA_PROCESS_ROOTCWD | TETRA_PROCESS_CLONE;
	p->start_time = S(1652273685) + 615000000;
	p->cred[TETRA_CRED_AUID] = 4294967295u;
	memcpy(p->container_id, container, sizeof(container));
	tetra__exec_id(p->exec_id, sizeof(p->exec_id), "kind-control-plane", 11428615636901ull,
		       51583);
	tetra__exec_id(p->parent_exec_id, sizeof(p->parent_exec_id), "kind-control-plane",
		       9079225623269ull, 43872);

	pp = mkproc(43872, "/bin/bash", "/", "/bin/bash", 10);
	pp->flags = p->flags;
	pp->start_time = S(1652271336) + 225000000;
	pp->cred[TETRA_CRED_AUID] = 4294967295u;
	memcpy(pp->container_id, container, sizeof(container));
	tetra__exec_id(pp->exec_id, sizeof(pp->exec_id), "kind-control-plane", 9079225623269ull,
		       43872);
	tetra__exec_id(pp->parent_exec_id, sizeof(pp->parent_exec_id), "kind-control-plane",
		       9079185953399ull, 43861);

	ev.process = p;
	ev.parent = pp;
	j = to_json(&ev);

	cr_assert_eq(strncmp(line, "{\"process_exit\":{\"process\":{", 28), 0);
	cr_assert_eq(strncmp(j, "{\"process_exit\":{\"process\":{", 28), 0, "%s", j);
	tp = line + 27;
	tpp = strstr(line, "\"parent\":{");
	op = j + 27;
	opp = strstr(j, "\"parent\":{");
	cr_assert(tpp && opp);
	compare_object("process", op, opp, tp, tpp);
	compare_object("parent", opp, j + strlen(j), tpp, line + strlen(line));

	/* the event level: no status or signal for exit(0), the same node and time */
	assert_lacks(line, "\"status\"");
	assert_lacks(j, "\"status\"");
	assert_contains(line, "},\"node_name\":\"kind-control-plane\","
			      "\"time\":\"2022-05-11T12:54:45.616Z\"}");
	assert_contains(j, "},\"node_name\":\"kind-control-plane\","
			   "\"time\":\"2022-05-11T12:54:45.616Z\"}");
	free(j);
	free(line);
	tetra__process_free(p);
	tetra__process_free(pp);
}

Test(encode_json, cap_names_match_tetragon_sample_line_4)
{
	/* line 4 lists 14 capabilities; find each name's bit and encode the same set back */
	static const int bits[] = { 0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31 };
	char *line = read_sample_line(4);
	struct tetra_process *p = mkproc(1, "/x", "/", NULL, 0);
	struct tetra_event ev = { .type = TETRA_EVENT_PROCESS_EXEC, .process = p };
	char *j, *want, *end;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		p->caps[TETRA_CAPS_PERMITTED] |= 1ull << bits[i];
	j = to_json(&ev);
	want = strstr(line, "\"permitted\":[");
	cr_assert(want);
	end = strchr(want, ']');
	cr_assert(end);
	end[1] = '\0';
	assert_contains(j, want);
	free(j);
	free(line);
	tetra__process_free(p);
}
