/* Test-vector files beside each test (tests/<kind>/vectors/<module>/NAME).
 * Format, in the spirit of Mbed TLS .data files: one case per line, fields
 * separated by '|', surrounding blanks trimmed; '#' starts a comment line;
 * empty lines are skipped. Hex fields may contain spaces. */
#ifndef PP_TEST_VECTORS_H
#define PP_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#define PP_VEC_MAX_FIELDS 16

typedef struct pp_vec_case {
    const char *file;
    unsigned line;
    unsigned nfields;
    char *field[PP_VEC_MAX_FIELDS];
} pp_vec_case_t;

/* Calls fn for every case of PP_VECTOR_DIR/relpath; returns the number of
 * cases, failing the test (cmocka fail_msg) if the file cannot be read. */
typedef void (*pp_vec_fn)(const pp_vec_case_t *c, void *arg);
unsigned pp_vec_each(const char *vector_dir, const char *relpath, pp_vec_fn fn, void *arg);

/* Parses hex (spaces ignored) into out; returns the byte count or -1. */
int pp_vec_hex(const char *hex, uint8_t *out, size_t max);

/* Reads a whole file into a malloc'd buffer (caller frees); NULL on error. */
uint8_t *pp_vec_read_file(const char *path, size_t *len);

#define PP_VEC_EACH(relpath, fn, arg) pp_vec_each(PP_VECTOR_DIR, (relpath), (fn), (arg))

#endif
