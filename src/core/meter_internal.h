/* Internal interfaces between the meter's own files. */
#ifndef PP_METER_INTERNAL_H
#define PP_METER_INTERNAL_H

#include "polyphase/meter.h"

pp_err_t pp_meter_optical_init(pp_meter_t *m);
pp_err_t pp_meter_logs_init(pp_meter_t *m);
pp_err_t pp_meter_logs_frame(pp_meter_t *m, int64_t utc_ms, bool clock_valid);
pp_err_t pp_meter_logs_power_fail(pp_meter_t *m);
pp_err_t pp_meter_logs_clock_set(pp_meter_t *m, int64_t old_utc_ms, int64_t new_utc_ms);
void pp_meter_conns_poll(pp_meter_t *m, uint64_t now_ms);
pp_meter_conn_t *pp_meter_conn_find(pp_meter_t *m, pp_channel_t ch, unsigned id);
/* One request APDU from a client (wPort or HDLC SAP) to a server address;
 * writes the response into resp (cap 0: answer nothing) and returns its
 * length, 0 for none, or a negative error. */
int pp_meter_dlms_apdu(pp_meter_t *m, pp_meter_conn_t *c, uint16_t client, uint16_t server,
                       const uint8_t *req, size_t len, uint8_t *resp, size_t cap);
/* The connection's association ends (transport closed, DISC, timeout). */
void pp_meter_dlms_release(pp_meter_t *m, pp_meter_conn_t *c);
/* Starts the DLMS server (secrets, counters) once the journal is open. */
pp_err_t pp_meter_dlms_init(pp_meter_t *m);
/* The provider hooks binding the DLMS server to this meter. */
void pp_meter_dlms_provider(pp_meter_t *m, pp_dlms_provider_t *p);
/* Clock settings changed over DLMS: persisted; applied again at start. */
pp_err_t pp_meter_clock_save(pp_meter_t *m);
pp_err_t pp_meter_clock_load(pp_meter_t *m);
/* Communication settings (meter_comm.c): defaults, then the journal's;
 * the provider hooks of classes 23/41; the HDLC link configuration of a
 * new connection (serial: optical line, else HDLC over TCP). */
pp_err_t pp_meter_comm_load(pp_meter_t *m);
void pp_meter_comm_info(void *ctx, pp_dlms_comm_info_t *out);
uint8_t pp_meter_comm_write(void *ctx, const pp_dlms_comm_info_t *ci);
void pp_meter_hdlc_config(const pp_meter_t *m, bool serial, pp_hdlc_link_config_t *cfg);
/* The debiting logger 1.1.98.1.0.255: columns chosen once by the order
 * code, a view for the profile reader, and what a column captures. */
void pp_meter_debiting_log_init(pp_meter_t *m);
void pp_meter_debiting_log_view(pp_meter_t *m, pp_log_view_t *view);
pp_quantity_t pp_meter_debiting_log_column(const pp_meter_t *m, uint8_t column, bool *energy);
/* Tariff tables over DLMS (classes 20 and 11): provider hooks. */
const pp_calendar_t *pp_meter_calendar(void *ctx, bool passive, int64_t *activate_utc_ms);
uint8_t pp_meter_calendar_write(void *ctx, const pp_calendar_t *passive, int64_t activate_utc_ms);
uint8_t pp_meter_calendar_activate(void *ctx);
const pp_special_days_t *pp_meter_special_days(void *ctx);
uint8_t pp_meter_special_days_write(void *ctx, const pp_special_days_t *s);
/* A setting changed over DLMS: the configuration-changed event (v1 = id). */
enum {
    PP_SETTING_POWER_THRESHOLD = 1,
    PP_SETTING_CLOCK = 2,
    PP_SETTING_CALENDAR = 3,
    PP_SETTING_SPECIAL_DAYS = 4,
    PP_SETTING_COMM = 5          /* HDLC or TCP setup (classes 23, 41) */
};
void pp_meter_config_changed(pp_meter_t *m, int64_t setting);
/* The meter number (decimal digits) as an integer. */
uint64_t pp_meter_number_value(const char *digits);

#endif
