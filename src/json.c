#include "json.h"

int utf8_len(const unsigned char *s)
{
	int len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned int cp = s[0] & (0x3f >> (len - 1));

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool utf8_is_c1(const unsigned char *s)
{
	return s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
}

void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int len;

	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, f);
		} else if (!(len = utf8_len(s))) {
			fputs("\\ufffd", f);	/* JSON text is UTF-8: a stray byte is not */
			s++;
		} else if (utf8_is_c1(s)) {
			fprintf(f, "\\u%04x", s[1]);
			s += 2;
		} else {
			fwrite(s, 1, len, f);
			s += len;
		}
	}
	fputc('"', f);
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

/* Before a value: a comma unless it is the first at its depth, or the value
 * of a key just written. */
static void separate(struct json *j)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
}

static void open_(struct json *j, char c)
{
	separate(j);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_object_open(struct json *j)
{
	open_(j, '{');
}

void json_object_close(struct json *j)
{
	close_(j, '}');
}

void json_array_open(struct json *j)
{
	open_(j, '[');
}

void json_array_close(struct json *j)
{
	close_(j, ']');
}

void json_key(struct json *j, const char *key)
{
	separate(j);
	json_string(j->f, key);
	fputc(':', j->f);
	j->first[j->depth] = true;	/* the value that follows takes no comma */
}

void json_str(struct json *j, const char *s)
{
	separate(j);
	json_string(j->f, s);
}

void json_int(struct json *j, long long v)
{
	separate(j);
	fprintf(j->f, "%lld", v);
}

void json_field_str(struct json *j, const char *key, const char *s)
{
	if (!s)
		return;
	json_key(j, key);
	json_str(j, s);
}

void json_end(struct json *j)
{
	fputc('\n', j->f);
}
