/* THD of U and I (IEC 61000-4-7 harmonic groups 2..40) from one 10-cycle
 * window resampled to PP_METROLOGY_THD_N points, so bin 10h is harmonic h.
 * One complex FFT per phase carries u (real part) and i (imaginary part). */
#include <math.h>

#include "metrology_priv.h"

#define N PP_METROLOGY_THD_N
#define PI_D 3.14159265358979323846

void pp_metrology_thd_init(float *twiddle)
{
    for (unsigned k = 0; k < N / 2; k++) {
        double a = 2.0 * PI_D * (double)k / (double)N;
        twiddle[2 * k] = (float)cos(a);
        twiddle[2 * k + 1] = (float)-sin(a);
    }
}

static void bit_reverse(float *buf)
{
    unsigned j = 0;
    for (unsigned i = 0; i < N - 1; i++) {
        if (i < j) {
            float tr = buf[2 * i], ti = buf[2 * i + 1];
            buf[2 * i] = buf[2 * j];
            buf[2 * i + 1] = buf[2 * j + 1];
            buf[2 * j] = tr;
            buf[2 * j + 1] = ti;
        }
        unsigned bit = N >> 1;
        while (j & bit) {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
    }
}

/* Iterative radix-2 decimation in time, forward transform, in place. */
static void fft(float *buf, const float *tw)
{
    bit_reverse(buf);
    for (unsigned len = 2; len <= N; len <<= 1) {
        unsigned half = len >> 1, step = N / len;
        for (unsigned start = 0; start < N; start += len) {
            for (unsigned k = 0; k < half; k++) {
                float wr = tw[2 * k * step], wi = tw[2 * k * step + 1];
                float *a = &buf[2 * (start + k)], *b = &buf[2 * (start + k + half)];
                float xr = b[0] * wr - b[1] * wi, xi = b[0] * wi + b[1] * wr;
                b[0] = a[0] - xr;
                b[1] = a[1] - xi;
                a[0] += xr;
                a[1] += xi;
            }
        }
    }
}

/* Squared magnitudes of the two real signals packed in one spectrum at bin k:
 * U_k = (Z_k + conj Z_{N-k}) / 2, I_k = (Z_k - conj Z_{N-k}) / 2j. */
static void split_bin(const float *z, unsigned k, double *pu, double *pi)
{
    unsigned m = (N - k) % N;
    double zr = z[2 * k], zi = z[2 * k + 1], mr = z[2 * m], mi = z[2 * m + 1];
    double ur = (zr + mr) / 2, ui = (zi - mi) / 2;
    double ir = (zi + mi) / 2, ii = (mr - zr) / 2;
    *pu = ur * ur + ui * ui;
    *pi = ir * ir + ii * ii;
}

/* Group h: bins 10h-4..10h+4 plus half of bins 10h-5 and 10h+5. */
static void group(const float *z, unsigned h, double *gu, double *gi)
{
    double su = 0, si = 0, pu, pi;
    for (int d = -5; d <= 5; d++) {
        split_bin(z, 10u * h + (unsigned)(int)d, &pu, &pi);
        double w = (d == -5 || d == 5) ? 0.5 : 1.0;
        su += w * pu;
        si += w * pi;
    }
    *gu = su;
    *gi = si;
}

void pp_metrology_thd_compute(float *buf, const float *twiddle, float *thd_u, float *thd_i)
{
    fft(buf, twiddle);
    double g1u, g1i, hu = 0, hi = 0, gu, gi;
    group(buf, 1, &g1u, &g1i);
    for (unsigned h = 2; h <= 40; h++) {
        group(buf, h, &gu, &gi);
        hu += gu;
        hi += gi;
    }
    *thd_u = g1u > 0 ? (float)(100.0 * sqrt(hu / g1u)) : 0.0f;
    *thd_i = g1i > 0 ? (float)(100.0 * sqrt(hi / g1i)) : 0.0f;
}
