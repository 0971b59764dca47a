/* The order code tables of the OMNIPOWER three-phase data sheet, pages
 * "Configuration - hardware" and "Configuration - software 1-4", one row per
 * table line with the data sheet's own words. Parser, printer, CLI, JSON and
 * docs/configuration.md are all generated from these rows.
 *
 * The two numbers a and b of each option carry the typed meaning; per field:
 *   X1 a: meter type digit     X5 a: Ib, b: Imax (A)    X6 a: pp_oc_accuracy_t, b: MID
 *   X9 a: energy channels      X10 a: pp_oc_breaker_t   X11/X12 a: 0/1   X13 a: interface
 *   X14-X16 a: country number  Z1 a.b: digits before.after the point   Z2 a: LED on
 *   Z3 a: PP_OC_IO_* bits, b: io1 | io2 << 2            Z4 a: minutes   Z6 a: day
 *   Z7 a: interval months, b: start month               Z8 a: pulse ms, b: alarm active
 *   Z11 a: GMT offset minutes  Z12 a: unit   Z14 a: pp_oc_load_control_t
 *   Z15 a: pp_oc_dst_t   Z16 a: protocol number   Z18 a: pp_oc_1107_t   Z19 a: position */
#include <stddef.h>

#include "polyphase/ordercode.h"

#define N_OF(t) ((uint8_t)(sizeof(t) / sizeof((t)[0])))
#define IN PP_OC_IO_INPUT
#define OUT PP_OC_IO_OUTPUT
#define DIRS(io1, io2) ((int16_t)((io1) | ((io2) << 2)))

/* ---------------- type number X1..X16 ---------------- */
static const pp_ordercode_option_t X1[] = {
    {"6", "OMNIPOWER Single-phase", "single-phase", 6, 0},
    {"4", "OMNIPOWER Three-phase", "three-phase", 4, 0},
};
static const pp_ordercode_option_t X2[] = {
    {"1", "OMNIPOWER", NULL, 1, 0},
};
static const pp_ordercode_option_t X3[] = {
    {"1", "Standard", "standard", 1, 0},
};
static const pp_ordercode_option_t X4[] = {
    {"1", "1 system", NULL, 1, 0},
    {"2", "2 system", NULL, 2, 0},
    {"3", "3 systems", NULL, 3, 0},
};
static const pp_ordercode_option_t X5[] = {
    {"1", "5-100A", NULL, 5, 100},
    {"4", "5-65A", NULL, 5, 65},
    {"6", "10-60A", NULL, 10, 60},
    {"7", "10-80A", NULL, 10, 80},
    {"8", "5-80A", NULL, 5, 80},
};
static const pp_ordercode_option_t X6[] = {
    {"A", "Class A", NULL, PP_OC_CLASS_A, 1},
    {"B", "Class B", NULL, PP_OC_CLASS_B, 1},
    {"2", "Class 2", NULL, PP_OC_CLASS_2, 0},
    {"1", "Class 1", NULL, PP_OC_CLASS_1, 0},
};
static const pp_ordercode_option_t X7[] = {
    {"N", "Generation N", NULL, 'N', 0},
};
static const pp_ordercode_option_t X8[] = {
    {"1", "Standard", "standard", 1, 0},
};
static const pp_ordercode_option_t X9[] = {
    {"1", "A+", NULL, 1, 0},
    {"2", "A+/A-", NULL, 2, 0},
    {"4", "A+/A-/R+/R-", NULL, 4, 0},
};
static const pp_ordercode_option_t X10[] = {
    {"0", "No breaker", "none", PP_OC_BREAKER_NONE, 0},
    {"2", "Dual breaker", "dual", PP_OC_BREAKER_DUAL, 0},
    {"3", "Standard breaker", "standard", PP_OC_BREAKER_STANDARD, 0},
};
static const pp_ordercode_option_t X11[] = {
    {"0", "No radio", "none", 0, 0},
    {"1", "RF 2.0", "rf", 1, 0},
};
static const pp_ordercode_option_t X12[] = {
    {"0", "Supercap", NULL, 0, 0},
    {"1", "Supercap + battery", "battery", 1, 0},
};
static const pp_ordercode_option_t X13[] = {
    {"0", "None", NULL, PP_OC_IF_NONE, 0},
    {"1", "S0 output", "S0", PP_OC_IF_S0, 0},
    {"2", "APS", NULL, PP_OC_IF_APS, 0},
};
static const pp_ordercode_option_t X14[] = {
    {"010", "Denmark", "DK", 10, 0},
    {"040", "Norway", "NO", 40, 0},
    {"059", "Switzerland (Italian part)", "CH (IT)", 59, 0},
    {"063", "Switzerland (German part)", "CH (DE)", 63, 0},
    {"064", "Poland", "PL", 64, 0},
    {"065", "Switzerland (French part)", "CH (FR)", 65, 0},
    {"067", "Iceland", "IS", 67, 0},
    {"070", "Germany", "DE", 70, 0},
    {"080", "The Netherlands", "NL", 80, 0},
    {"084", "Finland", "FI", 84, 0},
    {"090", "Sweden", "SE", 90, 0},
    {"110", "Saudi Arabia", "SA", 110, 0},
    {"120", "South Africa", "ZA", 120, 0},
};

#define F(pos, key, title, off, w, preset, t) {pos, key, title, off, w, preset, N_OF(t), t}
static const pp_ordercode_field_desc_t TYPE_FIELDS[PP_ORDERCODE_TYPE_FIELDS] = {
    F("X1", "meter_type", "meter type", 0, 1, PP_PRESET_NONE, X1),
    F("X2", "type_version", "type version", 1, 1, PP_PRESET_NONE, X2),
    F("X3", "housing", "housing", 2, 1, PP_PRESET_NONE, X3),
    F("X4", "measuring_systems", "measuring systems", 3, 1, PP_PRESET_NONE, X4),
    F("X5", "current_range", "current range", 4, 1, PP_PRESET_NONE, X5),
    F("X6", "accuracy_class", "accuracy class", 5, 1, PP_PRESET_NONE, X6),
    F("X7", "generation", "generation", 6, 1, PP_PRESET_NONE, X7),
    F("X8", "variant", "variant", 7, 1, PP_PRESET_NONE, X8),
    F("X9", "energy_type", "energy type", 8, 1, PP_PRESET_NONE, X9),
    F("X10", "breaker", "breaker", 9, 1, PP_PRESET_NONE, X10),
    F("X11", "communication", "communication", 10, 1, PP_PRESET_NONE, X11),
    F("X12", "backup", "supply back-up", 11, 1, PP_PRESET_NONE, X12),
    F("X13", "interface", "interface", 12, 1, PP_PRESET_NONE, X13),
    F("X14-X16", "country", "country code", 13, 3, PP_PRESET_NONE, X14),
};

/* ---------------- software configuration Z1..Z20 ---------------- */
static const pp_ordercode_option_t Z1[] = {
    {"1", "7.0", NULL, 7, 0},
    {"2", "6.1", NULL, 6, 1},
    {"3", "7.2", NULL, 7, 2},
    {"4", "6.3", NULL, 6, 3},
};
static const pp_ordercode_option_t Z2[] = {
    {"1", "LED off at no consumption", "off", 0, 0},
    {"2", "LED on at no consumption", "on", 1, 0},
};
#define P PP_OC_IO_PULSE_IN
#define AL PP_OC_IO_ALARM_IN
#define T2 PP_OC_IO_TARIFF2
#define T4 PP_OC_IO_TARIFF4
#define AP PP_OC_IO_A_PLUS_OUT
#define AM PP_OC_IO_A_MINUS_OUT
#define RP PP_OC_IO_R_PLUS_OUT
#define DS PP_OC_IO_DEBIT_STOP
#define LC PP_OC_IO_LOAD_CONTROL
#define INV PP_OC_IO_INVERTED
static const pp_ordercode_option_t Z3[] = {
    {"00", "No function", "none", 0, DIRS(0, 0)},
    {"01", "4-tariff", NULL, T4, DIRS(IN, IN)},
    {"02", "4-tariff inverted", NULL, T4 | INV, DIRS(IN, IN)},
    {"03", "Pulse in / Alarm in", NULL, P | AL, DIRS(IN, IN)},
    {"04", "Pulse in / Alarm in inverted", NULL, P | AL | INV, DIRS(IN, IN)},
    {"05", "Pulse in / A+ out", NULL, P | AP, DIRS(IN, OUT)},
    {"06", "R+ out / A+ out", NULL, RP | AP, DIRS(OUT, OUT)},
    {"07", "2-tariff / Alarm in", NULL, T2 | AL, DIRS(IN, IN)},
    {"08", "2-tariff inverted / Alarm in", NULL, T2 | AL | INV, DIRS(IN, IN)},
    {"09", "2-tariff / Alarm in inverted", NULL, T2 | AL | INV, DIRS(IN, IN)},
    {"10", "2-tariff inverted / Alarm in inverted", NULL, T2 | AL | INV, DIRS(IN, IN)},
    {"11", "2-tariff / A+ out", NULL, T2 | AP, DIRS(IN, OUT)},
    {"12", "2-tariff inverted / A+ out", NULL, T2 | AP | INV, DIRS(IN, OUT)},
    {"13", "Pulse in / 2-tariff", NULL, P | T2, DIRS(IN, IN)},
    {"14", "Pulse in / 2-tariff inverted", NULL, P | T2 | INV, DIRS(IN, IN)},
    {"15", "Debiting stop pulse / -", NULL, DS, DIRS(IN, 0)},
    {"16", "A- out / A+ out", NULL, AM | AP, DIRS(OUT, OUT)},
    {"17", "Load control load / Status control", NULL, LC, DIRS(IN, OUT)},
    {"18", "Pulse in / Load tariff sync", NULL, P | LC, DIRS(IN, OUT)},
    {"19", "Pulse in inv. / Load tariff sync", NULL, P | LC | INV, DIRS(IN, OUT)},
    {"20", "Pulse in / Load tariff sync inverted", NULL, P | LC | INV, DIRS(IN, OUT)},
    {"21", "Pulse in inv. / Load tariff sync inverted", NULL, P | LC | INV, DIRS(IN, OUT)},
    {"22", "4-tariff sync load control", NULL, T4 | LC, DIRS(IN, IN)},
    {"23", "4-tariff sync load control inverted", NULL, T4 | LC | INV, DIRS(IN, IN)},
    {"26", "Load control 1 / Load control 2", NULL, LC, DIRS(OUT, OUT)},
    {"27", "Pulse in / Load control", NULL, P | LC, DIRS(IN, OUT)},
    {"28", "Pulse in / Toggle Load control 1 & 2", NULL, P | LC, DIRS(IN, OUT)},
};
static const pp_ordercode_option_t Z4[] = {
    {"1", "5 min", NULL, 5, 0},
    {"2", "15 min", NULL, 15, 0},
    {"3", "30 min", NULL, 30, 0},
    {"4", "60 min", NULL, 60, 0},
};
static const pp_ordercode_option_t Z5[] = {
    {"000", "Built-in default display lists", "default", 0, 0},
};
static const pp_ordercode_option_t Z6[] = {
    {"01", "1.", "1", 1, 0},
    {"02", "2.", "2", 2, 0},
    {"03", "3.", "3", 3, 0},
    {"04", "4.", "4", 4, 0},
    {"05", "5.", "5", 5, 0},
    {"06", "6.", "6", 6, 0},
    {"07", "7.", "7", 7, 0},
    {"08", "8.", "8", 8, 0},
    {"09", "9.", "9", 9, 0},
    {"10", "10.", "10", 10, 0},
    {"11", "11.", "11", 11, 0},
    {"12", "12.", "12", 12, 0},
    {"13", "13.", "13", 13, 0},
    {"14", "14.", "14", 14, 0},
    {"15", "15.", "15", 15, 0},
    {"16", "16.", "16", 16, 0},
    {"17", "17.", "17", 17, 0},
    {"18", "18.", "18", 18, 0},
    {"19", "19.", "19", 19, 0},
    {"20", "20.", "20", 20, 0},
    {"21", "21.", "21", 21, 0},
    {"22", "22.", "22", 22, 0},
    {"23", "23.", "23", 23, 0},
    {"24", "24.", "24", 24, 0},
    {"25", "25.", "25", 25, 0},
    {"26", "26.", "26", 26, 0},
    {"27", "27.", "27", 27, 0},
    {"28", "28.", "28", 28, 0},};
static const pp_ordercode_option_t Z7[] = {
    {"00", "None (externally controlled)", "external", 0, 0},
    {"01", "Monthly", "monthly", 1, 1},
    {"02", "Every second month, January", NULL, 2, 1},
    {"03", "Every second month, February", NULL, 2, 2},
    {"04", "Every third month, January", NULL, 3, 1},
    {"05", "Every third month, February", NULL, 3, 2},
    {"06", "Every third month, March", NULL, 3, 3},
    {"07", "Every six month, January", NULL, 6, 1},
    {"08", "Every six month, February", NULL, 6, 2},
    {"09", "Every six month, March", NULL, 6, 3},
    {"10", "Every six month, April", NULL, 6, 4},
    {"11", "Every six month, May", NULL, 6, 5},
    {"12", "Every six month, June", NULL, 6, 6},
    {"13", "Yearly, January", NULL, 12, 1},
    {"14", "Yearly, February", NULL, 12, 2},
    {"15", "Yearly, March", NULL, 12, 3},
    {"16", "Yearly, April", NULL, 12, 4},
    {"17", "Yearly, May", NULL, 12, 5},
    {"18", "Yearly, June", NULL, 12, 6},
    {"19", "Yearly, July", NULL, 12, 7},
    {"20", "Yearly, August", NULL, 12, 8},
    {"21", "Yearly, September", NULL, 12, 9},
    {"22", "Yearly, October", NULL, 12, 10},
    {"23", "Yearly, November", NULL, 12, 11},
    {"24", "Yearly, December", NULL, 12, 12},
};
static const pp_ordercode_option_t Z8[] = {
    {"1", "30ms pulse length / Alarm input deactivated", NULL, 30, 0},
    {"2", "30ms pulse length / Alarm input active", NULL, 30, 1},
    {"3", "80ms pulse length / Alarm input deactivated", NULL, 80, 0},
    {"4", "80ms pulse length / Alarm input active", NULL, 80, 1},
};
static const pp_ordercode_option_t Z9[] = {
    {"000", "No disconnect setup", "none", 0, 0},
};
static const pp_ordercode_option_t Z10[] = {
    {"0", "Maximum power standard", "standard", 0, 0},
};
static const pp_ordercode_option_t Z11[] = {
    {"00", "London time", "UTC+0", 0, 0},
    {"01", "+ 1 Hour (DK/NO/SE/DE/FR/ES)", "UTC+1", 60, 0},
    {"02", "+ 2 Hours (FI)", "UTC+2", 120, 0},
    {"03", "+ 3 Hours", "UTC+3", 180, 0},
    {"04", "+ 4 Hours", "UTC+4", 240, 0},
    {"05", "+ 5 Hours", "UTC+5", 300, 0},
    {"06", "+ 6 Hours", "UTC+6", 360, 0},
    {"07", "+ 7 Hours", "UTC+7", 420, 0},
    {"08", "+ 8 Hours", "UTC+8", 480, 0},
    {"09", "+ 9 Hours", "UTC+9", 540, 0},
    {"10", "+ 10 Hours", "UTC+10", 600, 0},
    {"11", "+ 11 Hours", "UTC+11", 660, 0},
    {"12", "+ 12 Hours", "UTC+12", 720, 0},
    {"13", "- 11 Hours", "UTC-11", -660, 0},
    {"14", "- 10 Hours", "UTC-10", -600, 0},
    {"15", "- 9 Hours", "UTC-9", -540, 0},
    {"16", "- 8 Hours", "UTC-8", -480, 0},
    {"17", "- 7 Hours", "UTC-7", -420, 0},
    {"18", "- 6 Hours", "UTC-6", -360, 0},
    {"19", "- 5 Hours", "UTC-5", -300, 0},
    {"20", "- 4 Hours", "UTC-4", -240, 0},
    {"21", "- 3 Hours", "UTC-3", -180, 0},
    {"22", "- 2 Hours", "UTC-2", -120, 0},
    {"23", "- 1 Hours", "UTC-1", -60, 0},
};
static const pp_ordercode_option_t Z12[] = {
    {"00", "None", NULL, PP_OC_UNIT_NONE, 0},
    {"01", "kWh", NULL, PP_OC_UNIT_KWH, 0},
    {"02", "m3", NULL, PP_OC_UNIT_M3, 0},
    {"03", "L", NULL, PP_OC_UNIT_L, 0},
};
static const pp_ordercode_option_t Z13[] = {
    {"000", "No tariff table", "none", 0, 0},
};
static const pp_ordercode_option_t Z14[] = {
    {"000", "No tariff plan", "none", PP_OC_LOAD_NO_PLAN, 0},
    {"001", "Module port control", "module", PP_OC_LOAD_MODULE_PORT, 0},
};
static const pp_ordercode_option_t Z15[] = {
    {"000", "None", NULL, PP_OC_DST_NONE, 0},
    {"001", "EU", NULL, PP_OC_DST_EU, 0},
};
static const pp_ordercode_option_t Z16[] = {
    {"000", "None", NULL, 0, 0},
    {"318", "CH 318 K", NULL, 318, 0},
    {"319", "EU 319 K", NULL, 319, 0},
    {"328", "SE 328 S", NULL, 328, 0},
    {"339", "NO 339 K", NULL, 339, 0},
    {"348", "DK 348 K", NULL, 348, 0},
    {"349", "DK 349 K", NULL, 349, 0},
    {"359", "FI 359 K", NULL, 359, 0},
    {"379", "AT 379 K", NULL, 379, 0},
};
static const pp_ordercode_option_t Z17[] = {
    {"000", "Default push button 2 function", "default", 0, 0},
};
static const pp_ordercode_option_t Z18[] = {
    {"000", "Disabled", NULL, PP_OC_1107_DISABLED, 0},
    {"001", "Mode A and C, UD1", "UD1", PP_OC_1107_UD1, 0},
    {"002", "Mode A and C, UD2", "UD2", PP_OC_1107_UD2, 0},
};
static const pp_ordercode_option_t Z19[] = {
    {"0", "No breaker", "none", PP_OC_POS_NONE, 0},
    {"1", "Connected", NULL, PP_OC_POS_CONNECTED, 0},
    {"2", "Disconnected", NULL, PP_OC_POS_DISCONNECTED, 0},
};
static const pp_ordercode_option_t Z20[] = {
    {"000", "No calendar", "none", 0, 0},
};

static const pp_ordercode_field_desc_t SW_FIELDS[PP_ORDERCODE_SW_FIELDS] = {
    F("Z1", "display_decimals", "decimals in display", 0, 1, PP_PRESET_NONE, Z1),
    F("Z2", "led", "LED configuration", 1, 1, PP_PRESET_NONE, Z2),
    F("Z3", "module_config", "primary module configuration", 2, 2, PP_PRESET_NONE, Z3),
    F("Z4", "integration_period", "integration period", 4, 1, PP_PRESET_NONE, Z4),
    F("Z5", "display_config", "display configuration", 5, 3, PP_PRESET_DISPLAY, Z5),
    F("Z6", "debiting_day", "debiting stop date", 8, 2, PP_PRESET_NONE, Z6),
    F("Z7", "debiting_interval", "debiting logging interval", 10, 2, PP_PRESET_NONE, Z7),
    F("Z8", "pulse_alarm", "pulse out length / alarm input", 12, 1, PP_PRESET_NONE, Z8),
    F("Z9", "disconnect_setup", "disconnect setup", 13, 3, PP_PRESET_DISCONNECT, Z9),
    F("Z10", "max_power", "maximum power", 16, 1, PP_PRESET_NONE, Z10),
    F("Z11", "gmt", "GMT", 17, 2, PP_PRESET_NONE, Z11),
    F("Z12", "pulse_unit", "unit pulse input", 19, 2, PP_PRESET_NONE, Z12),
    F("Z13", "tariff_tables", "tariff control tables", 21, 3, PP_PRESET_TARIFF, Z13),
    F("Z14", "load_control", "load control tables", 24, 3, PP_PRESET_LOAD, Z14),
    F("Z15", "dst", "daylight saving time", 27, 3, PP_PRESET_NONE, Z15),
    F("Z16", "protocol_code", "frequency code protocol", 30, 3, PP_PRESET_NONE, Z16),
    F("Z17", "pb2_setup", "push button 2 setup", 33, 3, PP_PRESET_PB2, Z17),
    F("Z18", "iec1107", "1107 configuration", 36, 3, PP_PRESET_IEC1107, Z18),
    F("Z19", "breaker_position", "breaker position", 39, 1, PP_PRESET_NONE, Z19),
    F("Z20", "calendar", "calendar setup", 40, 3, PP_PRESET_CALENDAR, Z20),
};

size_t pp_ordercode_field_count(pp_ordercode_kind_t kind)
{
    return kind == PP_ORDERCODE_TYPE ? PP_ORDERCODE_TYPE_FIELDS : PP_ORDERCODE_SW_FIELDS;
}

const pp_ordercode_field_desc_t *pp_ordercode_field(pp_ordercode_kind_t kind, size_t i)
{
    if (i >= pp_ordercode_field_count(kind)) {
        return NULL;
    }
    return kind == PP_ORDERCODE_TYPE ? &TYPE_FIELDS[i] : &SW_FIELDS[i];
}
