/* One meter: every module's state in one caller-owned struct. The port
 * drives it from a single thread:
 *
 *   pp_meter_init()      once, after the port is ready (recovers the NVM)
 *   pp_meter_task()      at least every 10 ms: samples -> frames -> application,
 *                        pulse outputs, protocol timers
 *   pp_meter_receive()   bytes from a channel's connection
 *   pp_meter_open() / pp_meter_close()  connection events
 *   pp_meter_push_frame() power-step mode: one frame per simulated second
 *   pp_meter_power_fail() supply monitor warning: commit everything
 *
 * Several meters in one process are several structs (fleet mode). The struct
 * is large (connection buffers); give it static or heap storage, not a stack. */
#ifndef POLYPHASE_METER_H
#define POLYPHASE_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "polyphase/app.h"
#include "polyphase/clock.h"
#include "polyphase/dlms_server.h"
#include "polyphase/events.h"
#include "polyphase/hdlc.h"
#include "polyphase/iec62056_21.h"
#include "polyphase/journal.h"
#include "polyphase/metrology.h"
#include "polyphase/objects.h"
#include "polyphase/ordercode.h"
#include "polyphase/port.h"
#include "polyphase/profile.h"
#include "polyphase/pulse.h"
#include "polyphase/value.h"
#include "polyphase/wrapper.h"

#ifndef PP_METER_MAX_CONNS
#define PP_METER_MAX_CONNS 72 /* 64 TCP wrapper clients + HDLC lines + optical */
#endif
#define PP_METER_MAX_APDU PP_DLMS_SERVER_PDU /* DLMS max PDU: requests and wrapper answers */
#define PP_METER_HDLC_APDU 1024     /* HDLC answers (sent in segments; longer ones in blocks) */
#define PP_METER_HDLC_INFO 1024     /* our HDLC max information field (tx and rx) */
#define PP_METER_ADC_CHUNK 256      /* sample blocks pulled per task call */
#define PP_METER_DEBIT_COLUMNS 24   /* debiting logger columns (clock + registers) */

typedef struct pp_meter_config {
    char meter_number[14];   /* 1..13 digits */
    char manufacturer[4];    /* FLAG id, e.g. "PPH" */
    pp_type_code_t type;
    pp_sw_code_t sw;
    pp_ordercode_features_t features;
    char lls_password[17];
    char optical_password[17]; /* IEC 62056-21 P1 */
    uint8_t guek[16];
    uint8_t gak[16];
    const pp_calendar_t *calendar; /* Z13 from the host configuration; NULL: built-in */
    const pp_special_days_t *special_days; /* with calendar */
    bool waveform;           /* metrology from port adc_read; else frames are pushed */
    bool trace;              /* log every DLMS APDU in hex with a decoded summary */
    pp_metrology_config_t metrology;
} pp_meter_config_t;

/* The built-in defaults: meter 12345678, PPH, the default order codes,
 * password 12345678, the common DLMS test keys, power-step mode. */
pp_err_t pp_meter_config_default(pp_meter_config_t *cfg);

typedef struct pp_meter pp_meter_t;

typedef struct pp_meter_conn {
    bool used;
    pp_channel_t ch;
    unsigned id;             /* the port's connection id */
    pp_meter_t *meter;
    pp_wrapper_framer_t wrapper;
    pp_hdlc_link_t hdlc;
    bool optical_hdlc;       /* optical line switched to HDLC (mode E) */
    uint32_t idle_limit_ms;  /* wrapper: closed after this long without data; 0 never */
    uint64_t last_rx_ms;
    uint8_t rx_apdu[PP_METER_MAX_APDU + 16];
    uint8_t tx_apdu[PP_METER_HDLC_APDU + 16];
    uint8_t hdlc_rx_frame[PP_HDLC_FRAME_BUF_SIZE(PP_METER_HDLC_INFO)];
    uint8_t hdlc_tx_frame[PP_HDLC_FRAME_BUF_SIZE(PP_METER_HDLC_INFO)];
} pp_meter_conn_t;

typedef struct pp_meter_status {
    int64_t utc_ms;          /* time of the last frame */
    bool clock_valid;
    uint64_t frames;
    uint32_t errors;         /* NVM/journal failures counted (never fatal) */
    pp_err_t last_error;
} pp_meter_status_t;

struct pp_meter {
    const pp_port_t *port;
    pp_meter_config_t cfg;
    pp_journal_t journal;
    pp_clock_t clock;
    pp_metrology_t metrology;
    pp_pulse_t pulses;
    pp_app_t app;
    pp_lp_t load_profile;    /* 1.1.99.1.0.255 */
    pp_al_t analysis;        /* 1.1.99.1.1.255 */
    pp_events_t events;
    pp_frame_t frame;        /* the latest measurement frame */
    bool have_frame;
    uint64_t last_task_ms;
    pp_meter_status_t status;
    pp_iec21_config_t optical_cfg;
    pp_iec21_provider_t optical_provider;
    pp_iec21_session_t optical;
    unsigned optical_conn;   /* connection id on PP_CH_OPTICAL, 0: none */
    pp_dlms_server_t dlms;   /* DLMS/COSEM server: conn[i] is session i */
    pp_dlms_comm_info_t comm; /* classes 23/41 settings (meter_comm.c) */
    /* The debiting logger's columns for this order code (meter_debiting_log.c). */
    pp_log_column_t debit_cols[PP_METER_DEBIT_COLUMNS];
    uint8_t debit_def[PP_METER_DEBIT_COLUMNS];
    uint8_t debit_ncols;
    /* The passive activity calendar as DLMS clients write it (meter_dlms_calendar.c). */
    pp_calendar_t cal_stage;
    int64_t cal_stage_at;    /* activation time, INT64_MAX: by the method only */
    bool cal_staged;         /* cal_stage holds what clients see */
    bool cal_in_tariff;      /* ... and the tariff module has it (consistent) */
    /* Wrapper answers, built and written at once (one thread), so a
     * connection keeps no answer buffer of the full PDU size. */
    uint8_t wrapper_tx[PP_WRAPPER_HEADER_LEN + PP_METER_MAX_APDU];
    pp_meter_conn_t conn[PP_METER_MAX_CONNS];
    pp_adc_block_t adc[PP_METER_ADC_CHUNK];
};

pp_err_t pp_meter_init(pp_meter_t *m, const pp_port_t *port, const pp_meter_config_t *cfg);
void pp_meter_task(pp_meter_t *m);
/* Power-step mode: the frame of the second that ends now (RTC time). */
pp_err_t pp_meter_push_frame(pp_meter_t *m, const pp_frame_t *f);
pp_err_t pp_meter_open(pp_meter_t *m, pp_channel_t ch, unsigned conn);
void pp_meter_close(pp_meter_t *m, pp_channel_t ch, unsigned conn);
pp_err_t pp_meter_receive(pp_meter_t *m, pp_channel_t ch, unsigned conn, const uint8_t *data,
                          size_t len);
/* Sets the RTC (DLMS clock, optical programming) and tells the application
 * (demand periods and debiting dates around the change). */
pp_err_t pp_meter_set_time(pp_meter_t *m, int64_t utc_ms);
/* Commits residues and open periods; the meter may lose power after it. */
pp_err_t pp_meter_power_fail(pp_meter_t *m);
pp_err_t pp_meter_power_restore(pp_meter_t *m);

/* The value of an object's value attribute (class 1/3/4: attribute 2).
 * Octet strings and text are written into scratch (cap bytes) and point
 * there. PP_ERR_NOT_FOUND when the object is absent from this meter. */
pp_err_t pp_meter_value(const pp_meter_t *m, const pp_object_t *o, pp_value_t *out,
                        uint8_t *scratch, size_t cap);
/* The scaler the meter uses for an object (resolves PP_SCALER_ENERGY). */
int8_t pp_meter_scaler(const pp_meter_t *m, const pp_object_t *o);
/* Capture time of a class 4 object (peak powers); valid = false if none yet. */
pp_err_t pp_meter_capture_time(const pp_meter_t *m, const pp_object_t *o, pp_value_t *out);
/* True when the object exists in this meter (order-code features). */
bool pp_meter_has_object(const pp_meter_t *m, const pp_object_t *o);
/* Local wall time of a UTC instant in the meter's time zone and DST rule. */
pp_err_t pp_meter_local_time(const pp_meter_t *m, int64_t utc_ms, pp_tariff_time_t *out);

#endif
