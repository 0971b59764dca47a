/* polyphase simulate --days N: the whole meter (registers, tariffs, demand,
 * debiting, permanent memory) on a virtual clock, driven by a load scenario
 * in power-step mode (one frame per simulated second) or, with --waveform,
 * through synthesized samples and metrology. Prints a summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export_csv.h"
#include "host_port.h"
#include "meter_setup.h"
#include "scenario.h"
#include "sim_days.h"
#include "synth.h"

typedef struct days_opts {
    const char *config, *scenario, *nvm, *start, *report, *export_dir;
    double days;
    unsigned long long seed;
    int waveform, progress;
} days_opts_t;

typedef struct days_ctx {
    pp_host_port_t hp;
    pp_meter_t *meter;
    pp_scenario_t scenario;
    pp_synth_t synth;
    uint64_t samples_out;   /* sample sets handed to metrology */
} days_ctx_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: polyphase simulate --days N [--scenario NAME] [--seed N] [--start YYYY-MM-DD]\n"
            "                          [--config FILE] [--nvm FILE] [--waveform] [--report json|text]\n"
            "                          [--export DIR]\n"
            "Runs the whole meter on a virtual clock from START (local midnight, default\n"
            "2026-01-01) for N days (fractions allowed) and prints registers, tariffs, maxima,\n"
            "counters and debiting stops. Power-step mode (one frame per simulated second) by\n"
            "default; --waveform synthesizes 8 kHz samples through metrology (slower).\n"
            "--export DIR writes the load profile, analysis logger and event logs as CSV.\n"
            "Scenarios: %s\n", pp_scenario_names());
}

static int parse(int argc, char **argv, days_opts_t *o)
{
    *o = (days_opts_t){.scenario = "household", .start = "2026-01-01", .report = "text",
                       .seed = 1, .progress = -1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--waveform")) {
            o->waveform = 1;
        } else if (!strcmp(a, "--no-progress")) {
            o->progress = 0;
        } else if (!v) {
            fprintf(stderr, "polyphase simulate: unknown option or missing value: '%s'\n", a);
            return 2;
        } else if (i++, !strcmp(a, "--days")) {
            o->days = strtod(v, &end);
            if (*end || !(o->days > 0 && o->days <= 36600)) {
                fprintf(stderr, "polyphase simulate: --days '%s': more than 0, at most 36600\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--scenario")) {
            o->scenario = v;
        } else if (!strcmp(a, "--seed")) {
            o->seed = strtoull(v, &end, 10);
        } else if (!strcmp(a, "--start")) {
            o->start = v;
        } else if (!strcmp(a, "--config")) {
            o->config = v;
        } else if (!strcmp(a, "--nvm")) {
            o->nvm = v;
        } else if (!strcmp(a, "--export")) {
            o->export_dir = v;
        } else if (!strcmp(a, "--report")) {
            o->report = v;
            if (strcmp(v, "json") && strcmp(v, "text")) {
                fprintf(stderr, "polyphase simulate: --report must be json or text\n");
                return 2;
            }
        } else {
            fprintf(stderr, "polyphase simulate: unknown option '%s' (see --days --help)\n", a);
            return 2;
        }
        if (end && *end) {
            fprintf(stderr, "polyphase simulate: %s '%s' is not a number\n", a, v);
            return 2;
        }
    }
    return 0;
}

/* The port's ADC: samples of the seconds that have passed on the virtual clock. */
static size_t synth_adc_read(void *ctx, pp_adc_block_t *dst, size_t max)
{
    days_ctx_t *d = (days_ctx_t *)((pp_host_port_t *)ctx)->tag_ctx;
    uint64_t due = d->hp.virtual_ms * d->synth.rate / 1000;
    size_t n = due > d->samples_out ? (size_t)(due - d->samples_out) : 0;
    n = n < max ? n : max;
    pp_synth_generate(&d->synth, dst, n);
    d->samples_out += n;
    return n;
}

/* The synthesizer's phases carry the scenario's P and Q for the next second. */
static void synth_set_load(pp_synth_t *s, const pp_powerstep_load_t *l)
{
    for (int ph = 0; ph < PP_PHASES; ph++) {
        double sva = hypot(l->p_w[ph], l->q_var[ph]);
        s->ph[ph].u_v = l->u_v[ph];
        s->ph[ph].i_a = sva / l->u_v[ph];
        s->ph[ph].phi_deg = atan2(l->q_var[ph], l->p_w[ph]) * 180.0 / M_PI;
    }
}

static int parse_date(const char *text, pp_civil_t *c)
{
    unsigned y, m, d;
    char tail;
    if (sscanf(text, "%u-%u-%u%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 2199 || m < 1 ||
        m > 12 || d < 1 || d > pp_days_in_month((int)y, m)) {
        return -1;
    }
    *c = (pp_civil_t){.year = (uint16_t)y, .month = (uint8_t)m, .day = (uint8_t)d};
    return 0;
}

static int start_meter(days_ctx_t *d, const days_opts_t *o, pp_meter_setup_t *ms, char *err,
                       size_t errlen)
{
    static pp_hostcfg_t hc;
    pp_civil_t start;
    if (pp_hostcfg_load_or_default(&hc, o->config, err, errlen) < 0 ||
        pp_meter_setup_from_hostcfg(ms, &hc, err, errlen) < 0 ||
        pp_scenario_init(&d->scenario, o->scenario, o->seed, err, errlen) < 0) {
        return -1;
    }
    if (parse_date(o->start, &start) < 0) {
        snprintf(err, errlen, "--start '%s': a date YYYY-MM-DD from 1970 to 2199", o->start);
        return -1;
    }
    pp_clock_t ck;
    int64_t utc0;
    pp_clock_init(&ck, ms->cfg.sw.gmt_offset_minutes, ms->cfg.sw.dst == PP_OC_DST_EU);
    pp_clock_from_local(&ck, &start, false, &utc0);
    pp_host_port_init(&d->hp, PP_HOST_CLOCK_VIRTUAL, 1, utc0);
    if (pp_host_port_attach_nvm(&d->hp, o->nvm, hc.meter_number, err, errlen) < 0) {
        return -1;
    }
    if (o->waveform) {
        pp_synth_init(&d->synth);
        d->synth.seed = o->seed;
        pp_synth_metrology_config(&d->synth, &ms->cfg.metrology);
        ms->cfg.waveform = true;
        d->hp.tag_ctx = d;
        d->hp.port.adc_read = synth_adc_read;
    }
    d->meter = calloc(1, sizeof *d->meter);
    pp_err_t rc = pp_meter_init(d->meter, &d->hp.port, &ms->cfg);
    if (rc != PP_OK) {
        snprintf(err, errlen, "the meter did not start: %s", pp_strerror(rc));
        return -1;
    }
    return 0;
}

static void progress(double done, double total, time_t t0)
{
    int width = 40, fill = (int)(width * done / total);
    fprintf(stderr, "\r[%.*s%*s] %5.1f%% day %.0f/%.0f %lds", fill,
            "########################################", width - fill, "", 100 * done / total,
            done, total, (long)(time(NULL) - t0));
}

static void run_days(days_ctx_t *d, const days_opts_t *o)
{
    pp_powerstep_t ps;
    pp_powerstep_init(&ps);
    const uint64_t seconds = (uint64_t)(o->days * 86400.0 + 0.5);
    const int show = o->progress >= 0 ? o->progress : isatty(STDERR_FILENO);
    time_t t0 = time(NULL);
    for (uint64_t s = 0; s < seconds; s++) {
        int64_t utc;
        d->hp.port.rtc_get(d->hp.port.ctx, &utc);
        pp_civil_t lt;
        pp_clock_local(&d->meter->clock, utc, &lt, NULL);
        pp_powerstep_load_t load;
        pp_scenario_load(&d->scenario, pp_ms_from_civil(&lt) / 1000, &load);
        pp_host_port_advance(&d->hp, 1000);
        if (o->waveform) {
            synth_set_load(&d->synth, &load);
            pp_meter_task(d->meter); /* pulls this second's samples */
        } else {
            pp_frame_t f;
            pp_powerstep_frame(&ps, &load, &f);
            pp_meter_push_frame(d->meter, &f);
            pp_meter_task(d->meter);
        }
        if (show && s % 86400 == 0) {
            progress((double)s / 86400.0, o->days, t0);
        }
    }
    if (show) {
        progress(o->days, o->days, t0);
        fputc('\n', stderr);
    }
}

int pp_sim_days(int argc, char **argv)
{
    days_opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc) {
        return rc == 1 ? 0 : rc;
    }
    static days_ctx_t d;
    static pp_meter_setup_t ms;
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (start_meter(&d, &o, &ms, err, sizeof err) < 0) {
        fprintf(stderr, "polyphase simulate: %s\n", err);
        return 2;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    run_days(&d, &o);
    pp_err_t commit = pp_meter_power_fail(d.meter);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double elapsed = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    pp_sim_days_summary(d.meter, &o.days, elapsed, !strcmp(o.report, "json"), stdout);
    if (o.export_dir && pp_export_csv_all(o.export_dir, d.meter->clock.std_offset_min,
                                          &d.meter->load_profile, &d.meter->analysis,
                                          &d.meter->events) != PP_OK) {
        fprintf(stderr, "polyphase simulate: cannot write the CSV files into %s\n", o.export_dir);
        commit = PP_ERR_PORT;
    }
    pp_host_port_close(&d.hp);
    free(d.meter);
    return commit == PP_OK ? 0 : 1;
}

/* The value of an object in its unit (scaler applied); false if not numeric. */
static bool object_number(const pp_meter_t *m, const pp_object_t *o, double *out)
{
    uint8_t scratch[64];
    pp_value_t v;
    int64_t i;
    if (o->class_id == 8 || pp_meter_value(m, o, &v, scratch, sizeof scratch) != PP_OK ||
        pp_value_as_int(&v, &i) != PP_OK) {
        return false;
    }
    *out = (double)i * pow(10.0, pp_meter_scaler(m, o));
    return true;
}

void pp_sim_days_summary(const pp_meter_t *m, const double *days, double elapsed_s, bool json,
                         FILE *out)
{
    double speed = elapsed_s > 0 ? *days * 86400.0 / elapsed_s : 0;
    if (json) {
        fprintf(out, "{\"days\": %g, \"elapsed_s\": %.3f, \"speed_x\": %.0f, \"frames\": %llu, "
                "\"nvm_errors\": %u, \"objects\": {", *days, elapsed_s, speed,
                (unsigned long long)m->status.frames, m->status.errors);
    } else {
        fprintf(out, "simulated %g days in %.2f s (%.0fx real time), %llu frames, %u NVM errors\n",
                *days, elapsed_s, speed, (unsigned long long)m->status.frames, m->status.errors);
    }
    const char *sep = "";
    for (size_t k = 0; k < pp_objects_count(); k++) {
        const pp_object_t *o = pp_objects_at(k);
        double x;
        char ln[32], when[40] = "";
        if (!pp_meter_has_object(m, o) || !object_number(m, o, &x)) {
            continue;
        }
        pp_obis_format(o->ln, ln, sizeof ln);
        pp_value_t t;
        if (o->class_id == 4 && pp_meter_capture_time(m, o, &t) == PP_OK && t.v.dt.valid) {
            pp_civil_t c;
            pp_clock_local(&m->clock, t.v.dt.utc_ms, &c, NULL);
            snprintf(when, sizeof when, "%04u-%02u-%02u %02u:%02u", c.year, c.month, c.day,
                     c.hour, c.minute);
        }
        if (json) {
            fprintf(out, "%s\n  \"%s\": {\"value\": %.10g, \"unit\": \"%s\"%s%s%s}", sep, ln, x,
                    pp_unit_symbol(o->unit), when[0] ? ", \"time\": \"" : "", when,
                    when[0] ? "\"" : "");
            sep = ",";
        } else {
            fprintf(out, "  %-16s %-44s %14.3f %-4s %s\n", ln, o->name, x,
                    pp_unit_symbol(o->unit), when);
        }
    }
    fprintf(out, json ? "\n}}\n" : "");
}
