// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The bounded writer behind the encoders: snprintf semantics over a sequence of appends. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "encode.h"

/*
 * Shared by encode_json.c and encode_compact.c. They belong in encode.h, which is not this
 * file's to change; until they move there each user repeats these two declarations.
 */
const char *tetra__signal_name(uint32_t sig);
void tetra__out_text(struct tetra__out *o, const char *s);

void tetra__out_init(struct tetra__out *o, char *buf, size_t len)
{
	/* a NULL buffer can hold nothing, whatever the caller claims */
	o->buf = buf;
	o->len = buf ? len : 0;
	o->pos = 0;
	if (o->len)
		o->buf[0] = '\0';
}

/*
 * Counting never wraps: SIZE_MAX is sticky and reads as "too long" in tetra__out_finish(),
 * so a huge text cannot alias a small one.
 */
static void advance(struct tetra__out *o, size_t n)
{
	o->pos = n > SIZE_MAX - o->pos ? SIZE_MAX : o->pos + n;
}

void tetra__out_bytes(struct tetra__out *o, const char *s, size_t n)
{
	/* the last byte of buf is kept for the NUL, as snprintf does */
	if (n && o->len && o->pos < o->len - 1) {
		size_t room = o->len - 1 - o->pos;

		memcpy(o->buf + o->pos, s, n < room ? n : room);
	}
	advance(o, n);
}

void tetra__out_str(struct tetra__out *o, const char *s)
{
	if (s)
		tetra__out_bytes(o, s, strlen(s));
}

void tetra__out_fmt(struct tetra__out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (o->len && o->pos < o->len - 1)
		/* writes its own NUL inside buf; finish() puts the final one where it belongs */
		n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		/* cannot say how long the text is: make finish() report an error, not a lie */
		o->pos = SIZE_MAX;
		return;
	}
	advance(o, (size_t)n);
}

static void out_char(struct tetra__out *o, char c)
{
	tetra__out_bytes(o, &c, 1);
}

/*
 * Length of the well-formed UTF-8 sequence at @s (Unicode 15, table 3-7), or 0 when the
 * byte at @s does not start one: stray continuation bytes, C0/C1 overlong leads,
 * surrogates (ED A0..BF), code points past U+10FFFF and truncated sequences. The string
 * is NUL-terminated and NUL is never a continuation byte, so no read goes past the end.
 */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

#define REPLACEMENT_CHAR "\xef\xbf\xbd"	/* U+FFFD */

void tetra__out_json_str(struct tetra__out *o, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	const unsigned char *run = s;	/* bytes that pass through unchanged */

	out_char(o, '"');
	while (*s) {
		const char *esc = NULL;
		char u[7];
		size_t n = 1;

		if (*s >= 0x20 && *s != '"' && *s != '\\') {
			n = utf8_seq_len(s);
			if (n) {
				s += n;
				continue;
			}
			esc = REPLACEMENT_CHAR;
		} else if (*s == '"') {
			esc = "\\\"";
		} else if (*s == '\\') {
			esc = "\\\\";
		} else if (*s == '\n') {
			esc = "\\n";
		} else if (*s == '\r') {
			esc = "\\r";
		} else if (*s == '\t') {
			esc = "\\t";
		} else if (*s == '\b') {
			esc = "\\b";
		} else if (*s == '\f') {
			esc = "\\f";
		} else {
			memcpy(u, "\\u00", 4);
			u[4] = hex[*s >> 4];
			u[5] = hex[*s & 15];
			u[6] = '\0';
			esc = u;
		}
		/* one byte replaced: flush what came before it, then the replacement */
		tetra__out_bytes(o, (const char *)run, (size_t)(s - run));
		tetra__out_str(o, esc);
		s++;
		run = s;
	}
	tetra__out_bytes(o, (const char *)run, (size_t)(s - run));
	out_char(o, '"');
}

/*
 * Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days),
 * so no libc time zone machinery is involved and every uint64 input has an answer.
 */
static void civil_from_days(uint64_t days, uint64_t *y, unsigned int *m, unsigned int *d)
{
	uint64_t z = days + 719468;	/* shift the epoch to 0000-03-01 */
	uint64_t era = z / 146097;
	uint64_t doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Bare text without quotes, so the compact form can print it too; JSON adds the quotes. */
void tetra__out_time(struct tetra__out *o, uint64_t ns)
{
	uint64_t secs = ns / 1000000000u, year;
	uint32_t frac = (uint32_t)(ns % 1000000000u);
	uint32_t sod = (uint32_t)(secs % 86400);
	unsigned int mon, day;

	civil_from_days(secs / 86400, &year, &mon, &day);
	tetra__out_fmt(o, "%04llu-%02u-%02uT%02u:%02u:%02u", (unsigned long long)year, mon, day,
		       sod / 3600, sod / 60 % 60, sod % 60);
	/* protobuf's JSON Timestamp: no fraction, or the fewest of 3, 6, 9 digits that is exact */
	if (frac % 1000000 == 0) {
		if (frac)
			tetra__out_fmt(o, ".%03u", frac / 1000000);
	} else if (frac % 1000 == 0) {
		tetra__out_fmt(o, ".%06u", frac / 1000);
	} else {
		tetra__out_fmt(o, ".%09u", frac);
	}
	out_char(o, 'Z');
}

int tetra__out_finish(struct tetra__out *o)
{
	if (o->len)
		o->buf[o->pos < o->len - 1 ? o->pos : o->len - 1] = '\0';
	if (o->pos > INT_MAX)
		return -EOVERFLOW;
	return (int)o->pos;
}

/*
 * Text for a terminal: one line, no escape sequences. Control characters (C0, DEL and the
 * C1 range U+0080..U+009F, which some terminals obey even UTF-8 encoded) are written as
 * C-style escapes and every byte of invalid UTF-8 as U+FFFD, so an argument cannot forge a
 * second event line or drive the terminal.
 */
void tetra__out_text(struct tetra__out *o, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	const unsigned char *run = s;

	while (*s) {
		size_t n = utf8_seq_len(s);

		if (n == 1 && *s >= 0x20 && *s != 0x7f) {
			s++;
			continue;
		}
		if (n == 2 && !(s[0] == 0xc2 && s[1] < 0xa0)) {
			s += 2;
			continue;
		}
		if (n > 2) {
			s += n;
			continue;
		}
		tetra__out_bytes(o, (const char *)run, (size_t)(s - run));
		if (!n) {
			tetra__out_str(o, REPLACEMENT_CHAR);
		} else if (n == 2) {
			tetra__out_fmt(o, "\\u%04x", s[1]);
		} else if (*s == '\n') {
			tetra__out_str(o, "\\n");
		} else if (*s == '\r') {
			tetra__out_str(o, "\\r");
		} else if (*s == '\t') {
			tetra__out_str(o, "\\t");
		} else {
			tetra__out_fmt(o, "\\x%02x", *s);
		}
		s += n ? n : 1;
		run = s;
	}
	tetra__out_bytes(o, (const char *)run, (size_t)(s - run));
}

/*
 * Names as Go's unix.SignalName gives them to Tetragon, indexed by this architecture's
 * numbers (the kernel reports those). Aliases (SIGIOT, SIGPOLL, SIGCLD) are left out so
 * each number has Go's one name.
 */
static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP",	[SIGINT] = "SIGINT",	[SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	[SIGTRAP] = "SIGTRAP",	[SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	[SIGFPE] = "SIGFPE",	[SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	[SIGSEGV] = "SIGSEGV",	[SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	[SIGALRM] = "SIGALRM",	[SIGTERM] = "SIGTERM",
#ifdef SIGSTKFLT
	[SIGSTKFLT] = "SIGSTKFLT",
#endif
	[SIGCHLD] = "SIGCHLD",	[SIGCONT] = "SIGCONT",	[SIGSTOP] = "SIGSTOP",
	[SIGTSTP] = "SIGTSTP",	[SIGTTIN] = "SIGTTIN",	[SIGTTOU] = "SIGTTOU",
	[SIGURG] = "SIGURG",	[SIGXCPU] = "SIGXCPU",	[SIGXFSZ] = "SIGXFSZ",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
	[SIGIO] = "SIGIO",
#ifdef SIGPWR
	[SIGPWR] = "SIGPWR",
#endif
	[SIGSYS] = "SIGSYS",
};

/* NULL for 0 and for numbers without a name (real-time signals); callers print the number. */
const char *tetra__signal_name(uint32_t sig)
{
	if (sig >= sizeof(signal_names) / sizeof(signal_names[0]))
		return NULL;
	return signal_names[sig];
}
