/* Fuzz target: the COSEM date-time, date and time decoders and everything a
 * client can feed the clock with decoded values (time, DST patterns).
 * Byte 0 picks the clock's zone and DST setting, the rest is the octets.
 * Whatever the input: no crash or hang; what decodes encodes to the same
 * octets; a complete date-time maps to an instant that maps back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/clock.h"

static void check_roundtrip(const uint8_t *in, size_t n, const pp_axdr_datetime_t *dt,
                            int (*enc)(const pp_axdr_datetime_t *, uint8_t *, size_t))
{
    uint8_t out[12];
    if (enc(dt, out, sizeof out) != (int)n || memcmp(in, out, n) != 0) {
        abort();
    }
}

static void as_instant(pp_clock_t *ck, const pp_axdr_datetime_t *dt)
{
    int64_t u, back;
    if (pp_clock_dt_to_utc(ck, dt, &u) != PP_OK) {
        return;
    }
    /* The instant written by the clock reads back as the same instant. */
    pp_axdr_datetime_t again;
    uint8_t b[12];
    pp_clock_dt_local(ck, u, 0, &again);
    if (pp_clock_dt_encode(&again, b, sizeof b) != 12 || pp_clock_dt_decode(b, 12, &again, NULL) ||
        pp_clock_dt_to_utc(ck, &again, &back) != PP_OK || back != u) {
        abort();
    }
    pp_clock_dt_standard(ck, u, 0, &again);
    if (pp_clock_dt_to_utc(ck, &again, &back) != PP_OK || back != u) {
        abort();
    }
    int64_t s;
    if (pp_clock_interval_start(ck, u, 15, true, &s) != PP_OK || s > u ||
        pp_clock_next_monthly(ck, u, dt->day, 0, 0, &s) != PP_OK || s <= u) {
        abort();
    }
}

/* Use the pattern as a DST rule and as a schedule pattern. */
static void as_pattern(pp_clock_t *ck, const pp_axdr_datetime_t *dt)
{
    (void)pp_clock_matches(ck, dt, 1782900449000LL);
    if (pp_clock_set_dst_begin(ck, dt) == PP_OK) {
        for (int64_t t = 0; t < 7258118400000LL; t += 5 * 31557600000LL) {
            (void)pp_clock_dst_active(ck, t);
            pp_civil_t c;
            int64_t u;
            pp_clock_local(ck, t, &c, NULL);
            if (pp_clock_from_local_ex(ck, &c, PP_LOCAL_FIRST | PP_LOCAL_GAP_SHIFT, &u) != PP_OK) {
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    pp_clock_t ck;
    /* Zones -12 h .. +12 h in 15-minute steps, DST from bit 7. */
    int16_t off = (int16_t)(((data[0] & 0x7F) % 97 - 48) * 15);
    if (pp_clock_init(&ck, off, (data[0] & 0x80) != 0) != PP_OK) {
        abort();
    }
    const uint8_t *in = data + 1;
    const size_t n = size - 1;
    pp_axdr_datetime_t dt;
    pp_dt_field_t bad;
    if (pp_clock_dt_decode(in, n, &dt, &bad) == PP_OK) {
        if (bad != PP_DT_OK) {
            abort();
        }
        check_roundtrip(in, n, &dt, pp_clock_dt_encode);
        as_instant(&ck, &dt);
        as_pattern(&ck, &dt);
    } else if (bad == PP_DT_OK) {
        abort(); /* a refusal always names the field */
    }
    if (pp_clock_date_decode(in, n, &dt, &bad) == PP_OK) {
        check_roundtrip(in, n, &dt, pp_clock_date_encode);
    }
    if (pp_clock_time_decode(in, n, &dt, &bad) == PP_OK) {
        check_roundtrip(in, n, &dt, pp_clock_time_encode);
    }
    return 0;
}
