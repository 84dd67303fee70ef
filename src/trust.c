#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "trust.h"

int trust_check(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	return trust_check_stat(&st, path, err, errlen);
}

int trust_check_stat(const struct stat *st, const char *path, char *err, size_t errlen)
{
	if (st->st_uid != 0) {
		snprintf(err, errlen, "%s: owned by uid %u, not root; refusing it (chown root)",
			 path, st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: writable by group or others (mode %04o); refusing it (chmod go-w)",
			 path, st->st_mode & 07777);
		return -EPERM;
	}
	return 0;
}
