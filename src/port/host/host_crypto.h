/* Port crypto and entropy on the host: Mbed TLS (AES-128-GCM, AES key wrap, SHA-256) and
 * the kernel's getrandom(). Signatures match pp_port_t entries. */
#ifndef PP_HOST_CRYPTO_H
#define PP_HOST_CRYPTO_H

#include "polyphase/port.h"

pp_err_t pp_host_gcm_encrypt(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                             const uint8_t *aad, size_t aad_len, const uint8_t *src,
                             size_t len, uint8_t *dst, uint8_t *tag, size_t tag_len);
pp_err_t pp_host_gcm_decrypt(void *ctx, const uint8_t key[16], const uint8_t iv[12],
                             const uint8_t *aad, size_t aad_len, const uint8_t *src,
                             size_t len, uint8_t *dst, const uint8_t *tag, size_t tag_len);
/* RFC 3394 over Mbed TLS's AES block cipher (Debian 12's Mbed TLS 2.28 is
 * built without MBEDTLS_NIST_KW_C). */
pp_err_t pp_host_aes_wrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                          uint8_t *dst);
pp_err_t pp_host_aes_unwrap(void *ctx, const uint8_t kek[16], const uint8_t *src, size_t len,
                            uint8_t *dst);
pp_err_t pp_host_sha256(void *ctx, const uint8_t *src, size_t len, uint8_t digest[32]);
/* Real entropy from the kernel (getrandom); never a seeded PRNG. */
pp_err_t pp_host_rng_fill(void *ctx, uint8_t *dst, size_t len);

#endif
