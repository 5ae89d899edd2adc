/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Internal: finding pseudo file systems (tracefs, cgroup2, securityfs) without mounting
 * anything in the caller's mount namespace.
 */
#ifndef TETRA_LIB_TRACEFS_H
#define TETRA_LIB_TRACEFS_H

#include <stddef.h>

/*
 * Copy into @buf the mount point of the first mount of file system type @fstype
 * ("tracefs", "cgroup2", ...) listed in /proc/self/mountinfo. Returns 0, -ENOENT when
 * there is none, -ENAMETOOLONG when @len is too small, or another negative errno.
 * Thread-safe.
 */
int tetra__find_mount(const char *fstype, char *buf, size_t len);

/*
 * The perf event id of tracepoint @category:@name (e.g. "sched", "sched_process_exec"),
 * read from events/<category>/<name>/id in tracefs. When tracefs is not mounted in our
 * mount namespace, a short-lived child process mounts it in a private namespace of its
 * own and reads the id there (ids are global), so the caller's namespace never changes;
 * that needs CAP_SYS_ADMIN. Returns the id (>= 0) or a negative errno: -EINVAL for a
 * malformed name, -ENOENT for an unknown event. Thread-safe; may fork.
 */
int tetra__tracefs_event_id(const char *category, const char *name);

/*
 * Read file @file ("format", ...) of tracepoint @category:@name from tracefs into @buf
 * (at most @len - 1 bytes, NUL-terminated), mounting tracefs in a child's private mount
 * namespace when it is not mounted, like tetra__tracefs_event_id(). Returns the bytes
 * read or a negative errno (-ENOENT for an unknown event). Thread-safe; may fork.
 */
int tetra__tracefs_read_event_file(const char *category, const char *name, const char *file,
				   char *buf, size_t len);

#endif /* TETRA_LIB_TRACEFS_H */
