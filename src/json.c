#include "json.h"

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
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
