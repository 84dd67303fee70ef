// SPDX-License-Identifier: GPL-2.0
/*
 * bvbench - times one way of getting some data, in-process, with
 * clock_gettime(CLOCK_MONOTONIC) around nothing but the work.
 *
 *   bvbench [-w WARMUP] [-n RUNS] read PATH        open PATH, read it to the end
 *                                                  (1 MiB reads), close it
 *   bvbench [-w WARMUP] [-n RUNS] proc KIND [ARG]  a /proc reader (procread.c)
 *   bvbench [-w WARMUP] [-n RUNS] exec CMD [ARG]...
 *                                                  fork, exec CMD with stdout and
 *                                                  stderr on /dev/null, wait
 *
 * After WARMUP untimed runs (default 1) it prints one line per timed run
 * (default 5):  NANOSECONDS ROWS MAXRSS_KIB
 * ROWS: lines read (read), rows found (proc), the exit status (exec).
 * MAXRSS_KIB: the child's peak resident memory (exec), else 0.
 * Exits 1 if a run fails (a read error, a reader error, exec failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "procread.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static char *buf;
static size_t cap;

/* Reads path to its end into buf; returns the bytes or -1. */
static long read_all(const char *path)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	for (;;) {
		if (cap - len < (1 << 20)) {
			cap = cap ? cap * 2 : 8 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				return -1;
		}
		n = read(fd, buf + len, 1 << 20);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	return n < 0 ? -1 : (long)len;
}

static long lines(long len)
{
	long n = 0;

	for (const char *p = buf; (p = memchr(p, '\n', buf + len - p)); p++)
		n++;
	return n;
}

static int run_exec(char **argv, long *status, long *maxrss)
{
	struct rusage ru;
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		return -1;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	*maxrss = ru.ru_maxrss;
	return *status == 127 ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bvbench [-w WARMUP] [-n RUNS] read PATH | proc KIND [ARG] | exec CMD [ARG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int warmup = 1, runs = 5, c;

	while ((c = getopt(argc, argv, "+w:n:")) != -1) {
		if (c == 'w')
			warmup = atoi(optarg);
		else if (c == 'n')
			runs = atoi(optarg);
		else
			return usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || runs < 1 || warmup < 0)
		return usage();
	for (int i = 0; i < warmup + runs; i++) {
		long rows = 0, maxrss = 0;
		uint64_t t0, t1;

		if (!strcmp(argv[0], "read")) {
			t0 = now_ns();
			rows = read_all(argv[1]);
			t1 = now_ns();
			if (rows < 0) {
				fprintf(stderr, "bvbench: %s: %s\n", argv[1], strerror(errno));
				return 1;
			}
			rows = lines(rows);
		} else if (!strcmp(argv[0], "proc")) {
			t0 = now_ns();
			rows = procread(argv[1], argc > 2 ? argv[2] : NULL);
			t1 = now_ns();
			if (rows < 0) {
				fprintf(stderr, "bvbench: proc %s: %s\n", argv[1], strerror(errno));
				return 1;
			}
		} else if (!strcmp(argv[0], "exec")) {
			t0 = now_ns();
			c = run_exec(argv + 1, &rows, &maxrss);
			t1 = now_ns();
			if (c) {
				fprintf(stderr, "bvbench: cannot run %s\n", argv[1]);
				return 1;
			}
		} else {
			return usage();
		}
		if (i >= warmup)
			printf("%llu %ld %ld\n", (unsigned long long)(t1 - t0), rows, maxrss);
	}
	/* the readers' sum, so that their work is observable */
	if (procread_sum == 1)
		fprintf(stderr, "bvbench: sum %llu\n", (unsigned long long)procread_sum);
	return 0;
}
