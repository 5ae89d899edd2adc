/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * tetra-observe: watch process exec/fork/exit through libtetra, optionally enforce
 * TracingPolicies (--policy, --policy-dir), and print one event per line. Written only
 * against the public API (<tetra/tetra.h>), so it doubles as the reference for embedding
 * the library in a program with its own main loop.
 *
 * Exit status: 0 on success (including Ctrl-C and a closed output pipe), 1 when the
 * library or the system fails, 2 for a usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tetra/tetra.h>

#define PROG "tetra-observe"

#define EXIT_USAGE 2

enum output_format {
	OUTPUT_AUTO,	/* compact on a terminal, json otherwise */
	OUTPUT_JSON,
	OUTPUT_COMPACT,
};

/* A --policy FILE or --policy-dir DIR, in command-line order. */
struct policy_source {
	const char *path;
	int is_dir;
};

struct cli {
	enum output_format format;
	const char *export_path;
	const char *node_name;
	uint32_t ring_buffer_bytes;
	uint32_t process_cache_size;
	uint32_t ctx_flags;
	int verbose;
	int probe;
	const char *check_policy;	/* --check-policy FILE */
	struct policy_source *policy_sources;	/* --policy, --policy-dir; owned */
	size_t nr_policy_sources;
	uint32_t policy_flags;		/* TETRA_POLICY_F_*: --override-as-sigkill */
};

/* A policy to load: its file (owned) and, once parsed, the policy. */
struct policy_file {
	char *path;
	struct tetra_policy *policy;
};

struct policy_files {
	struct policy_file *v;
	size_t n, cap;
};

struct linebuf {
	char *p;
	size_t len;
};

/* What the event callback needs; it lives on main's stack for the whole run. */
struct observe {
	enum output_format format;	/* resolved: never OUTPUT_AUTO */
	int export_fd;			/* -1: no export */
	const char *export_path;
	struct linebuf json_buf;	/* grown on demand for events larger than the stack */
	struct linebuf compact_buf;
	uint64_t encode_errors;
	int out_closed;			/* stdout reader went away (EPIPE): stop quietly */
	int out_stuck;			/* a signal broke a blocked write: do not drain */
	int fatal;			/* an error was printed: exit 1 */
};

/*
 * The signal handler may only touch these. The context pointer is published before the
 * handlers are installed and cleared before the context is freed, so the handler never
 * sees a dangling pointer (one thread: the handler runs to completion between two
 * statements of main).
 */
static volatile sig_atomic_t g_signal;
static volatile sig_atomic_t g_signal_count;
static struct tetra_ctx *volatile g_ctx;

/*
 * Set while policies are planned and loaded without -v: the library's error messages are
 * then not echoed, because a failed load is reported once, with the whole story of
 * tetra_ctx_last_error(), naming the file (the library would print it two or three times
 * as the error travels up through its layers).
 */
static int g_quiet_library_errors;

static const char usage_text[] =
	"Usage: " PROG " [OPTIONS]\n"
	"\n"
	"Watch process exec, fork and exit with eBPF and print one event per line;\n"
	"optionally enforce Tetragon TracingPolicies and print their events too.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT         json or compact (default: compact when stdout is a\n"
	"                              terminal, json otherwise)\n"
	"      --export FILE           also append JSON lines to FILE (created with mode 0600)\n"
	"      --node-name NAME        node name in events and exec ids (default: hostname)\n"
	"      --ring-buffer-bytes N   kernel ring buffer size, a power of two; K, M and G\n"
	"                              suffixes are binary (default: 8M)\n"
	"      --process-cache-size N  processes kept in the cache (default: 65536)\n"
	"      --no-proc-seed          do not learn existing processes from /proc at start\n"
	"      --policy FILE           load the TracingPolicy in FILE and print its events\n"
	"                              (process_kprobe); repeatable\n"
	"      --policy-dir DIR        load every *.yaml and *.yml file in DIR, sorted by\n"
	"                              name; repeatable\n"
	"      --override-as-sigkill   where a policy's Override cannot deny the call on this\n"
	"                              kernel, kill the caller with SIGKILL instead (also\n"
	"                              for --check-policy)\n"
	"      --probe                 print which BPF features the kernel offers and exit\n"
	"      --check-policy FILE     parse a TracingPolicy and print its plan on this\n"
	"                              kernel (mechanism per hook, how each action is carried\n"
	"                              out) without loading it; exit 0 when all of it can be\n"
	"                              carried out, 1 otherwise\n"
	"  -v, --verbose               show library info messages and the plan of each\n"
	"                              policy (twice: also debug messages)\n"
	"  -h, --help                  show this help and exit\n"
	"  -V, --version               show the version and exit\n"
	"\n"
	"Needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN). A policy that is invalid or\n"
	"cannot be enforced on this kernel stops it before it is ready (exit status 1).\n"
	"SIGINT or SIGTERM stops it and prints a summary on stderr.\n"
	"\n"
	"Exit status: 0 success, 1 runtime error, 2 usage error.\n";

enum {
	OPT_EXPORT = 0x100,
	OPT_NODE_NAME,
	OPT_RING_BUFFER_BYTES,
	OPT_PROCESS_CACHE_SIZE,
	OPT_NO_PROC_SEED,
	OPT_PROBE,
	OPT_CHECK_POLICY,
	OPT_POLICY,
	OPT_POLICY_DIR,
	OPT_OVERRIDE_AS_SIGKILL,
};

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "node-name", required_argument, NULL, OPT_NODE_NAME },
	{ "ring-buffer-bytes", required_argument, NULL, OPT_RING_BUFFER_BYTES },
	{ "process-cache-size", required_argument, NULL, OPT_PROCESS_CACHE_SIZE },
	{ "no-proc-seed", no_argument, NULL, OPT_NO_PROC_SEED },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "check-policy", required_argument, NULL, OPT_CHECK_POLICY },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "policy-dir", required_argument, NULL, OPT_POLICY_DIR },
	{ "override-as-sigkill", no_argument, NULL, OPT_OVERRIDE_AS_SIGKILL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

__attribute__((format(printf, 1, 2)))
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
}

/*
 * Finish a run whose only output is stdout text (--help, --version, --probe): a reader
 * that went away is not an error, a full disk is.
 */
static int finish_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_SUCCESS;
	if (errno == EPIPE)
		return EXIT_SUCCESS;
	fprintf(stderr, PROG ": write standard output: %s\n", strerror(errno));
	return EXIT_FAILURE;
}

/*
 * A decimal count, optionally with a binary K/M/G suffix, that fits in uint32_t. strtoull
 * alone would accept "-1", " 5" and "0x10": only plain digits are taken.
 */
static int parse_u32(const char *s, int allow_suffix, uint32_t *ret)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (allow_suffix && *end) {
		unsigned shift;

		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
		if (v > (UINT32_MAX >> shift))
			return -ERANGE;
		v <<= shift;
	}
	if (*end)
		return -EINVAL;
	if (v > UINT32_MAX)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

static int is_long_option(const char *arg)
{
	return arg && arg[0] == '-' && arg[1] == '-' && arg[2];
}

/*
 * The option that getopt just rejected, as the user typed it. Long options are always
 * consumed whole, so they are argv[optind - 1]; a short one may sit inside a cluster
 * ("-vx") that optind has not passed yet, so it is named by its letter.
 */
static void rejected_option(char *buf, size_t len, char *const argv[], int is_long, int opt)
{
	if (is_long) {
		const char *arg = argv[optind - 1];

		snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
	} else {
		snprintf(buf, len, "-%c", opt);
	}
}

static int is_our_option(int opt)
{
	const struct option *o;

	for (o = long_options; o->name; o++)
		if (o->val == opt)
			return 1;
	return 0;
}

/* How many long options start with @name ("--p" -> 2); getopt takes a unique prefix. */
static int long_option_matches(const char *name)
{
	const struct option *o;
	size_t n = strlen(name + 2);
	int count = 0;

	for (o = long_options; o->name; o++)
		count += !strncmp(o->name, name + 2, n);
	return count;
}

/* Remember a --policy or --policy-dir argument; 0 or -ENOMEM. */
static int add_policy_source(struct cli *cli, const char *path, int is_dir)
{
	struct policy_source *v;

	v = realloc(cli->policy_sources, (cli->nr_policy_sources + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[cli->nr_policy_sources].path = path;
	v[cli->nr_policy_sources].is_dir = is_dir;
	cli->policy_sources = v;
	cli->nr_policy_sources++;
	return 0;
}

/* Returns -1 to go on, or the exit status. cli->policy_sources is freed by the caller. */
static int parse_args(int argc, char *argv[], struct cli *cli)
{
	char name[128];
	int c, rc;

	memset(cli, 0, sizeof(*cli));
	/*
	 * "+": stop at the first non-option (there are none to permute, and it keeps
	 * argv[optind - 1] meaningful); ":": report a missing argument apart from an
	 * unknown option; opterr = 0: our own messages, which say what to do next.
	 */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:vhV", long_options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!strcmp(optarg, "json")) {
				cli->format = OUTPUT_JSON;
			} else if (!strcmp(optarg, "compact")) {
				cli->format = OUTPUT_COMPACT;
			} else {
				usage_error("--output: unknown format '%s' "
					    "(expected json or compact)", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_EXPORT:
			if (!*optarg) {
				usage_error("--export: empty file name");
				return EXIT_USAGE;
			}
			cli->export_path = optarg;
			break;
		case OPT_NODE_NAME:
			if (!*optarg) {
				usage_error("--node-name: empty node name");
				return EXIT_USAGE;
			}
			cli->node_name = optarg;
			break;
		case OPT_RING_BUFFER_BYTES:
			rc = parse_u32(optarg, 1, &cli->ring_buffer_bytes);
			if (rc == -ERANGE) {
				usage_error("--ring-buffer-bytes: '%s' is too large (at most 2G)",
					    optarg);
				return EXIT_USAGE;
			}
			if (rc < 0) {
				usage_error("--ring-buffer-bytes: '%s' is not a size in bytes",
					    optarg);
				return EXIT_USAGE;
			}
			if (cli->ring_buffer_bytes == 0 ||
			    (cli->ring_buffer_bytes & (cli->ring_buffer_bytes - 1))) {
				usage_error("--ring-buffer-bytes: '%s' is not a power of two",
					    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_PROCESS_CACHE_SIZE:
			rc = parse_u32(optarg, 0, &cli->process_cache_size);
			if (rc == -ERANGE) {
				usage_error("--process-cache-size: '%s' is too large", optarg);
				return EXIT_USAGE;
			}
			if (rc < 0 || cli->process_cache_size == 0) {
				usage_error("--process-cache-size: '%s' is not a positive number",
					    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_NO_PROC_SEED:
			cli->ctx_flags |= TETRA_CTX_F_NO_PROC_SEED;
			break;
		case OPT_PROBE:
			cli->probe = 1;
			break;
		case OPT_CHECK_POLICY:
			if (!*optarg) {
				usage_error("--check-policy: empty file name");
				return EXIT_USAGE;
			}
			cli->check_policy = optarg;
			break;
		case OPT_POLICY:
		case OPT_POLICY_DIR:
			if (!*optarg) {
				usage_error("%s: empty %s name", c == OPT_POLICY ?
					    "--policy" : "--policy-dir",
					    c == OPT_POLICY ? "file" : "directory");
				return EXIT_USAGE;
			}
			if (add_policy_source(cli, optarg, c == OPT_POLICY_DIR) < 0) {
				fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
				return EXIT_FAILURE;
			}
			break;
		case OPT_OVERRIDE_AS_SIGKILL:
			cli->policy_flags |= TETRA_POLICY_F_OVERRIDE_AS_SIGKILL;
			break;
		case 'v':
			cli->verbose++;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return finish_stdout();
		case 'V':
			printf(PROG " %s\n", tetra_version());
			return finish_stdout();
		case ':':
			/* a missing argument ends argv, so argv[optind - 1] is the option */
			rejected_option(name, sizeof(name), argv,
					is_long_option(argv[optind - 1]), optopt);
			usage_error("option '%s' requires an argument", name);
			return EXIT_USAGE;
		default:
			/*
			 * optopt 0: an unknown (or ambiguous) long option. One of ours: a long
			 * option given "=value" it does not take. Else an unknown letter.
			 */
			if (optopt == 0) {
				rejected_option(name, sizeof(name), argv, 1, 0);
				if (long_option_matches(name) > 1)
					usage_error("ambiguous option '%s'", name);
				else
					usage_error("unknown option '%s'", name);
			} else if (is_our_option(optopt)) {
				rejected_option(name, sizeof(name), argv, 1, optopt);
				usage_error("option '%s' does not take an argument", name);
			} else {
				rejected_option(name, sizeof(name), argv, 0, optopt);
				usage_error("unknown option '%s'", name);
			}
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	/* --check-policy and --probe load nothing: policies to load make no sense there */
	if (cli->nr_policy_sources && (cli->check_policy || cli->probe)) {
		usage_error("%s cannot be combined with %s",
			    cli->policy_sources[0].is_dir ? "--policy-dir" : "--policy",
			    cli->check_policy ? "--check-policy" : "--probe");
		return EXIT_USAGE;
	}
	return -1;
}

static int do_probe(void)
{
	struct tetra_features f;
	uint32_t i;
	int rc;

	tetra_features_init(&f, sizeof(f));
	rc = tetra_probe_features(&f);
	if (rc < 0) {
		fprintf(stderr, PROG ": probe kernel features: %s\n", tetra_strerror(rc));
		return EXIT_FAILURE;
	}
	for (i = 0; i < TETRA_FEATURE_COUNT; i++) {
		const char *name = tetra_feature_name(i);
		char fallback[32];

		if (!name) {
			snprintf(fallback, sizeof(fallback), "feature-%u", i);
			name = fallback;
		}
		if (f.available & (UINT64_C(1) << i))
			printf("%-20s yes\n", name);
		else if (f.error[i])
			printf("%-20s no   %s\n", name, tetra_strerror(f.error[i]));
		else
			printf("%-20s no   not available\n", name);
	}
	return finish_stdout();
}

static void on_log(struct tetra_ctx *ctx, int level, const char *msg, void *user_data)
{
	const char *label = "";
	size_t len;

	(void)ctx;
	(void)user_data;
	if (level <= TETRA_LOG_ERROR && g_quiet_library_errors)
		return;
	if (!msg)
		msg = "";
	len = strlen(msg);
	if (len && msg[len - 1] == '\n')	/* we add our own */
		len--;
	if (level <= TETRA_LOG_ERROR)
		label = "error: ";
	else if (level <= TETRA_LOG_WARNING)
		label = "warning: ";
	else if (level >= TETRA_LOG_DEBUG)
		label = "debug: ";
	fprintf(stderr, PROG ": %s%.*s\n", label, (int)len, msg);
}

static void on_signal(int sig)
{
	int saved_errno = errno;
	struct tetra_ctx *ctx = g_ctx;

	g_signal = sig;
	g_signal_count++;
	if (ctx)
		tetra_ctx_wakeup(ctx);
	errno = saved_errno;
}

static int install_signals(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	/* No SA_RESTART: a blocking poll or write must come back with EINTR. */
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -errno;
	return 0;
}

/*
 * Write all of @buf. A signal interrupting a write that blocks (a reader that stopped
 * reading) gives up, so Ctrl-C always ends the program; other EINTRs retry.
 */
static int write_all(int fd, const char *buf, size_t len)
{
	sig_atomic_t signals = g_signal_count;

	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR && g_signal_count == signals)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

typedef int (*encode_fn)(const struct tetra_event *ev, char *buf, size_t len);

/*
 * Encode @ev with @enc into @stack or, when it does not fit, into @heap (grown as needed),
 * followed by '\n'. Returns the line's length including the newline and sets *line, or a
 * negative errno.
 */
static int encode_line(encode_fn enc, const struct tetra_event *ev, char *stack,
		       size_t stack_len, struct linebuf *heap, char **line)
{
	char *buf = stack;
	size_t len = stack_len;
	int tries;

	/* snprintf semantics: the first call tells the size, the retry fits. */
	for (tries = 0; tries < 3; tries++) {
		int n = enc(ev, buf, len);

		if (n < 0)
			return n;
		if ((size_t)n < len) {
			buf[n] = '\n';	/* replaces the NUL: the line is written by length */
			*line = buf;
			return n + 1;
		}
		if (heap->len <= (size_t)n) {
			/* Doubling: a run of ever larger events does not realloc each time. */
			size_t want = (size_t)n + 1 > 2 * heap->len ? (size_t)n + 1 : 2 * heap->len;
			char *p = realloc(heap->p, want);

			if (!p)
				return -ENOMEM;
			heap->p = p;
			heap->len = want;
		}
		buf = heap->p;
		len = heap->len;
	}
	return -EOVERFLOW;
}

/*
 * Record why output stopped; the returned value makes the library end this dispatch.
 * EPIPE: the reader is gone (quiet exit 0). EINTR: a signal broke a blocked write.
 */
static int output_failed(struct observe *o, const char *what, int is_stdout, int rc)
{
	if (rc == -EPIPE && is_stdout) {
		o->out_closed = 1;
	} else if (rc == -EINTR) {
		o->out_stuck = 1;
	} else {
		fprintf(stderr, PROG ": write %s: %s\n", what, strerror(-rc));
		o->fatal = 1;
	}
	return -TETRA_E_CALLBACK;
}

static int on_event(struct tetra_ctx *ctx, const struct tetra_event *ev, void *user_data)
{
	struct observe *o = user_data;
	char json_stack[4096], compact_stack[1024];
	char *json = NULL, *compact = NULL;
	int json_len = 0, compact_len = 0, rc;

	(void)ctx;
	if (o->format == OUTPUT_JSON || o->export_fd >= 0) {
		json_len = encode_line(tetra_event_to_json, ev, json_stack, sizeof(json_stack),
				       &o->json_buf, &json);
		if (json_len < 0) {
			o->encode_errors++;
			fprintf(stderr, PROG ": warning: encode event %llu as JSON: %s\n",
				(unsigned long long)tetra_event_seq(ev), tetra_strerror(json_len));
			json = NULL;
		}
	}
	if (o->format == OUTPUT_COMPACT) {
		compact_len = encode_line(tetra_event_to_compact, ev, compact_stack,
					  sizeof(compact_stack), &o->compact_buf, &compact);
		if (compact_len < 0) {
			o->encode_errors++;
			fprintf(stderr, PROG ": warning: encode event %llu: %s\n",
				(unsigned long long)tetra_event_seq(ev),
				tetra_strerror(compact_len));
			compact = NULL;
		}
	}

	if (o->format == OUTPUT_JSON && json)
		rc = write_all(STDOUT_FILENO, json, (size_t)json_len);
	else if (o->format == OUTPUT_COMPACT && compact)
		rc = write_all(STDOUT_FILENO, compact, (size_t)compact_len);
	else
		rc = 0;
	if (rc < 0)
		return output_failed(o, "standard output", 1, rc);

	if (o->export_fd >= 0 && json) {
		rc = write_all(o->export_fd, json, (size_t)json_len);
		if (rc < 0)
			return output_failed(o, o->export_path, 0, rc);
	}
	return 0;
}

/*
 * "tetra-observe: enable process sensor: <detail>". The context's message usually has the
 * full story; it may already start with @what, which is then not repeated.
 */
static void report_error(struct tetra_ctx *ctx, const char *what, int rc)
{
	const char *detail = ctx ? tetra_ctx_last_error(ctx) : NULL;
	size_t n = strlen(what);

	if (!detail || !*detail)
		fprintf(stderr, PROG ": %s: %s\n", what, tetra_strerror(rc));
	else if (!strncmp(detail, what, n) && detail[n] == ':')
		fprintf(stderr, PROG ": %s\n", detail);
	else
		fprintf(stderr, PROG ": %s: %s\n", what, detail);
	if (rc == -TETRA_E_PRIVILEGE || rc == -EPERM)
		fprintf(stderr, PROG ": hint: run as root, or grant CAP_BPF and CAP_PERFMON\n");
}

/* ---- policies to load: --policy FILE, --policy-dir DIR ------------------------------ */

/* Append @path (taken over; freed here on failure). 0 or -ENOMEM. */
static int policy_files_add(struct policy_files *files, char *path)
{
	if (files->n == files->cap) {
		size_t cap = files->cap ? 2 * files->cap : 8;
		struct policy_file *v = realloc(files->v, cap * sizeof(*v));

		if (!v) {
			free(path);
			return -ENOMEM;
		}
		files->v = v;
		files->cap = cap;
	}
	files->v[files->n].path = path;
	files->v[files->n].policy = NULL;
	files->n++;
	return 0;
}

static void policy_files_free(struct policy_files *files)
{
	for (size_t i = 0; i < files->n; i++) {
		free(files->v[i].path);
		tetra_policy_free(files->v[i].policy);
	}
	free(files->v);
	files->v = NULL;
	files->n = files->cap = 0;
}

/* Byte order, whatever the locale: the load order must not depend on the environment. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NAME.yaml or NAME.yml with a non-empty NAME; hidden files (".x.yaml") are left out. */
static int is_policy_file_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	int slash = n && dir[n - 1] == '/';
	char *path = malloc(n + strlen(name) + 2);

	if (path)
		sprintf(path, "%s%s%s", dir, slash ? "" : "/", name);
	return path;
}

/*
 * --policy-dir DIR: append every *.yaml and *.yml in DIR, sorted by name. Directories
 * with such names are skipped; anything else (a dangling symlink too) is kept so that
 * parsing reports it. An empty directory is a warning, not an error: a configuration
 * directory may legitimately hold no policy yet. 0, or -1 after printing why.
 */
static int expand_policy_dir(const char *dir, struct policy_files *files)
{
	char **names = NULL;
	size_t n = 0, cap = 0, added = 0, i;
	struct dirent *de;
	int status = -1;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		fprintf(stderr, PROG ": policy directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!is_policy_file_name(de->d_name))
			continue;
		if (n == cap) {
			char **v;

			cap = cap ? 2 * cap : 16;
			v = realloc(names, cap * sizeof(*v));
			if (!v)
				goto nomem;
			names = v;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem;
		n++;
	}
	if (errno) {
		fprintf(stderr, PROG ": policy directory %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		char *path = join_path(dir, names[i]);
		struct stat st;

		if (!path)
			goto nomem;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(path);
			continue;
		}
		if (policy_files_add(files, path) < 0)
			goto nomem;
		added++;
	}
	if (!added)
		fprintf(stderr, PROG ": warning: policy directory %s has no *.yaml or *.yml "
			"file\n", dir);
	status = 0;
	goto out;
nomem:
	fprintf(stderr, PROG ": policy directory %s: %s\n", dir, strerror(ENOMEM));
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return status;
}

/* The policy files named on the command line, directories expanded. 0 or -1 (printed). */
static int collect_policy_files(const struct cli *cli, struct policy_files *files)
{
	for (size_t i = 0; i < cli->nr_policy_sources; i++) {
		const struct policy_source *src = &cli->policy_sources[i];
		char *path;

		if (src->is_dir) {
			if (expand_policy_dir(src->path, files) < 0)
				return -1;
			continue;
		}
		path = strdup(src->path);
		if (!path || policy_files_add(files, path) < 0) {
			fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
			return -1;
		}
	}
	return 0;
}

/* Print a diagnostics text (one "FILE:LINE:COL: FIELD: MESSAGE" per line) on stderr. */
static void print_diag(const struct tetra_diag *diag)
{
	size_t n;

	if (!diag->count)
		return;
	n = strlen(diag->text);
	fputs(diag->text, stderr);
	if (n && diag->text[n - 1] != '\n')
		fputc('\n', stderr);
}

/*
 * Parse every policy file, all of them even after a failure so that one run shows every
 * mistake. Errors and warnings go to stderr as FILE:LINE:COL: FIELD: MESSAGE. Needs no
 * privileges and touches no context: nothing is attached when a file is bad. 0 or -1.
 */
static int parse_policy_files(struct policy_files *files)
{
	int status = 0;

	for (size_t i = 0; i < files->n; i++) {
		struct policy_file *f = &files->v[i];
		struct tetra_diag diag;
		int rc;

		tetra_diag_init(&diag, sizeof(diag));
		rc = tetra_policy_parse_file(&f->policy, f->path, &diag);
		print_diag(&diag);
		if (rc == -TETRA_E_POLICY) {
			fprintf(stderr, PROG ": %s: invalid policy (%u error%s)\n", f->path,
				diag.errors, diag.errors == 1 ? "" : "s");
			status = -1;
		} else if (rc < 0) {
			if (!diag.count)
				fprintf(stderr, PROG ": policy %s: %s\n", f->path, tetra_strerror(rc));
			status = -1;
		}
	}
	return status;
}

/* The plan as text, or NULL (out of memory, or a plan too large to print). */
static char *plan_text(const struct tetra_plan *plan)
{
	int n = tetra_plan_to_text(plan, NULL, 0);
	char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;

	if (text && tetra_plan_to_text(plan, text, (size_t)n + 1) != n) {
		free(text);
		text = NULL;
	}
	return text;
}

/* "tetra-observe: policy FILE: <why>", the why from the context when it has one. */
static void report_policy_error(struct tetra_ctx *ctx, const char *path, int rc)
{
	const char *detail = tetra_ctx_last_error(ctx);

	fprintf(stderr, PROG ": policy %s: %s\n", path,
		detail && *detail ? detail : tetra_strerror(rc));
	if (rc == -TETRA_E_PRIVILEGE || rc == -EPERM)
		fprintf(stderr, PROG ": hint: run as root, or grant CAP_BPF and CAP_PERFMON\n");
}

/*
 * Whether @plan has an Override that cannot be carried out on a hook that is otherwise
 * attachable: the case --override-as-sigkill is for.
 */
static int plan_has_failing_override(const struct tetra_plan *plan)
{
	for (uint32_t h = 0; h < tetra_plan_hook_count(plan); h++) {
		if (tetra_plan_hook_error(plan, h) < 0)
			continue;
		for (uint32_t a = 0; a < tetra_plan_action_count(plan, h); a++)
			if (tetra_plan_action_type(plan, h, a) == TETRA_ACTION_OVERRIDE &&
			    tetra_plan_action_error(plan, h, a) < 0)
				return 1;
	}
	return 0;
}

/* With -v: the plan of @path on stderr, after a header line. */
static void print_plan(const struct tetra_plan *plan, const char *path)
{
	char *text = plan_text(plan);
	size_t n;

	if (!text) {
		fprintf(stderr, PROG ": warning: %s: cannot format the plan\n", path);
		return;
	}
	n = strlen(text);
	fprintf(stderr, PROG ": plan of %s:\n%s%s", path, text,
		n && text[n - 1] != '\n' ? "\n" : "");
	free(text);
}

/*
 * Plan each parsed policy (the plan goes to stderr with -v) and load it into @ctx, whose
 * policy flags are already set. Returns how many were loaded; -1 after printing why one
 * could not be (the caller exits 1 and freeing the context unloads the others); -2 when
 * a stop signal came first (not an error).
 */
static int load_policy_files(struct tetra_ctx *ctx, const struct policy_files *files,
			     int verbose)
{
	int loaded = 0;

	for (size_t i = 0; i < files->n; i++) {
		const struct policy_file *f = &files->v[i];
		struct tetra_plan *plan = NULL;
		uint32_t id = 0;
		int rc, override_fails;

		if (g_signal)
			return -2;
		rc = tetra_ctx_plan_policy(ctx, f->policy, &plan);
		if (rc < 0) {
			report_policy_error(ctx, f->path, rc);
			return -1;
		}
		if (verbose)
			print_plan(plan, f->path);
		override_fails = plan_has_failing_override(plan);
		tetra_plan_free(plan);

		rc = tetra_ctx_add_policy(ctx, f->policy, &id);
		if (rc < 0) {
			if (g_signal && rc == -EINTR)
				return -2;
			report_policy_error(ctx, f->path, rc);
			if (rc == -TETRA_E_NOT_SUPPORTED && override_fails &&
			    !(tetra_ctx_get_policy_flags(ctx) & TETRA_POLICY_F_OVERRIDE_AS_SIGKILL))
				fprintf(stderr, PROG ": hint: --override-as-sigkill kills the caller "
					"where Override cannot deny the call\n");
			else if (rc == -TETRA_E_NOT_SUPPORTED && !verbose)
				fprintf(stderr, PROG ": hint: '" PROG " --check-policy %s' shows "
					"what this kernel can carry out\n", f->path);
			return -1;
		}
		fprintf(stderr, PROG ": policy %s loaded (id %u)\n",
			tetra_policy_name(f->policy), id);
		loaded++;
	}
	return loaded;
}

/*
 * --check-policy FILE: parse the policy (diagnostics on stderr as FILE:LINE:COL: FIELD:
 * MESSAGE), plan it on this kernel and print the plan on stdout. Loads nothing, so it
 * needs no privileges (without them the kernel probe reports every BPF feature missing,
 * and the plan says so). Exit 0 when the policy is valid and all of it can be carried
 * out here, 1 otherwise, with the reason on stderr. @policy_flags (--override-as-sigkill)
 * are the context's TETRA_POLICY_F_*, as a load would use them.
 */
static int do_check_policy(const char *path, uint32_t policy_flags)
{
	struct tetra_policy *policy = NULL;
	struct tetra_plan *plan = NULL;
	struct tetra_ctx *ctx = NULL;
	struct tetra_diag diag;
	int status = EXIT_FAILURE, rc, n;
	char *text = NULL;

	tetra_diag_init(&diag, sizeof(diag));
	rc = tetra_policy_parse_file(&policy, path, &diag);
	if (diag.count)
		fputs(diag.text, stderr);
	if (rc == -TETRA_E_POLICY) {
		fprintf(stderr, PROG ": %s: invalid policy (%u error%s)\n", path, diag.errors,
			diag.errors == 1 ? "" : "s");
		return EXIT_FAILURE;
	}
	if (rc < 0) {
		if (!diag.count)
			fprintf(stderr, PROG ": %s: %s\n", path, tetra_strerror(rc));
		return EXIT_FAILURE;
	}

	rc = tetra_ctx_new(&ctx, NULL);
	if (rc < 0) {
		fprintf(stderr, PROG ": create context: %s\n", tetra_strerror(rc));
		goto out;
	}
	rc = tetra_ctx_set_policy_flags(ctx, policy_flags);
	if (rc < 0) {
		report_error(ctx, "set policy flags", rc);
		goto out;
	}
	rc = tetra_ctx_plan_policy(ctx, policy, &plan);
	if (rc < 0) {
		report_error(ctx, "plan policy", rc);
		goto out;
	}
	n = tetra_plan_to_text(plan, NULL, 0);
	text = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!text || tetra_plan_to_text(plan, text, (size_t)n + 1) != n) {
		fprintf(stderr, PROG ": format the plan: %s\n",
			tetra_strerror(n < 0 ? n : -ENOMEM));
		goto out;
	}
	fputs(text, stdout);
	if (tetra_plan_ok(plan)) {
		status = EXIT_SUCCESS;
	} else {
		n = (int)tetra_plan_error_count(plan);
		fprintf(stderr, PROG ": %s: policy \"%s\" cannot be carried out on this kernel: "
			"%d problem%s (see the plan on standard output)\n", path,
			tetra_plan_policy_name(plan), n, n == 1 ? "" : "s");
	}
out:
	free(text);
	tetra_plan_free(plan);
	tetra_ctx_free(ctx);
	tetra_policy_free(policy);
	if (finish_stdout() != EXIT_SUCCESS)
		status = EXIT_FAILURE;
	return status;
}

static int run(const struct cli *cli)
{
	struct observe o = { .export_fd = -1 };
	struct tetra_ctx_opts opts;
	struct tetra_stats stats;
	struct policy_files policies = { 0 };
	struct tetra_ctx *ctx = NULL;
	int have_stats = 0, status = EXIT_SUCCESS, loaded = 0, rc;

	/*
	 * Policies are read and parsed first: a bad file stops the run before anything is
	 * created, opened or attached.
	 */
	if (collect_policy_files(cli, &policies) < 0 || parse_policy_files(&policies) < 0) {
		policy_files_free(&policies);
		return EXIT_FAILURE;
	}

	o.format = cli->format;
	if (o.format == OUTPUT_AUTO)
		o.format = isatty(STDOUT_FILENO) ? OUTPUT_COMPACT : OUTPUT_JSON;
	o.export_path = cli->export_path;
	if (cli->export_path) {
		o.export_fd = open(cli->export_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				   0600);
		if (o.export_fd < 0) {
			fprintf(stderr, PROG ": open %s: %s\n", cli->export_path, strerror(errno));
			policy_files_free(&policies);
			return EXIT_FAILURE;
		}
	}

	tetra_ctx_opts_init(&opts, sizeof(opts));
	opts.node_name = cli->node_name;
	opts.ring_buffer_bytes = cli->ring_buffer_bytes;
	opts.process_cache_size = cli->process_cache_size;
	opts.flags = cli->ctx_flags;
	rc = tetra_ctx_new(&ctx, &opts);
	if (rc < 0) {
		fprintf(stderr, PROG ": create context: %s\n", tetra_strerror(rc));
		status = EXIT_FAILURE;
		goto out;
	}
	tetra_ctx_set_log_fn(ctx, on_log,
			     cli->verbose >= 2 ? TETRA_LOG_DEBUG :
			     cli->verbose == 1 ? TETRA_LOG_INFO : TETRA_LOG_WARNING, NULL);
	rc = tetra_ctx_set_event_fn(ctx, on_event, &o, NULL);
	if (rc < 0) {
		report_error(ctx, "set event callback", rc);
		status = EXIT_FAILURE;
		goto out;
	}
	/* before any plan or load: the flags change what both may do */
	rc = tetra_ctx_set_policy_flags(ctx, cli->policy_flags);
	if (rc < 0) {
		report_error(ctx, "set policy flags", rc);
		status = EXIT_FAILURE;
		goto out;
	}

	g_ctx = ctx;
	rc = install_signals(on_signal);
	if (rc < 0) {
		fprintf(stderr, PROG ": install signal handlers: %s\n", strerror(-rc));
		status = EXIT_FAILURE;
		goto out;
	}

	rc = tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, NULL);
	if (rc < 0) {
		/* Interrupted while loading: a stop request, not a failure. */
		if (!(g_signal && rc == -EINTR)) {
			report_error(ctx, "enable process sensor", rc);
			status = EXIT_FAILURE;
			goto out;
		}
	} else {
		g_quiet_library_errors = !cli->verbose;
		loaded = load_policy_files(ctx, &policies, cli->verbose);
		g_quiet_library_errors = 0;
		if (loaded == -1) {
			status = EXIT_FAILURE;
			goto out;
		}
		/* -2: a stop signal came while loading; the loop below ends at once */
		if (loaded > 0)
			fprintf(stderr, PROG ": ready (process sensor attached, %d polic%s "
				"loaded)\n", loaded, loaded == 1 ? "y" : "ies");
		else if (loaded == 0)
			fprintf(stderr, PROG ": ready (process sensor attached)\n");
		fflush(stderr);
	}
	/* loaded into the kernel; the parsed copies are not needed any more */
	policy_files_free(&policies);

	while (!g_signal && !o.out_closed && !o.out_stuck && !o.fatal) {
		rc = tetra_ctx_poll(ctx, -1);
		if (rc >= 0 || rc == -EINTR)
			continue;
		if (o.out_closed || o.out_stuck || o.fatal)
			break;
		report_error(ctx, "poll events", rc);
		status = EXIT_FAILURE;
		goto out;
	}
	if (o.fatal) {
		status = EXIT_FAILURE;
		goto out;
	}
	if (o.out_closed)
		goto out;	/* quietly: the reader has what it wanted */

	/* Stopped by a signal: hand out what is already queued, unless output is stuck. */
	if (!o.out_stuck) {
		rc = tetra_ctx_dispatch(ctx);
		if (o.fatal) {
			status = EXIT_FAILURE;
			goto out;
		}
		if (rc < 0 && !o.out_closed && !o.out_stuck)
			report_error(ctx, "dispatch pending events", rc);
	}
	tetra_stats_init(&stats, sizeof(stats));
	have_stats = tetra_ctx_get_stats(ctx, &stats) == 0;

out:
	/* From here a second Ctrl-C ends the process at once; never wake a freed context. */
	g_ctx = NULL;
	if (ctx) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	}
	tetra_ctx_free(ctx);
	if (o.export_fd >= 0 && close(o.export_fd) < 0 && status == EXIT_SUCCESS &&
	    errno != EINTR) {
		fprintf(stderr, PROG ": close %s: %s\n", o.export_path, strerror(errno));
		status = EXIT_FAILURE;
	}
	free(o.json_buf.p);
	free(o.compact_buf.p);
	policy_files_free(&policies);
	if (have_stats && status == EXIT_SUCCESS && !o.out_closed)
		fprintf(stderr, PROG ": %llu events, %llu lost\n",
			(unsigned long long)stats.events_delivered,
			(unsigned long long)stats.lost_total);
	if (o.encode_errors)
		fprintf(stderr, PROG ": %llu events could not be encoded\n",
			(unsigned long long)o.encode_errors);
	return status;
}

int main(int argc, char *argv[])
{
	struct cli cli;
	int rc;

	/* A closed pipe shows up as EPIPE from write(), handled where it happens. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	rc = parse_args(argc, argv, &cli);
	if (rc >= 0) {
		free(cli.policy_sources);
		return rc;
	}
	if (cli.check_policy)
		rc = do_check_policy(cli.check_policy, cli.policy_flags);
	else if (cli.probe)
		rc = do_probe();
	else
		rc = run(&cli);
	free(cli.policy_sources);
	return rc;
}
