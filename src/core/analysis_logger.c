/* Analysis logger: up to 16 sources read through a getter every interval,
 * stored by the periodic engine of load_profile.c in its own budget.
 *
 * Budget 291,600 B with the 17-byte entry overhead and 4-byte values gives
 * 3,600 entries at 16 channels (2.5 days at 1 min) and 13,885 entries at one
 * channel (520.7 days at 54 min, the longest interval), the data sheet's
 * "2.5 to 520 days". */
#include "polyphase/profile.h"

#include <string.h>

#include "core/le.h"

static const pp_log_column_t al_columns[2 + PP_AL_MAX_CHANNELS] = {
    {"clock", PP_LOG_TIME}, {"status", PP_LOG_U8}, {"ch1", PP_LOG_I32},  {"ch2", PP_LOG_I32},
    {"ch3", PP_LOG_I32},    {"ch4", PP_LOG_I32},   {"ch5", PP_LOG_I32},  {"ch6", PP_LOG_I32},
    {"ch7", PP_LOG_I32},    {"ch8", PP_LOG_I32},   {"ch9", PP_LOG_I32},  {"ch10", PP_LOG_I32},
    {"ch11", PP_LOG_I32},   {"ch12", PP_LOG_I32},  {"ch13", PP_LOG_I32}, {"ch14", PP_LOG_I32},
    {"ch15", PP_LOG_I32},   {"ch16", PP_LOG_I32}};

static pp_err_t check_config(const pp_al_config_t *cfg)
{
    PP_VERIFY(cfg != NULL, PP_ERR_ARG);
    PP_VERIFY(cfg->interval_min >= PP_AL_MIN_INTERVAL_MIN &&
                  cfg->interval_min <= PP_AL_MAX_INTERVAL_MIN,
              PP_ERR_RANGE);
    PP_VERIFY(cfg->channels >= 1 && cfg->channels <= PP_AL_MAX_CHANNELS, PP_ERR_RANGE);
    return PP_OK;
}

uint32_t pp_al_depth_minutes(const pp_al_config_t *cfg)
{
    if (check_config(cfg) != PP_OK) {
        return 0;
    }
    return pp_profile_depth_minutes(PP_AL_BUDGET, cfg->channels, cfg->interval_min);
}

/* The layout depends on the sources too: another set empties the logger. */
static uint32_t config_tag(const pp_al_config_t *cfg)
{
    uint32_t h = 0x414C0000u ^ (uint32_t)cfg->interval_min << 8 ^ cfg->channels;
    for (unsigned i = 0; i < cfg->channels; i++) {
        h = (h ^ cfg->source[i]) * 0x01000193u; /* FNV-1a step */
    }
    return h ^ (cfg->generation * 0x9E3779B1u);
}

pp_err_t pp_al_init(pp_al_t *al, const pp_port_t *port, uint32_t base, uint32_t size,
                    const pp_al_config_t *cfg, pp_al_getter_fn get, void *get_ctx)
{
    PP_VERIFY(al != NULL && get != NULL, PP_ERR_ARG);
    PP_TRY(check_config(cfg));
    PP_TRY(pp_periodic_open(&al->p, port, base, size, PP_AL_BUDGET, cfg->channels,
                            cfg->interval_min, config_tag(cfg)));
    al->cfg = *cfg;
    al->get = get;
    al->get_ctx = get_ctx;
    return PP_OK;
}

static pp_err_t al_capture(const void *ctx, uint8_t *values, uint8_t *status)
{
    const pp_al_t *al = ctx;
    for (unsigned i = 0; i < al->cfg.channels; i++) {
        int32_t v = 0;
        if (al->get(al->get_ctx, al->cfg.source[i], &v) != PP_OK) {
            v = 0;
            *status |= PP_LP_ST_DATA_NOT_VALID;
        }
        pp_le_put32(values + 4 * i, (uint32_t)v);
    }
    return PP_OK;
}

pp_err_t pp_al_tick(pp_al_t *al, const pp_clock_t *clk, int64_t utc_ms, uint8_t flags)
{
    PP_VERIFY(al != NULL, PP_ERR_ARG);
    return pp_periodic_tick(&al->p, clk, utc_ms, flags, al_capture, al);
}

void pp_al_clock_adjusted(pp_al_t *al, const pp_clock_t *clk, int64_t new_utc_ms)
{
    pp_periodic_flag(&al->p, PP_LP_ST_CLOCK_ADJUSTED, pp_profile_std_ms(clk, new_utc_ms));
}

static pp_err_t al_decode(const void *logger, int64_t t, const uint8_t *payload,
                          pp_log_cell_t *cells)
{
    const pp_al_t *al = logger;
    cells[0] = (pp_log_cell_t){PP_LOG_TIME, 0, t};
    cells[1] = (pp_log_cell_t){PP_LOG_U8, 1, payload[0]};
    for (unsigned i = 0; i < al->cfg.channels; i++) {
        int32_t v = (int32_t)pp_le_get32(payload + 1 + 4 * i);
        cells[2 + i] = (pp_log_cell_t){PP_LOG_I32, (uint8_t)(2 + i), v};
    }
    return PP_OK;
}

void pp_al_view(pp_al_t *al, pp_log_view_t *view)
{
    view->store = &al->p.store;
    view->logger = al;
    view->columns = al_columns;
    view->ncolumns = (uint8_t)(2u + al->cfg.channels);
    view->decode = al_decode;
    view->fields = NULL;
    view->source = NULL;
    view->source_ctx = NULL;
}
