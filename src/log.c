#include <stdarg.h>
#include <stdio.h>

#include "json.h"
#include "log.h"

int log_level = LOG_DEFAULT;
bool log_json;

static void emit(const char *level, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_json) {
		fprintf(stderr, "{\"level\":\"%s\",\"message\":", level);
		json_string(stderr, msg);
		fputs("}\n", stderr);
	} else {
		fprintf(stderr, "bpfviews: %s\n", msg);
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
