#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "textfile.h"

static void test_path_ok(void **state)
{
	(void)state;
	assert_true(textfile_path_ok("/var/lib/prometheus/node-exporter/bpfviews_tasks.prom"));
	assert_true(textfile_path_ok("/x.prom"));
	assert_true(textfile_path_ok("/a.b/x.y.prom"));
}

static void test_path_refused(void **state)
{
	static const char *const bad[] = {
		"", "x.prom", "rel/x.prom", "/x/.prom", "/x/y.txt", "/x/y.prom/", "/x//y.prom",
		"/x/./y.prom", "/x/../y.prom", "/../y.prom", "/x/y.PROM", "/x/yprom", "/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(textfile_path_ok(bad[i]));
}

/* The temporary name beside the link, ".NAME~bpfviews", fits NAME_MAX. */
static void test_path_name_length(void **state)
{
	char path[NAME_MAX + 3];
	size_t room = NAME_MAX - strlen(".~bpfviews");

	(void)state;
	path[0] = '/';
	memset(path + 1, 'a', room - 5);
	strcpy(path + 1 + room - 5, ".prom");
	assert_int_equal(strlen(path + 1), room);
	assert_true(textfile_path_ok(path));
	memset(path + 1, 'a', room - 4);
	strcpy(path + 1 + room - 4, ".prom");
	assert_false(textfile_path_ok(path));
}

static void check_root(const char *root, const char *want)
{
	char *r = textfile_root(root);

	assert_non_null(r);
	assert_string_equal(r, want);
	free(r);
}

static void test_root(void **state)
{
	(void)state;
	check_root("/sys/fs/bpf/views", "/sys/fs/bpf/views");
	check_root("/sys/fs/bpf/views/", "/sys/fs/bpf/views");
	check_root("//run/./bpfviews//metrics/.", "/run/bpfviews/metrics");
	check_root("/", "/");
	check_root("///", "/");
	assert_null(textfile_root("views"));
	assert_null(textfile_root("./views"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_path_refused),
		cmocka_unit_test(test_path_name_length),
		cmocka_unit_test(test_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
