/* Host configuration file parser (see hostcfg.h, docs/configuration.md).
 * Line-oriented: each line is a section header, a key = value pair, a
 * comment or blank. Errors stop the parse with "file:line: message". */
#include "hostcfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_CHARS 1023
#define SEEN_MAX 512

static const char DEFAULT_GUEK[] = "000102030405060708090A0B0C0D0E0F";
static const char DEFAULT_GAK[] = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";
static const char *const PRESET_KIND[PP_PRESET_COUNT] = {
    "", "display", "disconnect", "tariff", "load", "pb2", "1107", "calendar"};
static const char *const WEEKDAY[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};

typedef enum sect { S_NONE, S_METER, S_PORTS, S_SECURITY, S_RUN, S_PRESET } sect_t;

/* Names a season/week/special entry refers to, resolved after the last line
 * because a file may define them in any order. */
typedef struct pending {
    unsigned season_line[PP_HOSTCFG_SEASONS];
    char season_week[PP_HOSTCFG_SEASONS][PP_HOSTCFG_NAME_MAX];
    unsigned week_line[PP_HOSTCFG_WEEKS];
    char week_day[PP_HOSTCFG_WEEKS][7][PP_HOSTCFG_NAME_MAX];
    unsigned special_line[PP_HOSTCFG_SPECIAL_DAYS];
    char special_day[PP_HOSTCFG_SPECIAL_DAYS][PP_HOSTCFG_NAME_MAX];
    unsigned section_line;
} pending_t;

typedef struct ctx {
    pp_hostcfg_t *cfg;
    const char *name;
    unsigned line;
    char *err;
    size_t errlen;
    sect_t sect;
    char sect_name[64];
    pp_ordercode_preset_t kind; /* of the current preset section */
    void *preset;               /* current preset struct */
    unsigned type_line, sw_line;
    unsigned n_seen;
    char seen[SEEN_MAX][96];
    pending_t pend[PP_HOSTCFG_TARIFF_PRESETS];
} ctx_t;

/* ---------------- messages ---------------- */

static int failf(ctx_t *c, unsigned line, const char *fmt, ...)
{
    char msg[PP_HOSTCFG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) {
        snprintf(c->err, c->errlen, "%s:%u: %s", c->name, line, msg);
    } else {
        snprintf(c->err, c->errlen, "%s: %s", c->name, msg);
    }
    return -1;
}

/* ---------------- value helpers ---------------- */

static int parse_uint(const char *v, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!isdigit((unsigned char)v[0])) {
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long x = strtoul(v, &end, 10);
    if (*end != '\0' || errno != 0 || x < min || x > max) {
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const YES[] = {"yes", "true", "on", "1"};
    static const char *const NO[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, YES[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, NO[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static int parse_hex16(const char *v, uint8_t out[16])
{
    size_t n = 0;
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == ' ' || *p == ':') {
            continue;
        }
        if (!isxdigit((unsigned char)*p) || n >= 32) {
            return -1;
        }
        unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
                                                 : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
        out[n / 2] = (uint8_t)((n % 2 == 0) ? d << 4 : (out[n / 2] | d));
        n++;
    }
    return n == 32 ? 0 : -1;
}

static int copy_text(char *dst, size_t cap, const char *v)
{
    if (strlen(v) >= cap) {
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= PP_HOSTCFG_NAME_MAX) {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_') {
            return false;
        }
    }
    return true;
}

/* A.B.C.D.E.F with any of . - : * between the six numbers 0..255. */
static int parse_obis(const char *s, pp_hostcfg_obis_t *o)
{
    for (int i = 0; i < 6; i++) {
        if (!isdigit((unsigned char)*s)) {
            return -1;
        }
        unsigned long v = 0;
        while (isdigit((unsigned char)*s) && v <= 255) {
            v = v * 10 + (unsigned long)(*s++ - '0');
        }
        if (v > 255) {
            return -1;
        }
        o->v[i] = (uint8_t)v;
        if (i < 5) {
            if (*s != '.' && *s != '-' && *s != ':' && *s != '*') {
                return -1;
            }
            s++;
        }
    }
    return *s == '\0' ? 0 : -1;
}

static const unsigned MDAYS[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* "MM-DD" or, when year is not NULL, also "YYYY-MM-DD" (year 0 = every year). */
static int parse_date(const char *s, unsigned *year, unsigned *month, unsigned *mday)
{
    unsigned y = 0, m = 0, d = 0;
    char tail;
    if (year != NULL && strlen(s) == 10 &&
        sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 && y >= 2000 && y <= 2099) {
        /* explicit year */
    } else if (strlen(s) == 5 && sscanf(s, "%2u-%2u%c", &m, &d, &tail) == 2) {
        y = 0;
    } else {
        return -1;
    }
    if (m < 1 || m > 12 || d < 1 || d > MDAYS[m]) {
        return -1;
    }
    if (y != 0 && m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return -1;
    }
    if (year != NULL) {
        *year = y;
    }
    *month = m;
    *mday = d;
    return 0;
}

/* ---------------- duplicate detection ---------------- */

static int seen_once(ctx_t *c, const char *what)
{
    for (unsigned i = 0; i < c->n_seen; i++) {
        if (strcmp(c->seen[i], what) == 0) {
            return -1;
        }
    }
    if (c->n_seen < SEEN_MAX) {
        size_t n = strnlen(what, sizeof c->seen[0] - 1); /* long keys: compare a prefix */
        memcpy(c->seen[c->n_seen], what, n);
        c->seen[c->n_seen++][n] = '\0';
    }
    return 0;
}

/* ---------------- fixed sections ---------------- */

typedef int (*key_fn)(ctx_t *c, const char *v);
typedef struct key_desc {
    const char *key;
    key_fn fn;
} key_desc_t;

static int bad(ctx_t *c, const char *key, const char *v, const char *allowed)
{
    return failf(c, c->line, "%s = '%s' is invalid; allowed: %s", key, v, allowed);
}

static int k_number(ctx_t *c, const char *v)
{
    size_t n = strlen(v);
    if (n < 1 || n > 13 || strspn(v, "0123456789") != n) {
        return bad(c, "number", v, "1 to 13 digits");
    }
    strcpy(c->cfg->meter_number, v);
    return 0;
}

static int k_manufacturer(ctx_t *c, const char *v)
{
    if (strlen(v) != 3 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]) ||
        !isupper((unsigned char)v[2])) {
        return bad(c, "manufacturer", v, "3 capital letters A-Z (FLAG id), e.g. PPH");
    }
    strcpy(c->cfg->manufacturer, v);
    return 0;
}

static int k_code(ctx_t *c, const char *v, bool is_type)
{
    pp_ordercode_error_t e;
    pp_err_t rc = is_type ? pp_ordercode_parse_type(v, &c->cfg->type, &e)
                          : pp_ordercode_parse_sw(v, &c->cfg->sw, &e);
    if (rc != PP_OK) {
        char msg[PP_ORDERCODE_MESSAGE_MAX];
        pp_ordercode_error_format(&e, msg, sizeof msg);
        return failf(c, c->line, "%s: %s", is_type ? "type" : "software", msg);
    }
    *(is_type ? &c->type_line : &c->sw_line) = c->line;
    return 0;
}

static int k_type(ctx_t *c, const char *v)
{
    return k_code(c, v, true);
}

static int k_software(ctx_t *c, const char *v)
{
    return k_code(c, v, false);
}

static int port_value(ctx_t *c, const char *key, const char *v, uint16_t *out)
{
    unsigned long x;
    if (parse_uint(v, 0, 65535, &x) != 0) {
        return bad(c, key, v, "a TCP port 1..65535, or 0 for off");
    }
    *out = (uint16_t)x;
    return 0;
}

static int k_wrapper(ctx_t *c, const char *v)
{
    return port_value(c, "wrapper_tcp", v, &c->cfg->wrapper_tcp_port);
}

static int k_hdlc(ctx_t *c, const char *v)
{
    return port_value(c, "hdlc_tcp", v, &c->cfg->hdlc_tcp_port);
}

static int k_optical(ctx_t *c, const char *v)
{
    return port_value(c, "optical_tcp", v, &c->cfg->optical_tcp_port);
}

static int k_pty(ctx_t *c, const char *v)
{
    return parse_bool(v, &c->cfg->pty) == 0 ? 0 : bad(c, "pty", v, "yes, no, true, false, on, off, 1, 0");
}

static int k_lls(ctx_t *c, const char *v)
{
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++) {
        if (!isgraph((unsigned char)v[i])) {
            n = 0;
        }
    }
    if (n < 1 || n > 16) {
        return bad(c, "lls_password", v, "1 to 16 printable characters without blanks");
    }
    strcpy(c->cfg->lls_password, v);
    return 0;
}

static int k_guek(ctx_t *c, const char *v)
{
    return parse_hex16(v, c->cfg->guek) == 0 ? 0 : bad(c, "guek", v, "32 hex digits (16-byte AES key)");
}

static int k_gak(ctx_t *c, const char *v)
{
    return parse_hex16(v, c->cfg->gak) == 0 ? 0 : bad(c, "gak", v, "32 hex digits (16-byte AES key)");
}

static int k_nvm(ctx_t *c, const char *v)
{
    if (v[0] == '\0' || copy_text(c->cfg->nvm_image, sizeof c->cfg->nvm_image, v) != 0) {
        return bad(c, "nvm_image", v, "a file path of 1 to 255 characters");
    }
    return 0;
}

static int k_scenario(ctx_t *c, const char *v)
{
    if (v[0] == '\0' || copy_text(c->cfg->scenario, sizeof c->cfg->scenario, v) != 0) {
        return bad(c, "scenario", v, "a scenario name or CSV path of 1 to 63 characters");
    }
    return 0;
}

static int k_speed(ctx_t *c, const char *v)
{
    if (strcasecmp(v, "max") == 0) {
        c->cfg->speed = 0;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (v[0] == '\0' || *end != '\0' || errno != 0 || !(x > 0 && x <= 1e7)) {
        return bad(c, "speed", v, "a factor over real time > 0 and <= 10000000, or max");
    }
    c->cfg->speed = x;
    return 0;
}

static const key_desc_t METER_KEYS[] = {
    {"number", k_number}, {"manufacturer", k_manufacturer}, {"type", k_type},
    {"software", k_software}, {NULL, NULL}};
static const key_desc_t PORTS_KEYS[] = {
    {"wrapper_tcp", k_wrapper}, {"hdlc_tcp", k_hdlc}, {"optical_tcp", k_optical},
    {"pty", k_pty}, {NULL, NULL}};
static const key_desc_t SECURITY_KEYS[] = {
    {"lls_password", k_lls}, {"guek", k_guek}, {"gak", k_gak}, {NULL, NULL}};
static const key_desc_t RUN_KEYS[] = {
    {"nvm_image", k_nvm}, {"scenario", k_scenario}, {"speed", k_speed}, {NULL, NULL}};

static const struct {
    const char *name;
    sect_t sect;
    const key_desc_t *keys;
} SECTIONS[] = {
    {"meter", S_METER, METER_KEYS},
    {"ports", S_PORTS, PORTS_KEYS},
    {"security", S_SECURITY, SECURITY_KEYS},
    {"run", S_RUN, RUN_KEYS},
};
#define N_SECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

static int fixed_key(ctx_t *c, const key_desc_t *keys, const char *key, const char *v)
{
    for (const key_desc_t *k = keys; k->key != NULL; k++) {
        if (strcmp(k->key, key) == 0) {
            return k->fn(c, v);
        }
    }
    char allowed[256] = "";
    for (const key_desc_t *k = keys; k->key != NULL; k++) {
        strcat(allowed, k == keys ? "" : ", ");
        strcat(allowed, k->key);
    }
    return failf(c, c->line, "unknown key '%s' in [%s]; allowed: %s", key, c->sect_name, allowed);
}

/* ---------------- presets ---------------- */

static int display_key(ctx_t *c, pp_hostcfg_display_t *d, const char *key, const char *v)
{
    pp_hostcfg_obis_t *list;
    uint8_t *n;
    unsigned max;
    if (strcmp(key, "auto") == 0) {
        list = d->auto_list, n = &d->n_auto, max = PP_HOSTCFG_DISPLAY_AUTO;
    } else if (strcmp(key, "manual") == 0) {
        list = d->manual_list, n = &d->n_manual, max = PP_HOSTCFG_DISPLAY_MANUAL;
    } else if (strcmp(key, "battery") == 0) {
        list = d->battery_list, n = &d->n_battery, max = PP_HOSTCFG_DISPLAY_BATTERY;
    } else {
        return failf(c, c->line, "unknown key '%s' in [%s]; allowed: auto, manual, battery",
                     key, c->sect_name);
    }
    char buf[LINE_MAX_CHARS + 1];
    snprintf(buf, sizeof buf, "%s", v);
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, " ,\t", &save); tok != NULL;
         tok = strtok_r(NULL, " ,\t", &save)) {
        if (*n >= max) {
            return failf(c, c->line, "%s: more than %u readings (the data sheet's limit for the "
                         "%s list)", key, max, key);
        }
        if (parse_obis(tok, &list[*n]) != 0) {
            return failf(c, c->line, "%s: '%s' is not an OBIS code; allowed: A.B.C.D.E.F with "
                         "six numbers 0..255 (e.g. 1.1.1.8.0.255 or 1-1:1.8.0*255)", key, tok);
        }
        (*n)++;
    }
    return 0;
}

static int day_value(ctx_t *c, pp_hostcfg_day_t *d, const char *key, const char *v)
{
    char buf[LINE_MAX_CHARS + 1];
    snprintf(buf, sizeof buf, "%s", v);
    d->n_switches = 0;
    for (char *save = NULL, *tok = strtok_r(buf, " ,\t", &save); tok != NULL;
         tok = strtok_r(NULL, " ,\t", &save)) {
        unsigned hh, mm, t;
        char tail;
        if (sscanf(tok, "%2u:%2u=%u%c", &hh, &mm, &t, &tail) != 3 || strlen(tok) < 7 ||
            tok[2] != ':' || hh > 23 || mm > 59 || t < 1 || t > 4) {
            return failf(c, c->line, "%s: '%s' is not a tariff switch; allowed: HH:MM=T with "
                         "HH 00..23, MM 00..59, T 1..4", key, tok);
        }
        uint16_t minute = (uint16_t)(hh * 60 + mm);
        if (d->n_switches == 0 && minute != 0) {
            return failf(c, c->line, "%s: the first switch must be at 00:00 so the whole day "
                         "has a tariff; found %s", key, tok);
        }
        if (d->n_switches > 0 && minute <= d->sw[d->n_switches - 1].minute) {
            return failf(c, c->line, "%s: switch times must ascend; %s is not after the one "
                         "before", key, tok);
        }
        if (d->n_switches >= PP_HOSTCFG_SWITCHES) {
            return failf(c, c->line, "%s: more than %u switch times", key, PP_HOSTCFG_SWITCHES);
        }
        d->sw[d->n_switches].minute = minute;
        d->sw[d->n_switches].tariff = (uint8_t)t;
        d->n_switches++;
    }
    if (d->n_switches == 0) {
        return failf(c, c->line, "%s: no switch times; allowed: HH:MM=T ... starting at 00:00",
                     key);
    }
    return 0;
}

static int tariff_named(ctx_t *c, pp_hostcfg_tariff_t *t, pending_t *p, const char *kind,
                        const char *nm, const char *v)
{
    if (!valid_name(nm)) {
        return failf(c, c->line, "%s name '%s' is invalid; allowed: 1 to %u letters, digits "
                     "or _", kind, nm, PP_HOSTCFG_NAME_MAX - 1);
    }
    char key[64];
    snprintf(key, sizeof key, "%s.%s", kind, nm);
    if (strcmp(kind, "day") == 0) {
        if (t->n_days >= PP_HOSTCFG_DAYS) {
            return failf(c, c->line, "more than %u day profiles", PP_HOSTCFG_DAYS);
        }
        pp_hostcfg_day_t *d = &t->day[t->n_days];
        strcpy(d->name, nm);
        PP_TRY(day_value(c, d, key, v));
        t->n_days++;
        return 0;
    }
    if (strcmp(kind, "week") == 0) {
        if (t->n_weeks >= PP_HOSTCFG_WEEKS) {
            return failf(c, c->line, "more than %u week profiles", PP_HOSTCFG_WEEKS);
        }
        char names[7][PP_HOSTCFG_NAME_MAX];
        char tail[2];
        if (sscanf(v, "%23s %23s %23s %23s %23s %23s %23s %1s", names[0], names[1], names[2],
                   names[3], names[4], names[5], names[6], tail) != 7) {
            return failf(c, c->line, "%s: needs exactly 7 day-profile names, Monday to Sunday; "
                         "found '%s'", key, v);
        }
        strcpy(t->week[t->n_weeks].name, nm);
        memcpy(p->week_day[t->n_weeks], names, sizeof names);
        p->week_line[t->n_weeks++] = c->line;
        return 0;
    }
    /* season */
    if (t->n_seasons >= PP_HOSTCFG_SEASONS) {
        return failf(c, c->line, "more than %u seasons", PP_HOSTCFG_SEASONS);
    }
    char date[16], week[PP_HOSTCFG_NAME_MAX], tail[2];
    unsigned m, d;
    if (sscanf(v, "%15s %23s %1s", date, week, tail) != 2 || parse_date(date, NULL, &m, &d) != 0) {
        return failf(c, c->line, "%s: '%s' is invalid; allowed: MM-DD WEEK (the season's "
                     "first day and its week profile)", key, v);
    }
    pp_hostcfg_season_t *s = &t->season[t->n_seasons];
    strcpy(s->name, nm);
    s->month = (uint8_t)m;
    s->mday = (uint8_t)d;
    strcpy(p->season_week[t->n_seasons], week);
    p->season_line[t->n_seasons++] = c->line;
    return 0;
}

static int tariff_key(ctx_t *c, pp_hostcfg_tariff_t *t, const char *key, const char *v)
{
    pending_t *p = &c->pend[t - c->cfg->tariff];
    if (strcmp(key, "name") == 0) {
        return copy_text(t->name, sizeof t->name, v) == 0
                   ? 0 : bad(c, "name", v, "a description of up to 47 characters");
    }
    const char *dot = strchr(key, '.');
    size_t klen = dot != NULL ? (size_t)(dot - key) : 0;
    if (dot != NULL && klen == 7 && strncmp(key, "special", 7) == 0) {
        unsigned y, m, d;
        if (parse_date(dot + 1, &y, &m, &d) != 0) {
            return failf(c, c->line, "%s: '%s' is not a date; allowed: special.MM-DD (every year) "
                         "or special.YYYY-MM-DD (once, 2000..2099)", key, dot + 1);
        }
        if (t->n_special >= PP_HOSTCFG_SPECIAL_DAYS) {
            return failf(c, c->line, "more than %u special days", PP_HOSTCFG_SPECIAL_DAYS);
        }
        if (!valid_name(v)) {
            return bad(c, key, v, "the name of a day profile");
        }
        pp_hostcfg_special_t *s = &t->special[t->n_special];
        s->year = (uint16_t)y;
        s->month = (uint8_t)m;
        s->mday = (uint8_t)d;
        snprintf(p->special_day[t->n_special], sizeof p->special_day[0], "%s", v);
        p->special_line[t->n_special++] = c->line;
        return 0;
    }
    static const char *const KINDS[] = {"season", "week", "day"};
    for (size_t i = 0; i < 3; i++) {
        if (dot != NULL && klen == strlen(KINDS[i]) && strncmp(key, KINDS[i], klen) == 0) {
            return tariff_named(c, t, p, KINDS[i], dot + 1, v);
        }
    }
    return failf(c, c->line, "unknown key '%s' in [%s]; allowed: name, season.NAME, week.NAME, "
                 "day.NAME, special.MM-DD, special.YYYY-MM-DD", key, c->sect_name);
}

static int other_key(ctx_t *c, pp_hostcfg_other_t *o, const char *key, const char *v)
{
    if (o->n >= PP_HOSTCFG_OTHER_KEYS) {
        return failf(c, c->line, "more than %u keys in [%s]", PP_HOSTCFG_OTHER_KEYS, c->sect_name);
    }
    if (copy_text(o->key[o->n], sizeof o->key[0], key) != 0 ||
        copy_text(o->value[o->n], sizeof o->value[0], v) != 0) {
        return failf(c, c->line, "key or value too long in [%s] (keys up to 31, values up to "
                     "95 characters)", c->sect_name);
    }
    o->n++;
    return 0;
}

/* "[preset.KIND.NNN]": makes the preset and selects it. */
static int open_preset(ctx_t *c, const char *rest)
{
    char kind[16];
    unsigned id;
    char tail;
    int k = 0;
    const char *dot = strrchr(rest, '.');
    if (dot != NULL && (size_t)(dot - rest) < sizeof kind) {
        memcpy(kind, rest, (size_t)(dot - rest));
        kind[dot - rest] = '\0';
        for (k = PP_PRESET_COUNT - 1; k > 0 && strcmp(kind, PRESET_KIND[k]) != 0; k--) {
        }
    }
    if (k == 0 || strlen(dot + 1) != 3 || sscanf(dot + 1, "%3u%c", &id, &tail) != 1 ||
        !isdigit((unsigned char)dot[1]) || !isdigit((unsigned char)dot[2]) ||
        !isdigit((unsigned char)dot[3])) {
        return failf(c, c->line, "invalid preset section [preset.%s]; allowed: [preset.KIND.NNN] "
                     "with KIND one of display, disconnect, tariff, load, pb2, 1107, calendar "
                     "and NNN three digits", rest);
    }
    pp_hostcfg_t *cfg = c->cfg;
    c->kind = (pp_ordercode_preset_t)k;
    if (k == PP_PRESET_DISPLAY) {
        if (cfg->n_display >= PP_HOSTCFG_DISPLAY_PRESETS) {
            return failf(c, c->line, "more than %u display presets", PP_HOSTCFG_DISPLAY_PRESETS);
        }
        pp_hostcfg_display_t *d = &cfg->display[cfg->n_display++];
        memset(d, 0, sizeof *d);
        d->id = (uint16_t)id;
        c->preset = d;
    } else if (k == PP_PRESET_TARIFF) {
        if (cfg->n_tariff >= PP_HOSTCFG_TARIFF_PRESETS) {
            return failf(c, c->line, "more than %u tariff presets", PP_HOSTCFG_TARIFF_PRESETS);
        }
        pp_hostcfg_tariff_t *t = &cfg->tariff[cfg->n_tariff];
        memset(t, 0, sizeof *t);
        t->id = (uint16_t)id;
        c->pend[cfg->n_tariff++].section_line = c->line;
        c->preset = t;
    } else {
        if (cfg->n_other >= PP_HOSTCFG_OTHER_PRESETS) {
            return failf(c, c->line, "more than %u presets of kinds other than display and "
                         "tariff", PP_HOSTCFG_OTHER_PRESETS);
        }
        pp_hostcfg_other_t *o = &cfg->other[cfg->n_other++];
        memset(o, 0, sizeof *o);
        o->kind = (pp_ordercode_preset_t)k;
        o->id = (uint16_t)id;
        c->preset = o;
    }
    c->sect = S_PRESET;
    return 0;
}

static int open_section(ctx_t *c, char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[n - 1] != ']') {
        return failf(c, c->line, "section header '%s' lacks its closing ']'", s);
    }
    if (n == 2) {
        return failf(c, c->line, "empty section header '[]'");
    }
    s[n - 1] = '\0';
    char *name = s + 1;
    while (isspace((unsigned char)*name)) {
        name++;
    }
    for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]); *--e = '\0') {
    }
    snprintf(c->sect_name, sizeof c->sect_name, "%s", name);
    char what[96];
    snprintf(what, sizeof what, "[%s]", name);
    if (seen_once(c, what) != 0) {
        return failf(c, c->line, "section [%s] appears twice", name);
    }
    for (size_t i = 0; i < N_SECTIONS; i++) {
        if (strcmp(name, SECTIONS[i].name) == 0) {
            c->sect = SECTIONS[i].sect;
            return 0;
        }
    }
    if (strncmp(name, "preset.", 7) == 0) {
        return open_preset(c, name + 7);
    }
    return failf(c, c->line, "unknown section [%s]; allowed: [meter], [ports], [security], [run], "
                 "[preset.KIND.NNN]", name);
}

static int key_value(ctx_t *c, char *s)
{
    char *eq = strchr(s, '=');
    if (eq == NULL) {
        return failf(c, c->line, "expected 'key = value', '[section]' or a # comment; found '%s'",
                     s);
    }
    *eq = '\0';
    char *key = s, *v = eq + 1;
    for (char *e = key + strlen(key); e > key && isspace((unsigned char)e[-1]); *--e = '\0') {
    }
    while (isspace((unsigned char)*v)) {
        v++;
    }
    if (key[0] == '\0') {
        return failf(c, c->line, "missing key before '='");
    }
    if (c->sect == S_NONE) {
        return failf(c, c->line, "key '%s' outside any section; put it under [meter], [ports], "
                     "[security], [run] or a [preset.KIND.NNN]", key);
    }
    char what[192];
    snprintf(what, sizeof what, "[%s]%s", c->sect_name, key);
    if (seen_once(c, what) != 0) {
        return failf(c, c->line, "key '%s' appears twice in [%s]", key, c->sect_name);
    }
    for (size_t i = 0; i < N_SECTIONS; i++) {
        if (c->sect == SECTIONS[i].sect) {
            return fixed_key(c, SECTIONS[i].keys, key, v);
        }
    }
    if (c->kind == PP_PRESET_DISPLAY) {
        return display_key(c, c->preset, key, v);
    }
    if (c->kind == PP_PRESET_TARIFF) {
        return tariff_key(c, c->preset, key, v);
    }
    return other_key(c, c->preset, key, v);
}

/* Strips the comment (a '#' at the start or after a blank) and blanks. */
static char *clean_line(char *s)
{
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
            *p = '\0';
            break;
        }
    }
    while (isspace((unsigned char)*s)) {
        s++;
    }
    for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); *--e = '\0') {
    }
    return s;
}

/* ---------------- after the last line ---------------- */

static int find_day(const pp_hostcfg_tariff_t *t, const char *name)
{
    for (int i = 0; i < t->n_days; i++) {
        if (strcmp(t->day[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static int resolve_tariff(ctx_t *c, pp_hostcfg_tariff_t *t, pending_t *p)
{
    if (t->n_seasons == 0 || t->n_weeks == 0 || t->n_days == 0) {
        return failf(c, p->section_line, "[preset.tariff.%03u] needs at least one season.NAME, "
                     "week.NAME and day.NAME", t->id);
    }
    for (int w = 0; w < t->n_weeks; w++) {
        for (int d = 0; d < 7; d++) {
            int k = find_day(t, p->week_day[w][d]);
            if (k < 0) {
                return failf(c, p->week_line[w], "week.%s: %s is '%s', which is no day.NAME of "
                             "[preset.tariff.%03u]", t->week[w].name, WEEKDAY[d],
                             p->week_day[w][d], t->id);
            }
            t->week[w].day[d] = (uint8_t)k;
        }
    }
    for (int s = 0; s < t->n_seasons; s++) {
        int k = -1;
        for (int w = 0; w < t->n_weeks; w++) {
            k = strcmp(t->week[w].name, p->season_week[s]) == 0 ? w : k;
        }
        if (k < 0) {
            return failf(c, p->season_line[s], "season.%s: '%s' is no week.NAME of "
                         "[preset.tariff.%03u]", t->season[s].name, p->season_week[s], t->id);
        }
        t->season[s].week = (uint8_t)k;
        for (int o = 0; o < s; o++) {
            if (t->season[o].month == t->season[s].month && t->season[o].mday == t->season[s].mday) {
                return failf(c, p->season_line[s], "season.%s starts on the same day as "
                             "season.%s", t->season[s].name, t->season[o].name);
            }
        }
    }
    for (int s = 0; s < t->n_special; s++) {
        int k = find_day(t, p->special_day[s]);
        if (k < 0) {
            return failf(c, p->special_line[s], "special day: '%s' is no day.NAME of "
                         "[preset.tariff.%03u]", p->special_day[s], t->id);
        }
        t->special[s].day = (uint8_t)k;
    }
    /* Seasons sorted by start date (insertion sort; at most 8). */
    for (int i = 1; i < t->n_seasons; i++) {
        pp_hostcfg_season_t x = t->season[i];
        int j = i;
        for (; j > 0 && (t->season[j - 1].month * 32 + t->season[j - 1].mday) >
                            (x.month * 32 + x.mday); j--) {
            t->season[j] = t->season[j - 1];
        }
        t->season[j] = x;
    }
    return 0;
}

static bool preset_defined(const pp_hostcfg_t *cfg, pp_ordercode_preset_t kind, uint16_t id)
{
    if (kind == PP_PRESET_DISPLAY) {
        return pp_hostcfg_display(cfg, id) != NULL;
    }
    if (kind == PP_PRESET_TARIFF) {
        return pp_hostcfg_tariff(cfg, id) != NULL;
    }
    return pp_hostcfg_other(cfg, kind, id) != NULL;
}

static int finish(ctx_t *c)
{
    pp_hostcfg_t *cfg = c->cfg;
    for (int i = 0; i < cfg->n_tariff; i++) {
        PP_TRY(resolve_tariff(c, &cfg->tariff[i], &c->pend[i]));
    }
    unsigned line = c->sw_line != 0 ? c->sw_line : c->type_line;
    for (size_t i = 0; i < PP_ORDERCODE_SW_FIELDS; i++) {
        pp_ordercode_value_t v;
        pp_ordercode_sw_value(&cfg->sw, i, &v);
        if (v.option == NULL && !preset_defined(cfg, v.desc->preset, (uint16_t)atoi(v.code))) {
            return failf(c, line, "software code %s (%s) is '%s', but this file defines no "
                         "[preset.%s.%s]", v.desc->pos, v.desc->title, v.code,
                         PRESET_KIND[v.desc->preset], v.code);
        }
    }
    pp_ordercode_error_t e;
    if (pp_ordercode_check(&cfg->type, &cfg->sw, &cfg->features, &e) != PP_OK) {
        char msg[PP_ORDERCODE_MESSAGE_MAX];
        pp_ordercode_error_format(&e, msg, sizeof msg);
        return failf(c, e.kind == PP_OC_E_PRODUCT && c->type_line ? c->type_line : line, "%s", msg);
    }
    return 0;
}

/* ---------------- public ---------------- */

void pp_hostcfg_defaults(pp_hostcfg_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->meter_number, "12345678");
    strcpy(cfg->manufacturer, "PPH");
    pp_ordercode_parse_type(pp_ordercode_default_type, &cfg->type, NULL);
    pp_ordercode_parse_sw(pp_ordercode_default_sw, &cfg->sw, NULL);
    pp_ordercode_check(&cfg->type, &cfg->sw, &cfg->features, NULL);
    cfg->wrapper_tcp_port = 4059;
    cfg->hdlc_tcp_port = 4060;
    cfg->optical_tcp_port = 4061;
    cfg->pty = true;
    strcpy(cfg->lls_password, "12345678");
    parse_hex16(DEFAULT_GUEK, cfg->guek);
    parse_hex16(DEFAULT_GAK, cfg->gak);
    strcpy(cfg->nvm_image, "polyphase.nvm");
    strcpy(cfg->scenario, "household");
    cfg->speed = 1.0;
}

int pp_hostcfg_parse(pp_hostcfg_t *cfg, const char *name, const char *text, char *err,
                     size_t errlen)
{
    char dummy[8];
    if (err == NULL || errlen == 0) {
        err = dummy, errlen = sizeof dummy;
    }
    err[0] = '\0';
    ctx_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    c->cfg = cfg;
    c->name = name;
    c->err = err;
    c->errlen = errlen;
    pp_hostcfg_defaults(cfg);
    int rc = 0;
    const char *p = text;
    while (rc == 0 && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        c->line++;
        char buf[LINE_MAX_CHARS + 1];
        if (n > LINE_MAX_CHARS) {
            rc = failf(c, c->line, "line longer than %d characters", LINE_MAX_CHARS);
            break;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (n > 0 && buf[n - 1] == '\r') {
            buf[n - 1] = '\0'; /* CRLF files */
        }
        char *s = clean_line(buf);
        if (*s == '[') {
            rc = open_section(c, s);
        } else if (*s != '\0') {
            rc = key_value(c, s);
        }
        p = nl != NULL ? nl + 1 : p + n;
    }
    if (rc == 0) {
        rc = finish(c);
    }
    free(c);
    return rc;
}

int pp_hostcfg_load(pp_hostcfg_t *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 20;
    char *text = malloc(cap + 1);
    size_t n = text != NULL ? fread(text, 1, cap + 1, f) : 0;
    int read_err = ferror(f);
    fclose(f);
    if (text == NULL || read_err || n > cap) {
        snprintf(err, errlen, "%s: cannot read: %s", path,
                 n > cap ? "larger than 1 MiB" : "read error");
        free(text);
        return -1;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        snprintf(err, errlen, "%s: cannot read: contains a NUL byte", path);
        free(text);
        return -1;
    }
    int rc = pp_hostcfg_parse(cfg, path, text, err, errlen);
    free(text);
    return rc;
}

const pp_hostcfg_display_t *pp_hostcfg_display(const pp_hostcfg_t *cfg, uint16_t id)
{
    for (int i = 0; i < cfg->n_display; i++) {
        if (cfg->display[i].id == id) {
            return &cfg->display[i];
        }
    }
    return NULL;
}

const pp_hostcfg_tariff_t *pp_hostcfg_tariff(const pp_hostcfg_t *cfg, uint16_t id)
{
    for (int i = 0; i < cfg->n_tariff; i++) {
        if (cfg->tariff[i].id == id) {
            return &cfg->tariff[i];
        }
    }
    return NULL;
}

const pp_hostcfg_other_t *pp_hostcfg_other(const pp_hostcfg_t *cfg, pp_ordercode_preset_t kind,
                                           uint16_t id)
{
    for (int i = 0; i < cfg->n_other; i++) {
        if (cfg->other[i].kind == kind && cfg->other[i].id == id) {
            return &cfg->other[i];
        }
    }
    return NULL;
}

int pp_hostcfg_tariff_at(const pp_hostcfg_tariff_t *t, uint16_t year, uint8_t month,
                         uint8_t mday, uint8_t weekday, uint16_t minute)
{
    if (t == NULL || t->n_seasons == 0 || weekday > 6) {
        return -1;
    }
    int day = -1;
    for (int i = 0; i < t->n_special; i++) {
        const pp_hostcfg_special_t *s = &t->special[i];
        if ((s->year == 0 || s->year == year) && s->month == month && s->mday == mday) {
            day = s->day;
        }
    }
    if (day < 0) {
        /* Latest season start on or before the date; before the first start
         * the last season of the year still runs. */
        int season = t->n_seasons - 1;
        for (int i = 0; i < t->n_seasons; i++) {
            if (t->season[i].month * 32 + t->season[i].mday <= month * 32 + mday) {
                season = i;
            }
        }
        day = t->week[t->season[season].week].day[weekday];
    }
    const pp_hostcfg_day_t *d = &t->day[day];
    int tariff = d->sw[0].tariff;
    for (int i = 0; i < d->n_switches && d->sw[i].minute <= minute; i++) {
        tariff = d->sw[i].tariff;
    }
    return tariff;
}
