#include <stdarg.h>
#include <stdio.h>

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

static void emit(const char *level, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_json) {
		fprintf(stderr, "{\"level\":\"%s\",\"message\":", level);
		json_string(stderr, msg);
		fputs("}\n", stderr);
	} else {
		fputs("bpfviews: ", stderr);
		text_string(stderr, msg);
		fputc('\n', stderr);
	}
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
