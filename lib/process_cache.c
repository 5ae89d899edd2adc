// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The bounded process cache: a chained hash table on pid plus one LRU list.
 *
 * The list runs from the most recently used entry (head) to the eviction end (tail). Exited
 * processes form a contiguous segment at the tail, itself in LRU order, so every exited
 * entry is evicted before any live one: an exited process is kept only so that events
 * still in flight for it (its exit, its children's) can be enriched, while a live
 * process's record cannot be rebuilt once its exec has been missed.
 *
 * All memory is allocated at creation, so insert never fails. No locking: the context's
 * dispatch loop is the only user, as for the rest of a context.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "process_cache.h"

struct tetra__process_cache {
	struct tetra_process **buckets;
	uint32_t mask;			/* bucket count - 1; the count is a power of two */
	uint32_t capacity;
	uint32_t count;
	uint64_t evictions;
	struct tetra_process *head;	/* most recently used */
	struct tetra_process *tail;	/* evicted next */
	struct tetra_process *exited;	/* first (most recently used) exited entry or NULL */
};

static uint32_t bucket_of(const struct tetra__process_cache *c, uint32_t pid)
{
	/* pids are allocated in sequence; a multiplicative hash keeps strides from clumping */
	uint32_t h = pid * 0x9e3779b9u;

	return (h ^ (h >> 16)) & c->mask;
}

int tetra__process_cache_new(struct tetra__process_cache **ret, uint32_t capacity)
{
	struct tetra__process_cache *c;
	uint64_t n = 1;

	if (!ret)
		return -EINVAL;
	*ret = NULL;
	if (!capacity)
		return -EINVAL;
	while (n < capacity)
		n <<= 1;
	if (n > UINT32_MAX || n > SIZE_MAX / sizeof(*c->buckets))
		return -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->buckets = calloc((size_t)n, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return -ENOMEM;
	}
	c->mask = (uint32_t)(n - 1);
	c->capacity = capacity;
	*ret = c;
	return 0;
}

void tetra__process_cache_free(struct tetra__process_cache *c)
{
	struct tetra_process *p, *next;

	if (!c)
		return;
	for (p = c->head; p; p = next) {
		next = p->lru_next;
		tetra__process_free(p);
	}
	free(c->buckets);
	free(c);
}

static struct tetra_process *hash_find(const struct tetra__process_cache *c, uint32_t pid)
{
	struct tetra_process *p;

	for (p = c->buckets[bucket_of(c, pid)]; p; p = p->hash_next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void hash_add(struct tetra__process_cache *c, struct tetra_process *p)
{
	struct tetra_process **b = &c->buckets[bucket_of(c, p->pid)];

	p->hash_next = *b;
	*b = p;
}

static void hash_del(struct tetra__process_cache *c, struct tetra_process *p)
{
	struct tetra_process **pp;

	for (pp = &c->buckets[bucket_of(c, p->pid)]; *pp; pp = &(*pp)->hash_next) {
		if (*pp == p) {
			*pp = p->hash_next;
			break;
		}
	}
	p->hash_next = NULL;
}

static void lru_unlink(struct tetra__process_cache *c, struct tetra_process *p)
{
	/* the exited segment runs to the tail, so its next entry is exited too (or none) */
	if (c->exited == p)
		c->exited = p->lru_next;
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		c->head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		c->tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_insert_before(struct tetra__process_cache *c, struct tetra_process *p,
			      struct tetra_process *next)
{
	p->lru_next = next;
	p->lru_prev = next ? next->lru_prev : c->tail;
	if (p->lru_prev)
		p->lru_prev->lru_next = p;
	else
		c->head = p;
	if (next)
		next->lru_prev = p;
	else
		c->tail = p;
}

/* Put a linked-out entry at the most recently used end of its segment. */
static void lru_place(struct tetra__process_cache *c, struct tetra_process *p)
{
	if (p->flags & TETRA_PROCESS_EXITED) {
		lru_insert_before(c, p, c->exited);
		c->exited = p;
	} else {
		lru_insert_before(c, p, c->head);
	}
}

static void unlink_entry(struct tetra__process_cache *c, struct tetra_process *p)
{
	hash_del(c, p);
	lru_unlink(c, p);
	c->count--;
}

struct tetra_process *tetra__process_cache_lookup(struct tetra__process_cache *c, uint32_t pid)
{
	struct tetra_process *p;

	if (!c)
		return NULL;
	p = hash_find(c, pid);
	if (p && c->head != p) {
		lru_unlink(c, p);
		lru_place(c, p);
	}
	return p;
}

void tetra__process_cache_insert(struct tetra__process_cache *c, struct tetra_process *p)
{
	struct tetra_process *old;

	if (!c || !p)
		return;
	old = hash_find(c, p->pid);
	if (old == p) {
		/* already ours: inserting again only refreshes it, it must not free it */
		lru_unlink(c, p);
		lru_place(c, p);
		return;
	}
	if (old) {
		unlink_entry(c, old);
		tetra__process_free(old);
	} else if (c->count >= c->capacity) {
		struct tetra_process *victim = c->tail;

		unlink_entry(c, victim);
		tetra__process_free(victim);
		c->evictions++;
	}
	p->hash_next = p->lru_prev = p->lru_next = NULL;
	hash_add(c, p);
	lru_place(c, p);
	c->count++;
}

void tetra__process_cache_mark_exited(struct tetra__process_cache *c, uint32_t pid)
{
	struct tetra_process *p;

	if (!c)
		return;
	p = hash_find(c, pid);
	if (!p)
		return;
	lru_unlink(c, p);
	p->flags |= TETRA_PROCESS_EXITED;
	lru_place(c, p);
}

void tetra__process_cache_remove(struct tetra__process_cache *c, uint32_t pid)
{
	struct tetra_process *p;

	if (!c)
		return;
	p = hash_find(c, pid);
	if (!p)
		return;
	unlink_entry(c, p);
	tetra__process_free(p);
}

uint32_t tetra__process_cache_count(const struct tetra__process_cache *c)
{
	return c ? c->count : 0;
}

uint64_t tetra__process_cache_evictions(const struct tetra__process_cache *c)
{
	return c ? c->evictions : 0;
}

void tetra__process_cache_foreach(struct tetra__process_cache *c,
				  void (*fn)(struct tetra_process *p, void *arg), void *arg)
{
	for (struct tetra_process *p = c->head; p; p = p->lru_next)
		fn(p, arg);
}
