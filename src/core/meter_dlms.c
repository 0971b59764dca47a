/* The meter's DLMS/COSEM server endpoint: one association per connection,
 * logical device 1 (management). */
#include "meter_internal.h"

#define SERVER_LOGICAL_DEVICE 1u
#define TRACE_BYTES 96u /* hex shown per APDU; the summary names the rest */

static const char *apdu_name(uint8_t tag)
{
    switch (tag) {
    case 0x60: return "AARQ";
    case 0x61: return "AARE";
    case 0x62: return "RLRQ";
    case 0x63: return "RLRE";
    case 0xC0: return "GET-Request";
    case 0xC1: return "SET-Request";
    case 0xC3: return "ACTION-Request";
    case 0xC4: return "GET-Response";
    case 0xC5: return "SET-Response";
    case 0xC7: return "ACTION-Response";
    case 0xD8: return "ExceptionResponse";
    default: return "APDU";
    }
}

static char *put_text(char *p, const char *end, const char *s)
{
    while (*s && p < end) {
        *p++ = *s++;
    }
    return p;
}

static char *put_num(char *p, const char *end, unsigned v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && n < 10);
    while (n > 0 && p < end) {
        *p++ = digits[--n];
    }
    return p;
}

/* "<- client 17: GET-Request class 3 1.1.1.8.0.255 attr 2 | c0 01 c1 ..." */
static void trace(pp_meter_t *m, const char *dir, uint16_t client, const uint8_t *a, size_t n)
{
    static const char HEX[] = "0123456789abcdef";
    char line[64 + 40 + 3 * TRACE_BYTES + 8] = {0};
    const char *const end = &line[sizeof line - 1];
    char *p = line;
    p = put_text(p, end, dir);
    p = put_text(p, end, " client ");
    p = put_num(p, end, client);
    p = put_text(p, end, ": ");
    p = put_text(p, end, n ? apdu_name(a[0]) : "empty");
    if (n >= 12 && (a[0] == 0xC0 || a[0] == 0xC1 || a[0] == 0xC3) && a[1] == 1) {
        p = put_text(p, end, " class ");
        p = put_num(p, end, (unsigned)(a[3] << 8 | a[4]));
        p = put_text(p, end, " ");
        for (int i = 0; i < 6; i++) {
            p = put_num(p, end, a[5 + i]);
            p = put_text(p, end, i < 5 ? "." : "");
        }
        p = put_text(p, end, a[0] == 0xC3 ? " method " : " attr ");
        p = put_num(p, end, a[11]);
    }
    p = put_text(p, end, " |");
    for (size_t i = 0; i < n && i < TRACE_BYTES && p + 3 <= end; i++) {
        *p++ = ' ';
        *p++ = HEX[a[i] >> 4];
        *p++ = HEX[a[i] & 15];
    }
    p = put_text(p, end, n > TRACE_BYTES ? " ..." : "");
    *p = '\0';
    m->port->log(m->port->ctx, PP_LOG_TRACE, "dlms", line);
}

int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap)
{
    if (server != SERVER_LOGICAL_DEVICE) {
        return 0; /* not addressed to a logical device of this meter: discard */
    }
    const bool tracing = m->cfg.trace && m->port->log;
    if (tracing) {
        trace(m, "<-", client, req, len);
    }
    int n = pp_dlms_apdu(m, &c->dlms, client, req, len, resp, cap);
    if (tracing && n > 0 && cap > 0) {
        trace(m, "->", client, resp, (size_t)n);
    }
    return cap == 0 ? 0 : n;
}

void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c)
{
    (void)m;
    pp_dlms_release(&c->dlms);
}
