/* One error model for the whole core (STYLE.md practice 9).
 * Functions return PP_OK (0) or a negative pp_err_t; functions that return a
 * length return it as a non-negative int and errors as negative values.
 * Protocol result codes (DLMS Data-Access-Result, HDLC FRMR reasons, M-Bus
 * status...) are separate enums mapped at each service boundary. */
#ifndef POLYPHASE_ERROR_H
#define POLYPHASE_ERROR_H

typedef enum pp_err {
    PP_OK = 0,
    PP_ERR_ARG = -1,         /* caller passed an invalid argument (our bug) */
    PP_ERR_RANGE = -2,       /* a value from outside is outside its allowed range */
    PP_ERR_NOSPACE = -3,     /* output buffer or table is full */
    PP_ERR_TRUNCATED = -4,   /* input ended before the value did */
    PP_ERR_MALFORMED = -5,   /* input bytes are not of the expected form */
    PP_ERR_CRC = -6,         /* checksum mismatch */
    PP_ERR_NVM = -7,         /* permanent memory device failed */
    PP_ERR_NOT_FOUND = -8,   /* no such object, record or entry */
    PP_ERR_STATE = -9,       /* not allowed in the current state */
    PP_ERR_DENIED = -10,     /* access rights forbid it */
    PP_ERR_UNSUPPORTED = -11,/* valid request the meter does not implement */
    PP_ERR_DEPTH = -12,      /* nesting deeper than the cap */
    PP_ERR_BUSY = -13,       /* try again later */
    PP_ERR_AUTH = -14,       /* authentication or tag check failed */
    PP_ERR_REPLAY = -15,     /* invocation counter not increasing */
    PP_ERR_TIMEOUT = -16,    /* a protocol timer expired */
    PP_ERR_PORT = -17,       /* a port (HAL) function failed */
    PP_ERR_CORRUPT = -18,    /* stored data failed its integrity check */
    PP_ERR_INTERNAL = -19    /* invariant broken: a bug in the core */
} pp_err_t;

/* Short English text for an error code; never NULL. */
const char *pp_strerror(int err);

/* Bad input from outside: return an error (never assert). */
#define PP_VERIFY(cond, err) \
    do { if (!(cond)) { return (err); } } while (0)

/* Propagate a negative result. */
#define PP_TRY(expr) \
    do { int pp_try_rc_ = (expr); if (pp_try_rc_ < 0) { return pp_try_rc_; } } while (0)

#endif
