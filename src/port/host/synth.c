/* Scenario synthesizer and its analytic reference (see synth.h). */
#include "synth.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWO_PI (2.0 * M_PI)
#define DEG (M_PI / 180.0)

void pp_synth_init(pp_synth_t *s)
{
    memset(s, 0, sizeof *s);
    s->rate = 8000;
    s->f_hz = 50.0;
    s->bits = 24;
    s->u_fs_v = 500.0;
    s->i_fs_a = 250.0;
    s->seed = 1;
    s->rng = 0x9E3779B97F4A7C15ull;
    for (unsigned k = 0; k < PP_PHASES; k++) {
        s->ph[k].u_v = 230.0;
        s->ph[k].ua_deg = k == 0 ? 0.0 : (k == 1 ? -120.0 : 120.0);
    }
}

/* ---- spec parsing ---- */

static int fail(char *err, size_t len, const char *what, const char *item)
{
    snprintf(err, len, "%s in '%s'", what, item);
    return -1;
}

static int number(const char *v, double *out, bool *pct)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || !isfinite(x)) {
        return -1;
    }
    if (pct != NULL) {
        *pct = *end == '%';
        if (*pct) {
            end++;
        }
    }
    *out = x;
    return *end == '\0' ? 0 : -1;
}

/* pf=0.8ind | 0.8cap | -0.5ind (negative: export) */
static int parse_pf(const char *v, double *phi)
{
    char *end;
    double pf = strtod(v, &end);
    if (end == v || pf < -1.0 || pf > 1.0) {
        return -1;
    }
    double a = acos(pf) / DEG;
    if (strcmp(end, "ind") == 0 || *end == '\0') {
        *phi = a;
    } else if (strcmp(end, "cap") == 0) {
        *phi = -a;
    } else {
        return -1;
    }
    return 0;
}

static int phase_param(pp_synth_phase_t *p, const char *key, const char *v)
{
    double x;
    bool pct = false;
    unsigned h;
    char kind[8];
    int used = 0;
    if (strcmp(key, "pf") == 0) {
        return parse_pf(v, &p->phi_deg);
    }
    if (sscanf(key, "h%u%7[a-z_]%n", &h, kind, &used) == 2 && key[used] == '\0') {
        if (h < 2 || h > PP_SYNTH_HMAX || number(v, &x, &pct) != 0) {
            return -1;
        }
        double *dst = strcmp(kind, "u") == 0 ? &p->hu[h] : strcmp(kind, "i") == 0 ? &p->hi[h]
                    : strcmp(kind, "u_deg") == 0 ? &p->hu_deg[h]
                    : strcmp(kind, "i_deg") == 0 ? &p->hi_deg[h] : NULL;
        if (dst == NULL) {
            return -1;
        }
        *dst = pct ? x / 100.0 : x;
        return 0;
    }
    if (number(v, &x, NULL) != 0) {
        return -1;
    }
    struct { const char *k; double *d; } t[] = {
        {"u", &p->u_v}, {"i", &p->i_a}, {"phi", &p->phi_deg}, {"ua", &p->ua_deg},
        {"dcu", &p->dc_u_v}, {"dci", &p->dc_i_a},
    };
    for (size_t j = 0; j < sizeof t / sizeof t[0]; j++) {
        if (strcmp(key, t[j].k) == 0) {
            *t[j].d = x;
            return (p->u_v >= 0 && p->i_a >= 0) ? 0 : -1;
        }
    }
    return -1;
}

/* "u=230,i=10,pf=0.8ind" applied to every phase in mask */
static int phase_params(pp_synth_t *s, unsigned mask, const char *list)
{
    char buf[PP_SYNTH_CHANGE_LEN];
    if (strlen(list) >= sizeof buf) {
        return -1;
    }
    strcpy(buf, list);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv != NULL;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (eq == NULL) {
            return -1;
        }
        *eq = '\0';
        for (unsigned k = 0; k < PP_PHASES; k++) {
            if ((mask & (1u << k)) && phase_param(&s->ph[k], kv, eq + 1) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

static int global_param(pp_synth_t *s, const char *key, const char *v)
{
    double x;
    if (number(v, &x, NULL) != 0) {
        return -1;
    }
    if (strcmp(key, "f") == 0 && x >= 40 && x <= 70) { s->f_hz = x; }
    else if (strcmp(key, "drift") == 0 && fabs(x) <= 1.0) { s->drift_hz_s = x; }
    else if (strcmp(key, "rate") == 0 && x >= 1000 && x <= 64000) { s->rate = (uint32_t)x; }
    else if (strcmp(key, "bits") == 0 && x >= 8 && x <= 24) { s->bits = (unsigned)x; }
    else if (strcmp(key, "ufs") == 0 && x > 0) { s->u_fs_v = x; }
    else if (strcmp(key, "ifs") == 0 && x > 0) { s->i_fs_a = x; }
    else if (strcmp(key, "noise_u") == 0 && x >= 0) { s->noise_u_v = x; }
    else if (strcmp(key, "noise_i") == 0 && x >= 0) { s->noise_i_a = x; }
    else if (strcmp(key, "seed") == 0 && x >= 0) { s->seed = (uint64_t)x; s->rng = s->seed * 0x9E3779B97F4A7C15ull + 1; }
    else if (strcmp(key, "neutral") == 0 && (x == 0 || x == 1)) { s->neutral = x == 1; }
    else { return -1; }
    return 0;
}

/* "L1", "L23", "all" -> mask */
static int parse_mask(const char *t, size_t len, unsigned *mask)
{
    *mask = 0;
    if (len == 3 && strncmp(t, "all", 3) == 0) {
        *mask = 7;
        return 0;
    }
    if (len < 2 || t[0] != 'L') {
        return -1;
    }
    for (size_t j = 1; j < len; j++) {
        if (t[j] < '1' || t[j] > '3') {
            return -1;
        }
        *mask |= 1u << (t[j] - '1');
    }
    return 0;
}

static int item(pp_synth_t *s, const char *it, char *err, size_t errlen)
{
    const char *colon = strchr(it, ':');
    const char *eq = strchr(it, '=');
    if (colon != NULL && (eq == NULL || colon < eq)) {
        const char *at = memchr(it, '@', (size_t)(colon - it));
        unsigned mask;
        size_t mlen = (size_t)((at != NULL ? at : colon) - it);
        if (parse_mask(it, mlen, &mask) != 0) {
            return fail(err, errlen, "unknown phase (use L1, L2, L3, L123 or all)", it);
        }
        if (at == NULL) {
            return phase_params(s, mask, colon + 1) == 0 ? 0
                   : fail(err, errlen, "bad phase parameter", it);
        }
        double t;
        char tbuf[32];
        size_t tl = (size_t)(colon - at - 1);
        if (tl == 0 || tl >= sizeof tbuf) {
            return fail(err, errlen, "bad change time", it);
        }
        memcpy(tbuf, at + 1, tl);
        tbuf[tl] = '\0';
        if (number(tbuf, &t, NULL) != 0 || t < 0) {
            return fail(err, errlen, "bad change time", it);
        }
        if (s->nchanges >= PP_SYNTH_CHANGES || strlen(colon + 1) >= PP_SYNTH_CHANGE_LEN) {
            return fail(err, errlen, "too many or too long timed changes", it);
        }
        pp_synth_t probe = *s; /* validate now, apply later */
        if (phase_params(&probe, mask, colon + 1) != 0) {
            return fail(err, errlen, "bad phase parameter", it);
        }
        pp_synth_change_t *c = &s->change[s->nchanges++];
        c->t_s = t;
        c->mask = mask;
        strcpy(c->params, colon + 1);
        return 0;
    }
    if (eq == NULL) {
        return fail(err, errlen, "expected key=value or Lk:...", it);
    }
    char key[32];
    size_t kl = (size_t)(eq - it);
    if (kl >= sizeof key) {
        return fail(err, errlen, "unknown setting", it);
    }
    memcpy(key, it, kl);
    key[kl] = '\0';
    return global_param(s, key, eq + 1) == 0 ? 0 : fail(err, errlen, "bad or unknown setting", it);
}

int pp_synth_parse(pp_synth_t *s, const char *spec, char *err, size_t errlen)
{
    size_t len = strlen(spec);
    char *buf = malloc(len + 1);
    if (buf == NULL) {
        return fail(err, errlen, "out of memory", "spec");
    }
    memcpy(buf, spec, len + 1);
    for (char *c = strchr(buf, '#'); c != NULL; c = strchr(c, '#')) {
        while (*c != '\0' && *c != '\n') {
            *c++ = ' '; /* comment to the end of the line */
        }
    }
    int rc = 0;
    for (char *save = NULL, *it = strtok_r(buf, "; \t\r\n", &save); it != NULL && rc == 0;
         it = strtok_r(NULL, "; \t\r\n", &save)) {
        rc = item(s, it, err, errlen);
    }
    free(buf);
    /* changes in time order */
    for (unsigned a = 1; a < s->nchanges; a++) {
        for (unsigned b = a; b > 0 && s->change[b].t_s < s->change[b - 1].t_s; b--) {
            pp_synth_change_t t = s->change[b];
            s->change[b] = s->change[b - 1];
            s->change[b - 1] = t;
        }
    }
    return rc;
}

void pp_synth_metrology_config(const pp_synth_t *s, pp_metrology_config_t *cfg)
{
    pp_metrology_config_default(cfg, s->rate);
    double q = (double)((1u << (s->bits - 1)) - 1);
    for (unsigned k = 0; k < PP_PHASES; k++) {
        cfg->scale[k] = (float)(s->u_fs_v / q);
        cfg->scale[3 + k] = (float)(s->i_fs_a / q);
    }
    cfg->scale[6] = (float)(s->i_fs_a / q);
    cfg->has_neutral = s->neutral;
}

/* ---- generation ---- */

static double uniform(pp_synth_t *s)
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (double)((s->rng * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(pp_synth_t *s)
{
    if (s->have_spare) {
        s->have_spare = false;
        return s->spare;
    }
    double u1 = uniform(s), u2 = uniform(s);
    double r = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300));
    s->spare = r * sin(TWO_PI * u2);
    s->have_spare = true;
    return r * cos(TWO_PI * u2);
}

static int32_t quantise(double x, double lsb, double max)
{
    double c = nearbyint(x / lsb);
    return (int32_t)(c > max ? max : (c < -max ? -max : c));
}

/* u or i of one phase at fundamental phase th (of the phase's own time base) */
static double wave(double rms, const double *h, const double *hdeg, double th, double ang)
{
    double v = cos(th + ang);
    for (unsigned j = 2; j <= PP_SYNTH_HMAX; j++) {
        if (h[j] != 0.0) {
            v += h[j] * cos(j * th + hdeg[j] * DEG);
        }
    }
    return M_SQRT2 * rms * v;
}

static void apply_changes(pp_synth_t *s, double t)
{
    while (s->next_change < s->nchanges && s->change[s->next_change].t_s <= t) {
        const pp_synth_change_t *c = &s->change[s->next_change++];
        (void)phase_params(s, c->mask, c->params); /* validated at parse time */
    }
}

void pp_synth_generate(pp_synth_t *s, pp_adc_block_t *dst, size_t n)
{
    double q = (double)((1u << (s->bits - 1)) - 1);
    double lu = (double)(float)(s->u_fs_v / q), li = (double)(float)(s->i_fs_a / q);
    for (size_t j = 0; j < n; j++, s->n++) {
        double t = (double)s->n / s->rate;
        apply_changes(s, t);
        double isum = 0;
        for (unsigned k = 0; k < PP_PHASES; k++) {
            const pp_synth_phase_t *p = &s->ph[k];
            double th = s->theta + p->ua_deg * DEG;
            double u = wave(p->u_v, p->hu, p->hu_deg, th, 0.0) + p->dc_u_v;
            double i = wave(p->i_a, p->hi, p->hi_deg, th, -p->phi_deg * DEG);
            isum += i;
            i += p->dc_i_a;
            if (s->noise_u_v > 0) {
                u += s->noise_u_v * gauss(s);
            }
            if (s->noise_i_a > 0) {
                i += s->noise_i_a * gauss(s);
            }
            dst[j].code[k] = quantise(u, lu, q);
            dst[j].code[3 + k] = quantise(i, li, q);
        }
        dst[j].code[6] = s->neutral ? quantise(isum, li, q) : 0;
        s->theta += TWO_PI * (s->f_hz + s->drift_hz_s * t) / s->rate;
        if (s->theta >= TWO_PI) {
            s->theta -= TWO_PI;
        }
    }
}

/* ---- analytic reference ---- */

/* integral over [t0, t1] of cos(m w t + c) */
static double icos(double m, double w, double c, double t0, double t1)
{
    if (m == 0.0) {
        return cos(c) * (t1 - t0);
    }
    return (sin(m * w * t1 + c) - sin(m * w * t0 + c)) / (m * w);
}

/* Harmonic h of a phase: RMS and absolute angle at time 0 (theta = w t). */
static void harmonic(const pp_synth_phase_t *p, unsigned h, bool cur, double *rms, double *ang)
{
    double a1 = p->ua_deg * DEG;
    if (h == 1) {
        *rms = cur ? p->i_a : p->u_v;
        *ang = a1 - (cur ? p->phi_deg * DEG : 0.0);
        return;
    }
    *rms = (cur ? p->i_a * p->hi[h] : p->u_v * p->hu[h]);
    *ang = h * a1 + (cur ? p->hi_deg[h] : p->hu_deg[h]) * DEG;
}

static void reference_phase(const pp_synth_t *s, const pp_synth_phase_t *p, double t0,
                            double t1, pp_synth_ref_phase_t *r)
{
    double w = TWO_PI * s->f_hz, uu = 0, ii = 0, pw = 0, ep = 0;
    for (unsigned h = 1; h <= PP_SYNTH_HMAX; h++) {
        double uh, ah, ih, bh;
        harmonic(p, h, false, &uh, &ah);
        harmonic(p, h, true, &ih, &bh);
        uu += uh * uh;
        ii += ih * ih;
        pw += uh * ih * cos(ah - bh);
        if (uh == 0.0) {
            continue;
        }
        for (unsigned k = 1; k <= PP_SYNTH_HMAX; k++) {
            double ik, bk;
            harmonic(p, k, true, &ik, &bk);
            if (ik != 0.0) { /* 2 U I cos(a) cos(b) = U I [cos(a-b) + cos(a+b)] */
                ep += uh * ik * (icos((double)h - k, w, ah - bk, t0, t1) +
                                 icos((double)h + k, w, ah + bk, t0, t1));
            }
        }
    }
    double u1, a1, i1, b1;
    harmonic(p, 1, false, &u1, &a1);
    harmonic(p, 1, true, &i1, &b1);
    r->u_rms = sqrt(uu);
    r->i_rms = sqrt(ii);
    r->p_w = pw;
    r->q1_var = u1 * i1 * sin(a1 - b1);
    r->s_va = r->u_rms * r->i_rms;
    r->thd_u_pct = u1 > 0 ? 100.0 * sqrt(uu - u1 * u1) / u1 : 0.0;
    r->thd_i_pct = i1 > 0 ? 100.0 * sqrt(ii - i1 * i1) / i1 : 0.0;
    r->energy_p_wh = ep / 3600.0;
    r->energy_q_varh = r->q1_var * (t1 - t0) / 3600.0;
    r->energy_s_vah = r->s_va * (t1 - t0) / 3600.0;
}

void pp_synth_reference(const pp_synth_t *s, double t0, double t1, pp_synth_ref_phase_t out[PP_PHASES])
{
    for (unsigned k = 0; k < PP_PHASES; k++) {
        reference_phase(s, &s->ph[k], t0, t1, &out[k]);
    }
}

void pp_synth_skip(pp_synth_t *s, size_t n)
{
    double t0 = (double)s->n / s->rate;
    s->n += n;
    double t1 = (double)s->n / s->rate;
    /* phase advance of the drifting fundamental over [t0, t1] */
    double adv = TWO_PI * (s->f_hz * (t1 - t0) + s->drift_hz_s * (t1 * t1 - t0 * t0) / 2);
    s->theta = fmod(s->theta + adv, TWO_PI);
    apply_changes(s, t1);
}
