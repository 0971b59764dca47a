/* Fuzz target: the byte forms of the activity calendar and special days
 * (what permanent memory hands back), then evaluation of whatever decoded
 * at a spread of local times. Nothing may crash, hang or read past the
 * input; a decoded calendar must re-encode to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/tariff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_calendar_t cal;
    pp_special_days_t sp;
    if (size < 1) {
        return 0;
    }
    /* First byte splits the input between the two decoders. */
    size_t split = (size_t)data[0] * size / 256u;
    const uint8_t *a = data + 1;
    size_t alen = split > size - 1 ? size - 1 : split;
    if (pp_calendar_decode(a, alen, &cal) != PP_OK) {
        return 0;
    }
    uint8_t again[PP_CAL_BYTES_MAX];
    int n = pp_calendar_encode(&cal, again, sizeof(again));
    if (n < 0 || (size_t)n > alen || memcmp(again, a, (size_t)n) != 0) {
        abort();
    }
    const pp_special_days_t *use = NULL;
    if (pp_special_days_decode(a + alen, size - 1 - alen, &sp) == PP_OK &&
        pp_special_days_check(&sp, &cal) == PP_OK) {
        use = &sp;
    }
    for (unsigned i = 0; i < 64; i++) {
        pp_tariff_time_t t = {(uint16_t)(2020 + i % 9), (uint8_t)(1 + i % 12), (uint8_t)(1 + i % 28),
                              (uint8_t)(1 + i % 7), (uint8_t)(i * 7 % 24), (uint8_t)(i * 13 % 60),
                              (uint8_t)(i * 29 % 60)};
        uint32_t next = 0;
        int tariff = pp_calendar_eval(&cal, use, &t, &next);
        if (tariff < 1 || tariff > 4 || next == 0 || next > 86400) {
            abort();
        }
    }
    return 0;
}
