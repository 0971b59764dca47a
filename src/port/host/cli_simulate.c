/* polyphase simulate: run a scenario offline at full speed and report.
 *   polyphase simulate --synth SPEC|@FILE [--seconds N] [--powerstep] [--report json|text]
 *   polyphase simulate --samples FILE.wav [--u-scale X --i-scale Y] [--report json|text]
 *   polyphase simulate --accuracy-report   (markdown for docs/accuracy.md)
 * Spec syntax and report keys: docs/metrology.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "polyphase/metrology.h"
#include "powerstep.h"
#include "sim_days.h"
#include "simulate.h"
#include "synth.h"
#include "wav.h"

long pp_sim_run(const pp_sim_source_t *src, const pp_sim_sink_t *sinks, size_t nsinks,
                uint64_t max_frames, char *err, size_t errlen)
{
    pp_frame_t f;
    long n = 0;
    while (max_frames == 0 || (uint64_t)n < max_frames) {
        int rc = src->next(src->ctx, &f, err, errlen);
        if (rc < 0) {
            return -1;
        }
        if (rc == 0) {
            break;
        }
        for (size_t j = 0; j < nsinks; j++) {
            if (sinks[j].consume(sinks[j].ctx, &f, err, errlen) != 0) {
                return -1;
            }
        }
        n++;
    }
    return n;
}

/* ---- report sink ---- */

int pp_sim_report_consume(void *ctx, const pp_frame_t *f, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pp_sim_report_t *r = ctx;
    for (unsigned k = 0; k <= PP_PHASES; k++) {
        const pp_energy_delta_t *d = k < PP_PHASES ? &f->phase[k].energy : &f->total;
        r->e[k][0] += d->a_plus_uwh;
        r->e[k][1] += d->a_minus_uwh;
        r->e[k][2] += d->r_plus_uvarh;
        r->e[k][3] += d->r_minus_uvarh;
        r->e[k][4] += d->e_plus_uvah;
        r->e[k][5] += d->e_minus_uvah;
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        const pp_phase_frame_t *p = &f->phase[k];
        r->u[k] += p->u_rms_v;
        r->i[k] += p->i_rms_a;
        r->p[k] += p->p_w;
        r->q[k] += p->q_var;
        r->s[k] += p->s_va;
        r->thd_u[k] += p->thd_u_pct;
        r->thd_i[k] += p->thd_i_pct;
    }
    r->f_fast_sum += f->f_fast_hz;
    r->in_sum += f->i_neutral_a;
    r->f_last10 = f->f_hz;
    r->sequence = f->sequence;
    r->frames++;
    return 0;
}

static double avg(double sum, uint64_t n)
{
    return n > 0 ? sum / (double)n : 0.0;
}

/* Frequency: the last 10-second value once one exists, else the mean of the
 * per-cycle values. */
static double report_f(const pp_sim_report_t *r)
{
    return r->frames >= 10 ? r->f_last10 : avg(r->f_fast_sum, r->frames);
}

static const char *seq_name(pp_phase_sequence_t s)
{
    return s == PP_SEQ_L1L2L3 ? "L1L2L3" : s == PP_SEQ_L1L3L2 ? "L1L3L2" : "unknown";
}

void pp_sim_report_json(const pp_sim_report_t *r, FILE *out)
{
    const uint64_t *t = r->e[PP_PHASES];
    fprintf(out, "{\"seconds\": %llu, \"A+_Wh\": %.6f, \"A-_Wh\": %.6f, \"R+_varh\": %.6f, "
                 "\"R-_varh\": %.6f, \"E+_VAh\": %.6f, \"E-_VAh\": %.6f, \"f_Hz\": %.4f, "
                 "\"I_N_A\": %.4f, \"sequence\": \"%s\", \"phases\": [",
            (unsigned long long)r->frames, t[0] / 1e6, t[1] / 1e6, t[2] / 1e6, t[3] / 1e6,
            t[4] / 1e6, t[5] / 1e6, report_f(r), avg(r->in_sum, r->frames), seq_name(r->sequence));
    for (unsigned k = 0; k < PP_PHASES; k++) {
        double p = avg(r->p[k], r->frames), s = avg(r->s[k], r->frames);
        fprintf(out, "%s{\"U_V\": %.4f, \"I_A\": %.5f, \"P_W\": %.4f, \"Q_var\": %.4f, "
                     "\"S_VA\": %.4f, \"PF\": %.5f, \"THD_U_pct\": %.3f, \"THD_I_pct\": %.3f, "
                     "\"A+_Wh\": %.6f, \"A-_Wh\": %.6f}",
                k ? ", " : "", avg(r->u[k], r->frames), avg(r->i[k], r->frames), p,
                avg(r->q[k], r->frames), s, s > 0 ? p / s : 0.0, avg(r->thd_u[k], r->frames),
                avg(r->thd_i[k], r->frames), r->e[k][0] / 1e6, r->e[k][1] / 1e6);
    }
    fprintf(out, "]}\n");
}

void pp_sim_report_text(const pp_sim_report_t *r, FILE *out)
{
    const uint64_t *t = r->e[PP_PHASES];
    fprintf(out, "seconds   %llu\nA+  %14.6f Wh    A-  %14.6f Wh\nR+  %14.6f varh  R-  %14.6f varh\n"
                 "E+  %14.6f VAh   E-  %14.6f VAh\nf   %.4f Hz   I_N %.4f A   sequence %s\n",
            (unsigned long long)r->frames, t[0] / 1e6, t[1] / 1e6, t[2] / 1e6, t[3] / 1e6,
            t[4] / 1e6, t[5] / 1e6, report_f(r), avg(r->in_sum, r->frames), seq_name(r->sequence));
    fprintf(out, "phase  U/V       I/A        P/W          Q/var        S/VA         PF       THD_U%%  THD_I%%\n");
    for (unsigned k = 0; k < PP_PHASES; k++) {
        double p = avg(r->p[k], r->frames), s = avg(r->s[k], r->frames);
        fprintf(out, "L%u     %-9.3f %-10.4f %-12.3f %-12.3f %-12.3f %-8.5f %-7.3f %-7.3f\n", k + 1,
                avg(r->u[k], r->frames), avg(r->i[k], r->frames), p, avg(r->q[k], r->frames), s,
                s > 0 ? p / s : 0.0, avg(r->thd_u[k], r->frames), avg(r->thd_i[k], r->frames));
    }
}

/* ---- sources ---- */

typedef struct wave_src {
    pp_synth_t *synth;   /* or NULL when reading a WAV file */
    pp_wav_t *wav;
    pp_metrology_t *m;
    pp_adc_block_t *buf; /* one second of sample sets */
} wave_src_t;

static int wave_next(void *ctx, pp_frame_t *f, char *err, size_t errlen)
{
    wave_src_t *w = ctx;
    uint32_t rate = w->m->cfg.sample_rate_hz;
    if (w->synth != NULL) {
        pp_synth_generate(w->synth, w->buf, rate);
    } else {
        long got = pp_wav_read(w->wav, w->buf, rate, err, errlen);
        if (got < 0) {
            return -1;
        }
        if ((uint32_t)got < rate) {
            return 0; /* a partial last second is not reported */
        }
    }
    int rc = pp_metrology_feed(w->m, w->buf, rate, f, 1);
    if (rc != 1) {
        snprintf(err, errlen, "metrology: %s", pp_strerror(rc < 0 ? rc : PP_ERR_INTERNAL));
        return -1;
    }
    return 1;
}

typedef struct step_src {
    pp_synth_t *synth;
    pp_powerstep_t ps;
} step_src_t;

/* The synth's fundamentals as a load (harmonics are not modelled here). */
static int step_next(void *ctx, pp_frame_t *f, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    step_src_t *s = ctx;
    pp_synth_t *sy = s->synth;
    pp_powerstep_load_t l = {.f_hz = sy->f_hz};
    for (unsigned k = 0; k < PP_PHASES; k++) {
        const pp_synth_phase_t *p = &sy->ph[k];
        double a = p->phi_deg * M_PI / 180.0;
        l.u_v[k] = p->u_v;
        l.p_w[k] = p->u_v * p->i_a * cos(a);
        l.q_var[k] = p->u_v * p->i_a * sin(a);
    }
    pp_powerstep_frame(&s->ps, &l, f);
    pp_synth_skip(sy, sy->rate); /* scenario time moves on: timed changes apply */
    return 1;
}

/* ---- command line ---- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: polyphase simulate --synth SPEC|@FILE [--seconds N] [--powerstep] [--report json|text]\n"
            "       polyphase simulate --samples FILE.wav [--u-scale V --i-scale A] [--report json|text]\n"
            "       polyphase simulate --accuracy-report\n"
            "       polyphase simulate --days N [--scenario NAME] ... (see --days --help)\n"
            "SPEC items (';' or blanks between): f=50 drift=0 rate=8000 bits=24 noise_u=0 noise_i=0\n"
            "  seed=1 neutral=0 ufs=500 ifs=250, and per phase Lk:key=v,... (L1, L23, all):\n"
            "  u=230 i=10 pf=0.8ind|0.8cap phi=DEG ua=DEG h5u=10%% h5i=40%% h5u_deg=0 dcu=V dci=A;\n"
            "  timed change: L1@30:i=20 (from t=30 s). See docs/metrology.md.\n");
}

static char *read_spec(const char *arg)
{
    if (arg[0] != '@') {
        return strdup(arg);
    }
    FILE *fp = fopen(arg + 1, "rb");
    if (fp == NULL) {
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(fp)) != EOF) {
        /* drop comments up to the end of the line */
        if (c == '#') {
            while (c != EOF && c != '\n') {
                c = fgetc(fp);
            }
        }
        if (c != EOF) {
            fputc(c, mem);
        }
    }
    fclose(fp);
    fclose(mem);
    return buf;
}

typedef struct sim_opts {
    const char *synth, *samples, *report;
    double u_scale, i_scale;
    long seconds;
    int powerstep, accuracy;
} sim_opts_t;

static int parse_opts(int argc, char **argv, sim_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->report = "json";
    o->seconds = 10;
    for (int a = 1; a < argc; a++) {
        const char *k = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;
        char *end = NULL;
        if (strcmp(k, "--powerstep") == 0) { o->powerstep = 1; continue; }
        if (strcmp(k, "--accuracy-report") == 0) { o->accuracy = 1; continue; }
        if (strcmp(k, "--help") == 0 || strcmp(k, "-h") == 0) { usage(stdout); return 1; }
        if (v == NULL) {
            fprintf(stderr, "polyphase simulate: %s needs a value\n", k);
            return 2;
        }
        a++;
        if (strcmp(k, "--synth") == 0) { o->synth = v; }
        else if (strcmp(k, "--samples") == 0) { o->samples = v; }
        else if (strcmp(k, "--report") == 0) { o->report = v; }
        else if (strcmp(k, "--u-scale") == 0) { o->u_scale = strtod(v, &end); }
        else if (strcmp(k, "--i-scale") == 0) { o->i_scale = strtod(v, &end); }
        else if (strcmp(k, "--seconds") == 0) { o->seconds = strtol(v, &end, 10); }
        else {
            fprintf(stderr, "polyphase simulate: unknown option '%s'\n", k);
            usage(stderr);
            return 2;
        }
        if (end != NULL && (*end != '\0' || end == v)) {
            fprintf(stderr, "polyphase simulate: %s: '%s' is not a number\n", k, v);
            return 2;
        }
    }
    if (strcmp(o->report, "json") != 0 && strcmp(o->report, "text") != 0) {
        fprintf(stderr, "polyphase simulate: --report must be json or text\n");
        return 2;
    }
    if (o->seconds < 1 || o->seconds > 100000000L) {
        fprintf(stderr, "polyphase simulate: --seconds must be 1..100000000\n");
        return 2;
    }
    if (!o->accuracy && (o->synth == NULL) == (o->samples == NULL)) {
        fprintf(stderr, "polyphase simulate: give exactly one of --synth or --samples\n");
        usage(stderr);
        return 2;
    }
    return 0;
}

static int run_and_report(const pp_sim_source_t *src, uint64_t max, const char *kind)
{
    pp_sim_report_t rep;
    memset(&rep, 0, sizeof rep);
    pp_sim_sink_t sink = {&rep, pp_sim_report_consume};
    char err[256] = "";
    if (pp_sim_run(src, &sink, 1, max, err, sizeof err) < 0) {
        fprintf(stderr, "polyphase simulate: %s\n", err);
        return 2;
    }
    if (strcmp(kind, "text") == 0) {
        pp_sim_report_text(&rep, stdout);
    } else {
        pp_sim_report_json(&rep, stdout);
    }
    return 0;
}

static int simulate_synth(const sim_opts_t *o)
{
    static pp_synth_t synth;
    static pp_metrology_t m;
    pp_synth_init(&synth);
    char *spec = read_spec(o->synth), err[256];
    if (spec == NULL) {
        fprintf(stderr, "polyphase simulate: cannot read spec file '%s'\n", o->synth + 1);
        return 2;
    }
    int rc = pp_synth_parse(&synth, spec, err, sizeof err);
    free(spec);
    if (rc != 0) {
        fprintf(stderr, "polyphase simulate: spec: %s\n", err);
        return 2;
    }
    if (o->powerstep) {
        static step_src_t st;
        st.synth = &synth;
        pp_powerstep_init(&st.ps);
        pp_sim_source_t src = {&st, step_next};
        return run_and_report(&src, (uint64_t)o->seconds, o->report);
    }
    pp_metrology_config_t cfg;
    pp_synth_metrology_config(&synth, &cfg);
    if (pp_metrology_init(&m, &cfg) != PP_OK) {
        fprintf(stderr, "polyphase simulate: sample rate %u outside 4000..8000 Hz\n", synth.rate);
        return 2;
    }
    wave_src_t w = {.synth = &synth, .m = &m, .buf = malloc(sizeof(pp_adc_block_t) * synth.rate)};
    pp_sim_source_t src = {&w, wave_next};
    rc = w.buf == NULL ? 1 : run_and_report(&src, (uint64_t)o->seconds, o->report);
    free(w.buf);
    return rc;
}

static int simulate_wav(const sim_opts_t *o)
{
    static pp_wav_t wav;
    static pp_metrology_t m;
    char err[256];
    if (pp_wav_open(&wav, o->samples, o->u_scale, o->i_scale, err, sizeof err) != 0) {
        fprintf(stderr, "polyphase simulate: %s: %s\n", o->samples, err);
        return 2;
    }
    pp_metrology_config_t cfg;
    pp_wav_metrology_config(&wav, &cfg);
    int rc = 2;
    if (pp_metrology_init(&m, &cfg) != PP_OK) {
        fprintf(stderr, "polyphase simulate: %s: scales not usable by metrology\n", o->samples);
    } else {
        wave_src_t w = {.wav = &wav, .m = &m, .buf = malloc(sizeof(pp_adc_block_t) * wav.rate)};
        pp_sim_source_t src = {&w, wave_next};
        rc = w.buf == NULL ? 1 : run_and_report(&src, 0, o->report);
        free(w.buf);
    }
    pp_wav_close(&wav);
    return rc;
}

int pp_cli_simulate(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--days") == 0) {
            return pp_sim_days(argc, argv); /* the whole meter over days */
        }
    }
    sim_opts_t o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0) {
        return rc == 1 ? 0 : rc;
    }
    if (o.accuracy) {
        double worst = pp_accuracy_report(stdout);
        return worst <= 0.05 ? 0 : 1;
    }
    return o.samples != NULL ? simulate_wav(&o) : simulate_synth(&o);
}
