/* Power-step frame source (see powerstep.h). */
#include "powerstep.h"

#include <math.h>
#include <string.h>

void pp_powerstep_init(pp_powerstep_t *ps)
{
    memset(ps, 0, sizeof *ps);
    pp_metrology_energy_init(&ps->energy);
    ps->start_w = 2.3f;
    ps->voltage_present_v = 160.0f;
}

void pp_powerstep_set_pf(pp_powerstep_load_t *l, unsigned phase, double p_w, double pf, bool inductive)
{
    double a = fabs(pf) > 0 ? fabs(pf) : 1e-9;
    double q = fabs(p_w) * sqrt(1.0 - a * a) / a;
    l->p_w[phase] = p_w;
    l->q_var[phase] = inductive ? q : -q;
}

void pp_powerstep_frame(pp_powerstep_t *ps, const pp_powerstep_load_t *l, pp_frame_t *f)
{
    memset(f, 0, sizeof *f);
    f->seq = ps->seq++;
    f->duration_ms = 1000;
    double pt = 0, qt = 0, st = 0;
    double ix = 0, iy = 0; /* neutral: vector sum of fundamental currents */
    for (unsigned k = 0; k < PP_PHASES; k++) {
        pp_phase_frame_t *ph = &f->phase[k];
        double p = l->p_w[k], q = l->q_var[k], s = sqrt(p * p + q * q), u = l->u_v[k];
        double i = u > 0 ? s / u : 0.0;
        double ang_u = -120.0 * k * M_PI / 180.0, ang_i = ang_u - atan2(q, p);
        ix += i * cos(ang_i);
        iy += i * sin(ang_i);
        ph->u_rms_v = ph->u_rms_min_v = ph->u_rms_max_v = (float)u;
        ph->i_rms_a = (float)i;
        ph->p_w = (float)p;
        ph->q_var = (float)q;
        ph->s_va = (float)s;
        ph->pf = s > 0 ? (float)(p / s) : 0.0f;
        ph->angle_u_deg = (float)(k == 0 ? 0.0 : (k == 1 ? -120.0 : 120.0));
        ph->angle_ui_deg = (float)(-atan2(q, p) * 180.0 / M_PI);
        ph->voltage_present = u > ps->voltage_present_v;
        ph->current_present = s >= ps->start_w;
        pt += p;
        qt += q;
        st += s;
    }
    f->p_w = (float)pt;
    f->q_var = (float)qt;
    f->s_va = (float)st;
    f->pf = st > 0 ? (float)(pt / st) : 0.0f;
    f->f_hz = f->f_fast_hz = (float)(l->f_hz > 0 ? l->f_hz : 50.0);
    f->i_neutral_a = (float)sqrt(ix * ix + iy * iy);
    f->sequence = PP_SEQ_L1L2L3;
    pp_metrology_energy_step(&ps->energy, f);
}
