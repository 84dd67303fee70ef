#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "json.h"
#include "log.h"

static const char *json(const char *s)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	json_string(f, s);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void test_json_plain(void **state)
{
	(void)state;
	assert_string_equal(json("net/tcp"), "\"net/tcp\"");
	assert_string_equal(json("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
	assert_string_equal(json(""), "\"\"");
}

static void test_json_controls(void **state)
{
	(void)state;
	assert_string_equal(json("a\nb\tc\x1b[31m\x7f"), "\"a\\u000ab\\u0009c\\u001b[31m\\u007f\"");
	/* U+009B, the one-byte CSI of 8-bit terminals, in UTF-8 */
	assert_string_equal(json("x\xc2\x9b" "1m"), "\"x\\u009b1m\"");
}

static void test_json_utf8(void **state)
{
	(void)state;
	/* valid sequences of 2, 3 and 4 bytes are kept */
	assert_string_equal(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9d"),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9d\"");
	/* a stray byte, a cut sequence, an overlong '/', a surrogate, past U+10FFFF */
	assert_string_equal(json("\xff"), "\"\\ufffd\"");
	assert_string_equal(json("\xc3"), "\"\\ufffd\"");
	assert_string_equal(json("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* What pr_err writes on stderr, in text or JSON. */
static const char *logged(bool as_json, const char *msg)
{
	static char out[512];
	int fd[2], saved;
	ssize_t n;

	assert_int_equal(pipe(fd), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd[1], STDERR_FILENO);
	log_json = as_json;
	pr_err("%s", msg);
	log_json = false;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd[1]);
	n = read(fd[0], out, sizeof(out) - 1);
	close(fd[0]);
	out[n > 0 ? n : 0] = '\0';
	return out;
}

static void test_text_escapes_controls_and_bad_bytes(void **state)
{
	(void)state;
	assert_string_equal(logged(false, "/etc/\xff\x1b[2J\n\x01x caf\xc3\xa9: gone"),
			    "bpfviews: /etc/\\xff\\x1b[2J\\x0a\\x01x caf\xc3\xa9: gone\n");
	assert_string_equal(logged(false, "\xc2\x9b" "1m"), "bpfviews: \\xc2\\x9b1m\n");
	assert_string_equal(logged(true, "/etc/\xff\x1b"),
			    "{\"level\":\"error\",\"message\":\"/etc/\\ufffd\\u001b\"}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_plain),
		cmocka_unit_test(test_json_controls),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_text_escapes_controls_and_bad_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
