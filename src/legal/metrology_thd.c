/* THD of U and I (IEC 61000-4-7 harmonic groups 2..40) from one 10-cycle
 * window resampled to PP_METROLOGY_THD_N points, so bin 10h is harmonic h.
 * One complex FFT per phase carries u (real part) and i (imaginary part).
 * The window is filled in bit-reversed order, so the radix-2 transform needs
 * no reordering pass; real and imaginary parts are separate arrays so four
 * butterflies run per vector operation (GCC/clang vector types, scalar code
 * on targets without a vector unit). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "metrology_priv.h"

#define N PP_METROLOGY_THD_N
#define LOG2_N 10u
#define PI_D 3.14159265358979323846

typedef float v4f __attribute__((vector_size(16)));

void pp_metrology_thd_init(float *twiddle)
{
    for (unsigned k = 0; k < N / 2; k++) {
        double a = 2.0 * PI_D * (double)k / (double)N;
        twiddle[k] = (float)cos(a);
        twiddle[N / 2 + k] = (float)-sin(a);
    }
}

unsigned pp_metrology_thd_slot(unsigned k)
{
    /* reverse all 32 bits by swapping halves of ever larger groups, keep the top 10 */
    uint32_t r = k;
    r = ((r >> 1) & 0x55555555u) | ((r & 0x55555555u) << 1);
    r = ((r >> 2) & 0x33333333u) | ((r & 0x33333333u) << 2);
    r = ((r >> 4) & 0x0F0F0F0Fu) | ((r & 0x0F0F0F0Fu) << 4);
    r = ((r >> 8) & 0x00FF00FFu) | ((r & 0x00FF00FFu) << 8);
    r = (r >> 16) | (r << 16);
    return (unsigned)(r >> (32u - LOG2_N));
}

static v4f load4(const float *p)
{
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void store4(float *p, v4f v)
{
    memcpy(p, &v, sizeof v);
}

/* Stages of length 2 and 4 together: twiddles 1 and -j only. */
static void first_stages(float *re, float *im)
{
    for (unsigned g = 0; g < N; g += 4) {
        float *r = &re[g], *i = &im[g];
        float ar = r[0] + r[1], ai = i[0] + i[1], br = r[0] - r[1], bi = i[0] - i[1];
        float cr = r[2] + r[3], ci = i[2] + i[3], dr = r[2] - r[3], di = i[2] - i[3];
        r[0] = ar + cr;
        i[0] = ai + ci;
        r[2] = ar - cr;
        i[2] = ai - ci;
        r[1] = br + di; /* b + d * (-j) */
        i[1] = bi - dr;
        r[3] = br - di;
        i[3] = bi + dr;
    }
}

/* One radix-2 stage of length len >= 8 of every phase's transform:
 * butterflies k..k+3 of every group share one twiddle vector. */
static void stage(float (*re)[N], float (*im)[N], const float *tw, unsigned len)
{
    unsigned half = len / 2, step = N / len;
    for (unsigned k = 0; k < half; k += 4) {
        v4f wr, wi;
        for (unsigned l = 0; l < 4; l++) {
            wr[l] = tw[(k + l) * step];
            wi[l] = tw[N / 2 + (k + l) * step];
        }
        for (unsigned p = 0; p < PP_PHASES; p++) {
            for (unsigned start = k; start < N; start += len) {
                float *ar = &re[p][start], *ai = &im[p][start], *br = ar + half, *bi = ai + half;
                v4f xr = load4(br), xi = load4(bi), yr = load4(ar), yi = load4(ai);
                v4f tr = xr * wr - xi * wi, ti = xr * wi + xi * wr;
                store4(br, yr - tr);
                store4(bi, yi - ti);
                store4(ar, yr + tr);
                store4(ai, yi + ti);
            }
        }
    }
}

/* Forward transforms, decimation in time, input in bit-reversed order. */
static void fft(float (*re)[N], float (*im)[N], const float *tw)
{
    for (unsigned p = 0; p < PP_PHASES; p++) {
        first_stages(re[p], im[p]);
    }
    for (unsigned len = 8; len <= N; len <<= 1) {
        stage(re, im, tw, len);
    }
}

/* Squared magnitudes of the two real signals packed in one spectrum at bin k:
 * U_k = (Z_k + conj Z_{N-k}) / 2, I_k = (Z_k - conj Z_{N-k}) / 2j. */
static void split_bin(const float *re, const float *im, unsigned k, double *pu, double *pi)
{
    unsigned m = (N - k) % N;
    double zr = re[k], zi = im[k], mr = re[m], mi = im[m];
    double ur = (zr + mr) / 2, ui = (zi - mi) / 2;
    double ir = (zi + mi) / 2, ii = (mr - zr) / 2;
    *pu = ur * ur + ui * ui;
    *pi = ir * ir + ii * ii;
}

/* Group h: bins 10h-4..10h+4 plus half of bins 10h-5 and 10h+5. */
static void group(const float *re, const float *im, unsigned h, double *gu, double *gi)
{
    double su = 0, si = 0, pu, pi;
    for (int d = -5; d <= 5; d++) {
        split_bin(re, im, 10u * h + (unsigned)(int)d, &pu, &pi);
        double w = (d == -5 || d == 5) ? 0.5 : 1.0;
        su += w * pu;
        si += w * pi;
    }
    *gu = su;
    *gi = si;
}

void pp_metrology_thd_compute(float (*re)[N], float (*im)[N], const float *twiddle,
                              float *thd_u, float *thd_i)
{
    fft(re, im, twiddle);
    for (unsigned p = 0; p < PP_PHASES; p++) {
        double g1u, g1i, hu = 0, hi = 0, gu, gi;
        group(re[p], im[p], 1, &g1u, &g1i);
        for (unsigned h = 2; h <= 40; h++) {
            group(re[p], im[p], h, &gu, &gi);
            hu += gu;
            hi += gi;
        }
        thd_u[p] = g1u > 0 ? (float)(100.0 * sqrt(hu / g1u)) : 0.0f;
        thd_i[p] = g1i > 0 ? (float)(100.0 * sqrt(hi / g1i)) : 0.0f;
    }
}
