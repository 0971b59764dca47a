/* bench_dlms: GET throughput of the meter's DLMS server over loopback against
 * a bare TCP echo baseline; --probe mode reads a running meter for the e2e
 * test. Pieces shared by main.c, echo.c, inproc.c and probe.c. */
#ifndef BENCH_DLMS_H
#define BENCH_DLMS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Echo server: one thread, one poll() loop, every byte sent straight back. */
typedef struct echo_server {
    int listen_fd;
    uint16_t port;
    volatile bool stop;
    pthread_t thread;
    /* Time in the input handler (request in to answer written), as the
     * meter's is measured, and how many inputs. */
    _Atomic uint64_t busy_ns, inputs;
} echo_server_t;

int echo_start(echo_server_t *e);
void echo_busy(echo_server_t *e, uint64_t *ns, uint64_t *inputs);
void echo_stop(echo_server_t *e);

/* The meter in this process: the host vmeter on a virtual clock that first
 * catches up history_s of profile and then follows real time; its net poll
 * loop runs in a thread. */
typedef struct inproc_meter inproc_meter_t;
inproc_meter_t *inproc_start(int64_t history_s, char *err, size_t errlen);
uint16_t inproc_wrapper_port(const inproc_meter_t *m);
uint16_t inproc_hdlc_port(const inproc_meter_t *m);
const char *inproc_meter_number(const inproc_meter_t *m);
void inproc_stop(inproc_meter_t *m);
/* The meter's poll-loop thread (for bench_place). */
pthread_t inproc_thread(const inproc_meter_t *m);
/* Time the meter thread spent handling input (bytes in to answer written)
 * and how many inputs, since the start. */
void inproc_busy(inproc_meter_t *m, uint64_t *ns, uint64_t *inputs);

/* --probe HOST PORT [options] COMMAND...: see probe.c. */
int probe_main(int argc, char **argv);

double bench_now_s(void);
uint64_t bench_mono_ns(void);
/* Placement, within the CPUs the process started on (bench_place_init
 * notes them; taskset narrows them): bench_place() lets a thread run on the
 * cpu-th of them (modulo their number) or, with cpu < 0, on all of them.
 * Split placement -- servers on the first, clients on the second -- needs
 * two (bench_can_split). */
void bench_place_init(void);
void bench_place(pthread_t th, int cpu);
bool bench_can_split(void);
/* Names the calling thread (perf report --sort comm tells them apart). */
void bench_name_thread(const char *name);

#endif
