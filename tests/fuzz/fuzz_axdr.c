/* Fuzz target: the A-XDR decoder. Oracles: no crash or over-read; a value
 * that measures m octets measures m again on its own and every shorter
 * prefix is refused; the element reader walks any input to its end or to a
 * clean error; date-time unpacking of any 12 octets is defined. */
#include <stdint.h>
#include <stdlib.h>

#include "polyphase/axdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int m = pp_axdr_measure(data, size, 0);
    if (m > 0) {
        if ((size_t)m > size || pp_axdr_measure(data, (size_t)m, 0) != m ||
            pp_axdr_measure(data, (size_t)m - 1, 0) >= 0) {
            abort();
        }
    }
    /* a small depth cap must give DEPTH or a result, never more nesting */
    (void)pp_axdr_measure(data, size, 2);

    pp_axdr_rd_t rd;
    pp_axdr_value_t v;
    pp_axdr_rd_init(&rd, data, size);
    while (pp_axdr_remaining(&rd) > 0 && pp_axdr_get(&rd, &v) == PP_OK) {
        if (rd.pos > rd.end) {
            abort();
        }
    }
    if (size >= 12) {
        pp_axdr_datetime_t dt;
        if (pp_axdr_datetime_unpack(data, &dt) == PP_OK) {
            uint8_t back[12];
            pp_axdr_datetime_pack(&dt, back);
            for (int i = 0; i < 12; i++) {
                if (back[i] != data[i]) {
                    abort();
                }
            }
        }
    }
    return 0;
}
