/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: the process record behind struct tetra_process. */
#ifndef TETRA_LIB_PROCESS_H
#define TETRA_LIB_PROCESS_H

#include <stdint.h>
#include <stddef.h>

#include <tetra/event.h>

/* base64 of "<node>:<20 digits>:<10 digits>" with a 255-byte node name fits. */
#define TETRA_EXEC_ID_MAX 400
#define TETRA_CONTAINER_ID_MAX 65

struct tetra_process {
	uint32_t pid;		/* thread-group id */
	uint32_t tid;		/* the thread that exec'd/forked */
	uint32_t ppid;		/* parent's thread-group id, 0 when unknown */
	uint32_t flags;		/* TETRA_PROCESS_* */
	uint32_t cred[TETRA_CRED_COUNT];
	uint32_t ns[TETRA_NS_COUNT];
	uint64_t caps[3];	/* TETRA_CAPS_* */
	uint64_t ktime;		/* CLOCK_BOOTTIME ns of the exec/fork; part of exec_id */
	uint64_t start_time;	/* wall-clock ns since the epoch */
	uint64_t cgroup_id;

	char *binary;		/* owned, never NULL once inserted ("" if unknown) */
	char *cwd;		/* owned, never NULL */
	char *args;		/* owned: argv[0]\0argv[1]\0...; may be NULL when argc == 0 */
	size_t args_len;	/* bytes in args, including the last NUL */
	uint32_t argc;
	char *arguments;	/* owned, built lazily: argv[1..] joined by spaces */

	char exec_id[TETRA_EXEC_ID_MAX];
	char parent_exec_id[TETRA_EXEC_ID_MAX];
	char container_id[TETRA_CONTAINER_ID_MAX];

	/* process cache bookkeeping (lib/process_cache.c) */
	struct tetra_process *hash_next;
	struct tetra_process *lru_prev, *lru_next;
};

/* Allocate a zeroed record with binary and cwd set to "". NULL on ENOMEM. */
struct tetra_process *tetra__process_new(void);
/* Free a record that is not in a cache. NULL-safe. */
void tetra__process_free(struct tetra_process *p);
/* Deep copy of the data fields (not the cache links). NULL on ENOMEM. */
struct tetra_process *tetra__process_dup(const struct tetra_process *p);
/* Replace p->binary / p->cwd with a copy of @s (@len bytes). 0 or -ENOMEM. */
int tetra__process_set_binary(struct tetra_process *p, const char *s, size_t len);
int tetra__process_set_cwd(struct tetra_process *p, const char *s, size_t len);
/* Copy NUL-separated argv bytes (a missing final NUL is added). 0 or -ENOMEM. */
int tetra__process_set_args(struct tetra_process *p, const char *args, size_t len);

/*
 * argv[1..] joined by spaces; an argument that is empty or holds a space, tab, newline,
 * quote or backslash is written in double quotes with \" and \\ escapes, so the list can be
 * split back. Built once and cached in the record; "" on ENOMEM.
 */
const char *tetra__process_arguments(struct tetra_process *p);

/* Standard base64 of @n bytes into @dst (NUL-terminated); returns the characters written. */
size_t tetra__base64(char *dst, size_t len, const void *src, size_t n);

/* Form Tetragon's exec_id: base64("<node>:<ktime>:<pid>") into @buf. */
void tetra__exec_id(char *buf, size_t len, const char *node, uint64_t ktime, uint32_t pid);

/*
 * Find a container id (64 hex digits) in a cgroup path or leaf name, as docker,
 * containerd, cri-o and podman name their cgroups. Writes "" when there is none.
 */
void tetra__container_id_from_cgroup(char out[TETRA_CONTAINER_ID_MAX], const char *cgroup);

#endif /* TETRA_LIB_PROCESS_H */
