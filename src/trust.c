#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "a special file";
	}
}

static int read_fd(int fd, const char *path, size_t max, char **data, size_t *len, char *err,
		   size_t errlen)
{
	char *buf = malloc(max + 2);
	size_t got = 0;
	ssize_t n = 0;

	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while (got <= max && ((n = read(fd, buf + got, max + 1 - got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? n : 0;
	if (n < 0 || got > max) {
		int rc = n < 0 ? -errno : -EFBIG;

		if (n < 0)
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		else
			snprintf(err, errlen, "%s: larger than %zu bytes, the most that is read", path, max);
		free(buf);
		return rc;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int trust_read(const char *path, size_t max, void **data, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc;
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: is %s, not a regular file; only regular files are read", path,
			 file_kind(st.st_mode));
		rc = -EINVAL;
	} else {
		rc = trust_check_stat(&st, path, err, errlen);
		if (!rc)
			rc = read_fd(fd, path, max, (char **)data, len, err, errlen);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
