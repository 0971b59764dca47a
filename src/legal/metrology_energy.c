/* Energy registration with the residue carried (legal part). Increments are
 * formed in integer micro-joules; the sub-µJ fraction and the µJ not yet
 * making a whole µWh stay in the accumulator, so the sum of the emitted µWh
 * equals the integral of the power to within one µWh at any time, for years. */
#include <math.h>
#include <string.h>

#include "polyphase/metrology.h"

void pp_metrology_energy_init(pp_metrology_energy_t *e)
{
    memset(e, 0, sizeof *e);
}

/* Adds |power| * duration to one register; returns the whole µWh to emit. */
static uint32_t acc_add(pp_energy_acc_t *a, double power, uint32_t duration_ms)
{
    double uj = fabs(power) * (double)duration_ms * 1000.0 + a->frac_uj;
    double whole = floor(uj);
    a->frac_uj = uj - whole;
    int64_t total = a->rem_uj + (int64_t)whole;
    a->rem_uj = total % 3600;
    return (uint32_t)(total / 3600);
}

static void add_delta(pp_energy_delta_t *sum, const pp_energy_delta_t *d)
{
    sum->a_plus_uwh += d->a_plus_uwh;
    sum->a_minus_uwh += d->a_minus_uwh;
    sum->r_plus_uvarh += d->r_plus_uvarh;
    sum->r_minus_uvarh += d->r_minus_uvarh;
    sum->e_plus_uvah += d->e_plus_uvah;
    sum->e_minus_uvah += d->e_minus_uvah;
}

void pp_metrology_energy_step(pp_metrology_energy_t *e, pp_frame_t *f)
{
    memset(&f->total, 0, sizeof f->total);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        pp_phase_frame_t *ph = &f->phase[k];
        pp_energy_acc_t *r = e->reg[k];
        pp_energy_delta_t *d = &ph->energy;
        memset(d, 0, sizeof *d);
        if (ph->current_present) {
            double p = ph->p_w, q = ph->q_var, s = ph->s_va;
            uint32_t ms = f->duration_ms;
            if (p >= 0) {
                d->a_plus_uwh = acc_add(&r[PP_EREG_AP], p, ms);
                d->e_plus_uvah = acc_add(&r[PP_EREG_EP], s, ms);
            } else {
                d->a_minus_uwh = acc_add(&r[PP_EREG_AM], p, ms);
                d->e_minus_uvah = acc_add(&r[PP_EREG_EM], s, ms);
            }
            if (q >= 0) {
                d->r_plus_uvarh = acc_add(&r[PP_EREG_RP], q, ms);
            } else {
                d->r_minus_uvarh = acc_add(&r[PP_EREG_RM], q, ms);
            }
        }
        add_delta(&f->total, d);
    }
}
