/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * bench-work: the workloads of bench/bench.py. Each does N operations as fast as it can
 * and prints one JSON line: {"workload": ..., "ops": N, "ns_per_op": ..., ...}.
 *
 *   exec     posix_spawn + waitpid of bench-nop with a few arguments
 *   open     open + close of one file
 *   rw       pwrite + pread of 64 bytes on one file (one op = one write and one read)
 *   getpid   the raw getpid syscall: the fixed cost any syscall hook puts on every syscall
 *   tcp      socket + connect + accept + close on loopback
 *   dns      a DNS query over UDP to a responder on 127.0.0.1 (forked here) and its answer
 *
 * Two more modes serve the other measurements:
 *
 *   storm    event generator for the throughput test: P processes doing vfork+_exit (or
 *            posix_spawn of bench-nop) for D seconds, optionally paced to R ops/s in all
 *   sleepers spawn N bench-nop --sleep processes, print "ready", wait for a line or EOF on
 *            stdin (or SIGTERM/SIGINT, or --timeout), then kill and reap them all
 *
 * Everything this program starts dies with it: children are reaped before it returns,
 * and each child has PR_SET_PDEATHSIG so an abrupt end of this process takes them along.
 * All traffic is loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "bench-work"

extern char **environ;

struct args {
	const char *workload;
	long ops;
	const char *nop;	/* path of bench-nop */
	const char *dir;	/* where the file workloads put their file */
	double duration;	/* storm: seconds */
	double rate;		/* storm: total ops/s, 0: as fast as possible */
	int procs;		/* storm: generator processes */
	int spawn;		/* storm: posix_spawn bench-nop instead of fork+_exit */
	double timeout;		/* sleepers, dns responder: upper bound in seconds */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

static void report(const struct args *a, long ops, uint64_t elapsed, const char *extra)
{
	printf("{\"workload\": \"%s\", \"ops\": %ld, \"elapsed_ns\": %llu, \"ns_per_op\": %.1f%s%s}\n",
	       a->workload, ops, (unsigned long long)elapsed, ops ? (double)elapsed / ops : 0.0,
	       extra ? ", " : "", extra ? extra : "");
	fflush(stdout);
}

/* --- exec --- */

static int spawn_nop(const char *nop, pid_t *pid)
{
	char *argv[] = { (char *)"bench-nop", (char *)"--alpha", (char *)"beta=1",
			 (char *)"gamma", (char *)"/tmp/delta", NULL };

	return posix_spawn(pid, nop, NULL, NULL, argv, environ);
}

static void run_exec(const struct args *a)
{
	uint64_t t0, t1;
	long i;

	t0 = now_ns();
	for (i = 0; i < a->ops; i++) {
		pid_t pid;
		int st, rc = spawn_nop(a->nop, &pid);

		if (rc) {
			errno = rc;
			die("posix_spawn");
		}
		if (waitpid(pid, &st, 0) < 0)
			die("waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, PROG ": %s failed (status 0x%x)\n", a->nop, st);
			exit(1);
		}
	}
	t1 = now_ns();
	report(a, a->ops, t1 - t0, NULL);
}

/* --- files --- */

static int make_file(const struct args *a, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/tetra-bench-XXXXXX", a->dir);
	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	if (write(fd, "tetra bench file\n", 17) != 17)
		die("write");
	return fd;
}

static void run_open(const struct args *a)
{
	char path[4096];
	uint64_t t0, t1;
	long i;
	int fd;

	close(make_file(a, path, sizeof(path)));
	t0 = now_ns();
	for (i = 0; i < a->ops; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			unlink(path);
			die("open");
		}
		close(fd);
	}
	t1 = now_ns();
	unlink(path);
	report(a, a->ops, t1 - t0, NULL);
}

static void run_rw(const struct args *a)
{
	char path[4096], buf[64];
	uint64_t t0, t1;
	long i;
	int fd;

	fd = make_file(a, path, sizeof(path));
	unlink(path);
	memset(buf, 'x', sizeof(buf));
	t0 = now_ns();
	for (i = 0; i < a->ops; i++) {
		if (pwrite(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			die("pwrite");
		if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
			die("pread");
	}
	t1 = now_ns();
	close(fd);
	report(a, a->ops, t1 - t0, NULL);
}

/* --- getpid --- */

static void run_getpid(const struct args *a)
{
	uint64_t t0, t1;
	long i, sum = 0;

	t0 = now_ns();
	for (i = 0; i < a->ops; i++)
		sum += syscall(SYS_getpid);	/* glibc no longer caches getpid; be explicit */
	t1 = now_ns();
	if (sum == 42)	/* keep the loop */
		fputs("", stderr);
	report(a, a->ops, t1 - t0, NULL);
}

/* --- tcp --- */

static void run_tcp(const struct args *a)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t alen = sizeof(addr);
	uint64_t t0, t1;
	long i;
	int l;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 128) ||
	    getsockname(l, (struct sockaddr *)&addr, &alen))
		die("tcp listener");
	t0 = now_ns();
	for (i = 0; i < a->ops; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

		if (c < 0)
			die("socket");
		/* loopback completes the handshake inside connect(); accept() then returns */
		if (connect(c, (struct sockaddr *)&addr, sizeof(addr)))
			die("connect");
		s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			die("accept");
		/* an abortive close leaves no TIME_WAIT, so ports do not run out */
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		close(s);
	}
	t1 = now_ns();
	close(l);
	report(a, a->ops, t1 - t0, NULL);
}

/* --- dns --- */

/* A query for bench.tetra.test, type A, class IN, with recursion desired. */
static size_t dns_query(unsigned char *q, uint16_t id)
{
	static const unsigned char name[] = "\5bench\5tetra\4test";
	size_t n = 0;

	q[n++] = id >> 8;
	q[n++] = id & 0xff;
	q[n++] = 0x01;	/* RD */
	q[n++] = 0x00;
	q[n++] = 0; q[n++] = 1;	/* qdcount */
	memset(q + n, 0, 6);	/* an, ns, ar */
	n += 6;
	memcpy(q + n, name, sizeof(name));	/* with the root label's 0 */
	n += sizeof(name);
	q[n++] = 0; q[n++] = 1;	/* A */
	q[n++] = 0; q[n++] = 1;	/* IN */
	return n;
}

/*
 * The responder: answers every query with 127.0.0.1, for at most @max queries and
 * @timeout seconds, and dies with its parent.
 */
static void dns_responder(int fd, long max, double timeout)
{
	static const unsigned char answer[] = {
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1,
	};
	unsigned char buf[512 + sizeof(answer)];
	long n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm((unsigned)timeout + 1);
	for (n = 0; n < max; n++) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t len = recvfrom(fd, buf, 512, 0, (struct sockaddr *)&from, &flen);

		if (len < 12)
			continue;
		buf[2] = 0x81;	/* QR, RD */
		buf[3] = 0x80;	/* RA, NOERROR */
		buf[6] = 0;
		buf[7] = 1;	/* ancount */
		memcpy(buf + len, answer, sizeof(answer));
		sendto(fd, buf, (size_t)len + sizeof(answer), 0, (struct sockaddr *)&from, flen);
	}
	_exit(0);
}

static void run_dns(const struct args *a)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 1 };
	socklen_t alen = sizeof(addr);
	unsigned char q[512], r[512];
	long i, timeouts = 0;
	uint64_t t0, t1;
	char extra[64];
	int s, c, st, cpu;
	cpu_set_t set;
	pid_t pid;

	/*
	 * Client and responder share one CPU: a query then costs two context switches, not
	 * two cross-CPU wakeups, whose latency on a VM depends on whether the other vCPU
	 * happened to be idle (5x swings from run to run otherwise).
	 */
	cpu = sched_getcpu();
	if (cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(s, (struct sockaddr *)&addr, &alen))
		die("dns responder socket");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		dns_responder(s, a->ops + 16, a->timeout);
	close(s);

	c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) ||
	    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("dns client socket");
	t0 = now_ns();
	for (i = 0; i < a->ops; i++) {
		uint16_t id = (uint16_t)i;
		size_t qlen = dns_query(q, id);
		ssize_t n;

		if (send(c, q, qlen, 0) != (ssize_t)qlen)
			die("send");
		do {
			n = recv(c, r, sizeof(r), 0);
		} while (n >= 2 && (r[0] != (id >> 8) || r[1] != (id & 0xff)));
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				die("recv");
			if (++timeouts > 3) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				fprintf(stderr, PROG ": dns responder stopped answering\n");
				exit(1);
			}
		}
	}
	t1 = now_ns();
	close(c);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	snprintf(extra, sizeof(extra), "\"timeouts\": %ld", timeouts);
	report(a, a->ops, t1 - t0, extra);
}

/* --- storm: the event generator of the throughput test --- */

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void storm_worker(const struct args *a, double rate, uint64_t end, long *done)
{
	uint64_t start = now_ns(), next = start;
	double period = rate > 0 ? 1e9 / rate : 0;
	long n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!g_stop) {
		uint64_t t = now_ns();
		pid_t pid;
		int st;

		if (t >= end)
			break;
		if (period > 0) {
			/* sleep only when 100 us ahead: pacing by batch, not by op */
			if (next > t + 100000) {
				struct timespec ts = { .tv_sec = (time_t)((next - t) / 1000000000ull),
						       .tv_nsec = (long)((next - t) % 1000000000ull) };

				nanosleep(&ts, NULL);
				continue;
			}
			next = start + (uint64_t)((n + 1) * period);
		}
		if (a->spawn) {
			if (spawn_nop(a->nop, &pid))
				continue;
		} else {
			/*
			 * vfork: a new process (fork and exit events) without copying page
			 * tables, the cheapest way to make process events.
			 */
			pid = vfork();
			if (pid == 0)
				_exit(0);
			if (pid < 0)
				continue;
		}
		waitpid(pid, &st, 0);
		n++;
	}
	*done = n;
}

static void run_storm(const struct args *a)
{
	long *done;
	pid_t pids[64];
	uint64_t t0, t1, end;
	long total = 0;
	char extra[160];
	int i, st;

	if (a->procs < 1 || a->procs > 64) {
		fprintf(stderr, PROG ": --procs must be 1..64\n");
		exit(2);
	}
	done = mmap(NULL, sizeof(long) * 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (done == MAP_FAILED)
		die("mmap");
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	t0 = now_ns();
	end = t0 + (uint64_t)(a->duration * 1e9);
	for (i = 0; i < a->procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			storm_worker(a, a->rate / a->procs, end, &done[i]);
			_exit(0);
		}
	}
	for (i = 0; i < a->procs; i++) {
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		total += done[i];
	}
	t1 = now_ns();
	snprintf(extra, sizeof(extra),
		 "\"procs\": %d, \"mode\": \"%s\", \"target_rate\": %.0f, \"rate\": %.1f",
		 a->procs, a->spawn ? "spawn" : "vfork", a->rate, total * 1e9 / (double)(t1 - t0));
	report(a, total, t1 - t0, extra);
}

/* --- sleepers: N live processes for the memory benchmark --- */

static void run_sleepers(const struct args *a)
{
	char *argv[] = { (char *)"bench-nop", (char *)"--sleep", NULL };
	pid_t *pids, self = getpid();
	long n, i, reaped = 0;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t t0, t1;
	char extra[64];
	int st;

	pids = calloc((size_t)a->ops, sizeof(*pids));
	if (!pids)
		die("calloc");
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	t0 = now_ns();
	for (n = 0; n < a->ops && !g_stop; n++) {
		pids[n] = fork();
		if (pids[n] < 0) {
			fprintf(stderr, PROG ": fork sleeper %ld: %s\n", n, strerror(errno));
			break;
		}
		if (pids[n] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			execv(a->nop, argv);
			_exit(127);
		}
	}
	t1 = now_ns();
	if (n == a->ops && !g_stop) {
		printf("ready %ld %llu\n", n, (unsigned long long)(t1 - t0));
		fflush(stdout);
		/* wait for a line, EOF, a signal or the time bound */
		poll(&pfd, 1, (int)(a->timeout * 1000));
	}
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (waitpid(pids[i], &st, 0) == pids[i])
			reaped++;
	snprintf(extra, sizeof(extra), "\"reaped\": %ld", reaped);
	report(a, n, t1 - t0, extra);
	free(pids);
	exit(n == a->ops ? 0 : 1);
}

static void usage(void)
{
	fputs("Usage: " PROG " exec|open|rw|getpid|tcp|dns|storm|sleepers [--ops N]\n"
	      "       [--nop PATH] [--dir DIR] [--duration S] [--rate R] [--procs P] [--spawn]\n"
	      "       [--timeout S]\n", stderr);
	exit(2);
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "ops", required_argument, NULL, 'n' },
		{ "nop", required_argument, NULL, 'x' },
		{ "dir", required_argument, NULL, 'd' },
		{ "duration", required_argument, NULL, 'D' },
		{ "rate", required_argument, NULL, 'r' },
		{ "procs", required_argument, NULL, 'p' },
		{ "spawn", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct args a = { .ops = 1000, .nop = "bench-nop", .dir = "/tmp", .duration = 1,
			  .procs = 1, .timeout = 120 };
	int c;

	if (argc < 2)
		usage();
	a.workload = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': a.ops = atol(optarg); break;
		case 'x': a.nop = optarg; break;
		case 'd': a.dir = optarg; break;
		case 'D': a.duration = atof(optarg); break;
		case 'r': a.rate = atof(optarg); break;
		case 'p': a.procs = atoi(optarg); break;
		case 's': a.spawn = 1; break;
		case 't': a.timeout = atof(optarg); break;
		default: usage();
		}
	}
	if (a.ops < 1)
		usage();
	/* an abrupt end of the bench script takes this workload along */
	prctl(PR_SET_PDEATHSIG, SIGKILL);

	if (!strcmp(a.workload, "exec"))
		run_exec(&a);
	else if (!strcmp(a.workload, "open"))
		run_open(&a);
	else if (!strcmp(a.workload, "rw"))
		run_rw(&a);
	else if (!strcmp(a.workload, "getpid"))
		run_getpid(&a);
	else if (!strcmp(a.workload, "tcp"))
		run_tcp(&a);
	else if (!strcmp(a.workload, "dns"))
		run_dns(&a);
	else if (!strcmp(a.workload, "storm"))
		run_storm(&a);
	else if (!strcmp(a.workload, "sleepers"))
		run_sleepers(&a);
	else
		usage();
	return 0;
}
