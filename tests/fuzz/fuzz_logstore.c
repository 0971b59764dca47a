/* Fuzz target: a logstore opened over arbitrary NVM contents (bytes from
 * the input; some slots given a valid seq for their position and a valid
 * CRC so recovery sees plausible garbage: laps out of order, holes, times
 * going backwards), then every read path (runs with read-ahead too) and
 * an append. Nothing may crash or loop; the count never exceeds the
 * capacity, also after an append. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_port.h"
#include "polyphase/crc.h"
#include "polyphase/logstore.h"

#define NVM 8192u
#define TAG 0x5A5A1234u

static pp_err_t decode(const void *logger, int64_t t, const uint8_t *p, pp_log_cell_t *c)
{
    (void)logger;
    c[0] = (pp_log_cell_t){PP_LOG_TIME, 0, t};
    c[1] = (pp_log_cell_t){PP_LOG_U8, 1, p[0]};
    return PP_OK;
}

static int sink(void *user, const pp_log_row_t *row)
{
    uint32_t *n = user;
    *n += row->ncells;
    return 0;
}

/* Touches every entry of a run (ASan checks the pointers). */
static int run_sink(void *user, const pp_log_run_t *run)
{
    uint32_t *n = user;
    for (uint32_t k = 0; k < run->n; k++) {
        const pp_log_entry_t e = pp_log_run_entry(run, k);
        *n += e.payload[0] + (uint32_t)e.time;
    }
    return run->n > 3u ? 2 : 0; /* sometimes stop inside a run */
}

static void seal(uint8_t *slot, uint16_t slot_len)
{
    uint8_t tag[4] = {0x34, 0x12, 0x5A, 0x5A};
    uint32_t c = pp_crc32_update(pp_crc32_init(), tag, 4);
    c = pp_crc32_final(pp_crc32_update(c, slot, slot_len - 4u));
    for (int i = 0; i < 4; i++) {
        slot[slot_len - 4 + i] = (uint8_t)(c >> (8 * i));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pp_fake_port_t fake;
    if (size < 8) {
        return 0;
    }
    uint32_t cap = 2u + data[0] % 63u;
    uint16_t plen = (uint16_t)(1u + data[1] % PP_LOGSTORE_MAX_PAYLOAD);
    uint16_t slot_len = (uint16_t)(plen + PP_LOGSTORE_OVERHEAD);
    pp_fake_port_init(&fake, NVM, 32);
    for (size_t i = 0; i < NVM; i++) {
        fake.nvm[i] = data[(8 + i) % size];
    }
    for (uint32_t s = 0; s < cap && (s + 1) * slot_len <= NVM; s++) {
        uint8_t *p = fake.nvm + s * slot_len;
        if (p[0] & 1u) { /* plausible: seq of lap p[1] % 4 for this slot */
            uint32_t seq = (uint32_t)(p[1] % 4u) * cap + s + 1u;
            memcpy(p, &seq, 4);
            seal(p, slot_len);
        }
    }
    pp_logstore_t ls;
    if (pp_logstore_open(&ls, &fake.port, 0, cap, plen, TAG) != PP_OK) {
        pp_fake_port_free(&fake);
        return 0;
    }
    if (pp_logstore_count(&ls) > cap) {
        abort();
    }
    pp_log_view_t v = {.store = &ls,
                       .columns = (const pp_log_column_t[2]){{"t", PP_LOG_TIME}, {"b", PP_LOG_U8}},
                       .ncolumns = 2, .decode = decode};
    uint32_t cells = 0;
    pp_log_select_t s;
    memset(&s, 0, sizeof(s));
    (void)pp_log_read(&v, &s, sink, &cells);
    int64_t a = 0, b;
    if (size >= 16) {
        memcpy(&a, data + 8, sizeof(a));
    }
    b = a / 2 + (int64_t)data[3] * 65536;
    s.by = PP_LOG_BY_RANGE;
    s.from_time = a;
    s.to_time = b;
    s.newest_first = data[4] & 1u;
    (void)pp_log_read(&v, &s, sink, &cells);
    s.ahead = data[2]; /* read-ahead in blocks of slots */
    (void)pp_log_read_runs(&v, &s, run_sink, &cells);
    s.ahead = 0;
    s.by = PP_LOG_BY_ENTRY;
    s.from_entry = data[5];
    s.to_entry = data[6];
    s.from_value = data[7] % 3u;
    (void)pp_log_read(&v, &s, sink, &cells);
    uint8_t payload[PP_LOGSTORE_MAX_PAYLOAD];
    memset(payload, 0xA5, sizeof(payload));
    int64_t t = ls.last_time;
    if (pp_logstore_append(&ls, t, payload) == PP_OK &&
        (pp_logstore_open(&ls, &fake.port, 0, cap, plen, TAG) != PP_OK ||
         pp_logstore_count(&ls) > cap)) {
        abort(); /* garbage laps may move the head, never past the capacity */
    }
    pp_fake_port_free(&fake);
    return 0;
}
