#include "host_crypto.h"

#include <errno.h>
#include <mbedtls/aes.h>
#include <mbedtls/gcm.h>
#include <string.h>
#include <mbedtls/sha256.h>
#include <sys/random.h>

pp_err_t pp_host_gcm_encrypt(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                             const uint8_t *aad, size_t aad_len, const uint8_t *src,
                             size_t len, uint8_t *dst, uint8_t *tag, size_t tag_len)
{
    (void)ctx;
    mbedtls_gcm_context gcm;
    mbedtls_gcm_init(&gcm);
    int rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128);
    if (rc == 0) {
        rc = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len, iv, 12, aad, aad_len,
                                       src, dst, tag_len, tag);
    }
    mbedtls_gcm_free(&gcm);
    return rc == 0 ? PP_OK : PP_ERR_PORT;
}

pp_err_t pp_host_gcm_decrypt(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                             const uint8_t *aad, size_t aad_len, const uint8_t *src,
                             size_t len, uint8_t *dst, const uint8_t *tag, size_t tag_len)
{
    (void)ctx;
    mbedtls_gcm_context gcm;
    mbedtls_gcm_init(&gcm);
    int rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 128);
    if (rc == 0) {
        rc = mbedtls_gcm_auth_decrypt(&gcm, len, iv, 12, aad, aad_len, tag, tag_len, src, dst);
    }
    mbedtls_gcm_free(&gcm);
    if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) {
        return PP_ERR_AUTH;
    }
    return rc == 0 ? PP_OK : PP_ERR_PORT;
}

static const uint8_t KW_IV[8] = {0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6};

/* A ^= t (64-bit big-endian step counter of RFC 3394 section 2.2.1). */
static void xor_t(uint8_t a[8], uint64_t t)
{
    for (int k = 7; k >= 0; k--, t >>= 8) {
        a[k] ^= (uint8_t)t;
    }
}

pp_err_t pp_host_aes_wrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                          uint8_t *dst)
{
    (void)ctx;
    if (len < 16 || len % 8 != 0) {
        return PP_ERR_ARG;
    }
    const size_t n = len / 8;
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int rc = mbedtls_aes_setkey_enc(&aes, kek, 128);
    uint8_t b[16];
    memcpy(b, KW_IV, 8); /* b[0..8) is A throughout */
    memmove(dst + 8, src, len);
    for (unsigned j = 0; rc == 0 && j < 6; j++) {
        for (size_t i = 1; rc == 0 && i <= n; i++) {
            memcpy(b + 8, dst + 8 * i, 8);
            rc = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, b, b);
            xor_t(b, (uint64_t)(n * j + i));
            memcpy(dst + 8 * i, b + 8, 8);
        }
    }
    memcpy(dst, b, 8);
    mbedtls_aes_free(&aes);
    return rc == 0 ? PP_OK : PP_ERR_PORT;
}

pp_err_t pp_host_aes_unwrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                            uint8_t *dst)
{
    (void)ctx;
    if (len < 24 || len % 8 != 0) {
        return PP_ERR_ARG;
    }
    const size_t n = len / 8 - 1;
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int rc = mbedtls_aes_setkey_dec(&aes, kek, 128);
    uint8_t b[16];
    memcpy(b, src, 8);
    memmove(dst, src + 8, len - 8);
    for (int j = 5; rc == 0 && j >= 0; j--) {
        for (size_t i = n; rc == 0 && i >= 1; i--) {
            xor_t(b, (uint64_t)(n * (unsigned)j + i));
            memcpy(b + 8, dst + 8 * (i - 1), 8);
            rc = mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, b, b);
            memcpy(dst + 8 * (i - 1), b + 8, 8);
        }
    }
    mbedtls_aes_free(&aes);
    if (rc != 0) {
        return PP_ERR_PORT;
    }
    uint8_t diff = 0; /* constant time: do not tell how much of the IV matched */
    for (int k = 0; k < 8; k++) {
        diff |= (uint8_t)(b[k] ^ KW_IV[k]);
    }
    return diff == 0 ? PP_OK : PP_ERR_AUTH;
}

pp_err_t pp_host_sha256(void *ctx, const uint8_t *src, size_t len, uint8_t digest[32])
{
    (void)ctx;
    return mbedtls_sha256_ret(src, len, digest, 0) == 0 ? PP_OK : PP_ERR_PORT;
}

pp_err_t pp_host_rng_fill(void *ctx, uint8_t *dst, size_t len)
{
    (void)ctx;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(dst + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return PP_ERR_PORT;
        }
        done += (size_t)n;
    }
    return PP_OK;
}
