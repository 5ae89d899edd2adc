// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <tetra/tetra.h>

Test(errors, version_is_semver_of_the_header)
{
	cr_expect_str_eq(tetra_version(), "0.1.0");
}

Test(errors, library_codes_and_errnos_are_described_both_signs)
{
	cr_expect(strstr(tetra_strerror(-TETRA_E_PRIVILEGE), "CAP_BPF") != NULL);
	cr_expect_str_eq(tetra_strerror(TETRA_E_PRIVILEGE), tetra_strerror(-TETRA_E_PRIVILEGE));
	cr_expect(strstr(tetra_strerror(-TETRA_E_OPTS), "unknown") != NULL);
	cr_expect_str_eq(tetra_strerror(-EINVAL), "Invalid argument");
	cr_expect_str_eq(tetra_strerror(EPERM), "Operation not permitted");
	cr_expect_str_eq(tetra_strerror(0), "success");
	for (int e = TETRA_ERR_BASE + 1; e < TETRA_ERR_MAX; e++)
		cr_expect(strcmp(tetra_strerror(-e), "unknown error"), "code %d undescribed", e);
}

Test(errors, unknown_values_do_not_crash)
{
	cr_expect_str_eq(tetra_strerror(TETRA_ERR_BASE), "unknown error");
	cr_expect_str_eq(tetra_strerror(TETRA_ERR_MAX), "unknown error");
	cr_expect_str_eq(tetra_strerror(999999), "unknown error");
	cr_expect_str_eq(tetra_strerror(-2147483647), "unknown error");
	cr_expect_not_null(tetra_strerror((int)0x80000000));
}
