/* Legal energy registers (see registers.h for the persistence rules). */
#include "polyphase/registers.h"

#include <string.h>

#include "polyphase/nvm_keys.h"
#include "core/le.h"

/* Journal keys (never reuse). Quantity groups live in the legal range, the
 * tariff groups in the tariff range. */
#define KEY_GROUP_BASE (PP_KEY_LEGAL_BASE + 0x10)
#define KEY_TARIFF_GROUP_BASE (PP_KEY_TARIFF_BASE + 0x00)
#define KEY_RESIDUE (PP_KEY_LEGAL_BASE + 0x20)
#define KEY_CHECKPOINT (PP_KEY_LEGAL_BASE + 0x21)

#define GROUP_LEN (4u + 8u * PP_REG_SCOPES)                          /* 36 */
#define RESIDUE_LEN (4u + 4u * PP_REG_GROUPS * PP_REG_SCOPES)        /* 132 */
#define CHECKPOINT_LEN (8u * PP_REG_GROUPS * PP_REG_SCOPES)          /* 256 */

static uint16_t group_key(unsigned g)
{
    if (g < PP_REG_QUANTITIES) {
        return (uint16_t)(KEY_GROUP_BASE + g);
    }
    return (uint16_t)(KEY_TARIFF_GROUP_BASE + (g - PP_REG_QUANTITIES));
}

static void encode_group(const pp_registers_t *r, unsigned g, uint32_t gen, uint8_t *out)
{
    pp_le_put32(out, gen);
    for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
        pp_le_put64(out + 4 + 8 * c, r->stored[g][c]);
    }
}

static void encode_checkpoint(const pp_registers_t *r, uint8_t *out)
{
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            pp_le_put64(out + 8 * (g * PP_REG_SCOPES + c), r->stored[g][c]);
        }
    }
}

/* Reads every group; returns the highest generation found or -1 if none. */
static pp_err_t load_groups(pp_registers_t *r, int64_t *max_gen)
{
    uint8_t buf[GROUP_LEN];
    *max_gen = -1;
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        pp_err_t rc = pp_journal_read(r->journal, group_key(g), buf, GROUP_LEN);
        if (rc == PP_ERR_NOT_FOUND) {
            continue;
        }
        PP_TRY(rc);
        uint32_t gen = pp_le_get32(buf);
        if ((int64_t)gen > *max_gen) {
            *max_gen = gen;
        }
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            r->stored[g][c] = pp_le_get64(buf + 4 + 8 * c);
        }
    }
    return PP_OK;
}

/* Never backwards: nothing may be below the last checkpoint. */
static pp_err_t check_monotonic(pp_registers_t *r)
{
    uint8_t buf[CHECKPOINT_LEN];
    pp_err_t rc = pp_journal_read(r->journal, KEY_CHECKPOINT, buf, CHECKPOINT_LEN);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK;
    }
    PP_TRY(rc);
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            uint64_t cp = pp_le_get64(buf + 8 * (g * PP_REG_SCOPES + c));
            if (r->stored[g][c] < cp) {
                r->stored[g][c] = cp;
                r->dirty |= (uint16_t)(1u << g);
                r->flags |= PP_REG_FLAG_BACKWARDS;
            }
        }
    }
    return PP_OK;
}

static pp_err_t load_residue(pp_registers_t *r, int64_t max_gen)
{
    uint8_t buf[RESIDUE_LEN];
    pp_err_t rc = pp_journal_read(r->journal, KEY_RESIDUE, buf, RESIDUE_LEN);
    if (rc == PP_ERR_NOT_FOUND) {
        return PP_OK;
    }
    PP_TRY(rc);
    /* Valid only if no register commit happened after it was saved. */
    if ((int64_t)pp_le_get32(buf) != max_gen) {
        return PP_OK;
    }
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            uint32_t v = pp_le_get32(buf + 4 + 4 * (g * PP_REG_SCOPES + c));
            r->residue[g][c] = v < r->step_uwh ? v : r->step_uwh - 1u;
        }
    }
    r->flags |= PP_REG_FLAG_RESIDUE_USED;
    return PP_OK;
}

pp_err_t pp_registers_init(pp_registers_t *r, pp_journal_t *j, uint8_t decimals)
{
    static const uint32_t steps[4] = {1000000000u, 100000000u, 10000000u, 1000000u};
    PP_VERIFY(r != NULL && j != NULL, PP_ERR_ARG);
    PP_VERIFY(decimals <= 3, PP_ERR_RANGE);
    memset(r, 0, sizeof(*r));
    r->journal = j;
    r->decimals = decimals;
    r->step_uwh = steps[decimals];

    int64_t max_gen;
    PP_TRY(load_groups(r, &max_gen));
    if (max_gen < 0) {
        r->flags |= PP_REG_FLAG_FRESH;
        max_gen = 0;
    }
    r->gen = (uint32_t)max_gen;
    /* A resolution change between runs: keep values on the new grid. */
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            uint64_t v = r->stored[g][c];
            r->residue[g][c] = (uint32_t)(v % r->step_uwh);
            r->stored[g][c] = v - r->residue[g][c];
        }
    }
    PP_TRY(check_monotonic(r));
    if (r->dirty != 0) {
        return pp_registers_commit(r); /* persist the raised values */
    }
    return load_residue(r, max_gen);
}

static inline void add_cell(pp_registers_t *r, unsigned g, unsigned c, uint32_t d)
{
    uint64_t x = (uint64_t)r->residue[g][c] + d;
    if (x >= r->step_uwh) {
        uint64_t n = x / r->step_uwh;
        r->stored[g][c] += n * r->step_uwh;
        x -= n * r->step_uwh;
        r->dirty |= (uint16_t)(1u << g);
    }
    r->residue[g][c] = (uint32_t)x;
}

static void add_delta(pp_registers_t *r, unsigned scope, const pp_energy_delta_t *e)
{
    add_cell(r, PP_REG_A_PLUS, scope, e->a_plus_uwh);
    add_cell(r, PP_REG_A_MINUS, scope, e->a_minus_uwh);
    add_cell(r, PP_REG_R_PLUS, scope, e->r_plus_uvarh);
    add_cell(r, PP_REG_R_MINUS, scope, e->r_minus_uvarh);
    add_cell(r, PP_REG_E_PLUS, scope, e->e_plus_uvah);
    add_cell(r, PP_REG_E_MINUS, scope, e->e_minus_uvah);
}

void pp_registers_accumulate(pp_registers_t *r, const pp_frame_t *f, unsigned tariff)
{
    add_delta(r, PP_REG_TOTAL, &f->total);
    for (unsigned p = 0; p < PP_PHASES; p++) {
        add_delta(r, PP_REG_L1 + p, &f->phase[p].energy);
    }
    if (tariff >= 1 && tariff <= PP_TARIFFS) {
        add_cell(r, PP_REG_QUANTITIES + PP_REG_TARIFF_A_PLUS, tariff - 1u, f->total.a_plus_uwh);
        add_cell(r, PP_REG_QUANTITIES + PP_REG_TARIFF_R_PLUS, tariff - 1u, f->total.r_plus_uvarh);
    }
}

pp_err_t pp_registers_commit(pp_registers_t *r)
{
    if (r->dirty == 0) {
        return PP_OK;
    }
    uint32_t gen = r->gen + 1u;
    bool checkpoint = (r->commits + 1u) % PP_REGISTERS_CHECKPOINT_EVERY == 0;
    uint8_t buf[GROUP_LEN];
    pp_err_t rc;
    if (!checkpoint && (r->dirty & (r->dirty - 1u)) == 0) {
        unsigned g = 0;
        while (!(r->dirty & (1u << g))) {
            g++;
        }
        encode_group(r, g, gen, buf);
        rc = pp_journal_write(r->journal, group_key(g), buf, GROUP_LEN);
    } else {
        PP_TRY(pp_journal_begin(r->journal));
        rc = PP_OK;
        for (unsigned g = 0; g < PP_REG_GROUPS && rc == PP_OK; g++) {
            if (r->dirty & (1u << g)) {
                encode_group(r, g, gen, buf);
                rc = pp_journal_stage(r->journal, group_key(g), buf, GROUP_LEN);
            }
        }
        if (rc == PP_OK && checkpoint) {
            uint8_t cp[CHECKPOINT_LEN];
            encode_checkpoint(r, cp);
            rc = pp_journal_stage(r->journal, KEY_CHECKPOINT, cp, CHECKPOINT_LEN);
        }
        rc = rc == PP_OK ? pp_journal_commit(r->journal) : rc;
        if (rc != PP_OK) {
            (void)pp_journal_abort(r->journal);
        }
    }
    PP_TRY(rc);
    r->gen = gen;
    r->commits++;
    r->dirty = 0;
    return PP_OK;
}

pp_err_t pp_registers_add(pp_registers_t *r, const pp_frame_t *f, unsigned tariff)
{
    pp_registers_accumulate(r, f, tariff);
    return pp_registers_commit(r);
}

pp_err_t pp_registers_save_residue(pp_registers_t *r)
{
    /* Uncommitted stored values first, so the residue belongs to them. */
    PP_TRY(pp_registers_commit(r));
    uint8_t buf[RESIDUE_LEN];
    pp_le_put32(buf, r->gen);
    for (unsigned g = 0; g < PP_REG_GROUPS; g++) {
        for (unsigned c = 0; c < PP_REG_SCOPES; c++) {
            pp_le_put32(buf + 4 + 4 * (g * PP_REG_SCOPES + c), r->residue[g][c]);
        }
    }
    return pp_journal_write(r->journal, KEY_RESIDUE, buf, RESIDUE_LEN);
}

uint64_t pp_registers_uwh(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope)
{
    if ((unsigned)q >= PP_REG_QUANTITIES || scope >= PP_REG_SCOPES) {
        return 0;
    }
    return r->stored[q][scope] + r->residue[q][scope];
}

uint64_t pp_registers_wh(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope)
{
    if ((unsigned)q >= PP_REG_QUANTITIES || scope >= PP_REG_SCOPES) {
        return 0;
    }
    return r->stored[q][scope] / 1000000u;
}

uint64_t pp_registers_tariff_wh(const pp_registers_t *r, pp_reg_tariff_kind_t k, unsigned tariff)
{
    if ((unsigned)k >= PP_REG_TARIFF_KINDS || tariff < 1 || tariff > PP_TARIFFS) {
        return 0;
    }
    return r->stored[PP_REG_QUANTITIES + k][tariff - 1u] / 1000000u;
}

uint64_t pp_registers_count(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope)
{
    if ((unsigned)q >= PP_REG_QUANTITIES || scope >= PP_REG_SCOPES) {
        return 0;
    }
    return r->stored[q][scope] / r->step_uwh;
}

int8_t pp_registers_scaler(const pp_registers_t *r)
{
    return (int8_t)(3 - (int)r->decimals);
}
