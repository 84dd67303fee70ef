/*
 * argv_helper - a process whose command line the cmdlines tests control.
 *
 *   READY=FILE argv_helper MODE [ARG...]
 *
 * sets its command line up as MODE says, creates FILE (its pid in it) and
 * waits to be killed:
 *   sleep    as started
 *   argc0    executes itself with no arguments at all (argc 0)
 *   clear    moves the end of its arguments to their start (prctl
 *            PR_SET_MM_MAP): an empty command line
 *   rewrite  overwrites its arguments in place: each byte of ARG 1 becomes
 *            'X' and the NUL after it a space (ARG 1 and 2 join)
 *   title    writes a title over its arguments, as setproctitle() does:
 *            "ARG1=ARG1" from argv[0] on, over the end of the arguments and
 *            into the environment, which must follow them
 *   move     points its arguments at a buffer of its own (prctl
 *            PR_SET_MM_MAP) holding ARG 1, 2, ... as new arguments
 *   zombie   forks a child that exits, reaps nothing; FILE gets its pid
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MOVED_MAX	8192

static char *ready_path;	/* a copy: the title mode writes over the environment */

static void ready(pid_t pid)
{
	const char *path = ready_path;
	char tmp[4096];
	FILE *f;

	if (!path)
		exit(2);
	snprintf(tmp, sizeof(tmp), "%s~", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", pid) < 0 || fclose(f) || rename(tmp, path))
		exit(2);
	for (;;)
		pause();
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/*
 * Moves the arguments to [start, end) with PR_SET_MM_MAP, which needs no
 * CAP_SYS_RESOURCE (PR_SET_MM_ARG_START does): the rest of the map as
 * /proc/self/stat has it, brk from the kernel.
 */
static void set_args(unsigned long start, unsigned long end)
{
	struct prctl_mm_map map = { .arg_start = start, .arg_end = end, .exe_fd = -1 };
	unsigned long long f[52] = { 0 };
	char buf[2048], *p, *save = NULL;
	FILE *st = fopen("/proc/self/stat", "r");

	if (!st || !fgets(buf, sizeof(buf), st) || !(p = strrchr(buf, ')')))
		die("/proc/self/stat");
	fclose(st);
	/* fields 3 to 51, after "pid (comm)" */
	p = strtok_r(p + 1, " ", &save);
	for (int i = 3; p && i <= 51; i++, p = strtok_r(NULL, " ", &save))
		f[i] = strtoull(p, NULL, 10);
	map.start_code = f[26];
	map.end_code = f[27];
	map.start_stack = f[28];
	map.start_data = f[45];
	map.end_data = f[46];
	map.start_brk = f[47];
	map.brk = syscall(SYS_brk, 0);
	map.env_start = f[50];
	map.env_end = f[51];
	if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&map, sizeof(map), 0))
		die("prctl PR_SET_MM_MAP");
}

/* The end of the arguments: one past the last one's NUL. */
static char *args_end(int argc, char **argv)
{
	return argv[argc - 1] + strlen(argv[argc - 1]) + 1;
}

int main(int argc, char **argv, char **envp)
{
	const char *mode;

	ready_path = getenv("READY") ? strdup(getenv("READY")) : NULL;
	if (argc == 1 && !argv[0][0] && getenv("ARGV_HELPER_ARGC0"))
		ready(getpid());	/* the argc0 mode, executed */
	if (argc < 2)
		return 2;
	mode = argv[1];
	if (!strcmp(mode, "sleep")) {
		ready(getpid());
	} else if (!strcmp(mode, "argc0")) {
		char *none[] = { NULL };
		char *env[] = { "ARGV_HELPER_ARGC0=1", NULL, NULL };
		char buf[4200], self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n < 0)
			die("/proc/self/exe");
		self[n] = '\0';	/* its own name: the comm stays */
		snprintf(buf, sizeof(buf), "READY=%s", ready_path);
		env[1] = buf;
		/* the system call: glibc may refuse an empty argv */
		syscall(SYS_execve, self, none, env);
		die("execve");
	} else if (!strcmp(mode, "clear")) {
		set_args((unsigned long)argv[0], (unsigned long)argv[0]);
		ready(getpid());
	} else if (!strcmp(mode, "rewrite") && argc > 3) {
		size_t n = strlen(argv[2]);

		memset(argv[2], 'X', n);
		argv[2][n] = ' ';
		ready(getpid());
	} else if (!strcmp(mode, "title") && argc > 2 && envp[0]) {
		char *end = args_end(argc, argv);
		size_t len = 2 * strlen(argv[2]) + 1;
		char *title = malloc(len + 1);

		/* the title must run past the arguments, into the environment */
		if (!title || argv[0] + len <= end || envp[0] != end)
			return 3;
		sprintf(title, "%s=%s", argv[2], argv[2]);
		memcpy(argv[0], title, len + 1);
		ready(getpid());
	} else if (!strcmp(mode, "move") && argc > 2) {
		/* anonymous memory: /proc reads arguments with FOLL_ANON */
		char *moved = mmap(NULL, MOVED_MAX, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t off = 0;

		if (moved == MAP_FAILED)
			die("mmap");
		for (int i = 2; i < argc; i++) {
			size_t n = strlen(argv[i]) + 1;

			if (off + n > MOVED_MAX)
				return 3;
			memcpy(moved + off, argv[i], n);
			off += n;
		}
		set_args((unsigned long)moved, (unsigned long)moved + off);
		ready(getpid());
	} else if (!strcmp(mode, "zombie")) {
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (!child)
			_exit(0);
		for (;;) {	/* until the child is a zombie */
			siginfo_t si;

			if (!waitid(P_PID, child, &si, WEXITED | WNOWAIT))
				break;
		}
		ready(child);
	}
	return 2;
}
