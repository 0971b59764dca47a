/* IEC 62056-21 (ex IEC 61107) direct local data exchange: the optical port.
 *
 * Two layers:
 *  - codec (iec21_codec.c): pure encoders/decoders of the 62056-21 messages
 *    and an incremental parser (feed bytes, get one message at a time);
 *  - session (iec21_session.c): the tariff-device side state machine for
 *    modes A, C, D and the mode E hand-over to HDLC, data readout of the
 *    lists UD1/UD2 and programming mode (P0/P1, R1/R5, W1/W5, B0).
 *
 * Values come from the meter through a small provider interface (the object
 * directory binds it); the session never touches the registers itself.
 * Nothing here allocates; every context is caller-owned. See
 * docs/optical-port.md for the user view. */
#ifndef POLYPHASE_IEC62056_21_H
#define POLYPHASE_IEC62056_21_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/error.h"
#include "polyphase/port.h"

/* ---------------------------------------------------------------- wire */

#define PP_IEC21_SOH 0x01u
#define PP_IEC21_STX 0x02u
#define PP_IEC21_ETX 0x03u
#define PP_IEC21_EOT 0x04u
#define PP_IEC21_ACK 0x06u
#define PP_IEC21_NAK 0x15u
#define PP_IEC21_CR 0x0Du
#define PP_IEC21_LF 0x0Au

#define PP_IEC21_ADDR_MAX 32   /* device address in the request message */
#define PP_IEC21_IDENT_MAX 16  /* identification after /XXXZ */
#define PP_IEC21_RX_MAX 256    /* data bytes of one received command or block */
#define PP_IEC21_VALUE_MAX 64  /* value text of one data set */
#define PP_IEC21_UNIT_MAX 16   /* unit text of one data set */
#define PP_IEC21_ERRTEXT_MAX 32 /* text of an error message */

/* Timing of the standard, in milliseconds of real time. */
#define PP_IEC21_T_REACT_MIN 200u      /* tr min; 20 ms when the flag says so */
#define PP_IEC21_T_REACT_MIN_FAST 20u
#define PP_IEC21_T_REACT_MAX 1500u     /* tr max, also the option-select wait */
#define PP_IEC21_T_CHAR_MAX 1500u      /* ta: inter-character time */
#define PP_IEC21_T_PROG_IDLE 120000u   /* programming mode without a command */

typedef enum pp_iec21_kind {
    PP_IEC21_MSG_REQUEST = 1, /* / ? address ! CR LF */
    PP_IEC21_MSG_IDENT,       /* / XXX Z [\W] ident CR LF */
    PP_IEC21_MSG_OPTION,      /* ACK V Z Y CR LF */
    PP_IEC21_MSG_COMMAND,     /* SOH C D [STX data] ETX|EOT BCC */
    PP_IEC21_MSG_BLOCK,       /* STX data ETX|EOT BCC */
    PP_IEC21_MSG_ACK,         /* lone ACK */
    PP_IEC21_MSG_NAK,         /* lone NAK */
    PP_IEC21_MSG_BAD          /* framed but wrong: see err */
} pp_iec21_kind_t;

/* One received message. Pointers point into the parser and stay valid until
 * the next call of pp_iec21_parser_feed() on it. */
typedef struct pp_iec21_msg {
    pp_iec21_kind_t kind;
    int err;              /* BAD: PP_ERR_CRC, PP_ERR_MALFORMED or PP_ERR_NOSPACE */
    char cmd;             /* COMMAND: 'P', 'W', 'R', 'E', 'B' */
    char cmd_type;        /* COMMAND: '0'..'9' */
    bool has_data;        /* COMMAND: an STX part was present */
    bool partial;         /* COMMAND/BLOCK ended with EOT (partial block) */
    char proto;           /* OPTION: V, '0' normal, '1' secondary, '2' HDLC */
    char baud;            /* OPTION: Z; IDENT: baud character */
    char mode;            /* OPTION: Y, '0' readout, '1' programming, '2' binary */
    char manufacturer[4]; /* IDENT: XXX, NUL-terminated */
    char enhanced;        /* IDENT: W of an "\W" sequence, 0 if none */
    const char *text;     /* REQUEST: address; IDENT: identification */
    size_t text_len;
    const uint8_t *data;  /* COMMAND/BLOCK: bytes between STX and ETX/EOT */
    size_t data_len;
} pp_iec21_msg_t;

typedef struct pp_iec21_parser {
    uint8_t state;
    bool expect_option;   /* ACK starts an option select, not a lone ACK */
    bool overflow;
    bool has_stx;
    bool partial;
    char cmd, cmd_type;
    uint8_t bcc;
    uint32_t char_timeout_ms;
    uint64_t last_ms;
    size_t len;
    uint8_t buf[PP_IEC21_RX_MAX + 8];
} pp_iec21_parser_t;

/* char_timeout_ms: a gap longer than this inside a message discards it
 * (0 disables the check). */
void pp_iec21_parser_init(pp_iec21_parser_t *p, uint32_t char_timeout_ms);
/* Drops any partial message. */
void pp_iec21_parser_reset(pp_iec21_parser_t *p);
/* The tariff device expects an option select after its identification. */
void pp_iec21_parser_expect_option(pp_iec21_parser_t *p, bool on);
/* Consumes bytes from src until one message is complete. Returns the number
 * of bytes consumed (call again with the rest) and sets *got when msg was
 * filled. Bytes outside any message (e.g. wake-up NULs) are skipped. */
size_t pp_iec21_parser_feed(pp_iec21_parser_t *p, const uint8_t *src, size_t len,
                            uint64_t now_ms, pp_iec21_msg_t *msg, bool *got);

/* XOR of n bytes onto bcc (ISO 1155 block check). */
uint8_t pp_iec21_bcc(uint8_t bcc, const uint8_t *src, size_t n);

/* Baud rate character of modes C and E: '0'..'6' <-> 300..19200 baud.
 * Returns 0 / '\0' for anything else. */
uint32_t pp_iec21_baud_of(char z);
char pp_iec21_baud_char(uint32_t baud);

/* Encoders: write into dst (cap bytes), return the length or PP_ERR_NOSPACE
 * (nothing useful written) or PP_ERR_RANGE (a text has a forbidden char). */
int pp_iec21_encode_request(uint8_t *dst, size_t cap, const char *address);
/* manufacturer: 3 letters; enhanced: W of "\W" or 0 for none. */
int pp_iec21_encode_ident(uint8_t *dst, size_t cap, const char *manufacturer,
                          char baud, char enhanced, const char *ident);
int pp_iec21_encode_option(uint8_t *dst, size_t cap, char proto, char baud, char mode);
/* SOH C D STX data ETX BCC; data NULL => SOH C D ETX BCC (e.g. B0). */
int pp_iec21_encode_command(uint8_t *dst, size_t cap, char cmd, char cmd_type,
                            const uint8_t *data, size_t len, bool partial);
/* STX data ETX|EOT BCC */
int pp_iec21_encode_block(uint8_t *dst, size_t cap, const uint8_t *data, size_t len,
                          bool partial);
/* STX ( text ) ETX BCC */
int pp_iec21_encode_error(uint8_t *dst, size_t cap, const char *text);

/* OBIS addresses of data sets. Formats "A-B:C.D.E*F" (F omitted when 255).
 * Parses the full form and the reduced "C.D.E[*F]" / "C.D" forms; letters
 * C, F, L, P in group C stand for 96..99. *reduced tells that A-B: was
 * absent (A=1, B=0 assumed). */
int pp_iec21_format_obis(char *dst, size_t cap, const uint8_t obis[6]);
pp_err_t pp_iec21_parse_obis(const char *src, size_t len, uint8_t obis[6], bool *reduced);

/* A data set "address(value*unit)" as received in R/W/P commands. The text
 * pointers point into the parsed input. */
typedef struct pp_iec21_dataset {
    const char *address;
    size_t address_len; /* 0: no address, e.g. "(password)" */
    const char *value;
    size_t value_len;
    const char *unit;
    size_t unit_len;    /* 0: no unit */
} pp_iec21_dataset_t;

/* Exactly one data set, optionally followed by CR LF. */
pp_err_t pp_iec21_parse_dataset(const uint8_t *src, size_t len, pp_iec21_dataset_t *ds);
/* "address(value*unit)" or "address(value)" when unit is empty; value2, if
 * not NULL and not empty, adds "(value2)" (e.g. the time of a peak). No CR LF. */
int pp_iec21_format_dataset(char *dst, size_t cap, const uint8_t obis[6],
                            const char *value, const char *unit, const char *value2);

/* ---------------------------------------------------------------- session */

/* A value to show: text as it goes on the wire. */
typedef struct pp_iec21_value {
    char text[PP_IEC21_VALUE_MAX + 1];
    char unit[PP_IEC21_UNIT_MAX + 1];   /* "" = none */
    char text2[PP_IEC21_VALUE_MAX + 1]; /* optional second value, "" = none */
} pp_iec21_value_t;

typedef enum pp_iec21_write_result {
    PP_IEC21_WRITE_OK = 0,
    PP_IEC21_WRITE_LEGAL,     /* legal data: never writable from outside */
    PP_IEC21_WRITE_RIGHTS,    /* this access level may not write it */
    PP_IEC21_WRITE_INVALID,   /* value not acceptable */
    PP_IEC21_WRITE_UNKNOWN    /* no such object */
} pp_iec21_write_result_t;

/* Access levels passed to the provider. */
enum { PP_IEC21_ACCESS_PUBLIC = 0, PP_IEC21_ACCESS_P1 = 1 };

/* The meter side, bound by the application to its object directory. All
 * entries are mandatory; ctx is passed back unchanged. */
typedef struct pp_iec21_provider {
    void *ctx;
    /* Fills out; returns PP_OK, PP_ERR_NOT_FOUND or PP_ERR_DENIED. */
    pp_err_t (*read_value)(void *ctx, unsigned access, const uint8_t obis[6],
                           pp_iec21_value_t *out, uint64_t now_ms);
    /* value is not NUL-terminated. */
    pp_iec21_write_result_t (*write_value)(void *ctx, unsigned access, const uint8_t obis[6],
                                           const char *value, size_t len, uint64_t now_ms);
    /* OBIS code of item index of readout list 1 (UD1) or 2 (UD2);
     * PP_ERR_NOT_FOUND past the end. */
    pp_err_t (*readout_item)(void *ctx, unsigned list, size_t index, uint8_t obis[6]);
} pp_iec21_provider_t;

/* Default readout lists (data sheet: identity, clock, energy registers,
 * tariffs, peak power with time, counters; UD2 adds instantaneous values).
 * A provider may serve them from here. */
pp_err_t pp_iec21_default_item(unsigned list, size_t index, uint8_t obis[6]);

/* Z18 "1107 configuration". */
typedef enum pp_iec21_z18 {
    PP_IEC21_DISABLED = 0,
    PP_IEC21_AC_UD1 = 1,
    PP_IEC21_AC_UD2 = 2
} pp_iec21_z18_t;

typedef struct pp_iec21_config {
    pp_iec21_z18_t z18;
    char manufacturer[4];     /* "KAM"; 3rd letter lowercase => tr min 20 ms */
    char ident[PP_IEC21_IDENT_MAX + 1];
    char address[PP_IEC21_ADDR_MAX + 1]; /* "" answers only the general /?! */
    uint32_t max_baud;        /* highest mode C/E rate offered, 300..19200 */
    bool mode_e;              /* advertise "\2" and hand over to HDLC */
    bool mode_a_fallback;     /* no option select in time => readout at 300 */
    uint32_t mode_d_interval_s; /* mode D push period; 0 = off */
    char password[PP_IEC21_VALUE_MAX + 1]; /* P1 */
    char p0_operand[PP_IEC21_IDENT_MAX + 1];
    uint8_t password_tries;   /* wrong P1 in a row before the meter breaks */
    uint32_t time_scale;      /* 1 = real time; N divides every protocol time */
    uint32_t prog_idle_ms;    /* programming mode inactivity (real time) */
} pp_iec21_config_t;

/* Kamstrup-like defaults: Z18 = mode A and C with UD1, 9600 baud, mode E on,
 * mode D off, password "00000000", 3 tries, real time. */
void pp_iec21_config_default(pp_iec21_config_t *cfg);
/* PP_ERR_RANGE names nothing; see docs for the allowed values. */
pp_err_t pp_iec21_config_check(const pp_iec21_config_t *cfg);

typedef enum pp_iec21_state {
    PP_IEC21_ST_IDLE = 0,
    PP_IEC21_ST_IDENT,        /* identification due */
    PP_IEC21_ST_OPTION,       /* waiting for the option select (mode C) */
    PP_IEC21_ST_READOUT,      /* data readout due */
    PP_IEC21_ST_LINGER,       /* readout sent; back to 300 baud after tr max */
    PP_IEC21_ST_PROG,         /* programming mode */
    PP_IEC21_ST_HDLC_ACK,     /* mode E acknowledgement due */
    PP_IEC21_ST_HDLC          /* handed over: bytes belong to the HDLC link */
} pp_iec21_state_t;

/* Called once when the session hands the connection to HDLC (mode E). */
typedef void (*pp_iec21_hdlc_fn)(void *ctx, unsigned conn, uint32_t baud);

typedef struct pp_iec21_stats {
    uint32_t sign_ons, readouts, prog_sessions, hdlc_handovers, mode_d_pushes;
    uint32_t bcc_errors, malformed, bad_passwords, writes_ok, writes_refused;
} pp_iec21_stats_t;

typedef struct pp_iec21_session {
    pp_iec21_config_t cfg;
    const pp_port_t *port;
    const pp_iec21_provider_t *prov;
    pp_iec21_hdlc_fn on_hdlc;
    void *hdlc_ctx;
    unsigned conn;
    pp_iec21_state_t state;
    uint8_t pending;          /* what to send when due_ms comes */
    uint8_t tries_left;
    uint8_t repeats;
    unsigned access;
    uint32_t baud;            /* current line rate */
    uint32_t next_baud;
    uint64_t due_ms;          /* pending answer time, or state deadline */
    uint64_t deadline_ms;     /* UINT64_MAX: none */
    uint64_t next_push_ms;    /* mode D */
    pp_iec21_parser_t parser;
    pp_iec21_stats_t stats;
    size_t last_len;          /* programming mode: last answer, for NAK */
    uint8_t last[PP_IEC21_VALUE_MAX * 2 + PP_IEC21_UNIT_MAX + 64];
} pp_iec21_session_t;

/* cfg is copied; port and prov must outlive the session. conn names the
 * connection on PP_CH_OPTICAL for stream_write / stream_set_baud. */
pp_err_t pp_iec21_session_init(pp_iec21_session_t *s, const pp_iec21_config_t *cfg,
                               const pp_port_t *port, unsigned conn,
                               const pp_iec21_provider_t *prov, uint64_t now_ms);
void pp_iec21_session_on_hdlc(pp_iec21_session_t *s, pp_iec21_hdlc_fn fn, void *ctx);
/* Bytes from the optical head. In state HDLC nothing is consumed: the
 * caller routes the bytes to the HDLC link (PP_ERR_STATE is returned). */
pp_err_t pp_iec21_session_receive(pp_iec21_session_t *s, const uint8_t *src, size_t len,
                                  uint64_t now_ms);
/* Timers: due answers, timeouts and mode D pushes. Call at least when
 * pp_iec21_session_next_ms() says so. */
pp_err_t pp_iec21_session_poll(pp_iec21_session_t *s, uint64_t now_ms);
/* When poll next has work; UINT64_MAX when nothing is pending. */
uint64_t pp_iec21_session_next_ms(const pp_iec21_session_t *s);
pp_iec21_state_t pp_iec21_session_state(const pp_iec21_session_t *s);
/* The HDLC link of a mode E hand-over ended: back to 300 baud, idle. */
void pp_iec21_session_hdlc_ended(pp_iec21_session_t *s, uint64_t now_ms);

#endif
