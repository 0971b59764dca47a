/* Fuzz target: the debiting logger opened over arbitrary permanent-memory
 * contents (a ring region filled from the input, slots with valid CRCs
 * built from it too, and a billing state record), then every read path.
 * Nothing may crash or read out of bounds; whatever opens must answer
 * reads with a snapshot or a specific error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_port.h"
#include "polyphase/billing.h"
#include "polyphase/crc.h"
#include "polyphase/journal.h"

#define REGION 4096u /* 16 slots */
#define JSIZE 16384u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pp_fake_port_t fake;
    static pp_journal_t journal;
    static pp_billing_t b;
    if (size < 20) {
        return 0;
    }
    pp_fake_port_init(&fake, JSIZE + REGION, 64);
    /* The ring: input bytes; every slot whose first byte is odd gets a
     * valid magic and CRC so the decoder sees "valid" garbage too. */
    uint8_t *ring = fake.nvm + JSIZE;
    for (size_t i = 0; i < REGION; i++) {
        ring[i] = data[(20 + i) % size];
    }
    for (uint32_t s = 0; s < REGION / PP_BILLING_SLOT; s++) {
        uint8_t *p = ring + s * PP_BILLING_SLOT;
        if (p[0] & 1u) {
            p[248] = 'P';
            p[249] = 'P';
            p[250] = 'B';
            p[251] = '1';
            uint32_t crc = pp_crc32(p, 252);
            for (int k = 0; k < 4; k++) {
                p[252 + k] = (uint8_t)(crc >> (8 * k));
            }
        }
    }
    if (pp_journal_open(&journal, &fake.port, 0, JSIZE) != PP_OK) {
        pp_fake_port_free(&fake);
        return 0;
    }
    /* A billing state record from the input: committed seq, counter,
     * period, quality. */
    (void)pp_journal_write(&journal, 0x0600, data, 16);
    pp_billing_config_t cfg = {(uint8_t)(1 + data[16] % 28), 1, 1};
    if (pp_billing_init(&b, &journal, &fake.port, JSIZE, REGION, &cfg) == PP_OK) {
        pp_billing_snapshot_t s;
        uint32_t n = pp_billing_count(&b);
        if (n > b.depth) {
            abort();
        }
        for (uint32_t i = 0; i <= n; i++) {
            pp_err_t rc = pp_billing_read(&b, i, &s);
            if (rc != PP_OK && rc != PP_ERR_NOT_FOUND && rc != PP_ERR_CRC && rc != PP_ERR_CORRUPT) {
                abort();
            }
        }
        uint32_t idx;
        (void)pp_billing_find(&b, (int64_t)data[17] << 32, &idx);
        int32_t id;
        (void)pp_billing_due(&b, 2026, 1 + data[18] % 12, 1 + data[19] % 28, &id);
    }
    pp_fake_port_free(&fake);
    return 0;
}
