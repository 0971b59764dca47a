/* Block demand (see demand.h for the rules). */
#include "polyphase/demand.h"

#include <string.h>

#include "polyphase/nvm_keys.h"
#include "core/le.h"

#define KEY_STATE (PP_KEY_DEMAND_BASE + 0x00)
#define KEY_OPEN (PP_KEY_DEMAND_BASE + 0x01)
#define KEY_THRESHOLD (PP_KEY_DEMAND_BASE + 0x02) /* set over DLMS: overrides the config */

#define MAX_LEN PP_DEMAND_MAX_BYTES
#define STATE_LEN ((PP_DEMAND_KINDS + PP_DEMAND_TARIFFS) * MAX_LEN + 8u * (1u + PP_DEMAND_TARIFFS) + 4u)
#define OPEN_LEN (1u + 1u + 8u + 8u + 8u * PP_DEMAND_KINDS + 4u)

void pp_demand_max_put(uint8_t *p, const pp_demand_max_t *m)
{
    pp_le_put32(p, m->w);
    pp_le_put64(p + 4, (uint64_t)m->utc_ms);
}

void pp_demand_max_get(const uint8_t *p, pp_demand_max_t *m)
{
    m->w = pp_le_get32(p);
    m->utc_ms = (int64_t)pp_le_get64(p + 4);
}

static void encode_state(const pp_demand_state_t *s, uint8_t *out)
{
    uint8_t *p = out;
    for (unsigned k = 0; k < PP_DEMAND_KINDS; k++, p += MAX_LEN) {
        pp_demand_max_put(p, &s->max[k]);
    }
    for (unsigned t = 0; t < PP_DEMAND_TARIFFS; t++, p += MAX_LEN) {
        pp_demand_max_put(p, &s->max_tariff[t]);
    }
    pp_le_put64(p, s->acc_w);
    p += 8;
    for (unsigned t = 0; t < PP_DEMAND_TARIFFS; t++, p += 8) {
        pp_le_put64(p, s->acc_tariff_w[t]);
    }
    pp_le_put32(p, s->threshold_count);
}

static void decode_state(const uint8_t *in, pp_demand_state_t *s)
{
    const uint8_t *p = in;
    for (unsigned k = 0; k < PP_DEMAND_KINDS; k++, p += MAX_LEN) {
        pp_demand_max_get(p, &s->max[k]);
    }
    for (unsigned t = 0; t < PP_DEMAND_TARIFFS; t++, p += MAX_LEN) {
        pp_demand_max_get(p, &s->max_tariff[t]);
    }
    s->acc_w = pp_le_get64(p);
    p += 8;
    for (unsigned t = 0; t < PP_DEMAND_TARIFFS; t++, p += 8) {
        s->acc_tariff_w[t] = pp_le_get64(p);
    }
    s->threshold_count = pp_le_get32(p);
}

static pp_err_t save_state(pp_demand_t *d)
{
    uint8_t buf[STATE_LEN];
    encode_state(&d->st, buf);
    return pp_journal_write(d->journal, KEY_STATE, buf, STATE_LEN);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* End of the period holding a frame stamped s: the smallest multiple of P >= s. */
static int64_t period_end(const pp_demand_t *d, int64_t s)
{
    return -floor_div(-s, (int64_t)d->period_s) * (int64_t)d->period_s;
}

static void open_period(pp_demand_t *d, int64_t s, uint8_t flags)
{
    d->running = true;
    d->end_s = period_end(d, s);
    d->start_s = d->end_s - (int64_t)d->period_s;
    memset(d->acc_uwh, 0, sizeof(d->acc_uwh));
    d->seconds = 0;
    d->flags = flags;
}

static bool raise_max(pp_demand_max_t *m, uint32_t w, int64_t utc_ms)
{
    if (w > m->w) {
        m->w = w;
        m->utc_ms = utc_ms;
        return true;
    }
    return false;
}

/* Closes the open period at close_s. Returns 1, or a journal error. */
static int close_period(pp_demand_t *d, int64_t close_s, unsigned tariff)
{
    pp_demand_period_t *l = &d->last;
    l->start_utc_ms = d->start_s * 1000;
    l->end_utc_ms = close_s * 1000;
    l->seconds = d->seconds;
    l->tariff = (uint8_t)(tariff <= PP_DEMAND_TARIFFS ? tariff : 0);
    l->flags = (uint8_t)(d->flags | (d->seconds < d->period_s ? PP_DEMAND_FLAG_SHORT : 0));
    bool changed = false;
    for (unsigned k = 0; k < PP_DEMAND_KINDS; k++) {
        /* W = uWh * 3600 s/h / (P s * 1e6 uW/W) */
        uint64_t w = d->acc_uwh[k] * 3600u / ((uint64_t)d->period_s * 1000000u);
        l->w[k] = w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
        changed |= raise_max(&d->st.max[k], l->w[k], l->end_utc_ms);
    }
    if (l->tariff >= 1) {
        changed |= raise_max(&d->st.max_tariff[l->tariff - 1u], l->w[PP_DEMAND_P_PLUS],
                             l->end_utc_ms);
    }
    if (d->threshold_w != 0 && l->w[PP_DEMAND_P_PLUS] > d->threshold_w) {
        d->st.threshold_count++;
        changed = true;
    }
    d->have_last = true;
    d->running = false;
    if (changed) {
        PP_TRY(save_state(d));
    }
    return 1;
}

static pp_err_t load_open(pp_demand_t *d)
{
    uint8_t buf[OPEN_LEN];
    pp_err_t rc = pp_journal_read(d->journal, KEY_OPEN, buf, OPEN_LEN);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK;
    }
    PP_TRY(rc);
    if (buf[0] == 0) {
        return PP_OK; /* no period was open, or it was consumed */
    }
    d->running = true;
    d->flags = buf[1];
    d->start_s = (int64_t)pp_le_get64(buf + 2);
    d->end_s = (int64_t)pp_le_get64(buf + 10);
    for (unsigned k = 0; k < PP_DEMAND_KINDS; k++) {
        d->acc_uwh[k] = pp_le_get64(buf + 18 + 8 * k);
    }
    d->seconds = pp_le_get32(buf + 18 + 8 * PP_DEMAND_KINDS);
    if (d->end_s - d->start_s != (int64_t)d->period_s) {
        d->running = false; /* saved with another Z4: start afresh */
    }
    return PP_OK;
}

pp_err_t pp_demand_init(pp_demand_t *d, pp_journal_t *j, const pp_demand_config_t *cfg)
{
    PP_VERIFY(d != NULL && j != NULL && cfg != NULL, PP_ERR_ARG);
    uint8_t m = cfg->integration_minutes;
    PP_VERIFY(m == 5 || m == 15 || m == 30 || m == 60, PP_ERR_RANGE);
    memset(d, 0, sizeof(*d));
    d->journal = j;
    d->period_s = 60u * m;
    d->threshold_w = cfg->threshold_w;
    uint8_t buf[STATE_LEN];
    pp_err_t rc = pp_journal_read(j, KEY_THRESHOLD, buf, 4);
    if (rc == PP_OK) {
        d->threshold_w = pp_le_get32(buf);
    } else if (rc != PP_ERR_NOT_FOUND) {
        return rc;
    }
    rc = pp_journal_read(j, KEY_STATE, buf, STATE_LEN);
    if (rc == PP_OK) {
        decode_state(buf, &d->st);
    } else if (rc != PP_ERR_NOT_FOUND) {
        return rc;
    }
    return load_open(d);
}

pp_err_t pp_demand_set_threshold(pp_demand_t *d, uint32_t w)
{
    uint8_t buf[4];
    pp_le_put32(buf, w);
    PP_TRY(pp_journal_write(d->journal, KEY_THRESHOLD, buf, sizeof buf));
    d->threshold_w = w; /* applies from the next closed period */
    return PP_OK;
}

int pp_demand_on_second(pp_demand_t *d, const pp_energy_delta_t *e, int64_t utc_ms,
                        unsigned tariff)
{
    int64_t s = floor_div(utc_ms, 1000);
    int rc = 0;
    if (d->running && (s > d->end_s || s <= d->start_s)) {
        /* A gap or a jump nobody announced: close what we have. */
        d->flags |= s > d->end_s ? PP_DEMAND_FLAG_POWER_FAIL : PP_DEMAND_FLAG_CLOCK;
        rc = close_period(d, s > d->end_s ? d->end_s : s, tariff);
        open_period(d, s, d->last.flags & (PP_DEMAND_FLAG_POWER_FAIL | PP_DEMAND_FLAG_CLOCK));
    } else if (!d->running) {
        open_period(d, s, 0);
    }
    d->acc_uwh[PP_DEMAND_P_PLUS] += e->a_plus_uwh;
    d->acc_uwh[PP_DEMAND_S_PLUS] += e->e_plus_uvah;
    d->acc_uwh[PP_DEMAND_S_MINUS] += e->e_minus_uvah;
    d->seconds++;
    if (s == d->end_s) {
        int c = close_period(d, s, tariff);
        open_period(d, s + 1, 0);
        rc = c < 0 ? c : (rc < 0 ? rc : 1);
    }
    return rc;
}

pp_err_t pp_demand_on_power_fail(pp_demand_t *d)
{
    uint8_t buf[OPEN_LEN];
    memset(buf, 0, sizeof(buf));
    buf[0] = d->running ? 1 : 0;
    buf[1] = (uint8_t)(d->flags | PP_DEMAND_FLAG_POWER_FAIL);
    pp_le_put64(buf + 2, (uint64_t)d->start_s);
    pp_le_put64(buf + 10, (uint64_t)d->end_s);
    for (unsigned k = 0; k < PP_DEMAND_KINDS; k++) {
        pp_le_put64(buf + 18 + 8 * k, d->acc_uwh[k]);
    }
    pp_le_put32(buf + 18 + 8 * PP_DEMAND_KINDS, d->seconds);
    d->flags |= PP_DEMAND_FLAG_POWER_FAIL;
    return pp_journal_write(d->journal, KEY_OPEN, buf, OPEN_LEN);
}

int pp_demand_on_power_restore(pp_demand_t *d, int64_t utc_ms, unsigned tariff)
{
    int64_t s = floor_div(utc_ms, 1000);
    int rc = 0;
    if (d->running) {
        d->flags |= PP_DEMAND_FLAG_POWER_FAIL;
        if (s > d->end_s || s <= d->start_s) {
            rc = close_period(d, s > d->end_s ? d->end_s : s, tariff);
            open_period(d, s, PP_DEMAND_FLAG_POWER_FAIL);
        }
    } else {
        open_period(d, s, PP_DEMAND_FLAG_POWER_FAIL);
    }
    /* The saved period is consumed; a second restore must not reuse it. */
    uint8_t buf[OPEN_LEN];
    memset(buf, 0, sizeof(buf));
    pp_err_t w = pp_journal_write(d->journal, KEY_OPEN, buf, OPEN_LEN);
    return rc < 0 ? rc : (w < 0 ? w : rc);
}

int pp_demand_on_clock_change(pp_demand_t *d, int64_t old_utc_ms, int64_t new_utc_ms,
                              unsigned tariff)
{
    int64_t old_s = floor_div(old_utc_ms, 1000);
    int64_t new_s = floor_div(new_utc_ms, 1000);
    if (!d->running) {
        return 0;
    }
    d->flags |= PP_DEMAND_FLAG_CLOCK;
    if (new_s > d->start_s && new_s < d->end_s) {
        return 0; /* same period: continue */
    }
    int64_t close_s = old_s < d->end_s ? old_s : d->end_s;
    int rc = close_period(d, close_s, tariff);
    /* The new period starts after the new time: the frame stamped new_s + 1
     * is its first. */
    open_period(d, new_s + 1, PP_DEMAND_FLAG_CLOCK);
    return rc;
}

void pp_demand_after_stop(const pp_demand_state_t *before, pp_demand_state_t *after)
{
    pp_demand_state_t s = *before;
    s.acc_w += s.max[PP_DEMAND_P_PLUS].w;
    for (unsigned t = 0; t < PP_DEMAND_TARIFFS; t++) {
        s.acc_tariff_w[t] += s.max_tariff[t].w;
    }
    memset(s.max, 0, sizeof(s.max));
    memset(s.max_tariff, 0, sizeof(s.max_tariff));
    *after = s;
}

pp_err_t pp_demand_stage_stop(pp_demand_t *d)
{
    pp_demand_state_t after;
    uint8_t buf[STATE_LEN];
    pp_demand_after_stop(&d->st, &after);
    encode_state(&after, buf);
    return pp_journal_stage(d->journal, KEY_STATE, buf, STATE_LEN);
}

void pp_demand_apply_stop(pp_demand_t *d)
{
    pp_demand_after_stop(&d->st, &d->st);
}

const pp_demand_state_t *pp_demand_state(const pp_demand_t *d)
{
    return &d->st;
}

const pp_demand_period_t *pp_demand_last(const pp_demand_t *d)
{
    return d->have_last ? &d->last : NULL;
}

uint32_t pp_demand_current_w(const pp_demand_t *d, pp_demand_kind_t k)
{
    if (!d->running || (unsigned)k >= PP_DEMAND_KINDS) {
        return 0;
    }
    uint64_t w = d->acc_uwh[k] * 3600u / ((uint64_t)d->period_s * 1000000u);
    return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}
