/* The DLMS/COSEM server (LN referencing), independent of the meter struct:
 * many connections at once, each a session with its own association,
 * security and block-transfer state, in one caller-owned server struct
 * sized at compile time. Input is one complete APDU from the TCP wrapper
 * or the HDLC link with the client SAP; output is the response APDU in a
 * caller buffer. Nothing blocks and nothing waits for a client, so a slow
 * or silent client never delays the others.
 *
 * The server reads meter data ONLY through pp_dlms_provider_t, which the
 * meter implements once (tests use a fake). Associations (OBJECT-MODEL.md):
 *   client SAP 16 public     no authentication
 *   client SAP 17 reader     low (LLS password)
 *   client SAP 1  management HLS-GMAC (mechanism 5), suite 0 ciphering
 *   client SAP 2  installer  HLS-GMAC, suite 0 ciphering
 * See docs/dlms.md. */
#ifndef POLYPHASE_DLMS_SERVER_H
#define POLYPHASE_DLMS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/clock.h"
#include "polyphase/error.h"
#include "polyphase/journal.h"
#include "polyphase/logstore.h"
#include "polyphase/objects.h"
#include "polyphase/port.h"
#include "polyphase/row_layout.h"
#include "polyphase/tariff.h"
#include "polyphase/value.h"
#include "polyphase/xdlms.h"

#ifndef PP_DLMS_SERVER_SESSIONS
#define PP_DLMS_SERVER_SESSIONS 72u /* connections served at once: 64 TCP + HDLC lines + optical */
#endif
#ifndef PP_DLMS_SERVER_PDU
#define PP_DLMS_SERVER_PDU 1024u    /* buffers: the largest max_pdu a server can be given */
#endif
#define PP_DLMS_SERVER_NAMED 8u     /* objects remembered by name (a power of 2) */
#define PP_DLMS_SEL_CAP 128u        /* selective-access parameters kept for GET-next */
#define PP_DLMS_SET_CAP 512u        /* a value written with SET datablocks */
#define PP_DLMS_ACTION_LIST_MAX 16u /* methods in one ACTION-with-list */
#define PP_DLMS_CONT_CAP 48u        /* an interface class's state between GET blocks */
#define PP_DLMS_LLS_MAX 16u         /* LLS password octets */
#define PP_DLMS_CHALLENGE_MAX 64u   /* HLS challenges: 8..64 octets */
#define PP_DLMS_TAG_LEN 12u         /* suite 0 authentication tag */

/* Security events reported through on_security_event. */
typedef enum pp_dlms_sec_event {
    PP_DLMS_SEC_AUTH_FAILURE = 1,   /* wrong password or HLS reply (f(StoC)) */
    PP_DLMS_SEC_LOCKOUT = 2,        /* association refused: too many failures */
    PP_DLMS_SEC_DECIPHER_FAILURE = 3, /* a ciphered APDU failed its tag check */
    PP_DLMS_SEC_REPLAY = 4,         /* invocation counter not increasing */
    PP_DLMS_SEC_SECRET_CHANGED = 5, /* password or key changed by a client */
    PP_DLMS_SEC_DEFAULT_KEYS = 6    /* out-of-the-box keys/password in use */
} pp_dlms_sec_event_t;

/* Repeated failures slow the attacker down (per association, all
 * connections together): after PP_DLMS_LOCK_AFTER failures in a row the
 * association is refused for PP_DLMS_LOCK_BASE_MS, doubling with every
 * further failure up to PP_DLMS_LOCK_MAX_MS. While locked, AARQs are refused
 * (rejected-transient, authentication-failure) without looking at the
 * password. A success clears the count. */
#define PP_DLMS_LOCK_AFTER 3u
#define PP_DLMS_LOCK_BASE_MS 10000u
#define PP_DLMS_LOCK_MAX_MS 900000u

/* A profile (class 7) as the provider exposes it: a logger view and its
 * capture objects, column for column. */
typedef struct pp_dlms_profile {
    pp_log_view_t view;
    uint8_t ncols;                      /* == view.ncolumns */
    pp_xdlms_capture_obj_t col[PP_LOG_MAX_COLUMNS];
    int8_t divide_pow10[PP_LOG_MAX_COLUMNS]; /* cell / 10^n before encoding (units) */
    int64_t stamp_offset_ms;            /* PP_LOG_TIME cells = UTC + this (standard time) */
    uint32_t capture_period_s;          /* attribute 4 (0: asynchronous) */
} pp_dlms_profile_t;

/* Communication settings shown by classes 23 (HDLC setup) and 41 (TCP-UDP
 * setup). Management may write the HDLC link parameters (attributes 3..9)
 * and the TCP inactivity time-out (class 41 attribute 6); the server checks
 * type and the Blue Book range before comm_write. */
typedef struct pp_dlms_comm_info {
    uint8_t hdlc_baud;          /* class 23 comm_speed enum: 0 = 300 .. 5 = 9600, 6 = 19200 */
    uint8_t hdlc_window_tx, hdlc_window_rx;
    uint16_t hdlc_max_info_tx, hdlc_max_info_rx;
    uint16_t hdlc_inter_octet_ms;
    uint16_t hdlc_inactivity_s;
    uint16_t hdlc_device_address;
    uint16_t tcp_port;          /* 4059 */
    uint16_t tcp_inactivity_s;
    uint16_t tcp_max_clients;
} pp_dlms_comm_info_t;

/* What the server needs from the meter. Every hook may be NULL: the
 * server then answers as for a meter without that data. */
typedef struct pp_dlms_provider {
    void *ctx;
    /* Order-code features (PP_FEAT_*): objects needing more are absent. */
    uint32_t (*features)(void *ctx);
    /* The resolved scaler of PP_SCALER_ENERGY objects. */
    int8_t (*energy_scaler)(void *ctx);
    /* Attribute attr of the object bound to q (2 = value; class 4: 4 status,
     * 5 capture_time; class 5: 2 current, 3 last average, 5 status,
     * 6 capture_time, 7 start_time_current, 8 period, 9 number_of_periods).
     * Octets/strings go into scratch. PP_ERR_NOT_FOUND: no such attribute. */
    pp_err_t (*get)(void *ctx, pp_quantity_t q, uint8_t attr, pp_value_t *out, uint8_t *scratch,
                    size_t cap);
    /* SET of the same; returns a data-access-result (PP_DAR_*). */
    uint8_t (*set)(void *ctx, pp_quantity_t q, uint8_t attr, const pp_value_t *v);
    /* ACTION method of the object bound to q with its parameters (one A-XDR
     * Data or none); returns an action-result (PP_ACTRES_*). */
    uint8_t (*action)(void *ctx, pp_quantity_t q, uint8_t method, const uint8_t *params,
                      size_t len);
    /* The meter clock (class 8); the server reads the RTC through its port. */
    pp_clock_t *(*clock)(void *ctx);
    /* The clock object was written (attr) or adjusted (method, attr 0):
     * the meter persists its settings and logs the change. */
    void (*clock_changed)(void *ctx, uint8_t attr, uint8_t method,
                          const pp_clock_change_t *change);
    /* The logger behind a class 7 object. */
    pp_err_t (*profile)(void *ctx, pp_quantity_t q, pp_dlms_profile_t *out);
    /* Security events for the event log (code pp_dlms_sec_event_t). */
    void (*on_security_event)(void *ctx, uint16_t code, uint16_t client_sap);
    /* Communication settings for classes 23 and 41. */
    void (*comm_info)(void *ctx, pp_dlms_comm_info_t *out);
    /* The settings with one attribute changed (NULL: all read-only); the
     * meter persists them for the next connection. Returns a
     * data-access-result (other-reason: beyond what the meter can do). */
    uint8_t (*comm_write)(void *ctx, const pp_dlms_comm_info_t *ci);
    /* Class 20 activity calendar: the active or the passive calendar (and
     * the passive one's activation time, INT64_MAX: not specified); NULL
     * when the meter has no tariff table. */
    const pp_calendar_t *(*calendar)(void *ctx, bool passive, int64_t *activate_utc_ms);
    /* A new passive calendar and activation time (attributes 6..10), not
     * yet checked for consistency: that happens at activation. Returns a
     * data-access-result. */
    uint8_t (*calendar_write)(void *ctx, const pp_calendar_t *passive, int64_t activate_utc_ms);
    /* Method 1 activate_passive_calendar; returns an action-result. */
    uint8_t (*calendar_activate)(void *ctx);
    /* Class 11 special days table; NULL when the meter has none. */
    const pp_special_days_t *(*special_days)(void *ctx);
    uint8_t (*special_days_write)(void *ctx, const pp_special_days_t *s);
} pp_dlms_provider_t;

typedef struct pp_dlms_server_config {
    char flag[3];               /* manufacturer flag, e.g. "PPH" */
    uint64_t meter_number;      /* system title = flag + 40-bit big-endian number */
    uint16_t logical_device;    /* server SAP (1) */
    uint8_t challenge_len;      /* HLS StoC length, 8..64 (default 16) */
    /* server-max-receive-pdu-size, and the largest APDU we send (whatever
     * larger size a client proposes: clients size their buffers by it).
     * 64..PP_DLMS_SERVER_PDU; default 1024. */
    uint16_t max_pdu;
} pp_dlms_server_config_t;

/* Block transfer of a GET in progress. */
typedef struct pp_dlms_long_get {
    bool active;
    uint8_t iidp;
    uint32_t block;             /* number of the last block sent */
    uint32_t sent;              /* Data octets sent so far */
    pp_xdlms_attr_t attr;
    bool has_access;
    uint8_t selector;
    uint16_t sel_len;
    uint8_t sel[PP_DLMS_SEL_CAP];
    bool primed;                /* cont holds the first attempt's state */
    bool gbt;                   /* blocks go out as general-block-transfer (window 1) */
    uint16_t gbt_rx;            /* block-number of the client's last GBT acknowledgement */
    uint64_t cont[PP_DLMS_CONT_CAP / 8]; /* the class's own state (aligned for its struct) */
} pp_dlms_long_get_t;

/* SET with datablocks in progress. */
typedef struct pp_dlms_long_set {
    bool active;
    uint32_t block;             /* last block received */
    pp_xdlms_attr_t attr;
    uint16_t len;
    uint8_t data[PP_DLMS_SET_CAP];
} pp_dlms_long_set_t;

/* ACTION with parameters received in blocks, or return parameters sent in
 * blocks. Shares its storage with the long SET (one of them at a time). */
typedef enum pp_dlms_pblock_phase {
    PP_DLMS_PBLOCK_NONE = 0,
    PP_DLMS_PBLOCK_IN = 1,      /* receiving method parameters */
    PP_DLMS_PBLOCK_OUT = 2      /* sending return parameters */
} pp_dlms_pblock_phase_t;

typedef struct pp_dlms_long_action {
    uint8_t phase;              /* pp_dlms_pblock_phase_t */
    uint8_t iidp;               /* of the first request */
    uint8_t nmeth;              /* with-list: methods (descriptors at data[0..head)); 0 single */
    uint32_t block;             /* last block received or sent */
    pp_xdlms_attr_t method;     /* single method */
    uint16_t head;
    uint16_t len;               /* octets held in data */
    uint16_t sent;              /* return octets sent so far */
    uint8_t data[PP_DLMS_SET_CAP];
} pp_dlms_long_action_t;

typedef enum pp_dlms_state {
    PP_DLMS_IDLE = 0,
    PP_DLMS_HLS_PENDING = 1,    /* AARE sent, waiting for reply_to_HLS_authentication */
    PP_DLMS_ASSOCIATED = 2
} pp_dlms_state_t;

/* One connection. */
typedef struct pp_dlms_conn {
    uint8_t state;              /* pp_dlms_state_t */
    uint8_t assoc;              /* pp_assoc_id_t */
    uint16_t client;            /* client SAP of the association */
    uint8_t context;            /* PP_ACSE_CTX_LN or _LN_CIPHERED */
    uint8_t mechanism;
    uint32_t conformance;       /* negotiated */
    uint16_t client_max_pdu;    /* client-max-receive-pdu-size (0: ours) */
    bool ciphered;              /* every APDU must be ciphered (suite 0) */
    bool has_ded_key;
    uint8_t ded_key[16];
    uint8_t client_title[8];
    uint8_t ctos_len, stoc_len;
    uint8_t ctos[PP_DLMS_CHALLENGE_MAX];
    uint8_t stoc[PP_DLMS_CHALLENGE_MAX];
    uint8_t resp_tag;           /* ciphered response form: 0 plain, else the request's tag */
    bool ded_rx_seen;
    uint32_t ded_rx_ic;         /* last counter accepted under the dedicated key */
    pp_dlms_long_get_t get;
    uint8_t long_op;            /* which of set / action is valid: its request tag, or 0 */
    union {
        pp_dlms_long_set_t set;
        pp_dlms_long_action_t action;
    };
} pp_dlms_conn_t;

/* Secrets and counters, shared by all connections. */
typedef struct pp_dlms_security {
    uint8_t ek[16];             /* global unicast encryption key */
    uint8_t ak[16];             /* authentication key */
    uint8_t lls[PP_DLMS_LLS_MAX];
    uint8_t lls_len;
    bool default_keys;          /* out-of-the-box keys still in use */
    bool default_lls;
    uint8_t title[8];           /* server system title */
    uint32_t tx_ic;             /* next invocation counter to send */
    uint32_t tx_reserved;       /* counters below this are reserved in the journal */
    uint32_t rx_ic[PP_ASSOC_COUNT];   /* last accepted from each client */
    uint32_t rx_saved[PP_ASSOC_COUNT];/* value last persisted */
    uint8_t rx_seen;            /* bit per association: a counter was accepted */
    bool ak_pending;            /* change_HLS_secret: new AK after the response */
    uint8_t pending_ak[16];
    uint8_t kek[16];            /* master key: unwraps global_key_transfer keys */
    uint8_t bek[16];            /* global broadcast encryption key (kept; no broadcast sent) */
    bool default_kek;
    uint8_t transfer_mask;      /* global_key_transfer: key ids (bit n = id n) after the response */
    uint8_t transfer_key[4][16];
    uint16_t failures[PP_ASSOC_COUNT];
    uint64_t locked_until[PP_ASSOC_COUNT];
} pp_dlms_security_t;

/* A local standard date profile rows were stamped with, converted and
 * checked once (class_profile.c): a head-end reads the same days again and
 * again. Keyed by the day's start and the zone it was taken in; two, by
 * the day's parity, as a UTC day's range spans two local ones. */
typedef struct pp_dlms_day_memo {
    bool have;
    bool valid;                 /* passes the checks a row's date-time needs */
    int16_t std_offset_min;
    int64_t day_start;          /* 00:00 local standard time, ms since 1970 */
    pp_axdr_datetime_t dt;      /* a stamp of that day (its time is rewritten) */
    uint8_t os[12];             /* dt packed */
} pp_dlms_day_memo_t;

/* The last range a profile was read by: its two date-times as sent and
 * the instants they stand for under the clock settings then in force
 * (class_profile.c); a head-end polls the same range again and again. */
typedef struct pp_dlms_range_memo {
    bool have;
    uint8_t os[2][12];
    pp_clock_t clock;
    int64_t utc_ms[2];
} pp_dlms_range_memo_t;

/* The row plan of the last profile read by stored entries (class_profile.c),
 * keyed by what it is worked out from: the view's const tables and store,
 * the columns asked for and their units. */
typedef struct pp_dlms_plan_memo {
    bool have;
    bool ok;                    /* the columns have a plan (else decoded rows) */
    const pp_logstore_t *store;
    const pp_log_column_t *columns;
    const pp_log_field_t *fields;
    uint8_t ncolumns;
    uint32_t mask;
    int8_t divide_pow10[PP_LOG_MAX_COLUMNS];
    pp_row_layout_t layout;
} pp_dlms_plan_memo_t;

typedef struct pp_dlms_server {
    const pp_port_t *port;
    pp_journal_t *journal;      /* NULL: counters and secrets in RAM only */
    pp_dlms_provider_t prov;
    pp_dlms_server_config_t cfg;
    pp_dlms_security_t sec;
    pp_dlms_conn_t conn[PP_DLMS_SERVER_SESSIONS];
    /* Objects named lately, by a hash of their logical name: a head-end
     * asks for the same few again and again (the table itself is const). */
    const pp_object_t *named[PP_DLMS_SERVER_NAMED];
    pp_dlms_day_memo_t row_day[2];
    pp_dlms_range_memo_t range;
    pp_dlms_plan_memo_t plan;
    /* Working buffers for one request at a time (the server is called from
     * one thread; nothing in them survives a call). */
    uint8_t plain_req[PP_DLMS_SERVER_PDU];
    uint8_t plain_resp[PP_DLMS_SERVER_PDU];
    uint8_t action_body[PP_DLMS_SET_CAP]; /* the results of one ACTION request */
} pp_dlms_server_t;

/* Journal keys (PP_KEY_SECURITY_BASE range). */
enum {
    PP_KEY_DLMS_SECRETS = 0x0920,   /* ek, ak, LLS password, default flags */
    PP_KEY_DLMS_TX_IC = 0x0921,     /* server invocation counter reserved so far */
    PP_KEY_DLMS_RX_IC = 0x0922,     /* client invocation counter floors (all associations) */
    PP_KEY_DLMS_KEK = 0x0923        /* master key, broadcast key, default flag */
};
/* The server's counter is reserved PP_DLMS_IC_STEP ahead: after a power
 * cut it resumes at the reserved value, never reusing one it sent (one
 * journal write per 1024 ciphered responses). The last counter accepted
 * from each HLS client is written before the answer (one small record per
 * ciphered request), so nothing it sent before a cut can be replayed. */
#define PP_DLMS_IC_STEP 1024u

/* Defaults of the issue: LLS password 12345678, EK 000102..0F,
 * AK D0D1..DF, master key (KEK) 000102..0F (the common test keys); a
 * warning is logged while in use. */
void pp_dlms_server_config_default(pp_dlms_server_config_t *cfg);

/* Initialises the server: secrets and counters from the journal (defaults
 * when none stored), all connections idle. journal may be NULL. */
pp_err_t pp_dlms_server_init(pp_dlms_server_t *s, const pp_port_t *port, pp_journal_t *journal,
                             const pp_dlms_provider_t *prov, const pp_dlms_server_config_t *cfg);

/* One request APDU on connection conn (0..PP_DLMS_SERVER_SESSIONS-1) from
 * client SAP client. Writes the response into resp; returns its length, 0
 * when nothing is to be sent, or a negative pp_err_t (bad arguments only:
 * every bad APDU gets a protocol answer). */
int pp_dlms_server_apdu(pp_dlms_server_t *s, unsigned conn, uint16_t client, const uint8_t *req,
                        size_t len, uint8_t *resp, size_t cap);

/* The connection ended (TCP closed, HDLC DISC): the association is gone. */
void pp_dlms_server_close(pp_dlms_server_t *s, unsigned conn);

/* Replace secrets (persisted when a journal is present). */
pp_err_t pp_dlms_server_set_keys(pp_dlms_server_t *s, const uint8_t ek[16], const uint8_t ak[16]);
pp_err_t pp_dlms_server_set_password(pp_dlms_server_t *s, const uint8_t *pw, size_t len);

/* The server's system title (8 octets). */
void pp_dlms_server_title(const pp_dlms_server_t *s, uint8_t out[8]);

/* One-line human summary of an APDU (type, service, object, result) for
 * `polyphase run --trace`; returns the text length (truncated to cap-1,
 * always NUL-terminated when cap > 0). Never fails on garbage. */
int pp_dlms_trace(const uint8_t *apdu, size_t len, char *out, size_t cap);
/* The summary followed by the APDU in hex. */
int pp_dlms_trace_hex(const uint8_t *apdu, size_t len, char *out, size_t cap);

#endif
