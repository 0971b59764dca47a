/* bench_dlms: GET requests per second from DLMS clients over loopback on the
 * TCP wrapper, against a bare TCP echo round trip measured in the same run
 * with the same request and answer sizes and one request outstanding per client.
 *
 *   bench_dlms [--seconds S] [--rounds R] [--clients N] [--history-days D]
 *              [--only clock|register|profile] [--place split|kernel|both]
 * Placement (default both, one after the other):
 *   split   servers (echo loop, meter loop) on one CPU, clients on another, as a
 *           head-end on another machine: the client's own decoding does not
 *           take CPU from the meter, and echo and DLMS see the same
 *           wake-ups. The target applies to it.
 *   kernel  the kernel places every thread (client and server may share a
 *           CPU, and which it is varies from slice to slice); for reference.
 * (each case: R alternating slices of S/R seconds, echo then DLMS; the best
 * slice of each is reported, so load from elsewhere hits both alike)
 *   bench_dlms --probe HOST PORT ...   (see probe.c; used by the e2e test)
 *
 * The meter runs in this process (inproc.c): the host vmeter and net layer
 * of `polyphase run`, RAM NVM, constant 3 kW, its clock first run through
 * D days so the 15-minute load profile holds rows, then real time. Clients
 * associate as the reader (SAP 17, LLS) and GET, each in its own thread:
 *   clock     8 / 0.1.1.0.0.255 / 2
 *   register  3 / 1.1.1.8.0.255 / 2 (A+ total)
 *   profile   7 / 1.1.99.1.0.255 / 2 with a range of one day (96 rows,
 *             several GET-Next round trips per GET)
 * The echo server is one poll() loop like the meter's; each echo client
 * sends as many bytes as its DLMS counterpart's request and gets back as
 * many as the meter's answer (an 8-byte header in the request tells the
 * echo server both), so both sides move the same bytes through the same
 * kernel paths. Ratio = DLMS GET/s / echo round trips/s. A GET answered in
 * several blocks (a client with a small max-receive-pdu-size) would count
 * several DLMS round trips against one echo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bench_dlms.h"
#include "dlms_client.h"

enum { K_CLOCK, K_REGISTER, K_PROFILE, K_COUNT };
static const char *const KIND_NAME[K_COUNT] = {"clock", "register", "profile 1 day"};

typedef struct job {
    int kind;
    bool echo;
    int cpu;                  /* the client thread's CPU, or -1: any */
    uint16_t port;
    size_t req_len;           /* echo: bytes per request */
    size_t resp_len;          /* echo: bytes per answer */
    pthread_barrier_t *ready;
    volatile double *deadline;
    uint64_t ops, exchanges, bytes;
    int failed;
    char msg[300];
    pthread_t th;
} job_t;

static const uint8_t CLOCK_LN[6] = {0, 1, 1, 0, 0, 255};
static const uint8_t APLUS_LN[6] = {1, 1, 1, 8, 0, 255};
static const uint8_t PROFILE_LN[6] = {1, 1, 99, 1, 0, 255};

/* Yesterday 00:00 .. today 00:00 UTC (deviation 0). */
static void day_range(pp_axdr_datetime_t *from, pp_axdr_datetime_t *to)
{
    time_t now = time(NULL);
    pp_axdr_datetime_t *d[2] = {from, to};
    for (int i = 0; i < 2; i++) {
        time_t t = now - (1 - i) * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        *d[i] = (pp_axdr_datetime_t){.year = (uint16_t)(tm.tm_year + 1900),
                                     .month = (uint8_t)(tm.tm_mon + 1), .day = (uint8_t)tm.tm_mday,
                                     .dow = (uint8_t)(tm.tm_wday ? tm.tm_wday : 7),
                                     .deviation = 0, .status = 0};
    }
}

/* The range a client's profile GETs ask for: its descriptor built once,
 * when the client starts, as a head-end polling the same day would. */
typedef struct day {
    uint8_t params[64];
    pp_xdlms_access_t access;
} day_t;

static int day_init(pp_dc_t *c, day_t *day)
{
    pp_axdr_datetime_t from, to;
    day_range(&from, &to);
    return pp_dc_range_access(c, NULL, &from, &to, day->params, sizeof day->params, &day->access);
}

/* One GET; the answer's Data is checked as strictly as when it is copied,
 * and read in place (valid until the next call). */
static int dlms_get(pp_dc_t *c, int kind, const day_t *day, const uint8_t **data, size_t *len)
{
    if (kind == K_CLOCK) {
        return pp_dc_get_in_place(c, 8, CLOCK_LN, 2, NULL, data, len);
    }
    if (kind == K_REGISTER) {
        return pp_dc_get_in_place(c, 3, APLUS_LN, 2, NULL, data, len);
    }
    return pp_dc_get_in_place(c, 7, PROFILE_LN, 2, &day->access, data, len);
}

static void dlms_config(pp_dc_config_t *cfg)
{
    pp_dc_config_default(cfg);
    cfg->client_sap = 17;
    cfg->mechanism = PP_ACSE_MECH_LOW;
    cfg->password = "12345678";
}

static void *dlms_job(void *arg)
{
    job_t *j = arg;
    bench_place(pthread_self(), j->cpu);
    bench_name_thread("dlms-client");
    pp_dc_t *c = malloc(sizeof *c);
    pp_dc_config_t cfg;
    dlms_config(&cfg);
    day_t day;
    int rc = !c ? PP_ERR_NOSPACE : pp_dc_connect(c, &cfg, "127.0.0.1", j->port);
    rc = rc ? rc : pp_dc_associate(c);
    rc = rc ? rc : day_init(c, &day);
    if (rc) {
        snprintf(j->msg, sizeof j->msg, "%s", c ? pp_dc_error(c) : "out of memory");
        j->failed = 1;
    }
    pthread_barrier_wait(j->ready);
    pthread_barrier_wait(j->ready); /* deadline set */
    size_t len;
    const uint8_t *data;
    while (!j->failed && bench_now_s() < *j->deadline) {
        uint32_t before = c->requests;
        if ((rc = dlms_get(c, j->kind, &day, &data, &len)) != 0) {
            snprintf(j->msg, sizeof j->msg, "GET %s: %s", KIND_NAME[j->kind], pp_dc_error(c));
            j->failed = 1;
            break;
        }
        j->ops++;
        j->exchanges += c->requests - before;
        j->bytes += len;
    }
    if (c && !j->failed) {
        (void)pp_dc_release(c);
    }
    if (c) {
        pp_dc_close(c);
    }
    free(c);
    return NULL;
}

static int read_full(int fd, uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r <= 0) {
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void *echo_job(void *arg)
{
    job_t *j = arg;
    bench_place(pthread_self(), j->cpu);
    bench_name_thread("echo-client");
    static _Thread_local uint8_t buf[65536];
    memset(buf, 0xA5, j->req_len);
    const uint32_t req = (uint32_t)j->req_len, resp = (uint32_t)j->resp_len;
    const uint8_t hdr[8] = {(uint8_t)(req >> 24), (uint8_t)(req >> 16), (uint8_t)(req >> 8),
                            (uint8_t)req, (uint8_t)(resp >> 24), (uint8_t)(resp >> 16),
                            (uint8_t)(resp >> 8), (uint8_t)resp};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(j->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        snprintf(j->msg, sizeof j->msg, "echo connect failed");
        j->failed = 1;
    } else {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    pthread_barrier_wait(j->ready);
    pthread_barrier_wait(j->ready);
    while (!j->failed && bench_now_s() < *j->deadline) {
        memcpy(buf, hdr, sizeof hdr);
        if (write(fd, buf, j->req_len) != (ssize_t)j->req_len || read_full(fd, buf, j->resp_len)) {
            snprintf(j->msg, sizeof j->msg, "echo round trip failed");
            j->failed = 1;
            break;
        }
        j->ops++;
        j->exchanges++;
    }
    if (fd >= 0) {
        close(fd);
    }
    return NULL;
}

typedef struct result {
    double ops_s, exch_s, seconds;
    double server_us; /* server thread time per input (echo or meter) */
    double cpu_us;    /* process CPU time (all threads, kernel included) per op */
    int failed;
} result_t;

/* Busy time and inputs of whichever server this run talks to. */
static void server_busy(inproc_meter_t *meter, echo_server_t *echo, uint64_t *ns, uint64_t *inputs)
{
    if (meter) {
        inproc_busy(meter, ns, inputs);
    } else {
        echo_busy(echo, ns, inputs);
    }
}

static result_t run(int kind, inproc_meter_t *meter, echo_server_t *echo_server, uint16_t port,
                    size_t req_len, size_t resp_len, int clients, int client_cpu, double seconds)
{
    const bool echo = meter == NULL;
    uint64_t busy0 = 0, inputs0 = 0, busy1 = 0, inputs1 = 0;
    job_t *jobs = calloc((size_t)clients, sizeof *jobs);
    pthread_barrier_t ready;
    volatile double deadline = 0;
    pthread_barrier_init(&ready, NULL, (unsigned)clients + 1);
    for (int i = 0; i < clients; i++) {
        jobs[i] = (job_t){.kind = kind, .echo = echo, .cpu = client_cpu, .port = port,
                          .req_len = req_len, .resp_len = resp_len, .ready = &ready,
                          .deadline = &deadline};
        pthread_create(&jobs[i].th, NULL, echo ? echo_job : dlms_job, &jobs[i]);
    }
    pthread_barrier_wait(&ready); /* all connected (and associated) */
    server_busy(meter, echo_server, &busy0, &inputs0);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    double t0 = bench_now_s();
    deadline = t0 + seconds;
    pthread_barrier_wait(&ready);
    result_t r = {0};
    for (int i = 0; i < clients; i++) {
        pthread_join(jobs[i].th, NULL);
        r.ops_s += (double)jobs[i].ops;
        r.exch_s += (double)jobs[i].exchanges;
        if (jobs[i].failed) {
            fprintf(stderr, "bench_dlms: %s client %d: %s\n", echo ? "echo" : "dlms", i,
                    jobs[i].msg);
            r.failed = 1;
        }
    }
    r.seconds = bench_now_s() - t0;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    const double cpu_s = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
    r.cpu_us = r.ops_s > 0 ? cpu_s * 1e6 / r.ops_s : 0;
    /* includes the releases at the end: a few of thousands */
    server_busy(meter, echo_server, &busy1, &inputs1);
    r.server_us = inputs1 > inputs0 ? (double)(busy1 - busy0) / 1e3 / (double)(inputs1 - inputs0) : 0;
    r.ops_s /= r.seconds;
    r.exch_s /= r.seconds;
    pthread_barrier_destroy(&ready);
    free(jobs);
    return r;
}

/* One GET of each kind: request size for the echo twin, rows and blocks. */
static int first_look(uint16_t port, size_t req_len[K_COUNT], size_t resp_len[K_COUNT])
{
    pp_dc_t *c = malloc(sizeof *c);
    pp_dc_config_t cfg;
    dlms_config(&cfg);
    int rc = pp_dc_connect(c, &cfg, "127.0.0.1", port);
    rc = rc ? rc : pp_dc_associate(c);
    day_t day;
    rc = rc ? rc : day_init(c, &day);
    for (int k = 0; k < K_COUNT && rc == 0; k++) {
        uint64_t sent = c->bytes_sent, received = c->bytes_received;
        uint32_t before = c->requests, blocks = c->blocks;
        size_t len;
        const uint8_t *data;
        rc = dlms_get(c, k, &day, &data, &len);
        if (rc == 0) {
            /* the first request: everything sent minus the GET-Next requests (15 bytes each) */
            uint32_t next = c->requests - before - 1;
            req_len[k] = (size_t)(c->bytes_sent - sent) - next * 15u;
            resp_len[k] = (size_t)(c->bytes_received - received);
            char text[120];
            pp_dc_format_data(data, len < 100 ? len : 0, text, sizeof text);
            pp_axdr_rd_t rd;
            pp_axdr_value_t v;
            pp_axdr_rd_init(&rd, data, len);
            unsigned rows = pp_axdr_get(&rd, &v) == PP_OK && v.tag == PP_DT_ARRAY ? v.v.count : 0;
            printf("  %-14s request %3zu B, answer %5zu B (%zu B of Data) in %u block(s)%s%s%s\n",
                   KIND_NAME[k], req_len[k], resp_len[k], len, c->blocks - blocks ? c->blocks - blocks : 1,
                   k == K_PROFILE ? "" : ": ", k == K_PROFILE ? "" : text,
                   k == K_PROFILE ? "" : "");
            if (k == K_PROFILE) {
                printf("  %-14s %u rows\n", "", rows);
            }
        }
    }
    if (rc) {
        fprintf(stderr, "bench_dlms: first look: %s\n", pp_dc_error(c));
    } else {
        (void)pp_dc_release(c);
    }
    pp_dc_close(c);
    free(c);
    return rc;
}

enum { PLACE_SPLIT, PLACE_KERNEL, PLACE_COUNT };
static const char *const PLACE_NAME[PLACE_COUNT] = {"split", "kernel"};

/* Every case (1 and N clients, each kind) in one placement; the lowest ratio
 * into *worst. Echo and DLMS alternate in short slices and the best slice
 * of each counts: other load on the machine hits both alike. */
static int run_placement(int place, inproc_meter_t *m, echo_server_t *echo, int only, int clients,
                         int rounds, double seconds, const size_t req_len[K_COUNT],
                         const size_t resp_len[K_COUNT], double *worst)
{
    const int server_cpu = place == PLACE_SPLIT ? 0 : -1;
    const int client_cpu = place == PLACE_SPLIT ? 1 : -1;
    bench_place(echo->thread, server_cpu);
    bench_place(inproc_thread(m), server_cpu);
    printf("\n%s placement: %s\n", PLACE_NAME[place],
           place == PLACE_SPLIT ? "servers on one CPU, clients on another"
                                : "the kernel places every thread");
    printf("%-9s %-14s %12s %12s %14s %7s %9s %9s %9s %9s\n", "clients", "GET", "echo RTT/s",
           "DLMS GET/s", "DLMS APDUs/s", "ratio", "echo us", "meter us", "echo cpu", "DLMS cpu");
    int failed = 0;
    const int counts[2] = {1, clients};
    for (int ci = 0; ci < 2; ci++) {
        for (int k = 0; k < K_COUNT; k++) {
            if (only >= 0 && k != only) {
                continue;
            }
            result_t e = {0}, d = {0};
            for (int r = 0; r < rounds; r++) {
                result_t er = run(k, NULL, echo, echo->port, req_len[k], resp_len[k], counts[ci],
                                  client_cpu, seconds / rounds);
                result_t dr = run(k, m, NULL, inproc_wrapper_port(m), 0, 0, counts[ci], client_cpu,
                                  seconds / rounds);
                failed |= er.failed | dr.failed;
                e = er.ops_s > e.ops_s ? er : e;
                d = dr.ops_s > d.ops_s ? dr : d;
            }
            const double ratio = e.ops_s > 0 ? d.ops_s / e.ops_s : 0;
            *worst = ratio < *worst ? ratio : *worst;
            printf("%-9d %-14s %12.0f %12.0f %14.0f %7.2f %9.1f %9.1f %9.1f %9.1f\n", counts[ci],
                   KIND_NAME[k], e.ops_s, d.ops_s, d.exch_s, ratio, e.server_us, d.server_us,
                   e.cpu_us, d.cpu_us);
            fflush(stdout);
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--probe")) {
        return probe_main(argc - 1, argv + 1);
    }
    bench_place_init();
    double seconds = 2.0;
    int clients = 16;
    double days = 2;
    int rounds = 10;
    int only = -1;
    int place = -1; /* -1 both, else one of PLACE_* */
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--seconds")) {
            seconds = atof(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--clients")) {
            clients = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--pin")) { /* the older name */
            place = PLACE_SPLIT;
        } else if (i + 1 < argc && !strcmp(argv[i], "--place")) {
            const char *w = argv[++i];
            place = !strcmp(w, "split") ? PLACE_SPLIT : !strcmp(w, "kernel") ? PLACE_KERNEL
                  : !strcmp(w, "both") ? -1 : -2;
        } else if (i + 1 < argc && !strcmp(argv[i], "--only")) {
            const char *w = argv[++i];
            only = !strcmp(w, "clock") ? K_CLOCK : !strcmp(w, "register") ? K_REGISTER
                 : !strcmp(w, "profile") ? K_PROFILE : -2;
        } else if (i + 1 < argc && !strcmp(argv[i], "--rounds")) {
            rounds = atoi(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--history-days")) {
            days = atof(argv[++i]);
        } else {
            fprintf(stderr, "usage: bench_dlms [--seconds S] [--rounds R] [--clients N] [--history-days D]\n"
                            "                  [--only clock|register|profile] [--place split|kernel|both]\n"
                            "       bench_dlms --probe HOST PORT [options] COMMAND... (--probe --help)\n");
            return 2;
        }
    }
    if (seconds <= 0 || rounds < 1 || only == -2 || place == -2 || clients < 1 || clients > 64 ||
        days < 1.1) {
        fprintf(stderr, "bench_dlms: --seconds > 0, --rounds >= 1, --clients 1..64, "
                        "--history-days >= 1.1, --only clock|register|profile, "
                        "--place split|kernel|both\n");
        return 2;
    }
    if (!bench_can_split() && place != PLACE_KERNEL) {
        printf("bench_dlms: one CPU to run on: split placement needs two, kernel placement only\n");
        place = PLACE_KERNEL;
    }
    char err[256];
    double t0 = bench_now_s();
    inproc_meter_t *m = inproc_start((int64_t)(days * 86400), err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench_dlms: meter did not start: %s\n", err);
        return 1;
    }
    echo_server_t echo;
    if (echo_start(&echo) < 0) {
        fprintf(stderr, "bench_dlms: echo server did not start\n");
        return 1;
    }
    printf("bench_dlms: meter %s in-process (%.1f days of history in %.2f s), wrapper on "
           "127.0.0.1:%u, echo on :%u; reader association (SAP 17, LLS)\n",
           inproc_meter_number(m), days, bench_now_s() - t0, inproc_wrapper_port(m), echo.port);
    size_t req_len[K_COUNT], resp_len[K_COUNT];
    if (first_look(inproc_wrapper_port(m), req_len, resp_len) != 0) {
        return 1;
    }
    double worst[PLACE_COUNT] = {1e9, 1e9};
    int failed = 0;
    for (int p = 0; p < PLACE_COUNT; p++) {
        if (place < 0 || place == p) {
            failed |= run_placement(p, m, &echo, only, clients, rounds, seconds, req_len, resp_len,
                                    &worst[p]);
        }
    }
    printf("\nratio = DLMS GET/s over echo round trips/s (same request and answer sizes, one outstanding "
           "per client; best of %d slices each);\ntarget >= 0.80 in split placement", rounds);
    for (int p = 0; p < PLACE_COUNT; p++) {
        if (worst[p] < 1e9) {
            printf("; lowest %s %.2f", PLACE_NAME[p], worst[p]);
        }
    }
    printf("\necho us, meter us = server thread time per request from bytes in to answer written; "
           "echo cpu, DLMS cpu = process CPU time\n(all threads, kernel included) per round trip "
           "or GET; both of the best slice, in us\n");
    echo_stop(&echo);
    inproc_stop(m);
    return failed ? 1 : 0;
}
