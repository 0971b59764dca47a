/* Fuzz target: IEC 62056-47 wrapper framer over an arbitrary TCP stream
 * (chunked by the first byte) and the header decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "polyphase/wrapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_wrapper_header_t h;
    (void)pp_wrapper_header_decode(data, size, &h);
    uint8_t buf[512];
    pp_wrapper_framer_t fr;
    pp_wrapper_framer_init(&fr, buf, sizeof buf);
    unsigned chunk = size ? (data[0] % 19u) + 1u : 1u;
    size_t pos = 0;
    while (pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;
        const uint8_t *p = data + pos;
        pos += n;
        while (n > 0) {
            pp_wrapper_apdu_t a;
            bool got;
            int used = pp_wrapper_framer_feed(&fr, p, n, &a, &got);
            if (used < 0) {
                pp_wrapper_framer_reset(&fr); /* the server closes; start a new connection */
                n = 0;
                break;
            }
            if (used == 0 || (size_t)used > n) {
                abort(); /* the framer must make progress */
            }
            if (got) {
                if (a.len == 0 || a.len > sizeof buf) {
                    abort();
                }
                uint8_t out[8 + 512];
                if (pp_wrapper_encode(a.dst, a.src, a.data, a.len, out, sizeof out) !=
                    (int)(8 + a.len)) {
                    abort();
                }
            }
            p += used;
            n -= (size_t)used;
        }
    }
    return 0;
}
