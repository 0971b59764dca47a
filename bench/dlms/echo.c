/* The baseline: a TCP echo server in one poll() loop, the same shape as the
 * meter's net layer (non-blocking sockets, one thread), so the ratio measures
 * what DLMS costs on top of a loopback round trip. */
#define _GNU_SOURCE /* pthread_setaffinity_np */
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

int bench_pin_enabled = 0;

void bench_pin(int cpu)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (!bench_pin_enabled || cpu < 0 || n < 2) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % n, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

#define ECHO_MAX 256

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *echo_loop(void *arg)
{
    echo_server_t *e = arg;
    bench_pin(0);
    struct pollfd pfd[ECHO_MAX];
    int n = 1;
    pfd[0] = (struct pollfd){.fd = e->listen_fd, .events = POLLIN};
    uint8_t buf[65536];
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
                pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
            }
        }
        for (int i = 1; i < n; i++) {
            if (!pfd[i].revents) {
                continue;
            }
            ssize_t r = read(pfd[i].fd, buf, sizeof buf);
            if (r > 0) {
                for (ssize_t off = 0; off < r;) { /* small answers: the buffer never fills */
                    ssize_t w = write(pfd[i].fd, buf + off, (size_t)(r - off));
                    if (w <= 0 && errno != EAGAIN && errno != EINTR) {
                        break;
                    }
                    off += w > 0 ? w : 0;
                }
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(pfd[i].fd);
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
