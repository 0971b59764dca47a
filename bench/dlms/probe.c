/* bench_dlms --probe: reads a running meter with the test client and prints
 * one line per command, so shell tests can check decoded values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_dlms.h"
#include "dlms_client.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_dlms --probe HOST PORT [options] COMMAND...\n"
            "options: --hdlc (HDLC over TCP; default the wrapper)  --sap N (client SAP, 16)\n"
            "  --password P (LLS)  --hls (HLS-GMAC, ciphered)  --physical N (HDLC lower address)\n"
            "  --addr-len 1|2|4  --max-info N  --timeout MS  --no-assoc\n"
            "  --ic N (first invocation counter sent, HLS)  --ic-from-meter (read the last\n"
            "    accepted one, 0.0.43.1.1.255, as the public client first; send it + 1)\n"
            "commands, run in order after the association:\n"
            "  get CLASS OBIS ATTR             e.g. get 8 0.1.1.0.0.255 2\n"
            "  range OBIS FROM TO              profile buffer; FROM/TO YYYY-MM-DDTHH:MM UTC, or\n"
            "                                  'yesterday' / 'today' / 'now' (00:00 UTC, now)\n"
            "  entry OBIS FROM TO              profile buffer by entries (TO 0: last)\n"
            "  rows OBIS FROM TO               like range, prints only the row count\n"
            "  set CLASS OBIS ATTR HEXDATA     A-XDR Data in hex\n"
            "  action CLASS OBIS METHOD [HEX]\n"
            "  raw HEX                         one APDU; prints the answer in hex\n"
            "  release\n"
            "each prints 'OK ...' or 'ERR <code> <message>'; exit status: failed commands\n");
}

static int parse_time(const char *s, pp_axdr_datetime_t *dt)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!strcmp(s, "yesterday") || !strcmp(s, "today") || !strcmp(s, "now")) {
        time_t t = now - (!strcmp(s, "yesterday") ? 86400 : 0);
        gmtime_r(&t, &tm);
        if (strcmp(s, "now")) {
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        }
    } else {
        memset(&tm, 0, sizeof tm);
        if (sscanf(s, "%d-%d-%dT%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min) != 5) {
            return -1;
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        time_t t = timegm(&tm);
        gmtime_r(&t, &tm); /* weekday */
    }
    *dt = (pp_axdr_datetime_t){.year = (uint16_t)(tm.tm_year + 1900),
                               .month = (uint8_t)(tm.tm_mon + 1), .day = (uint8_t)tm.tm_mday,
                               .dow = (uint8_t)(tm.tm_wday ? tm.tm_wday : 7),
                               .hour = (uint8_t)tm.tm_hour, .minute = (uint8_t)tm.tm_min,
                               .second = (uint8_t)tm.tm_sec, .deviation = 0, .status = 0};
    return 0;
}

static void print_data(const char *what, const uint8_t *data, size_t len, bool rows_only)
{
    static char text[1 << 20];
    if (rows_only) {
        pp_axdr_rd_t rd;
        pp_axdr_value_t v;
        pp_axdr_rd_init(&rd, data, len);
        bool ok = pp_axdr_get(&rd, &v) == PP_OK && v.tag == PP_DT_ARRAY;
        printf("%s: OK %u rows, %zu bytes\n", what, ok ? v.v.count : 0, len);
        return;
    }
    if (pp_dc_format_data(data, len, text, sizeof text) < 0) {
        printf("%s: ERR malformed Data\n", what);
        return;
    }
    printf("%s: OK %s\n", what, text);
}

static int hex_arg(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; s[0] && s[1] && n < cap; s += 2) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) {
            return -1;
        }
        out[n++] = (uint8_t)v;
    }
    return *s ? -1 : (int)n;
}

/* Runs argv[0..] as one command; returns the arguments used (0: bad). */
static int command(pp_dc_t *c, int argc, char **argv, int *failures)
{
    static uint8_t data[PP_DC_MAX_DATA];
    uint8_t ln[6], buf[2048];
    size_t len = 0;
    char what[256];
    int rc, used;
    const char *cmd = argv[0];
    if (!strcmp(cmd, "get") && argc >= 4 && !pp_dc_parse_obis(argv[2], ln)) {
        rc = pp_dc_get(c, (uint16_t)atoi(argv[1]), ln, (int8_t)atoi(argv[3]), NULL, data,
                       sizeof data, &len);
        used = 4;
    } else if ((!strcmp(cmd, "range") || !strcmp(cmd, "rows")) && argc >= 4 &&
               !pp_dc_parse_obis(argv[1], ln)) {
        pp_axdr_datetime_t from, to;
        if (parse_time(argv[2], &from) || parse_time(argv[3], &to)) {
            return 0;
        }
        rc = pp_dc_get_range(c, ln, NULL, &from, &to, data, sizeof data, &len);
        used = 4;
    } else if (!strcmp(cmd, "entry") && argc >= 4 && !pp_dc_parse_obis(argv[1], ln)) {
        rc = pp_dc_get_entry(c, ln, (uint32_t)atol(argv[2]), (uint32_t)atol(argv[3]), data,
                             sizeof data, &len);
        used = 4;
    } else if (!strcmp(cmd, "set") && argc >= 5 && !pp_dc_parse_obis(argv[2], ln)) {
        int n = hex_arg(argv[4], buf, sizeof buf);
        if (n < 0) {
            return 0;
        }
        rc = pp_dc_set(c, (uint16_t)atoi(argv[1]), ln, (int8_t)atoi(argv[3]), buf, (size_t)n);
        used = 5;
    } else if (!strcmp(cmd, "action") && argc >= 4 && !pp_dc_parse_obis(argv[2], ln)) {
        int n = argc >= 5 ? hex_arg(argv[4], buf, sizeof buf) : -1;
        used = n >= 0 ? 5 : 4;
        rc = pp_dc_action(c, (uint16_t)atoi(argv[1]), ln, (int8_t)atoi(argv[3]),
                          n > 0 ? buf : NULL, n > 0 ? (size_t)n : 0, data, sizeof data, &len);
    } else if (!strcmp(cmd, "raw") && argc >= 2) {
        int n = hex_arg(argv[1], buf, sizeof buf);
        if (n <= 0) {
            return 0;
        }
        rc = pp_dc_exchange(c, buf, (size_t)n);
        used = 2;
        snprintf(what, sizeof what, "raw %s", argv[1]);
        if (rc == 0) {
            printf("%s: OK ", what);
            for (size_t i = 0; i < c->resp_len; i++) {
                printf("%02X", c->resp[i]);
            }
            printf("\n");
            return used;
        }
    } else if (!strcmp(cmd, "release")) {
        rc = pp_dc_release(c);
        used = 1;
    } else {
        return 0;
    }
    what[0] = 0;
    for (int i = 0; i < used; i++) {
        size_t w = strlen(what);
        snprintf(what + w, sizeof what - w, "%s%s", i ? " " : "", argv[i]);
    }
    if (rc != 0) {
        printf("%s: ERR %d %s\n", what, rc, pp_dc_error(c));
        (*failures)++;
    } else if (len > 0) {
        print_data(what, data, len, !strcmp(cmd, "rows"));
    } else {
        printf("%s: OK\n", what);
    }
    fflush(stdout);
    return used;
}

/* What a head-end does before HLS: read the invocation counter the meter
 * last accepted from the management client (public association, same
 * transport) and continue above it. */
static int ic_from_meter(const pp_dc_config_t *hls, const char *host, uint16_t port,
                         uint32_t *ic)
{
    static const uint8_t IC_LN[6] = {0, 0, 43, 1, 1, 255};
    pp_dc_config_t cfg = *hls;
    cfg.client_sap = 16;
    cfg.mechanism = PP_ACSE_MECH_NONE;
    cfg.ciphered = false;
    cfg.password = NULL;
    static pp_dc_t c;
    uint8_t data[16];
    size_t n = 0;
    pp_axdr_rd_t rd;
    uint32_t last = 0;
    int rc = pp_dc_connect(&c, &cfg, host, port);
    if (rc == 0 && (rc = pp_dc_associate(&c)) == 0 &&
        (rc = pp_dc_get(&c, 1, IC_LN, 2, NULL, data, sizeof data, &n)) == 0) {
        pp_axdr_rd_init(&rd, data, n);
        rc = pp_axdr_get_u32(&rd, &last);
        (void)pp_dc_release(&c);
    }
    if (rc != 0) {
        printf("invocation counter: ERR %d %s\n", rc, pp_dc_error(&c));
    }
    pp_dc_close(&c);
    *ic = last + 1u;
    return rc;
}

int probe_main(int argc, char **argv)
{
    if (argc < 3 || !strcmp(argv[1], "--help")) {
        usage(argc < 3 ? stderr : stdout);
        return argc < 3 ? 2 : 0;
    }
    pp_dc_config_t cfg;
    pp_dc_config_default(&cfg);
    const char *host = argv[1];
    uint16_t port = (uint16_t)atoi(argv[2]);
    bool assoc = true, read_ic = false;
    int i = 3;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--hdlc")) {
            cfg.transport = PP_DC_HDLC;
        } else if (!strcmp(a, "--no-assoc")) {
            assoc = false;
        } else if (!strcmp(a, "--hls")) {
            cfg.mechanism = PP_ACSE_MECH_HIGH_GMAC;
            cfg.ciphered = true;
        } else if (!strcmp(a, "--ic-from-meter")) {
            read_ic = true;
        } else if (v && !strcmp(a, "--ic")) {
            cfg.invocation_counter = (uint32_t)strtoul(v, NULL, 0), i++;
        } else if (v && !strcmp(a, "--sap")) {
            cfg.client_sap = (uint8_t)atoi(v), i++;
        } else if (v && !strcmp(a, "--password")) {
            cfg.password = v, cfg.mechanism = PP_ACSE_MECH_LOW, i++;
        } else if (v && !strcmp(a, "--physical")) {
            cfg.server_physical = (uint16_t)atoi(v), i++;
        } else if (v && !strcmp(a, "--addr-len")) {
            cfg.hdlc_addr_len = (uint8_t)atoi(v), i++;
        } else if (v && !strcmp(a, "--max-info")) {
            cfg.hdlc_max_info = (uint16_t)atoi(v), i++;
        } else if (v && !strcmp(a, "--timeout")) {
            cfg.timeout_ms = atoi(v), i++;
        } else {
            fprintf(stderr, "bench_dlms --probe: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (read_ic && ic_from_meter(&cfg, host, port, &cfg.invocation_counter) != 0) {
        return 102;
    }
    static pp_dc_t c;
    if (pp_dc_connect(&c, &cfg, host, port) != 0) {
        printf("connect: ERR %s\n", pp_dc_error(&c));
        return 100;
    }
    if (assoc) {
        int rc = pp_dc_associate(&c);
        if (rc != 0) {
            printf("associate: ERR %d %s\n", rc, pp_dc_error(&c));
            pp_dc_close(&c);
            return 101;
        }
        printf("associate: OK conformance %06X, server max PDU %u\n", (unsigned)c.conformance,
               c.server_max_pdu);
    }
    int failures = 0;
    while (i < argc) {
        int used = command(&c, argc - i, argv + i, &failures);
        if (used == 0) {
            fprintf(stderr, "bench_dlms --probe: bad command at '%s'\n", argv[i]);
            pp_dc_close(&c);
            return 2;
        }
        i += used;
    }
    pp_dc_close(&c);
    return failures > 99 ? 99 : failures;
}
