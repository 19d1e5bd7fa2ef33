/* A small streaming JSON writer with two-space indentation. */
#ifndef MS_JSON_H
#define MS_JSON_H

#include <stdint.h>
#include <stdio.h>

#define MS_JSON_DEPTH 16

struct ms_json {
	FILE *f;
	int depth;
	int count[MS_JSON_DEPTH];	/* members written at each level */
};

void ms_json_init(struct ms_json *j, FILE *f);

/* key is NULL inside arrays and for the top-level value. */
void ms_json_object(struct ms_json *j, const char *key);
void ms_json_array(struct ms_json *j, const char *key);
void ms_json_end_object(struct ms_json *j);
void ms_json_end_array(struct ms_json *j);
void ms_json_string(struct ms_json *j, const char *key, const char *val);
void ms_json_uint(struct ms_json *j, const char *key, uint64_t val);
void ms_json_bool(struct ms_json *j, const char *key, int val);
void ms_json_null(struct ms_json *j, const char *key);

#endif
