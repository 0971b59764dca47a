/* Offline simulation plumbing (host): a frame source runs into frame sinks.
 * Sources: synthesized waveforms through metrology, a WAV file through
 * metrology, or the power-step source. Sinks: the run report here; later the
 * meter application (`--days N --scenario household`) and exporters
 * (`--export DIR`) plug in as further sinks without touching the sources. */
#ifndef PP_HOST_SIMULATE_H
#define PP_HOST_SIMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "polyphase/frame.h"

typedef struct pp_sim_source {
    void *ctx;
    /* Writes the next frame: returns 1, 0 at the end, -1 with err filled. */
    int (*next)(void *ctx, pp_frame_t *f, char *err, size_t errlen);
} pp_sim_source_t;

typedef struct pp_sim_sink {
    void *ctx;
    /* Returns 0 to go on, -1 to stop with err filled. */
    int (*consume)(void *ctx, const pp_frame_t *f, char *err, size_t errlen);
} pp_sim_sink_t;

/* Runs up to max_frames frames (0: until the source ends) into every sink;
 * returns the number of frames, or -1 with err filled. */
long pp_sim_run(const pp_sim_source_t *src, const pp_sim_sink_t *sinks, size_t nsinks,
                uint64_t max_frames, char *err, size_t errlen);

/* The run report: sums and averages over the frames consumed. */
typedef struct pp_sim_report {
    uint64_t frames;
    uint64_t e[PP_PHASES + 1][6];   /* µ-units per register: A+ A- R+ R- E+ E-; [3] total */
    double u[PP_PHASES], i[PP_PHASES], p[PP_PHASES], q[PP_PHASES], s[PP_PHASES];
    double thd_u[PP_PHASES], thd_i[PP_PHASES];
    double f_fast_sum, in_sum;
    float f_last10;
    pp_phase_sequence_t sequence;
} pp_sim_report_t;

int pp_sim_report_consume(void *ctx, const pp_frame_t *f, char *err, size_t errlen);
void pp_sim_report_json(const pp_sim_report_t *r, FILE *out);
void pp_sim_report_text(const pp_sim_report_t *r, FILE *out);

/* Writes the accuracy report (markdown) over the IEC 62053-21 / EN 50470-3
 * matrix; returns the worst absolute active-energy error in percent. */
double pp_accuracy_report(FILE *out);

#endif
