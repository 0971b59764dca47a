#include "vectors.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

static void split_case(char *line, pp_vec_case_t *c)
{
    c->nfields = 0;
    char *p = line;
    while (c->nfields < PP_VEC_MAX_FIELDS) {
        char *bar = strchr(p, '|');
        if (bar) {
            *bar = '\0';
        }
        c->field[c->nfields++] = trim(p);
        if (!bar) {
            break;
        }
        p = bar + 1;
    }
}

unsigned pp_vec_each(const char *vector_dir, const char *relpath, pp_vec_fn fn, void *arg)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", vector_dir, relpath);
    FILE *f = fopen(path, "r");
    if (!f) {
        fail_msg("cannot open vector file %s", path);
        return 0;
    }
    char line[8192];
    unsigned cases = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *t = trim(line);
        if (*t == '\0' || *t == '#') {
            continue;
        }
        pp_vec_case_t c = {.file = path, .line = lineno};
        split_case(t, &c);
        fn(&c, arg);
        cases++;
    }
    fclose(f);
    return cases;
}

int pp_vec_hex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        if (isspace((unsigned char)*p)) {
            continue;
        }
        if (!isxdigit((unsigned char)*p)) {
            return -1;
        }
        int v = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= max) {
                return -1;
            }
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return hi < 0 ? (int)n : -1;
}

uint8_t *pp_vec_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    *len = fread(buf, 1, (size_t)(size > 0 ? size : 0), f);
    fclose(f);
    return buf;
}
