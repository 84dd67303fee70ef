/* Small string tests shared by the files that name things on disk. */
#ifndef BPFVIEWS_TEXT_H
#define BPFVIEWS_TEXT_H

#include <stdbool.h>
#include <string.h>

/* NAME ends in SUFFIX and has something before it. */
static inline bool has_suffix(const char *name, const char *suffix)
{
	size_t len = strlen(name), sfx = strlen(suffix);

	return len > sfx && !strcmp(name + len - sfx, suffix);
}

#endif
