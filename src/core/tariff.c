/* Tariff control: module inputs (Z3) or the activity calendar (Z13). */
#include "polyphase/tariff.h"

#include <string.h>

#include "polyphase/nvm_keys.h"
#include "polyphase/port.h"

/* Z3 rows that control tariffs (data sheet "Z3 - Primary module
 * configuration"): {code, source, input for 2-tariff, inverted inputs}. */
static const struct {
    uint8_t z3;
    uint8_t source;
    uint8_t io;
    uint8_t invert;
} z3_tariff[] = {
    {1, PP_TARIFF_INPUT4, 0, 0},  /* 4-tariff */
    {2, PP_TARIFF_INPUT4, 0, 3},  /* 4-tariff inverted */
    {7, PP_TARIFF_INPUT2, 1, 0},  /* 2-tariff / Alarm in */
    {8, PP_TARIFF_INPUT2, 1, 1},  /* 2-tariff inverted / Alarm in */
    {9, PP_TARIFF_INPUT2, 1, 0},  /* 2-tariff / Alarm in inverted */
    {10, PP_TARIFF_INPUT2, 1, 1}, /* 2-tariff inverted / Alarm in inverted */
    {11, PP_TARIFF_INPUT2, 1, 0}, /* 2-tariff / A+ out */
    {12, PP_TARIFF_INPUT2, 1, 1}, /* 2-tariff inverted / A+ out */
    {13, PP_TARIFF_INPUT2, 2, 0}, /* Pulse in / 2-tariff */
    {14, PP_TARIFF_INPUT2, 2, 2}, /* Pulse in / 2-tariff inverted */
    {22, PP_TARIFF_INPUT4, 0, 0}, /* 4-tariff sync load control */
    {23, PP_TARIFF_INPUT4, 0, 3}, /* 4-tariff sync load control inverted */
};

pp_err_t pp_tariff_config_from_z3(uint8_t z3, bool have_table, pp_tariff_config_t *out)
{
    PP_VERIFY(out != NULL, PP_ERR_ARG);
    PP_VERIFY(z3 <= 28 && z3 != 24 && z3 != 25, PP_ERR_RANGE);
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < sizeof(z3_tariff) / sizeof(z3_tariff[0]); i++) {
        if (z3_tariff[i].z3 == z3) {
            /* Inputs and a table at once is a conflicting order code. */
            PP_VERIFY(!have_table, PP_ERR_STATE);
            out->source = (pp_tariff_source_t)z3_tariff[i].source;
            out->input2_io = z3_tariff[i].io;
            out->invert = z3_tariff[i].invert;
            return PP_OK;
        }
    }
    out->source = have_table ? PP_TARIFF_CALENDAR : PP_TARIFF_SINGLE;
    return PP_OK;
}

unsigned pp_tariff_from_inputs(const pp_tariff_config_t *cfg, uint32_t inputs)
{
    unsigned io1 = (inputs & PP_IN_MODULE_IO1) ? 1u : 0u;
    unsigned io2 = (inputs & PP_IN_MODULE_IO2) ? 1u : 0u;
    io1 ^= cfg->invert & 1u;
    io2 ^= (cfg->invert >> 1) & 1u;
    switch (cfg->source) {
    case PP_TARIFF_INPUT2:
        return 1u + (cfg->input2_io == 2 ? io2 : io1);
    case PP_TARIFF_INPUT4:
        return 1u + io1 + 2u * io2;
    default:
        return 1u;
    }
}

pp_err_t pp_tariff_init(pp_tariff_t *t, const pp_tariff_config_t *cfg,
                        const pp_calendar_t *cal, const pp_special_days_t *special)
{
    PP_VERIFY(t != NULL && cfg != NULL, PP_ERR_ARG);
    PP_VERIFY((unsigned)cfg->source <= PP_TARIFF_INPUT4, PP_ERR_RANGE);
    PP_VERIFY(cfg->source != PP_TARIFF_INPUT2 || cfg->input2_io == 1 || cfg->input2_io == 2,
              PP_ERR_RANGE);
    memset(t, 0, sizeof(*t));
    t->cfg = *cfg;
    t->current = 1;
    if (cfg->source == PP_TARIFF_CALENDAR) {
        PP_VERIFY(cal != NULL, PP_ERR_ARG);
        PP_TRY(pp_calendar_check(cal));
        t->active = *cal;
        if (special != NULL) {
            PP_TRY(pp_special_days_check(special, cal));
            t->special = *special;
        }
    }
    pp_tariff_invalidate(t);
    return PP_OK;
}

void pp_tariff_invalidate(pp_tariff_t *t)
{
    t->next_eval_utc_ms = INT64_MIN;
}

bool pp_tariff_needs_local(const pp_tariff_t *t, int64_t utc_ms)
{
    return t->cfg.source == PP_TARIFF_CALENDAR && utc_ms >= t->next_eval_utc_ms;
}

static void set_current(pp_tariff_t *t, unsigned tariff)
{
    if (tariff != t->current) {
        t->current = (uint8_t)tariff;
        t->switches++;
    }
}

int pp_tariff_update(pp_tariff_t *t, int64_t utc_ms, const pp_tariff_time_t *local,
                     uint32_t inputs)
{
    if (t->cfg.source == PP_TARIFF_INPUT2 || t->cfg.source == PP_TARIFF_INPUT4) {
        set_current(t, pp_tariff_from_inputs(&t->cfg, inputs));
        return t->current;
    }
    if (!pp_tariff_needs_local(t, utc_ms)) {
        return t->current;
    }
    PP_VERIFY(local != NULL, PP_ERR_ARG);
    if (t->passive_set && utc_ms >= t->activate_utc_ms) {
        PP_TRY(pp_tariff_activate_passive(t));
    }
    uint32_t next_s;
    int tariff = pp_calendar_eval(&t->active, &t->special, local, &next_s);
    PP_TRY(tariff);
    set_current(t, (unsigned)tariff);
    /* Local time may jump at a UTC hour boundary (DST): look again there. */
    int64_t sec_ms = utc_ms - ((utc_ms % 1000) + 1000) % 1000;
    int64_t next = sec_ms + (int64_t)next_s * 1000;
    int64_t hour = sec_ms - ((sec_ms % 3600000) + 3600000) % 3600000 + 3600000;
    if (hour < next) {
        next = hour;
    }
    if (t->passive_set && t->activate_utc_ms > utc_ms && t->activate_utc_ms < next) {
        next = t->activate_utc_ms;
    }
    t->next_eval_utc_ms = next;
    return t->current;
}

pp_err_t pp_tariff_set_passive(pp_tariff_t *t, const pp_calendar_t *cal, int64_t activate_utc_ms)
{
    PP_VERIFY(t != NULL && cal != NULL, PP_ERR_ARG);
    PP_TRY(pp_calendar_check(cal));
    t->passive = *cal;
    t->passive_set = true;
    t->activate_utc_ms = activate_utc_ms;
    pp_tariff_invalidate(t);
    return PP_OK;
}

pp_err_t pp_tariff_activate_passive(pp_tariff_t *t)
{
    PP_VERIFY(t->passive_set, PP_ERR_STATE);
    /* Special days must still resolve against the new day profiles. */
    PP_TRY(pp_special_days_check(&t->special, &t->passive));
    t->active = t->passive;
    t->passive_set = false;
    pp_tariff_invalidate(t);
    return PP_OK;
}

pp_err_t pp_tariff_set_special_days(pp_tariff_t *t, const pp_special_days_t *s)
{
    PP_VERIFY(t != NULL, PP_ERR_ARG);
    PP_TRY(pp_special_days_check(s, t->cfg.source == PP_TARIFF_CALENDAR ? &t->active : NULL));
    t->special = *s;
    pp_tariff_invalidate(t);
    return PP_OK;
}

/* ---- persistence ---- */

#define KEY_ACTIVE (PP_KEY_TARIFF_BASE + 0x10)  /* 4 chunks */
#define KEY_PASSIVE (PP_KEY_TARIFF_BASE + 0x14) /* 4 chunks */
#define KEY_SPECIAL (PP_KEY_TARIFF_BASE + 0x18)
#define KEY_META (PP_KEY_TARIFF_BASE + 0x19)
#define CHUNK 256u
#define CHUNKS (PP_CAL_BYTES_MAX / CHUNK)
#define SPECIAL_LEN (1u + 7u * PP_CAL_SPECIAL_DAYS)
#define META_LEN 16u

static pp_err_t stage_calendar(pp_journal_t *j, uint16_t key, const pp_calendar_t *c, uint16_t *len)
{
    uint8_t buf[PP_CAL_BYTES_MAX];
    memset(buf, 0, sizeof(buf));
    int n = pp_calendar_encode(c, buf, sizeof(buf));
    PP_TRY(n);
    *len = (uint16_t)n;
    for (unsigned i = 0; i < CHUNKS; i++) {
        PP_TRY(pp_journal_stage(j, (uint16_t)(key + i), buf + i * CHUNK, CHUNK));
    }
    return PP_OK;
}

static pp_err_t read_calendar(pp_journal_t *j, uint16_t key, uint16_t len, pp_calendar_t *c)
{
    uint8_t buf[PP_CAL_BYTES_MAX];
    PP_VERIFY(len <= sizeof(buf), PP_ERR_CORRUPT);
    for (unsigned i = 0; i < CHUNKS; i++) {
        PP_TRY(pp_journal_read(j, (uint16_t)(key + i), buf + i * CHUNK, CHUNK));
    }
    return pp_calendar_decode(buf, len, c);
}

pp_err_t pp_tariff_save(const pp_tariff_t *t, pp_journal_t *j, uint16_t preset)
{
    PP_VERIFY(t != NULL && j != NULL, PP_ERR_ARG);
    uint8_t meta[META_LEN], sp[SPECIAL_LEN];
    uint16_t alen = 0, plen = 0;
    memset(meta, 0, sizeof(meta));
    memset(sp, 0, sizeof(sp));
    PP_TRY(pp_special_days_encode(&t->special, sp, sizeof(sp)));
    PP_TRY(pp_journal_begin(j));
    pp_err_t rc = stage_calendar(j, KEY_ACTIVE, &t->active, &alen);
    if (rc == PP_OK && t->passive_set) {
        rc = stage_calendar(j, KEY_PASSIVE, &t->passive, &plen);
    }
    if (rc == PP_OK) {
        rc = pp_journal_stage(j, KEY_SPECIAL, sp, SPECIAL_LEN);
    }
    if (rc == PP_OK) {
        meta[0] = (uint8_t)preset;
        meta[1] = (uint8_t)(preset >> 8);
        meta[2] = t->passive_set ? 1 : 0;
        meta[3] = (uint8_t)alen;
        meta[4] = (uint8_t)(alen >> 8);
        meta[5] = (uint8_t)plen;
        meta[6] = (uint8_t)(plen >> 8);
        for (unsigned i = 0; i < 8; i++) {
            meta[8 + i] = (uint8_t)((uint64_t)t->activate_utc_ms >> (8 * i));
        }
        rc = pp_journal_stage(j, KEY_META, meta, META_LEN);
    }
    rc = rc == PP_OK ? pp_journal_commit(j) : rc;
    if (rc != PP_OK) {
        (void)pp_journal_abort(j);
    }
    return rc;
}

pp_err_t pp_tariff_load(pp_tariff_t *t, pp_journal_t *j, uint16_t preset)
{
    PP_VERIFY(t != NULL && j != NULL, PP_ERR_ARG);
    uint8_t meta[META_LEN], sp[SPECIAL_LEN];
    PP_TRY(pp_journal_read(j, KEY_META, meta, META_LEN));
    if ((uint16_t)(meta[0] | meta[1] << 8) != preset) {
        return PP_ERR_NOT_FOUND;
    }
    pp_calendar_t active, passive;
    pp_special_days_t special;
    PP_TRY(read_calendar(j, KEY_ACTIVE, (uint16_t)(meta[3] | meta[4] << 8), &active));
    if (meta[2]) {
        PP_TRY(read_calendar(j, KEY_PASSIVE, (uint16_t)(meta[5] | meta[6] << 8), &passive));
    }
    PP_TRY(pp_journal_read(j, KEY_SPECIAL, sp, SPECIAL_LEN));
    PP_TRY(pp_special_days_decode(sp, SPECIAL_LEN, &special));
    PP_TRY(pp_special_days_check(&special, &active));
    t->active = active;
    t->special = special;
    t->passive_set = meta[2] != 0;
    if (t->passive_set) {
        t->passive = passive;
    }
    uint64_t act = 0;
    for (unsigned i = 0; i < 8; i++) {
        act |= (uint64_t)meta[8 + i] << (8 * i);
    }
    t->activate_utc_ms = (int64_t)act;
    pp_tariff_invalidate(t);
    return PP_OK;
}
