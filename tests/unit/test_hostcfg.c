/* The host configuration file: the shipped etc/polyphase.conf, every key,
 * tariff calendars evaluated at dates worked out by hand, and every error
 * path with its exact "file:line: message". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hostcfg.h"

#define DEFAULT_CONF PP_VECTOR_DIR "/../../../etc/polyphase.conf"

static pp_hostcfg_t *new_cfg(void)
{
    pp_hostcfg_t *c = malloc(sizeof *c);
    assert_non_null(c);
    return c;
}

static void defaults_are_documented_values(void **state)
{
    (void)state;
    pp_hostcfg_t *c = new_cfg();
    pp_hostcfg_defaults(c);
    assert_string_equal(c->meter_number, "12345678");
    assert_string_equal(c->manufacturer, "PPH");
    assert_string_equal(c->type.digits, "41131BN143111010");
    assert_int_equal(c->wrapper_tcp_port, 4059);
    assert_int_equal(c->hdlc_tcp_port, 4060);
    assert_int_equal(c->optical_tcp_port, 4061);
    assert_true(c->pty);
    assert_string_equal(c->lls_password, "12345678");
    static const uint8_t GUEK[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    static const uint8_t GAK[16] = {0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7,
                                    0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF};
    assert_memory_equal(c->guek, GUEK, 16);
    assert_memory_equal(c->gak, GAK, 16);
    assert_string_equal(c->nvm_image, "polyphase.nvm");
    assert_string_equal(c->scenario, "household");
    assert_true(c->speed == 1.0);
    assert_true(c->features.disconnect_control);
    /* An empty file is the defaults. */
    char err[PP_HOSTCFG_MESSAGE_MAX];
    pp_hostcfg_t *d = new_cfg();
    assert_int_equal(pp_hostcfg_parse(d, "empty", "", err, sizeof err), 0);
    assert_memory_equal(c, d, sizeof *c);
    free(c);
    free(d);
}

static void shipped_file_parses(void **state)
{
    (void)state;
    pp_hostcfg_t *c = new_cfg();
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (pp_hostcfg_load(c, DEFAULT_CONF, err, sizeof err) != 0) {
        fail_msg("%s", err);
    }
    assert_string_equal(c->sw.digits, "3100200101011000001000010000010000000011000");
    assert_int_equal(c->sw.display_preset, 1);
    assert_int_equal(c->sw.tariff_preset, 1);
    assert_int_equal(c->features.tariff_source, PP_OC_TARIFF_TABLE);
    const pp_hostcfg_display_t *d = pp_hostcfg_display(c, 1);
    assert_non_null(d);
    assert_int_equal(d->n_auto, 4);
    assert_int_equal(d->n_manual, 11);
    assert_int_equal(d->n_battery, 3);
    static const uint8_t APLUS[6] = {1, 1, 1, 8, 0, 255};
    static const uint8_t CLOCK[6] = {0, 1, 1, 0, 0, 255};
    assert_memory_equal(d->auto_list[0].v, APLUS, 6);
    assert_memory_equal(d->auto_list[3].v, CLOCK, 6);
    assert_null(pp_hostcfg_display(c, 2));
    const pp_hostcfg_tariff_t *t = pp_hostcfg_tariff(c, 1);
    assert_non_null(t);
    assert_string_equal(t->name, "Two rates, peak on weekdays in winter");
    assert_int_equal(t->n_seasons, 2);
    assert_int_equal(t->n_special, 4);
    /* By hand: 2027-01-04 is a Monday (2027-01-01 is a Friday). Winter began
     * 10-01, its week is peak on Monday: 00-06 T2, 06-17 T1, 17-20 T3,
     * 20-22 T1, 22-24 T2. */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 4, 0, 5 * 60 + 59), 2);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 4, 0, 6 * 60), 1);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 4, 0, 18 * 60), 3);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 4, 0, 20 * 60), 1);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 4, 0, 23 * 60 + 59), 2);
    /* Saturday 2027-01-09 uses flat: 18:00 is T1. */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 1, 9, 5, 18 * 60), 1);
    /* 2027-03-31 (Wednesday) is still winter (wraps from 10-01); 04-01 summer. */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 3, 31, 2, 18 * 60), 3);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2027, 4, 1, 3, 18 * 60), 1);
    /* Christmas Day 2026 is a Friday in winter, but a special (flat) day. */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2026, 12, 25, 4, 18 * 60), 1);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2026, 12, 23, 2, 18 * 60), 3);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2026, 12, 23, 7, 0), -1);
    assert_int_equal(pp_hostcfg_tariff_at(NULL, 2026, 12, 23, 1, 0), -1);
    free(c);
}

static void every_key_is_read(void **state)
{
    (void)state;
    const char *text =
        "# comment\n"
        "[meter]\r\n"
        "number = 0000000000001\n"
        "manufacturer = KAM   # trailing comment\n"
        "type = 68 4-1 1 3 1-B N 1 4-0 1 1-1 090\n"
        "software = 3-2-05-4 002-15-13-3 000-0-13-01 000-123-000-348-004-077-0-010\n"
        "[ports]\n"
        "wrapper_tcp = 14059\n"
        "hdlc_tcp = 0\n"
        "optical_tcp = 65535\n"
        "pty = off\n"
        "[security]\n"
        "lls_password = pass#word\n"
        "guek = 00112233 44556677 8899AABB CCDDEEFF\n"
        "gak = 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\n"
        "[run]\n"
        "nvm_image = /tmp/meter 1.nvm\n"
        "scenario = data/replay.csv\n"
        "speed = max\n"
        "[preset.display.002]\n"
        "auto = 1-1:1.8.0*255, 1.1.2.8.0.255\n"
        "[preset.load.123]\n"
        "relay1 = on 06:00\n"
        "[preset.pb2.004]\n"
        "[preset.1107.077]\n"
        "baud = 9600\n"
        "[preset.calendar.010]\n"
        "holidays = DK\n";
    pp_hostcfg_t *c = new_cfg();
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (pp_hostcfg_parse(c, "all.conf", text, err, sizeof err) != 0) {
        fail_msg("%s", err);
    }
    assert_string_equal(c->meter_number, "0000000000001");
    assert_string_equal(c->manufacturer, "KAM");
    assert_int_equal(c->type.country, 90);
    assert_int_equal(c->sw.load_preset, 123);
    assert_int_equal(c->sw.iec1107_preset, 77);
    assert_int_equal(c->wrapper_tcp_port, 14059);
    assert_int_equal(c->hdlc_tcp_port, 0);
    assert_int_equal(c->optical_tcp_port, 65535);
    assert_false(c->pty);
    assert_string_equal(c->lls_password, "pass#word");
    assert_int_equal(c->guek[15], 0xFF);
    assert_int_equal(c->gak[10], 0xAA);
    assert_string_equal(c->nvm_image, "/tmp/meter 1.nvm");
    assert_string_equal(c->scenario, "data/replay.csv");
    assert_true(c->speed == 0);
    assert_int_equal(pp_hostcfg_display(c, 2)->n_auto, 2);
    const pp_hostcfg_other_t *o = pp_hostcfg_other(c, PP_PRESET_LOAD, 123);
    assert_non_null(o);
    assert_int_equal(o->n, 1);
    assert_string_equal(o->key[0], "relay1");
    assert_string_equal(o->value[0], "on 06:00");
    assert_non_null(pp_hostcfg_other(c, PP_PRESET_PB2, 4));
    assert_null(pp_hostcfg_other(c, PP_PRESET_PB2, 5));
    assert_true(c->features.pulse_input);
    free(c);
}

static void tariff_seasons_sort_and_dated_specials(void **state)
{
    (void)state;
    const char *text =
        "[meter]\n"
        "software = 3-1-00-2 000-01-01-1 000-0-01-00 002-000-001-000-000-001-1-000\n"
        "[preset.tariff.002]\n"
        "special.2028-02-29 = night\n"
        "season.c = 09-01 w\n"
        "season.a = 01-01 w2\n"
        "season.b = 05-01 w\n"
        "week.w = day day day day day day day\n"
        "week.w2 = night night night night night night night\n"
        "day.day = 00:00=1\n"
        "day.night = 00:00=4,12:00=3\n";
    pp_hostcfg_t *c = new_cfg();
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (pp_hostcfg_parse(c, "t.conf", text, err, sizeof err) != 0) {
        fail_msg("%s", err);
    }
    const pp_hostcfg_tariff_t *t = pp_hostcfg_tariff(c, 2);
    assert_string_equal(t->season[0].name, "a");
    assert_string_equal(t->season[1].name, "b");
    assert_string_equal(t->season[2].name, "c");
    assert_int_equal(pp_hostcfg_tariff_at(t, 2028, 4, 30, 6, 0), 4);   /* season a */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2028, 4, 30, 6, 720), 3);
    assert_int_equal(pp_hostcfg_tariff_at(t, 2028, 5, 1, 0, 0), 1);    /* season b */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2028, 12, 31, 6, 0), 1);  /* season c */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2028, 2, 29, 1, 800), 3); /* special */
    assert_int_equal(pp_hostcfg_tariff_at(t, 2029, 3, 1, 1, 800), 3);  /* season a anyway */
    free(c);
}

typedef struct bad_case {
    const char *text;
    const char *msg;
} bad_case_t;

#define SW_OK "software = 3-1-00-2 000-01-01-1 000-0-01-00 001-000-001-000-000-001-1-000\n"
#define TARIFF_HEAD "[meter]\n" SW_OK "[preset.tariff.001]\n"
#define TARIFF_REST "season.s = 01-01 w\nweek.w = d d d d d d d\nday.d = 00:00=1\n"

static const bad_case_t BAD[] = {
    {"number = 1\n", "t.conf:1: key 'number' outside any section; put it under [meter], [ports], "
                     "[security], [run] or a [preset.KIND.NNN]"},
    {"[meter\n", "t.conf:1: section header '[meter' lacks its closing ']'"},
    {"[]\n", "t.conf:1: empty section header '[]'"},
    {"[metre]\n", "t.conf:1: unknown section [metre]; allowed: [meter], [ports], [security], "
                  "[run], [preset.KIND.NNN]"},
    {"[meter]\n[run]\n[meter]\n", "t.conf:3: section [meter] appears twice"},
    {"[meter]\nnumber 12\n", "t.conf:2: expected 'key = value', '[section]' or a # comment; "
                             "found 'number 12'"},
    {"[meter]\n = 12\n", "t.conf:2: missing key before '='"},
    {"[meter]\nnumber = 1\nnumber = 2\n", "t.conf:3: key 'number' appears twice in [meter]"},
    {"[meter]\nserial = 1\n", "t.conf:2: unknown key 'serial' in [meter]; allowed: number, "
                              "manufacturer, type, software"},
    {"[meter]\nnumber = 12345678901234\n", "t.conf:2: number = '12345678901234' is invalid; "
                                           "allowed: 1 to 13 digits"},
    {"[meter]\nnumber = 12a\n", "t.conf:2: number = '12a' is invalid; allowed: 1 to 13 digits"},
    {"[meter]\nnumber =\n", "t.conf:2: number = '' is invalid; allowed: 1 to 13 digits"},
    {"[meter]\nmanufacturer = pph\n", "t.conf:2: manufacturer = 'pph' is invalid; allowed: 3 "
                                      "capital letters A-Z (FLAG id), e.g. PPH"},
    {"[meter]\ntype = 68 4-1 1 3 1-7 N 1 4-3 1 1-1 010\n",
     "t.conf:2: type: invalid type number: X6 (accuracy class) is '7'; allowed: A (Class A), B "
     "(Class B), 2 (Class 2), 1 (Class 1)"},
    {"[meter]\nsoftware = 3-1-00-2\n",
     "t.conf:2: software: invalid software code: too short: 5 of 43 characters; missing: Z5 "
     "(display configuration) .. Z20 (calendar setup)"},
    {"[meter]\ntype = 68 4-1 1 3 1-B N 1 4-0 1 1-1 010\n",
     "t.conf:2: inconsistent order code: X10 (breaker) is '0' (No breaker) but Z19 (breaker "
     "position) is '1' (Connected): a meter without breaker has breaker position 0 (No breaker)"},
    {"[meter]\ntype = 68 6-1 1 1 1-A N 1 1-3 0 0-0 010\n",
     "t.conf:2: unsupported meter: X1 (meter type) is '6' (OMNIPOWER Single-phase): this "
     "software is the OMNIPOWER Three-phase meter and cannot run as a single-phase meter"},
    {"[meter]\nsoftware = 3-1-00-2 005-01-01-1 000-0-01-00 000-000-001-000-000-001-1-000\n",
     "t.conf:2: software code Z5 (display configuration) is '005', but this file defines no "
     "[preset.display.005]"},
    {"[meter]\n" SW_OK, "t.conf:2: software code Z13 (tariff control tables) is '001', but this "
                        "file defines no [preset.tariff.001]"},
    {"[meter]\nsoftware = 3-1-00-2 000-01-01-1 000-0-01-00 000-000-001-000-000-003-1-000\n"
     "[preset.1107.004]\n", "t.conf:2: software code Z18 (1107 configuration) is '003', but this "
                            "file defines no [preset.1107.003]"},
    {"[ports]\nwrapper_tcp = 65536\n", "t.conf:2: wrapper_tcp = '65536' is invalid; allowed: a "
                                       "TCP port 1..65535, or 0 for off"},
    {"[ports]\nhdlc_tcp = -1\n", "t.conf:2: hdlc_tcp = '-1' is invalid; allowed: a TCP port "
                                 "1..65535, or 0 for off"},
    {"[ports]\noptical_tcp = 40x\n", "t.conf:2: optical_tcp = '40x' is invalid; allowed: a TCP "
                                     "port 1..65535, or 0 for off"},
    {"[ports]\npty = maybe\n", "t.conf:2: pty = 'maybe' is invalid; allowed: yes, no, true, "
                               "false, on, off, 1, 0"},
    {"[ports]\nhttp = 80\n", "t.conf:2: unknown key 'http' in [ports]; allowed: wrapper_tcp, "
                             "hdlc_tcp, optical_tcp, pty"},
    {"[security]\nlls_password = 12345678901234567\n",
     "t.conf:2: lls_password = '12345678901234567' is invalid; allowed: 1 to 16 printable "
     "characters without blanks"},
    {"[security]\nlls_password = a b\n", "t.conf:2: lls_password = 'a b' is invalid; allowed: 1 "
                                         "to 16 printable characters without blanks"},
    {"[security]\nguek = 0001\n", "t.conf:2: guek = '0001' is invalid; allowed: 32 hex digits "
                                  "(16-byte AES key)"},
    {"[security]\ngak = D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDG\n",
     "t.conf:2: gak = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDG' is invalid; allowed: 32 hex digits "
     "(16-byte AES key)"},
    {"[security]\ngak = D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF00\n",
     "t.conf:2: gak = 'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF00' is invalid; allowed: 32 hex digits "
     "(16-byte AES key)"},
    {"[security]\nhls = 1\n", "t.conf:2: unknown key 'hls' in [security]; allowed: lls_password, "
                              "guek, gak"},
    {"[run]\nspeed = 0\n", "t.conf:2: speed = '0' is invalid; allowed: a factor over real time > "
                           "0 and <= 10000000, or max"},
    {"[run]\nspeed = fast\n", "t.conf:2: speed = 'fast' is invalid; allowed: a factor over real "
                              "time > 0 and <= 10000000, or max"},
    {"[run]\nnvm_image =\n", "t.conf:2: nvm_image = '' is invalid; allowed: a file path of 1 to "
                             "255 characters"},
    {"[run]\nscenario = \n", "t.conf:2: scenario = '' is invalid; allowed: a scenario name or CSV "
                             "path of 1 to 63 characters"},
    {"[run]\nseed = 1\n", "t.conf:2: unknown key 'seed' in [run]; allowed: nvm_image, scenario, "
                          "speed"},
    {"[preset.colour.001]\n", "t.conf:1: invalid preset section [preset.colour.001]; allowed: "
                              "[preset.KIND.NNN] with KIND one of display, disconnect, tariff, "
                              "load, pb2, 1107, calendar and NNN three digits"},
    {"[preset.display.1]\n", "t.conf:1: invalid preset section [preset.display.1]; allowed: "
                             "[preset.KIND.NNN] with KIND one of display, disconnect, tariff, "
                             "load, pb2, 1107, calendar and NNN three digits"},
    {"[preset.display]\n", "t.conf:1: invalid preset section [preset.display]; allowed: "
                           "[preset.KIND.NNN] with KIND one of display, disconnect, tariff, "
                           "load, pb2, 1107, calendar and NNN three digits"},
    {"[preset.display.001]\nscroll = 1.1.1.8.0.255\n",
     "t.conf:2: unknown key 'scroll' in [preset.display.001]; allowed: auto, manual, battery"},
    {"[preset.display.001]\nauto = 1.1.1.8.0\n",
     "t.conf:2: auto: '1.1.1.8.0' is not an OBIS code; allowed: A.B.C.D.E.F with six numbers "
     "0..255 (e.g. 1.1.1.8.0.255 or 1-1:1.8.0*255)"},
    {"[preset.display.001]\nmanual = 1.1.1.8.0.256\n",
     "t.conf:2: manual: '1.1.1.8.0.256' is not an OBIS code; allowed: A.B.C.D.E.F with six "
     "numbers 0..255 (e.g. 1.1.1.8.0.255 or 1-1:1.8.0*255)"},
    {"[preset.display.001]\nbattery = 1.1.1.8.0.255 1.1.1.8.0.255 1.1.1.8.0.255 1.1.1.8.0.255 "
     "1.1.1.8.0.255 1.1.1.8.0.255 1.1.1.8.0.255 1.1.1.8.0.255 1.1.1.8.0.255\n",
     "t.conf:2: battery: more than 8 readings (the data sheet's limit for the battery list)"},
    {TARIFF_HEAD TARIFF_REST "colour = red\n",
     "t.conf:7: unknown key 'colour' in [preset.tariff.001]; allowed: name, season.NAME, "
     "week.NAME, day.NAME, special.MM-DD, special.YYYY-MM-DD"},
    {TARIFF_HEAD "day.d = 00:00=1\n", "t.conf:3: [preset.tariff.001] needs at least one "
                                      "season.NAME, week.NAME and day.NAME"},
    {TARIFF_HEAD TARIFF_REST "day.e = 01:00=1\n", "t.conf:7: day.e: the first switch must be at "
                                                  "00:00 so the whole day has a tariff; found "
                                                  "01:00=1"},
    {TARIFF_HEAD TARIFF_REST "day.e = 00:00=1 08:00=2 08:00=3\n",
     "t.conf:7: day.e: switch times must ascend; 08:00=3 is not after the one before"},
    {TARIFF_HEAD TARIFF_REST "day.e = 00:00=5\n", "t.conf:7: day.e: '00:00=5' is not a tariff "
                                                  "switch; allowed: HH:MM=T with HH 00..23, MM "
                                                  "00..59, T 1..4"},
    {TARIFF_HEAD TARIFF_REST "day.e = 24:00=1\n", "t.conf:7: day.e: '24:00=1' is not a tariff "
                                                  "switch; allowed: HH:MM=T with HH 00..23, MM "
                                                  "00..59, T 1..4"},
    {TARIFF_HEAD TARIFF_REST "day.e =\n", "t.conf:7: day.e: no switch times; allowed: HH:MM=T "
                                          "... starting at 00:00"},
    {TARIFF_HEAD TARIFF_REST "day.e = 00:00=1 01:00=2 02:00=1 03:00=2 04:00=1 05:00=2 06:00=1 "
                             "07:00=2 08:00=1\n", "t.conf:7: day.e: more than 8 switch times"},
    {TARIFF_HEAD TARIFF_REST "day.bad-name = 00:00=1\n",
     "t.conf:7: day name 'bad-name' is invalid; allowed: 1 to 23 letters, digits or _"},
    {TARIFF_HEAD TARIFF_REST "week.v = d d d d d d\n",
     "t.conf:7: week.v: needs exactly 7 day-profile names, Monday to Sunday; found 'd d d d d d'"},
    {TARIFF_HEAD TARIFF_REST "week.v = d d d d d d x\n",
     "t.conf:7: week.v: Sunday is 'x', which is no day.NAME of [preset.tariff.001]"},
    {TARIFF_HEAD TARIFF_REST "season.t = 13-01 w\n",
     "t.conf:7: season.t: '13-01 w' is invalid; allowed: MM-DD WEEK (the season's first day "
     "and its week profile)"},
    {TARIFF_HEAD TARIFF_REST "season.t = 04-31 w\n",
     "t.conf:7: season.t: '04-31 w' is invalid; allowed: MM-DD WEEK (the season's first day "
     "and its week profile)"},
    {TARIFF_HEAD TARIFF_REST "season.t = 06-01 x\n",
     "t.conf:7: season.t: 'x' is no week.NAME of [preset.tariff.001]"},
    {TARIFF_HEAD TARIFF_REST "season.t = 01-01 w\n",
     "t.conf:7: season.t starts on the same day as season.s"},
    {TARIFF_HEAD TARIFF_REST "special.2027-02-29 = d\n",
     "t.conf:7: special.2027-02-29: '2027-02-29' is not a date; allowed: special.MM-DD (every "
     "year) or special.YYYY-MM-DD (once, 2000..2099)"},
    {TARIFF_HEAD TARIFF_REST "special.12-25 = x\n",
     "t.conf:7: special day: 'x' is no day.NAME of [preset.tariff.001]"},
    {TARIFF_HEAD TARIFF_REST "special.12-25 = a b\n",
     "t.conf:7: special.12-25 = 'a b' is invalid; allowed: the name of a day profile"},
};

static void every_error_names_file_line_key_and_allowed(void **state)
{
    (void)state;
    pp_hostcfg_t *c = new_cfg();
    char err[PP_HOSTCFG_MESSAGE_MAX];
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        memset(err, 'x', sizeof err);
        if (pp_hostcfg_parse(c, "t.conf", BAD[i].text, err, sizeof err) != -1) {
            fail_msg("case %zu parsed: %s", i, BAD[i].text);
        }
        if (strcmp(err, BAD[i].msg) != 0) {
            fail_msg("case %zu:\n  got  %s\n  want %s", i, err, BAD[i].msg);
        }
    }
    free(c);
}

static void limits_and_files(void **state)
{
    (void)state;
    pp_hostcfg_t *c = new_cfg();
    char err[PP_HOSTCFG_MESSAGE_MAX];
    /* A line over 1023 characters. */
    char *text = malloc(1100);
    memset(text, 'a', 1099);
    text[1099] = '\0';
    assert_int_equal(pp_hostcfg_parse(c, "t.conf", text, err, sizeof err), -1);
    assert_string_equal(err, "t.conf:1: line longer than 1023 characters");
    free(text);
    /* Too many presets of a kind. */
    char many[2048] = "";
    for (int i = 0; i <= PP_HOSTCFG_DISPLAY_PRESETS; i++) {
        snprintf(many + strlen(many), sizeof many - strlen(many), "[preset.display.%03d]\n", i);
    }
    assert_int_equal(pp_hostcfg_parse(c, "t.conf", many, err, sizeof err), -1);
    assert_string_equal(err, "t.conf:9: more than 8 display presets");
    /* Short error buffers truncate; a NULL one is allowed. */
    char small[12];
    assert_int_equal(pp_hostcfg_parse(c, "t.conf", "[x]\n", small, sizeof small), -1);
    assert_string_equal(small, "t.conf:1: u");
    assert_int_equal(pp_hostcfg_parse(c, "t.conf", "[x]\n", NULL, 0), -1);
    assert_int_equal(pp_hostcfg_load(c, "/nonexistent/polyphase.conf", err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/polyphase.conf: cannot read: No such file or directory");
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_documented_values),
        cmocka_unit_test(shipped_file_parses),
        cmocka_unit_test(every_key_is_read),
        cmocka_unit_test(tariff_seasons_sort_and_dated_specials),
        cmocka_unit_test(every_error_names_file_line_key_and_allowed),
        cmocka_unit_test(limits_and_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
