/* ACSE APDUs of DLMS/COSEM (IEC 62056-5-3 / Green Book, ISO 8650 subset):
 * AARQ, AARE, RLRQ, RLRE in BER, both directions (the server decodes AARQ
 * and RLRQ and encodes AARE and RLRE; the client side is here for tests,
 * the bench and peer tools).
 *
 * Ownership: every pp_acse_bytes_t a decoder fills points INTO the APDU
 * buffer it was given; keep that buffer unchanged while you use them.
 * A field is present when its ptr is not NULL (len may be 0). Encoders
 * read the same structs and write only present fields.
 *
 * user_info is the content of the user-information octet string: an xDLMS
 * InitiateRequest/InitiateResponse/ConfirmedServiceError, or their glo-/
 * ded-ciphered forms (tags 0x21/0x28/0x2E, 0x41/0x48/0x4E) that the security
 * module deciphers; this layer never looks inside.
 *
 * Decoders require exactly one APDU filling the whole buffer (trailing bytes
 * are PP_ERR_MALFORMED), fields in ascending tag order, each at most once,
 * no unknown fields; a wrong application-context or mechanism OID is NOT an
 * error (it decodes as PP_ACSE_CTX_UNKNOWN / PP_ACSE_MECH_UNKNOWN) so that
 * the server can answer with the right AARE diagnostic.
 *
 * Encoders return the APDU length (> 0) or a negative pp_err_t
 * (PP_ERR_NOSPACE without writing past cap). */
#ifndef POLYPHASE_ACSE_H
#define POLYPHASE_ACSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/dlms_const.h"
#include "polyphase/error.h"

typedef struct pp_acse_bytes {
    const uint8_t *ptr; /* NULL: absent */
    uint32_t len;
} pp_acse_bytes_t;

typedef struct pp_acse_aarq {
    bool version_ok;                      /* protocol-version absent or version1 (decode only) */
    uint8_t context;                      /* PP_ACSE_CTX_* */
    pp_acse_bytes_t calling_ap_title;     /* client system title (content of the octet string) */
    pp_acse_bytes_t calling_ae_qualifier; /* client certificate (content of the octet string) */
    bool has_calling_ae_invocation_id;
    uint32_t calling_ae_invocation_id;
    bool auth_required;                   /* sender-acse-requirements: authentication */
    uint8_t mechanism;                    /* PP_ACSE_MECH_*; NONE when the field is absent */
    pp_acse_bytes_t auth_value;           /* calling-authentication-value: password or CtoS */
    pp_acse_bytes_t user_info;            /* xDLMS InitiateRequest, maybe ciphered */
} pp_acse_aarq_t;

typedef struct pp_acse_aare {
    uint8_t context;                        /* PP_ACSE_CTX_* */
    uint8_t result;                         /* PP_ACSE_ACCEPTED / REJECTED_* */
    uint8_t diag_source;                    /* PP_ACSE_DIAG_USER / PP_ACSE_DIAG_PROVIDER */
    uint8_t diag;                           /* pp_acse_user_diag / pp_acse_provider_diag */
    pp_acse_bytes_t responding_ap_title;    /* server system title */
    pp_acse_bytes_t responding_ae_qualifier;/* server certificate */
    bool auth_required;                     /* responder-acse-requirements: authentication */
    uint8_t mechanism;                      /* PP_ACSE_MECH_*; NONE: field absent */
    pp_acse_bytes_t auth_value;             /* responding-authentication-value: StoC */
    pp_acse_bytes_t user_info;              /* InitiateResponse / ConfirmedServiceError, maybe ciphered */
} pp_acse_aare_t;

/* RLRQ and RLRE share a shape. */
typedef struct pp_acse_release {
    bool has_reason;
    uint8_t reason;             /* pp_acse_release_req_reason / _resp_reason */
    pp_acse_bytes_t user_info;  /* usually a (ciphered) InitiateRequest/Response */
} pp_acse_release_t;

pp_err_t pp_acse_aarq_decode(const uint8_t *apdu, size_t len, pp_acse_aarq_t *out);
int pp_acse_aarq_encode(const pp_acse_aarq_t *in, uint8_t *out, size_t cap);
pp_err_t pp_acse_aare_decode(const uint8_t *apdu, size_t len, pp_acse_aare_t *out);
int pp_acse_aare_encode(const pp_acse_aare_t *in, uint8_t *out, size_t cap);
pp_err_t pp_acse_rlrq_decode(const uint8_t *apdu, size_t len, pp_acse_release_t *out);
int pp_acse_rlrq_encode(const pp_acse_release_t *in, uint8_t *out, size_t cap);
pp_err_t pp_acse_rlre_decode(const uint8_t *apdu, size_t len, pp_acse_release_t *out);
int pp_acse_rlre_encode(const pp_acse_release_t *in, uint8_t *out, size_t cap);

#endif
