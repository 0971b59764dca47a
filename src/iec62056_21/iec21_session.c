/* IEC 62056-21 tariff-device session: sign-on, modes A/C/D, mode E
 * hand-over to HDLC, data readout and programming mode. */
#include <string.h>

#include "polyphase/iec62056_21.h"

#define NO_TIME UINT64_MAX
#define MAX_REPEATS 3u       /* NAKs answered by repeating the last answer */
#define MAX_ITEMS 256u       /* guard against a provider list without end */
#define MODE_D_BAUD 2400u

enum pending {
    PEND_NONE = 0,
    PEND_IDENT,     /* identification message */
    PEND_READOUT,   /* data readout at the current baud */
    PEND_P0,        /* programming mode: operand message */
    PEND_ANSWER,    /* programming mode: last[] */
    PEND_BREAK,     /* programming mode: B0, then end */
    PEND_HDLC_ACK   /* mode E acknowledgement, then hand over */
};

/* ---------------------------------------------------------------- lists */

#define OB(a, b, c, d, e) {a, b, c, d, e, 255}
static const uint8_t list_ud1[][6] = {
    OB(0, 0, 96, 1, 0), OB(1, 0, 0, 2, 0),                      /* identity */
    OB(1, 0, 0, 9, 1), OB(1, 0, 0, 9, 2),                       /* clock */
    OB(1, 0, 1, 8, 0), OB(1, 0, 2, 8, 0), OB(1, 0, 3, 8, 0), OB(1, 0, 4, 8, 0),
    OB(1, 0, 1, 8, 1), OB(1, 0, 1, 8, 2), OB(1, 0, 1, 8, 3), OB(1, 0, 1, 8, 4),
    OB(1, 0, 2, 8, 1), OB(1, 0, 2, 8, 2),                       /* tariffs */
    OB(1, 0, 1, 6, 0), OB(1, 0, 2, 6, 0),                       /* peaks */
    OB(1, 0, 0, 1, 0), OB(0, 0, 96, 7, 21),                     /* counters */
};
static const uint8_t list_ud2_extra[][6] = {
    OB(1, 0, 32, 7, 0), OB(1, 0, 52, 7, 0), OB(1, 0, 72, 7, 0), /* voltages */
    OB(1, 0, 31, 7, 0), OB(1, 0, 51, 7, 0), OB(1, 0, 71, 7, 0), /* currents */
    OB(1, 0, 1, 7, 0), OB(1, 0, 2, 7, 0), OB(1, 0, 14, 7, 0),   /* P, frequency */
};
#define N_UD1 (sizeof list_ud1 / sizeof list_ud1[0])
#define N_UD2X (sizeof list_ud2_extra / sizeof list_ud2_extra[0])

pp_err_t pp_iec21_default_item(unsigned list, size_t index, uint8_t obis[6])
{
    PP_VERIFY(list == 1 || list == 2, PP_ERR_ARG);
    if (index < N_UD1) {
        memcpy(obis, list_ud1[index], 6);
        return PP_OK;
    }
    index -= N_UD1;
    PP_VERIFY(list == 2 && index < N_UD2X, PP_ERR_NOT_FOUND);
    memcpy(obis, list_ud2_extra[index], 6);
    return PP_OK;
}

/* ---------------------------------------------------------------- config */

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    n = n < cap - 1 ? n : cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void pp_iec21_config_default(pp_iec21_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->z18 = PP_IEC21_AC_UD1;
    copy_str(cfg->manufacturer, sizeof cfg->manufacturer, "KAM");
    copy_str(cfg->ident, sizeof cfg->ident, "OMNIPOWER3");
    cfg->max_baud = 9600;
    cfg->mode_e = true;
    cfg->mode_a_fallback = true;
    copy_str(cfg->password, sizeof cfg->password, "00000000");
    cfg->password_tries = 3;
    cfg->time_scale = 1;
    cfg->prog_idle_ms = PP_IEC21_T_PROG_IDLE;
}

static bool text_ok(const char *s, size_t max, bool allow_empty)
{
    size_t n = 0;
    while (n <= max && s[n] != '\0') {
        n++;
    }
    PP_VERIFY(n <= max && (allow_empty || n > 0), false);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        PP_VERIFY(c >= 0x20u && c <= 0x7Eu && c != '(' && c != ')' && c != '*' &&
                      c != '/' && c != '!',
                  false);
    }
    return true;
}

pp_err_t pp_iec21_config_check(const pp_iec21_config_t *cfg)
{
    uint8_t tmp[PP_IEC21_ADDR_MAX + 8];
    PP_VERIFY(cfg->z18 <= PP_IEC21_AC_UD2, PP_ERR_RANGE);
    PP_VERIFY(pp_iec21_encode_ident(tmp, sizeof tmp, cfg->manufacturer, '5', 0, "") > 0,
              PP_ERR_RANGE);
    PP_VERIFY(text_ok(cfg->ident, PP_IEC21_IDENT_MAX, true), PP_ERR_RANGE);
    PP_VERIFY(pp_iec21_encode_request(tmp, sizeof tmp, cfg->address) > 0, PP_ERR_RANGE);
    PP_VERIFY(pp_iec21_baud_char(cfg->max_baud) != '\0', PP_ERR_RANGE);
    PP_VERIFY(text_ok(cfg->password, PP_IEC21_VALUE_MAX, false), PP_ERR_RANGE);
    PP_VERIFY(text_ok(cfg->p0_operand, PP_IEC21_IDENT_MAX, true), PP_ERR_RANGE);
    PP_VERIFY(cfg->password_tries > 0 && cfg->time_scale > 0 && cfg->prog_idle_ms > 0,
              PP_ERR_RANGE);
    return PP_OK;
}

/* ---------------------------------------------------------------- helpers */

static uint64_t scaled(const pp_iec21_session_t *s, uint32_t ms)
{
    return ms / s->cfg.time_scale;
}

static uint64_t react_ms(const pp_iec21_session_t *s)
{
    char flag = s->cfg.manufacturer[2];
    bool fast = flag >= 'a' && flag <= 'z'; /* lowercase 3rd letter: tr min 20 ms */
    return scaled(s, fast ? PP_IEC21_T_REACT_MIN_FAST : PP_IEC21_T_REACT_MIN);
}

static pp_err_t emit(pp_iec21_session_t *s, const void *src, size_t n)
{
    PP_VERIFY(n == 0 || s->port->stream_write(s->port->ctx, PP_CH_OPTICAL, s->conn,
                                              src, n) == PP_OK,
              PP_ERR_PORT);
    return PP_OK;
}

static void set_baud(pp_iec21_session_t *s, uint32_t baud)
{
    if (s->baud != baud && s->port->stream_set_baud != NULL) {
        (void)s->port->stream_set_baud(s->port->ctx, PP_CH_OPTICAL, s->conn, baud);
    }
    s->baud = baud;
}

static void go_idle(pp_iec21_session_t *s)
{
    s->state = PP_IEC21_ST_IDLE;
    s->pending = PEND_NONE;
    s->deadline_ms = NO_TIME;
    s->access = PP_IEC21_ACCESS_PUBLIC;
    pp_iec21_parser_reset(&s->parser);
    pp_iec21_parser_expect_option(&s->parser, false);
    set_baud(s, 300);
}

static void schedule(pp_iec21_session_t *s, enum pending what, uint64_t now_ms)
{
    s->pending = (uint8_t)what;
    s->due_ms = now_ms + react_ms(s);
}

/* Leading zeros of device addresses are not significant. */
static const char *strip_zeros(const char *a, size_t *n)
{
    while (*n > 0 && *a == '0') {
        a++;
        (*n)--;
    }
    return a;
}

static bool address_matches(const pp_iec21_session_t *s, const char *a, size_t n)
{
    if (n == 0) {
        return true; /* general sign-on */
    }
    size_t mine = strlen(s->cfg.address);
    if (mine == 0) {
        return false;
    }
    const char *m = strip_zeros(s->cfg.address, &mine);
    a = strip_zeros(a, &n);
    return n == mine && memcmp(a, m, n) == 0;
}

/* ---------------------------------------------------------------- output */

static pp_err_t send_ident(pp_iec21_session_t *s, char baud, char enhanced)
{
    uint8_t buf[PP_IEC21_IDENT_MAX + 12];
    int n = pp_iec21_encode_ident(buf, sizeof buf, s->cfg.manufacturer, baud, enhanced,
                                  s->cfg.ident);
    PP_TRY(n);
    return emit(s, buf, (size_t)n);
}

/* One data set line per item; items the provider lacks are left out. */
static pp_err_t send_readout(pp_iec21_session_t *s, uint64_t now_ms)
{
    static const uint8_t stx = PP_IEC21_STX;
    unsigned list = s->cfg.z18 == PP_IEC21_AC_UD2 ? 2u : 1u;
    uint8_t bcc = 0;
    PP_TRY(emit(s, &stx, 1));
    for (size_t i = 0; i < MAX_ITEMS; i++) {
        uint8_t obis[6];
        if (s->prov->readout_item(s->prov->ctx, list, i, obis) != PP_OK) {
            break;
        }
        pp_iec21_value_t v;
        memset(&v, 0, sizeof v);
        if (s->prov->read_value(s->prov->ctx, PP_IEC21_ACCESS_PUBLIC, obis, &v, now_ms) !=
            PP_OK) {
            continue;
        }
        v.text[PP_IEC21_VALUE_MAX] = v.unit[PP_IEC21_UNIT_MAX] = '\0';
        v.text2[PP_IEC21_VALUE_MAX] = '\0';
        char line[PP_IEC21_VALUE_MAX * 2 + PP_IEC21_UNIT_MAX + 40];
        int n = pp_iec21_format_dataset(line, sizeof line - 2, obis, v.text, v.unit, v.text2);
        if (n < 0) {
            continue; /* provider text with reserved characters: not shown */
        }
        line[n++] = '\r';
        line[n++] = '\n';
        bcc = pp_iec21_bcc(bcc, (const uint8_t *)line, (size_t)n);
        PP_TRY(emit(s, line, (size_t)n));
    }
    uint8_t tail[5] = {'!', PP_IEC21_CR, PP_IEC21_LF, PP_IEC21_ETX, 0};
    tail[4] = pp_iec21_bcc(bcc, tail, 4);
    s->stats.readouts++;
    return emit(s, tail, sizeof tail);
}

static void set_answer(pp_iec21_session_t *s, int n, uint64_t now_ms)
{
    if (n < 0) { /* cannot happen with our fixed texts; answer something */
        s->last[0] = PP_IEC21_NAK;
        n = 1;
    }
    s->last_len = (size_t)n;
    s->repeats = 0;
    schedule(s, PEND_ANSWER, now_ms);
}

static void answer_byte(pp_iec21_session_t *s, uint8_t c, uint64_t now_ms)
{
    s->last[0] = c;
    set_answer(s, 1, now_ms);
}

static void answer_error(pp_iec21_session_t *s, const char *text, uint64_t now_ms)
{
    set_answer(s, pp_iec21_encode_error(s->last, sizeof s->last, text), now_ms);
}

/* ---------------------------------------------------------------- programming */

/* Reduced addresses ("1.8.0") try electricity (1-0) first, then abstract. */
static pp_err_t read_reduced(pp_iec21_session_t *s, uint8_t obis[6], bool reduced,
                             pp_iec21_value_t *v, uint64_t now_ms)
{
    pp_err_t rc = s->prov->read_value(s->prov->ctx, s->access, obis, v, now_ms);
    if (rc == PP_ERR_NOT_FOUND && reduced) {
        obis[0] = 0;
        rc = s->prov->read_value(s->prov->ctx, s->access, obis, v, now_ms);
    }
    return rc;
}

static void prog_read(pp_iec21_session_t *s, const pp_iec21_dataset_t *ds, uint64_t now_ms)
{
    uint8_t obis[6];
    bool reduced = false;
    if (pp_iec21_parse_obis(ds->address, ds->address_len, obis, &reduced) != PP_OK) {
        answer_error(s, "ERROR ADDRESS", now_ms);
        return;
    }
    pp_iec21_value_t v;
    memset(&v, 0, sizeof v);
    pp_err_t rc = read_reduced(s, obis, reduced, &v, now_ms);
    if (rc != PP_OK) {
        answer_error(s, rc == PP_ERR_DENIED ? "ERROR ACCESS DENIED" : "ERROR UNKNOWN ADDRESS",
                     now_ms);
        return;
    }
    v.text[PP_IEC21_VALUE_MAX] = v.unit[PP_IEC21_UNIT_MAX] = '\0';
    v.text2[PP_IEC21_VALUE_MAX] = '\0';
    char line[sizeof s->last];
    int n = pp_iec21_format_dataset(line, sizeof line, obis, v.text, v.unit, v.text2);
    if (n < 0) {
        answer_error(s, "ERROR VALUE", now_ms);
        return;
    }
    set_answer(s, pp_iec21_encode_block(s->last, sizeof s->last, (const uint8_t *)line,
                                        (size_t)n, false),
               now_ms);
}

static void prog_write(pp_iec21_session_t *s, const pp_iec21_dataset_t *ds, uint64_t now_ms)
{
    static const char *const text[] = {
        [PP_IEC21_WRITE_LEGAL] = "ERROR LEGAL DATA",
        [PP_IEC21_WRITE_RIGHTS] = "ERROR ACCESS DENIED",
        [PP_IEC21_WRITE_INVALID] = "ERROR INVALID VALUE",
        [PP_IEC21_WRITE_UNKNOWN] = "ERROR UNKNOWN ADDRESS",
    };
    uint8_t obis[6];
    bool reduced = false;
    if (pp_iec21_parse_obis(ds->address, ds->address_len, obis, &reduced) != PP_OK) {
        answer_error(s, "ERROR ADDRESS", now_ms);
        return;
    }
    if (s->access == PP_IEC21_ACCESS_PUBLIC) { /* writes need the P1 password */
        s->stats.writes_refused++;
        answer_error(s, text[PP_IEC21_WRITE_RIGHTS], now_ms);
        return;
    }
    pp_iec21_write_result_t r = s->prov->write_value(s->prov->ctx, s->access, obis,
                                                     ds->value, ds->value_len, now_ms);
    if (r == PP_IEC21_WRITE_UNKNOWN && reduced) {
        obis[0] = 0;
        r = s->prov->write_value(s->prov->ctx, s->access, obis, ds->value, ds->value_len,
                                 now_ms);
    }
    if (r == PP_IEC21_WRITE_OK) {
        s->stats.writes_ok++;
        answer_byte(s, PP_IEC21_ACK, now_ms);
        return;
    }
    s->stats.writes_refused++;
    bool known = r >= PP_IEC21_WRITE_LEGAL && r <= PP_IEC21_WRITE_UNKNOWN;
    answer_error(s, known ? text[r] : "ERROR", now_ms);
}

/* Compares without an early exit so timing does not leak the prefix. */
static bool password_ok(const pp_iec21_session_t *s, const char *p, size_t n)
{
    size_t want = strlen(s->cfg.password);
    uint8_t diff = (uint8_t)(n != want);
    for (size_t i = 0; i < want; i++) {
        diff |= (uint8_t)(s->cfg.password[i] ^ (i < n ? p[i] : 0));
    }
    return diff == 0;
}

static void prog_password(pp_iec21_session_t *s, const pp_iec21_dataset_t *ds,
                          uint64_t now_ms)
{
    if (ds->address_len == 0 && ds->unit_len == 0 && password_ok(s, ds->value, ds->value_len)) {
        s->access = PP_IEC21_ACCESS_P1;
        s->tries_left = s->cfg.password_tries;
        answer_byte(s, PP_IEC21_ACK, now_ms);
        return;
    }
    s->stats.bad_passwords++;
    s->access = PP_IEC21_ACCESS_PUBLIC;
    if (--s->tries_left == 0) {
        set_answer(s, pp_iec21_encode_command(s->last, sizeof s->last, 'B', '0', NULL, 0, false),
                   now_ms);
        s->pending = PEND_BREAK;
        return;
    }
    answer_byte(s, PP_IEC21_NAK, now_ms);
}

static void prog_command(pp_iec21_session_t *s, const pp_iec21_msg_t *m, uint64_t now_ms)
{
    if (m->cmd == 'B') {
        go_idle(s); /* break: the HHU signs off, no answer */
        return;
    }
    pp_iec21_dataset_t ds;
    bool known = (m->cmd == 'P' && m->cmd_type == '1') ||
                 (m->cmd == 'R' && (m->cmd_type == '1' || m->cmd_type == '5')) ||
                 (m->cmd == 'W' && (m->cmd_type == '1' || m->cmd_type == '5'));
    if (!known || m->partial) {
        answer_error(s, "ERROR UNSUPPORTED", now_ms);
        return;
    }
    if (!m->has_data || pp_iec21_parse_dataset(m->data, m->data_len, &ds) != PP_OK) {
        s->stats.malformed++;
        answer_error(s, "ERROR DATA SET", now_ms);
        return;
    }
    if (m->cmd == 'P') {
        prog_password(s, &ds, now_ms);
    } else if (m->cmd == 'R') {
        prog_read(s, &ds, now_ms);
    } else {
        prog_write(s, &ds, now_ms);
    }
}

static void prog_message(pp_iec21_session_t *s, const pp_iec21_msg_t *m, uint64_t now_ms)
{
    s->deadline_ms = now_ms + scaled(s, s->cfg.prog_idle_ms);
    switch (m->kind) {
    case PP_IEC21_MSG_COMMAND:
        prog_command(s, m, now_ms);
        break;
    case PP_IEC21_MSG_NAK: /* the HHU saw a damaged answer: repeat it */
        if (s->last_len > 0 && s->repeats < MAX_REPEATS && s->pending == PEND_NONE) {
            s->repeats++;
            s->pending = PEND_ANSWER;
            s->due_ms = now_ms + react_ms(s);
        }
        break;
    case PP_IEC21_MSG_BAD:
        if (m->err == PP_ERR_CRC) {
            s->stats.bcc_errors++;
            answer_byte(s, PP_IEC21_NAK, now_ms);
        } else {
            s->stats.malformed++;
            answer_error(s, m->err == PP_ERR_NOSPACE ? "ERROR TOO LONG" : "ERROR MALFORMED",
                         now_ms);
        }
        break;
    default:
        break; /* ACK and stray messages need no answer */
    }
}

/* ---------------------------------------------------------------- sign-on */

static void on_option(pp_iec21_session_t *s, const pp_iec21_msg_t *m, uint64_t now_ms)
{
    uint32_t baud = pp_iec21_baud_of(m->baud);
    pp_iec21_parser_expect_option(&s->parser, false);
    if (baud == 0 || baud > s->cfg.max_baud) {
        s->stats.malformed++;
        go_idle(s); /* rate not offered: stay silent, the HHU times out */
        return;
    }
    s->deadline_ms = NO_TIME;
    if (m->proto == '0' && m->mode == '0') {
        set_baud(s, baud);
        s->state = PP_IEC21_ST_READOUT;
        schedule(s, PEND_READOUT, now_ms);
    } else if (m->proto == '0' && m->mode == '1') {
        set_baud(s, baud);
        s->state = PP_IEC21_ST_PROG;
        s->access = PP_IEC21_ACCESS_PUBLIC;
        s->tries_left = s->cfg.password_tries;
        s->last_len = 0;
        s->stats.prog_sessions++;
        s->deadline_ms = now_ms + scaled(s, s->cfg.prog_idle_ms);
        schedule(s, PEND_P0, now_ms);
    } else if (m->proto == '2' && m->mode == '2' && s->cfg.mode_e) {
        s->next_baud = baud;
        s->last_len = (size_t)pp_iec21_encode_option(s->last, sizeof s->last, '2', m->baud, '2');
        s->state = PP_IEC21_ST_HDLC_ACK;
        schedule(s, PEND_HDLC_ACK, now_ms);
    } else {
        s->stats.malformed++;
        go_idle(s);
    }
}

static void on_message(pp_iec21_session_t *s, const pp_iec21_msg_t *m, uint64_t now_ms)
{
    if (m->kind == PP_IEC21_MSG_REQUEST) {
        if (!address_matches(s, m->text, m->text_len)) {
            go_idle(s); /* another meter on the bus is meant */
            return;
        }
        go_idle(s);
        s->stats.sign_ons++;
        s->state = PP_IEC21_ST_IDENT;
        schedule(s, PEND_IDENT, now_ms);
        return;
    }
    if (s->state == PP_IEC21_ST_OPTION && m->kind == PP_IEC21_MSG_OPTION) {
        on_option(s, m, now_ms);
    } else if (s->state == PP_IEC21_ST_PROG) {
        prog_message(s, m, now_ms);
    } else if (m->kind == PP_IEC21_MSG_BAD) {
        if (m->err == PP_ERR_CRC) {
            s->stats.bcc_errors++;
        } else {
            s->stats.malformed++;
        }
    }
}

/* ---------------------------------------------------------------- public */

pp_err_t pp_iec21_session_init(pp_iec21_session_t *s, const pp_iec21_config_t *cfg,
                               const pp_port_t *port, unsigned conn,
                               const pp_iec21_provider_t *prov, uint64_t now_ms)
{
    PP_VERIFY(s != NULL && cfg != NULL && port != NULL && prov != NULL, PP_ERR_ARG);
    PP_VERIFY(port->stream_write != NULL && prov->read_value != NULL &&
                  prov->write_value != NULL && prov->readout_item != NULL,
              PP_ERR_ARG);
    PP_TRY(pp_iec21_config_check(cfg));
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->port = port;
    s->prov = prov;
    s->conn = conn;
    s->baud = 300;
    pp_iec21_parser_init(&s->parser, (uint32_t)scaled(s, PP_IEC21_T_CHAR_MAX));
    go_idle(s);
    s->next_push_ms = cfg->mode_d_interval_s
                          ? now_ms + scaled(s, cfg->mode_d_interval_s * 1000u)
                          : NO_TIME;
    return PP_OK;
}

void pp_iec21_session_on_hdlc(pp_iec21_session_t *s, pp_iec21_hdlc_fn fn, void *ctx)
{
    s->on_hdlc = fn;
    s->hdlc_ctx = ctx;
}

pp_err_t pp_iec21_session_receive(pp_iec21_session_t *s, const uint8_t *src, size_t len,
                                  uint64_t now_ms)
{
    PP_VERIFY(s != NULL && (src != NULL || len == 0), PP_ERR_ARG);
    if (s->state == PP_IEC21_ST_HDLC) {
        return PP_ERR_STATE;
    }
    if (s->cfg.z18 == PP_IEC21_DISABLED) {
        return PP_OK; /* Z18 disabled: the port does not answer at all */
    }
    while (len > 0) {
        pp_iec21_msg_t m;
        bool got = false;
        size_t used = pp_iec21_parser_feed(&s->parser, src, len, now_ms, &m, &got);
        src += used;
        len -= used;
        if (got) {
            on_message(s, &m, now_ms);
        }
        if (s->state == PP_IEC21_ST_HDLC_ACK) {
            break; /* whatever follows belongs to HDLC */
        }
    }
    return pp_iec21_session_poll(s, now_ms);
}

static pp_err_t push_mode_d(pp_iec21_session_t *s, uint64_t now_ms)
{
    uint64_t period = scaled(s, s->cfg.mode_d_interval_s * 1000u);
    s->next_push_ms = now_ms + (period ? period : 1u);
    if (s->state != PP_IEC21_ST_IDLE) {
        return PP_OK; /* a reading is in progress: skip this push */
    }
    set_baud(s, MODE_D_BAUD);
    pp_err_t rc = send_ident(s, pp_iec21_baud_char(MODE_D_BAUD), 0);
    if (rc == PP_OK) {
        rc = send_readout(s, now_ms);
    }
    s->stats.mode_d_pushes++;
    set_baud(s, 300);
    return rc;
}

static pp_err_t run_pending(pp_iec21_session_t *s, uint64_t now_ms)
{
    enum pending what = (enum pending)s->pending;
    s->pending = PEND_NONE;
    pp_err_t rc = PP_OK;
    switch (what) {
    case PEND_IDENT:
        rc = send_ident(s, pp_iec21_baud_char(s->cfg.max_baud), s->cfg.mode_e ? '2' : 0);
        s->state = PP_IEC21_ST_OPTION;
        pp_iec21_parser_expect_option(&s->parser, true);
        s->deadline_ms = now_ms + scaled(s, PP_IEC21_T_REACT_MAX);
        break;
    case PEND_READOUT:
        rc = send_readout(s, now_ms);
        s->state = PP_IEC21_ST_LINGER; /* let the last byte leave at this rate */
        s->deadline_ms = now_ms + scaled(s, PP_IEC21_T_REACT_MAX);
        break;
    case PEND_P0: {
        uint8_t body[PP_IEC21_IDENT_MAX + 2];
        size_t n = strlen(s->cfg.p0_operand);
        body[0] = '(';
        memcpy(body + 1, s->cfg.p0_operand, n);
        body[n + 1] = ')';
        int len = pp_iec21_encode_command(s->last, sizeof s->last, 'P', '0', body, n + 2, false);
        s->last_len = len > 0 ? (size_t)len : 0;
        rc = emit(s, s->last, s->last_len);
        break;
    }
    case PEND_ANSWER:
        rc = emit(s, s->last, s->last_len);
        break;
    case PEND_BREAK:
        rc = emit(s, s->last, s->last_len);
        go_idle(s);
        break;
    case PEND_HDLC_ACK:
        rc = emit(s, s->last, s->last_len); /* at the old rate */
        set_baud(s, s->next_baud);
        s->state = PP_IEC21_ST_HDLC;
        s->deadline_ms = NO_TIME;
        s->stats.hdlc_handovers++;
        if (s->on_hdlc != NULL) {
            s->on_hdlc(s->hdlc_ctx, s->conn, s->baud);
        }
        break;
    default:
        break;
    }
    if (rc != PP_OK && s->state != PP_IEC21_ST_HDLC) {
        go_idle(s);
    }
    return rc;
}

static void on_deadline(pp_iec21_session_t *s, uint64_t now_ms)
{
    s->deadline_ms = NO_TIME;
    if (s->state == PP_IEC21_ST_OPTION && s->cfg.mode_a_fallback) {
        /* No option select: a mode A reader waits for the data at 300 baud. */
        pp_iec21_parser_expect_option(&s->parser, false);
        s->state = PP_IEC21_ST_READOUT;
        s->pending = PEND_READOUT;
        s->due_ms = now_ms;
        return;
    }
    go_idle(s);
}

pp_err_t pp_iec21_session_poll(pp_iec21_session_t *s, uint64_t now_ms)
{
    PP_VERIFY(s != NULL, PP_ERR_ARG);
    if (s->cfg.z18 == PP_IEC21_DISABLED || s->state == PP_IEC21_ST_HDLC) {
        return PP_OK;
    }
    pp_err_t rc = PP_OK;
    for (unsigned guard = 0; guard < 4; guard++) {
        if (s->pending != PEND_NONE && now_ms >= s->due_ms) {
            rc = run_pending(s, now_ms);
        } else if (s->pending == PEND_NONE && now_ms >= s->deadline_ms) {
            on_deadline(s, now_ms);
        } else {
            break;
        }
    }
    if (rc == PP_OK && now_ms >= s->next_push_ms) {
        rc = push_mode_d(s, now_ms);
    }
    return rc;
}

uint64_t pp_iec21_session_next_ms(const pp_iec21_session_t *s)
{
    if (s->cfg.z18 == PP_IEC21_DISABLED || s->state == PP_IEC21_ST_HDLC) {
        return NO_TIME;
    }
    uint64_t t = s->pending != PEND_NONE ? s->due_ms : s->deadline_ms;
    return t < s->next_push_ms ? t : s->next_push_ms;
}

pp_iec21_state_t pp_iec21_session_state(const pp_iec21_session_t *s)
{
    return s->state;
}

void pp_iec21_session_hdlc_ended(pp_iec21_session_t *s, uint64_t now_ms)
{
    (void)now_ms;
    go_idle(s);
}
