/* A small JSON writer: values, objects and arrays on a FILE, with the commas
 * placed by the writer (bpftool's json_writer is the model). */
#ifndef BPFVIEWS_JSON_H
#define BPFVIEWS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no value written yet at this depth */
};

void json_begin(struct json *j, FILE *f);
void json_object_open(struct json *j);
void json_object_close(struct json *j);
void json_array_open(struct json *j);
void json_array_close(struct json *j);
/* A key of the enclosing object; the next value is its value. */
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_int(struct json *j, long long v);
/* KEY: S, in the enclosing object; nothing when S is NULL. */
void json_field_str(struct json *j, const char *key, const char *s);
/* Ends the top-level value with a newline. */
void json_end(struct json *j);

/* Writes S as a JSON string literal, quotes included: valid JSON whatever
 * the bytes (a byte that is not well-formed UTF-8 becomes U+FFFD; control
 * characters, DEL and the C1 controls are escaped). */
void json_string(FILE *f, const char *s);

/* The length of the well-formed UTF-8 sequence at S (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
int utf8_len(const unsigned char *s);
/* U+0080..U+009F in UTF-8: controls that terminals act on, like ESC. */
bool utf8_is_c1(const unsigned char *s);

#endif
