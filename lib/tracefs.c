// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Finding tracefs (and other pseudo file systems) without touching the caller's mounts. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracefs.h"

/*
 * The child only makes syscalls, so it needs neither the embedder's atfork handlers, which
 * may take locks or do real work, nor glibc's re-initialisation: _Fork() skips both.
 */
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
#define fork_bare() _Fork()
#else
#define fork_bare() fork()
#endif

/* mountinfo escapes space, tab, newline and backslash as \ooo; undo that. */
static int unescape(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	while (*s) {
		char c = *s++;

		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= len)
			return -ENAMETOOLONG;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * One line of /proc/self/mountinfo is
 *   id parent major:minor root mount-point options [optional...] - fstype source super-options
 * and no field contains a raw space, so splitting on spaces is exact.
 */
static int match_line(char *line, const char *fstype, char *buf, size_t len)
{
	char *p = line, *mnt = NULL, *sep, *type;
	size_t tlen;
	int i;

	for (i = 0; i < 5; i++) {
		mnt = strsep(&p, " ");
		if (!mnt || !p)
			return -ENOENT;
	}
	sep = strstr(p, " - ");
	if (!sep)
		return -ENOENT;
	type = sep + 3;
	tlen = strcspn(type, " \n");
	if (tlen != strlen(fstype) || strncmp(type, fstype, tlen))
		return -ENOENT;
	return unescape(mnt, buf, len);
}

int tetra__find_mount(const char *fstype, char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	if (!fstype || !*fstype || !buf || !len)
		return -EINVAL;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (err == -ENOENT && getline(&line, &cap, f) > 0)
		err = match_line(line, fstype, buf, len);
	if (err == -ENOENT && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err;
}

/* Async-signal-safe: also runs in the forked child. */
static int read_id(const char *path)
{
	char b[32];
	ssize_t n;
	int fd, i;
	int64_t id = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, b, sizeof(b) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	for (i = 0; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
		id = id * 10 + (b[i] - '0');
		if (id > INT32_MAX)
			return -ERANGE;
	}
	if (i == 0 || (i < n && b[i] != '\n'))
		return -EINVAL;
	return (int)id;
}

/* Async-signal-safe: the caller may have other threads, so the child only makes syscalls. */
static int child_read_id(const char *target, const char *path)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	/*
	 * Without this, a shared "/" (systemd's default) would propagate our tracefs mount
	 * back into the caller's namespace. The kernel ignores source and type here; they
	 * are strings only to keep valgrind quiet.
	 */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (mount("tracefs", target, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return read_id(path);
}

static int id_in_private_ns(const char *category, const char *name)
{
	/* The usual mount point when it exists; any directory will do in a private namespace. */
	static const char *const targets[] = { "/sys/kernel/tracing", "/tmp" };
	const char *target = NULL;
	char path[512];
	struct stat st;
	int32_t res = -EIO;
	int p[2], n;
	size_t i;
	ssize_t r;
	pid_t pid;

	for (i = 0; i < sizeof(targets) / sizeof(targets[0]) && !target; i++)
		if (!stat(targets[i], &st) && S_ISDIR(st.st_mode))
			target = targets[i];
	if (!target)
		return -ENOENT;
	/* snprintf is not async-signal-safe: build the path before forking. */
	n = snprintf(path, sizeof(path), "%s/events/%s/%s/id", target, category, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork_bare();
	if (pid < 0) {
		res = -errno;
		close(p[0]);
		close(p[1]);
		return res;
	}
	if (pid == 0) {
		close(p[0]);
		res = child_read_id(target, path);
		if (write(p[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	do
		r = read(p[0], &res, sizeof(res));
	while (r < 0 && errno == EINTR);
	close(p[0]);
	/* ECHILD is fine: an embedder's SIGCHLD handler may have reaped the child already. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r != sizeof(res))
		return -EIO;
	return res;
}

static int valid_component(const char *s)
{
	return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 256;
}

int tetra__tracefs_event_id(const char *category, const char *name)
{
	char mnt[512], path[1024];
	int err, n;

	if (!valid_component(category) || !valid_component(name))
		return -EINVAL;
	/* mountinfo, not a stat of /sys/kernel/debug/tracing, which would automount tracefs. */
	err = tetra__find_mount("tracefs", mnt, sizeof(mnt));
	if (err == -ENOENT)
		return id_in_private_ns(category, name);
	if (err)
		return err;
	n = snprintf(path, sizeof(path), "%s/events/%s/%s/id", mnt, category, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return read_id(path);
}

/* Read up to @len - 1 bytes of @path into @buf, NUL-terminated. Async-signal-safe. */
static ssize_t read_file(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

int tetra__tracefs_read_event_file(const char *category, const char *name, const char *file,
				   char *buf, size_t len)
{
	static const char *const targets[] = { "/sys/kernel/tracing", "/tmp" };
	const char *target = NULL;
	char mnt[512], path[1024];
	struct stat st;
	int32_t res;
	int p[2], n, err;
	size_t i, got = 0;
	pid_t pid;

	if (!valid_component(category) || !valid_component(name) || !valid_component(file) ||
	    !buf || len < 2)
		return -EINVAL;
	err = tetra__find_mount("tracefs", mnt, sizeof(mnt));
	if (!err) {
		n = snprintf(path, sizeof(path), "%s/events/%s/%s/%s", mnt, category, name, file);
		if (n < 0 || (size_t)n >= sizeof(path))
			return -ENAMETOOLONG;
		return (int)read_file(path, buf, len);
	}
	if (err != -ENOENT)
		return err;
	/* not mounted here: read it in a private mount namespace, as the ids are read */
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]) && !target; i++)
		if (!stat(targets[i], &st) && S_ISDIR(st.st_mode))
			target = targets[i];
	if (!target)
		return -ENOENT;
	n = snprintf(path, sizeof(path), "%s/events/%s/%s/%s", target, category, name, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork_bare();
	if (pid < 0) {
		res = -errno;
		close(p[0]);
		close(p[1]);
		return res;
	}
	if (pid == 0) {
		ssize_t r = -EIO;

		close(p[0]);
		if (unshare(CLONE_NEWNS))
			r = -errno;
		else if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
			r = -errno;
		else if (mount("tracefs", target, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			       NULL))
			r = -errno;
		else
			r = read_file(path, buf, len);
		res = (int32_t)r;
		if (write(p[1], &res, sizeof(res)) != sizeof(res))
			_exit(1);
		for (size_t off = 0; r > 0 && off < (size_t)r;) {
			ssize_t w = write(p[1], buf + off, (size_t)r - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	res = -EIO;
	{
		ssize_t r;

		do
			r = read(p[0], &res, sizeof(res));
		while (r < 0 && errno == EINTR);
		if (r != sizeof(res))
			res = -EIO;
	}
	while (res > 0 && got < (size_t)res && got + 1 < len) {
		ssize_t r = read(p[0], buf + got, len - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (res < 0)
		return res;
	if (got != (size_t)res)
		return -EIO;
	buf[got] = '\0';
	return (int)got;
}
