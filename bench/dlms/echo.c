/* The baseline: a TCP echo server in one poll() loop, the same shape as the
 * meter's net layer (non-blocking sockets, one thread), answering each
 * request with as many bytes as the meter answers its DLMS twin, so the
 * ratio measures what DLMS costs on top of the same loopback exchange. */
#define _GNU_SOURCE /* pthread_setaffinity_np, pthread_setname_np */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "bench_dlms.h"

#include <sched.h>

/* The CPUs the process was started on (taskset): placements stay in them. */
static cpu_set_t started_on;

void bench_place_init(void)
{
    if (pthread_getaffinity_np(pthread_self(), sizeof started_on, &started_on) != 0) {
        CPU_ZERO(&started_on);
    }
}

bool bench_can_split(void)
{
    return CPU_COUNT(&started_on) >= 2;
}

void bench_place(pthread_t th, int cpu)
{
    cpu_set_t set = started_on;
    if (cpu >= 0 && CPU_COUNT(&started_on) > 0) {
        int nth = cpu % CPU_COUNT(&started_on);
        CPU_ZERO(&set);
        for (int i = 0; i < CPU_SETSIZE; i++) {
            if (CPU_ISSET(i, &started_on) && nth-- == 0) {
                CPU_SET(i, &set);
                break;
            }
        }
    }
    if (CPU_COUNT(&set) > 0) {
        (void)pthread_setaffinity_np(th, sizeof set, &set);
    }
}

void bench_name_thread(const char *name)
{
    (void)pthread_setname_np(pthread_self(), name); /* for perf --sort comm */
}

#define ECHO_MAX 256

uint64_t bench_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void echo_busy(echo_server_t *e, uint64_t *ns, uint64_t *inputs)
{
    *ns = atomic_load_explicit(&e->busy_ns, memory_order_relaxed);
    *inputs = atomic_load_explicit(&e->inputs, memory_order_relaxed);
}

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One connection's request in progress: the 8-byte header says how long the
 * request is and how many bytes to answer (a request may arrive in pieces). */
typedef struct echo_conn {
    uint8_t hdr[8];
    uint32_t have, req_len, resp_len;
} echo_conn_t;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void answer(int fd, const uint8_t *buf, uint32_t n)
{
    for (uint32_t off = 0; off < n;) { /* answers fit the socket buffer */
        ssize_t w = write(fd, buf + off, n - off);
        if (w <= 0 && errno != EAGAIN && errno != EINTR) {
            break;
        }
        off += w > 0 ? (uint32_t)w : 0;
    }
}

/* Consumes r bytes of a connection's stream, answering every complete request. */
static void consume(echo_conn_t *c, int fd, const uint8_t *in, size_t r, const uint8_t *out)
{
    for (size_t i = 0; i < r; i++) {
        if (c->have < 8) {
            c->hdr[c->have] = in[i];
            if (++c->have == 8) {
                c->req_len = be32(c->hdr);
                c->resp_len = be32(c->hdr + 4);
            }
        } else {
            c->have++;
        }
        if (c->have >= 8 && c->have >= c->req_len) {
            answer(fd, out, c->resp_len);
            c->have = 0;
        }
    }
}

static void *echo_loop(void *arg)
{
    echo_server_t *e = arg;
    bench_name_thread("echo-server");
    struct pollfd pfd[ECHO_MAX];
    static echo_conn_t conn[ECHO_MAX]; /* one echo server per process */
    int n = 1;
    pfd[0] = (struct pollfd){.fd = e->listen_fd, .events = POLLIN};
    static uint8_t buf[65536], out[65536];
    memset(out, 0x5A, sizeof out);
    while (!e->stop) {
        if (poll(pfd, (nfds_t)n, 1) <= 0) { /* 1 ms, as the meter loop wakes */
            continue;
        }
        if ((pfd[0].revents & POLLIN) && n < ECHO_MAX) {
            int fd = accept(e->listen_fd, NULL, NULL);
            if (fd >= 0) {
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                memset(&conn[n], 0, sizeof conn[n]);
                pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
            }
        }
        for (int i = 1; i < n; i++) {
            if (!pfd[i].revents) {
                continue;
            }
            ssize_t r = read(pfd[i].fd, buf, sizeof buf);
            if (r > 0) {
                const uint64_t t0 = bench_mono_ns();
                consume(&conn[i], pfd[i].fd, buf, (size_t)r, out);
                atomic_fetch_add_explicit(&e->busy_ns, bench_mono_ns() - t0, memory_order_relaxed);
                atomic_fetch_add_explicit(&e->inputs, 1, memory_order_relaxed);
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(pfd[i].fd);
                conn[i] = conn[n - 1];
                pfd[i--] = pfd[--n];
            }
        }
    }
    for (int i = 0; i < n; i++) {
        close(pfd[i].fd);
    }
    return NULL;
}

int echo_start(echo_server_t *e)
{
    memset(e, 0, sizeof *e);
    e->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (e->listen_fd < 0 || bind(e->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(e->listen_fd, 64) < 0 ||
        getsockname(e->listen_fd, (struct sockaddr *)&a, &alen) < 0) {
        return -1;
    }
    e->port = ntohs(a.sin_port);
    return pthread_create(&e->thread, NULL, echo_loop, e) == 0 ? 0 : -1;
}

void echo_stop(echo_server_t *e)
{
    e->stop = true;
    pthread_join(e->thread, NULL);
}
