/* IEC 62056-21 message codec: incremental parser and pure encoders. */
#include <string.h>

#include "polyphase/iec62056_21.h"

enum {
    P_IDLE = 0,
    P_LINE,     /* after '/', up to CR */
    P_LINE_LF,  /* after CR */
    P_OPTION,   /* after ACK: V Z Y CR LF */
    P_CMD_C,    /* after SOH: command letter */
    P_CMD_D,    /* command type */
    P_CMD_STX,  /* STX, or ETX/EOT for a command without data */
    P_BODY,     /* data up to ETX/EOT */
    P_BCC       /* the block check character */
};

#define LINE_MAX 40 /* longest valid line: "/?" + 32 + "!" */

static bool is_print(uint8_t c) { return c >= 0x20u && c <= 0x7Eu; }
static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }
static bool is_alpha(uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_start(uint8_t c)
{
    return c == '/' || c == PP_IEC21_SOH || c == PP_IEC21_STX || c == PP_IEC21_ACK ||
           c == PP_IEC21_NAK;
}
/* Printable and free of the characters the data set syntax reserves. */
static bool is_text(uint8_t c)
{
    return is_print(c) && c != '(' && c != ')' && c != '*' && c != '/' && c != '!';
}

uint8_t pp_iec21_bcc(uint8_t bcc, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bcc ^= src[i];
    }
    return bcc;
}

void pp_iec21_parser_init(pp_iec21_parser_t *p, uint32_t char_timeout_ms)
{
    memset(p, 0, sizeof *p);
    p->char_timeout_ms = char_timeout_ms;
}

void pp_iec21_parser_reset(pp_iec21_parser_t *p)
{
    p->state = P_IDLE;
    p->len = 0;
    p->overflow = false;
}

void pp_iec21_parser_expect_option(pp_iec21_parser_t *p, bool on)
{
    p->expect_option = on;
}

static void msg_clear(pp_iec21_msg_t *m, pp_iec21_kind_t kind)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
}

static void emit_bad(pp_iec21_parser_t *p, pp_iec21_msg_t *m, int err)
{
    msg_clear(m, PP_IEC21_MSG_BAD);
    m->err = err;
    pp_iec21_parser_reset(p);
}

static bool valid_address(const uint8_t *s, size_t n)
{
    PP_VERIFY(n <= PP_IEC21_ADDR_MAX, false);
    for (size_t i = 0; i < n; i++) {
        PP_VERIFY(is_digit(s[i]) || is_alpha(s[i]) || s[i] == ' ', false);
    }
    return true;
}

/* buf holds the line after '/' without CR LF. */
static void finish_line(pp_iec21_parser_t *p, pp_iec21_msg_t *m)
{
    const uint8_t *b = p->buf;
    size_t n = p->len;
    if (n >= 2 && b[0] == '?' && b[n - 1] == '!') {
        if (!valid_address(b + 1, n - 2)) {
            emit_bad(p, m, PP_ERR_MALFORMED);
            return;
        }
        msg_clear(m, PP_IEC21_MSG_REQUEST);
        m->text = (const char *)b + 1;
        m->text_len = n - 2;
        pp_iec21_parser_reset(p);
        return;
    }
    size_t at = 4;
    bool ok = n >= 4 && is_alpha(b[0]) && is_alpha(b[1]) && is_alpha(b[2]) && is_text(b[3]);
    char enhanced = 0;
    if (ok && n >= 6 && b[4] == '\\') {
        enhanced = (char)b[5];
        ok = is_digit(b[5]);
        at = 6;
    }
    ok = ok && n - at <= PP_IEC21_IDENT_MAX;
    for (size_t i = at; ok && i < n; i++) {
        ok = is_text(b[i]) || b[i] == '(' || b[i] == ')' || b[i] == '*';
    }
    if (!ok) {
        emit_bad(p, m, PP_ERR_MALFORMED);
        return;
    }
    msg_clear(m, PP_IEC21_MSG_IDENT);
    memcpy(m->manufacturer, b, 3);
    m->manufacturer[3] = '\0';
    m->baud = (char)b[3];
    m->enhanced = enhanced;
    m->text = (const char *)b + at;
    m->text_len = n - at;
    pp_iec21_parser_reset(p);
}

static void finish_option(pp_iec21_parser_t *p, pp_iec21_msg_t *m)
{
    const uint8_t *b = p->buf;
    if (!is_digit(b[0]) || !is_digit(b[1]) || !is_digit(b[2]) || b[3] != PP_IEC21_CR ||
        b[4] != PP_IEC21_LF) {
        emit_bad(p, m, PP_ERR_MALFORMED);
        return;
    }
    msg_clear(m, PP_IEC21_MSG_OPTION);
    m->proto = (char)b[0];
    m->baud = (char)b[1];
    m->mode = (char)b[2];
    pp_iec21_parser_reset(p);
}

static bool valid_command(char c, char t)
{
    return (c == 'P' || c == 'W' || c == 'R' || c == 'E' || c == 'B') && is_digit((uint8_t)t);
}

static void finish_block(pp_iec21_parser_t *p, pp_iec21_msg_t *m, uint8_t bcc)
{
    if (bcc != p->bcc) {
        emit_bad(p, m, PP_ERR_CRC);
        return;
    }
    if (p->overflow) {
        emit_bad(p, m, PP_ERR_NOSPACE);
        return;
    }
    bool command = p->cmd != 0;
    if (command && !valid_command(p->cmd, p->cmd_type)) {
        emit_bad(p, m, PP_ERR_MALFORMED);
        return;
    }
    msg_clear(m, command ? PP_IEC21_MSG_COMMAND : PP_IEC21_MSG_BLOCK);
    m->cmd = p->cmd;
    m->cmd_type = p->cmd_type;
    m->has_data = p->has_stx;
    m->partial = p->partial;
    m->data = p->buf;
    m->data_len = p->len;
    pp_iec21_parser_reset(p);
}

static void start(pp_iec21_parser_t *p, uint8_t c, pp_iec21_msg_t *m, bool *got)
{
    p->len = 0;
    p->overflow = false;
    p->has_stx = false;
    p->partial = false;
    p->cmd = 0;
    p->cmd_type = 0;
    p->bcc = 0;
    switch (c) {
    case '/': p->state = P_LINE; break;
    case PP_IEC21_SOH: p->state = P_CMD_C; break;
    case PP_IEC21_STX: p->state = P_BODY; p->has_stx = true; break;
    case PP_IEC21_ACK:
        if (p->expect_option) {
            p->state = P_OPTION;
        } else {
            msg_clear(m, PP_IEC21_MSG_ACK);
            *got = true;
        }
        break;
    case PP_IEC21_NAK: msg_clear(m, PP_IEC21_MSG_NAK); *got = true; break;
    default: break; /* noise between messages, e.g. wake-up NULs */
    }
}

/* One byte inside a message. Returns false when the byte must be handed to
 * the idle state again (it starts the next message). */
static bool step(pp_iec21_parser_t *p, uint8_t c, pp_iec21_msg_t *m, bool *got)
{
    switch (p->state) {
    case P_LINE:
        if (c == PP_IEC21_CR) {
            p->state = P_LINE_LF;
        } else if (!is_print(c)) {
            emit_bad(p, m, PP_ERR_MALFORMED);
            *got = true;
            return !is_start(c);
        } else if (p->len >= LINE_MAX) {
            emit_bad(p, m, PP_ERR_NOSPACE);
            *got = true;
        } else {
            p->buf[p->len++] = c;
        }
        return true;
    case P_LINE_LF:
        *got = true;
        if (c != PP_IEC21_LF) {
            emit_bad(p, m, PP_ERR_MALFORMED);
            return !is_start(c);
        }
        finish_line(p, m);
        return true;
    case P_OPTION:
        p->buf[p->len++] = c;
        if (p->len == 5 || c == PP_IEC21_LF) {
            *got = true;
            if (p->len < 5) {
                emit_bad(p, m, PP_ERR_MALFORMED);
            } else {
                finish_option(p, m);
            }
        }
        return true;
    case P_CMD_C:
    case P_CMD_D:
        if (!is_print(c)) {
            emit_bad(p, m, PP_ERR_MALFORMED);
            *got = true;
            return !is_start(c);
        }
        p->bcc ^= c;
        if (p->state == P_CMD_C) {
            p->cmd = (char)c;
            p->state = P_CMD_D;
        } else {
            p->cmd_type = (char)c;
            p->state = P_CMD_STX;
        }
        return true;
    case P_CMD_STX:
        p->bcc ^= c;
        if (c == PP_IEC21_STX) {
            p->has_stx = true;
            p->state = P_BODY;
        } else if (c == PP_IEC21_ETX || c == PP_IEC21_EOT) {
            p->partial = c == PP_IEC21_EOT;
            p->state = P_BCC;
        } else {
            emit_bad(p, m, PP_ERR_MALFORMED);
            *got = true;
            return !is_start(c);
        }
        return true;
    case P_BODY:
        if (c == PP_IEC21_SOH || c == PP_IEC21_STX) {
            emit_bad(p, m, PP_ERR_MALFORMED);
            *got = true;
            return false;
        }
        p->bcc ^= c;
        if (c == PP_IEC21_ETX || c == PP_IEC21_EOT) {
            p->partial = c == PP_IEC21_EOT;
            p->state = P_BCC;
        } else if (p->len < PP_IEC21_RX_MAX) {
            p->buf[p->len++] = c;
        } else {
            p->overflow = true;
        }
        return true;
    case P_BCC:
        *got = true;
        finish_block(p, m, c);
        return true;
    default:
        pp_iec21_parser_reset(p);
        return false;
    }
}

size_t pp_iec21_parser_feed(pp_iec21_parser_t *p, const uint8_t *src, size_t len,
                            uint64_t now_ms, pp_iec21_msg_t *msg, bool *got)
{
    *got = false;
    size_t i = 0;
    while (i < len && !*got) {
        uint8_t c = src[i];
        if (p->state != P_IDLE && p->char_timeout_ms != 0 &&
            now_ms - p->last_ms > p->char_timeout_ms) {
            pp_iec21_parser_reset(p); /* ta exceeded: the message is void */
        }
        p->last_ms = now_ms;
        if (p->state == P_IDLE) {
            start(p, c, msg, got);
            i++;
        } else if (step(p, c, msg, got)) {
            i++;
        }
    }
    return i;
}

/* ---------------------------------------------------------------- baud */

static const uint32_t baud_table[7] = {300, 600, 1200, 2400, 4800, 9600, 19200};

uint32_t pp_iec21_baud_of(char z)
{
    if (z < '0' || z > '6') {
        return 0;
    }
    return baud_table[z - '0'];
}

char pp_iec21_baud_char(uint32_t baud)
{
    for (unsigned i = 0; i < 7; i++) {
        if (baud_table[i] == baud) {
            return (char)('0' + i);
        }
    }
    return '\0';
}

/* ---------------------------------------------------------------- encoders */

typedef struct out {
    uint8_t *p;
    size_t cap, len;
    bool full;
} out_t;

static void put(out_t *o, uint8_t c)
{
    if (o->len < o->cap) {
        o->p[o->len++] = c;
    } else {
        o->full = true;
    }
}

static void put_n(out_t *o, const void *src, size_t n)
{
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++) {
        put(o, s[i]);
    }
}

static void put_s(out_t *o, const char *s) { put_n(o, s, strlen(s)); }

static void put_uint(out_t *o, unsigned v)
{
    char d[3];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0 && n < sizeof d);
    while (n > 0) {
        put(o, (uint8_t)d[--n]);
    }
}

static int done(const out_t *o)
{
    return o->full ? PP_ERR_NOSPACE : (int)o->len;
}

static bool all(const char *s, size_t n, bool (*ok)(uint8_t))
{
    for (size_t i = 0; i < n; i++) {
        PP_VERIFY(ok((uint8_t)s[i]), false);
    }
    return true;
}

int pp_iec21_encode_request(uint8_t *dst, size_t cap, const char *address)
{
    size_t n = address ? strlen(address) : 0;
    PP_VERIFY(valid_address((const uint8_t *)(address ? address : ""), n), PP_ERR_RANGE);
    out_t o = {dst, cap, 0, false};
    put_s(&o, "/?");
    put_n(&o, address ? address : "", n);
    put_s(&o, "!\r\n");
    return done(&o);
}

int pp_iec21_encode_ident(uint8_t *dst, size_t cap, const char *manufacturer, char baud,
                          char enhanced, const char *ident)
{
    size_t n = strlen(ident);
    PP_VERIFY(strlen(manufacturer) == 3 && all(manufacturer, 3, is_alpha), PP_ERR_RANGE);
    PP_VERIFY(is_text((uint8_t)baud), PP_ERR_RANGE);
    PP_VERIFY(enhanced == 0 || is_digit((uint8_t)enhanced), PP_ERR_RANGE);
    PP_VERIFY(n <= PP_IEC21_IDENT_MAX && all(ident, n, is_text), PP_ERR_RANGE);
    out_t o = {dst, cap, 0, false};
    put(&o, '/');
    put_n(&o, manufacturer, 3);
    put(&o, (uint8_t)baud);
    if (enhanced) {
        put(&o, '\\');
        put(&o, (uint8_t)enhanced);
    }
    put_n(&o, ident, n);
    put_s(&o, "\r\n");
    return done(&o);
}

int pp_iec21_encode_option(uint8_t *dst, size_t cap, char proto, char baud, char mode)
{
    PP_VERIFY(is_digit((uint8_t)proto) && is_digit((uint8_t)baud) && is_digit((uint8_t)mode),
              PP_ERR_RANGE);
    out_t o = {dst, cap, 0, false};
    put(&o, PP_IEC21_ACK);
    put(&o, (uint8_t)proto);
    put(&o, (uint8_t)baud);
    put(&o, (uint8_t)mode);
    put_s(&o, "\r\n");
    return done(&o);
}

static bool valid_body(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        PP_VERIFY(c != PP_IEC21_SOH && c != PP_IEC21_STX && c != PP_IEC21_ETX &&
                      c != PP_IEC21_EOT && c < 0x80u,
                  false);
    }
    return true;
}

int pp_iec21_encode_command(uint8_t *dst, size_t cap, char cmd, char cmd_type,
                            const uint8_t *data, size_t len, bool partial)
{
    PP_VERIFY(valid_command(cmd, cmd_type), PP_ERR_RANGE);
    PP_VERIFY(data == NULL || valid_body(data, len), PP_ERR_RANGE);
    out_t o = {dst, cap, 0, false};
    put(&o, PP_IEC21_SOH);
    put(&o, (uint8_t)cmd);
    put(&o, (uint8_t)cmd_type);
    if (data != NULL) {
        put(&o, PP_IEC21_STX);
        put_n(&o, data, len);
    }
    put(&o, partial ? PP_IEC21_EOT : PP_IEC21_ETX);
    if (!o.full) {
        put(&o, pp_iec21_bcc(0, dst + 1, o.len - 1));
    }
    return done(&o);
}

int pp_iec21_encode_block(uint8_t *dst, size_t cap, const uint8_t *data, size_t len,
                          bool partial)
{
    PP_VERIFY(valid_body(data, len), PP_ERR_RANGE);
    out_t o = {dst, cap, 0, false};
    put(&o, PP_IEC21_STX);
    put_n(&o, data, len);
    put(&o, partial ? PP_IEC21_EOT : PP_IEC21_ETX);
    if (!o.full) {
        put(&o, pp_iec21_bcc(0, dst + 1, o.len - 1));
    }
    return done(&o);
}

int pp_iec21_encode_error(uint8_t *dst, size_t cap, const char *text)
{
    size_t n = strlen(text);
    PP_VERIFY(n <= PP_IEC21_ERRTEXT_MAX && all(text, n, is_text), PP_ERR_RANGE);
    uint8_t body[PP_IEC21_ERRTEXT_MAX + 2];
    body[0] = '(';
    memcpy(body + 1, text, n);
    body[n + 1] = ')';
    return pp_iec21_encode_block(dst, cap, body, n + 2, false);
}

/* ---------------------------------------------------------------- OBIS */

int pp_iec21_format_obis(char *dst, size_t cap, const uint8_t obis[6])
{
    out_t o = {(uint8_t *)dst, cap, 0, false};
    static const char sep[5] = {'-', ':', '.', '.', '*'};
    for (unsigned g = 0; g < 6; g++) {
        if (g == 5 && obis[5] == 255) {
            break;
        }
        if (g > 0) {
            put(&o, (uint8_t)sep[g - 1]);
        }
        put_uint(&o, obis[g]);
    }
    put(&o, '\0');
    return o.full ? PP_ERR_NOSPACE : (int)o.len - 1;
}

/* One group of 1..3 decimal digits (or a letter for group C). */
static bool take_group(const char *s, size_t len, size_t *at, bool letter, uint8_t *v)
{
    static const char letters[4] = {'C', 'F', 'L', 'P'};
    if (letter && *at < len) {
        for (unsigned i = 0; i < 4; i++) {
            if (s[*at] == letters[i]) {
                *v = (uint8_t)(96 + i);
                (*at)++;
                return true;
            }
        }
    }
    unsigned val = 0, n = 0;
    while (*at < len && is_digit((uint8_t)s[*at]) && n < 3) {
        val = val * 10u + (unsigned)(s[*at] - '0');
        (*at)++;
        n++;
    }
    PP_VERIFY(n > 0 && val <= 255 && !(*at < len && is_digit((uint8_t)s[*at])), false);
    *v = (uint8_t)val;
    return true;
}

pp_err_t pp_iec21_parse_obis(const char *s, size_t len, uint8_t obis[6], bool *reduced)
{
    uint8_t g[6] = {1, 0, 0, 0, 0, 255};
    size_t at = 0;
    PP_VERIFY(s != NULL && len > 0, PP_ERR_MALFORMED);
    bool full = memchr(s, ':', len) != NULL;
    if (full) {
        PP_VERIFY(take_group(s, len, &at, false, &g[0]), PP_ERR_MALFORMED);
        PP_VERIFY(at < len && s[at++] == '-', PP_ERR_MALFORMED);
        PP_VERIFY(take_group(s, len, &at, false, &g[1]), PP_ERR_MALFORMED);
        PP_VERIFY(at < len && s[at++] == ':', PP_ERR_MALFORMED);
    }
    PP_VERIFY(take_group(s, len, &at, true, &g[2]), PP_ERR_MALFORMED);
    PP_VERIFY(at < len && s[at++] == '.', PP_ERR_MALFORMED);
    PP_VERIFY(take_group(s, len, &at, true, &g[3]), PP_ERR_MALFORMED);
    if (at < len && s[at] == '.') {
        at++;
        PP_VERIFY(take_group(s, len, &at, false, &g[4]), PP_ERR_MALFORMED);
    }
    if (at < len && (s[at] == '*' || s[at] == '&')) {
        at++;
        PP_VERIFY(take_group(s, len, &at, false, &g[5]), PP_ERR_MALFORMED);
    }
    PP_VERIFY(at == len, PP_ERR_MALFORMED);
    memcpy(obis, g, 6);
    if (reduced) {
        *reduced = !full;
    }
    return PP_OK;
}

/* ---------------------------------------------------------------- data sets */

pp_err_t pp_iec21_parse_dataset(const uint8_t *src, size_t len, pp_iec21_dataset_t *ds)
{
    const char *s = (const char *)src;
    PP_VERIFY(src != NULL && len > 0, PP_ERR_MALFORMED);
    if (len >= 2 && src[len - 2] == PP_IEC21_CR && src[len - 1] == PP_IEC21_LF) {
        len -= 2;
    }
    const char *open = memchr(s, '(', len);
    PP_VERIFY(open != NULL && len > 0 && s[len - 1] == ')', PP_ERR_MALFORMED);
    size_t alen = (size_t)(open - s);
    for (size_t i = 0; i < alen; i++) {
        PP_VERIFY(is_print(src[i]) && s[i] != ')' && s[i] != '/' && s[i] != '!',
                  PP_ERR_MALFORMED);
    }
    const char *in = open + 1;
    size_t inlen = len - alen - 2;
    const char *star = memchr(in, '*', inlen);
    size_t vlen = star ? (size_t)(star - in) : inlen;
    PP_VERIFY(all(in, vlen, is_text), PP_ERR_MALFORMED);
    PP_VERIFY(vlen <= PP_IEC21_VALUE_MAX, PP_ERR_RANGE);
    size_t ulen = star ? inlen - vlen - 1 : 0;
    PP_VERIFY(star == NULL || (ulen > 0 && all(star + 1, ulen, is_text)), PP_ERR_MALFORMED);
    PP_VERIFY(ulen <= PP_IEC21_UNIT_MAX, PP_ERR_RANGE);
    ds->address = s;
    ds->address_len = alen;
    ds->value = in;
    ds->value_len = vlen;
    ds->unit = star ? star + 1 : in + vlen;
    ds->unit_len = ulen;
    return PP_OK;
}

int pp_iec21_format_dataset(char *dst, size_t cap, const uint8_t obis[6], const char *value,
                            const char *unit, const char *value2)
{
    size_t vn = strlen(value), un = strlen(unit), v2n = value2 ? strlen(value2) : 0;
    PP_VERIFY(vn <= PP_IEC21_VALUE_MAX && all(value, vn, is_text), PP_ERR_RANGE);
    PP_VERIFY(un <= PP_IEC21_UNIT_MAX && all(unit, un, is_text), PP_ERR_RANGE);
    PP_VERIFY(v2n <= PP_IEC21_VALUE_MAX && all(value2 ? value2 : "", v2n, is_text),
              PP_ERR_RANGE);
    int an = pp_iec21_format_obis(dst, cap, obis);
    PP_TRY(an);
    out_t o = {(uint8_t *)dst, cap, (size_t)an, false};
    put(&o, '(');
    put_n(&o, value, vn);
    if (un > 0) {
        put(&o, '*');
        put_n(&o, unit, un);
    }
    put(&o, ')');
    if (v2n > 0) {
        put(&o, '(');
        put_n(&o, value2, v2n);
        put(&o, ')');
    }
    put(&o, '\0');
    return o.full ? PP_ERR_NOSPACE : (int)o.len - 1;
}
