/* Debiting periods: schedule, logger ring, stop state (see billing.h). */
#include "polyphase/billing.h"

#include <string.h>

#include "polyphase/nvm_keys.h"
#include "polyphase/port.h"
#include "core/le.h"

#define KEY_STATE (PP_KEY_BILLING_BASE + 0x00)
#define STATE_LEN 16u
#define PERIOD_UNSET INT32_MIN

#define SNAP_MAGIC 0x31425050u /* "PPB1" little-endian */
#define OFF_MAGIC 248u
#define OFF_CRC 252u

/* ---- schedule ---- */

pp_err_t pp_billing_config_check(const pp_billing_config_t *c)
{
    PP_VERIFY(c != NULL, PP_ERR_ARG);
    PP_VERIFY(c->day >= 1 && c->day <= 28, PP_ERR_RANGE);
    uint8_t n = c->interval_months;
    PP_VERIFY(n == 0 || n == 1 || n == 2 || n == 3 || n == 6 || n == 12, PP_ERR_RANGE);
    PP_VERIFY(n <= 1 || (c->start_month >= 1 && c->start_month <= 12), PP_ERR_RANGE);
    return PP_OK;
}

static bool month_eligible(const pp_billing_config_t *c, int month)
{
    if (c->interval_months <= 1) {
        return true;
    }
    int diff = (month - (int)c->start_month + 12) % 12;
    return diff % c->interval_months == 0;
}

int32_t pp_billing_last_scheduled(const pp_billing_config_t *c, int year, int month, int day)
{
    if (c->interval_months == 0) {
        return -1;
    }
    int32_t id = (int32_t)year * 12 + (month - 1);
    if (day < (int)c->day) {
        id--;
    }
    for (int i = 0; i < 12; i++, id--) {
        if (month_eligible(c, (int)(id % 12) + 1)) {
            return id;
        }
    }
    return -1; /* unreachable with a checked configuration */
}

bool pp_billing_next_date(const pp_billing_config_t *c, int year, int month, int day,
                          int *ny, int *nm, int *nd)
{
    if (c->interval_months == 0) {
        return false;
    }
    int32_t id = (int32_t)year * 12 + (month - 1);
    if (day >= (int)c->day) {
        id++;
    }
    for (int i = 0; i < 12; i++, id++) {
        if (month_eligible(c, (int)(id % 12) + 1)) {
            *ny = (int)(id / 12);
            *nm = (int)(id % 12) + 1;
            *nd = c->day;
            return true;
        }
    }
    return false;
}

/* ---- state in the journal ---- */

static void encode_state(uint8_t *p, uint32_t seq, uint32_t counter, int32_t period, uint32_t q)
{
    pp_le_put32(p, seq);
    pp_le_put32(p + 4, counter);
    pp_le_put32(p + 8, (uint32_t)period);
    pp_le_put32(p + 12, q);
}

static pp_err_t save_state(pp_billing_t *b)
{
    uint8_t buf[STATE_LEN];
    encode_state(buf, b->committed_seq, b->stop_counter, b->last_period_id, b->quality);
    PP_TRY(pp_journal_write(b->journal, KEY_STATE, buf, STATE_LEN));
    b->have_state = true;
    return PP_OK;
}

/* ---- snapshot record ---- */

static void encode_snap(const pp_port_t *port, const pp_billing_snapshot_t *s, uint8_t *p)
{
    memset(p, 0, PP_BILLING_SLOT);
    pp_le_put32(p + 0, s->seq);
    pp_le_put64(p + 4, (uint64_t)s->utc_ms);
    pp_le_put32(p + 12, s->quality);
    pp_le_put32(p + 16, s->hour_counter);
    pp_le_put32(p + 20, s->stop_counter);
    pp_le_put32(p + 24, s->threshold_counter);
    p[28] = s->reason;
    pp_le_put32(p + 32, (uint32_t)s->period_id);
    pp_le_put64(p + 36, s->pulse_input);
    uint8_t *e = p + 44;
    for (unsigned i = 0; i < PP_REG_QUANTITIES; i++, e += 8) {
        pp_le_put64(e, s->energy_wh[i]);
    }
    for (unsigned i = 0; i < PP_TARIFFS; i++, e += 8) {
        pp_le_put64(e, s->a_plus_tariff_wh[i]);
    }
    for (unsigned i = 0; i < PP_TARIFFS; i++, e += 8) {
        pp_le_put64(e, s->r_plus_tariff_wh[i]);
    }
    pp_demand_max_put(p + 156, &s->p_plus_max);
    pp_le_put64(p + 168, s->p_plus_max_acc);
    pp_demand_max_put(p + 176, &s->p_plus_max_tariff[0]);
    pp_demand_max_put(p + 188, &s->p_plus_max_tariff[1]);
    pp_demand_max_put(p + 200, &s->s_plus_max);
    pp_demand_max_put(p + 212, &s->s_minus_max);
    pp_le_put64(p + 224, s->p_plus_max_acc_tariff[0]);
    pp_le_put64(p + 232, s->p_plus_max_acc_tariff[1]);
    pp_le_put32(p + OFF_MAGIC, SNAP_MAGIC);
    pp_le_put32(p + OFF_CRC, pp_port_crc32(port, p, OFF_CRC));
}

static pp_err_t decode_snap(const pp_port_t *port, const uint8_t *p, pp_billing_snapshot_t *s)
{
    PP_VERIFY(pp_le_get32(p + OFF_MAGIC) == SNAP_MAGIC, PP_ERR_CORRUPT);
    PP_VERIFY(pp_le_get32(p + OFF_CRC) == pp_port_crc32(port, p, OFF_CRC), PP_ERR_CRC);
    memset(s, 0, sizeof(*s));
    s->seq = pp_le_get32(p + 0);
    s->utc_ms = (int64_t)pp_le_get64(p + 4);
    s->quality = pp_le_get32(p + 12);
    s->hour_counter = pp_le_get32(p + 16);
    s->stop_counter = pp_le_get32(p + 20);
    s->threshold_counter = pp_le_get32(p + 24);
    s->reason = p[28];
    s->period_id = (int32_t)pp_le_get32(p + 32);
    s->pulse_input = pp_le_get64(p + 36);
    const uint8_t *e = p + 44;
    for (unsigned i = 0; i < PP_REG_QUANTITIES; i++, e += 8) {
        s->energy_wh[i] = pp_le_get64(e);
    }
    for (unsigned i = 0; i < PP_TARIFFS; i++, e += 8) {
        s->a_plus_tariff_wh[i] = pp_le_get64(e);
    }
    for (unsigned i = 0; i < PP_TARIFFS; i++, e += 8) {
        s->r_plus_tariff_wh[i] = pp_le_get64(e);
    }
    pp_demand_max_get(p + 156, &s->p_plus_max);
    s->p_plus_max_acc = pp_le_get64(p + 168);
    pp_demand_max_get(p + 176, &s->p_plus_max_tariff[0]);
    pp_demand_max_get(p + 188, &s->p_plus_max_tariff[1]);
    pp_demand_max_get(p + 200, &s->s_plus_max);
    pp_demand_max_get(p + 212, &s->s_minus_max);
    s->p_plus_max_acc_tariff[0] = pp_le_get64(p + 224);
    s->p_plus_max_acc_tariff[1] = pp_le_get64(p + 232);
    return PP_OK;
}

static uint32_t slot_addr(const pp_billing_t *b, uint32_t seq)
{
    return b->base + (seq % b->slots) * PP_BILLING_SLOT;
}

/* Reads the snapshot with this sequence number (checked: CRC and seq). */
static pp_err_t read_seq(pp_billing_t *b, uint32_t seq, pp_billing_snapshot_t *out)
{
    uint8_t buf[PP_BILLING_SLOT];
    PP_TRY(b->port->nvm_read(b->port->ctx, slot_addr(b, seq), buf, PP_BILLING_SLOT));
    PP_TRY(decode_snap(b->port, buf, out));
    PP_VERIFY(out->seq == seq, PP_ERR_CORRUPT);
    return PP_OK;
}

/* Writes within pages; erases the unit first when a slot opens a new one. */
static pp_err_t write_slot(pp_billing_t *b, uint32_t seq, const uint8_t *rec)
{
    const pp_nvm_geometry_t *g = &b->port->nvm;
    uint32_t addr = slot_addr(b, seq);
    if (g->erase_size != 0 && (seq % b->slots) % b->slots_per_unit == 0) {
        PP_VERIFY(b->port->nvm_erase != NULL, PP_ERR_PORT);
        PP_TRY(b->port->nvm_erase(b->port->ctx, addr, b->slots_per_unit * PP_BILLING_SLOT));
    }
    uint32_t done = 0;
    while (done < PP_BILLING_SLOT) {
        uint32_t a = addr + done;
        uint32_t room = g->page_size - a % g->page_size;
        uint32_t n = PP_BILLING_SLOT - done < room ? PP_BILLING_SLOT - done : room;
        PP_TRY(b->port->nvm_write(b->port->ctx, a, rec + done, n));
        done += n;
    }
    return PP_OK;
}

static pp_err_t geometry(pp_billing_t *b)
{
    const pp_nvm_geometry_t *g = &b->port->nvm;
    PP_VERIFY(g->page_size != 0, PP_ERR_ARG);
    b->slots = b->size / PP_BILLING_SLOT;
    b->slots_per_unit = 1;
    if (g->erase_size != 0) {
        PP_VERIFY(g->erase_size % PP_BILLING_SLOT == 0 || PP_BILLING_SLOT % g->erase_size == 0,
                  PP_ERR_ARG);
        if (g->erase_size > PP_BILLING_SLOT) {
            b->slots_per_unit = g->erase_size / PP_BILLING_SLOT;
        }
        PP_VERIFY(b->base % g->erase_size == 0, PP_ERR_ARG);
    }
    PP_VERIFY(b->slots >= 2 * b->slots_per_unit, PP_ERR_ARG);
    PP_VERIFY((uint64_t)b->base + b->size <= g->size, PP_ERR_ARG);
    b->depth = b->slots - b->slots_per_unit;
    return PP_OK;
}

/* Newest valid record in the ring (seq 0 = none). */
static pp_err_t scan(pp_billing_t *b, pp_billing_snapshot_t *newest)
{
    uint8_t buf[PP_BILLING_SLOT];
    pp_billing_snapshot_t s;
    newest->seq = 0;
    for (uint32_t i = 0; i < b->slots; i++) {
        PP_TRY(b->port->nvm_read(b->port->ctx, b->base + i * PP_BILLING_SLOT, buf,
                                 PP_BILLING_SLOT));
        if (decode_snap(b->port, buf, &s) == PP_OK && s.seq % b->slots == i &&
            s.seq > newest->seq) {
            *newest = s;
        }
    }
    return PP_OK;
}

pp_err_t pp_billing_init(pp_billing_t *b, pp_journal_t *j, const pp_port_t *port,
                         uint32_t base, uint32_t size, const pp_billing_config_t *cfg)
{
    PP_VERIFY(b != NULL && j != NULL && port != NULL, PP_ERR_ARG);
    PP_TRY(pp_billing_config_check(cfg));
    memset(b, 0, sizeof(*b));
    b->journal = j;
    b->port = port;
    b->base = base;
    b->size = size;
    b->cfg = *cfg;
    b->last_period_id = PERIOD_UNSET;
    PP_TRY(geometry(b));

    uint8_t buf[STATE_LEN];
    pp_err_t rc = pp_journal_read(j, KEY_STATE, buf, STATE_LEN);
    if (rc == PP_OK) {
        b->committed_seq = pp_le_get32(buf);
        b->stop_counter = pp_le_get32(buf + 4);
        b->last_period_id = (int32_t)pp_le_get32(buf + 8);
        b->quality = pp_le_get32(buf + 12);
        b->have_state = true;
    } else if (rc != PP_ERR_NOT_FOUND) {
        return rc;
    }

    pp_billing_snapshot_t newest;
    PP_TRY(scan(b, &newest));
    if (newest.seq == b->committed_seq + 1u && newest.stop_counter == b->stop_counter + 1u) {
        b->pending = true; /* cut between snapshot and commit: complete it */
        b->pending_snap = newest;
    } else if (newest.seq != b->committed_seq) {
        b->quality |= PP_QI_LOGGER_CORRUPT;
    }
    return PP_OK;
}

bool pp_billing_due(pp_billing_t *b, int year, int month, int day, int32_t *period_id)
{
    int32_t id = pp_billing_last_scheduled(&b->cfg, year, month, day);
    if (id < 0) {
        return false;
    }
    if (b->last_period_id == PERIOD_UNSET) {
        /* New meter: the schedule starts now; no stop for the past. */
        b->last_period_id = id;
        (void)save_state(b);
        return false;
    }
    if (id > b->last_period_id) {
        *period_id = id;
        return true;
    }
    return false;
}

const pp_billing_snapshot_t *pp_billing_pending(const pp_billing_t *b)
{
    return b->pending ? &b->pending_snap : NULL;
}

pp_err_t pp_billing_write_snapshot(pp_billing_t *b, pp_billing_snapshot_t *snap)
{
    PP_VERIFY(!b->pending, PP_ERR_STATE);
    uint8_t rec[PP_BILLING_SLOT];
    snap->seq = b->committed_seq + 1u;
    snap->stop_counter = b->stop_counter + 1u;
    encode_snap(b->port, snap, rec);
    return write_slot(b, snap->seq, rec);
}

pp_err_t pp_billing_stage(pp_billing_t *b, const pp_billing_snapshot_t *snap)
{
    uint8_t buf[STATE_LEN];
    int32_t period = snap->period_id >= 0 ? snap->period_id : b->last_period_id;
    encode_state(buf, snap->seq, snap->stop_counter, period, 0);
    return pp_journal_stage(b->journal, KEY_STATE, buf, STATE_LEN);
}

void pp_billing_apply(pp_billing_t *b, const pp_billing_snapshot_t *snap)
{
    b->committed_seq = snap->seq;
    b->stop_counter = snap->stop_counter;
    if (snap->period_id >= 0) {
        b->last_period_id = snap->period_id;
    }
    b->quality = 0;
    b->have_state = true;
    b->pending = false;
}

pp_err_t pp_billing_add_quality(pp_billing_t *b, uint32_t bits)
{
    if ((b->quality | bits) == b->quality) {
        return PP_OK;
    }
    b->quality |= bits;
    return save_state(b);
}

uint32_t pp_billing_count(const pp_billing_t *b)
{
    return b->committed_seq < b->depth ? b->committed_seq : b->depth;
}

pp_err_t pp_billing_read(pp_billing_t *b, uint32_t index, pp_billing_snapshot_t *out)
{
    PP_VERIFY(index < pp_billing_count(b), PP_ERR_NOT_FOUND);
    return read_seq(b, b->committed_seq - index, out);
}

pp_err_t pp_billing_find(pp_billing_t *b, int64_t utc_ms, uint32_t *index)
{
    pp_billing_snapshot_t s;
    uint32_t n = pp_billing_count(b);
    for (uint32_t i = 0; i < n; i++) {
        if (pp_billing_read(b, i, &s) == PP_OK && s.utc_ms <= utc_ms) {
            *index = i;
            return PP_OK;
        }
    }
    return PP_ERR_NOT_FOUND;
}

uint32_t pp_billing_stop_counter(const pp_billing_t *b)
{
    return b->stop_counter;
}

uint32_t pp_billing_quality(const pp_billing_t *b)
{
    return b->quality;
}
