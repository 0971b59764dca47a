/* Sums of one block of samples between crossing events (legal part).
 *
 * Exactness: codes lie within +-2^23, so a square or a product u*i is below
 * 2^46 and a sum of at most PP_METROLOGY_BLOCK (128) of them below 2^53:
 * every partial sum is an integer a double holds exactly, whatever the order
 * of the additions. The caller converts them to the int64 totals.
 *
 * Speed: two channels per operation with GCC/clang vector types (SSE2 on
 * x86-64; plain scalar code where the target has no vector unit, e.g.
 * Cortex-M), where int64 multiplies would not vectorise. The power sums and
 * the DFT are separate loops so each keeps its accumulators in registers. */
#include <string.h>

#include "metrology_priv.h"

typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Where doubles vectorise (x86-64 SSE2, AArch64) the power sums run two
 * channels per operation in double; elsewhere (Cortex-M4F: no double FPU,
 * but a one-cycle 32x32+64 multiply-accumulate) in plain int64.
 * PP_METROLOGY_INT64_SUMS forces the int64 loops (a unit test builds both). */
#if (defined(__SSE2__) || defined(__aarch64__)) && !defined(PP_METROLOGY_INT64_SUMS)

/* Channels c and c+1 of one sample set as two doubles (one cvtdq2pd). */
static v2d pair(const int32_t *code, unsigned c)
{
    v2d v = {(double)code[c], (double)code[c + 1]};
    return v;
}

void pp_metrology_block_powers(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out)
{
    /* pairs of channels: 01 = U1 U2, 23 = U3 I1, 45 = I2 I3, 56 = I3 In, 34 = I1 I2 */
    v2d s01 = {0}, s23 = {0}, s45 = {0}, s56 = {0};
    v2d q01 = {0}, q23 = {0}, q45 = {0}, q56 = {0};
    v2d p12 = {0}, p3 = {0};
    for (size_t j = 0; j < len; j++) {
        const int32_t *x = b[j].code;
        v2d x01 = pair(x, 0), x23 = pair(x, 2), x45 = pair(x, 4), x56 = pair(x, 5);
        v2d x34 = __builtin_shufflevector(x23, x45, 1, 2); /* one shuffle, no conversion */
        s01 += x01;
        s23 += x23;
        s45 += x45;
        s56 += x56;
        q01 += x01 * x01;
        q23 += x23 * x23;
        q45 += x45 * x45;
        q56 += x56 * x56;
        p12 += x01 * x34; /* U1 I1, U2 I2 */
        p3 += x23 * x56;  /* U3 I3, (I1 In unused) */
    }
    const double s[PP_ADC_CHANNELS] = {s01[0], s01[1], s23[0], s23[1], s45[0], s45[1], s56[1]};
    const double q[PP_ADC_CHANNELS] = {q01[0], q01[1], q23[0], q23[1], q45[0], q45[1], q56[1]};
    memcpy(out->s, s, sizeof s);
    memcpy(out->q, q, sizeof q);
    out->ui[0] = p12[0];
    out->ui[1] = p12[1];
    out->ui[2] = p3[0];
}

void pp_metrology_block_currents(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out)
{
    v2d p = {0};
    double p31 = 0;
    for (size_t j = 0; j < len; j++) {
        const int32_t *x = b[j].code;
        p += pair(x, 3) * pair(x, 4); /* I1 I2, I2 I3 */
        p31 += (double)x[5] * x[3];
    }
    out->ii[0] = p[0];
    out->ii[1] = p[1];
    out->ii[2] = p31;
}

#else

void pp_metrology_block_powers(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out)
{
    int64_t s[PP_ADC_CHANNELS] = {0}, q[PP_ADC_CHANNELS] = {0}, ui[PP_PHASES] = {0};
    for (size_t j = 0; j < len; j++) {
        const int32_t *x = b[j].code;
        for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) {
            s[c] += x[c];
            q[c] += (int64_t)x[c] * x[c];
        }
        for (unsigned k = 0; k < PP_PHASES; k++) {
            ui[k] += (int64_t)x[k] * x[3 + k];
        }
    }
    for (unsigned c = 0; c < PP_ADC_CHANNELS; c++) { /* below 2^53: exact */
        out->s[c] = (double)s[c];
        out->q[c] = (double)q[c];
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        out->ui[k] = (double)ui[k];
    }
}

void pp_metrology_block_currents(const pp_adc_block_t *b, size_t len, pp_block_sums_t *out)
{
    int64_t ii[PP_PHASES] = {0};
    for (size_t j = 0; j < len; j++) {
        const int32_t *x = &b[j].code[3];
        for (unsigned k = 0; k < PP_PHASES; k++) {
            ii[k] += (int64_t)x[k] * x[(k + 1) % PP_PHASES];
        }
    }
    for (unsigned k = 0; k < PP_PHASES; k++) {
        out->ii[k] = (double)ii[k];
    }
}

#endif

/* Channels c..c+3 of one sample set less their offsets, as four floats. */
static v4f quad(const int32_t *code, unsigned c, v4i offset)
{
    v4i v = {code[c], code[c + 1], code[c + 2], code[c + 3]};
    return __builtin_convertvector(v - offset, v4f);
}

void pp_metrology_block_dft(const pp_adc_block_t *b, size_t len, const float *cosw,
                            const float *sinw, const int32_t *offset, float *re, float *im)
{
    const v4i off03 = {offset[0], offset[1], offset[2], offset[3]};
    const v4i off36 = {offset[3], offset[4], offset[5], 0};
    v4f r03, r36, i03, i36;
    memcpy(&r03, &re[0], sizeof r03);
    memcpy(&r36, &re[4], sizeof r36);
    memcpy(&i03, &im[0], sizeof i03);
    memcpy(&i36, &im[4], sizeof i36);
    for (size_t j = 0; j < len; j++) {
        const int32_t *x = b[j].code;
        v4f x03 = quad(x, 0, off03), x36 = quad(x, 3, off36);
        float c = cosw[j], s = sinw[j];
        r03 += x03 * c;
        r36 += x36 * c;
        i03 += x03 * s;
        i36 += x36 * s;
    }
    memcpy(&re[0], &r03, sizeof r03);
    memcpy(&re[4], &r36, sizeof r36);
    memcpy(&im[0], &i03, sizeof i03);
    memcpy(&im[4], &i36, sizeof i36);
}

void pp_metrology_block_interpolate(const int32_t *const y[4], double mu, float lo[4],
                                    float hi[4])
{
    const v4i zero = {0, 0, 0, 0};
    float u = (float)mu, a = u + 1, b = u - 1, c = u - 2; /* no divisions: they are slow */
    float c0 = -u * b * c * (1.0f / 6), c1 = a * b * c * 0.5f;
    float c2 = -a * u * c * 0.5f, c3 = a * u * b * (1.0f / 6);
    v4f l = quad(y[0], 0, zero) * c0 + quad(y[1], 0, zero) * c1 + quad(y[2], 0, zero) * c2 +
            quad(y[3], 0, zero) * c3;
    v4f h = quad(y[0], 3, zero) * c0 + quad(y[1], 3, zero) * c1 + quad(y[2], 3, zero) * c2 +
            quad(y[3], 3, zero) * c3;
    memcpy(lo, &l, sizeof l);
    memcpy(hi, &h, sizeof h);
}
