/* Linked into bpfviews by `make check SANITIZE=1`: what clang 14's ASan
 * runtime lacks for the way bpfviews runs.
 */
#include <pthread.h>
#include <stdio.h>

/* bpfviews forks from a loader thread (src/objcheck.c) while the other loader
 * threads allocate. glibc's malloc is fork-safe; ASan 14's allocator is not:
 * a lock another thread held at the fork is held forever in the child, whose
 * next calloc waits for ever (seen in libbpf's bpf_object__open_file). LLVM
 * 17 takes these locks around fork itself; these are the same runtime
 * functions, in the same order. */
void _ZN6__lsan18LockThreadRegistryEv(void);
void _ZN6__lsan20UnlockThreadRegistryEv(void);
void _ZN6__lsan13LockAllocatorEv(void);
void _ZN6__lsan15UnlockAllocatorEv(void);
void _ZN11__sanitizer17StackDepotLockAllEv(void);
void _ZN11__sanitizer19StackDepotUnlockAllEv(void);

static void before_fork(void)
{
	_ZN6__lsan18LockThreadRegistryEv();
	_ZN6__lsan13LockAllocatorEv();
	_ZN11__sanitizer17StackDepotLockAllEv();
}

static void after_fork(void)
{
	_ZN11__sanitizer19StackDepotUnlockAllEv();
	_ZN6__lsan15UnlockAllocatorEv();
	_ZN6__lsan20UnlockThreadRegistryEv();
}

__attribute__((constructor)) static void fork_safe_allocator(void)
{
	pthread_atfork(before_fork, after_fork, after_fork);
}

/* LeakSanitizer stops the process's threads to look for leaks at exit,
 * through /proc/self/task and ptrace. It cannot while a tracer is attached (a
 * test that runs bpfviews under strace) or with /proc unmounted (a test that
 * checks bpfviews works without it), and then fails the process with a fatal
 * error instead. Skip the leak check in just those two cases; every other run
 * is checked, and address and undefined-behaviour errors are reported in these
 * too. */
int __lsan_is_turned_off(void);

int __lsan_is_turned_off(void)
{
	char line[256];
	int tracer = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer != 0;
}
