/* The virtual meter's host configuration file (etc/polyphase.conf): meter
 * identity, order codes, presets the codes refer to, ports, keys, run
 * settings. INI style: [section], key = value, '#' comments. The syntax and
 * every key are documented in docs/configuration.md.
 *
 * The parsed struct is self-contained (fixed arrays, no pointers into the
 * text) so it can be copied; it is large (~40 KB): keep it off small stacks. */
#ifndef PP_HOST_HOSTCFG_H
#define PP_HOST_HOSTCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "polyphase/ordercode.h"

#define PP_HOSTCFG_NAME_MAX 24      /* names of seasons, weeks, days (with NUL) */
#define PP_HOSTCFG_SEASONS 8
#define PP_HOSTCFG_WEEKS 8
#define PP_HOSTCFG_DAYS 8
#define PP_HOSTCFG_SWITCHES 8       /* tariff switch times per day profile */
#define PP_HOSTCFG_SPECIAL_DAYS 32
#define PP_HOSTCFG_TARIFF_PRESETS 8
#define PP_HOSTCFG_DISPLAY_PRESETS 8
#define PP_HOSTCFG_OTHER_PRESETS 16 /* disconnect, load, pb2, 1107, calendar */
#define PP_HOSTCFG_OTHER_KEYS 16
#define PP_HOSTCFG_DISPLAY_AUTO 16  /* data sheet: up to 16 automatic readings */
#define PP_HOSTCFG_DISPLAY_MANUAL 30 /* up to 30 manual readings */
#define PP_HOSTCFG_DISPLAY_BATTERY 8 /* up to 8 battery-powered readings */
#define PP_HOSTCFG_MESSAGE_MAX 1400 /* error message buffer that always suffices */

typedef struct pp_hostcfg_obis {
    uint8_t v[6]; /* A B C D E F */
} pp_hostcfg_obis_t;

typedef struct pp_hostcfg_display {
    uint16_t id; /* the NNN of [preset.display.NNN] */
    uint8_t n_auto, n_manual, n_battery;
    pp_hostcfg_obis_t auto_list[PP_HOSTCFG_DISPLAY_AUTO];
    pp_hostcfg_obis_t manual_list[PP_HOSTCFG_DISPLAY_MANUAL];
    pp_hostcfg_obis_t battery_list[PP_HOSTCFG_DISPLAY_BATTERY];
} pp_hostcfg_display_t;

typedef struct pp_hostcfg_switch {
    uint16_t minute; /* minutes after midnight, 0..1439 */
    uint8_t tariff;  /* 1..4 */
} pp_hostcfg_switch_t;

typedef struct pp_hostcfg_day {
    char name[PP_HOSTCFG_NAME_MAX];
    uint8_t n_switches;
    pp_hostcfg_switch_t sw[PP_HOSTCFG_SWITCHES]; /* ascending, first at 00:00 */
} pp_hostcfg_day_t;

typedef struct pp_hostcfg_week {
    char name[PP_HOSTCFG_NAME_MAX];
    uint8_t day[7]; /* day-profile index for Monday..Sunday */
} pp_hostcfg_week_t;

typedef struct pp_hostcfg_season {
    char name[PP_HOSTCFG_NAME_MAX];
    uint8_t month, mday; /* start, every year */
    uint8_t week;        /* week-profile index */
} pp_hostcfg_season_t;

typedef struct pp_hostcfg_special {
    uint16_t year; /* 0 = every year */
    uint8_t month, mday;
    uint8_t day;   /* day-profile index */
} pp_hostcfg_special_t;

/* An activity calendar in the shape of COSEM class 20 + 11: seasons select a
 * week profile, a week names a day profile per weekday, a day profile lists
 * tariff switch times; special days override the week. */
typedef struct pp_hostcfg_tariff {
    uint16_t id;
    char name[48];
    uint8_t n_seasons, n_weeks, n_days, n_special;
    pp_hostcfg_season_t season[PP_HOSTCFG_SEASONS]; /* sorted by start date */
    pp_hostcfg_week_t week[PP_HOSTCFG_WEEKS];
    pp_hostcfg_day_t day[PP_HOSTCFG_DAYS];
    pp_hostcfg_special_t special[PP_HOSTCFG_SPECIAL_DAYS];
} pp_hostcfg_tariff_t;

/* Presets whose syntax belongs to a later module: kept as key/value text. */
typedef struct pp_hostcfg_other {
    pp_ordercode_preset_t kind;
    uint16_t id;
    uint8_t n;
    char key[PP_HOSTCFG_OTHER_KEYS][32];
    char value[PP_HOSTCFG_OTHER_KEYS][96];
} pp_hostcfg_other_t;

typedef struct pp_hostcfg {
    char meter_number[14];  /* 1..13 digits */
    char manufacturer[4];   /* 3 letters, default PPH */
    pp_type_code_t type;
    pp_sw_code_t sw;
    pp_ordercode_features_t features;
    uint16_t wrapper_tcp_port; /* 0 = off */
    uint16_t hdlc_tcp_port;
    uint16_t optical_tcp_port;
    bool pty;
    char lls_password[17];  /* 1..16 printable characters */
    uint8_t guek[16];
    uint8_t gak[16];
    char nvm_image[256];
    char scenario[64];
    double speed;           /* 1 = real time; 0 = as fast as possible ("max") */
    uint8_t n_display, n_tariff, n_other;
    pp_hostcfg_display_t display[PP_HOSTCFG_DISPLAY_PRESETS];
    pp_hostcfg_tariff_t tariff[PP_HOSTCFG_TARIFF_PRESETS];
    pp_hostcfg_other_t other[PP_HOSTCFG_OTHER_PRESETS];
} pp_hostcfg_t;

/* The built-in defaults (identical to what etc/polyphase.conf states, minus
 * its presets): meter 12345678, PPH, the core's default order codes, ports
 * 4059/4060/4061, pty on, LLS 12345678, the GUEK/GAK of docs/configuration.md,
 * nvm polyphase.nvm, scenario household, speed 1. */
void pp_hostcfg_defaults(pp_hostcfg_t *cfg);

/* Parses text (named name in messages) over the defaults. Returns 0, or -1
 * with "name:line: message" in err (always NUL-terminated). */
int pp_hostcfg_parse(pp_hostcfg_t *cfg, const char *name, const char *text, char *err,
                     size_t errlen);
/* Reads and parses a file; "path: cannot read: reason" when unreadable. */
int pp_hostcfg_load(pp_hostcfg_t *cfg, const char *path, char *err, size_t errlen);

/* The preset with this number, or NULL. */
const pp_hostcfg_display_t *pp_hostcfg_display(const pp_hostcfg_t *cfg, uint16_t id);
const pp_hostcfg_tariff_t *pp_hostcfg_tariff(const pp_hostcfg_t *cfg, uint16_t id);
const pp_hostcfg_other_t *pp_hostcfg_other(const pp_hostcfg_t *cfg, pp_ordercode_preset_t kind,
                                           uint16_t id);
/* The tariff (1..4) a calendar gives at local date and minute of day;
 * weekday 0 = Monday. For tests and the tariff module's cross-check. */
int pp_hostcfg_tariff_at(const pp_hostcfg_tariff_t *t, uint16_t year, uint8_t month,
                         uint8_t mday, uint8_t weekday, uint16_t minute);

#endif
