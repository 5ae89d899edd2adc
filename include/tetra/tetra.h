/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* libtetra: the one header to include. */
#ifndef TETRA_TETRA_H
#define TETRA_TETRA_H

#include <tetra/common.h>
#include <tetra/features.h>
#include <tetra/event.h>
#include <tetra/context.h>
#include <tetra/policy.h>
#include <tetra/plan.h>

#endif /* TETRA_TETRA_H */
