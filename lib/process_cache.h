/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Internal: the bounded process cache, keyed by thread-group id, least recently used
 * evicted first; processes that have exited go to the eviction end at once.
 */
#ifndef TETRA_LIB_PROCESS_CACHE_H
#define TETRA_LIB_PROCESS_CACHE_H

#include <stdint.h>

#include "process.h"

struct tetra__process_cache;

/* @capacity > 0. Returns 0 or -ENOMEM. */
int tetra__process_cache_new(struct tetra__process_cache **ret, uint32_t capacity);
void tetra__process_cache_free(struct tetra__process_cache *c);

/* The entry for @pid, made most recently used; NULL when absent. */
struct tetra_process *tetra__process_cache_lookup(struct tetra__process_cache *c, uint32_t pid);

/*
 * Take ownership of @p and make it the entry for p->pid (freeing an older one with the
 * same pid), evicting the least recently used entry when full. Never fails.
 */
void tetra__process_cache_insert(struct tetra__process_cache *c, struct tetra_process *p);

/* Flag @pid exited and move it to the eviction end; it stays until space is needed. */
void tetra__process_cache_mark_exited(struct tetra__process_cache *c, uint32_t pid);

/* Remove and free the entry for @pid, if any. */
void tetra__process_cache_remove(struct tetra__process_cache *c, uint32_t pid);

/* Call @fn for every entry, most recently used first; @fn must not change the cache. */
void tetra__process_cache_foreach(struct tetra__process_cache *c,
				  void (*fn)(struct tetra_process *p, void *arg), void *arg);

uint32_t tetra__process_cache_count(const struct tetra__process_cache *c);
uint64_t tetra__process_cache_evictions(const struct tetra__process_cache *c);

/*
 * Parameters that turn /proc facts into cache entries the way the sensor would.
 */
struct tetra__proc_seed {
	const char *proc_root;		/* "/proc" normally; tests point it elsewhere */
	const char *node_name;		/* for exec_ids */
	uint64_t realtime_offset_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
};

/*
 * Insert every process found under seed->proc_root (binary from exe, arguments from
 * cmdline, cwd, status credentials and capabilities, ns inodes, cgroup, start time from
 * stat), flagged TETRA_PROCESS_PROCFS, and link parent_exec_ids once all are in. Processes
 * that vanish while being read are skipped. Returns the number inserted or -errno when
 * proc_root cannot be read.
 */
int tetra__process_cache_seed(struct tetra__process_cache *c, const struct tetra__proc_seed *seed);

#endif /* TETRA_LIB_PROCESS_CACHE_H */
