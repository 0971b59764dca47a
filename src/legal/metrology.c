/* Metrology engine: the input cut into runs between zero crossings of the
 * reference voltage, each run's sums (exact power sums, the fundamental DFT in
 * fixed blocks, the resampled THD window; loops in metrology_block.c), and the
 * per-second evaluation into a frame. Definitions and the block design are in
 * docs/metrology.md. Legal part: no heap, no globals. */
#include <math.h>
#include <string.h>

#include "metrology_priv.h"

#define PI_D 3.14159265358979323846
#define SQRT2_D 1.41421356237309504880
#define HYST_V 20.0 /* zero-crossing hysteresis of the reference voltage */

/* Crossing detector states of the reference voltage (after DC removal). */
enum { ZC_WAIT_LOW, ZC_ARM_RISE, ZC_WAIT_HIGH, ZC_ARM_FALL };

void pp_metrology_config_default(pp_metrology_config_t *cfg, uint32_t sample_rate_hz)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate_hz = sample_rate_hz;
    cfg->nominal_hz = 50.0f;
    cfg->start_w = 2.3f;
    cfg->voltage_present_v = 160.0f;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        cfg->cal[k].gain_u = 1.0f;
        cfg->cal[k].gain_i = 1.0f;
    }
}

static bool cal_valid(const pp_metrology_cal_t *c)
{
    return isfinite(c->gain_u) && isfinite(c->gain_i) && isfinite(c->phase_deg) &&
           isfinite(c->offset_w) && c->gain_u >= 0.5f && c->gain_u <= 2.0f &&
           c->gain_i >= 0.5f && c->gain_i <= 2.0f && fabsf(c->phase_deg) <= 10.0f &&
           fabsf(c->offset_w) <= 10.0f;
}

static void set_neutral_weights(pp_metrology_t *m)
{
    for (unsigned k = 0; k < PP_PHASES; k++) {
        m->nw[k] = (double)m->cfg.scale[3 + k] * m->cfg.cal[k].gain_i;
    }
}

/* The DFT restarts at this sample with frequency f_hz: the start phasor 1,
 * the block-offset table by rotation from e^{j omega} (error ~t ulp), the
 * current DC estimates as offsets. */
static void start_oscillator(pp_metrology_t *m, double f_hz)
{
    m->omega = 2.0 * PI_D * f_hz / (double)m->cfg.sample_rate_hz;
    double c1 = cos(m->omega), s1 = sin(m->omega);
    m->dft_cos[0] = 1.0;
    m->dft_sin[0] = 0.0;
    for (unsigned t = 1; t <= PP_METROLOGY_BLOCK; t++) {
        m->dft_cos[t] = m->dft_cos[t - 1] * c1 - m->dft_sin[t - 1] * s1;
        m->dft_sin[t] = m->dft_sin[t - 1] * c1 + m->dft_cos[t - 1] * s1;
    }
    for (unsigned t = 0; t < PP_METROLOGY_BLOCK; t++) {
        m->dft_cosf[t] = (float)m->dft_cos[t];
        m->dft_sinf[t] = (float)m->dft_sin[t];
    }
    for (unsigned c = 0; c < PP_ADC_CHANNELS - 1; c++) {
        m->dft_offset[c] = (int32_t)m->dc[c];
    }
    m->osc_c = 1.0;
    m->osc_s = 0.0;
    memset(m->dft_re, 0, sizeof m->dft_re);
    memset(m->dft_im, 0, sizeof m->dft_im);
    m->dft_pos = 0;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        m->ph[k].fu_re = m->ph[k].fu_im = m->ph[k].fi_re = m->ph[k].fi_im = 0.0;
    }
    m->dft_start = m->n;
}

static void start_thd_window(pp_metrology_t *m, double f_hz)
{
    m->thd_step = 10.0 * (double)m->cfg.sample_rate_hz / (f_hz * PP_METROLOGY_THD_N);
    m->thd_next = m->n + 2.0; /* Lagrange interpolation needs one sample before */
    m->thd_k = 0;
    m->thd_locked = m->locked;
}

static void set_hysteresis(pp_metrology_t *m)
{
    double h = HYST_V / fabs((double)m->cfg.scale[m->ref] * m->cfg.cal[m->ref].gain_u);
    m->hyst_code = h > PP_METROLOGY_CODE_MAX ? PP_METROLOGY_CODE_MAX : (int32_t)h;
}

pp_err_t pp_metrology_init(pp_metrology_t *m, const pp_metrology_config_t *cfg)
{
    PP_VERIFY(m != NULL && cfg != NULL, PP_ERR_ARG);
    PP_VERIFY(cfg->sample_rate_hz >= PP_METROLOGY_RATE_MIN &&
              cfg->sample_rate_hz <= PP_METROLOGY_RATE_MAX, PP_ERR_RANGE);
    PP_VERIFY(cfg->nominal_hz >= 40.0f && cfg->nominal_hz <= 70.0f, PP_ERR_RANGE);
    PP_VERIFY(cfg->start_w >= 0.0f && cfg->start_w < 1000.0f, PP_ERR_RANGE);
    PP_VERIFY(cfg->voltage_present_v >= 0.0f && cfg->voltage_present_v < 1000.0f, PP_ERR_RANGE);
    for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
        bool needed = c < 6 || cfg->has_neutral;
        PP_VERIFY(!needed || (isfinite(cfg->scale[c]) && cfg->scale[c] > 0.0f), PP_ERR_RANGE);
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        PP_VERIFY(cal_valid(&cfg->cal[k]), PP_ERR_RANGE);
    }
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    pp_metrology_energy_init(&m->energy);
    pp_metrology_thd_init(m->twiddle);
    set_neutral_weights(m);
    m->f_sec = m->f_fast = m->f10 = cfg->nominal_hz;
    m->last_rise = -1.0;
    m->zc_state = ZC_WAIT_LOW;
    set_hysteresis(m);
    start_oscillator(m, cfg->nominal_hz);
    start_thd_window(m, cfg->nominal_hz);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        m->hc_min[k] = INFINITY;
        m->hc_max[k] = 0.0f;
    }
    return PP_OK;
}

pp_err_t pp_metrology_set_calibration(pp_metrology_t *m, unsigned phase,
                                      const pp_metrology_cal_t *cal)
{
    PP_VERIFY(m != NULL && cal != NULL && phase < PP_PHASES, PP_ERR_ARG);
    PP_VERIFY(cal_valid(cal), PP_ERR_RANGE);
    m->cfg.cal[phase] = *cal;
    set_neutral_weights(m);
    set_hysteresis(m);
    return PP_OK;
}

pp_metrology_cal_t pp_metrology_calibration(const pp_metrology_t *m, unsigned phase)
{
    pp_metrology_cal_t none = {1.0f, 1.0f, 0.0f, 0.0f};
    return (m != NULL && phase < PP_PHASES) ? m->cfg.cal[phase] : none;
}

/* ---- zero-crossing events (rare: twice a cycle) ---- */

static void half_cycle(pp_metrology_t *m)
{
    memmove(&m->hc_su[1], &m->hc_su[0], 2 * sizeof m->hc_su[0]);
    memmove(&m->hc_suu[1], &m->hc_suu[0], 2 * sizeof m->hc_suu[0]);
    m->hc_n[2] = m->hc_n[1];
    m->hc_n[1] = m->hc_n[0];
    m->hc_n[0] = (int32_t)m->n;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        m->hc_su[0][k] = m->ph[k].su;
        m->hc_suu[0][k] = m->ph[k].suu;
    }
    if (m->hc_count < 3) {
        m->hc_count++;
    }
    if (m->hc_count < 3 || m->hc_n[0] <= m->hc_n[2]) {
        return;
    }
    double n = (double)(m->hc_n[0] - m->hc_n[2]);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        double su = (double)(m->hc_su[0][k] - m->hc_su[2][k]);
        double suu = (double)(m->hc_suu[0][k] - m->hc_suu[2][k]);
        double var = suu / n - (su / n) * (su / n);
        float v = (float)(sqrt(var > 0 ? var : 0) * m->cfg.scale[k] * m->cfg.cal[k].gain_u);
        m->hc_min[k] = v < m->hc_min[k] ? v : m->hc_min[k];
        m->hc_max[k] = v > m->hc_max[k] ? v : m->hc_max[k];
        if (m->cfg.halfcycle != NULL) {
            m->cfg.halfcycle(m->cfg.halfcycle_user, k, v, m->total_samples);
        }
    }
}

static void snapshot(pp_metrology_t *m, int64_t *dst)
{
    for (unsigned k = 0; k < PP_PHASES; k++) {
        dst[k] = m->ph[k].su;
        dst[3 + k] = m->ph[k].si;
    }
    dst[6] = 0;
}

/* Rising crossing between the previous sample (x0 < 0) and this one (x1 >= 0). */
static void rise(pp_metrology_t *m, int32_t x0, int32_t x1)
{
    double pos = (double)m->total_samples - 1.0 + (double)-x0 / ((double)x1 - (double)x0);
    if (m->last_rise >= 0.0) {
        double period = pos - m->last_rise;
        if (period > 0.0) {
            m->f_fast = (float)((double)m->cfg.sample_rate_hz / period);
            if (!m->locked && m->f_fast > 0.85f * m->cfg.nominal_hz &&
                m->f_fast < 1.15f * m->cfg.nominal_hz) {
                /* first period measured: restart the fundamental DFT on it */
                m->locked = true;
                start_oscillator(m, m->f_fast);
                if (m->thd_k < PP_METROLOGY_THD_N) {
                    start_thd_window(m, m->f_fast); /* still fits in this second */
                }
            }
            if (m->last_rise >= (double)m->f10_start) {
                m->f10_cycles++;
                m->f10_dur += period;
            }
        }
    }
    m->last_rise = pos;
    if (m->rises_s == 0) {
        m->first_rise_s = pos;
        m->idx_first = m->n;
        snapshot(m, m->snap_first);
    }
    m->last_rise_s = pos;
    m->idx_last = m->n;
    snapshot(m, m->snap_last);
    m->rises_s++;
    half_cycle(m);
}

static void crossing(pp_metrology_t *m, int32_t x)
{
    int32_t h = m->hyst_code;
    switch (m->zc_state) {
    case ZC_WAIT_LOW:
        if (x < -h) {
            m->zc_state = ZC_ARM_RISE;
        }
        break;
    case ZC_ARM_RISE:
        if (x >= 0) {
            rise(m, m->ref_prev, x);
            m->zc_state = ZC_WAIT_HIGH;
        }
        break;
    case ZC_WAIT_HIGH:
        if (x > h) {
            m->zc_state = ZC_ARM_FALL;
        }
        break;
    default:
        if (x < 0) {
            half_cycle(m);
            m->zc_state = ZC_WAIT_LOW;
        }
        break;
    }
    m->ref_prev = x;
}

/* ---- THD window: 4-point Lagrange resampling to exactly 10 cycles ---- */

/* Channels U1..I3 of sample n of this second: in the run starting at sample
 * n0 (b[0]), or one of the last samples before it. */
static const int32_t *sample_at(const pp_metrology_t *m, const pp_adc_block_t *b, uint32_t n0,
                                uint32_t n)
{
    return n >= n0 ? b[n - n0].code : m->hist[n & 3];
}

/* Window points whose four samples are in by the end of the run b[0..len)
 * starting at sample n0; keeps the run's last samples for the next run. */
static void thd_fill(pp_metrology_t *m, const pp_adc_block_t *b, uint32_t n0, size_t len)
{
    uint32_t end = n0 + (uint32_t)len;
    while (m->thd_k < PP_METROLOGY_THD_N && m->thd_next < (double)end - 2.0) {
        uint32_t base = (uint32_t)m->thd_next;
        const int32_t *y[4];
        if (base - 1 >= n0) { /* all four in this run (the common case) */
            const pp_adc_block_t *p = &b[base - 1 - n0];
            y[0] = p[0].code;
            y[1] = p[1].code;
            y[2] = p[2].code;
            y[3] = p[3].code;
        } else {
            for (unsigned q = 0; q < 4; q++) {
                y[q] = sample_at(m, b, n0, base - 1 + q);
            }
        }
        float lo[4], hi[4]; /* U1 U2 U3 I1, I1 I2 I3 In */
        pp_metrology_block_interpolate(y, m->thd_next - (double)base, lo, hi);
        unsigned slot = pp_metrology_thd_slot(m->thd_k);
        for (unsigned k = 0; k < PP_PHASES; k++) {
            m->thd_re[k][slot] = lo[k];
            m->thd_im[k][slot] = hi[k];
        }
        m->thd_k++;
        m->thd_next += m->thd_step;
    }
    for (uint32_t n = len > 4 ? end - 4 : n0; n < end; n++) {
        memcpy(m->hist[n & 3], b[n - n0].code, sizeof m->hist[0]);
    }
}

/* Closes the open DFT block: its sums, turned by the phasor of its first
 * sample, go to the totals; the phasor moves on to the next block. */
static void close_dft_block(pp_metrology_t *m)
{
    double c = m->osc_c, s = m->osc_s;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        pp_metrology_sums_t *p = &m->ph[k];
        unsigned li = k == 0 ? 3 : 4 + k; /* lane of I_k (lanes in metrology.h) */
        double ur = m->dft_re[k], ui = m->dft_im[k];
        double ir = m->dft_re[li], ii = m->dft_im[li];
        p->fu_re += c * ur - s * ui;
        p->fu_im += s * ur + c * ui;
        p->fi_re += c * ir - s * ii;
        p->fi_im += s * ir + c * ii;
    }
    m->osc_c = c * m->dft_cos[m->dft_pos] - s * m->dft_sin[m->dft_pos];
    m->osc_s = s * m->dft_cos[m->dft_pos] + c * m->dft_sin[m->dft_pos];
    memset(m->dft_re, 0, sizeof m->dft_re);
    memset(m->dft_im, 0, sizeof m->dft_im);
    m->dft_pos = 0;
}

/* Single-bin DFT X = sum x[n] e^{-jwn} of x = a e^{jwn} + conj(a) e^{-jwn} + d
 * equals a N + conj(a) S2 + d S1 with S1, S2 known geometric sums; solving
 * for a removes the leakage of the image and of the DC over a non-whole
 * number of cycles. Returns the RMS phasor sqrt(2) a in code units. */
static void geometric(double theta, uint32_t n, double *re, double *im)
{
    double sh = sin(theta / 2);
    double mag = fabs(sh) < 1e-12 ? (double)n : sin(theta * n / 2) / sh;
    double ph = -theta * ((double)n - 1) / 2;
    *re = mag * cos(ph);
    *im = mag * sin(ph);
}

static void phasor(const pp_metrology_t *m, double x_re, double x_im, double dc,
                   double *a_re, double *a_im)
{
    uint32_t n = m->n - m->dft_start;
    if (n == 0) {
        *a_re = *a_im = 0.0;
        return;
    }
    double s1r, s1i, s2r, s2i;
    geometric(m->omega, n, &s1r, &s1i);
    geometric(2 * m->omega, n, &s2r, &s2i);
    double xr = x_re - dc * s1r, xi = -x_im - dc * s1i;
    double nn = (double)n;
    double den = nn * nn - (s2r * s2r + s2i * s2i);
    /* a = (X N - conj(X) S2) / (N^2 - |S2|^2) */
    double re = xr * nn - (xr * s2r + xi * s2i);
    double im = xi * nn - (xr * s2i - xi * s2r);
    *a_re = SQRT2_D * re / den;
    *a_im = SQRT2_D * im / den;
}

static float wrap_deg(double d)
{
    while (d > 180.0) {
        d -= 360.0;
    }
    while (d <= -180.0) {
        d += 360.0;
    }
    return (float)d;
}

/* ---- end of a second: evaluate into a frame ---- */

static void estimate_dc(pp_metrology_t *m)
{
    /* Mean over the whole cycles of this second; the plain mean otherwise. */
    int64_t tot[PP_ADC_CHANNELS];
    snapshot(m, tot);
    bool whole = m->rises_s >= 2 && m->idx_last > m->idx_first;
    for (unsigned c = 0; c < 6; c++) {
        m->dc[c] = whole ? (double)(m->snap_last[c] - m->snap_first[c]) /
                               (double)(m->idx_last - m->idx_first)
                         : (double)tot[c] / (double)m->n;
    }
}

typedef struct fund {
    double ur, ui, ir, ii; /* calibrated RMS phasors, V and A */
} fund_t;

static void eval_phase(pp_metrology_t *m, unsigned k, pp_phase_frame_t *out, fund_t *fu)
{
    const pp_metrology_sums_t *p = &m->ph[k];
    const pp_metrology_cal_t *cal = &m->cfg.cal[k];
    double n = (double)m->n, du = m->dc[k], di = m->dc[3 + k];
    double ku = (double)m->cfg.scale[k] * cal->gain_u;
    double ki = (double)m->cfg.scale[3 + k] * cal->gain_i;
    double vu = (double)p->suu / n - 2 * du * (double)p->su / n + du * du;
    double vi = (double)p->sii / n - 2 * di * (double)p->si / n + di * di;
    double pc = (double)p->sui / n - du * (double)p->si / n - di * (double)p->su / n + du * di;
    double ur, ui, ir, ii;
    phasor(m, p->fu_re, p->fu_im, du - m->dft_offset[k], &ur, &ui);
    phasor(m, p->fi_re, p->fi_im, di - m->dft_offset[3 + k], &ir, &ii);
    /* current phase correction: I' = I e^{j delta} */
    double dl = (double)cal->phase_deg * PI_D / 180.0, cd = cos(dl), sd = sin(dl);
    double ir2 = ir * cd - ii * sd, ii2 = ir * sd + ii * cd;
    fu->ur = ur * ku;
    fu->ui = ui * ku;
    fu->ir = ir2 * ki;
    fu->ii = ii2 * ki;
    /* fundamental complex power U conj(I) */
    double q1 = fu->ui * fu->ir - fu->ur * fu->ii;
    double p1m = (ur * ir + ui * ii) * ku * ki, q1m = (ui * ir - ur * ii) * ku * ki;
    /* rotate the total active power by the same correction, using Q1 */
    double pw = pc * ku * ki;
    pw = pw + (p1m * cd + q1m * sd - p1m); /* P + (P1' - P1) */
    pw -= cal->offset_w;
    double urms = sqrt(vu > 0 ? vu : 0) * ku, irms = sqrt(vi > 0 ? vi : 0) * ki;
    double s = urms * irms;
    if (s < fabs(pw)) {
        s = fabs(pw);
    }
    out->u_rms_v = (float)urms;
    out->i_rms_a = (float)irms;
    out->p_w = (float)pw;
    out->q_var = (float)q1;
    out->s_va = (float)s;
    out->pf = s > 0 ? (float)(pw / s) : 0.0f;
    out->angle_ui_deg = wrap_deg((atan2(fu->ii, fu->ir) - atan2(fu->ui, fu->ur)) * 180.0 / PI_D);
    out->voltage_present = urms > m->cfg.voltage_present_v;
    out->current_present = sqrt(pw * pw + q1 * q1) >= m->cfg.start_w;
    out->thd_u_pct = m->thd_u[k];
    out->thd_i_pct = m->thd_i[k];
    bool seen = m->hc_max[k] > 0.0f;
    out->u_rms_min_v = seen ? m->hc_min[k] : (float)urms;
    out->u_rms_max_v = seen ? m->hc_max[k] : (float)urms;
}

static void eval_frequency(pp_metrology_t *m, pp_frame_t *f)
{
    float nominal = m->cfg.nominal_hz;
    if (m->rises_s >= 2 && m->last_rise_s > m->first_rise_s) {
        m->f_sec = (float)((double)m->cfg.sample_rate_hz * (m->rises_s - 1) /
                           (m->last_rise_s - m->first_rise_s));
    } else {
        m->f_sec = nominal;
        m->f_fast = nominal;
        m->locked = false;
    }
    /* keep the estimate inside the band the analysis supports */
    if (!(m->f_sec > 0.85f * nominal && m->f_sec < 1.15f * nominal)) {
        m->f_sec = nominal;
    }
    if (++m->f10_frames >= 10) {
        m->f10 = m->f10_cycles > 0 && m->f10_dur > 0
                     ? (float)((double)m->cfg.sample_rate_hz * m->f10_cycles / m->f10_dur)
                     : m->f_sec;
        m->f10_frames = 0;
        m->f10_cycles = 0;
        m->f10_dur = 0;
        m->f10_start = m->total_samples;
    }
    f->f_hz = m->f10;
    f->f_fast_hz = m->f_fast;
}

static void eval_angles(pp_frame_t *f, const fund_t *fu)
{
    double a0 = atan2(fu[0].ui, fu[0].ur);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        f->phase[k].angle_u_deg = wrap_deg((atan2(fu[k].ui, fu[k].ur) - a0) * 180.0 / PI_D);
    }
    f->sequence = PP_SEQ_UNKNOWN;
    if (f->phase[0].voltage_present && f->phase[1].voltage_present &&
        f->phase[2].voltage_present) {
        float a2 = f->phase[1].angle_u_deg, a3 = f->phase[2].angle_u_deg;
        if (a2 < -60.0f && a2 > -180.0f && a3 > 60.0f) {
            f->sequence = PP_SEQ_L1L2L3;
        } else if (a2 > 60.0f && a3 < -60.0f) {
            f->sequence = PP_SEQ_L1L3L2;
        }
    }
}

static void pick_reference(pp_metrology_t *m, const pp_frame_t *f)
{
    if (f->phase[m->ref].voltage_present) {
        return;
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        if (f->phase[k].voltage_present) {
            m->ref = k;
            m->zc_state = ZC_WAIT_LOW;
            m->last_rise = -1.0;
            set_hysteresis(m);
            return;
        }
    }
}

/* Re-bases the per-second running sums kept for the one-cycle RMS. */
static void rebase_halfcycles(pp_metrology_t *m)
{
    for (unsigned j = 0; j < 3; j++) {
        m->hc_n[j] -= (int32_t)m->n;
        for (unsigned k = 0; k < PP_PHASES; k++) {
            m->hc_su[j][k] -= m->ph[k].su;
            m->hc_suu[j][k] -= m->ph[k].suu;
        }
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        m->hc_min[k] = INFINITY;
        m->hc_max[k] = 0.0f;
    }
}

/* Neutral RMS in A: from the In sums, or from the I1..I3 sums with
 * in = sum w_k i_k, so sum in^2 = sum w_k^2 i_k^2 + 2 sum w_k w_l i_k i_l. */
static float neutral_rms(const pp_metrology_t *m)
{
    double n = (double)m->n, sum, sq;
    if (m->cfg.has_neutral) {
        double w = m->cfg.scale[6];
        sum = w * (double)m->sn;
        sq = w * w * (double)m->snn;
    } else {
        sum = sq = 0;
        for (unsigned k = 0; k < PP_PHASES; k++) {
            double w = m->nw[k], w_next = m->nw[(k + 1) % PP_PHASES];
            sum += w * (double)m->ph[k].si;
            sq += w * w * (double)m->ph[k].sii + 2 * w * w_next * (double)m->ph[k].sij;
        }
    }
    double mean = sum / n, var = sq / n - mean * mean;
    return (float)sqrt(var > 0 ? var : 0);
}

static void close_second(pp_metrology_t *m, pp_frame_t *f)
{
    memset(f, 0, sizeof *f);
    f->seq = m->seq++;
    f->duration_ms = 1000;
    if (m->thd_k == PP_METROLOGY_THD_N && m->thd_locked) {
        pp_metrology_thd_compute(m->thd_re, m->thd_im, m->twiddle, m->thd_u, m->thd_i);
    }
    close_dft_block(m);
    estimate_dc(m);
    fund_t fu[PP_PHASES];
    double ps = 0, qs = 0, ss = 0;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        eval_phase(m, k, &f->phase[k], &fu[k]);
        ps += f->phase[k].p_w;
        qs += f->phase[k].q_var;
        ss += f->phase[k].s_va;
    }
    f->p_w = (float)ps;
    f->q_var = (float)qs;
    f->s_va = (float)ss;
    f->pf = ss > 0 ? (float)(ps / ss) : 0.0f;
    f->i_neutral_a = neutral_rms(m);
    eval_frequency(m, f);
    eval_angles(f, fu);
    pp_metrology_energy_step(&m->energy, f);
    pick_reference(m, f);

    rebase_halfcycles(m);
    memset(m->ph, 0, sizeof m->ph);
    m->sn = m->snn = 0;
    m->rises_s = 0;
    m->n = 0;
    start_oscillator(m, m->f_sec);
    start_thd_window(m, m->f_sec);
}

/* ---- runs of samples between crossing events ---- */

/* First sample from j on (limit if none) whose reference code is at or above
 * level (above) or below it (!above). */
static size_t scan_ref(const pp_adc_block_t *b, size_t j, size_t limit, unsigned ref,
                       int64_t level, bool above)
{
    if (above) {
        while (j < limit && b[j].code[ref] < level) {
            j++;
        }
    } else {
        while (j < limit && b[j].code[ref] >= level) {
            j++;
        }
    }
    return j;
}

/* How many samples from b[0] (at most limit) form the next run: a crossing
 * event on b[0] is handled here, before the run's sums; the run ends before
 * the next sample that fires one. Advances the detector over the run. */
static size_t take_run(pp_metrology_t *m, const pp_adc_block_t *b, size_t limit)
{
    unsigned ref = m->ref;
    int32_t dcr = (int32_t)m->dc[ref];
    int64_t h = m->hyst_code;
    crossing(m, b[0].code[ref] - dcr);
    size_t j = 1;
    while (j < limit) {
        switch (m->zc_state) {
        case ZC_WAIT_LOW: /* armed by the first sample below -h */
            j = scan_ref(b, j, limit, ref, (int64_t)dcr - h, false);
            break;
        case ZC_ARM_RISE: /* stops at the first sample >= 0 */
            j = scan_ref(b, j, limit, ref, dcr, true);
            break;
        case ZC_WAIT_HIGH: /* armed by the first sample above +h */
            j = scan_ref(b, j, limit, ref, (int64_t)dcr + h + 1, true);
            break;
        default: /* stops at the first sample < 0 */
            j = scan_ref(b, j, limit, ref, dcr, false);
            break;
        }
        if (j == limit || m->zc_state == ZC_ARM_RISE || m->zc_state == ZC_ARM_FALL) {
            break;
        }
        m->zc_state = m->zc_state == ZC_WAIT_LOW ? ZC_ARM_RISE : ZC_ARM_FALL;
        j++;
    }
    m->ref_prev = b[j - 1].code[ref] - dcr;
    return j;
}

/* Adds one run's exact sums to the second's int64 totals. */
static void add_powers(pp_metrology_t *m, const pp_block_sums_t *bs)
{
    for (unsigned k = 0; k < PP_PHASES; k++) {
        pp_metrology_sums_t *p = &m->ph[k];
        p->su += (int64_t)bs->s[k];
        p->si += (int64_t)bs->s[3 + k];
        p->suu += (int64_t)bs->q[k];
        p->sii += (int64_t)bs->q[3 + k];
        p->sui += (int64_t)bs->ui[k];
    }
    if (m->cfg.has_neutral) {
        m->sn += (int64_t)bs->s[6];
        m->snn += (int64_t)bs->q[6];
    }
}

/* Everything a run of samples adds: THD window points, power and neutral
 * sums, fundamental DFT. */
static void sum_run(pp_metrology_t *m, const pp_adc_block_t *b, size_t len)
{
    if (m->thd_k < PP_METROLOGY_THD_N) {
        thd_fill(m, b, m->n, len);
    }
    pp_block_sums_t bs;
    pp_metrology_block_powers(b, len, &bs);
    if (!m->cfg.has_neutral) {
        pp_metrology_block_currents(b, len, &bs);
        for (unsigned k = 0; k < PP_PHASES; k++) {
            m->ph[k].sij += (int64_t)bs.ii[k];
        }
    }
    add_powers(m, &bs);
    pp_metrology_block_dft(b, len, &m->dft_cosf[m->dft_pos], &m->dft_sinf[m->dft_pos],
                           m->dft_offset, m->dft_re, m->dft_im);
    m->dft_pos += (uint32_t)len;
    if (m->dft_pos == PP_METROLOGY_BLOCK) {
        close_dft_block(m);
    }
    m->n += (uint32_t)len;
    m->total_samples += len;
}

int pp_metrology_feed(pp_metrology_t *m, const pp_adc_block_t *blocks, size_t n,
                      pp_frame_t *out, size_t max_frames)
{
    PP_VERIFY(m != NULL && (blocks != NULL || n == 0), PP_ERR_ARG);
    size_t frames = 0;
    uint32_t rate = m->cfg.sample_rate_hz;
    /* refuse up front, so a refused call consumes nothing */
    PP_VERIFY(((uint64_t)m->n + n) / rate <= max_frames, PP_ERR_NOSPACE);
    PP_VERIFY(out != NULL || ((uint64_t)m->n + n) / rate == 0, PP_ERR_ARG);
    size_t j = 0;
    while (j < n) {
        size_t limit = n - j;
        limit = limit < rate - m->n ? limit : rate - m->n;
        /* the DFT block bounds the run (exact sums need <= a block) */
        limit = limit < PP_METROLOGY_BLOCK - m->dft_pos ? limit : PP_METROLOGY_BLOCK - m->dft_pos;
        size_t len = take_run(m, blocks + j, limit);
        sum_run(m, blocks + j, len);
        j += len;
        if (m->n == rate) {
            close_second(m, &out[frames++]);
        }
    }
    return (int)frames;
}
