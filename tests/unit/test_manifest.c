#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "manifest.h"

/* Every test works in its own temporary directory, root-owned and 0700, so the
 * trust checks pass unless a test loosens a mode on purpose. */
static char dir[PATH_MAX];
static char errors[8192];	/* what the last load() printed on stderr */
static char expected[8192];
static struct manifest m;

static void run_rm(const char *path)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_manifest.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	memset(&m, 0, sizeof(m));
	errors[0] = '\0';
	expected[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	manifest_free(&m);
	run_rm(dir);
	return 0;
}

/* Returns DIR/REL in a rotating buffer, so a test can hold a few at once. */
static const char *at(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *p = bufs[next++ % 8];

	assert_true(snprintf(p, PATH_MAX, "%s/%s", dir, rel) < PATH_MAX);
	return p;
}

static void make_dir(const char *rel)
{
	assert_int_equal(mkdir(at(rel), 0755), 0);
}

static void write_file(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(at(rel), 0644), 0);
}

/* Loads the N sources that follow (relative to DIR) with stderr captured in
 * ERRORS; returns manifest_load's result. */
static int load(int n, ...)
{
	char *sources[8];
	char errpath[PATH_MAX];
	int saved, fd, rc;
	ssize_t len;
	va_list ap;

	assert_true(n <= 8);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		sources[i] = strdup(at(va_arg(ap, const char *)));
	va_end(ap);
	assert_true(snprintf(errpath, sizeof(errpath), "%s.stderr", dir) < (int)sizeof(errpath));
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	rc = manifest_load(&m, sources, n);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	len = pread(fd, errors, sizeof(errors) - 1, 0);
	errors[len > 0 ? len : 0] = '\0';
	close(fd);
	unlink(errpath);
	for (int i = 0; i < n; i++)
		free(sources[i]);
	return rc;
}

/* Loads one manifest file with TEXT and returns manifest_load's result. */
static int load_text(const char *text)
{
	write_file("a.conf", text);
	return load(1, "a.conf");
}

/* Adds a line to what the test expects the load to print on stderr. */
__attribute__((format(printf, 1, 2))) static void expect(const char *fmt, ...)
{
	size_t off = strlen(expected);
	va_list ap;
	int n;

	n = snprintf(expected + off, sizeof(expected) - off, "bpfviews: ");
	off += n;
	va_start(ap, fmt);
	n = vsnprintf(expected + off, sizeof(expected) - off, fmt, ap);
	va_end(ap);
	off += n;
	assert_true(off + 1 < sizeof(expected));
	strcat(expected, "\n");
}

/* Expects an error at LINE of a.conf, the file load_text() writes. */
static void expect_at(int line, const char *msg)
{
	expect("%s:%d: %s", at("a.conf"), line, msg);
}

static const struct view_conf *view(const char *name)
{
	const struct view_conf *v = manifest_find(&m, name);

	assert_non_null(v);
	return v;
}

static void assert_key(const struct view_conf *v, int i, const char *key, const char *value, int line)
{
	assert_true(i < v->nkeys);
	assert_string_equal(v->keys[i].key, key);
	assert_string_equal(v->keys[i].value, value);
	assert_int_equal(v->keys[i].line, line);
}

/* ---- sections and keys ---- */

static void test_sections_and_keys(void **state)
{
	const struct view_conf *v;
	(void)state;

	assert_int_equal(load_text("; the default views\n"	/* 1 */
				   "\n"				/* 2 */
				   "[tasks]\n"			/* 3 */
				   "program = tasks\n"		/* 4 */
				   "# a shell-style comment\n"	/* 5 */
				   "comm = nginx, postgres\n"	/* 6 */
				   "\n"				/* 7 */
				   "  [net/tcp]  \n"		/* 8 */
				   "state = LISTEN\n"		/* 9 */
				   "program=tcp\n"),		/* 10 */
			 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("a.conf"));
	assert_int_equal(m.nviews, 2);

	v = &m.views[0];
	assert_string_equal(v->name, "tasks");
	assert_ptr_equal(v->file, m.files[0]);
	assert_int_equal(v->line, 3);
	assert_int_equal(v->nkeys, 2);
	assert_key(v, 0, "program", "tasks", 4);
	assert_key(v, 1, "comm", "nginx, postgres", 6);
	assert_string_equal(v->program, "tasks");
	assert_null(v->object);

	v = &m.views[1];
	assert_string_equal(v->name, "net/tcp");
	assert_int_equal(v->line, 8);
	assert_int_equal(v->nkeys, 2);
	assert_key(v, 0, "state", "LISTEN", 9);
	assert_key(v, 1, "program", "tcp", 10);
	assert_string_equal(v->program, "tcp");

	assert_ptr_equal(manifest_find(&m, "tasks"), &m.views[0]);
	assert_ptr_equal(manifest_find(&m, "net/tcp"), &m.views[1]);
	assert_null(manifest_find(&m, "net"));
	assert_null(manifest_find(&m, "tcp"));
}

static void test_inline_comment_is_stripped(void **state)
{
	(void)state;

	assert_int_equal(load_text("[tasks]\n"
				   "program = tasks   ; a built-in program\n"
				   "mode = 0444 ; readable by all\n"),
			 0);
	assert_string_equal(errors, "");
	assert_key(view("tasks"), 0, "program", "tasks", 2);
	assert_key(view("tasks"), 1, "mode", "0444", 3);
	assert_int_equal(view("tasks")->mode, 0444);
}

static void test_defaults(void **state)
{
	const struct view_conf *v;
	(void)state;

	assert_int_equal(load_text("[tasks]\nprogram = tasks\n"), 0);
	v = view("tasks");
	assert_int_equal(v->mode, 0400);
	assert_int_equal(v->uid, 0);
	assert_int_equal(v->gid, 0);
	assert_int_equal(v->pid, 0);
	assert_int_equal(v->tid, 0);
	assert_null(v->object);
}

static void test_own_keys(void **state)
{
	const struct view_conf *v;
	(void)state;

	assert_int_equal(load_text("[by-name]\n"
				   "program = tasks\n"
				   "mode = 0440\n"
				   "owner = daemon\n"
				   "group = daemon\n"
				   "pid = 4242\n"
				   "[by-number]\n"
				   "object = /opt/myapp/stacks.bpf.o\n"
				   "program = dump_task_stack\n"
				   "mode = 644\n"
				   "owner = 1234\n"
				   "group = 5678\n"
				   "tid = 7\n"
				   "[root]\n"
				   "program = tasks\n"
				   "owner = root\n"
				   "group = root\n"
				   "mode = 0\n"
				   "pid = 4294967295\n"),
			 0);
	assert_string_equal(errors, "");

	v = view("by-name");
	assert_string_equal(v->program, "tasks");
	assert_null(v->object);
	assert_int_equal(v->mode, 0440);
	assert_int_equal(v->uid, 1);
	assert_int_equal(v->gid, 1);
	assert_int_equal(v->pid, 4242);
	assert_int_equal(v->tid, 0);

	v = view("by-number");
	assert_string_equal(v->object, "/opt/myapp/stacks.bpf.o");
	assert_string_equal(v->program, "dump_task_stack");
	assert_int_equal(v->mode, 0644);
	assert_int_equal(v->uid, 1234);
	assert_int_equal(v->gid, 5678);
	assert_int_equal(v->pid, 0);
	assert_int_equal(v->tid, 7);

	v = view("root");
	assert_int_equal(v->uid, 0);
	assert_int_equal(v->gid, 0);
	assert_int_equal(v->mode, 0);
	assert_int_equal(v->pid, UINT32_MAX);
}

static void test_object_alone_is_enough(void **state)
{
	(void)state;

	assert_int_equal(load_text("[custom]\nobject = /opt/x.bpf.o\n"), 0);
	assert_string_equal(errors, "");
	assert_string_equal(view("custom")->object, "/opt/x.bpf.o");
	assert_null(view("custom")->program);
}

static void test_program_parameters_kept_as_keys(void **state)
{
	const struct view_conf *v;
	(void)state;

	assert_int_equal(load_text("[myapp/stacks]\n"
				   "target_comm = myapp\n"
				   "object = /opt/myapp/stacks.bpf.o\n"
				   "threads = yes\n"
				   "pid = 4242\n"
				   "empty =\n"),
			 0);
	v = view("myapp/stacks");
	assert_int_equal(v->nkeys, 5);
	assert_key(v, 0, "target_comm", "myapp", 2);
	assert_key(v, 1, "object", "/opt/myapp/stacks.bpf.o", 3);
	assert_key(v, 2, "threads", "yes", 4);
	assert_key(v, 3, "pid", "4242", 5);
	assert_key(v, 4, "empty", "", 6);
}

static void test_key_is_own(void **state)
{
	static const char *const own[] = { "program", "object", "mode", "owner", "group", "pid", "tid" };
	static const char *const params[] = { "comm", "state", "target_comm", "threads", "Program",
					      "programs", "", "pids" };
	(void)state;

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		assert_true(manifest_key_is_own(own[i]));
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		assert_false(manifest_key_is_own(params[i]));
}

static void test_param_key(void **state)
{
	char buf[64];
	(void)state;

	assert_string_equal(manifest_param_key("pid", buf, sizeof(buf)), "global.pid");
	assert_string_equal(manifest_param_key("program", buf, sizeof(buf)), "global.program");
	assert_string_equal(manifest_param_key("targ_comm", buf, sizeof(buf)), "targ_comm");
}

/* ---- errors, each with its file and line ---- */

static void test_duplicate_key(void **state)
{
	const struct view_conf *v;
	(void)state;

	assert_int_equal(load_text("[tasks]\n"
				   "program = tasks\n"
				   "comm = a\n"
				   "program = stacks\n"),
			 -EINVAL);
	expect_at(4, "[tasks] 'program' is already set at line 2");
	assert_string_equal(errors, expected);
	v = view("tasks");
	assert_int_equal(v->nkeys, 2);
	assert_string_equal(v->program, "tasks");
}

static void test_duplicate_view_in_one_file(void **state)
{
	(void)state;

	assert_int_equal(load_text("[tasks]\n"
				   "program = tasks\n"
				   "[other]\n"
				   "program = stacks\n"
				   "[tasks]\n"
				   "program = files\n"),
			 -EINVAL);
	expect("%s:5: view 'tasks' is already defined at %s:1", at("a.conf"), at("a.conf"));
	assert_string_equal(errors, expected);
}

static void test_duplicate_view_across_files(void **state)
{
	(void)state;

	make_dir("d");
	write_file("d/10-a.conf", "[tasks]\nprogram = tasks\n");
	write_file("d/20-b.conf", "; again\n\n[tasks]\nprogram = stacks\n");
	assert_int_equal(load(1, "d"), -EINVAL);
	expect("%s:3: view 'tasks' is already defined at %s:1", at("d/20-b.conf"), at("d/10-a.conf"));
	assert_string_equal(errors, expected);
}

#define NAME_CHARS "; use letters, digits, '_', '-' and '/' (bpffs refuses dots)"

static void test_view_name_check(void **state)
{
	static const char *const good[] = { "tasks", "net/tcp", "a/b/c", "My_view-2", "0", "-", "_" };
	static const struct {
		const char *name;
		const char *err;
	} bad[] = {
		{ "", "empty view name" },
		{ "a.b", "view name 'a.b' has '.'" NAME_CHARS },
		{ "..", "view name '..' has '.'" NAME_CHARS },
		{ "a/../b", "view name 'a/../b' has '.'" NAME_CHARS },
		{ "a//b", "view name 'a//b' has an empty path component" },
		{ "a/", "view name 'a/' has an empty path component" },
		{ "/a", "view name '/a' has an empty path component" },
		{ "/", "view name '/' has an empty path component" },
		{ "my view", "view name 'my view' has ' '" NAME_CHARS },
		{ "a~staging", "view name 'a~staging' has '~'" NAME_CHARS },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		strcpy(err, "untouched");
		assert_int_equal(view_name_check(good[i], err, sizeof(err)), 0);
		assert_string_equal(err, "untouched");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(view_name_check(bad[i].name, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, bad[i].err);
	}
}

static void test_bad_view_names_in_file(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a.b]\n"		/* 1 */
				   "program = tasks\n"
				   "[a//b]\n"			/* 3 */
				   "program = tasks\n"
				   "[..]\n"			/* 5 */
				   "program = tasks\n"
				   "[net/]\n"			/* 7 */
				   "program = tasks\n"
				   "[my view]\n"		/* 9 */
				   "program = tasks\n"
				   "[fine]\n"
				   "program = tasks\n"),
			 -EINVAL);
	expect_at(1, "view name 'a.b' has '.'" NAME_CHARS);
	expect_at(3, "view name 'a//b' has an empty path component");
	expect_at(5, "view name '..' has '.'" NAME_CHARS);
	expect_at(7, "view name 'net/' has an empty path component");
	expect_at(9, "view name 'my view' has ' '" NAME_CHARS);
	assert_string_equal(errors, expected);
	assert_non_null(manifest_find(&m, "fine"));
}

static void test_key_outside_section(void **state)
{
	(void)state;

	assert_int_equal(load_text("; comment\nprogram = tasks\n[tasks]\nprogram = tasks\n"), -EINVAL);
	expect_at(2, "'program' is outside any [view] section");
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 1);
	assert_string_equal(m.views[0].name, "tasks");
}

static void test_missing_program_and_object(void **state)
{
	(void)state;

	assert_int_equal(load_text("[ok]\n"
				   "program = tasks\n"
				   "\n"
				   "[params-only]\n"	/* 4 */
				   "comm = nginx\n"
				   "mode = 0444\n"),
			 -EINVAL);
	expect_at(4, "[params-only] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='");
	assert_string_equal(errors, expected);
}

static void test_empty_program_or_object(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nprogram =\n[b]\nobject =\n"), -EINVAL);
	expect_at(2, "[a] program is empty");
	expect_at(4, "[b] object is empty");
	assert_string_equal(errors, expected);
}

#define NOT_MODE "is not an octal file mode up to 0777, like 0440"
#define NOT_UID "is not a user name or uid (0 to 4294967294)"
#define NOT_GID "is not a group name or gid (0 to 4294967294)"

static void test_bad_mode(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nprogram = tasks\nmode = 0800\n"
				   "[b]\nprogram = tasks\nmode = 999\n"
				   "[c]\nprogram = tasks\nmode = -1\n"
				   "[d]\nprogram = tasks\nmode = 01000\n"
				   "[e]\nprogram = tasks\nmode = rw\n"),
			 -EINVAL);
	expect_at(3, "[a] mode = '0800' " NOT_MODE);
	expect_at(6, "[b] mode = '999' " NOT_MODE);
	expect_at(9, "[c] mode = '-1' " NOT_MODE);
	expect_at(12, "[d] mode = '01000' " NOT_MODE);
	expect_at(15, "[e] mode = 'rw' " NOT_MODE);
	assert_string_equal(errors, expected);
}

static void test_bad_pid_and_tid(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nprogram = tasks\npid = 0\n"
				   "[b]\nprogram = tasks\npid = abc\n"
				   "[c]\nprogram = tasks\npid = -5\n"
				   "[d]\nprogram = tasks\ntid = 4294967296\n"
				   "[e]\nprogram = tasks\ntid = 0\n"),
			 -EINVAL);
	expect_at(3, "[a] pid = '0' is not a process id");
	expect_at(6, "[b] pid = 'abc' is not a process id");
	expect_at(9, "[c] pid = '-5' is not a process id");
	expect_at(12, "[d] tid = '4294967296' is not a thread id");
	expect_at(15, "[e] tid = '0' is not a thread id");
	assert_string_equal(errors, expected);
}

static void test_pid_and_tid_both_set(void **state)
{
	(void)state;

	assert_int_equal(load_text("\n[stacks]\nprogram = stacks\npid = 1\ntid = 2\n"), -EINVAL);
	expect_at(2, "[stacks] set pid or tid, not both");
	assert_string_equal(errors, expected);
}

static void test_unknown_owner_and_group(void **state)
{
	(void)state;

	assert_int_equal(load_text("[tasks]\nprogram = tasks\n"
				   "owner = no-such-user-bpfviews\n"
				   "group = no-such-group-bpfviews\n"),
			 -EINVAL);
	expect_at(3, "[tasks] owner = 'no-such-user-bpfviews' " NOT_UID);
	expect_at(4, "[tasks] group = 'no-such-group-bpfviews' " NOT_GID);
	assert_string_equal(errors, expected);
}

/* (uid_t)-1 means "leave it" to chown: as an owner, every apply would find
 * the view's owner changed and never be able to set it. */
static void test_owner_and_group_minus_one(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nprogram = tasks\nowner = 4294967295\ngroup = 4294967295\n"
				   "[b]\nprogram = tasks\nowner = -1\ngroup = -1\n"
				   "[c]\nprogram = tasks\nowner = 4294967296\ngroup = 4294967294\n"),
			 -EINVAL);
	expect_at(3, "[a] owner = '4294967295' " NOT_UID);
	expect_at(4, "[a] group = '4294967295' " NOT_GID);
	expect_at(7, "[b] owner = '-1' " NOT_UID);
	expect_at(8, "[b] group = '-1' " NOT_GID);
	expect_at(11, "[c] owner = '4294967296' " NOT_UID);
	assert_string_equal(errors, expected);
	assert_int_equal(view("c")->gid, 4294967294u);
}

static void test_relative_object_refused(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nobject = stacks.bpf.o\n[b]\nobject = ./x.bpf.o\n"
				   "[c]\nobject = /opt/x.bpf.o\n"),
			 -EINVAL);
	expect_at(2, "[a] object = 'stacks.bpf.o' is not an absolute path");
	expect_at(4, "[b] object = './x.bpf.o' is not an absolute path");
	assert_string_equal(errors, expected);
}

/* A section without keys is still a view, and still needs a program. */
static void test_section_without_keys(void **state)
{
	(void)state;

	assert_int_equal(load_text("[empty]\n"
				   "; nothing here\n"
				   "[tasks]\n"
				   "program = tasks\n"
				   "[bad.name]\n"
				   "[tasks]\n"),
			 -EINVAL);
	expect_at(5, "view name 'bad.name' has '.'" NAME_CHARS);
	expect("%s:6: view 'tasks' is already defined at %s:3", at("a.conf"), at("a.conf"));
	expect_at(1, "[empty] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='");
	expect_at(5, "[bad.name] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='");
	expect_at(6, "[tasks] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='");
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 4);
	assert_string_equal(m.views[0].name, "empty");
	assert_int_equal(m.views[0].line, 1);
	assert_int_equal(m.views[0].nkeys, 0);
}

static void test_byte_order_mark(void **state)
{
	(void)state;

	assert_int_equal(load_text("\xEF\xBB\xBF[tasks]\nprogram = tasks\n"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(view("tasks")->line, 1);
	assert_key(view("tasks"), 0, "program", "tasks", 2);
}

/* A line of LEN characters: "comm = " and digits, then "\n". */
static char *long_line(char *buf, size_t len)
{
	size_t n = strlen("comm = ");

	memcpy(buf, "comm = ", n);
	memset(buf + n, '7', len - n);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	return buf;
}

static void test_line_at_the_limit(void **state)
{
	static char line[MANIFEST_MAX_LINE + 2], text[MANIFEST_MAX_LINE + 64];
	(void)state;

	snprintf(text, sizeof(text), "[tasks]\nprogram = tasks\n%smode = 0444\n",
		 long_line(line, MANIFEST_MAX_LINE));
	assert_int_equal(load_text(text), 0);
	assert_string_equal(errors, "");
	assert_int_equal(strlen(view("tasks")->keys[1].value), MANIFEST_MAX_LINE - strlen("comm = "));
	assert_int_equal(view("tasks")->mode, 0444);
}

static void test_line_over_the_limit_is_an_error_not_two_lines(void **state)
{
	static char line[MANIFEST_MAX_LINE + 3], text[MANIFEST_MAX_LINE + 64];
	char msg[128];
	(void)state;

	snprintf(text, sizeof(text), "[tasks]\nprogram = tasks\n%smode = 0444\n",
		 long_line(line, MANIFEST_MAX_LINE + 1));
	assert_int_equal(load_text(text), -EINVAL);
	snprintf(msg, sizeof(msg), "[tasks] line is longer than %d characters", MANIFEST_MAX_LINE);
	expect_at(3, msg);
	assert_string_equal(errors, expected);
	assert_int_equal(view("tasks")->nkeys, 2);
	assert_int_equal(view("tasks")->mode, 0444);
}

/* sun_path is 108 bytes: four socket paths or IPv6 addresses in one list. */
static void test_four_unix_paths_on_one_line(void **state)
{
	char path[108], value[4 * 110], text[sizeof(value) + 256];
	(void)state;

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	snprintf(value, sizeof(value), "%s, %s, %s, %s", path, path, path, path);
	snprintf(text, sizeof(text), "[sockets]\nprogram = unix\npath = %s\n"
		 "addr = ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe, "
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd, ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffc\n", value);
	assert_int_equal(load_text(text), 0);
	assert_string_equal(errors, "");
	assert_key(view("sockets"), 1, "path", value, 3);
	assert_int_equal(strlen(view("sockets")->keys[2].value), 4 * 39 + 3 * 2);
}

static void test_long_names_whole(void **state)
{
	char key[100], text[256];
	(void)state;

	memset(key, 'k', 80);
	key[80] = '\0';
	snprintf(text, sizeof(text), "[monitoring/production/web-frontend/nginx-worker/tasks]\n"
		 "program = tasks\n%s = 1\n", key);
	assert_int_equal(load_text(text), 0);
	assert_string_equal(errors, "");
	assert_int_equal(view("monitoring/production/web-frontend/nginx-worker/tasks")->line, 1);
	assert_key(view("monitoring/production/web-frontend/nginx-worker/tasks"), 1, key, "1", 3);
}

/* NAME of LEN characters: components of PART characters joined by '/'. */
static char *name_of(char *buf, size_t len, size_t part)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (i + 1) % (part + 1) ? 'a' + i % 26 : '/';
	buf[len] = '\0';
	return buf;
}

static void test_view_name_limits(void **state)
{
	static char name[VIEW_NAME_MAX + 2], text[2 * VIEW_NAME_MAX + 64], msg[256];
	(void)state;

	/* the longest name, and a last component of the longest length */
	snprintf(text, sizeof(text), "[%s]\nprogram = tasks\n", name_of(name, VIEW_NAME_MAX, 200));
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "[%s]\nprogram = tasks\n",
		 name_of(name, VIEW_PART_MAX, VIEW_PART_MAX));
	assert_int_equal(load_text(text), 0);
	assert_string_equal(errors, "");
	assert_non_null(manifest_find(&m, name_of(name, VIEW_NAME_MAX, 200)));
	assert_non_null(manifest_find(&m, name_of(name, VIEW_PART_MAX, VIEW_PART_MAX)));
	manifest_free(&m);

	snprintf(text, sizeof(text), "[%s]\nprogram = tasks\n", name_of(name, VIEW_NAME_MAX + 1, 200));
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "[%s]\nprogram = tasks\n",
		 name_of(name, VIEW_PART_MAX + 1, VIEW_PART_MAX + 1));
	assert_int_equal(load_text(text), -EINVAL);
	snprintf(msg, sizeof(msg), "view name '%.40s...' is %d characters long; at most %d",
		 name_of(name, VIEW_NAME_MAX + 1, 200), VIEW_NAME_MAX + 1, VIEW_NAME_MAX);
	expect_at(1, msg);
	snprintf(msg, sizeof(msg), "view name '%.40s...' has a component of %d characters; at most %d",
		 name_of(name, VIEW_PART_MAX + 1, VIEW_PART_MAX + 1), VIEW_PART_MAX + 1, VIEW_PART_MAX);
	expect_at(3, msg);
	assert_string_equal(errors, expected);
}

static void write_bytes(const char *rel, const char *bytes, size_t len)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[tasks]\nprogram = tasks\ncomm = ng\0inx\nmode = 0444\nformat = c\0sv";
	(void)state;

	write_bytes("a.conf", text, sizeof(text) - 1);
	assert_int_equal(load(1, "a.conf"), -EINVAL);
	expect_at(3, "[tasks] NUL byte in the line");
	expect_at(5, "[tasks] NUL byte in the line");
	assert_string_equal(errors, expected);
	assert_int_equal(view("tasks")->nkeys, 2);
	assert_int_equal(view("tasks")->mode, 0444);
}

static void test_last_line_without_newline(void **state)
{
	(void)state;

	assert_int_equal(load_text("[tasks]\r\nprogram = tasks\r\nmode = 0444"), 0);
	assert_string_equal(errors, "");
	assert_key(view("tasks"), 1, "mode", "0444", 3);
}

static void test_header_without_bracket(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nprogram = tasks\n[b\nmode = 0444\n[c]\nprogram = tasks\n"), -EINVAL);
	expect_at(3, "syntax error: '[' without ']'");
	assert_string_equal(errors, expected);
	/* the keys under a broken header belong to no view */
	assert_int_equal(view("a")->mode, 0400);
	assert_int_equal(m.nviews, 2);
}

static void test_syntax_error(void **state)
{
	(void)state;

	assert_int_equal(load_text("[tasks]\nprogram = tasks\nthis line has no equals sign\nmode = 0444\n"),
			 -EINVAL);
	expect_at(3, "[tasks] syntax error (expected [view] or key = value)");
	assert_string_equal(errors, expected);
	/* The lines after the error are still read. */
	assert_int_equal(view("tasks")->mode, 0444);
}

static void test_errors_go_on_and_count(void **state)
{
	(void)state;

	make_dir("d");
	write_file("d/a.conf", "[x.y]\nprogram = tasks\n");
	write_file("d/b.conf", "[ok]\nprogram = tasks\n[bad]\nmode = 9\n");
	assert_int_equal(load(1, "d"), -EINVAL);
	expect("%s:1: view name 'x.y' has '.'" NAME_CHARS, at("d/a.conf"));
	expect("%s:4: [bad] mode = '9' " NOT_MODE, at("d/b.conf"));
	expect("%s:3: [bad] needs 'program =' (a built-in, see 'bpfviews programs') or 'object ='",
	       at("d/b.conf"));
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 3);
}

/* ---- which files are read ---- */

static void test_dir_reads_only_conf_files(void **state)
{
	(void)state;

	make_dir("d");
	write_file("d/a.conf", "[a]\nprogram = tasks\n");
	write_file("d/b.conf.bak", "[b]\nprogram = tasks\n");
	write_file("d/README", "not ini at all\n");
	write_file("d/.conf", "[hidden]\nprogram = tasks\n");
	assert_int_equal(load(1, "d"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("d/a.conf"));
	assert_int_equal(m.nviews, 1);
	assert_string_equal(m.views[0].name, "a");
}

static void test_explicit_file_any_name(void **state)
{
	(void)state;

	write_file("views.ini", "[a]\nprogram = tasks\n");
	assert_int_equal(load(1, "views.ini"), 0);
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("views.ini"));
	assert_string_equal(view("a")->file, at("views.ini"));
}

static void test_missing_source(void **state)
{
	(void)state;

	assert_int_equal(load(1, "nope"), -EINVAL);
	expect("%s: No such file or directory", at("nope"));
	assert_string_equal(errors, expected);
	assert_int_equal(m.nfiles, 0);
}

#define NO_FILES "no manifest file (*.conf) in %s or %s; nothing is changed (a manifest file with no " \
	"views empties the root on purpose, as does 'bpfviews remove --all')"

/* Nothing to read is not "no views": apply would unpin every view. */
static void test_empty_dir(void **state)
{
	(void)state;

	make_dir("d");
	make_dir("e");
	write_file("d/README", "[a]\nprogram = tasks\n");
	assert_int_equal(load(2, "d", "e"), -EINVAL);
	expect(NO_FILES, at("d"), at("e"));
	assert_int_equal(m.nfiles, 0);
	assert_int_equal(m.nviews, 0);
}

/* A file that says nothing, or a mask, is a manifest of no views. */
static void test_file_without_views_is_empty_on_purpose(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/50-default.conf", "[tasks]\nprogram = tasks\n");
	assert_int_equal(symlink("/dev/null", at("etc/50-default.conf")), 0);
	assert_int_equal(load(2, "lib", "etc"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nviews, 0);
	manifest_free(&m);

	write_file("etc/00-none.conf", "; no views on this host\n");
	assert_int_equal(load(1, "etc"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nfiles, 1);
	assert_int_equal(m.nviews, 0);
	manifest_free(&m);

	write_file("none.conf", "");
	assert_int_equal(load(1, "none.conf"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nviews, 0);
}

static void test_directory_named_conf(void **state)
{
	(void)state;

	make_dir("d");
	make_dir("d/50-default.conf");
	write_file("d/60-more.conf", "[a]\nprogram = tasks\n");
	assert_int_equal(load(1, "d"), -EINVAL);
	expect("%s: is a directory, not a regular file; only regular files are read",
	       at("d/50-default.conf"));
	assert_string_equal(errors, expected);
	assert_int_equal(m.nfiles, 1);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("reading a FIFO manifest blocked");
}

static void test_fifo_is_not_read(void **state)
{
	(void)state;

	make_dir("d");
	assert_int_equal(mkfifo(at("d/50-default.conf"), 0644), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	assert_int_equal(load(1, "d"), -EINVAL);
	alarm(0);
	expect("%s: is a FIFO, not a regular file; only regular files are read", at("d/50-default.conf"));
	assert_string_equal(errors, expected);
	assert_int_equal(m.nfiles, 0);
}

static void test_size_limit(void **state)
{
	static char text[MANIFEST_MAX_SIZE + 1];
	(void)state;

	/* comment lines, then a view: all of the file is read */
	memset(text, ';', sizeof(text));
	for (size_t i = 99; i < sizeof(text); i += 100)
		text[i] = '\n';
	memcpy(text + MANIFEST_MAX_SIZE - 23, "\n[a]\nprogram = tasks\n;;", 23);
	write_bytes("a.conf", text, MANIFEST_MAX_SIZE);
	assert_int_equal(load(1, "a.conf"), 0);
	assert_string_equal(errors, "");
	assert_non_null(manifest_find(&m, "a"));
	manifest_free(&m);

	write_bytes("a.conf", text, MANIFEST_MAX_SIZE + 1);
	assert_int_equal(load(1, "a.conf"), -EINVAL);
	expect("%s: larger than %d bytes, the most that is read", at("a.conf"),
	       MANIFEST_MAX_SIZE);
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 0);
}

/* A program global named like a key of the tool: "global." says which. */
static void test_global_prefix(void **state)
{
	(void)state;

	assert_int_equal(load_text("[a]\nobject = /x.bpf.o\npid = 1\nglobal.pid = 2\n"
				   "comm = x\nglobal.comm = y\nglobal.mode = 3\n"),
			 -EINVAL);
	expect_at(6, "[a] 'global.comm' is already set at line 5");
	assert_string_equal(errors, expected);
	assert_int_equal(view("a")->pid, 1);
	assert_int_equal(view("a")->mode, 0400);
	assert_key(view("a"), 2, "global.pid", "2", 4);
	assert_key(view("a"), 4, "global.mode", "3", 7);
}

static void test_later_dir_overrides(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/tasks.conf", "[tasks]\nprogram = tasks\nmode = 0400\n");
	write_file("etc/tasks.conf", "\n[tasks]\nprogram = tasks\nmode = 0444\n");
	assert_int_equal(load(2, "lib", "etc"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("etc/tasks.conf"));
	assert_int_equal(m.nviews, 1);
	assert_string_equal(view("tasks")->file, at("etc/tasks.conf"));
	assert_int_equal(view("tasks")->line, 2);
	assert_int_equal(view("tasks")->mode, 0444);
}

static void test_order_of_dirs_decides_override(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/tasks.conf", "[tasks]\nprogram = tasks\nmode = 0400\n");
	write_file("etc/tasks.conf", "[tasks]\nprogram = tasks\nmode = 0444\n");
	assert_int_equal(load(2, "etc", "lib"), 0);
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("lib/tasks.conf"));
	assert_int_equal(view("tasks")->mode, 0400);
}

static void test_dev_null_masks(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/tasks.conf", "[tasks]\nprogram = tasks\n");
	write_file("lib/tcp.conf", "[net/tcp]\nprogram = tcp\n");
	assert_int_equal(symlink("/dev/null", at("etc/tasks.conf")), 0);
	assert_int_equal(load(2, "lib", "etc"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("lib/tcp.conf"));
	assert_int_equal(m.nviews, 1);
	assert_null(manifest_find(&m, "tasks"));
	assert_non_null(manifest_find(&m, "net/tcp"));
}

static void test_mask_then_unmask(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("run");
	make_dir("etc");
	write_file("lib/tasks.conf", "[tasks]\nprogram = tasks\nmode = 0400\n");
	assert_int_equal(symlink("/dev/null", at("run/tasks.conf")), 0);
	write_file("etc/tasks.conf", "[tasks]\nprogram = tasks\nmode = 0440\n");
	assert_int_equal(load(3, "lib", "run", "etc"), 0);
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("etc/tasks.conf"));
	assert_int_equal(view("tasks")->mode, 0440);
}

static void test_lexical_order_across_dirs(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/20-b.conf", "[b]\nprogram = tasks\n");
	write_file("lib/40-d.conf", "[d]\nprogram = tasks\n");
	write_file("etc/10-a.conf", "[a]\nprogram = tasks\n");
	write_file("etc/30-c.conf", "[c]\nprogram = tasks\n");
	assert_int_equal(load(2, "lib", "etc"), 0);
	assert_int_equal(m.nfiles, 4);
	assert_string_equal(m.files[0], at("etc/10-a.conf"));
	assert_string_equal(m.files[1], at("lib/20-b.conf"));
	assert_string_equal(m.files[2], at("etc/30-c.conf"));
	assert_string_equal(m.files[3], at("lib/40-d.conf"));
	assert_int_equal(m.nviews, 4);
	assert_string_equal(m.views[0].name, "a");
	assert_string_equal(m.views[1].name, "b");
	assert_string_equal(m.views[2].name, "c");
	assert_string_equal(m.views[3].name, "d");
}

/* ---- trust: files that decide what runs in the kernel ---- */

#define GROUP_WRITABLE "writable by group or others (mode %04o); refusing it (chmod go-w)"

static void test_group_writable_file_refused(void **state)
{
	(void)state;

	make_dir("d");
	write_file("d/a.conf", "[a]\nprogram = tasks\n");
	write_file("d/b.conf", "[b]\nprogram = tasks\n");
	assert_int_equal(chmod(at("d/b.conf"), 0664), 0);
	assert_int_equal(load(1, "d"), -EINVAL);
	expect("%s: " GROUP_WRITABLE, at("d/b.conf"), 0664);
	assert_string_equal(errors, expected);
	/* A refused file contributes nothing. */
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.files[0], at("d/a.conf"));
	assert_non_null(manifest_find(&m, "a"));
	assert_null(manifest_find(&m, "b"));
}

static void test_other_writable_explicit_file_refused(void **state)
{
	(void)state;

	write_file("a.conf", "[a]\nprogram = tasks\n");
	assert_int_equal(chmod(at("a.conf"), 0646), 0);
	assert_int_equal(load(1, "a.conf"), -EINVAL);
	expect("%s: " GROUP_WRITABLE, at("a.conf"), 0646);
	assert_string_equal(errors, expected);
	assert_int_equal(m.nfiles, 0);
	assert_int_equal(m.nviews, 0);
}

static void test_file_not_owned_by_root_refused(void **state)
{
	(void)state;

	write_file("a.conf", "[a]\nprogram = tasks\n");
	assert_int_equal(chown(at("a.conf"), 1, 1), 0);
	assert_int_equal(load(1, "a.conf"), -EINVAL);
	expect("%s: owned by uid 1, not root; refusing it (chown root)", at("a.conf"));
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 0);
}

static void test_group_writable_dir_refused(void **state)
{
	(void)state;

	make_dir("d");
	write_file("d/a.conf", "[a]\nprogram = tasks\n");
	assert_int_equal(chmod(at("d"), 0775), 0);
	assert_int_equal(load(1, "d"), -EINVAL);
	expect("%s: " GROUP_WRITABLE, at("d"), 0775);
	assert_string_equal(errors, expected);
	assert_int_equal(m.nviews, 0);
}

/* A masked file is never read, so its mode does not matter. */
static void test_mask_is_not_trust_checked(void **state)
{
	(void)state;

	make_dir("lib");
	make_dir("etc");
	write_file("lib/tasks.conf", "[tasks]\nprogram = tasks\n");
	assert_int_equal(chmod(at("lib/tasks.conf"), 0666), 0);
	assert_int_equal(symlink("/dev/null", at("etc/tasks.conf")), 0);
	assert_int_equal(load(2, "lib", "etc"), 0);
	assert_string_equal(errors, "");
	assert_int_equal(m.nviews, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sections_and_keys),
		T(test_inline_comment_is_stripped),
		T(test_defaults),
		T(test_own_keys),
		T(test_object_alone_is_enough),
		T(test_program_parameters_kept_as_keys),
		T(test_key_is_own),
		T(test_param_key),
		T(test_duplicate_key),
		T(test_duplicate_view_in_one_file),
		T(test_duplicate_view_across_files),
		T(test_view_name_check),
		T(test_bad_view_names_in_file),
		T(test_key_outside_section),
		T(test_missing_program_and_object),
		T(test_empty_program_or_object),
		T(test_bad_mode),
		T(test_bad_pid_and_tid),
		T(test_pid_and_tid_both_set),
		T(test_unknown_owner_and_group),
		T(test_section_without_keys),
		T(test_byte_order_mark),
		T(test_syntax_error),
		T(test_line_at_the_limit),
		T(test_line_over_the_limit_is_an_error_not_two_lines),
		T(test_four_unix_paths_on_one_line),
		T(test_long_names_whole),
		T(test_view_name_limits),
		T(test_nul_byte),
		T(test_last_line_without_newline),
		T(test_header_without_bracket),
		T(test_owner_and_group_minus_one),
		T(test_relative_object_refused),
		T(test_global_prefix),
		T(test_errors_go_on_and_count),
		T(test_dir_reads_only_conf_files),
		T(test_explicit_file_any_name),
		T(test_missing_source),
		T(test_empty_dir),
		T(test_file_without_views_is_empty_on_purpose),
		T(test_directory_named_conf),
		T(test_fifo_is_not_read),
		T(test_size_limit),
		T(test_later_dir_overrides),
		T(test_order_of_dirs_decides_override),
		T(test_dev_null_masks),
		T(test_mask_then_unmask),
		T(test_lexical_order_across_dirs),
		T(test_group_writable_file_refused),
		T(test_other_writable_explicit_file_refused),
		T(test_file_not_owned_by_root_refused),
		T(test_group_writable_dir_refused),
		T(test_mask_is_not_trust_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
