/* Legal energy registers: A+ A- R+ R- E+ E- (total and per phase) and the
 * A+ and R+ tariff registers T1..T4.
 *
 * Every register counts in micro-units internally; its *stored value* is that
 * count floored to the stored resolution, which follows the display decimals
 * of Z1 (7.0 -> 1 kWh, 6.1 -> 0.1 kWh, 7.2 -> 0.01 kWh, 6.3 -> 1 Wh). The
 * part below the resolution (the residue) lives in RAM; the stored value is
 * committed to the journal every time it changes (data sheet: "stored by
 * every change of energy register values"), all groups that changed in one
 * call in one journal transaction. At a power-fail warning the residues can be
 * saved too (pp_registers_save_residue); they are used on recovery only when
 * no register commit happened after them.
 *
 * Registers only ever add unsigned increments, so they never go backwards. On
 * recovery a checkpoint (all stored values, written with every
 * PP_REGISTERS_CHECKPOINT_EVERY-th commit) is compared with the recovered
 * values: a register below its checkpoint means lost data; it is raised to
 * the checkpoint and PP_REG_FLAG_BACKWARDS is set (quality info).
 *
 * The context is caller-owned; the journal must outlive it. */
#ifndef POLYPHASE_REGISTERS_H
#define POLYPHASE_REGISTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/frame.h"
#include "polyphase/journal.h"

typedef enum pp_reg_quantity {
    PP_REG_A_PLUS = 0,
    PP_REG_A_MINUS = 1,
    PP_REG_R_PLUS = 2,
    PP_REG_R_MINUS = 3,
    PP_REG_E_PLUS = 4,
    PP_REG_E_MINUS = 5,
    PP_REG_QUANTITIES = 6
} pp_reg_quantity_t;

/* Scope of a quantity register: the total or one phase. */
enum { PP_REG_TOTAL = 0, PP_REG_L1 = 1, PP_REG_L2 = 2, PP_REG_L3 = 3, PP_REG_SCOPES = 4 };

#define PP_TARIFFS 4
/* Tariff register kinds: A+ T1..T4 and R+ T1..T4. */
typedef enum pp_reg_tariff_kind {
    PP_REG_TARIFF_A_PLUS = 0,
    PP_REG_TARIFF_R_PLUS = 1,
    PP_REG_TARIFF_KINDS = 2
} pp_reg_tariff_kind_t;

/* Internal groups: one journal record each (4 cells). */
#define PP_REG_GROUPS (PP_REG_QUANTITIES + PP_REG_TARIFF_KINDS)
#define PP_REGISTERS_CHECKPOINT_EVERY 256u

/* Recovery findings (bits), reported through quality info. */
enum {
    PP_REG_FLAG_BACKWARDS = 1u << 0,    /* a register was below its checkpoint */
    PP_REG_FLAG_RESIDUE_USED = 1u << 1, /* power-fail residues restored */
    PP_REG_FLAG_FRESH = 1u << 2         /* no register record found (new meter) */
};

typedef struct pp_registers {
    pp_journal_t *journal;
    uint8_t decimals;            /* Z1: 0..3 */
    uint32_t step_uwh;           /* stored resolution in micro-units */
    uint32_t gen;                /* register commit generation */
    uint32_t commits;            /* commits since init (checkpoint cadence) */
    uint16_t dirty;              /* bit per group with an uncommitted change */
    uint32_t flags;              /* PP_REG_FLAG_* from recovery */
    uint64_t stored[PP_REG_GROUPS][PP_REG_SCOPES];  /* micro-units, multiple of step */
    uint32_t residue[PP_REG_GROUPS][PP_REG_SCOPES]; /* micro-units below one step */
} pp_registers_t;

/* Decimals (Z1 code digit meaning: 0..3 decimals of kWh) -> stored resolution.
 * Recovers the registers from the journal (new meter: all zero). */
pp_err_t pp_registers_init(pp_registers_t *r, pp_journal_t *j, uint8_t decimals);

/* Adds one frame's increments (total and per phase; the A+ and R+ totals also
 * to tariff 1..4; tariff 0 adds to no tariff register). RAM only. */
void pp_registers_accumulate(pp_registers_t *r, const pp_frame_t *f, unsigned tariff);

/* Commits every group whose stored value changed, atomically. On a journal
 * error the groups stay dirty and the next call retries. */
pp_err_t pp_registers_commit(pp_registers_t *r);

/* Accumulate, then commit. */
pp_err_t pp_registers_add(pp_registers_t *r, const pp_frame_t *f, unsigned tariff);

/* Power-fail warning: save the residues (one journal write). */
pp_err_t pp_registers_save_residue(pp_registers_t *r);

/* Stored value in Wh (varh, VAh), i.e. floored to the resolution. */
uint64_t pp_registers_wh(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope);
/* Value in micro-units including the RAM residue. */
uint64_t pp_registers_uwh(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope);
/* Tariff register (tariff 1..4) in Wh (varh); 0 for an invalid tariff. */
uint64_t pp_registers_tariff_wh(const pp_registers_t *r, pp_reg_tariff_kind_t k, unsigned tariff);
/* Value in units of the resolution (what DLMS reports with the scaler below). */
uint64_t pp_registers_count(const pp_registers_t *r, pp_reg_quantity_t q, unsigned scope);
/* COSEM scaler of the Wh unit: 3 - decimals (1 kWh -> 3, 1 Wh -> 0). */
int8_t pp_registers_scaler(const pp_registers_t *r);

#endif
