/* Linked into bpfviews by `make check SANITIZE=1`. LeakSanitizer stops the
 * process's threads with ptrace to look for leaks at exit, which it cannot do
 * while a tracer is attached (a test that runs bpfviews under strace): it then
 * fails the run with "LeakSanitizer does not work under ptrace". Skip the leak
 * check of a traced process only; every other process is checked, and address
 * and undefined-behaviour errors are reported under ptrace too.
 */
#include <stdio.h>
#include <string.h>

int __lsan_is_turned_off(void);

int __lsan_is_turned_off(void)
{
	char line[256];
	int tracer = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer != 0;
}
