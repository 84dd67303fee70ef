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
/* Reads PATH whole through one descriptor, checked as above after it was
 * opened: what is read is what was checked, whatever happens to the path
 * meanwhile. Only a regular file of at most MAX bytes is read (a FIFO or a
 * device could block or never end). Returns 0 with a malloc'd copy in *DATA
 * (a NUL byte past its end) and its size in *LEN, or -errno and the reason
 * in err. */
int trust_read(const char *path, size_t max, void **data, size_t *len, char *err, size_t errlen);

#endif
