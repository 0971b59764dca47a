/* Load profile and the periodic engine it shares with the analysis logger.
 * Entry layout, status bits and clock-change behaviour: polyphase/profile.h. */
#include "polyphase/profile.h"

#include <string.h>

#include "core/le.h"

#define MIN_MS 60000LL

uint32_t pp_profile_capacity(uint32_t budget, unsigned channels)
{
    return budget / (PP_LP_ENTRY_OVERHEAD + 4u * channels);
}

uint32_t pp_profile_depth_minutes(uint32_t budget, unsigned channels, unsigned period_min)
{
    return pp_profile_capacity(budget, channels) * period_min;
}

int64_t pp_profile_std_ms(const pp_clock_t *clk, int64_t utc_ms)
{
    return utc_ms + (int64_t)clk->std_offset_min * MIN_MS;
}

pp_err_t pp_periodic_open(pp_periodic_t *p, const pp_port_t *port, uint32_t base, uint32_t size,
                          uint32_t budget, uint8_t nvalues, unsigned period_min, uint32_t tag)
{
    PP_VERIFY(p != NULL && period_min > 0 && period_min <= 1440 && nvalues > 0, PP_ERR_ARG);
    uint16_t payload = (uint16_t)(1u + 4u * nvalues);
    uint32_t cap = pp_profile_capacity(budget, nvalues);
    PP_VERIFY(cap >= 2 && cap <= pp_logstore_slots_for(size, payload), PP_ERR_ARG);
    memset(p, 0, sizeof(*p));
    PP_TRY(pp_logstore_open(&p->store, port, base, cap, payload, tag));
    p->period_ms = (int64_t)period_min * MIN_MS;
    p->nvalues = nvalues;
    p->booted = pp_logstore_count(&p->store) == 0; /* a first start is no outage */
    return PP_OK;
}

void pp_periodic_flag(pp_periodic_t *p, uint8_t bits, int64_t std_ms)
{
    if (bits == 0) {
        return;
    }
    p->pending |= bits;
    if (std_ms > p->pending_at) {
        p->pending_at = std_ms;
    }
}

static int64_t floor_to(int64_t t, int64_t period)
{
    int64_t r = t % period;
    return r < 0 ? t - r - period : t - r;
}

static pp_err_t write_entry(pp_periodic_t *p, const pp_clock_t *clk, pp_periodic_capture_fn capture,
                            const void *ctx)
{
    uint8_t payload[1 + 4 * PP_AL_MAX_CHANNELS];
    uint8_t status = p->pending;
    /* DST as it was at the capture instant (the boundary). */
    if (clk->dst_enabled &&
        pp_clock_dst_active(clk, p->next_end - (int64_t)clk->std_offset_min * MIN_MS)) {
        status |= PP_LP_ST_DST;
    }
    memset(payload, 0, sizeof(payload));
    PP_TRY(capture(ctx, payload + 1, &status));
    payload[0] = status;
    PP_TRY(pp_logstore_append(&p->store, p->next_end, payload));
    if (p->next_end > p->pending_at) {
        p->pending = 0; /* the flagged moment lies in this period: done */
    }
    return PP_OK;
}

pp_err_t pp_periodic_tick(pp_periodic_t *p, const pp_clock_t *clk, int64_t utc_ms, uint8_t flags,
                          pp_periodic_capture_fn capture, const void *ctx)
{
    PP_VERIFY(p != NULL && clk != NULL && capture != NULL && p->period_ms > 0, PP_ERR_ARG);
    int64_t now = pp_profile_std_ms(clk, utc_ms);
    if (!p->started) {
        int64_t last;
        if (pp_logstore_newest_time(&p->store, &last) == PP_OK) {
            p->next_end = floor_to(last, p->period_ms) + p->period_ms;
        } else {
            p->next_end = floor_to(now, p->period_ms) + p->period_ms;
        }
        p->started = true;
    }
    if (!p->booted) {
        p->booted = true;
        pp_periodic_flag(p, PP_LP_ST_POWER_DOWN, now);
    }
    if (now >= p->next_end) {
        int64_t last_due = floor_to(now, p->period_ms);
        int64_t due = (last_due - p->next_end) / p->period_ms + 1;
        if (due > (int64_t)p->store.capacity) { /* older ones would be overwritten */
            p->next_end = last_due - (int64_t)(p->store.capacity - 1u) * p->period_ms;
        }
        /* A long outage is caught up a slice per tick, so no tick blocks
         * for thousands of NVM writes. */
        for (unsigned n = 0; p->next_end <= last_due && n < PP_PROFILE_MAX_PER_TICK; n++) {
            PP_TRY(write_entry(p, clk, capture, ctx));
            p->next_end += p->period_ms;
        }
    }
    /* This tick's conditions belong to the period in progress. */
    pp_periodic_flag(p, flags & (uint8_t)~PP_LP_ST_DST, now);
    return PP_OK;
}

/* ---------------- load profile ---------------- */

static const pp_log_column_t lp_columns[2 + PP_LP_MAX_CHANNELS] = {
    {"clock", PP_LOG_TIME},    {"status", PP_LOG_U8},     {"A+ (Wh)", PP_LOG_U32},
    {"A- (Wh)", PP_LOG_U32},   {"R+ (varh)", PP_LOG_U32}, {"R- (varh)", PP_LOG_U32}};

/* Where lp_decode takes each column from (channel i at 1 + 4 i). */
static const pp_log_field_t lp_fields[2 + PP_LP_MAX_CHANNELS] = {
    {0, 0}, {0, 1}, {1, 4}, {5, 4}, {9, 4}, {13, 4}};

unsigned pp_lp_depth_days(unsigned channels, unsigned period_min)
{
    return (pp_profile_depth_minutes(PP_LP_BUDGET, channels, period_min) + 720u) / 1440u;
}

pp_err_t pp_lp_init(pp_lp_t *lp, const pp_port_t *port, uint32_t base, uint32_t size,
                    const pp_lp_config_t *cfg)
{
    PP_VERIFY(lp != NULL && cfg != NULL, PP_ERR_ARG);
    PP_VERIFY(cfg->period_min == 5 || cfg->period_min == 15 || cfg->period_min == 30 ||
                  cfg->period_min == 60,
              PP_ERR_RANGE);
    PP_VERIFY(cfg->channels == 1 || cfg->channels == 2 || cfg->channels == 4, PP_ERR_RANGE);
    uint32_t tag = (0x4C50u << 16 | (uint32_t)cfg->period_min << 8 | cfg->channels) ^
                   (cfg->generation * 0x9E3779B1u);
    PP_TRY(pp_periodic_open(&lp->p, port, base, size, PP_LP_BUDGET, cfg->channels,
                            cfg->period_min, tag));
    lp->period_min = cfg->period_min;
    lp->channels = cfg->channels;
    return PP_OK;
}

static pp_err_t lp_capture(const void *ctx, uint8_t *values, uint8_t *status)
{
    const pp_lp_regs_t *r = ctx;
    (void)status;
    pp_le_put32(values, r->a_plus_wh);
    pp_le_put32(values + 4, r->a_minus_wh);
    pp_le_put32(values + 8, r->r_plus_varh);
    pp_le_put32(values + 12, r->r_minus_varh);
    return PP_OK;
}

pp_err_t pp_lp_tick(pp_lp_t *lp, const pp_clock_t *clk, int64_t utc_ms, const pp_lp_regs_t *regs,
                    uint8_t flags)
{
    PP_VERIFY(lp != NULL && regs != NULL, PP_ERR_ARG);
    /* Channel sets are prefixes: A+ | A+ A- | A+ A- R+ R-. capture writes
     * four values into a buffer sized for 16; the store keeps channels. */
    return pp_periodic_tick(&lp->p, clk, utc_ms, flags, lp_capture, regs);
}

void pp_lp_clock_adjusted(pp_lp_t *lp, const pp_clock_t *clk, int64_t new_utc_ms)
{
    pp_periodic_flag(&lp->p, PP_LP_ST_CLOCK_ADJUSTED, pp_profile_std_ms(clk, new_utc_ms));
}

static pp_err_t lp_decode(const void *logger, int64_t t, const uint8_t *payload,
                          pp_log_cell_t *cells)
{
    const pp_lp_t *lp = logger;
    cells[0] = (pp_log_cell_t){PP_LOG_TIME, 0, t};
    cells[1] = (pp_log_cell_t){PP_LOG_U8, 1, payload[0]};
    for (unsigned i = 0; i < lp->channels; i++) {
        cells[2 + i] = (pp_log_cell_t){PP_LOG_U32, (uint8_t)(2 + i), pp_le_get32(payload + 1 + 4 * i)};
    }
    return PP_OK;
}

void pp_lp_view(pp_lp_t *lp, pp_log_view_t *view)
{
    view->store = &lp->p.store;
    view->logger = lp;
    view->columns = lp_columns;
    view->ncolumns = (uint8_t)(2u + lp->channels);
    view->decode = lp_decode;
    view->fields = lp_fields;
    view->source = NULL;
    view->source_ctx = NULL;
}
