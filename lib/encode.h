/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Internal: a bounded text writer with snprintf semantics, shared by the encoders. */
#ifndef TETRA_LIB_ENCODE_H
#define TETRA_LIB_ENCODE_H

#include <stddef.h>
#include <stdint.h>

struct tetra__out {
	char *buf;
	size_t len;	/* capacity of buf */
	size_t pos;	/* bytes the full text needs so far (may exceed len) */
};

void tetra__out_init(struct tetra__out *o, char *buf, size_t len);
void tetra__out_bytes(struct tetra__out *o, const char *s, size_t n);
void tetra__out_str(struct tetra__out *o, const char *s);
void tetra__out_fmt(struct tetra__out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A JSON string literal with quotes; invalid UTF-8 bytes become U+FFFD. */
void tetra__out_json_str(struct tetra__out *o, const char *s);
/* RFC 3339 UTC with nanoseconds, as Tetragon: "2022-10-18T03:16:18.273546829Z". */
void tetra__out_time(struct tetra__out *o, uint64_t ns_since_epoch);
/* NUL-terminate and return the length the full text needs, or -EOVERFLOW past INT_MAX. */
int tetra__out_finish(struct tetra__out *o);

#endif /* TETRA_LIB_ENCODE_H */
