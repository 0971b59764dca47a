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

/* Radix-2 butterfly: b' = a - b w, a' = a + b w, four at once. */
static void butterfly(v4f *ar, v4f *ai, v4f *br, v4f *bi, v4f wr, v4f wi)
{
    v4f tr = *br * wr - *bi * wi, ti = *br * wi + *bi * wr;
    *br = *ar - tr;
    *bi = *ai - ti;
    *ar += tr;
    *ai += ti;
}

/* Twiddles e^{-j 2 pi (k..k+3) step / N}. */
static void twiddles(const float *tw, unsigned k, unsigned step, v4f *wr, v4f *wi)
{
    for (unsigned l = 0; l < 4; l++) {
        (*wr)[l] = tw[(k + l) * step];
        (*wi)[l] = tw[N / 2 + (k + l) * step];
    }
}

/* The radix-2 stages of lengths len and 2 len (len >= 8) in one pass over
 * every phase's data: each point is loaded and stored once for both. For
 * butterflies k..k+3 of a group of 2 len points at a, b = a + len/2,
 * c = a + len, d = c + len/2: stage len pairs (a, b) and (c, d), stage 2 len
 * pairs (a, c) and (b, d). */
static void stage_pair(float (*re)[N], float (*im)[N], const float *tw, unsigned len)
{
    unsigned h = len / 2;
    for (unsigned k = 0; k < h; k += 4) {
        v4f w1r, w1i, w2r, w2i, w3r, w3i;
        twiddles(tw, k, N / len, &w1r, &w1i);
        twiddles(tw, k, N / (2 * len), &w2r, &w2i);
        twiddles(tw, k + h, N / (2 * len), &w3r, &w3i);
        for (unsigned p = 0; p < PP_PHASES; p++) {
            for (unsigned start = k; start < N; start += 2 * len) {
                float *r = &re[p][start], *i = &im[p][start];
                v4f ar = load4(r), ai = load4(i), br = load4(r + h), bi = load4(i + h);
                v4f cr = load4(r + len), ci = load4(i + len);
                v4f dr = load4(r + len + h), di = load4(i + len + h);
                butterfly(&ar, &ai, &br, &bi, w1r, w1i);
                butterfly(&cr, &ci, &dr, &di, w1r, w1i);
                butterfly(&ar, &ai, &cr, &ci, w2r, w2i);
                butterfly(&br, &bi, &dr, &di, w3r, w3i);
                store4(r, ar);
                store4(i, ai);
                store4(r + h, br);
                store4(i + h, bi);
                store4(r + len, cr);
                store4(i + len, ci);
                store4(r + len + h, dr);
                store4(i + len + h, di);
            }
        }
    }
}

/* Forward transforms, decimation in time, input in bit-reversed order:
 * lengths 2 and 4, then pairs of stages 8 and 16 ... 512 and 1024. */
static void fft(float (*re)[N], float (*im)[N], const float *tw)
{
    for (unsigned p = 0; p < PP_PHASES; p++) {
        first_stages(re[p], im[p]);
    }
    for (unsigned len = 8; len < N; len <<= 2) {
        stage_pair(re, im, tw, len);
    }
}

/* Squared magnitudes of the two real signals packed in one spectrum at bin k:
 * U_k = (Z_k + conj Z_{N-k}) / 2, I_k = (Z_k - conj Z_{N-k}) / 2j. */
static inline void split_bin(const float *re, const float *im, unsigned k, double *pu, double *pi)
{
    unsigned m = (N - k) % N;
    double zr = re[k], zi = im[k], mr = re[m], mi = im[m];
    double ur = (zr + mr) / 2, ui = (zi - mi) / 2;
    double ir = (zi + mi) / 2, ii = (mr - zr) / 2;
    *pu = ur * ur + ui * ui;
    *pi = ir * ir + ii * ii;
}

/* Energies of u and i in bins lo+1..hi-1 plus half of bins lo and hi. */
static void band(const float *re, const float *im, unsigned lo, unsigned hi, double *eu,
                 double *ei)
{
    double su, si, pu, pi;
    split_bin(re, im, lo, &su, &si);
    split_bin(re, im, hi, &pu, &pi);
    su = (su + pu) / 2;
    si = (si + pi) / 2;
    for (unsigned k = lo + 1; k < hi; k++) {
        split_bin(re, im, k, &pu, &pi);
        su += pu;
        si += pi;
    }
    *eu = su;
    *ei = si;
}

void pp_metrology_thd_compute(float (*re)[N], float (*im)[N], const float *twiddle,
                              float *thd_u, float *thd_i)
{
    fft(re, im, twiddle);
    for (unsigned p = 0; p < PP_PHASES; p++) {
        /* group h is bins 10h-4..10h+4 plus half of 10h-5 and 10h+5, so
         * groups 2..40 together are bins 16..404 plus half of 15 and 405 */
        double g1u, g1i, hu, hi;
        band(re[p], im[p], 5, 15, &g1u, &g1i);
        band(re[p], im[p], 15, 405, &hu, &hi);
        thd_u[p] = g1u > 0 ? (float)(100.0 * sqrt(hu / g1u)) : 0.0f;
        thd_i[p] = g1i > 0 ? (float)(100.0 * sqrt(hi / g1i)) : 0.0f;
    }
}
