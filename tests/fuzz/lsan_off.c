/* Linked into bpfviews by `make check SANITIZE=1`. LeakSanitizer stops the
 * process's threads to look for leaks at exit, through /proc/self/task and
 * ptrace. It cannot while a tracer is attached (a test that runs bpfviews
 * under strace) or with /proc unmounted (a test that checks bpfviews works
 * without it), and then fails the process with a fatal error instead. Skip
 * the leak check in just those two cases; every other run is checked, and
 * address and undefined-behaviour errors are reported in these too.
 */
#include <stdio.h>

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
