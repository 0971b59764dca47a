/* The virtual meter's network loop (src/port/host/net.c) over loopback:
 * an echo owner answers every byte; many clients at once, thousands of
 * connections opened and closed (connection-id table with deletions),
 * a client that does not read (output queued, then delivered), and a pty
 * without a reader (the loop must not spin). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net.h"

typedef struct echo {
    pp_net_t *net;
    unsigned opened, closed;
    size_t bytes;
} echo_t;

static void on_open(void *owner, pp_channel_t ch, unsigned conn)
{
    (void)ch;
    (void)conn;
    ((echo_t *)owner)->opened++;
}

static void on_data(void *owner, pp_channel_t ch, unsigned conn, const uint8_t *data, size_t len)
{
    echo_t *e = owner;
    e->bytes += len;
    assert_int_equal(pp_net_write(e->net, ch, conn, data, len), PP_OK);
}

static void on_close(void *owner, pp_channel_t ch, unsigned conn)
{
    (void)ch;
    (void)conn;
    ((echo_t *)owner)->closed++;
}

static const pp_net_callbacks_t CB = {on_open, on_data, on_close};

static int start(echo_t *e)
{
    char err[128];
    memset(e, 0, sizeof *e);
    e->net = pp_net_new(&CB);
    assert_non_null(e->net);
    int port = pp_net_listen_tcp(e->net, e, PP_CH_DLMS_WRAPPER, "127.0.0.1", 0, err, sizeof err);
    assert_true(port > 0);
    return port;
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Polls until the client has len bytes back (or gives up). */
static void expect_echo(echo_t *e, int fd, const char *msg)
{
    size_t len = strlen(msg), got = 0;
    char buf[256];
    assert_int_equal(write(fd, msg, len), (ssize_t)len);
    for (int i = 0; i < 1000 && got < len; i++) {
        pp_net_poll(e->net, 5);
        ssize_t n = recv(fd, buf + got, sizeof buf - got, MSG_DONTWAIT);
        got += n > 0 ? (size_t)n : 0;
    }
    assert_int_equal(got, len);
    assert_memory_equal(buf, msg, len);
}

static void many_clients_each_get_their_own_answer(void **state)
{
    (void)state;
    echo_t e;
    int port = start(&e);
    enum { N = 200 };
    int fd[N];
    for (int i = 0; i < N; i++) {
        fd[i] = dial(port);
        pp_net_poll(e.net, 0); /* accept as they come (the backlog is 128) */
    }
    for (int i = 0; i < 50 && e.opened < N; i++) {
        pp_net_poll(e.net, 5);
    }
    assert_int_equal(e.opened, N);
    assert_int_equal(pp_net_open_connections(e.net), N);
    for (int i = N - 1; i >= 0; i--) { /* reverse order: lookups by id, not by position */
        char msg[32];
        snprintf(msg, sizeof msg, "client %d", i);
        expect_echo(&e, fd[i], msg);
    }
    for (int i = 0; i < N; i++) {
        close(fd[i]);
    }
    for (int i = 0; i < 100 && e.closed < N; i++) {
        pp_net_poll(e.net, 5);
    }
    assert_int_equal(e.closed, N);
    assert_int_equal(pp_net_open_connections(e.net), 0);
    pp_net_free(e.net);
}

/* 10,000 connections over time, some kept open across the churn: more ids
 * than the id table has places, so deletions and wrapped probe runs are
 * exercised; the kept ones must still be found. The short-lived clients
 * close with a reset, so they leave no TIME_WAIT ports behind for other
 * tests running at the same time. */
static void churn_keeps_lookups_right(void **state)
{
    (void)state;
    echo_t e;
    int port = start(&e);
    int keep[8];
    for (int k = 0; k < 8; k++) {
        keep[k] = dial(port);
    }
    for (int round = 0; round < 100; round++) {
        int fd[100];
        for (int i = 0; i < 100; i++) {
            fd[i] = dial(port);
        }
        pp_net_poll(e.net, 5);
        pp_net_poll(e.net, 5);
        for (int i = 0; i < 100; i++) {
            struct linger reset = {.l_onoff = 1, .l_linger = 0};
            setsockopt(fd[i], SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            close(fd[i]);
        }
        for (int i = 0; i < 20; i++) {
            pp_net_poll(e.net, 1);
        }
    }
    for (int i = 0; i < 200 && pp_net_open_connections(e.net) != 8; i++) {
        pp_net_poll(e.net, 5);
    }
    assert_int_equal(pp_net_open_connections(e.net), 8);
    assert_true(e.opened >= 10008);
    for (int k = 0; k < 8; k++) {
        expect_echo(&e, keep[k], "still here");
        close(keep[k]);
    }
    pp_net_free(e.net);
}

/* A client that does not read: 2 MB queue in the meter (never blocking the
 * loop), then all of it arrives once the client reads. */
static void slow_reader_is_queued_not_waited_for(void **state)
{
    (void)state;
    echo_t e;
    int port = start(&e);
    int slow = dial(port), quick = dial(port);
    for (int i = 0; i < 20 && e.opened < 2; i++) {
        pp_net_poll(e.net, 5);
    }
    static uint8_t chunk[65536];
    memset(chunk, 0x5A, sizeof chunk);
    size_t sent = 0;
    for (int i = 0; i < 32; i++) { /* 2 MB the slow client never reads yet */
        ssize_t n = send(slow, chunk, sizeof chunk, MSG_DONTWAIT);
        sent += n > 0 ? (size_t)n : 0;
        pp_net_poll(e.net, 1);
    }
    expect_echo(&e, quick, "not delayed"); /* the other client is served meanwhile */
    size_t got = 0;
    for (int i = 0; i < 20000 && got < sent; i++) {
        pp_net_poll(e.net, 1);
        ssize_t n = recv(slow, chunk, sizeof chunk, MSG_DONTWAIT);
        got += n > 0 ? (size_t)n : 0;
    }
    assert_true(sent > 0);
    assert_int_equal(got, sent);
    close(slow);
    close(quick);
    pp_net_free(e.net);
}

/* A pty nobody has opened reports hang-up; the loop must sleep, not spin:
 * 300 ms of polls with a 50 ms timeout wake only a handful of times. */
static void pty_without_reader_does_not_spin(void **state)
{
    (void)state;
    echo_t e;
    char err[128], path[64];
    memset(&e, 0, sizeof e);
    e.net = pp_net_new(&CB);
    snprintf(path, sizeof path, "/tmp/pp_test_net_pty_%d", (int)getpid());
    assert_true(pp_net_open_pty(e.net, &e, PP_CH_DLMS_HDLC, path, err, sizeof err) > 0);
    int wakes = 0;
    for (int i = 0; i < 6; i++) {
        wakes += pp_net_poll(e.net, 50) > 0;
    }
    assert_true(wakes <= 4);
    pp_net_free(e.net);
    assert_int_equal(access(path, F_OK), -1); /* the link is removed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_clients_each_get_their_own_answer),
        cmocka_unit_test(churn_keeps_lookups_right),
        cmocka_unit_test(slow_reader_is_queued_not_waited_for),
        cmocka_unit_test(pty_without_reader_does_not_spin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
