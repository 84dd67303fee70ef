#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "log.h"

int log_level = LOG_DEFAULT;
bool log_json;

/* A message on a terminal is one line of text: control bytes and bytes that
 * are not UTF-8 (file names, values from the manifest) are written \\xNN. */
static void text_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int len;

	while (*s) {
		if (*s >= 0x20 && *s < 0x7f) {
			fputc(*s++, f);
		} else if (*s < 0x80 || !(len = utf8_len(s)) || utf8_is_c1(s)) {
			fprintf(f, "\\x%02x", *s++);
		} else {
			fwrite(s, 1, len, f);
			s += len;
		}
	}
}

static void format_line(FILE *f, const char *level, const char *msg)
{
	if (log_json) {
		fprintf(f, "{\"level\":\"%s\",\"message\":", level);
		json_string(f, msg);
		fputs("}\n", f);
	} else {
		fputs("bpfviews: ", f);
		text_string(f, msg);
		fputc('\n', f);
	}
}

/* One write per message: stderr is unbuffered, and the loader threads
 * report at the same time, so a line built a byte at a time would be many
 * system calls and could interleave with another thread's. */
static void emit(const char *level, const char *fmt, va_list ap)
{
	char msg[4096], *line = NULL;
	size_t len = 0;
	FILE *m;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	m = open_memstream(&line, &len);
	if (!m) {
		format_line(stderr, level, msg);
		return;
	}
	format_line(m, level, msg);
	if (!fclose(m))
		fwrite(line, 1, len, stderr);
	free(line);
}

#define DEFINE_PR(fn, min, tag)					\
	void fn(const char *fmt, ...)				\
	{							\
		va_list ap;					\
								\
		if (log_level < (min))				\
			return;					\
		va_start(ap, fmt);				\
		emit(tag, fmt, ap);				\
		va_end(ap);					\
	}

DEFINE_PR(pr_err, LOG_QUIET, "error")
DEFINE_PR(pr_warn, LOG_DEFAULT, "warning")
DEFINE_PR(pr_info, LOG_INFO, "info")
DEFINE_PR(pr_debug, LOG_DEBUG, "debug")
