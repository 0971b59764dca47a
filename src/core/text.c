#include "polyphase/text.h"

void pp_text_init(pp_text_t *t, char *out, size_t cap)
{
    *t = (pp_text_t){.out = out, .cap = cap, .len = 0};
    if (cap > 0) {
        out[0] = '\0';
    }
}

void pp_text_c(pp_text_t *t, char c)
{
    if (t->len + 1 < t->cap) {
        t->out[t->len] = c;
        t->out[t->len + 1] = '\0';
    }
    t->len++;
}

void pp_text_s(pp_text_t *t, const char *s)
{
    while (*s) {
        pp_text_c(t, *s++);
    }
}

void pp_text_u(pp_text_t *t, uint32_t v)
{
    char d[10];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && n < 10);
    while (n > 0) {
        pp_text_c(t, d[--n]);
    }
}

void pp_text_x(pp_text_t *t, uint8_t b)
{
    static const char HEX[] = "0123456789ABCDEF";
    pp_text_c(t, HEX[b >> 4]);
    pp_text_c(t, HEX[b & 15u]);
}

void pp_text_hex(pp_text_t *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && t->len + 7 >= t->cap) { /* room for " XX" and " ..." */
            pp_text_s(t, " ...");
            return;
        }
        pp_text_c(t, ' ');
        pp_text_x(t, p[i]);
    }
}

size_t pp_text_length(const pp_text_t *t)
{
    if (t->cap == 0) {
        return 0;
    }
    return t->len < t->cap ? t->len : t->cap - 1;
}
