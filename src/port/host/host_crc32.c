/* CRC-32/ISO-HDLC by carry-less multiplication (PCLMULQDQ), for the port's
 * crc32_update hook. The method is the textbook one for reflected CRCs
 * (fold four 16-byte lanes per 64-byte block, then one lane per 16 bytes,
 * by constants x^k mod P, then Barrett reduction);
 * constants were computed from the polynomial for this code, and
 * tests/unit/test_host_crc32.c checks every length and alignment against
 * the table code.
 *
 * Bit order: a 128-bit lane loaded little-endian holds the message's
 * first bit in bit 0, so bit i is the coefficient of x^(127-i) (a 64-bit
 * half: x^(63-i)). The carry-less product of two such 64-bit halves A, B
 * lands in the lane as x*A*B, hence the x^(k-1) in the constants below.
 * The pending lane X stands for the register X*x^32 mod P. */
#include "host_crc32.h"

#include <stdlib.h>
#include <string.h>

#include "polyphase/crc.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PP_HOST_CRC32_X86 1
#include <immintrin.h>
#else
#define PP_HOST_CRC32_X86 0
#endif

#if PP_HOST_CRC32_X86

#define CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

/* Constants as 64-bit halves (P = 0x104C11DB7):
 *   fold 512:  x^575 mod P, x^511 mod P   (X*x^512 = H*x^576 + L*x^512)
 *   fold 384:  x^447 mod P, x^383 mod P
 *   fold 256:  x^319 mod P, x^255 mod P
 *   fold 128:  x^191 mod P, x^127 mod P   (X*x^128 = H*x^192 + L*x^128)
 *   to 96 bit: x^95 mod P,  x^31          (X*x^32  = H*x^96  + L*x^32)
 *   to 64 bit: x^63 mod P
 *   Barrett:   floor(x^64 / P) * x^31, P * x^31 */
#define K_512_H 0x653D982200000000ull
#define K_512_L 0xCAD38E8F00000000ull
#define K_384_H 0x69CCFC0D00000000ull
#define K_384_L 0x2A28386200000000ull
#define K_256_H 0x9570D49500000000ull
#define K_256_L 0x01B5FD1D00000000ull
#define K_FOLD_H 0x65673B4600000000ull
#define K_FOLD_L 0x9BA54C6F00000000ull
#define K_96_H 0xCCAA009E00000000ull
#define K_96_L 0x0000000100000000ull
#define K_64 0xB8BC676500000000ull
#define K_MU 0x00000001F7011641ull
#define K_POLY 0x00000001DB710641ull

/* pshufb masks: 16 + r selects "drop the first r bytes", r "keep only the
 * first r bytes, at the end"; 0x80 makes a zero byte. */
static const uint8_t shift_masks[48] = {
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
};

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))

static CLMUL_TARGET __m128i fold(__m128i x, __m128i k)
{
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

/* Pending lane x followed by the last r (1..15) bytes of the input, whose
 * final 16 bytes are at last16: the first r bytes of x are folded over the
 * 16 bytes that remain. */
static CLMUL_TARGET __m128i fold_tail(__m128i x, const uint8_t *last16, size_t r, __m128i k)
{
    __m128i keep_head = LOAD(shift_masks + r);
    __m128i drop_head = LOAD(shift_masks + 16 + r);
    __m128i head = _mm_shuffle_epi8(x, keep_head);
    __m128i rest = _mm_blendv_epi8(_mm_shuffle_epi8(x, drop_head), LOAD(last16), drop_head);
    return _mm_xor_si128(fold(head, k), rest);
}

/* The register X*x^32 mod P of the pending lane, reflected. */
static CLMUL_TARGET uint32_t reduce(__m128i x)
{
    __m128i y = fold(x, _mm_set_epi64x((long long)K_96_L, (long long)K_96_H));
    __m128i z = _mm_xor_si128(_mm_clmulepi64_si128(y, _mm_cvtsi64_si128((long long)K_64), 0x00), y);
    /* Barrett: q = floor(Z * mu / x^64) in the low 32 bits, then Z - q*P */
    __m128i q = _mm_clmulepi64_si128(z, _mm_cvtsi64_si128((long long)K_MU), 0x01);
    q = _mm_and_si128(q, _mm_cvtsi32_si128(-1));
    __m128i qp = _mm_clmulepi64_si128(q, _mm_cvtsi64_si128((long long)K_POLY), 0x00);
    return (uint32_t)_mm_extract_epi32(qp, 1) ^ (uint32_t)_mm_extract_epi32(z, 3);
}

CLMUL_TARGET uint32_t pp_host_crc32_clmul(void *ctx, uint32_t crc, const void *data, size_t len)
{
    (void)ctx;
    if (len < 16) {
        return pp_crc32_update(crc, data, len);
    }
    const uint8_t *p = data;
    const __m128i k = _mm_set_epi64x((long long)K_FOLD_L, (long long)K_FOLD_H);
    __m128i x = _mm_xor_si128(LOAD(p), _mm_cvtsi32_si128((int)crc));
    p += 16;
    len -= 16;
    /* nested so that a single log slot (16..31 bytes) pays no test for
     * the 64-byte path */
    if (len >= 16) {
        if (len >= 48) {
            /* four independent lanes: one lane is bound by the clmul
             * latency, four keep the multiplier busy */
            const __m128i k4 = _mm_set_epi64x((long long)K_512_L, (long long)K_512_H);
            __m128i x1 = LOAD(p), x2 = LOAD(p + 16), x3 = LOAD(p + 32);
            p += 48;
            len -= 48;
            for (; len >= 64; len -= 64, p += 64) {
                x = _mm_xor_si128(fold(x, k4), LOAD(p));
                x1 = _mm_xor_si128(fold(x1, k4), LOAD(p + 16));
                x2 = _mm_xor_si128(fold(x2, k4), LOAD(p + 32));
                x3 = _mm_xor_si128(fold(x3, k4), LOAD(p + 48));
            }
            /* lanes 0..2 straight onto lane 3, not one after another */
            x = _mm_xor_si128(
                _mm_xor_si128(fold(x, _mm_set_epi64x((long long)K_384_L, (long long)K_384_H)),
                              fold(x1, _mm_set_epi64x((long long)K_256_L, (long long)K_256_H))),
                _mm_xor_si128(fold(x2, k), x3));
        }
        for (; len >= 16; len -= 16, p += 16) {
            x = _mm_xor_si128(fold(x, k), LOAD(p));
        }
    }
    if (len > 0) {
        x = fold_tail(x, p + len - 16, len, k);
    }
    return reduce(x);
}

int pp_host_crc32_clmul_available(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

#else

uint32_t pp_host_crc32_clmul(void *ctx, uint32_t crc, const void *data, size_t len)
{
    (void)ctx;
    return pp_crc32_update(crc, data, len);
}

int pp_host_crc32_clmul_available(void)
{
    return 0;
}

#endif

pp_host_crc32_fn pp_host_crc32_select(void)
{
    const char *force = getenv("PP_HOST_CRC32");
    if (force != NULL && strcmp(force, "table") == 0) {
        return NULL;
    }
    return pp_host_crc32_clmul_available() ? pp_host_crc32_clmul : NULL;
}
