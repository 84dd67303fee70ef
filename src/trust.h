/* Files that decide what code runs in the kernel must be root's alone. */
#ifndef BPFVIEWS_TRUST_H
#define BPFVIEWS_TRUST_H

#include <stddef.h>

/* Returns 0 if PATH is owned by root and writable by nobody else, else
 * -EPERM (or -errno from stat) with the reason in err. */
int trust_check(const char *path, char *err, size_t errlen);
/* The same check on what fstat() said of an opened PATH. */
struct stat;
int trust_check_stat(const struct stat *st, const char *path, char *err, size_t errlen);

#endif
