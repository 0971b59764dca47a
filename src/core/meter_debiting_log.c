/* The debiting logger 1.1.98.1.0.255 as a class 7 profile: one row per
 * debiting stop (billing snapshot, src/core/billing.c), read through a log
 * source over the snapshot store. Columns: the clock of the stop, then the
 * registers the snapshot holds, each captured as the object the meter
 * shows live (only the objects this meter's order code has). */
#include <string.h>

#include "meter_internal.h"

typedef enum kind {
    K_ENERGY,      /* index: pp_reg_quantity_t */
    K_A_TARIFF,    /* index: tariff 0..3 */
    K_R_TARIFF,
    K_P_MAX,
    K_P_MAX_ACC,
    K_HOURS,
    K_STOPS,
    K_THRESHOLD,
    K_PULSES,
    K_QUALITY
} kind_t;

typedef struct column_def {
    pp_quantity_t q;
    uint8_t kind, index;
    const char *name;
} column_def_t;

static const column_def_t COLUMNS[] = {
    {PP_Q_A_PLUS, K_ENERGY, PP_REG_A_PLUS, "A+ (Wh)"},
    {PP_Q_A_MINUS, K_ENERGY, PP_REG_A_MINUS, "A- (Wh)"},
    {PP_Q_R_PLUS, K_ENERGY, PP_REG_R_PLUS, "R+ (varh)"},
    {PP_Q_R_MINUS, K_ENERGY, PP_REG_R_MINUS, "R- (varh)"},
    {PP_Q_E_PLUS, K_ENERGY, PP_REG_E_PLUS, "E+ (VAh)"},
    {PP_Q_E_MINUS, K_ENERGY, PP_REG_E_MINUS, "E- (VAh)"},
    {PP_Q_A_PLUS_T1, K_A_TARIFF, 0, "A+ T1 (Wh)"},
    {PP_Q_A_PLUS_T2, K_A_TARIFF, 1, "A+ T2 (Wh)"},
    {PP_Q_A_PLUS_T3, K_A_TARIFF, 2, "A+ T3 (Wh)"},
    {PP_Q_A_PLUS_T4, K_A_TARIFF, 3, "A+ T4 (Wh)"},
    {PP_Q_R_PLUS_T1, K_R_TARIFF, 0, "R+ T1 (varh)"},
    {PP_Q_R_PLUS_T2, K_R_TARIFF, 1, "R+ T2 (varh)"},
    {PP_Q_R_PLUS_T3, K_R_TARIFF, 2, "R+ T3 (varh)"},
    {PP_Q_R_PLUS_T4, K_R_TARIFF, 3, "R+ T4 (varh)"},
    {PP_Q_P_PLUS_MAX, K_P_MAX, 0, "P+max (W)"},
    {PP_Q_P_PLUS_MAX_ACC, K_P_MAX_ACC, 0, "accumulated P+max (W)"},
    {PP_Q_HOUR_COUNTER, K_HOURS, 0, "hour counter"},
    {PP_Q_DEBITING_STOP_COUNTER, K_STOPS, 0, "debiting stop counter"},
    {PP_Q_POWER_THRESHOLD_COUNTER, K_THRESHOLD, 0, "power threshold counter"},
    {PP_Q_PULSE_INPUT, K_PULSES, 0, "pulse input"},
    {PP_Q_QUALITY_INFO, K_QUALITY, 0, "quality info"},
};
#define NDEFS (sizeof COLUMNS / sizeof COLUMNS[0])
_Static_assert(NDEFS + 1u <= PP_LOG_MAX_COLUMNS, "debiting logger columns");
_Static_assert(NDEFS + 1u <= PP_METER_DEBIT_COLUMNS, "meter column table");

static int64_t cell_value(const pp_billing_snapshot_t *s, const column_def_t *d)
{
    switch (d->kind) {
    case K_ENERGY: return (int64_t)s->energy_wh[d->index];
    case K_A_TARIFF: return (int64_t)s->a_plus_tariff_wh[d->index];
    case K_R_TARIFF: return (int64_t)s->r_plus_tariff_wh[d->index];
    case K_P_MAX: return s->p_plus_max.w;
    case K_P_MAX_ACC: return (int64_t)s->p_plus_max_acc;
    case K_HOURS: return s->hour_counter;
    case K_STOPS: return s->stop_counter;
    case K_THRESHOLD: return s->threshold_counter;
    case K_PULSES: return (int64_t)(s->pulse_input & 0xFFFFFFFFu);
    default: return s->quality;
    }
}

static uint32_t count(void *ctx)
{
    return pp_billing_count(&((pp_meter_t *)ctx)->app.billing);
}

static uint32_t capacity(void *ctx)
{
    return ((pp_meter_t *)ctx)->app.billing.depth;
}

/* Entry index 0 is the oldest snapshot; the billing store counts from the
 * newest. Stamps are standard time, as every logger of the meter. */
static pp_err_t row(void *ctx, uint32_t index, int64_t *time_ms, uint32_t *seq,
                    pp_log_cell_t *cells)
{
    pp_meter_t *m = ctx;
    const uint32_t n = pp_billing_count(&m->app.billing);
    PP_VERIFY(index < n, PP_ERR_NOT_FOUND);
    pp_billing_snapshot_t s;
    PP_TRY(pp_billing_read(&m->app.billing, n - 1u - index, &s));
    *time_ms = s.utc_ms + (int64_t)m->clock.std_offset_min * 60000;
    *seq = s.seq;
    cells[0] = (pp_log_cell_t){.type = PP_LOG_TIME, .column = 0, .value = *time_ms};
    for (uint8_t c = 1; c < m->debit_ncols; c++) {
        cells[c] = (pp_log_cell_t){.type = PP_LOG_U32, .column = c,
                                   .value = cell_value(&s, &COLUMNS[m->debit_def[c]])};
    }
    return PP_OK;
}

static const pp_log_source_t SOURCE = {.count = count, .capacity = capacity, .row = row};

void pp_meter_debiting_log_init(pp_meter_t *m)
{
    m->debit_cols[0] = (pp_log_column_t){"time", PP_LOG_TIME};
    m->debit_ncols = 1;
    for (uint8_t i = 0; i < NDEFS; i++) {
        if (pp_meter_has_object(m, pp_objects_by_quantity(COLUMNS[i].q))) {
            m->debit_def[m->debit_ncols] = i;
            m->debit_cols[m->debit_ncols++] = (pp_log_column_t){COLUMNS[i].name, PP_LOG_U32};
        }
    }
}

void pp_meter_debiting_log_view(pp_meter_t *m, pp_log_view_t *view)
{
    memset(view, 0, sizeof *view);
    view->columns = m->debit_cols;
    view->ncolumns = m->debit_ncols;
    view->source = &SOURCE;
    view->source_ctx = m;
}

pp_quantity_t pp_meter_debiting_log_column(const pp_meter_t *m, uint8_t column, bool *energy)
{
    const column_def_t *d = &COLUMNS[m->debit_def[column]];
    *energy = d->kind == K_ENERGY || d->kind == K_A_TARIFF || d->kind == K_R_TARIFF;
    return d->q;
}
