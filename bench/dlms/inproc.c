/* The meter under test, in this process: the same vmeter and net layer as
 * `polyphase run` (host configuration defaults, RAM NVM, constant 3 kW
 * load), on a virtual clock. It first runs history_s seconds of meter time
 * as fast as it can (so the load profile holds days of rows), then follows
 * real time. Only the meter thread touches the meter and the net layer. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_dlms.h"
#include "meter_setup.h"
#include "vmeter.h"

struct inproc_meter {
    pp_hostcfg_t hc;
    pp_vmeter_t v;
    pp_net_t *net;
    int wrapper_port, hdlc_port;
    volatile bool stop;
    pthread_t thread;
    /* Time in the meter's input handler (decode, DLMS, answer handed to the
     * socket), summed by the meter thread. */
    _Atomic uint64_t busy_ns, inputs;
};

static void timed_data(void *owner, pp_channel_t ch, unsigned conn, const uint8_t *d, size_t n)
{
    inproc_meter_t *m = owner;
    const uint64_t t0 = bench_mono_ns();
    pp_vmeter_net_callbacks.on_data(&m->v, ch, conn, d, n);
    atomic_fetch_add_explicit(&m->busy_ns, bench_mono_ns() - t0, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->inputs, 1, memory_order_relaxed);
}

static void fwd_open(void *owner, pp_channel_t ch, unsigned conn)
{
    pp_vmeter_net_callbacks.on_open(&((inproc_meter_t *)owner)->v, ch, conn);
}

static void fwd_close(void *owner, pp_channel_t ch, unsigned conn)
{
    pp_vmeter_net_callbacks.on_close(&((inproc_meter_t *)owner)->v, ch, conn);
}

static const pp_net_callbacks_t TIMED = {.on_open = fwd_open, .on_data = timed_data,
                                         .on_close = fwd_close};

void inproc_busy(inproc_meter_t *m, uint64_t *ns, uint64_t *inputs)
{
    *ns = atomic_load_explicit(&m->busy_ns, memory_order_relaxed);
    *inputs = atomic_load_explicit(&m->inputs, memory_order_relaxed);
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void *meter_loop(void *arg)
{
    inproc_meter_t *m = arg;
    bench_name_thread("meter");
    uint64_t last = mono_ms();
    while (!m->stop) {
        pp_net_poll(m->net, 1);
        uint64_t t = mono_ms();
        if (t > last) { /* the virtual clock follows real time from here on */
            pp_host_port_advance(&m->v.hp, t - last);
            last = t;
        }
        pp_vmeter_step(&m->v);
    }
    return NULL;
}

inproc_meter_t *inproc_start(int64_t history_s, char *err, size_t errlen)
{
    inproc_meter_t *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pp_hostcfg_defaults(&m->hc);
    m->net = pp_net_new(&TIMED);
    int64_t start = pp_host_utc_now_ms() - history_s * 1000;
    if (pp_vmeter_start(&m->v, &m->hc, NULL, "constant:3000", 1, 1.0, start, m->net, err,
                        errlen) < 0) {
        free(m);
        return NULL;
    }
    m->v.hp.log_level = PP_LOG_WARN;
    /* Switch to the virtual clock where real time has brought it, then run
     * the history in one-hour steps. */
    m->v.hp.virtual_ms = m->v.hp.port.monotonic_ms(m->v.hp.port.ctx);
    m->v.hp.clock_mode = PP_HOST_CLOCK_VIRTUAL;
    for (int64_t s = 0; s < history_s; s += 3600) {
        pp_host_port_advance(&m->v.hp, (uint64_t)(history_s - s < 3600 ? history_s - s : 3600) * 1000u);
        pp_vmeter_step(&m->v);
    }
    m->wrapper_port = pp_net_listen_tcp(m->net, m, PP_CH_DLMS_WRAPPER, "127.0.0.1", 0, err, errlen);
    m->hdlc_port = pp_net_listen_tcp(m->net, m, PP_CH_DLMS_HDLC, "127.0.0.1", 0, err, errlen);
    if (m->wrapper_port < 0 || m->hdlc_port < 0 ||
        pthread_create(&m->thread, NULL, meter_loop, m) != 0) {
        pp_vmeter_stop(&m->v);
        free(m);
        return NULL;
    }
    return m;
}

uint16_t inproc_wrapper_port(const inproc_meter_t *m)
{
    return (uint16_t)m->wrapper_port;
}

uint16_t inproc_hdlc_port(const inproc_meter_t *m)
{
    return (uint16_t)m->hdlc_port;
}

const char *inproc_meter_number(const inproc_meter_t *m)
{
    return m->hc.meter_number;
}

pthread_t inproc_thread(const inproc_meter_t *m)
{
    return m->thread;
}

void inproc_stop(inproc_meter_t *m)
{
    m->stop = true;
    pthread_join(m->thread, NULL);
    pp_vmeter_stop(&m->v);
    pp_net_free(m->net);
    free(m);
}
