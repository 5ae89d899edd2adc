// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * TracingPolicy parsing: every shared Tetragon policy gives the outcome in the table
 * below, and malformed input gives the right diagnostic, at the right place.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tetra/tetra.h>

#include "policy.h"

/* ---- helpers --------------------------------------------------------------------------- */

static char *repo_path(const char *rel)
{
	const char *src = getenv("TETRA_SOURCE_DIR");
	char buf[4096], file[4096];
	char *out;

	if (src && *src) {
		snprintf(buf, sizeof(buf), "%s/%s", src, rel);
	} else {
		/* <repo>/tests/unit/this.c -> <repo> */
		snprintf(file, sizeof(file), "%s", __FILE__);
		snprintf(buf, sizeof(buf), "%s/../../%s", dirname(file), rel);
	}
	out = strdup(buf);
	cr_assert_not_null(out);
	return out;
}

static char *shared_path(const char *rel)
{
	const char *shared = getenv("TETRA_SHARED_DIR");
	char buf[4096];
	char *base, *out;

	if (shared && *shared) {
		snprintf(buf, sizeof(buf), "%s/%s", shared, rel);
		out = strdup(buf);
		cr_assert_not_null(out);
		return out;
	}
	base = repo_path("../shared");
	snprintf(buf, sizeof(buf), "%s/%s", base, rel);
	free(base);
	out = strdup(buf);
	cr_assert_not_null(out);
	return out;
}

struct parsed {
	int err;
	struct tetra_policy *p;
	struct tetra_diag d;
};

static struct parsed parse_str(const char *yaml)
{
	struct parsed r;

	tetra_diag_init(&r.d, sizeof(r.d));
	r.err = tetra_policy_parse(&r.p, yaml, strlen(yaml), &r.d);
	return r;
}

static struct parsed parse_file(const char *path)
{
	struct parsed r;

	tetra_diag_init(&r.d, sizeof(r.d));
	r.err = tetra_policy_parse_file(&r.p, path, &r.d);
	return r;
}

static struct parsed parse_data(const char *name)
{
	char rel[256];
	char *path;
	struct parsed r;

	snprintf(rel, sizeof(rel), "tests/data/policies/%s", name);
	path = repo_path(rel);
	r = parse_file(path);
	free(path);
	return r;
}

/* Expect a rejection whose first diagnostic is at @line:@col on @field saying @msg. */
static void expect_reject(struct parsed *r, uint32_t line, uint32_t col, const char *field,
			  const char *msg)
{
	cr_expect_eq(r->err, -TETRA_E_POLICY, "err %d, diagnostics:\n%s", r->err, r->d.text);
	cr_expect_null(r->p);
	cr_expect_geq(r->d.errors, 1);
	cr_expect_eq(r->d.line, line, "line %u, want %u: %s", r->d.line, line, r->d.text);
	cr_expect_eq(r->d.column, col, "column %u, want %u: %s", r->d.column, col, r->d.text);
	if (field)
		cr_expect_str_eq(r->d.field, field, "%s", r->d.text);
	cr_expect(strstr(r->d.message, msg) != NULL, "message \"%s\" lacks \"%s\"", r->d.message,
		  msg);
	tetra_policy_free(r->p);
}

#define HDR                                                                                \
	"apiVersion: cilium.io/v1alpha1\n"                                                 \
	"kind: TracingPolicy\n"                                                            \
	"metadata:\n"                                                                      \
	"  name: \"t\"\n"                                                                  \
	"spec:\n"

/* ---- the shared Tetragon policies ------------------------------------------------------ */

/*
 * Outcome per file: "" parses with no diagnostic at all; "warning: X" parses with exactly
 * one diagnostic, a warning containing X; anything else is rejected with an error
 * containing it.
 */
static const struct {
	const char *file;
	const char *expect;
} shared_policies[] = {
	{ "examples/process-monitoring.yaml", "" },
	{ "tetragon/policies/bpf.yaml", "" },
	{ "tetragon/policies/cves/cve-2023-2640-overlayfs-ubuntu.yaml", "" },
	{ "tetragon/policies/datagram-with-selectors.yaml", "" },
	{ "tetragon/policies/datagram-with-sock-tracking.yaml", "" },
	{ "tetragon/policies/datagram_518.yaml", "" },
	{ "tetragon/policies/dev_hard_start_xmit.yaml", "" },
	{ "tetragon/policies/dns-only-specified-servers.yaml", "" },
	{ "tetragon/policies/fd_install_cap_changes.yaml", "" },
	{ "tetragon/policies/fd_install_ns.yaml", "" },
	{ "tetragon/policies/fd_install_ns_host.yaml", "" },
	{ "tetragon/policies/filename_monitoring_filtered.yaml", "" },
	{ "tetragon/policies/hardlink-observe.yaml", "" },
	{ "tetragon/policies/host-changes/monitor-kernel-modules.yaml", "" },
	{ "tetragon/policies/host-changes/monitor-signed-kernel-modules.yaml", "" },
	{ "tetragon/policies/kprobe_commit_creds.yaml", "" },
	{ "tetragon/policies/list-generated-ftrace.yaml", "" },
	{ "tetragon/policies/list-syscalls-tracepoint.yaml",
	  "warning: index 0 names no arg; read as the position of args[0] (index 4)" },
	{ "tetragon/policies/list-syscalls.yaml", "" },
	{ "tetragon/policies/lsm_bprm_check.yaml", "" },
	{ "tetragon/policies/lsm_file_open.yaml", "" },
	{ "tetragon/policies/modules-nohost.yaml",
	  "podSelector is not supported: libtetra has no Kubernetes pod information" },
	{ "tetragon/policies/open_dnsrequest.yaml", "" },
	{ "tetragon/policies/openat_write.yaml", "" },
	{ "tetragon/policies/override-security.yaml", "" },
	{ "tetragon/policies/process-credentials/process-creds-changed.yaml", "" },
	{ "tetragon/policies/process-credentials/process-creds-installed.yaml", "" },
	{ "tetragon/policies/process-exec/process-exec-elf-begin.yaml", "" },
	{ "tetragon/policies/raw_syscalls.yaml", "" },
	{ "tetragon/policies/sandbox/linux-namespaces/kill_unprivileged_user_namespace.yaml",
	  "warning: argError has no effect on the Sigkill action" },
	{ "tetragon/policies/sandbox/linux-namespaces/"
	  "kill_unprivileged_user_namespace_in_pid_namespace.yaml",
	  "warning: argError has no effect on the Sigkill action" },
	{ "tetragon/policies/security-socket-connect.yaml", "" },
	{ "tetragon/policies/security_bprm_check.yaml",
	  "warning: returnArg has no effect without return: true" },
	{ "tetragon/policies/stack_traces.yaml", "" },
	{ "tetragon/policies/symlink-observe.yaml", "" },
	{ "tetragon/policies/sys_clock_settime.yaml", "" },
	{ "tetragon/policies/sys_mount.yaml", "" },
	{ "tetragon/policies/sys_ptrace.yaml", "" },
	{ "tetragon/policies/sys_setuid.yaml", "" },
	{ "tetragon/policies/tcp-connect-only-local-addrs.yaml", "" },
	{ "tetragon/policies/tcp-connect-only-private-addrs.yaml", "" },
	{ "tetragon/policies/tcp-connect.yaml", "" },
	{ "tetragon/policies/tcp-listen.yaml", "" },
	{ "tetragon/policies/tty_54.yaml", "" },
	{ "tetragon/policies/uprobe-binaries.yaml", "" },
	{ "tetragon/policies/uprobe-pid.yaml", "" },
	{ "tetragon/policies/uprobe.yaml", "" },
	{ "tetragon/policies/usdt.yaml", "usdts are not supported by libtetra" },
	{ "tetragon/policies/write.yaml", "" },
};

Test(policy_shared, every_shared_policy_has_its_expected_outcome)
{
	for (size_t i = 0; i < sizeof(shared_policies) / sizeof(shared_policies[0]); i++) {
		char *path = shared_path(shared_policies[i].file);
		const char *want = shared_policies[i].expect;
		struct parsed r = parse_file(path);

		if (!*want) {
			cr_expect_eq(r.err, 0, "%s: %d\n%s", path, r.err, r.d.text);
			cr_expect_eq(r.d.count, 0, "%s: unexpected diagnostics\n%s", path,
				     r.d.text);
			cr_expect_not_null(r.p, "%s", path);
		} else if (!strncmp(want, "warning: ", 9)) {
			cr_expect_eq(r.err, 0, "%s: %d\n%s", path, r.err, r.d.text);
			cr_expect_eq(r.d.errors, 0, "%s", path);
			cr_expect_eq(r.d.warnings, 1, "%s:\n%s", path, r.d.text);
			cr_expect(strstr(r.d.message, want) != NULL, "%s: \"%s\" lacks \"%s\"",
				  path, r.d.message, want);
		} else {
			cr_expect_eq(r.err, -TETRA_E_POLICY, "%s: %d", path, r.err);
			cr_expect_null(r.p, "%s", path);
			cr_expect(strstr(r.d.message, want) != NULL, "%s: \"%s\" lacks \"%s\"",
				  path, r.d.message, want);
			/* The text names the file, so a user can jump to the line. */
			cr_expect(strncmp(r.d.text, path, strlen(path)) == 0, "%s", r.d.text);
		}
		tetra_policy_free(r.p);
		free(path);
	}
}

static int nr_found, nr_unlisted;
static char unlisted[4096];
static size_t shared_root_len;

static int visit(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	const char *rel = fpath + shared_root_len + 1;
	size_t len = strlen(fpath);
	int listed = 0;

	(void)sb;
	(void)ftw;
	if (type != FTW_F || len < 5 || strcmp(fpath + len - 5, ".yaml"))
		return 0;
	nr_found++;
	for (size_t i = 0; i < sizeof(shared_policies) / sizeof(shared_policies[0]); i++)
		listed |= !strcmp(shared_policies[i].file, rel);
	if (!listed) {
		nr_unlisted++;
		strncat(unlisted, rel, sizeof(unlisted) - strlen(unlisted) - 2);
		strcat(unlisted, " ");
	}
	return 0;
}

Test(policy_shared, the_table_covers_every_shared_policy)
{
	char *root = shared_path("");
	char *tetragon = shared_path("tetragon/policies");
	char *examples = shared_path("examples");

	root[strlen(root) - 1] = '\0';	/* drop the trailing '/' */
	shared_root_len = strlen(root);
	cr_assert_eq(nftw(tetragon, visit, 16, FTW_PHYS), 0, "cannot walk %s", tetragon);
	cr_assert_eq(nftw(examples, visit, 16, FTW_PHYS), 0, "cannot walk %s", examples);
	cr_expect_eq(nr_found, (int)(sizeof(shared_policies) / sizeof(shared_policies[0])));
	cr_expect_eq(nr_unlisted, 0, "not in the table: %s", unlisted);
	free(root);
	free(tetragon);
	free(examples);
}

Test(policy_shared, process_monitoring_reads_back_through_the_accessors)
{
	char *path = shared_path("examples/process-monitoring.yaml");
	struct parsed r = parse_file(path);
	struct tetra_policy_hook h;
	struct tetra_policy_arg a;
	struct tetra_policy_selector s;
	struct tetra_policy_filter f;

	cr_assert_eq(r.err, 0, "%s", r.d.text);
	cr_expect_str_eq(tetra_policy_name(r.p), "process-monitoring");
	cr_expect_eq(tetra_policy_kind(r.p), TETRA_POLICY_KIND_TRACING_POLICY);
	cr_expect_null(tetra_policy_namespace(r.p));
	cr_assert_eq(tetra_policy_hook_count(r.p), 1);

	tetra_policy_hook_init(&h, sizeof(h));
	cr_assert_eq(tetra_policy_get_hook(r.p, 0, &h), 0);
	cr_expect_eq(h.kind, TETRA_HOOK_KPROBE);
	cr_expect_str_eq(h.call, "sys_execve");
	cr_expect_eq(h.flags, TETRA_HOOK_F_SYSCALL);
	cr_expect_eq(h.nr_args, 3);
	cr_expect_eq(h.nr_selectors, 1);
	for (uint32_t i = 0; i < 3; i++) {
		tetra_policy_arg_init(&a, sizeof(a));
		cr_assert_eq(tetra_policy_get_arg(r.p, 0, i, &a), 0);
		cr_expect_eq(a.index, i);
		cr_expect_eq(a.type, TETRA_ARG_STRING);
		cr_expect_str_eq(tetra_policy_arg_type_name(a.type), "string");
	}
	cr_expect_eq(tetra_policy_get_arg(r.p, 0, TETRA_POLICY_RETURN_ARG, &a), -ENOENT);
	cr_expect_eq(tetra_policy_get_arg(r.p, 0, 3, &a), -EINVAL);

	tetra_policy_selector_init(&s, sizeof(s));
	cr_assert_eq(tetra_policy_get_selector(r.p, 0, 0, &s), 0);
	cr_expect_eq(s.nr_filters[TETRA_FILTER_MATCH_BINARIES], 1);
	cr_expect_eq(s.nr_filters[TETRA_FILTER_MATCH_ARGS], 0);
	cr_expect_eq(s.nr_actions, 0);

	tetra_policy_filter_init(&f, sizeof(f));
	cr_assert_eq(tetra_policy_get_filter(r.p, 0, 0, TETRA_FILTER_MATCH_BINARIES, 0, &f), 0);
	cr_expect_eq(f.op, TETRA_OP_IN);
	cr_expect_str_eq(tetra_policy_op_name(f.op), "In");
	cr_assert_eq(f.nr_values, 2);
	cr_expect_str_eq(f.values[0], "/usr/bin/bash");
	cr_expect_str_eq(f.values[1], "/bin/sh");
	cr_expect_eq(f.value_lens[1], 7);
	tetra_policy_free(r.p);
	free(path);
}

/* ---- malformed policies from tests/data/policies ------------------------------------- */

Test(policy_bad, unknown_field_suggests_the_closest)
{
	struct parsed r = parse_data("unknown-field.yaml");

	expect_reject(&r, 11, 5, "spec.kprobes[0].selector",
		      "unknown field \"selector\" (did you mean \"selectors\"?)");
}

Test(policy_bad, unknown_operator_suggests_the_closest)
{
	struct parsed r = parse_data("unknown-operator.yaml");

	expect_reject(&r, 18, 19, "spec.kprobes[0].selectors[1].matchArgs[0].operator",
		      "unknown operator \"Equals\" (did you mean \"Equal\"?)");
}

Test(policy_bad, a_string_where_a_list_is_expected)
{
	struct parsed r = parse_data("args-not-a-list.yaml");

	expect_reject(&r, 8, 11, "spec.kprobes[0].args",
		      "expected a list, got the scalar \"string\"");
}

Test(policy_bad, a_non_integer_index)
{
	struct parsed r = parse_data("index-not-integer.yaml");

	expect_reject(&r, 9, 14, "spec.kprobes[0].args[0].index",
		      "expected an integer, got \"first\"");
}

Test(policy_bad, missing_call)
{
	struct parsed r = parse_data("missing-call.yaml");

	expect_reject(&r, 7, 5, "spec.kprobes[0]", "missing required field \"call\"");
	cr_expect_eq(r.d.errors, 1, "%s", r.d.text);
}

Test(policy_bad, missing_arg_type)
{
	struct parsed r = parse_data("missing-arg-type.yaml");

	expect_reject(&r, 9, 7, "spec.kprobes[0].args[0]", "missing required field \"type\"");
}

Test(policy_bad, invalid_yaml_reports_libyaml_problem_and_place)
{
	struct parsed r = parse_data("invalid-yaml.yaml");

	expect_reject(&r, 8, 6, "-", "invalid YAML: did not find expected key");
}

Test(policy_bad, empty_document)
{
	struct parsed r = parse_data("empty.yaml");

	expect_reject(&r, 1, 1, "-", "empty document");
}

Test(policy_bad, two_documents)
{
	struct parsed r = parse_data("two-documents.yaml");

	expect_reject(&r, 8, 1, "-", "a second YAML document: one policy per input");
}

Test(policy_bad, wrong_api_version)
{
	struct parsed r = parse_data("wrong-api-version.yaml");

	expect_reject(&r, 1, 13, "apiVersion",
		      "unsupported apiVersion \"cilium.io/v1\" (expected \"cilium.io/v1alpha1\")");
}

Test(policy_bad, wrong_kind)
{
	struct parsed r = parse_data("wrong-kind.yaml");

	expect_reject(&r, 2, 7, "kind",
		      "unsupported kind \"TracingPolicies\" (did you mean \"TracingPolicy\"?)");
}

Test(policy_bad, duplicate_key)
{
	struct parsed r = parse_data("duplicate-key.yaml");

	expect_reject(&r, 9, 5, "spec.kprobes[0].call",
		      "duplicate key \"call\" (first at line 7)");
}

Test(policy_bad, over_the_selector_limit)
{
	struct parsed r = parse_data("too-many-selectors.yaml");

	expect_reject(&r, 32, 7, "spec.kprobes[0].selectors",
		      "6 selectors exceed Tetragon's limit of 5 per hook");
}

Test(policy_bad, over_the_match_args_limit)
{
	struct parsed r = parse_data("too-many-match-args.yaml");

	expect_reject(&r, 28, 9, "spec.kprobes[0].selectors[0].matchArgs",
		      "6 matchArgs filters exceed Tetragon's limit of 5 per selector");
}

Test(policy_bad, over_the_values_limit)
{
	struct parsed r = parse_data("too-many-values.yaml");

	expect_reject(&r, 15, 38, "spec.kprobes[0].selectors[0].matchArgs[0].values",
		      "5 values exceed the limit of 4 for operator Equal (consider InMap)");
}

Test(policy_bad, prefix_longer_than_256_bytes)
{
	struct parsed r = parse_data("prefix-too-long.yaml");

	expect_reject(&r, 16, 11, "spec.kprobes[0].selectors[0].matchArgs[0].values[0]",
		      "prefix of 301 bytes is longer than the limit of 256");
}

Test(policy_bad, alias_bomb_stops_at_the_first_anchor)
{
	struct parsed r = parse_data("alias-bomb.yaml");

	expect_reject(&r, 6, 8, "-", "YAML anchors (&a) are not supported");
}

Test(policy_bad, pod_selector_is_rejected_saying_why)
{
	struct parsed r = parse_data("pod-selector.yaml");

	expect_reject(&r, 6, 3, "spec.podSelector", "no Kubernetes pod information");
}

Test(policy_bad, network_values_are_checked_each)
{
	struct parsed r = parse_data("bad-network-values.yaml");

	cr_expect_eq(r.d.errors, 5, "%s", r.d.text);
	cr_expect(strstr(r.d.text, ":16:32: spec.kprobes[0].selectors[0].matchArgs[0].values[1]: "
				   "\"10.0.0.300/8\" is not an IP address or CIDR\n"), "%s",
		  r.d.text);
	cr_expect(strstr(r.d.text, "values[2]: \"fd00::/129\": prefix length must be 0..128"));
	cr_expect(strstr(r.d.text, ":19:24: spec.kprobes[0].selectors[0].matchArgs[1].values[1]: "
				   "port \"70000\" is out of range (0..65535)"), "%s", r.d.text);
	cr_expect(strstr(r.d.text, "unknown address family \"AF_INET7\" (did you mean "
				   "\"AF_INET\"?)"));
	cr_expect(strstr(r.d.text, "unknown protocol \"IPPROTO_SCPT\" (did you mean "
				   "\"IPPROTO_SCTP\"?)"));
	expect_reject(&r, 16, 32, NULL, "is not an IP address or CIDR");
}

Test(policy_bad, selector_values_are_checked_each)
{
	struct parsed r = parse_data("bad-selector-values.yaml");
	static const char *const want[] = {
		":14:20: spec.kprobes[0].selectors[0].matchNamespaces[0].namespace: unknown "
		"namespace \"Pidd\" (did you mean \"Pid\"?)",
		":19:18: spec.kprobes[0].selectors[0].matchNamespaces[1].values[0]: \"guest_ns\" "
		"is not a namespace inode number or \"host_ns\"",
		":23:18: spec.kprobes[0].selectors[0].matchCapabilities[0].values[0]: unknown "
		"capability \"CAP_SYS_ADMN\" (did you mean \"CAP_SYS_ADMIN\"?)",
		":26:30: spec.kprobes[0].selectors[0].matchPIDs[0].values: 5 values exceed the "
		"limit of 4 per matchPIDs filter",
		":28:17: spec.kprobes[0].selectors[0].matchActions[0].action: unknown action "
		"\"Sigkil\" (did you mean \"Sigkill\"?)",
		":30:9: spec.kprobes[0].selectors[0].matchActions[1].argSig: argSig 99 is not a "
		"signal number (1..64)",
		":32:20: spec.kprobes[0].selectors[0].matchActions[2].rateLimit: invalid rateLimit "
		"\"5 minutes\"",
	};

	cr_expect_eq(r.d.errors, 7, "%s", r.d.text);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect(strstr(r.d.text, want[i]) != NULL, "missing %s in\n%s", want[i],
			  r.d.text);
	expect_reject(&r, 14, 20, NULL, "unknown namespace");
}

/* ---- malformed input built here ------------------------------------------------------ */

Test(policy_input, input_over_one_mib_is_rejected_before_parsing)
{
	size_t len = 2u << 20;
	char *big = malloc(len);
	struct tetra_policy *p = (struct tetra_policy *)1;
	struct tetra_diag d;

	cr_assert_not_null(big);
	memset(big, '#', len);
	tetra_diag_init(&d, sizeof(d));
	cr_expect_eq(tetra_policy_parse(&p, big, len, &d), -TETRA_E_POLICY);
	cr_expect_null(p);
	cr_expect(strstr(d.message, "input is 2097152 bytes, larger than the 1048576-byte limit"),
		  "%s", d.message);
	cr_expect_eq(d.line, 1);
	free(big);
}

Test(policy_input, file_over_one_mib_is_rejected)
{
	char path[] = "/tmp/tetra-policy-big-XXXXXX";
	int fd = mkstemp(path);
	static char chunk[65536];
	struct parsed r;

	cr_assert_geq(fd, 0);
	memset(chunk, '#', sizeof(chunk));
	for (int i = 0; i < 32; i++)
		cr_assert_eq(write(fd, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	close(fd);
	r = parse_file(path);
	unlink(path);
	expect_reject(&r, 1, 1, "-", "file is larger than the 1048576-byte limit");
}

Test(policy_input, deep_nesting_is_cut_off)
{
	char yaml[1024] = HDR "  kprobes: ";
	size_t n = strlen(yaml);

	for (int i = 0; i < 200; i++)
		yaml[n++] = '[';
	for (int i = 0; i < 200; i++)
		yaml[n++] = ']';
	yaml[n++] = '\n';
	yaml[n] = '\0';
	cr_assert_lt(n, sizeof(yaml));

	struct parsed r = parse_str(yaml);

	/* The root and spec mappings are two levels: the 31st '[' is one too many. */
	expect_reject(&r, 6, 42, "-", "YAML nesting deeper than 32 levels");
}

Test(policy_input, binary_garbage_is_invalid_yaml)
{
	unsigned char junk[4096];
	uint32_t x = 0x12345678;
	struct tetra_policy *p = NULL;
	struct tetra_diag d;
	int err;

	/* A fixed xorshift stream: every byte value, NULs included. */
	for (size_t i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	tetra_diag_init(&d, sizeof(d));
	err = tetra_policy_parse(&p, (const char *)junk, sizeof(junk), &d);
	cr_expect_eq(err, -TETRA_E_POLICY);
	cr_expect_null(p);
	cr_expect(strstr(d.message, "invalid YAML:") == d.message, "%s", d.message);
	cr_expect_geq(d.line, 1);
	cr_expect_geq(d.column, 1);
}

Test(policy_input, a_nul_byte_is_reported_with_its_offset)
{
	static const char yaml[] = HDR "  kprobes:\n  - call: \"sys\0write\"\n";
	struct tetra_policy *p = NULL;
	struct tetra_diag d;

	tetra_diag_init(&d, sizeof(d));
	cr_expect_eq(tetra_policy_parse(&p, yaml, sizeof(yaml) - 1, &d), -TETRA_E_POLICY);
	cr_expect_eq(d.line, 7);
	cr_expect_eq(d.column, 15);
	cr_expect(strstr(d.message, "invalid YAML: control characters are not allowed (byte "
				    "0x00 at offset"), "%s", d.message);
}

Test(policy_input, aliases_and_tags_are_rejected)
{
	struct parsed r = parse_str(HDR "  kprobes:\n  - call: *name\n");

	expect_reject(&r, 7, 11, "-", "YAML aliases (*name) are not supported");
	r = parse_str(HDR "  kprobes:\n  - call: !!str sys_write\n");
	expect_reject(&r, 7, 11, "-", "YAML tags (tag:yaml.org,2002:str) are not supported");
}

Test(policy_input, top_level_must_be_a_mapping)
{
	struct parsed r = parse_str("- a\n- b\n");

	expect_reject(&r, 1, 1, "-", "expected a TracingPolicy mapping at the top level");
	r = parse_str("just words\n");
	expect_reject(&r, 1, 1, "-", "got the scalar \"just words\"");
	r = parse_str("");
	expect_reject(&r, 1, 1, "-", "empty document");
}

Test(policy_input, missing_top_level_fields)
{
	struct parsed r = parse_str("apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\n");

	cr_expect_eq(r.err, -TETRA_E_POLICY);
	cr_expect(strstr(r.d.text, "<input>:1:1: -: missing required field \"metadata\"\n"),
		  "%s", r.d.text);
	cr_expect(strstr(r.d.text, "<input>:1:1: -: missing required field \"spec\"\n"), "%s",
		  r.d.text);
}

Test(policy_input, bad_arguments)
{
	struct tetra_policy *p = (struct tetra_policy *)1;
	struct tetra_diag d = { 0 };

	cr_expect_eq(tetra_policy_parse(NULL, "a: b", 4, NULL), -EINVAL);
	cr_expect_eq(tetra_policy_parse(&p, NULL, 4, NULL), -EINVAL);
	cr_expect_null(p);
	cr_expect_eq(tetra_policy_parse(&p, "a: b", 4, &d), -EINVAL);	/* sz not set */
	cr_expect_eq(tetra_policy_parse_file(&p, NULL, NULL), -EINVAL);
	cr_expect_eq(tetra_policy_parse_file(NULL, "/x", NULL), -EINVAL);
	/* No diag at all is fine. */
	cr_expect_eq(tetra_policy_parse(&p, "a: b", 4, NULL), -TETRA_E_POLICY);
	tetra_policy_free(NULL);
}

Test(policy_input, unreadable_files_give_errno_and_a_diagnostic)
{
	struct parsed r = parse_file("/nonexistent/policy.yaml");

	cr_expect_eq(r.err, -ENOENT);
	cr_expect_null(r.p);
	cr_expect_eq(r.d.errors, 1);
	cr_expect_str_eq(r.d.text, "/nonexistent/policy.yaml:0:0: -: cannot open: "
				   "No such file or directory\n");
	r = parse_file("/tmp");
	cr_expect_eq(r.err, -EISDIR, "%d", r.err);
	cr_expect(strstr(r.d.text, "/tmp:0:0: -: cannot read: Is a directory"), "%s", r.d.text);
}

Test(policy_input, an_older_smaller_diag_struct_gets_what_fits)
{
	struct tetra_policy *p = NULL;
	struct {
		struct tetra_diag d;
		char canary[16];
	} big;
	size_t small = offsetof(struct tetra_diag, text) + 32;

	memset(&big, 0x5a, sizeof(big));
	tetra_diag_init(&big.d, small);
	cr_expect_eq(tetra_policy_parse(&p, "x: [", 4, &big.d), -TETRA_E_POLICY);
	cr_expect_eq(big.d.sz, small);
	cr_expect_eq(big.d.errors, 1);
	cr_expect_eq(((char *)&big.d)[small - 1], '\0');
	cr_expect_eq(((unsigned char *)&big.d)[small], 0x5a, "wrote past the caller's sz");
}

Test(policy_input, many_errors_are_capped_and_the_text_says_so)
{
	/* 300 unknown fields with long names: the parser stops recording at 64 errors and
	   the text buffer (8 KiB) ends with a "... N more" line. */
	size_t cap = 300 * 200 + 256, n;
	char *yaml = malloc(cap);
	struct parsed r;

	cr_assert_not_null(yaml);
	n = (size_t)snprintf(yaml, cap, HDR "  kprobes:\n  - call: sys_write\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(yaml + n, cap - n,
				      "    unknown_field_with_a_long_name_%03d_%0120d: 1\n", i, 0);
	r = parse_str(yaml);
	cr_expect_eq(r.err, -TETRA_E_POLICY);
	cr_expect_eq(r.d.errors, TETRA__DIAG_MAX_RECORDED, "%u", r.d.errors);
	cr_expect_eq(r.d.truncated, 1);
	cr_expect(strstr(r.d.text, " more\n") != NULL);
	cr_expect_lt(strlen(r.d.text), sizeof(r.d.text));
	free(yaml);
}

/* ---- semantics ------------------------------------------------------------------------ */

static struct tetra__policy_hook *first_hook(struct parsed *r)
{
	cr_assert_eq(r->err, 0, "%s", r->d.text);
	cr_assert_geq(r->p->nr_hooks, 1);
	return &r->p->hooks[0];
}

Test(policy_semantics, syscall_defaults_to_true_and_can_be_turned_off)
{
	struct parsed r = parse_str(HDR "  kprobes:\n  - call: sys_write\n  - call: fd_install\n"
					"    syscall: false\n    return: true\n"
					"    returnArg:\n      index: 0\n      type: int\n");

	cr_assert_eq(r.err, 0, "%s", r.d.text);
	cr_expect_eq(r.p->hooks[0].flags, TETRA_HOOK_F_SYSCALL);
	cr_expect_eq(r.p->hooks[1].flags, TETRA_HOOK_F_RETURN | TETRA_HOOK_F_RETURN_ARG);
	cr_expect_eq(r.p->hooks[1].kind_index, 1);
	tetra_policy_free(r.p);
}

Test(policy_semantics, operator_and_action_aliases)
{
	struct parsed r = parse_str(HDR "  kprobes:\n  - call: sys_setuid\n    args:\n"
					"    - index: 0\n      type: int\n    selectors:\n"
					"    - matchArgs:\n      - index: 0\n"
					"        operator: GreaterThan\n"
					"        values: [\"0x10\"]\n"
					"      - index: 0\n        operator: neq\n"
					"        values: [\"-1\", \"0o7\", \"010\"]\n"
					"      matchActions:\n      - action: sigkill\n");
	struct tetra__policy_hook *h = first_hook(&r);
	struct tetra__policy_filter *f = h->selectors[0].filters[TETRA_FILTER_MATCH_ARGS];

	cr_expect_eq(f[0].op, TETRA_OP_GT);
	cr_expect_eq(f[0].parsed[0].kind, TETRA__VAL_SINT);
	cr_expect_eq((int64_t)f[0].parsed[0].lo, 16);
	cr_expect_eq(f[1].op, TETRA_OP_NOT_EQUAL);
	cr_expect_eq((int64_t)f[1].parsed[0].lo, -1);
	cr_expect_eq((int64_t)f[1].parsed[1].lo, 7);
	cr_expect_eq((int64_t)f[1].parsed[2].lo, 8);	/* Go's base 0: leading 0 is octal */
	cr_expect_eq(h->selectors[0].actions[0][0].action, TETRA_ACTION_SIGKILL);
	tetra_policy_free(r.p);
}

Test(policy_semantics, typed_values_for_the_loader)
{
	struct parsed r = parse_str(
		HDR "  kprobes:\n  - call: tcp_connect\n    syscall: false\n    args:\n"
		    "    - index: 0\n      type: sock\n    selectors:\n    - matchArgs:\n"
		    "      - index: 0\n        operator: DAddr\n"
		    "        values: [\"127.0.0.1/8\", \"fe80::1/10\", \"10.1.2.3\"]\n"
		    "      - index: 0\n        operator: DPort\n"
		    "        values: [\"443\", \"8000:8080\"]\n"
		    "      - index: 0\n        operator: Family\n"
		    "        values: [AF_INET6, \"2\"]\n"
		    "      - index: 0\n        operator: State\n        values: [TCP_LISTEN]\n"
		    "      - index: 0\n        operator: Protocol\n"
		    "        values: [IPPROTO_TCP]\n");
	struct tetra__policy_hook *h = first_hook(&r);
	struct tetra__policy_filter *f = h->selectors[0].filters[TETRA_FILTER_MATCH_ARGS];
	static const uint8_t v4[16] = { 127, 0, 0, 0 };
	static const uint8_t v6[16] = { 0xfe, 0x80 };

	cr_expect_eq(f[0].arg_type, TETRA_ARG_SOCK);
	cr_expect_eq(f[0].parsed[0].kind, TETRA__VAL_ADDR);
	cr_expect_eq(f[0].parsed[0].family, 4);
	cr_expect_eq(f[0].parsed[0].prefix_len, 8);
	cr_expect_arr_eq(f[0].parsed[0].addr, v4, 16);	/* host bits cleared */
	cr_expect_eq(f[0].parsed[1].family, 6);
	cr_expect_eq(f[0].parsed[1].prefix_len, 10);
	cr_expect_arr_eq(f[0].parsed[1].addr, v6, 16);
	cr_expect_eq(f[0].parsed[2].prefix_len, 32);
	cr_expect_eq(f[1].parsed[0].lo, 443);
	cr_expect_eq(f[1].parsed[1].kind, TETRA__VAL_URANGE);
	cr_expect_eq(f[1].parsed[1].lo, 8000);
	cr_expect_eq(f[1].parsed[1].hi, 8080);
	cr_expect_eq(f[2].parsed[0].lo, 10);
	cr_expect_eq(f[2].parsed[1].lo, 2);
	cr_expect_eq(f[3].parsed[0].lo, 10);
	cr_expect_eq(f[4].parsed[0].lo, 6);
	tetra_policy_free(r.p);
}

Test(policy_semantics, strings_keep_their_bytes_and_lose_one_trailing_nul)
{
	char *path = shared_path("tetragon/policies/cves/cve-2023-2640-overlayfs-ubuntu.yaml");
	struct parsed r = parse_file(path);
	struct tetra__policy_hook *h = first_hook(&r);
	struct tetra__policy_filter *f = h->selectors[0].filters[TETRA_FILTER_MATCH_ARGS];
	struct tetra__policy_filter *ns = h->selectors[0].filters[TETRA_FILTER_MATCH_NAMESPACES];

	cr_expect_eq(f[0].value_lens[0], 20);	/* "security.capability\0" as written */
	cr_expect_eq(f[0].parsed[0].kind, TETRA__VAL_STRING);
	cr_expect_eq(ns[0].type, TETRA_NS_USER);
	cr_expect_eq(ns[0].parsed[0].kind, TETRA__VAL_HOST_NS);
	cr_expect_eq(h->selectors[0].actions[0][0].action, TETRA_ACTION_OVERRIDE);
	cr_expect_eq(h->selectors[0].actions[0][0].arg_error, 1);
	tetra_policy_free(r.p);
	free(path);
}

Test(policy_semantics, lists_resolve_and_set_the_syscall_flag)
{
	char *p1 = shared_path("tetragon/policies/list-generated-ftrace.yaml");
	char *p2 = shared_path("tetragon/policies/list-syscalls-tracepoint.yaml");
	struct parsed r = parse_file(p1);
	struct tetra__policy_hook *h = first_hook(&r);
	struct tetra__policy_filter *f;

	cr_expect_eq(h->list, 0);
	cr_expect_eq(h->flags & TETRA_HOOK_F_SYSCALL, 0);	/* ftrace list: functions */
	cr_expect_eq(r.p->lists[0].type, TETRA_LIST_GENERATED_FTRACE);
	cr_expect_str_eq(r.p->lists[0].pattern, "^ksys_*");
	tetra_policy_free(r.p);

	r = parse_file(p2);
	h = first_hook(&r);
	f = h->selectors[0].filters[TETRA_FILTER_MATCH_ARGS];
	cr_expect_eq(h->kind, TETRA_HOOK_TRACEPOINT);
	cr_expect_eq(f[0].arg_pos, 0);
	cr_expect_eq(f[0].arg_type, TETRA_ARG_UINT64);
	cr_expect_eq(f[0].parsed[0].kind, TETRA__VAL_LIST);
	cr_expect_eq(f[0].parsed[0].list, 0);
	tetra_policy_free(r.p);
	free(p1);
	free(p2);
}

Test(policy_semantics, rate_limits_capabilities_and_pids)
{
	struct parsed r = parse_str(
		HDR "  kprobes:\n  - call: commit_creds\n    syscall: false\n    args:\n"
		    "    - index: 0\n      type: cred\n    selectors:\n    - matchPIDs:\n"
		    "      - operator: NotIn\n        followForks: true\n"
		    "        isNamespacePID: true\n"
		    "        values: [1, 0x10]\n"
		    "      matchCapabilities:\n      - operator: In\n"
		    "        values: [CAP_SYS_ADMIN, \" cap_bpf \"]\n"
		    "      matchNamespaceChanges:\n      - operator: In\n"
		    "        values: [Mnt, user]\n"
		    "      matchActions:\n      - action: Post\n        rateLimit: 2h\n"
		    "        rateLimitScope: process\n");
	struct tetra__policy_hook *h = first_hook(&r);
	struct tetra__policy_selector *s = &h->selectors[0];
	struct tetra__policy_filter *pids = s->filters[TETRA_FILTER_MATCH_PIDS];
	struct tetra__policy_filter *caps = s->filters[TETRA_FILTER_MATCH_CAPABILITIES];
	struct tetra__policy_filter *nsc = s->filters[TETRA_FILTER_MATCH_NAMESPACE_CHANGES];

	cr_expect_eq(pids[0].flags, TETRA_FILTER_F_FOLLOW_FORKS | TETRA_FILTER_F_NAMESPACE_PID);
	cr_expect_eq(pids[0].parsed[1].lo, 16);
	cr_expect_eq(caps[0].type, TETRA_CAPS_EFFECTIVE);	/* the default */
	cr_expect_eq(caps[0].caps, (1ull << 21) | (1ull << 39));
	cr_expect_eq(nsc[0].ns_mask, (1u << TETRA_NS_MNT) | (1u << TETRA_NS_USER));
	cr_expect_eq(s->actions[0][0].rate_limit_ms, 2u * 3600 * 1000);
	cr_expect_eq(s->actions[0][0].rate_limit_scope, TETRA_RATE_LIMIT_PROCESS);
	tetra_policy_free(r.p);
}

Test(policy_semantics, namespaced_policies_need_a_namespace)
{
	struct parsed r = parse_str("apiVersion: cilium.io/v1alpha1\n"
				    "kind: TracingPolicyNamespaced\n"
				    "metadata:\n  name: t\n  namespace: prod\n"
				    "spec:\n  kprobes:\n  - call: sys_write\n");

	cr_assert_eq(r.err, 0, "%s", r.d.text);
	cr_expect_eq(tetra_policy_kind(r.p), TETRA_POLICY_KIND_TRACING_POLICY_NAMESPACED);
	cr_expect_str_eq(tetra_policy_namespace(r.p), "prod");
	tetra_policy_free(r.p);
	r = parse_str("apiVersion: cilium.io/v1alpha1\nkind: TracingPolicyNamespaced\n"
		      "metadata:\n  name: t\nspec:\n  kprobes:\n  - call: sys_write\n");
	expect_reject(&r, 2, 7, "metadata.namespace",
		      "a TracingPolicyNamespaced needs metadata.namespace");
}

/* One small YAML per rule, with the first diagnostic it must produce. */
static const struct {
	const char *yaml;
	const char *field;
	const char *message;
} rules[] = {
	{ "  kprobes:\n  - call: sys_write\n    return: true\n", "spec.kprobes[0].return",
	  "return: true needs a returnArg" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 5\n      type: int\n",
	  "spec.kprobes[0].args[0].index", "index 5 is out of range (0..4)" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: int\n"
	  "      sizeArgIndex: 2\n", "spec.kprobes[0].args[0].sizeArgIndex",
	  "sizeArgIndex applies only to char_buf and char_iovec args, not int" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: strng\n",
	  "spec.kprobes[0].args[0].type", "unknown type \"strng\" (did you mean \"string\"?)" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: integer\n",
	  "spec.kprobes[0].args[0].type", "unknown type \"integer\"" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: int\n"
	  "    selectors:\n    - matchArgs:\n      - index: 2\n        operator: Equal\n"
	  "        values: [\"1\"]\n", "spec.kprobes[0].selectors[0].matchArgs[0].index",
	  "index 2 does not match any arg of this hook (args have index 0)" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: string\n"
	  "    selectors:\n    - matchArgs:\n      - index: 0\n        operator: DPort\n"
	  "        values: [\"1\"]\n", "spec.kprobes[0].selectors[0].matchArgs[0].operator",
	  "operator DPort cannot test a string arg (index 0)" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: int\n"
	  "    selectors:\n    - matchArgs:\n      - index: 0\n        operator: Equal\n"
	  "        values: [\"4294967295\"]\n",
	  "spec.kprobes[0].selectors[0].matchArgs[0].values[0]",
	  "4294967295 is out of range for int (-2147483648..2147483647)" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: int\n"
	  "    selectors:\n    - matchArgs:\n      - index: 0\n        operator: InRange\n"
	  "        values: [\"10:1\"]\n", "spec.kprobes[0].selectors[0].matchArgs[0].values[0]",
	  "range \"10:1\" has min > max" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: 0\n      type: int\n"
	  "    selectors:\n    - matchArgs:\n      - index: 0\n        operator: InMap\n"
	  "        values: [\"list:nope\"]\n",
	  "spec.kprobes[0].selectors[0].matchArgs[0].values[0]",
	  "no list named \"nope\" in spec.lists" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchBinaries:\n"
	  "      - operator: In\n        values: [/a]\n"
	  "      - operator: In\n        values: [/b]\n",
	  "spec.kprobes[0].selectors[0].matchBinaries",
	  "2 matchBinaries filters exceed Tetragon's limit of 1 per selector" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchBinaries:\n"
	  "      - operator: Equal\n        values: [/a]\n",
	  "spec.kprobes[0].selectors[0].matchBinaries[0].operator",
	  "operator Equal is not valid in matchBinaries" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchActions:\n"
	  "      - action: Post\n      - action: Post\n"
	  "      - action: Post\n      - action: Post\n",
	  "spec.kprobes[0].selectors[0].matchActions",
	  "4 actions exceed Tetragon's limit of 3 per selector" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchActions:\n"
	  "      - action: Sigkill\n        rateLimit: 1m\n",
	  "spec.kprobes[0].selectors[0].matchActions[0].rateLimit",
	  "rateLimit applies only to the Post action, not to Sigkill" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchActions:\n"
	  "      - action: NotifyEnforcer\n",
	  "spec.kprobes[0].selectors[0].matchActions[0].action",
	  "action NotifyEnforcer is not supported" },
	{ "  tracepoints:\n  - subsystem: syscalls\n    event: sys_enter_write\n    selectors:\n"
	  "    - matchActions:\n      - action: Override\n        argError: -1\n",
	  "spec.tracepoints[0].selectors[0].matchActions[0].action",
	  "action Override works only on kprobes and lsmhooks, not on tracepoints" },
	{ "  uprobes:\n  - path: bin/bash\n    symbols: [readline]\n", "spec.uprobes[0].path",
	  "uprobe path \"bin/bash\" must be absolute" },
	{ "  uprobes:\n  - path: /bin/bash\n", "spec.uprobes[0].symbols",
	  "a uprobe needs symbols or offsets" },
	{ "  tracepoints:\n  - subsystem: sched\n", "spec.tracepoints[0]",
	  "missing required field \"event\"" },
	{ "  lsmhooks:\n  - hook: file_open\n    return: true\n", "spec.lsmhooks[0].return",
	  "unknown field \"return\"" },
	{ "  kprobes:\n  - call: \"list:missing\"\n", "spec.kprobes[0].call",
	  "no list named \"missing\" in spec.lists" },
	{ "  lists:\n  - name: l\n    type: generated_ftrace\n  kprobes:\n  - call: list:l\n",
	  "spec.lists[0].pattern", "a generated_ftrace list needs a pattern" },
	{ "  lists:\n  - name: l\n    type: syscall\n    values: [sys_dup]\n  kprobes:\n"
	  "  - call: list:l\n", "spec.lists[0].type",
	  "unknown list type \"syscall\" (did you mean \"syscalls\"?)" },
	{ "  kprobes:\n  - call: sys_write\n    syscall: yes\n", "spec.kprobes[0].syscall",
	  "expected a boolean (true or false), got \"yes\"" },
	{ "  kprobes:\n  - call: sys_write\n    args:\n    - index: \"0\"\n      type: int\n",
	  "spec.kprobes[0].args[0].index", "expected an integer, got the string \"0\"" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchPIDs:\n"
	  "      - operator: In\n        values: [-1]\n",
	  "spec.kprobes[0].selectors[0].matchPIDs[0].values[0]",
	  "-1 is out of range (0..4294967295)" },
	{ "  kprobes:\n  - call: sys_write\n"
	  "    tags: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n",
	  "spec.kprobes[0].tags", "17 tags exceed the limit of 16" },
	{ "  kprobes: []\n", "spec", "the policy has no hooks" },
	{ "  kprobes:\n  - call: sys_write\n  containerSelector: {}\n", "spec.containerSelector",
	  "containerSelector is not supported" },
	{ "  kprobes:\n  - call: sys_write\n    selectors:\n    - matchParentBinaries: []\n",
	  "spec.kprobes[0].selectors[0].matchParentBinaries",
	  "matchParentBinaries is not supported" },
};

Test(policy_semantics, each_rule_has_its_diagnostic)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char yaml[2048];
		struct parsed r;

		snprintf(yaml, sizeof(yaml), HDR "%s", rules[i].yaml);
		r = parse_str(yaml);
		cr_expect_eq(r.err, -TETRA_E_POLICY, "rule %zu: %d", i, r.err);
		cr_expect_str_eq(r.d.field, rules[i].field, "rule %zu:\n%s", i, r.d.text);
		cr_expect(strstr(r.d.message, rules[i].message) != NULL,
			  "rule %zu: \"%s\" lacks \"%s\"", i, r.d.message, rules[i].message);
		cr_expect_gt(r.d.line, 5, "rule %zu: line %u", i, r.d.line);
		tetra_policy_free(r.p);
	}
}

Test(policy_semantics, text_lines_follow_the_documented_format)
{
	struct parsed r = parse_str(HDR "  kprobes:\n  - call: sys_write\n    selector: []\n"
					"    syscal: true\n");
	const char *want = "<input>:8:5: spec.kprobes[0].selector: unknown field \"selector\" "
			   "(did you mean \"selectors\"?)\n"
			   "<input>:9:5: spec.kprobes[0].syscal: unknown field \"syscal\" "
			   "(did you mean \"syscall\"?)\n";

	cr_expect_eq(r.err, -TETRA_E_POLICY);
	cr_expect_eq(r.d.count, 2);
	cr_expect_str_eq(r.d.text, want);
}

Test(policy_diag, suggestions_are_close_words_only)
{
	static const char *const words[] = { "selectors", "matchArgs", "Equal", "NotEqual", NULL };

	cr_expect_str_eq(tetra__suggest("selector", words), "selectors");
	cr_expect_str_eq(tetra__suggest("matchargs", words), "matchArgs");
	cr_expect_str_eq(tetra__suggest("Eqaul", words), "Equal");
	cr_expect_str_eq(tetra__suggest("NotEquals", words), "NotEqual");
	cr_expect_null(tetra__suggest("banana", words));
	cr_expect_null(tetra__suggest("", words));
	cr_expect_eq(tetra__levenshtein("kitten", "sitting", 5), 3);
	cr_expect_eq(tetra__levenshtein("ab", "ba", 5), 1);
	cr_expect_gt(tetra__levenshtein("abcdef", "uvwxyz", 2), 2);
}
