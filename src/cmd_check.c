/* check: parse and load (verify) in the kernel, pin nothing. */
#include <stdio.h>

#include "commands.h"
#include "session.h"

int do_check(int argc, char **argv)
{
	const struct option longopts[] = { { 0 } };
	struct session s = { 0 };
	int rc, failed = 0;

	if (session_args(&s, argc, argv, longopts))
		return EXIT_USAGE;
	rc = session_open(&s);
	if (rc)
		goto out;
	session_load(&s, NULL, NULL);
	for (int i = 0; i < s.m.nviews; i++) {
		if (!session_selected(&s, s.m.views[i].name))
			continue;
		if (s.wants[i].failed)
			failed++;
		else
			printf("ok %s\n", s.m.views[i].name);
	}
	rc = failed ? EXIT_VIEW : EXIT_OK;
out:
	session_free(&s);
	return rc;
}
