// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Seeding the process cache from /proc, so that processes started before the sensor was
 * attached have a binary, arguments, credentials and an exec_id the sensor's events can
 * point to as their parent.
 *
 * Every file is read through a descriptor of the process's /proc directory: once that
 * process is gone, reads through it fail (ENOENT/ESRCH) even if its pid is reused, so a
 * record never mixes two processes. The root is a parameter so tests can use fake trees.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "process_cache.h"

#define NS_TO_SEC 1000000000ull
#define AUID_UNSET 4294967295u

struct seed_state {
	const struct tetra__proc_seed *seed;
	uint64_t hz;		/* USER_HZ: unit of the start time in stat */
	int cg2_fd;		/* the cgroup2 mount, or -1 */
	char *cg2_root;		/* the hierarchy path mounted there ("/" normally) */
};

static const struct {
	const char *name;
	uint32_t index;
} ns_links[] = {
	{ "uts", TETRA_NS_UTS },
	{ "ipc", TETRA_NS_IPC },
	{ "mnt", TETRA_NS_MNT },
	{ "pid", TETRA_NS_PID },
	{ "pid_for_children", TETRA_NS_PID_FOR_CHILDREN },
	{ "net", TETRA_NS_NET },
	{ "time", TETRA_NS_TIME },
	{ "time_for_children", TETRA_NS_TIME_FOR_CHILDREN },
	{ "cgroup", TETRA_NS_CGROUP },
	{ "user", TETRA_NS_USER },
};

static bool is_gone_error(int err)
{
	return err == -ENOENT || err == -ESRCH;
}

/* Whole file into a NUL-terminated buffer; /proc files report size 0, so read to EOF. */
static int read_all(int dirfd, const char *name, char **ret, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *buf, *tmp;
	int fd, err = 0;

	*ret = NULL;
	*ret_len = 0;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			if (cap > SIZE_MAX / 2) {
				err = -EFBIG;
				break;
			}
			tmp = realloc(buf, cap * 2);
			if (!tmp) {
				err = -ENOMEM;
				break;
			}
			buf = tmp;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* Link target into @buf (NUL-terminated); its length or -errno. */
static ssize_t read_link(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd, name, buf, size);

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

static bool parse_u64(const char *s, const char **end, int base, uint64_t *ret)
{
	uint64_t v = 0;
	const char *p = s;

	for (;; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / (unsigned int)base)
			return false;
		v = v * (unsigned int)base + d;
	}
	if (p == s)
		return false;
	*ret = v;
	if (end)
		*end = p;
	return true;
}

static bool parse_u32(const char *s, const char **end, uint32_t *ret)
{
	uint64_t v;

	if (!parse_u64(s, end, 10, &v) || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/*
 * "pid (comm) state ppid ... starttime ...": comm may hold spaces and parentheses, so the
 * fields are counted from the last ')'. @comm points into @buf.
 */
static int parse_stat(const char *buf, const char **comm, size_t *comm_len, uint32_t *ppid,
		      uint64_t *starttime)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *s;
	int field = 2;	/* the field close ends */

	if (!open || !close || close < open)
		return -EINVAL;
	*comm = open + 1;
	*comm_len = (size_t)(close - open - 1);
	s = close + 1;
	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s || *s == '\n')
			return -EINVAL;
		field++;
		if (field == 4 && !parse_u32(s, NULL, ppid))
			return -EINVAL;
		if (field == 22)
			return parse_u64(s, NULL, 10, starttime) ? 0 : -EINVAL;
		while (*s && *s != ' ' && *s != '\n')
			s++;
	}
}

/* Clock ticks to ns without overflowing for any uptime a u64 of ns can hold. */
static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * NS_TO_SEC + ticks % hz * NS_TO_SEC / hz;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "Uid:\t<real>\t<effective>\t<saved>\t<fs>" */
static void parse_ids(const char *s, uint32_t out[4])
{
	uint32_t v[4];

	for (int i = 0; i < 4; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!parse_u32(s, &s, &v[i]))
			return;
	}
	memcpy(out, v, sizeof(v));
}

static void parse_cap(const char *s, uint64_t *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	parse_u64(s, NULL, 16, out);
}

static void parse_status(const char *buf, struct tetra_process *p)
{
	for (const char *s = buf; s && *s; s = next_line(s)) {
		if (starts_with(s, "Uid:"))
			parse_ids(s + 4, &p->cred[TETRA_CRED_UID]);
		else if (starts_with(s, "Gid:"))
			parse_ids(s + 4, &p->cred[TETRA_CRED_GID]);
		else if (starts_with(s, "CapInh:"))
			parse_cap(s + 7, &p->caps[TETRA_CAPS_INHERITABLE]);
		else if (starts_with(s, "CapPrm:"))
			parse_cap(s + 7, &p->caps[TETRA_CAPS_PERMITTED]);
		else if (starts_with(s, "CapEff:"))
			parse_cap(s + 7, &p->caps[TETRA_CAPS_EFFECTIVE]);
	}
}

/* "mnt:[4026531840]" -> 4026531840; 0 when it has another shape */
static uint32_t parse_ns_link(const char *s)
{
	const char *b = strchr(s, '[');
	uint32_t v;

	if (!b || !parse_u32(b + 1, &s, &v) || *s != ']')
		return 0;
	return v;
}

static void read_namespaces(int pidfd, struct tetra_process *p, int *gone)
{
	char link[128];

	for (size_t i = 0; i < sizeof(ns_links) / sizeof(ns_links[0]); i++) {
		char name[32];
		ssize_t n;

		snprintf(name, sizeof(name), "ns/%s", ns_links[i].name);
		n = read_link(pidfd, name, link, sizeof(link));
		if (n < 0) {
			/* older kernels lack some (time); others' namespaces need privileges */
			*gone |= is_gone_error((int)n);
			continue;
		}
		p->ns[ns_links[i].index] = parse_ns_link(link);
	}
}

/*
 * Each line is "hierarchy-id:controllers:path"; the path may itself hold ':'. The
 * container id comes from the first path that names one: on hybrid systems the v2
 * hierarchy may be left at "/" while v1 controllers carry the container's path. The
 * cgroup id is what the kernel's BPF helpers report, which is always the v2 cgroup.
 * @v2_path points into @buf (NULL when there is no v2 line).
 */
static void parse_cgroup(const char *buf, char container_id[TETRA_CONTAINER_ID_MAX],
			 const char **v2_path, size_t *v2_len)
{
	container_id[0] = '\0';
	*v2_path = NULL;
	*v2_len = 0;
	for (const char *s = buf; s && *s; s = next_line(s)) {
		const char *c1 = strchr(s, ':'), *c2, *end = strchr(s, '\n');
		char path[PATH_MAX];
		size_t len;

		if (!end)
			end = s + strlen(s);
		if (!c1 || c1 > end)
			continue;
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
		if (!c2)
			continue;
		len = (size_t)(end - c2 - 1);
		if (c1 - s == 1 && s[0] == '0' && c2 == c1 + 1 && !*v2_path) {
			*v2_path = c2 + 1;
			*v2_len = len;
		}
		if (container_id[0] || len >= sizeof(path))
			continue;
		memcpy(path, c2 + 1, len);
		path[len] = '\0';
		tetra__container_id_from_cgroup(container_id, path);
	}
}

/* The v2 cgroup's directory inode, which is its kernel cgroup id; 0 when unknown. */
static uint64_t cgroup_id(const struct seed_state *st, const char *path, size_t len)
{
	char rel[PATH_MAX];
	struct stat sb;
	size_t root_len;

	if (st->cg2_fd < 0 || !path)
		return 0;
	root_len = strlen(st->cg2_root);
	/* paths are relative to the hierarchy, the mount shows only the part under its root */
	if (strcmp(st->cg2_root, "/") != 0) {
		if (len < root_len || memcmp(path, st->cg2_root, root_len) != 0 ||
		    (len > root_len && path[root_len] != '/'))
			return 0;
		path += root_len;
		len -= root_len;
	}
	while (len && *path == '/') {
		path++;
		len--;
	}
	if (!len) {
		strcpy(rel, ".");
	} else {
		if (len >= sizeof(rel))
			return 0;
		memcpy(rel, path, len);
		rel[len] = '\0';
	}
	if (fstatat(st->cg2_fd, rel, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
		return 0;
	return (uint64_t)sb.st_ino;
}

/* Undo mountinfo's octal escapes (\040 for a space, ...) in place. */
static void unescape_octal(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/*
 * "id parent maj:min root mountpoint options [optional...] - fstype source super": the first
 * cgroup2 mount. Leaves st->cg2_fd at -1 when there is none (pure v1 or no mountinfo).
 */
static int find_cgroup2(int procfd, struct seed_state *st)
{
	char *buf, *line, *save = NULL;
	size_t len;
	int err;

	err = read_all(procfd, "self/mountinfo", &buf, &len);
	if (err)
		return err == -ENOMEM ? err : 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *field[5], *sep, *fstype, *fsave = NULL;
		int i;

		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		fstype = sep + 3;
		fstype[strcspn(fstype, " ")] = '\0';
		if (strcmp(fstype, "cgroup2") != 0)
			continue;
		for (i = 0; i < 5; i++) {
			field[i] = strtok_r(i ? NULL : line, " ", &fsave);
			if (!field[i])
				break;
		}
		if (i < 5)
			continue;
		unescape_octal(field[3]);
		unescape_octal(field[4]);
		st->cg2_fd = open(field[4], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (st->cg2_fd < 0)
			continue;
		st->cg2_root = strdup(field[3]);
		if (!st->cg2_root) {
			close(st->cg2_fd);
			st->cg2_fd = -1;
			err = -ENOMEM;
		}
		break;
	}
	free(buf);
	return err;
}

/* Process alive through @pidfd? Reads fail once it has been reaped, even if pid is reused. */
static bool process_gone(int pidfd)
{
	struct stat sb;

	return fstatat(pidfd, "stat", &sb, 0) < 0 && is_gone_error(-errno);
}

/*
 * Build the record for /proc/<pid>. 0 and *ret, -ENOMEM to stop seeding, any other
 * negative errno to skip this entry (gone, not a process directory, unreadable stat).
 */
static int read_process(const struct seed_state *st, int procfd, const char *name, uint32_t pid,
			struct tetra_process **ret)
{
	char *stat_buf = NULL, *buf = NULL, link[PATH_MAX + 1], container[TETRA_CONTAINER_ID_MAX];
	const char *comm, *v2_path;
	size_t comm_len, len, v2_len;
	struct tetra_process *p = NULL;
	uint64_t ticks = 0;
	ssize_t n;
	int pidfd, err, gone = 0;
	uint32_t v;

	*ret = NULL;
	pidfd = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return -errno;
	/* stat and status are readable by anyone: failing them means the process is gone */
	err = read_all(pidfd, "stat", &stat_buf, &len);
	if (err)
		goto out;
	p = tetra__process_new();
	if (!p) {
		err = -ENOMEM;
		goto out;
	}
	err = parse_stat(stat_buf, &comm, &comm_len, &p->ppid, &ticks);
	if (err)
		goto out;
	err = read_all(pidfd, "status", &buf, &len);
	if (err)
		goto out;
	parse_status(buf, p);
	free(buf);
	buf = NULL;

	p->pid = p->tid = pid;
	p->flags = TETRA_PROCESS_PROCFS;
	p->ktime = ticks_to_ns(ticks, st->hz);
	p->start_time = p->ktime + st->seed->realtime_offset_ns;
	tetra__exec_id(p->exec_id, sizeof(p->exec_id), st->seed->node_name, p->ktime, pid);

	/* kernel threads have no exe, and others' need privileges: name them by comm then */
	n = read_link(pidfd, "exe", link, sizeof(link));
	gone |= n < 0 && is_gone_error((int)n);
	err = n >= 0 ? tetra__process_set_binary(p, link, (size_t)n) :
		       tetra__process_set_binary(p, comm, comm_len);
	if (err)
		goto out;

	err = read_all(pidfd, "cmdline", &buf, &len);
	if (!err) {
		err = tetra__process_set_args(p, buf, len);
		if (err)
			goto out;
	} else if (err == -ENOMEM) {
		goto out;
	} else {
		gone |= is_gone_error(err);
		p->flags |= TETRA_PROCESS_ERROR_ARGS;
	}
	free(buf);
	buf = NULL;

	n = read_link(pidfd, "cwd", link, sizeof(link));
	if (n >= 0) {
		err = tetra__process_set_cwd(p, link, (size_t)n);
		if (err)
			goto out;
		if (strcmp(link, "/") == 0)
			p->flags |= TETRA_PROCESS_ROOTCWD;
	} else {
		gone |= is_gone_error((int)n);
		p->flags |= TETRA_PROCESS_ERROR_CWD;
	}

	p->cred[TETRA_CRED_AUID] = AUID_UNSET;
	err = read_all(pidfd, "loginuid", &buf, &len);
	if (!err && parse_u32(buf, NULL, &v))
		p->cred[TETRA_CRED_AUID] = v;
	else if (err == -ENOMEM)
		goto out;
	free(buf);
	buf = NULL;

	read_namespaces(pidfd, p, &gone);

	err = read_all(pidfd, "cgroup", &buf, &len);
	if (!err) {
		parse_cgroup(buf, container, &v2_path, &v2_len);
		memcpy(p->container_id, container, sizeof(container));
		p->cgroup_id = cgroup_id(st, v2_path, v2_len);
	} else if (err == -ENOMEM) {
		goto out;
	} else {
		gone |= is_gone_error(err);
	}

	/* a missing file may be normal (kernel thread, old kernel) or the process exiting */
	err = gone && process_gone(pidfd) ? -ENOENT : 0;
out:
	free(buf);
	free(stat_buf);
	close(pidfd);
	if (err) {
		tetra__process_free(p);
		return err;
	}
	*ret = p;
	return 0;
}

/* /proc lists thread-group leaders as plain decimal numbers */
static bool parse_pid(const char *name, uint32_t *pid)
{
	const char *end;

	if (name[0] < '1' || name[0] > '9')
		return false;
	return parse_u32(name, &end, pid) && !*end;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct tetra_process *x = *(struct tetra_process *const *)a;
	const struct tetra_process *y = *(struct tetra_process *const *)b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void link_parents(struct tetra__process_cache *c, struct tetra_process **all, size_t n)
{
	if (!n)
		return;
	qsort(all, n, sizeof(*all), cmp_pid);
	for (size_t i = 0; i < n; i++) {
		struct tetra_process key = { .pid = all[i]->ppid }, *kp = &key, **found;
		const struct tetra_process *parent = NULL;

		all[i]->parent_exec_id[0] = '\0';
		if (!all[i]->ppid)
			continue;
		found = bsearch(&kp, all, n, sizeof(*all), cmp_pid);
		if (found)
			parent = *found;
		else
			parent = tetra__process_cache_lookup(c, all[i]->ppid);
		if (parent)
			memcpy(all[i]->parent_exec_id, parent->exec_id, sizeof(parent->exec_id));
	}
}

int tetra__process_cache_seed(struct tetra__process_cache *c, const struct tetra__proc_seed *seed)
{
	struct seed_state st = { .seed = seed, .cg2_fd = -1 };
	struct tetra_process **all = NULL, **tmp;
	size_t n = 0, cap = 0;
	struct dirent *de;
	long hz;
	DIR *dir;
	int fd, err;

	if (!c || !seed || !seed->proc_root)
		return -EINVAL;
	fd = open(seed->proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	hz = sysconf(_SC_CLK_TCK);
	st.hz = hz > 0 ? (uint64_t)hz : 100;
	err = find_cgroup2(fd, &st);
	if (err)
		goto out;

	/*
	 * Collect everything before inserting: parents are linked from this list, which stays
	 * valid even when the cache is smaller than the process table and evicts as it fills.
	 */
	for (;;) {
		struct tetra_process *p;
		uint32_t pid;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			err = -errno;
			break;
		}
		if (!parse_pid(de->d_name, &pid))
			continue;
		err = read_process(&st, fd, de->d_name, pid, &p);
		if (err == -ENOMEM)
			break;
		if (err)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;

			tmp = NULL;
			if (ncap <= SIZE_MAX / sizeof(*all))
				tmp = realloc(all, ncap * sizeof(*all));
			if (!tmp) {
				tetra__process_free(p);
				err = -ENOMEM;
				break;
			}
			all = tmp;
			cap = ncap;
		}
		all[n++] = p;
	}
	if (err)
		goto out;

	link_parents(c, all, n);
	for (size_t i = 0; i < n; i++)
		tetra__process_cache_insert(c, all[i]);
	err = n > INT_MAX ? INT_MAX : (int)n;
	n = 0;	/* the cache owns them now */
out:
	for (size_t i = 0; i < n; i++)
		tetra__process_free(all[i]);
	free(all);
	free(st.cg2_root);
	if (st.cg2_fd >= 0)
		close(st.cg2_fd);
	closedir(dir);
	return err;
}
