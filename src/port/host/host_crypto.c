#include "host_crypto.h"

#include <errno.h>
#include <mbedtls/gcm.h>
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
