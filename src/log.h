/* Messages on stderr: lowercase, naming the view and the path. */
#ifndef BPFVIEWS_LOG_H
#define BPFVIEWS_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum log_level { LOG_QUIET = -1, LOG_DEFAULT = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

extern int log_level;
extern bool log_json;

__attribute__((format(printf, 1, 2))) void pr_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_debug(const char *fmt, ...);

#endif
