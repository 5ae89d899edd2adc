// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Sized options and the context calls that need no privileges. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <tetra/tetra.h>

Test(opts, null_opts_give_defaults)
{
	struct tetra_ctx *ctx = NULL;

	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	cr_assert_not_null(ctx);
	cr_expect_geq(tetra_ctx_get_fd(ctx), 0);
	cr_expect_str_eq(tetra_ctx_last_error(ctx), "");
	tetra_ctx_free(ctx);
	tetra_ctx_free(NULL);
}

Test(opts, null_out_pointer_is_einval)
{
	cr_expect_eq(tetra_ctx_new(NULL, NULL), -EINVAL);
}

/* A caller built against a newer header: known fields, then more we do not know. */
struct newer_opts {
	struct tetra_ctx_opts known;
	uint64_t future_field;
};

Test(opts, larger_struct_with_zero_tail_is_accepted)
{
	struct newer_opts o;
	struct tetra_ctx *ctx = NULL;

	memset(&o, 0, sizeof(o));
	o.known.sz = sizeof(o);
	cr_expect_eq(tetra_ctx_new(&ctx, &o.known), 0);
	tetra_ctx_free(ctx);
}

Test(opts, larger_struct_with_nonzero_tail_is_rejected)
{
	struct newer_opts o;
	struct tetra_ctx *ctx = (void *)1;

	memset(&o, 0, sizeof(o));
	o.known.sz = sizeof(o);
	o.future_field = 1;
	cr_expect_eq(tetra_ctx_new(&ctx, &o.known), -TETRA_E_OPTS);
	cr_expect_null(ctx, "*ret is cleared on failure");
}

Test(opts, older_smaller_struct_reads_missing_fields_as_zero)
{
	struct tetra_ctx_opts o;
	struct tetra_ctx *ctx = NULL;

	memset(&o, 0xff, sizeof(o));	/* garbage past the caller's sz must not be read */
	o.sz = offsetof(struct tetra_ctx_opts, process_cache_size);
	o.ring_buffer_bytes = 1 << 16;
	cr_expect_eq(tetra_ctx_new(&ctx, &o), 0);
	tetra_ctx_free(ctx);
}

Test(opts, too_small_sz_is_einval)
{
	struct tetra_ctx_opts o = { .sz = 1 };
	struct tetra_ctx *ctx = NULL;

	cr_expect_eq(tetra_ctx_new(&ctx, &o), -EINVAL);
}

Test(opts, ring_buffer_must_be_a_power_of_two_of_pages)
{
	struct tetra_ctx_opts o;
	struct tetra_ctx *ctx = NULL;

	tetra_ctx_opts_init(&o, sizeof(o));
	o.ring_buffer_bytes = 3 << 20;
	cr_expect_eq(tetra_ctx_new(&ctx, &o), -EINVAL);
	o.ring_buffer_bytes = 1024;
	cr_expect_eq(tetra_ctx_new(&ctx, &o), -EINVAL);
	o.ring_buffer_bytes = 1 << 20;
	cr_expect_eq(tetra_ctx_new(&ctx, &o), 0);
	tetra_ctx_free(ctx);
}

Test(opts, unknown_flags_are_rejected)
{
	struct tetra_ctx_opts o;
	struct tetra_ctx *ctx = NULL;

	tetra_ctx_opts_init(&o, sizeof(o));
	o.flags = 1u << 31;
	cr_expect_eq(tetra_ctx_new(&ctx, &o), -EINVAL);
}

Test(opts, sensor_opts_with_unknown_tail_and_unknown_sensor)
{
	struct {
		struct tetra_sensor_opts known;
		uint32_t future;
	} so;
	struct tetra_ctx *ctx = NULL;

	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	memset(&so, 0, sizeof(so));
	so.known.sz = sizeof(so);
	so.future = 7;
	cr_expect_eq(tetra_sensor_enable(ctx, TETRA_SENSOR_PROCESS, &so.known), -TETRA_E_OPTS);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "unknown non-zero") != NULL, "%s",
		  tetra_ctx_last_error(ctx));
	cr_expect_eq(tetra_sensor_enable(ctx, 9999, NULL), -EINVAL);
	cr_expect(strstr(tetra_ctx_last_error(ctx), "no such sensor") != NULL);
	cr_expect_eq(tetra_sensor_disable(ctx, TETRA_SENSOR_PROCESS), -ENOENT);
	tetra_ctx_free(ctx);
}

static int destroyed;

static void destroy(void *ud)
{
	destroyed += *(int *)ud;
}

Test(opts, destroy_notifier_runs_on_replace_and_free)
{
	struct tetra_ctx *ctx = NULL;
	int one = 1, ten = 10;

	destroyed = 0;
	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	cr_expect_eq(tetra_ctx_set_event_fn(ctx, NULL, &one, destroy), 0);
	cr_expect_eq(tetra_ctx_set_event_fn(ctx, NULL, &ten, destroy), 0);
	cr_expect_eq(destroyed, 1, "replacing calls the old notifier");
	tetra_ctx_free(ctx);
	cr_expect_eq(destroyed, 11, "freeing calls the current one");
}

Test(opts, stats_copy_respects_caller_size)
{
	struct tetra_ctx *ctx = NULL;
	struct {
		struct tetra_stats s;
		uint64_t future;
	} big;
	struct tetra_stats small;

	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	memset(&big, 0xaa, sizeof(big));
	big.s.sz = sizeof(big);
	cr_expect_eq(tetra_ctx_get_stats(ctx, &big.s), 0);
	cr_expect_eq(big.future, 0, "bytes past our struct are zeroed");
	cr_expect_eq(big.s.events_delivered, 0);
	memset(&small, 0xaa, sizeof(small));
	small.sz = offsetof(struct tetra_stats, lost_total);
	cr_expect_eq(tetra_ctx_get_stats(ctx, &small), 0);
	cr_expect_eq(small.events_received, 0);
	cr_expect_eq(small.lost_total, 0xaaaaaaaaaaaaaaaaull, "nothing written past sz");
	cr_expect_eq(tetra_ctx_get_stats(ctx, NULL), -EINVAL);
	tetra_ctx_free(ctx);
}

Test(opts, poll_without_sensors_times_out_and_wakeup_wakes)
{
	struct tetra_ctx *ctx = NULL;

	cr_assert_eq(tetra_ctx_new(&ctx, NULL), 0);
	cr_expect_eq(tetra_ctx_poll(ctx, 10), 0);
	cr_expect_eq(tetra_ctx_wakeup(ctx), 0);
	cr_expect_eq(tetra_ctx_poll(ctx, 10000), 0, "a wakeup makes poll return at once");
	cr_expect_eq(tetra_ctx_dispatch(ctx), 0);
	tetra_ctx_free(ctx);
}
