/* A tiny text appender for trace lines and messages in the core (no stdio):
 * characters, strings, decimal and hex numbers into a caller buffer, always
 * NUL-terminated, silently truncated at the end. */
#ifndef POLYPHASE_TEXT_H
#define POLYPHASE_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct pp_text {
    char *out;
    size_t cap;
    size_t len; /* counts everything appended, even what did not fit */
} pp_text_t;

void pp_text_init(pp_text_t *t, char *out, size_t cap);
void pp_text_c(pp_text_t *t, char c);
void pp_text_s(pp_text_t *t, const char *s);
void pp_text_u(pp_text_t *t, uint32_t v);
/* Two upper-case hex digits. */
void pp_text_x(pp_text_t *t, uint8_t b);
/* " XX XX ..." for n bytes; " ..." instead of the rest when they do not fit. */
void pp_text_hex(pp_text_t *t, const uint8_t *p, size_t n);
/* Characters in out (without the NUL): min(len, cap - 1). */
size_t pp_text_length(const pp_text_t *t);

#endif
