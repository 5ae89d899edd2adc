/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * tetra-bench-consumer: the smallest useful embedder of libtetra, for bench/bench.py.
 * It enables the process sensor (and, once the library has them, other sensors and
 * policies), counts every event in its callback, checks that the sequence numbers add up
 * (delivered + lost == issued), and on exit prints one JSON summary on stdout: counts,
 * losses, start-up times, RSS, the kernel memory of its BPF maps and programs, CPU time.
 *
 * It runs its own epoll loop around tetra_ctx_get_fd(), as an embedder with a main loop
 * would. With --control it also reads commands on stdin: "stats" prints a JSON line of
 * the current figures, "quit" (or EOF) stops. SIGINT and SIGTERM stop it too; it also
 * stops when its parent dies, so no BPF program outlives the bench.
 *
 * Exit status: 0 success, 1 failure, 2 usage error, 3 the configuration asked for is not
 * available in this build of the library (the message says what is missing).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tetra/tetra.h>

#define PROG "tetra-bench-consumer"
#define EXIT_NOT_AVAILABLE 3
#define MAX_ITEMS 8

extern char **environ;

struct opts {
	uint32_t ring_buffer_bytes;
	uint32_t process_cache_size;
	uint32_t ctx_flags;
	int json;			/* encode every event as JSON, as an exporter would */
	int control;			/* commands on stdin */
	const char *trigger;		/* program to run once attached, to time the first event */
	int exit_after_trigger;
	const char *sensors[MAX_ITEMS];
	int n_sensors;
	const char *policies[MAX_ITEMS];
	int n_policies;
};

/* What the callback keeps; lives on main's stack. */
struct counts {
	uint64_t events;		/* every callback */
	uint64_t by_type[4];		/* exec, exit, fork, other */
	uint64_t lost_records;
	uint64_t lost[TETRA_LOST_CATEGORIES];
	uint64_t lost_sum;
	uint64_t max_lost_seq;		/* highest seq a lost_events record carried */
	uint64_t numbered;		/* non-lost events */
	uint64_t max_seq;
	uint64_t duplicates;
	uint64_t json_bytes;
	uint64_t json_errors;
	uint64_t *seen;			/* bitmap of sequence numbers */
	size_t seen_words;
	int bitmap_failed;
	pid_t trigger_pid;
	uint64_t dispatches;		/* tetra_ctx_dispatch() calls that delivered */
	uint64_t dispatch_ns;		/* time spent in them */
	uint64_t best_batch;		/* the fastest big batch: events, ns */
	uint64_t best_batch_ns;
	uint64_t t_first_event;		/* CLOCK_MONOTONIC ns */
	uint64_t t_trigger_event;
	char json_buf[16384];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int mark_seen(struct counts *c, uint64_t seq)
{
	size_t w = (size_t)(seq / 64);

	if (w >= c->seen_words) {
		size_t n = c->seen_words ? c->seen_words : 1024;
		uint64_t *p;

		while (n <= w)
			n *= 2;
		p = realloc(c->seen, n * sizeof(*p));
		if (!p) {
			c->bitmap_failed = 1;
			return 0;
		}
		memset(p + c->seen_words, 0, (n - c->seen_words) * sizeof(*p));
		c->seen = p;
		c->seen_words = n;
	}
	if (c->seen[w] & (1ull << (seq % 64)))
		return 1;
	c->seen[w] |= 1ull << (seq % 64);
	return 0;
}

static int on_event(struct tetra_ctx *ctx, const struct tetra_event *ev, void *user_data)
{
	struct counts *c = user_data;
	uint32_t type = tetra_event_type(ev);
	uint64_t seq = tetra_event_seq(ev);

	(void)ctx;
	if (!c->events++)
		c->t_first_event = now_ns();
	if (type == TETRA_EVENT_LOST) {
		c->lost_records++;
		for (uint32_t i = 0; i < TETRA_LOST_CATEGORIES; i++) {
			uint64_t n = tetra_event_lost(ev, i);

			c->lost[i] += n;
			c->lost_sum += n;
		}
		if (seq > c->max_lost_seq)
			c->max_lost_seq = seq;
	} else {
		c->numbered++;
		if (seq > c->max_seq || c->numbered == 1)
			c->max_seq = seq;
		c->duplicates += mark_seen(c, seq);
		switch (type) {
		case TETRA_EVENT_PROCESS_EXEC: c->by_type[0]++; break;
		case TETRA_EVENT_PROCESS_EXIT: c->by_type[1]++; break;
		case TETRA_EVENT_PROCESS_FORK: c->by_type[2]++; break;
		default: c->by_type[3]++; break;
		}
		if (c->trigger_pid && !c->t_trigger_event && type == TETRA_EVENT_PROCESS_EXEC &&
		    tetra_process_pid(tetra_event_process(ev)) == (uint32_t)c->trigger_pid)
			c->t_trigger_event = now_ns();
	}
	return 0;
}

static int on_event_json(struct tetra_ctx *ctx, const struct tetra_event *ev, void *user_data)
{
	struct counts *c = user_data;
	int n = tetra_event_to_json(ev, c->json_buf, sizeof(c->json_buf));

	if (n < 0)
		c->json_errors++;
	else
		c->json_bytes += (uint64_t)n + 1;
	return on_event(ctx, ev, user_data);
}

/* --- what this process costs: RSS, and the kernel memory of its BPF objects --- */

struct mem {
	long rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb;
	uint64_t map_memlock, prog_memlock;
	int maps, progs, links;
};

static long status_kb(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void read_mem(struct mem *m)
{
	char text[8192], path[320], target[64], line[256];
	struct dirent *d;
	ssize_t n;
	DIR *dir;
	int fd;

	memset(m, 0, sizeof(*m));
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		text[n > 0 ? n : 0] = '\0';
		close(fd);
		m->rss_kb = status_kb(text, "VmRSS:");
		m->rss_anon_kb = status_kb(text, "RssAnon:");
		m->rss_file_kb = status_kb(text, "RssFile:");
		m->rss_shmem_kb = status_kb(text, "RssShmem:");
	}
	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		int is_map, is_prog;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		is_map = !strcmp(target, "anon_inode:bpf-map");
		is_prog = !strcmp(target, "anon_inode:bpf-prog");
		m->links += !strcmp(target, "anon_inode:bpf_link");
		if (!is_map && !is_prog)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;

			if (sscanf(line, "memlock: %llu", &v) == 1) {
				if (is_map)
					m->map_memlock += v;
				else
					m->prog_memlock += v;
			}
		}
		fclose(f);
		m->maps += is_map;
		m->progs += is_prog;
	}
	closedir(dir);
}

static void print_mem(FILE *out, const struct mem *m)
{
	fprintf(out,
		"\"rss_kb\": %ld, \"rss_anon_kb\": %ld, \"rss_file_kb\": %ld, \"rss_shmem_kb\": %ld, "
		"\"kernel\": {\"maps\": %d, \"progs\": %d, \"links\": %d, \"map_memlock\": %llu, "
		"\"prog_memlock\": %llu, \"total_memlock\": %llu}",
		m->rss_kb, m->rss_anon_kb, m->rss_file_kb, m->rss_shmem_kb, m->maps, m->progs,
		m->links, (unsigned long long)m->map_memlock, (unsigned long long)m->prog_memlock,
		(unsigned long long)(m->map_memlock + m->prog_memlock));
}

static void print_stats(FILE *out, struct tetra_ctx *ctx)
{
	struct tetra_stats s;

	tetra_stats_init(&s, sizeof(s));
	if (tetra_ctx_get_stats(ctx, &s)) {
		fputs("\"stats\": null", out);
		return;
	}
	fprintf(out,
		"\"stats\": {\"events_received\": %llu, \"events_delivered\": %llu, "
		"\"lost_total\": %llu, \"process_cache_entries\": %llu, "
		"\"process_cache_evictions\": %llu, \"unknown_processes\": %llu, "
		"\"decode_errors\": %llu}",
		(unsigned long long)s.events_received, (unsigned long long)s.events_delivered,
		(unsigned long long)s.lost_total, (unsigned long long)s.process_cache_entries,
		(unsigned long long)s.process_cache_evictions,
		(unsigned long long)s.unknown_processes, (unsigned long long)s.decode_errors);
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* --- the sequence check --- */

static void print_seq_check(FILE *out, const struct counts *c)
{
	uint64_t issued, unique = 0, missing;

	for (size_t i = 0; i < c->seen_words; i++)
		unique += (uint64_t)__builtin_popcountll(c->seen[i]);
	/*
	 * Issued: every number up to the highest delivered, or up to what the last
	 * lost_events record says was issued when it was made (it carries the next number).
	 */
	issued = c->numbered ? c->max_seq + 1 : 0;
	if (c->lost_records && c->max_lost_seq > issued)
		issued = c->max_lost_seq;
	missing = issued - unique;
	fprintf(out,
		"\"seq\": {\"issued\": %llu, \"delivered_unique\": %llu, \"missing\": %llu, "
		"\"lost_counted\": %llu, \"duplicates\": %llu, \"bitmap_failed\": %d, "
		"\"balanced\": %s}",
		(unsigned long long)issued, (unsigned long long)unique,
		(unsigned long long)missing, (unsigned long long)c->lost_sum,
		(unsigned long long)c->duplicates, c->bitmap_failed,
		!c->bitmap_failed && !c->duplicates && missing == c->lost_sum ? "true" : "false");
}

/* --- configurations the library may not have yet --- */

/*
 * Policies, looked up at run time with the signatures DESIGN.md gives them, so this
 * program builds against a library that does not have them yet and says so when run.
 */
struct tetra_policy;
struct tetra_diag;
typedef int (*policy_parse_file_fn)(struct tetra_policy **, const char *, struct tetra_diag *);
typedef int (*ctx_add_policy_fn)(struct tetra_ctx *, const struct tetra_policy *, uint32_t *);
typedef void (*policy_free_fn)(struct tetra_policy *);

static int add_policy(struct tetra_ctx *ctx, const char *path)
{
	policy_parse_file_fn parse = (policy_parse_file_fn)dlsym(RTLD_DEFAULT,
								  "tetra_policy_parse_file");
	ctx_add_policy_fn add = (ctx_add_policy_fn)dlsym(RTLD_DEFAULT, "tetra_ctx_add_policy");
	policy_free_fn pfree = (policy_free_fn)dlsym(RTLD_DEFAULT, "tetra_policy_free");
	struct tetra_policy *pol = NULL;
	uint32_t id;
	int rc;

	if (!parse || !add || !pfree) {
		char missing[128] = "";

		if (!parse)
			strcat(missing, ", tetra_policy_parse_file()");
		if (!add)
			strcat(missing, ", tetra_ctx_add_policy()");
		if (!pfree)
			strcat(missing, ", tetra_policy_free()");
		fprintf(stderr, PROG ": not available: this libtetra has no %s\n", missing + 2);
		return -EXIT_NOT_AVAILABLE;
	}
	rc = parse(&pol, path, NULL);
	if (rc < 0) {
		fprintf(stderr, PROG ": parse policy %s: %s\n", path, tetra_strerror(rc));
		return rc == -TETRA_E_NOT_SUPPORTED ? -EXIT_NOT_AVAILABLE : -1;
	}
	rc = add(ctx, pol, &id);
	pfree(pol);
	if (rc < 0) {
		fprintf(stderr, PROG ": add policy %s: %s\n", path, tetra_ctx_last_error(ctx));
		return rc == -TETRA_E_NOT_SUPPORTED ? -EXIT_NOT_AVAILABLE : -1;
	}
	return 0;
}

/* A sensor name to its number; -1 when this build of the library has no such sensor. */
static long sensor_number(const char *name)
{
	if (!strcmp(name, "process"))
		return TETRA_SENSOR_PROCESS;
#ifdef TETRA_SENSOR_NETWORK
	if (!strcmp(name, "network"))
		return TETRA_SENSOR_NETWORK;
#endif
#ifdef TETRA_SENSOR_DNS
	if (!strcmp(name, "dns"))
		return TETRA_SENSOR_DNS;
#endif
#ifdef TETRA_SENSOR_FILE
	if (!strcmp(name, "file"))
		return TETRA_SENSOR_FILE;
#endif
	return -1;
}

/* --- main --- */

static void usage(FILE *out)
{
	fputs("Usage: " PROG " [--control] [--json] [--sensor NAME]... [--policy FILE]...\n"
	      "       [--ring-buffer-bytes N] [--process-cache-size N] [--no-proc-seed]\n"
	      "       [--trigger PROGRAM [--exit-after-trigger]]\n", out);
}

static int parse_args(int argc, char *argv[], struct opts *o)
{
	static const struct option lo[] = {
		{ "control", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "sensor", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "ring-buffer-bytes", required_argument, NULL, 'r' },
		{ "process-cache-size", required_argument, NULL, 'C' },
		{ "no-proc-seed", no_argument, NULL, 'N' },
		{ "trigger", required_argument, NULL, 't' },
		{ "exit-after-trigger", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->control = 1; break;
		case 'j': o->json = 1; break;
		case 's':
			if (o->n_sensors == MAX_ITEMS)
				return -1;
			o->sensors[o->n_sensors++] = optarg;
			break;
		case 'p':
			if (o->n_policies == MAX_ITEMS)
				return -1;
			o->policies[o->n_policies++] = optarg;
			break;
		case 'r': o->ring_buffer_bytes = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'C': o->process_cache_size = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'N': o->ctx_flags |= TETRA_CTX_F_NO_PROC_SEED; break;
		case 't': o->trigger = optarg; break;
		case 'x': o->exit_after_trigger = 1; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (optind < argc)
		return -1;
	if (!o->n_sensors)
		o->sensors[o->n_sensors++] = "process";
	return 0;
}

/*
 * One dispatch, timed: how many events each wakeup brings, and the rate of the fastest
 * batch of at least 1000 events (after a pause, that is how fast user space drains a
 * full ring buffer: the library's own ceiling, without wakeup costs).
 */
static int timed_dispatch(struct tetra_ctx *ctx, struct counts *c)
{
	uint64_t t0 = now_ns(), n0 = c->events, dt, dn;
	int rc = tetra_ctx_dispatch(ctx);

	dt = now_ns() - t0;
	dn = c->events - n0;
	if (dn) {
		c->dispatches++;
		c->dispatch_ns += dt;
	}
	if (dn >= 1000 && (!c->best_batch || dn * c->best_batch_ns > c->best_batch * dt)) {
		c->best_batch = dn;
		c->best_batch_ns = dt;
	}
	return rc;
}

/* Deliver what is queued until the ring buffer stays empty for a moment. */
static void drain(struct tetra_ctx *ctx, struct counts *c)
{
	struct timespec ts = { .tv_nsec = 20 * 1000000 };
	int idle = 0;

	for (int i = 0; i < 500 && idle < 3; i++) {
		int n = timed_dispatch(ctx, c);

		if (n > 0) {
			idle = 0;
			continue;
		}
		idle++;
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char *argv[])
{
	struct counts *c;
	struct opts o;
	struct tetra_ctx_opts copts;
	struct tetra_ctx *ctx = NULL;
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	struct mem mem_before, mem_after_enable, mem_end;
	uint64_t t_start, t_new, t_enabled, t_trigger_spawned = 0;
	double cpu_enabled;
	sigset_t mask;
	int ep = -1, sfd = -1, status = 0, stop = 0, rc, i;
	char line[256];
	size_t line_len = 0;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	/* stop (gracefully, detaching everything) when the bench script goes away */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	c = calloc(1, sizeof(*c));
	if (sfd < 0 || !c) {
		perror(PROG ": setup");
		return 1;
	}

	read_mem(&mem_before);
	t_start = now_ns();
	tetra_ctx_opts_init(&copts, sizeof(copts));
	copts.ring_buffer_bytes = o.ring_buffer_bytes;
	copts.process_cache_size = o.process_cache_size;
	copts.flags = o.ctx_flags;
	rc = tetra_ctx_new(&ctx, &copts);
	if (rc < 0) {
		fprintf(stderr, PROG ": create context: %s\n", tetra_strerror(rc));
		return 1;
	}
	t_new = now_ns();
	tetra_ctx_set_event_fn(ctx, o.json ? on_event_json : on_event, c, NULL);
	for (i = 0; i < o.n_sensors; i++) {
		long nr = sensor_number(o.sensors[i]);

		if (nr < 0) {
			fprintf(stderr, PROG ": not available: this libtetra has no '%s' sensor\n",
				o.sensors[i]);
			status = EXIT_NOT_AVAILABLE;
			goto out;
		}
		rc = tetra_sensor_enable(ctx, (uint32_t)nr, NULL);
		if (rc < 0) {
			const char *msg = tetra_ctx_last_error(ctx);

			/* the library's message usually names the step already */
			if (!strncmp(msg, "enable ", 7))
				fprintf(stderr, PROG ": %s\n", msg);
			else
				fprintf(stderr, PROG ": enable %s sensor: %s\n", o.sensors[i],
					*msg ? msg : tetra_strerror(rc));
			status = rc == -TETRA_E_NOT_SUPPORTED || rc == -EINVAL ? EXIT_NOT_AVAILABLE : 1;
			goto out;
		}
	}
	for (i = 0; i < o.n_policies; i++) {
		rc = add_policy(ctx, o.policies[i]);
		if (rc < 0) {
			status = rc == -EXIT_NOT_AVAILABLE ? EXIT_NOT_AVAILABLE : 1;
			goto out;
		}
	}
	t_enabled = now_ns();
	cpu_enabled = cpu_s();
	read_mem(&mem_after_enable);

	if (o.trigger) {
		char *targv[] = { (char *)"bench-nop", (char *)"--trigger", NULL };
		pid_t pid;

		rc = posix_spawn(&pid, o.trigger, NULL, NULL, targv, environ);
		if (rc) {
			fprintf(stderr, PROG ": spawn %s: %s\n", o.trigger, strerror(rc));
			status = 1;
			goto out;
		}
		c->trigger_pid = pid;
		t_trigger_spawned = now_ns();
	}
	fprintf(stderr, PROG ": ready\n");
	fflush(stderr);

	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = tetra_ctx_get_fd(ctx);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev)) {
		perror(PROG ": epoll");
		status = 1;
		goto out;
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	if (o.control) {
		ev.data.fd = STDIN_FILENO;
		epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &ev);
	}

	while (!stop) {
		int n = epoll_wait(ep, evs, 4, o.trigger && !c->t_trigger_event ? 10 : -1);

		if (n < 0 && errno != EINTR) {
			perror(PROG ": epoll_wait");
			status = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == sfd) {
				stop = 1;
			} else if (evs[i].data.fd == STDIN_FILENO) {
				char buf[256];
				ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

				if (r <= 0) {
					stop = 1;
					break;
				}
				for (ssize_t k = 0; k < r; k++) {
					if (buf[k] != '\n') {
						if (line_len < sizeof(line) - 1)
							line[line_len++] = buf[k];
						continue;
					}
					line[line_len] = '\0';
					line_len = 0;
					if (!strcmp(line, "quit")) {
						stop = 1;
					} else if (!strcmp(line, "stats")) {
						struct mem m;

						tetra_ctx_dispatch(ctx);
						read_mem(&m);
						printf("{\"events\": %llu, ",
						       (unsigned long long)c->events);
						print_mem(stdout, &m);
						fputs(", ", stdout);
						print_stats(stdout, ctx);
						printf(", \"cpu_s\": %.3f}\n", cpu_s());
						fflush(stdout);
					}
				}
			}
		}
		rc = timed_dispatch(ctx, c);
		if (rc < 0) {
			fprintf(stderr, PROG ": dispatch: %s\n", tetra_ctx_last_error(ctx));
			status = 1;
			break;
		}
		if (o.trigger && !c->t_trigger_event) {
			int st;

			/* reap the trigger; its exec event may still be on its way */
			waitpid(c->trigger_pid, &st, WNOHANG);
			if (now_ns() - t_trigger_spawned > 10ull * 1000000000ull) {
				fprintf(stderr, PROG ": no exec event for the trigger in 10 s\n");
				status = 1;
				break;
			}
		}
		if (o.exit_after_trigger && c->t_trigger_event)
			stop = 1;
	}
	drain(ctx, c);
	if (c->trigger_pid)
		waitpid(c->trigger_pid, NULL, 0);
	read_mem(&mem_end);

	printf("{\"events\": %llu, \"exec\": %llu, \"exit\": %llu, \"fork\": %llu, "
	       "\"other\": %llu, \"lost_records\": %llu, \"lost\": %llu, \"lost_by_category\": [",
	       (unsigned long long)c->events, (unsigned long long)c->by_type[0],
	       (unsigned long long)c->by_type[1], (unsigned long long)c->by_type[2],
	       (unsigned long long)c->by_type[3], (unsigned long long)c->lost_records,
	       (unsigned long long)c->lost_sum);
	for (i = 0; i < TETRA_LOST_CATEGORIES; i++)
		printf("%s%llu", i ? ", " : "", (unsigned long long)c->lost[i]);
	printf("], ");
	print_seq_check(stdout, c);
	printf(", \"startup\": {\"ctx_new_ns\": %llu, \"enable_ns\": %llu",
	       (unsigned long long)(t_new - t_start), (unsigned long long)(t_enabled - t_new));
	if (c->t_first_event)
		printf(", \"first_event_ns\": %llu",
		       (unsigned long long)(c->t_first_event - t_start));
	if (c->t_trigger_event)
		printf(", \"trigger_event_ns\": %llu, \"trigger_latency_ns\": %llu",
		       (unsigned long long)(c->t_trigger_event - t_start),
		       (unsigned long long)(c->t_trigger_event - t_trigger_spawned));
	printf("}, \"dispatch\": {\"calls\": %llu, \"ns\": %llu, \"best_batch\": %llu, "
	       "\"best_batch_ns\": %llu}",
	       (unsigned long long)c->dispatches, (unsigned long long)c->dispatch_ns,
	       (unsigned long long)c->best_batch, (unsigned long long)c->best_batch_ns);
	printf(", \"json_bytes\": %llu, \"json_errors\": %llu, \"cpu_s\": %.3f, "
	       "\"cpu_after_enable_s\": %.3f, ",
	       (unsigned long long)c->json_bytes, (unsigned long long)c->json_errors, cpu_s(),
	       cpu_s() - cpu_enabled);
	printf("\"mem_before\": {");
	print_mem(stdout, &mem_before);
	printf("}, \"mem_enabled\": {");
	print_mem(stdout, &mem_after_enable);
	printf("}, \"mem_end\": {");
	print_mem(stdout, &mem_end);
	printf("}, ");
	print_stats(stdout, ctx);
	printf("}\n");
	fflush(stdout);

out:
	tetra_ctx_free(ctx);
	if (ep >= 0)
		close(ep);
	free(c->seen);
	free(c);
	return status;
}
