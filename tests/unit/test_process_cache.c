// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The bounded process cache: lookup, replacement, LRU and exited-first eviction. */
#include <errno.h>
#include <stdio.h>

#include <criterion/criterion.h>

#include "process_cache.h"

static struct tetra_process *proc(uint32_t pid, const char *binary)
{
	struct tetra_process *p = tetra__process_new();

	cr_assert_not_null(p);
	p->pid = p->tid = pid;
	if (binary)
		cr_assert_eq(tetra__process_set_binary(p, binary, strlen(binary)), 0);
	return p;
}

static struct tetra__process_cache *cache(uint32_t capacity)
{
	struct tetra__process_cache *c = NULL;

	cr_assert_eq(tetra__process_cache_new(&c, capacity), 0);
	cr_assert_not_null(c);
	return c;
}

Test(process_cache, new_rejects_zero_capacity)
{
	struct tetra__process_cache *c = (void *)1;

	cr_assert_eq(tetra__process_cache_new(&c, 0), -EINVAL);
	cr_assert_null(c);
	cr_assert_eq(tetra__process_cache_new(NULL, 4), -EINVAL);
}

Test(process_cache, null_safe)
{
	tetra__process_cache_free(NULL);
	cr_assert_null(tetra__process_cache_lookup(NULL, 1));
	tetra__process_cache_remove(NULL, 1);
	tetra__process_cache_mark_exited(NULL, 1);
	tetra__process_cache_insert(NULL, NULL);
	cr_assert_eq(tetra__process_cache_count(NULL), 0);
	cr_assert_eq(tetra__process_cache_evictions(NULL), 0);
}

Test(process_cache, insert_lookup_remove)
{
	struct tetra__process_cache *c = cache(8);
	struct tetra_process *p = proc(42, "/bin/true");

	cr_assert_null(tetra__process_cache_lookup(c, 42));
	tetra__process_cache_insert(c, p);
	cr_assert_eq(tetra__process_cache_count(c), 1);
	cr_assert_eq(tetra__process_cache_lookup(c, 42), p);
	cr_assert_str_eq(tetra__process_cache_lookup(c, 42)->binary, "/bin/true");
	cr_assert_null(tetra__process_cache_lookup(c, 43));
	cr_assert_null(tetra__process_cache_lookup(c, 0));

	/* removing what is not there changes nothing */
	tetra__process_cache_remove(c, 43);
	tetra__process_cache_mark_exited(c, 43);
	cr_assert_eq(tetra__process_cache_count(c), 1);

	tetra__process_cache_remove(c, 42);
	cr_assert_eq(tetra__process_cache_count(c), 0);
	cr_assert_null(tetra__process_cache_lookup(c, 42));
	tetra__process_cache_remove(c, 42);
	cr_assert_eq(tetra__process_cache_count(c), 0);
	cr_assert_eq(tetra__process_cache_evictions(c), 0);
	tetra__process_cache_free(c);
}

Test(process_cache, same_pid_replaces)
{
	struct tetra__process_cache *c = cache(2);

	tetra__process_cache_insert(c, proc(7, "/old"));
	tetra__process_cache_insert(c, proc(8, "/other"));
	/* the old record is freed (valgrind sees a leak otherwise), not evicted */
	tetra__process_cache_insert(c, proc(7, "/new"));
	cr_assert_eq(tetra__process_cache_count(c), 2);
	cr_assert_eq(tetra__process_cache_evictions(c), 0);
	cr_assert_str_eq(tetra__process_cache_lookup(c, 7)->binary, "/new");
	cr_assert_str_eq(tetra__process_cache_lookup(c, 8)->binary, "/other");

	/* re-inserting the very record it holds must not free it */
	tetra__process_cache_insert(c, tetra__process_cache_lookup(c, 7));
	cr_assert_eq(tetra__process_cache_count(c), 2);
	cr_assert_str_eq(tetra__process_cache_lookup(c, 7)->binary, "/new");
	tetra__process_cache_free(c);
}

Test(process_cache, evicts_least_recently_used)
{
	struct tetra__process_cache *c = cache(3);

	tetra__process_cache_insert(c, proc(1, NULL));
	tetra__process_cache_insert(c, proc(2, NULL));
	tetra__process_cache_insert(c, proc(3, NULL));
	/* 1 becomes the most recently used, so 2 is now the oldest */
	cr_assert_not_null(tetra__process_cache_lookup(c, 1));
	tetra__process_cache_insert(c, proc(4, NULL));
	cr_assert_eq(tetra__process_cache_count(c), 3);
	cr_assert_eq(tetra__process_cache_evictions(c), 1);
	cr_assert_null(tetra__process_cache_lookup(c, 2));
	cr_assert_not_null(tetra__process_cache_lookup(c, 3));
	cr_assert_not_null(tetra__process_cache_lookup(c, 1));
	cr_assert_not_null(tetra__process_cache_lookup(c, 4));

	/* order is now 3 (oldest), 1, 4 */
	tetra__process_cache_insert(c, proc(5, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 3));
	tetra__process_cache_insert(c, proc(6, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 1));
	cr_assert_not_null(tetra__process_cache_lookup(c, 4));
	cr_assert_not_null(tetra__process_cache_lookup(c, 5));
	cr_assert_not_null(tetra__process_cache_lookup(c, 6));
	cr_assert_eq(tetra__process_cache_evictions(c), 3);
	tetra__process_cache_free(c);
}

Test(process_cache, exited_evicted_first)
{
	struct tetra__process_cache *c = cache(4);

	for (uint32_t pid = 1; pid <= 4; pid++)
		tetra__process_cache_insert(c, proc(pid, NULL));
	/* 4 is the most recently used, yet it has exited: it goes before live 1, 2, 3 */
	tetra__process_cache_mark_exited(c, 4);
	cr_assert(tetra__process_cache_lookup(c, 4)->flags & TETRA_PROCESS_EXITED);
	cr_assert_not(tetra__process_cache_lookup(c, 1)->flags & TETRA_PROCESS_EXITED);
	/* looking an exited entry up does not bring it back among the live ones */
	cr_assert_not_null(tetra__process_cache_lookup(c, 4));
	tetra__process_cache_insert(c, proc(5, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 4));
	cr_assert_eq(tetra__process_cache_evictions(c), 1);
	for (uint32_t pid = 1; pid <= 3; pid++)
		cr_assert_not_null(tetra__process_cache_lookup(c, pid), "pid %u", pid);
	cr_assert_not_null(tetra__process_cache_lookup(c, 5));
	tetra__process_cache_free(c);
}

Test(process_cache, exited_in_exit_order_then_live)
{
	struct tetra__process_cache *c = cache(5);

	for (uint32_t pid = 1; pid <= 5; pid++)
		tetra__process_cache_insert(c, proc(pid, NULL));
	/* live order, oldest first: 1 2 3 4 5; 3 exits, then 5 */
	tetra__process_cache_mark_exited(c, 3);
	tetra__process_cache_mark_exited(c, 5);
	tetra__process_cache_insert(c, proc(6, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 3), "the first to exit goes first");
	cr_assert_not_null(tetra__process_cache_lookup(c, 5));
	tetra__process_cache_insert(c, proc(7, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 5));
	/* no exited entry left: back to plain LRU, 1 is the oldest live one */
	tetra__process_cache_insert(c, proc(8, NULL));
	cr_assert_null(tetra__process_cache_lookup(c, 1));
	cr_assert_eq(tetra__process_cache_count(c), 5);
	cr_assert_eq(tetra__process_cache_evictions(c), 3);
	for (uint32_t pid = 2; pid <= 8; pid++) {
		if (pid == 3 || pid == 5)
			continue;
		cr_assert_not_null(tetra__process_cache_lookup(c, pid), "pid %u", pid);
	}
	tetra__process_cache_free(c);
}

Test(process_cache, remove_exited_and_replace_exited)
{
	struct tetra__process_cache *c = cache(3);

	tetra__process_cache_insert(c, proc(1, NULL));
	tetra__process_cache_insert(c, proc(2, NULL));
	tetra__process_cache_insert(c, proc(3, NULL));
	tetra__process_cache_mark_exited(c, 2);
	tetra__process_cache_mark_exited(c, 3);
	tetra__process_cache_remove(c, 3);
	/* pid 2 is reused by a new live process: it replaces the exited record */
	tetra__process_cache_insert(c, proc(2, "/reborn"));
	cr_assert_not(tetra__process_cache_lookup(c, 2)->flags & TETRA_PROCESS_EXITED);
	cr_assert_eq(tetra__process_cache_count(c), 2);
	tetra__process_cache_insert(c, proc(4, NULL));
	tetra__process_cache_insert(c, proc(5, NULL));
	/* 1 was the least recently used live entry */
	cr_assert_null(tetra__process_cache_lookup(c, 1));
	cr_assert_str_eq(tetra__process_cache_lookup(c, 2)->binary, "/reborn");
	cr_assert_eq(tetra__process_cache_evictions(c), 1);
	tetra__process_cache_free(c);
}

Test(process_cache, capacity_one)
{
	struct tetra__process_cache *c = cache(1);

	tetra__process_cache_insert(c, proc(10, "/a"));
	cr_assert_str_eq(tetra__process_cache_lookup(c, 10)->binary, "/a");
	tetra__process_cache_insert(c, proc(10, "/b"));
	cr_assert_eq(tetra__process_cache_evictions(c), 0);
	cr_assert_str_eq(tetra__process_cache_lookup(c, 10)->binary, "/b");
	tetra__process_cache_insert(c, proc(11, "/c"));
	cr_assert_eq(tetra__process_cache_count(c), 1);
	cr_assert_eq(tetra__process_cache_evictions(c), 1);
	cr_assert_null(tetra__process_cache_lookup(c, 10));
	tetra__process_cache_mark_exited(c, 11);
	cr_assert(tetra__process_cache_lookup(c, 11)->flags & TETRA_PROCESS_EXITED);
	tetra__process_cache_insert(c, proc(12, "/d"));
	cr_assert_null(tetra__process_cache_lookup(c, 11));
	cr_assert_str_eq(tetra__process_cache_lookup(c, 12)->binary, "/d");
	tetra__process_cache_remove(c, 12);
	cr_assert_eq(tetra__process_cache_count(c), 0);
	tetra__process_cache_insert(c, proc(13, NULL));
	cr_assert_eq(tetra__process_cache_count(c), 1);
	cr_assert_eq(tetra__process_cache_evictions(c), 2);
	tetra__process_cache_free(c);
}

Test(process_cache, many_inserts_stay_bounded)
{
	struct tetra__process_cache *c = cache(1000);
	const uint32_t n = 100000;

	for (uint32_t i = 1; i <= n; i++) {
		tetra__process_cache_insert(c, proc(i, NULL));
		cr_assert_leq(tetra__process_cache_count(c), 1000);
	}
	cr_assert_eq(tetra__process_cache_count(c), 1000);
	cr_assert_eq(tetra__process_cache_evictions(c), n - 1000);
	for (uint32_t i = 1; i <= n; i++) {
		struct tetra_process *p = tetra__process_cache_lookup(c, i);

		if (i > n - 1000) {
			cr_assert_not_null(p, "pid %u should be cached", i);
			cr_assert_eq(p->pid, i);
		} else {
			cr_assert_null(p, "pid %u should be evicted", i);
		}
	}
	tetra__process_cache_free(c);
}

Test(process_cache, colliding_pids)
{
	/* pids a multiple of the bucket count apart share chains in a plain modulo hash */
	struct tetra__process_cache *c = cache(16);

	for (uint32_t i = 0; i < 16; i++)
		tetra__process_cache_insert(c, proc(1 + i * 65536, NULL));
	for (uint32_t i = 0; i < 16; i += 2)
		tetra__process_cache_remove(c, 1 + i * 65536);
	cr_assert_eq(tetra__process_cache_count(c), 8);
	for (uint32_t i = 0; i < 16; i++) {
		struct tetra_process *p = tetra__process_cache_lookup(c, 1 + i * 65536);

		if (i % 2)
			cr_assert_eq(p ? p->pid : 0, 1 + i * 65536);
		else
			cr_assert_null(p);
	}
	tetra__process_cache_insert(c, proc(UINT32_MAX, NULL));
	cr_assert_not_null(tetra__process_cache_lookup(c, UINT32_MAX));
	tetra__process_cache_free(c);
}
