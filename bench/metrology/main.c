/* Metrology throughput: sample sets per second on one core for the full
 * processing (powers, fundamental DFT, zero crossings, one-cycle RMS, THD
 * window with FFT, energy) against a bare multiply-accumulate loop over the
 * same samples, measured in the same run (interleaved, one second of samples
 * each in turn). Targets (issue 3): >= 2000x real time at 8 kHz and >= 40 %
 * of the bare loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "polyphase/metrology.h"
#include "synth.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The baseline: sum of squares of all seven channels, 64-bit. */
static int64_t bare(const pp_adc_block_t *b, size_t n)
{
    int64_t acc = 0;
    for (size_t j = 0; j < n; j++) {
        for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
            acc += (int64_t)b[j].code[c] * b[j].code[c];
        }
    }
    return acc;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    pp_synth_t *s = malloc(sizeof *s);
    pp_metrology_t *m = malloc(sizeof *m);
    char err[160];
    pp_synth_init(s);
    if (pp_synth_parse(s, "rate=8000;neutral=1;noise_u=0.1;noise_i=0.001;"
                          "all:i=10,pf=0.8ind,h5u=10%,h5i=40%", err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const uint32_t rate = s->rate;
    pp_adc_block_t *buf = malloc(sizeof *buf * rate);
    pp_synth_generate(s, buf, rate);
    pp_metrology_config_t cfg;
    pp_synth_metrology_config(s, &cfg);
    if (pp_metrology_init(m, &cfg) != PP_OK) {
        return 1;
    }
    /* Alternate one second of samples through each, so both see the same
     * load from other processes on a shared machine; rates are totals. */
    volatile int64_t sink = 0;
    uint64_t nb = 0, nm = 0;
    double tb = 0, tm = 0;
    pp_frame_t f;
    while (tb + tm < 2 * secs) {
        double t0 = now_s();
        sink += bare(buf, rate);
        double t1 = now_s();
        if (pp_metrology_feed(m, buf, rate, &f, 1) != 1) {
            return 1;
        }
        double t2 = now_s();
        nb += rate;
        nm += rate;
        tb += t1 - t0;
        tm += t2 - t1;
    }
    double rb = nb / tb, rm = nm / tm;
    printf("bench_metrology: 8 kHz, 7 channels, harmonics on; full processing %.2f M sets/s "
           "(%.0fx real time), bare MAC loop %.2f M sets/s\n", rm / 1e6, rm / rate, rb / 1e6);
    printf("ratio full/bare: %.3f (target >= 0.40); real-time factor %.0fx (target >= 2000x)\n",
           rm / rb, rm / rate);
    (void)sink;
    free(buf);
    free(m);
    free(s);
    return 0;
}
