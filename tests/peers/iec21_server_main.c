/* A test-only optical port on TCP: the core's IEC 62056-21 session over a
 * fixed register table, for interoperability tests with independent readers
 * (tests/integration/test_iec21_peer.sh). Not part of the virtual meter; the
 * real meter's optical TCP port replaces it once wired.
 *
 * usage: iec21_server PORTFILE EXPECTED_JSON [time_scale]
 * Listens on 127.0.0.1 on a free port, writes the port number to PORTFILE
 * and the registers it serves (OBIS -> value, unit) to EXPECTED_JSON, then
 * serves one client at a time until killed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "polyphase/iec62056_21.h"

typedef struct reg {
    uint8_t obis[6];
    const char *value, *unit, *value2;
} reg_t;

/* Values chosen to look like a household meter after a year. */
static const reg_t regs[] = {
    {{0, 0, 96, 1, 0, 255}, "57123456", "", ""},
    {{1, 0, 0, 2, 0, 255}, "PP-0.1.0", "", ""},
    {{1, 0, 0, 9, 1, 255}, "143015", "", ""},
    {{1, 0, 0, 9, 2, 255}, "240615", "", ""},
    {{1, 0, 1, 8, 0, 255}, "0004321.987", "kWh", ""},
    {{1, 0, 2, 8, 0, 255}, "0000123.456", "kWh", ""},
    {{1, 0, 3, 8, 0, 255}, "0000512.250", "kvarh", ""},
    {{1, 0, 4, 8, 0, 255}, "0000075.125", "kvarh", ""},
    {{1, 0, 1, 8, 1, 255}, "0002800.500", "kWh", ""},
    {{1, 0, 1, 8, 2, 255}, "0001521.487", "kWh", ""},
    {{1, 0, 1, 6, 0, 255}, "07.420", "kW", "2406121815"},
    {{1, 0, 0, 1, 0, 255}, "12", "", ""},
    {{0, 0, 96, 7, 21, 255}, "3", "", ""},
};
#define NREGS (sizeof regs / sizeof regs[0])

static const reg_t *find(const uint8_t obis[6])
{
    for (size_t i = 0; i < NREGS; i++) {
        if (memcmp(regs[i].obis, obis, 6) == 0) {
            return &regs[i];
        }
    }
    return NULL;
}

static pp_err_t s_read(void *ctx, unsigned access, const uint8_t obis[6], pp_iec21_value_t *out,
                       uint64_t now_ms)
{
    (void)ctx, (void)access, (void)now_ms;
    const reg_t *r = find(obis);
    if (r == NULL) {
        return PP_ERR_NOT_FOUND;
    }
    snprintf(out->text, sizeof out->text, "%s", r->value);
    snprintf(out->unit, sizeof out->unit, "%s", r->unit);
    snprintf(out->text2, sizeof out->text2, "%s", r->value2);
    return PP_OK;
}

static pp_iec21_write_result_t s_write(void *ctx, unsigned access, const uint8_t obis[6],
                                       const char *value, size_t len, uint64_t now_ms)
{
    (void)ctx, (void)access, (void)value, (void)len, (void)now_ms;
    return find(obis) ? PP_IEC21_WRITE_LEGAL : PP_IEC21_WRITE_UNKNOWN;
}

static pp_err_t s_item(void *ctx, unsigned list, size_t index, uint8_t obis[6])
{
    (void)ctx;
    return pp_iec21_default_item(list, index, obis);
}

static int client = -1;

static pp_err_t s_stream_write(void *ctx, pp_channel_t ch, unsigned conn, const uint8_t *src,
                               size_t len)
{
    (void)ctx, (void)ch, (void)conn;
    while (len > 0 && client >= 0) {
        ssize_t n = write(client, src, len);
        if (n <= 0) {
            return PP_ERR_PORT;
        }
        src += n;
        len -= (size_t)n;
    }
    return PP_OK;
}

static pp_err_t s_set_baud(void *ctx, pp_channel_t ch, unsigned conn, uint32_t baud)
{
    (void)ctx, (void)ch, (void)conn;
    fprintf(stderr, "iec21_server: baud %u\n", (unsigned)baud);
    return PP_OK;
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void write_expected(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fprintf(f, "{");
    for (size_t i = 0; i < NREGS; i++) {
        char id[32];
        pp_iec21_format_obis(id, sizeof id, regs[i].obis);
        fprintf(f, "%s\n \"%s\": {\"value\": \"%s\", \"unit\": \"%s\", \"value2\": \"%s\"}",
                i ? "," : "", id, regs[i].value, regs[i].unit, regs[i].value2);
    }
    fprintf(f, "\n}\n");
    fclose(f);
}

static int listen_any(const char *portfile)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) != 0) {
        perror("iec21_server: listen");
        exit(1);
    }
    FILE *f = fopen(portfile, "w");
    if (f == NULL) {
        perror(portfile);
        exit(1);
    }
    fprintf(f, "%u\n", (unsigned)ntohs(a.sin_port));
    fclose(f);
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORTFILE EXPECTED_JSON [time_scale]\n", argv[0]);
        return 2;
    }
    write_expected(argv[2]);
    pp_port_t port = {0};
    port.stream_write = s_stream_write;
    port.stream_set_baud = s_set_baud;
    pp_iec21_provider_t prov = {NULL, s_read, s_write, s_item};
    pp_iec21_config_t cfg;
    pp_iec21_config_default(&cfg);
    cfg.time_scale = argc > 3 ? (uint32_t)atoi(argv[3]) : 1u;
    int lsock = listen_any(argv[1]);
    for (;;) {
        client = accept(lsock, NULL, NULL);
        if (client < 0) {
            continue;
        }
        pp_iec21_session_t s;
        if (pp_iec21_session_init(&s, &cfg, &port, 0, &prov, now_ms()) != PP_OK) {
            return 1;
        }
        for (;;) {
            uint64_t next = pp_iec21_session_next_ms(&s), now = now_ms();
            int wait = next == UINT64_MAX ? 1000 : (next > now ? (int)(next - now) : 0);
            struct pollfd p = {.fd = client, .events = POLLIN};
            if (poll(&p, 1, wait) > 0) {
                uint8_t buf[256];
                ssize_t n = read(client, buf, sizeof buf);
                if (n <= 0) {
                    break;
                }
                (void)pp_iec21_session_receive(&s, buf, (size_t)n, now_ms());
            }
            (void)pp_iec21_session_poll(&s, now_ms());
        }
        close(client);
        client = -1;
        fprintf(stderr, "iec21_server: client gone (readouts %u, sign-ons %u)\n",
                (unsigned)s.stats.readouts, (unsigned)s.stats.sign_ons);
    }
}
