// SPDX-License-Identifier: GPL-2.0
/*
 * procread.c - the fastest readers of /proc we could write for the data the
 * views show; `make bench` times them against the views.
 *
 * Each reader gets the same fields as its view (parsed into numbers and
 * strings, as a program that uses them would need them) but formats
 * nothing: that is the view's extra work, not the reader's.  Syscalls are
 * kept to the minimum: getdents64 on directory fds, openat relative to
 * them, one read() per file (with a buffer larger than the file), close.
 *
 *   tasks         /proc/PID/stat and /proc/PID/status of every process
 *   threads       /proc/PID/task/TID/stat and status of every thread
 *   stacks NAME   /proc/PID/task/TID/comm of every thread, and
 *                 /proc/PID/task/TID/stack of those named NAME
 *   files         /proc/PID/comm, and for every entry of /proc/PID/fd its
 *                 link (readlinkat) and type (fstatat through the link)
 *   tcp           /proc/net/tcp and /proc/net/tcp6, every line parsed
 *   sockets       the owners of the TCP sockets, as osquery's
 *                 process_open_sockets finds them: /proc/net/tcp and tcp6
 *                 parsed into a table by inode, then every /proc/PID/fd
 *                 link read (readlinkat) and each socket:[INODE] joined
 *                 with its row, and /proc/PID/comm of the owners
 *   cmdlines      /proc/PID/comm, cmdline (its first 4096 bytes, as the
 *                 view) and the exe link (readlinkat) of every process
 *   cgroup DIR    the processes of a cgroup and its descendants, as a
 *                 reader without BPF finds them: DIR/cgroup.procs of DIR
 *                 and every directory below it, then /proc/PID/stat and
 *                 status of each process listed
 *
 * Each returns the rows it found (-1 on error) and adds its fields to
 * procread_sum, so that nothing it reads can be optimised away.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "procread.h"

uint64_t procread_sum;

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define DENTS_BUF	(64 * 1024)

/* Calls fn(dirfd, name, arg) for each entry of dirfd whose name is a
 * number; returns the sum of what fn returns, or -1. */
static long each_number(int dirfd, long (*fn)(int, const char *, void *), void *arg)
{
	static __thread char *bufs[3];
	static __thread int depth;
	char *buf;
	long rows = 0, n;

	if (depth >= 3)
		return -1;
	if (!bufs[depth] && !(bufs[depth] = malloc(DENTS_BUF)))
		return -1;
	buf = bufs[depth++];
	while ((n = syscall(SYS_getdents64, dirfd, buf, DENTS_BUF)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] >= '0' && d->d_name[0] <= '9') {
				long r = fn(dirfd, d->d_name, arg);

				if (r > 0)
					rows += r;
			}
		}
	}
	depth--;
	return n < 0 ? -1 : rows;
}

static ssize_t slurp(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static inline uint64_t num(const char **p)
{
	const char *s = *p;
	uint64_t v = 0;

	while (*s == ' ')
		s++;
	if (*s == '-')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	*p = s;
	return v;
}

static inline void skip_fields(const char **p, int n)
{
	const char *s = *p;

	while (n--) {
		while (*s == ' ')
			s++;
		while (*s && *s != ' ')
			s++;
	}
	*p = s;
}

/* ---- tasks and threads ---- */

struct task_row {
	int pid, ppid, threads;
	unsigned int uid;
	char state;
	uint64_t rss, time, start;
	char comm[16];
};

static int parse_stat(const char *buf, struct task_row *r)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *p;
	size_t len;

	if (!open || !close)
		return -1;
	r->pid = atoi(buf);
	len = close - open - 1;
	if (len > 15)
		len = 15;
	memcpy(r->comm, open + 1, len);
	r->comm[len] = '\0';
	p = close + 2;
	r->state = *p++;
	r->ppid = num(&p);			/* 4 ppid */
	skip_fields(&p, 9);			/* 5 pgrp .. 13 cmajflt */
	r->time = num(&p);			/* 14 utime */
	r->time += num(&p);			/* 15 stime */
	skip_fields(&p, 4);			/* 16 cutime .. 19 nice */
	r->threads = num(&p);			/* 20 num_threads */
	skip_fields(&p, 1);			/* 21 itrealvalue */
	r->start = num(&p);			/* 22 starttime */
	skip_fields(&p, 1);			/* 23 vsize */
	r->rss = num(&p) * 4;			/* 24 rss, pages */
	return 0;
}

static int parse_status(const char *buf, struct task_row *r)
{
	const char *p = strstr(buf, "\nUid:");

	if (!p)
		return -1;
	p += 5;
	num(&p);				/* real */
	r->uid = num(&p);			/* effective */
	return 0;
}

static void sum_task(const struct task_row *r)
{
	procread_sum += r->pid + r->ppid + r->threads + r->uid + r->state + r->rss +
			r->time + r->start + (unsigned char)r->comm[0];
}

/* One task: DIR/stat and DIR/status, relative to dirfd. */
static long read_task(int dirfd, const char *dir)
{
	char path[64], buf[4096];
	struct task_row r;
	size_t n = strlen(dir);

	if (n > 40)
		return 0;
	memcpy(path, dir, n);
	memcpy(path + n, "/stat", 6);
	if (slurp(dirfd, path, buf, sizeof(buf)) <= 0 || parse_stat(buf, &r))
		return 0;
	memcpy(path + n, "/status", 8);
	if (slurp(dirfd, path, buf, sizeof(buf)) <= 0 || parse_status(buf, &r))
		return 0;
	sum_task(&r);
	return 1;
}

static long process_cb(int procfd, const char *pid, void *arg)
{
	(void)arg;
	return read_task(procfd, pid);
}

static long thread_cb(int taskfd, const char *tid, void *arg)
{
	(void)arg;
	return read_task(taskfd, tid);
}

static int open_dir_at(int dirfd, const char *pid, const char *sub)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/%s", pid, sub);
	return openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static long threads_cb(int procfd, const char *pid, void *arg)
{
	int taskfd = open_dir_at(procfd, pid, "task");
	long rows;

	(void)arg;
	if (taskfd < 0)
		return 0;
	rows = each_number(taskfd, thread_cb, NULL);
	close(taskfd);
	return rows;
}

/* ---- stacks ---- */

struct stacks_arg {
	const char *name;
	size_t len;
	long frames;
};

static long stack_cb(int taskfd, const char *tid, void *arg)
{
	struct stacks_arg *a = arg;
	char path[64], buf[16384];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/comm", tid);
	n = slurp(taskfd, path, buf, sizeof(buf));
	if (n != (ssize_t)a->len + 1 || memcmp(buf, a->name, a->len))
		return 0;
	snprintf(path, sizeof(path), "%s/stack", tid);
	n = slurp(taskfd, path, buf, sizeof(buf));
	if (n < 0)
		return 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\n')
			a->frames++;
	procread_sum += atoi(tid) + n;
	return 1;
}

static long stacks_cb(int procfd, const char *pid, void *arg)
{
	int taskfd = open_dir_at(procfd, pid, "task");
	long rows;

	if (taskfd < 0)
		return 0;
	rows = each_number(taskfd, stack_cb, arg);
	close(taskfd);
	return rows;
}

/* ---- files ---- */

struct files_arg {
	const char *comm;
	int pid;
};

static long fd_cb(int fdfd, const char *fd, void *arg)
{
	struct files_arg *a = arg;
	char link[4096];
	struct stat st;
	ssize_t n = readlinkat(fdfd, fd, link, sizeof(link) - 1);

	if (n < 0)
		return 0;
	link[n] = '\0';
	if (fstatat(fdfd, fd, &st, 0))
		st.st_mode = 0;
	procread_sum += a->pid + atoi(fd) + (st.st_mode & S_IFMT) + n + (unsigned char)a->comm[0];
	return 1;
}

static long files_cb(int procfd, const char *pid, void *arg)
{
	struct files_arg a = { .pid = atoi(pid) };
	char path[64], comm[64];
	int fdfd;
	long rows;

	(void)arg;
	snprintf(path, sizeof(path), "%s/comm", pid);
	if (slurp(procfd, path, comm, sizeof(comm)) <= 0)
		return 0;
	a.comm = comm;
	fdfd = open_dir_at(procfd, pid, "fd");
	if (fdfd < 0)
		return 0;
	rows = each_number(fdfd, fd_cb, &a);
	close(fdfd);
	return rows;
}

/* ---- tcp ---- */

static inline uint32_t hex(const char **p, int max)
{
	const char *s = *p;
	uint32_t v = 0;

	for (int i = 0; i < max; i++, s++) {
		char c = *s;

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else
			break;
	}
	*p = s;
	return v;
}

struct tcp_row {
	uint32_t laddr[4], raddr[4];
	uint16_t lport, rport;
	uint8_t state;
	uint32_t txq, rxq, uid;
	uint64_t inode;
};

/* "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 ..." */
static int parse_tcp_line(const char *p, int words, struct tcp_row *r)
{
	while (*p == ' ')
		p++;
	num(&p);				/* sl */
	if (*p++ != ':')
		return -1;
	p++;
	for (int i = 0; i < words; i++)
		r->laddr[i] = hex(&p, 8);
	p++;
	r->lport = hex(&p, 4);
	p++;
	for (int i = 0; i < words; i++)
		r->raddr[i] = hex(&p, 8);
	p++;
	r->rport = hex(&p, 4);
	p++;
	r->state = hex(&p, 2);
	p++;
	r->txq = hex(&p, 8);
	p++;
	r->rxq = hex(&p, 8);
	skip_fields(&p, 2);			/* tr:tm->when, retrnsmt */
	r->uid = num(&p);
	num(&p);				/* timeout */
	r->inode = num(&p);
	return 0;
}

/* Called with each row of a read_tcp_file(), if set. */
static void (*tcp_row_fn)(const struct tcp_row *r);

static long read_tcp_file(const char *path, int words)
{
	static char *buf;
	static size_t cap;
	size_t len = 0;
	long rows = 0;
	ssize_t n;
	char *line, *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				return -1;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (n < 0)
		return -1;
	buf[len] = '\0';
	line = strchr(buf, '\n');		/* the header */
	while (line && *++line) {
		struct tcp_row r;

		end = strchr(line, '\n');
		if (!parse_tcp_line(line, words, &r)) {
			procread_sum += r.laddr[0] + r.raddr[words - 1] + r.lport + r.rport + r.state +
					r.txq + r.rxq + r.uid + r.inode;
			if (tcp_row_fn)
				tcp_row_fn(&r);
			rows++;
		}
		line = end;
	}
	return rows;
}

/* ---- sockets: the inode join ---- */

static struct tcp_row *sock_rows;
static uint32_t *sock_slots;		/* open addressing: row index + 1, 0 empty */
static long nsock_rows, sock_cap, slot_mask;

static void sock_add(const struct tcp_row *r)
{
	if (nsock_rows == sock_cap) {
		sock_cap = sock_cap ? 2 * sock_cap : 4096;
		sock_rows = realloc(sock_rows, sock_cap * sizeof(*sock_rows));
		if (!sock_rows)
			abort();
	}
	sock_rows[nsock_rows++] = *r;
}

static void sock_index(void)
{
	long cap = 1;

	while (cap < 2 * nsock_rows)
		cap <<= 1;
	free(sock_slots);
	sock_slots = calloc(cap, sizeof(*sock_slots));
	if (!sock_slots)
		abort();
	slot_mask = cap - 1;
	for (long i = 0; i < nsock_rows; i++) {
		long h = (sock_rows[i].inode * 0x9e3779b97f4a7c15ULL) >> 20 & slot_mask;

		while (sock_slots[h])
			h = (h + 1) & slot_mask;
		sock_slots[h] = i + 1;
	}
}

static const struct tcp_row *sock_find(uint64_t inode)
{
	long h = (inode * 0x9e3779b97f4a7c15ULL) >> 20 & slot_mask;

	for (; sock_slots[h]; h = (h + 1) & slot_mask)
		if (sock_rows[sock_slots[h] - 1].inode == inode)
			return &sock_rows[sock_slots[h] - 1];
	return NULL;
}

struct owner_arg {
	int procfd;
	const char *pid;
	char comm[64];
	bool has_comm;
};

static long owner_fd_cb(int fdfd, const char *fd, void *arg)
{
	struct owner_arg *a = arg;
	const struct tcp_row *r;
	char link[64], path[64];
	ssize_t n = readlinkat(fdfd, fd, link, sizeof(link) - 1);

	if (n < 9 || memcmp(link, "socket:[", 8))
		return 0;
	link[n] = '\0';
	r = sock_find(strtoull(link + 8, NULL, 10));
	if (!r)
		return 0;
	if (!a->has_comm) {
		snprintf(path, sizeof(path), "%s/comm", a->pid);
		a->has_comm = slurp(a->procfd, path, a->comm, sizeof(a->comm)) > 0;
	}
	procread_sum += atoi(a->pid) + atoi(fd) + r->lport + r->state + (unsigned char)a->comm[0];
	return 1;
}

static long owners_cb(int procfd, const char *pid, void *arg)
{
	struct owner_arg a = { .procfd = procfd, .pid = pid };
	int fdfd = open_dir_at(procfd, pid, "fd");
	long rows;

	(void)arg;
	if (fdfd < 0)
		return 0;
	rows = each_number(fdfd, owner_fd_cb, &a);
	close(fdfd);
	return rows;
}

static long sockets(int procfd)
{
	long v4, v6;

	nsock_rows = 0;
	tcp_row_fn = sock_add;
	v4 = read_tcp_file("/proc/net/tcp", 1);
	v6 = read_tcp_file("/proc/net/tcp6", 4);
	tcp_row_fn = NULL;
	if (v4 < 0 || v6 < 0)
		return -1;
	sock_index();
	return each_number(procfd, owners_cb, NULL);
}

/* ---- cmdlines ---- */

static long cmdline_cb(int procfd, const char *pid, void *arg)
{
	char path[64], comm[64], args[4097], exe[4096];
	ssize_t n, a, e;

	(void)arg;
	n = strlen(pid);
	if (n > 40)
		return 0;
	memcpy(path, pid, n);
	memcpy(path + n, "/comm", 6);
	if (slurp(procfd, path, comm, sizeof(comm)) <= 0)
		return 0;
	memcpy(path + n, "/cmdline", 9);
	a = slurp(procfd, path, args, sizeof(args));
	memcpy(path + n, "/exe", 5);
	e = readlinkat(procfd, path, exe, sizeof(exe));
	procread_sum += atoi(pid) + (unsigned char)comm[0] + (a > 0 ? a + args[0] : 0) +
			(e > 0 ? e + exe[0] : 0);
	return 1;
}

/* ---- cgroup ---- */

/* The processes listed in DIRFD's cgroup.procs, then those of every child
 * cgroup (a directory) below it. */
static long cgroup_tree(int procfd, int dirfd)
{
	static char buf[1 << 20];
	ssize_t len = slurp(dirfd, "cgroup.procs", buf, sizeof(buf));
	long rows = 0;
	struct dirent *e;
	DIR *d;

	for (char *p = buf, *nl; len > 0 && p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', buf + len - p);
		if (!nl)
			break;
		*nl = '\0';
		rows += read_task(procfd, p);
	}
	d = fdopendir(dup(dirfd));
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int sub;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue;
		rows += cgroup_tree(procfd, sub);
		close(sub);
	}
	closedir(d);
	return rows;
}

static long cgroup(int procfd, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long rows;

	if (fd < 0)
		return -1;
	rows = cgroup_tree(procfd, fd);
	close(fd);
	return rows;
}

/* ---- entry ---- */

long procread(const char *kind, const char *arg)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long rows = -1;

	if (procfd < 0)
		return -1;
	if (!strcmp(kind, "tasks")) {
		rows = each_number(procfd, process_cb, NULL);
	} else if (!strcmp(kind, "threads")) {
		rows = each_number(procfd, threads_cb, NULL);
	} else if (!strcmp(kind, "stacks") && arg) {
		struct stacks_arg a = { .name = arg, .len = strlen(arg) };

		rows = each_number(procfd, stacks_cb, &a);
	} else if (!strcmp(kind, "files")) {
		rows = each_number(procfd, files_cb, NULL);
	} else if (!strcmp(kind, "sockets")) {
		rows = sockets(procfd);
	} else if (!strcmp(kind, "cgroup") && arg) {
		rows = cgroup(procfd, arg);
	} else if (!strcmp(kind, "cmdlines")) {
		rows = each_number(procfd, cmdline_cb, NULL);
	} else if (!strcmp(kind, "tcp")) {
		long v4 = read_tcp_file("/proc/net/tcp", 1), v6 = read_tcp_file("/proc/net/tcp6", 4);

		rows = v4 < 0 || v6 < 0 ? -1 : v4 + v6;
	} else {
		errno = EINVAL;
	}
	close(procfd);
	return rows;
}
