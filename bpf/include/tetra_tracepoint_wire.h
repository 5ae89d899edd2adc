/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * `tracepoints:` hooks as the BPF side reads them (bpf/policy_tracepoint.bpf.c). Private
 * to libtetra: lib/policy_tracepoint.c writes these from the policy AST and the event's
 * tracefs format. Selectors are struct tp_selector of tetra_policy_wire.h; the record a
 * match emits is struct tetra_wire_policy with hdr.type TETRA_WIRE_TRACEPOINT.
 */
#ifndef TETRA_TRACEPOINT_WIRE_H
#define TETRA_TRACEPOINT_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* How a field of the tracepoint record is read (tpt_field.kind). */
#define TPT_FIELD_NUM		1	/* integer of size 1/2/4/8 at off, sign-extended if signed */
#define TPT_FIELD_DATA_LOC	2	/* __data_loc: u32 at off, data at (v & 0xffff), len v >> 16 */
#define TPT_FIELD_ARRAY		3	/* char name[size] inline at off (NUL-terminated string) */
#define TPT_FIELD_USER_STR	4	/* a pointer to a user string at off */

/* Bytes of the record the fields may lie in (offsets are masked with this). */
#define TPT_REC_MASK		4095

struct tpt_field {
	__u16 off;
	__u16 size;
	__u8 kind;		/* TPT_FIELD_* */
	__u8 is_signed;
	__u8 is_string;		/* compared and reported as bytes (string/char_buf) */
	__u8 __pad;
};

struct tpt_fields {
	struct tpt_field f[8];	/* TP_SLOTS, indexed like tp_hook.args */
};

#endif /* TETRA_TRACEPOINT_WIRE_H */
