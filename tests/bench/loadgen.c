// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen - the load `make bench` measures against.  It forks workers that
 * build the load, prints "ready COUNT" on stdout once they all have, and
 * waits for SIGTERM, SIGINT or SIGHUP (or, if stdin is a pipe, for its
 * end).  It then kills and reaps its workers (pid 1 may be slow to reap
 * orphans, and their zombies would still be tasks) and exits; the kernel
 * frees everything they held.  Workers also die with it (PR_SET_PDEATHSIG).
 *
 *   loadgen tasks NTASKS PER_PROC [TARGET]
 *       NTASKS tasks as processes of PER_PROC threads each (the main one
 *       and PER_PROC - 1 pthreads, all sleeping), named "bvload"; and, with
 *       TARGET, one more single-threaded process of that name (the one the
 *       stacks view is filtered to).
 *   loadgen files NFDS DIR
 *       NFDS open descriptors: regular files in DIR (64 files made here),
 *       pipes and /dev/null, in the proportions 8:1:1.
 *   loadgen tcp NSOCKETS
 *       NSOCKETS / 2 established TCP connections over 127.0.0.1 (both ends
 *       in the same worker) and a listener per worker.  Every socket has
 *       SO_LINGER 0: closing it resets the connection, so nothing lingers in
 *       TIME-WAIT after the load is gone.  The connections are bounded by
 *       the local port range (net.ipv4.ip_local_port_range).
 *   loadgen owners NSOCKETS NPROCS
 *       the same sockets spread over NPROCS workers: each holds a listener
 *       and NSOCKETS / NPROCS / 2 connections (both ends), so that a
 *       socket's owner has to be found among many processes.
 *
 * A worker holds as many descriptors as RLIMIT_NOFILE's hard limit allows
 * (raising it needs CAP_SYS_RESOURCE, which a container may not give; the
 * soft limit is raised to the hard one), so files and tcp use as many
 * workers as that takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long read_long(const char *path, int field)
{
	long v[2] = { 0, 0 };
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%ld %ld", &v[0], &v[1]) < 1)
		die(path);
	fclose(f);
	return v[field];
}

/* Descriptors a worker may use for the load: the hard limit, less a margin. */
static long fd_budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit RLIMIT_NOFILE");
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)read_long("/proc/sys/fs/nr_open", 0))
		rl.rlim_max = read_long("/proc/sys/fs/nr_open", 0);
	return (long)rl.rlim_max - 100;
}

static void sleep_forever(void)
{
	for (;;)
		pause();
}

/* ---- workers ---- */

static pid_t *workers;
static long nworkers, maxworkers;
static int ready_pipe[2];

/*
 * Forks a worker that runs fn(arg, n), tells the parent it is ready and
 * sleeps until killed.
 */
static void worker(void (*fn)(long, long), long arg, long n, const char *name)
{
	pid_t pid;

	if (nworkers == maxworkers) {
		maxworkers = maxworkers ? 2 * maxworkers : 64;
		workers = realloc(workers, maxworkers * sizeof(*workers));
		if (!workers)
			die("realloc");
	}
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid) {
		workers[nworkers++] = pid;
		return;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	prctl(PR_SET_NAME, name);
	close(ready_pipe[0]);
	fn(arg, n);
	if (write(ready_pipe[1], "x", 1) != 1)
		die("write");
	close(ready_pipe[1]);
	sleep_forever();
}

/* Waits for every worker to be ready (a worker that dies fails the load). */
static void wait_ready(void)
{
	char buf[256];

	close(ready_pipe[1]);
	for (long want = nworkers; want > 0;) {
		ssize_t n = read(ready_pipe[0], buf, want < (long)sizeof(buf) ? want : (long)sizeof(buf));

		if (n <= 0) {
			fprintf(stderr, "loadgen: a worker failed\n");
			for (long i = 0; i < nworkers; i++)
				kill(workers[i], SIGKILL);
			exit(1);
		}
		want -= n;
	}
	close(ready_pipe[0]);
}

static void hold(int sfd, long count)
{
	struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	struct stat st;
	char c[64];

	wait_ready();
	if (!fstat(0, &st) && S_ISFIFO(st.st_mode))
		p[1].fd = 0;
	printf("ready %ld\n", count);
	fflush(stdout);
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			die("poll");
		if (p[0].revents || (p[1].revents && read(0, c, sizeof(c)) <= 0))
			break;
	}
	for (long i = 0; i < nworkers; i++)
		kill(workers[i], SIGKILL);
	for (long i = 0; i < nworkers; i++)
		waitpid(workers[i], NULL, 0);
	exit(0);
}

/* Blocks the signals hold() waits for (workers inherit the mask: they are
 * killed with SIGKILL) and opens the pipe workers report on. */
static int setup(void)
{
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
		die("signalfd");
	if (pipe(ready_pipe))
		die("pipe");
	prctl(PR_SET_NAME, "bvloadgen");
	return sfd;
}

/* ---- tasks ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	sleep_forever();
	return NULL;
}

static void threads(long nthreads, long unused)
{
	pthread_attr_t attr;
	pthread_t th;

	(void)unused;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 1; i < nthreads; i++)
		if ((errno = pthread_create(&th, &attr, sleeper, NULL)))
			die("pthread_create");
}

static long tasks(long ntasks, long per_proc, const char *target)
{
	long made = 0;

	if (per_proc < 1 || ntasks < 0) {
		fprintf(stderr, "loadgen: bad task counts\n");
		exit(2);
	}
	while (made < ntasks) {
		long t = ntasks - made < per_proc ? ntasks - made : per_proc;

		worker(threads, t, 0, "bvload");
		made += t;
	}
	if (target)
		worker(threads, 1, 0, target);
	return made + (target ? 1 : 0);
}

/* ---- files ---- */

static const char *files_dir;

static void open_files(long first, long n)
{
	char path[4096];

	for (long i = first; i < first + n;) {
		long k = i % 10;

		if (k == 8 && i + 2 <= first + n) {
			int pp[2];

			if (pipe(pp))
				die("pipe");
			i += 2;
			continue;
		}
		if (k == 9 || k == 8)
			snprintf(path, sizeof(path), "/dev/null");
		else
			snprintf(path, sizeof(path), "%s/file-%02ld.dat", files_dir, i % 64);
		if (open(path, O_RDONLY) < 0)
			die(path);
		i++;
	}
}

static long files(long nfds, const char *dir)
{
	long budget = fd_budget();
	char path[4096];

	files_dir = dir;
	if (mkdir(dir, 0700) && errno != EEXIST)
		die(dir);
	for (int i = 0; i < 64; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/file-%02d.dat", dir, i);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			die(path);
		close(fd);
	}
	for (long done = 0; done < nfds; done += budget)
		worker(open_files, done, nfds - done < budget ? nfds - done : budget, "bvfiles");
	return nfds;
}

/* ---- tcp ---- */

static void no_linger(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)))
		die("SO_LINGER");
}

static void connections(long conns, long unused)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	int one = 1, lfd;

	(void)unused;
	fd_budget();
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	no_linger(lfd);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 4096) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen))
		die("listen on 127.0.0.1");
	for (long i = 0; i < conns; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

		if (c < 0)
			die("socket");
		no_linger(c);
		if (connect(c, (struct sockaddr *)&addr, sizeof(addr)))
			die("connect to 127.0.0.1");
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			die("accept");
		no_linger(s);
	}
}

static long tcp(long nsockets)
{
	long conns = nsockets / 2, per = fd_budget() / 2, made = 0;
	long lo = read_long("/proc/sys/net/ipv4/ip_local_port_range", 0);
	long hi = read_long("/proc/sys/net/ipv4/ip_local_port_range", 1);

	if (conns > hi - lo + 1 - 1000) {
		fprintf(stderr, "loadgen: %ld connections need more local ports than "
			"net.ipv4.ip_local_port_range (%ld-%ld) leaves\n", conns, lo, hi);
		exit(1);
	}
	while (made < conns) {
		long n = conns - made < per ? conns - made : per;

		worker(connections, n, 0, "bvsockets");
		made += n;
	}
	return 2 * conns + nworkers;
}

static long owners(long nsockets, long nprocs)
{
	long conns = nsockets / nprocs / 2;

	for (long i = 0; i < nprocs; i++)
		worker(connections, conns, 0, "bvowner");
	return nprocs * (2 * conns + 1);
}

int main(int argc, char **argv)
{
	int sfd;
	long count;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "tasks")) {
		sfd = setup();
		count = tasks(atol(argv[2]), atol(argv[3]), argc > 4 ? argv[4] : NULL);
	} else if (argc == 4 && !strcmp(argv[1], "files")) {
		sfd = setup();
		count = files(atol(argv[2]), argv[3]);
	} else if (argc == 3 && !strcmp(argv[1], "tcp")) {
		sfd = setup();
		count = tcp(atol(argv[2]));
	} else if (argc == 4 && !strcmp(argv[1], "owners") && atol(argv[3]) > 0) {
		sfd = setup();
		count = owners(atol(argv[2]), atol(argv[3]));
	} else {
		fprintf(stderr, "usage: loadgen tasks NTASKS PER_PROC [TARGET] | files NFDS DIR | "
			"tcp NSOCKETS | owners NSOCKETS NPROCS\n");
		return 2;
	}
	hold(sfd, count);
	return 0;
}
