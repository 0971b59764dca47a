/* Activity calendar (COSEM class 20 shape) and special days (class 11):
 * validation, evaluation at a local time, built-in presets. */
#include <string.h>

#include "polyphase/tariff.h"

static bool name_eq(const pp_cal_name_t *a, const pp_cal_name_t *b)
{
    return a->len == b->len && memcmp(a->b, b->b, a->len) == 0;
}

static const pp_cal_day_t *find_day(const pp_calendar_t *c, uint8_t id)
{
    for (unsigned i = 0; i < c->n_days; i++) {
        if (c->day[i].day_id == id) {
            return &c->day[i];
        }
    }
    return NULL;
}

static const pp_cal_week_t *find_week(const pp_calendar_t *c, const pp_cal_name_t *n)
{
    for (unsigned i = 0; i < c->n_weeks; i++) {
        if (name_eq(&c->week[i].name, n)) {
            return &c->week[i];
        }
    }
    return NULL;
}

static uint32_t tod(uint8_t h, uint8_t m, uint8_t s)
{
    return (uint32_t)h * 3600u + (uint32_t)m * 60u + s;
}

static pp_err_t check_day(const pp_cal_day_t *d)
{
    PP_VERIFY(d->n_actions >= 1 && d->n_actions <= PP_CAL_ACTIONS, PP_ERR_RANGE);
    for (unsigned a = 0; a < d->n_actions; a++) {
        const pp_cal_action_t *x = &d->action[a];
        PP_VERIFY(x->hour < 24 && x->minute < 60 && x->second < 60, PP_ERR_RANGE);
        PP_VERIFY(x->tariff >= 1 && x->tariff <= 4, PP_ERR_RANGE);
        PP_VERIFY(a == 0 || tod(x->hour, x->minute, x->second) >
                                tod(d->action[a - 1].hour, d->action[a - 1].minute,
                                    d->action[a - 1].second),
                  PP_ERR_RANGE);
    }
    return PP_OK;
}

pp_err_t pp_calendar_check(const pp_calendar_t *c)
{
    PP_VERIFY(c != NULL, PP_ERR_ARG);
    PP_VERIFY(c->name.len <= PP_CAL_NAME_MAX, PP_ERR_RANGE);
    PP_VERIFY(c->n_seasons >= 1 && c->n_seasons <= PP_CAL_SEASONS, PP_ERR_RANGE);
    PP_VERIFY(c->n_weeks >= 1 && c->n_weeks <= PP_CAL_WEEKS, PP_ERR_RANGE);
    PP_VERIFY(c->n_days >= 1 && c->n_days <= PP_CAL_DAYS, PP_ERR_RANGE);
    for (unsigned i = 0; i < c->n_days; i++) {
        PP_TRY(check_day(&c->day[i]));
        for (unsigned k = 0; k < i; k++) {
            PP_VERIFY(c->day[k].day_id != c->day[i].day_id, PP_ERR_RANGE);
        }
    }
    for (unsigned i = 0; i < c->n_weeks; i++) {
        PP_VERIFY(c->week[i].name.len <= PP_CAL_NAME_MAX, PP_ERR_RANGE);
        for (unsigned w = 0; w < 7; w++) {
            PP_VERIFY(find_day(c, c->week[i].day_id[w]) != NULL, PP_ERR_NOT_FOUND);
        }
    }
    for (unsigned i = 0; i < c->n_seasons; i++) {
        const pp_cal_season_t *s = &c->season[i];
        PP_VERIFY(s->name.len <= PP_CAL_NAME_MAX && s->week.len <= PP_CAL_NAME_MAX, PP_ERR_RANGE);
        PP_VERIFY(s->month >= 1 && s->month <= 12 && s->day >= 1 && s->day <= 31, PP_ERR_RANGE);
        PP_VERIFY(s->hour < 24 && s->minute < 60 && s->second < 60, PP_ERR_RANGE);
        PP_VERIFY(find_week(c, &s->week) != NULL, PP_ERR_NOT_FOUND);
    }
    return PP_OK;
}

pp_err_t pp_special_days_check(const pp_special_days_t *s, const pp_calendar_t *c)
{
    PP_VERIFY(s != NULL, PP_ERR_ARG);
    PP_VERIFY(s->n <= PP_CAL_SPECIAL_DAYS, PP_ERR_RANGE);
    for (unsigned i = 0; i < s->n; i++) {
        const pp_cal_special_t *e = &s->entry[i];
        PP_VERIFY(e->month == PP_CAL_ANY || (e->month >= 1 && e->month <= 12), PP_ERR_RANGE);
        PP_VERIFY(e->day == PP_CAL_ANY || (e->day >= 1 && e->day <= 31), PP_ERR_RANGE);
        PP_VERIFY(e->weekday == PP_CAL_ANY || (e->weekday >= 1 && e->weekday <= 7), PP_ERR_RANGE);
        PP_VERIFY(c == NULL || find_day(c, e->day_id) != NULL, PP_ERR_NOT_FOUND);
    }
    return PP_OK;
}

/* Orderable key of a local date-time (not a time scale: only compared). */
static int64_t dt_key(int64_t y, unsigned mo, unsigned d, uint32_t secs)
{
    return ((y * 13 + mo) * 32 + d) * 86400 + secs;
}

static const pp_cal_season_t *active_season(const pp_calendar_t *c, const pp_tariff_time_t *t)
{
    int64_t now = dt_key(t->year, t->month, t->day, tod(t->hour, t->minute, t->second));
    const pp_cal_season_t *best = NULL;
    int64_t best_key = INT64_MIN;
    for (unsigned i = 0; i < c->n_seasons; i++) {
        const pp_cal_season_t *s = &c->season[i];
        uint32_t st = tod(s->hour, s->minute, s->second);
        int64_t k;
        if (s->year == PP_CAL_ANY_YEAR) {
            k = dt_key(t->year, s->month, s->day, st);
            if (k > now) {
                k = dt_key((int64_t)t->year - 1, s->month, s->day, st); /* wraps */
            }
        } else {
            k = dt_key(s->year, s->month, s->day, st);
            if (k > now) {
                continue;
            }
        }
        if (k > best_key) {
            best_key = k;
            best = s;
        }
    }
    if (best != NULL) {
        return best;
    }
    /* Every season starts in the future: the earliest one holds until then. */
    for (unsigned i = 0; i < c->n_seasons; i++) {
        const pp_cal_season_t *s = &c->season[i];
        int64_t k = dt_key(s->year, s->month, s->day, tod(s->hour, s->minute, s->second));
        if (best == NULL || k < best_key) {
            best_key = k;
            best = s;
        }
    }
    return best;
}

static const pp_cal_special_t *special_for(const pp_special_days_t *s, const pp_tariff_time_t *t)
{
    if (s == NULL) {
        return NULL;
    }
    for (unsigned i = 0; i < s->n; i++) {
        const pp_cal_special_t *e = &s->entry[i];
        if ((e->year == PP_CAL_ANY_YEAR || e->year == t->year) &&
            (e->month == PP_CAL_ANY || e->month == t->month) &&
            (e->day == PP_CAL_ANY || e->day == t->day) &&
            (e->weekday == PP_CAL_ANY || e->weekday == t->weekday)) {
            return e;
        }
    }
    return NULL;
}

int pp_calendar_eval(const pp_calendar_t *c, const pp_special_days_t *s,
                     const pp_tariff_time_t *t, uint32_t *next_s)
{
    PP_VERIFY(c != NULL && t != NULL && t->weekday >= 1 && t->weekday <= 7, PP_ERR_ARG);
    /* Counts bound every loop below, also for a calendar never checked. */
    PP_VERIFY(c->n_seasons <= PP_CAL_SEASONS && c->n_weeks <= PP_CAL_WEEKS &&
                  c->n_days <= PP_CAL_DAYS && (s == NULL || s->n <= PP_CAL_SPECIAL_DAYS),
              PP_ERR_RANGE);
    const pp_cal_day_t *day = NULL;
    const pp_cal_special_t *sp = special_for(s, t);
    if (sp != NULL) {
        day = find_day(c, sp->day_id);
    } else {
        const pp_cal_season_t *season = active_season(c, t);
        const pp_cal_week_t *week = season ? find_week(c, &season->week) : NULL;
        day = week ? find_day(c, week->day_id[t->weekday - 1]) : NULL;
    }
    PP_VERIFY(day != NULL && day->n_actions >= 1, PP_ERR_NOT_FOUND);
    PP_VERIFY(day->n_actions <= PP_CAL_ACTIONS, PP_ERR_RANGE);
    uint32_t now = tod(t->hour, t->minute, t->second);
    /* Before the first switch of the day the day's last action holds. */
    unsigned pick = day->n_actions - 1u;
    uint32_t next = 86400u - now;
    for (unsigned a = 0; a < day->n_actions; a++) {
        uint32_t at = tod(day->action[a].hour, day->action[a].minute, day->action[a].second);
        if (at <= now) {
            pick = a;
        } else {
            next = at - now;
            break;
        }
    }
    if (next_s != NULL) {
        *next_s = next;
    }
    return day->action[pick].tariff;
}

/* ---- presets ---- */

static void set_name(pp_cal_name_t *n, const char *s)
{
    n->len = (uint8_t)strlen(s);
    memcpy(n->b, s, n->len);
}

static void set_day(pp_cal_day_t *d, uint8_t id, const uint8_t (*act)[2], uint8_t n)
{
    d->day_id = id;
    d->n_actions = n;
    for (unsigned i = 0; i < n; i++) {
        d->action[i].hour = act[i][0];
        d->action[i].minute = 0;
        d->action[i].second = 0;
        d->action[i].tariff = act[i][1];
    }
}

static void add_season(pp_calendar_t *c, const char *name, uint8_t month, const char *week)
{
    pp_cal_season_t *s = &c->season[c->n_seasons++];
    set_name(&s->name, name);
    s->year = PP_CAL_ANY_YEAR;
    s->month = month;
    s->day = 1;
    set_name(&s->week, week);
}

static void add_week(pp_calendar_t *c, const char *name, uint8_t workday, uint8_t weekend)
{
    pp_cal_week_t *w = &c->week[c->n_weeks++];
    set_name(&w->name, name);
    for (unsigned i = 0; i < 7; i++) {
        w->day_id[i] = i < 5 ? workday : weekend;
    }
}

static void add_holidays(pp_special_days_t *sp, uint8_t day_id)
{
    /* Fixed-date holidays common to the EU countries of Z11 = 01. */
    static const uint8_t dates[][2] = {{1, 1}, {5, 1}, {12, 24}, {12, 25}, {12, 26}, {12, 31}};
    for (unsigned i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        pp_cal_special_t *e = &sp->entry[sp->n++];
        e->index = (uint16_t)(i + 1);
        e->year = PP_CAL_ANY_YEAR;
        e->month = dates[i][0];
        e->day = dates[i][1];
        e->weekday = PP_CAL_ANY;
        e->day_id = day_id;
    }
}

pp_err_t pp_calendar_preset(uint16_t number, pp_calendar_t *cal, pp_special_days_t *special)
{
    static const uint8_t daynight_work[][2] = {{0, 2}, {6, 1}, {22, 2}};
    static const uint8_t daynight_off[][2] = {{0, 2}};
    static const uint8_t winter_work[][2] = {{0, 1}, {6, 2}, {17, 3}, {21, 2}};
    static const uint8_t summer_work[][2] = {{0, 1}, {6, 2}, {17, 4}, {21, 2}};
    static const uint8_t weekend[][2] = {{0, 1}, {6, 2}};
    PP_VERIFY(cal != NULL && special != NULL, PP_ERR_ARG);
    memset(cal, 0, sizeof(*cal));
    memset(special, 0, sizeof(*special));
    switch (number) {
    case 1:
        set_name(&cal->name, "DAYNIGHT");
        add_season(cal, "ALL", 1, "WEEK");
        add_week(cal, "WEEK", 1, 2);
        set_day(&cal->day[0], 1, daynight_work, 3);
        set_day(&cal->day[1], 2, daynight_off, 1);
        cal->n_days = 2;
        add_holidays(special, 2);
        break;
    case 2:
        set_name(&cal->name, "4BAND");
        add_season(cal, "WINTER", 10, "WINTER");
        add_season(cal, "SUMMER", 4, "SUMMER");
        add_week(cal, "WINTER", 1, 3);
        add_week(cal, "SUMMER", 2, 3);
        set_day(&cal->day[0], 1, winter_work, 4);
        set_day(&cal->day[1], 2, summer_work, 4);
        set_day(&cal->day[2], 3, weekend, 2);
        cal->n_days = 3;
        add_holidays(special, 3);
        break;
    default:
        return PP_ERR_NOT_FOUND;
    }
    return pp_calendar_check(cal);
}

/* ---- byte form (permanent memory) ---- */

typedef struct cursor {
    uint8_t *w;        /* encode: output, NULL when decoding */
    const uint8_t *r;  /* decode: input */
    size_t pos, end;
    bool bad;
} cursor_t;

static void cur_byte(cursor_t *c, uint8_t *v)
{
    if (c->pos >= c->end) {
        c->bad = true;
        return;
    }
    if (c->w != NULL) {
        c->w[c->pos] = *v;
    } else {
        *v = c->r[c->pos];
    }
    c->pos++;
}

static void cur_u16(cursor_t *c, uint16_t *v)
{
    uint8_t lo = (uint8_t)*v, hi = (uint8_t)(*v >> 8);
    cur_byte(c, &lo);
    cur_byte(c, &hi);
    *v = (uint16_t)(lo | hi << 8);
}

static void cur_name(cursor_t *c, pp_cal_name_t *n)
{
    cur_byte(c, &n->len);
    if (n->len > PP_CAL_NAME_MAX) {
        c->bad = true;
        return;
    }
    for (unsigned i = 0; i < n->len; i++) {
        cur_byte(c, &n->b[i]);
    }
}

/* One walk for both directions keeps the two forms identical. */
static void walk_calendar(cursor_t *c, pp_calendar_t *cal)
{
    cur_name(c, &cal->name);
    cur_byte(c, &cal->n_seasons);
    cur_byte(c, &cal->n_weeks);
    cur_byte(c, &cal->n_days);
    if (cal->n_seasons > PP_CAL_SEASONS || cal->n_weeks > PP_CAL_WEEKS ||
        cal->n_days > PP_CAL_DAYS) {
        c->bad = true;
        return;
    }
    for (unsigned i = 0; i < cal->n_seasons && !c->bad; i++) {
        pp_cal_season_t *s = &cal->season[i];
        cur_name(c, &s->name);
        cur_u16(c, &s->year);
        cur_byte(c, &s->month);
        cur_byte(c, &s->day);
        cur_byte(c, &s->hour);
        cur_byte(c, &s->minute);
        cur_byte(c, &s->second);
        cur_name(c, &s->week);
    }
    for (unsigned i = 0; i < cal->n_weeks && !c->bad; i++) {
        cur_name(c, &cal->week[i].name);
        for (unsigned d = 0; d < 7; d++) {
            cur_byte(c, &cal->week[i].day_id[d]);
        }
    }
    for (unsigned i = 0; i < cal->n_days && !c->bad; i++) {
        pp_cal_day_t *d = &cal->day[i];
        cur_byte(c, &d->day_id);
        cur_byte(c, &d->n_actions);
        if (d->n_actions > PP_CAL_ACTIONS) {
            c->bad = true;
            return;
        }
        for (unsigned a = 0; a < d->n_actions; a++) {
            cur_byte(c, &d->action[a].hour);
            cur_byte(c, &d->action[a].minute);
            cur_byte(c, &d->action[a].second);
            cur_byte(c, &d->action[a].tariff);
        }
    }
}

int pp_calendar_encode(const pp_calendar_t *cal, uint8_t *buf, size_t cap)
{
    PP_VERIFY(cal != NULL && buf != NULL, PP_ERR_ARG);
    pp_calendar_t copy = *cal; /* the walk takes non-const pointers */
    cursor_t c = {buf, NULL, 0, cap, false};
    walk_calendar(&c, &copy);
    return c.bad ? PP_ERR_NOSPACE : (int)c.pos;
}

pp_err_t pp_calendar_decode(const uint8_t *buf, size_t len, pp_calendar_t *cal)
{
    PP_VERIFY(buf != NULL && cal != NULL, PP_ERR_ARG);
    memset(cal, 0, sizeof(*cal));
    cursor_t c = {NULL, buf, 0, len, false};
    walk_calendar(&c, cal);
    PP_VERIFY(!c.bad, PP_ERR_MALFORMED);
    return pp_calendar_check(cal);
}

int pp_special_days_encode(const pp_special_days_t *s, uint8_t *buf, size_t cap)
{
    PP_VERIFY(s != NULL && buf != NULL && s->n <= PP_CAL_SPECIAL_DAYS, PP_ERR_ARG);
    PP_VERIFY(cap >= 1u + 7u * s->n, PP_ERR_NOSPACE);
    buf[0] = s->n;
    for (unsigned i = 0; i < s->n; i++) {
        const pp_cal_special_t *e = &s->entry[i];
        uint8_t *p = buf + 1 + 7 * i;
        p[0] = (uint8_t)e->index;
        p[1] = (uint8_t)e->year;
        p[2] = (uint8_t)(e->year >> 8);
        p[3] = e->month;
        p[4] = e->day;
        p[5] = e->weekday;
        p[6] = e->day_id;
    }
    return (int)(1u + 7u * s->n);
}

pp_err_t pp_special_days_decode(const uint8_t *buf, size_t len, pp_special_days_t *s)
{
    PP_VERIFY(buf != NULL && s != NULL, PP_ERR_ARG);
    PP_VERIFY(len >= 1 && buf[0] <= PP_CAL_SPECIAL_DAYS && len >= 1u + 7u * buf[0], PP_ERR_MALFORMED);
    memset(s, 0, sizeof(*s));
    s->n = buf[0];
    for (unsigned i = 0; i < s->n; i++) {
        const uint8_t *p = buf + 1 + 7 * i;
        pp_cal_special_t *e = &s->entry[i];
        e->index = p[0];
        e->year = (uint16_t)(p[1] | p[2] << 8);
        e->month = p[3];
        e->day = p[4];
        e->weekday = p[5];
        e->day_id = p[6];
    }
    return pp_special_days_check(s, NULL);
}
