/* polyphase fleet: many virtual meters in one process, one poll loop. Meter
 * i has number first+i, its own NVM image DIR/<number>.nvm, its own scenario
 * seed, and three TCP ports from base+3i: wrapper, HDLC, optical.
 * DIR/ports.csv lists them for head-end tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "vmeter.h"

typedef struct fleet_opts {
    const char *config, *dir, *scenario;
    long count, duration_s, port_base;
    unsigned long long first;
    double speed;
} fleet_opts_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: polyphase fleet --count N [options]\n"
            "Runs N virtual meters in one process. Meter i listens on 127.0.0.1 ports\n"
            "BASE+3i (DLMS wrapper), BASE+3i+1 (HDLC), BASE+3i+2 (optical).\n\n"
            "  --count N         number of meters, 1..%d\n"
            "  --config FILE     host configuration shared by all (default etc/polyphase.conf)\n"
            "  --dir DIR         NVM images and ports.csv (default ./fleet)\n"
            "  --port-base P     first TCP port (default 20000)\n"
            "  --first-number N  meter number of the first meter (default 10000001)\n"
            "  --scenario NAME   load scenario (seeded per meter)\n"
            "  --speed N         clock speed (default 1)\n"
            "  --duration S      stop after S seconds of meter time\n",
            PP_NET_MAX_ENDPOINTS / 4);
}

static int number_arg(const char *name, const char *v, double lo, double hi, double *out)
{
    char *end;
    *out = strtod(v, &end);
    if (*end || *out < lo || *out > hi) {
        fprintf(stderr, "polyphase fleet: %s '%s': a number from %g to %g\n", name, v, lo, hi);
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, fleet_opts_t *o)
{
    *o = (fleet_opts_t){.dir = "fleet", .port_base = 20000, .first = 10000001, .speed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "polyphase fleet: unknown option or missing value: '%s'\n", a);
            return -1;
        }
        i++;
        if (!strcmp(a, "--config")) {
            o->config = v;
        } else if (!strcmp(a, "--dir")) {
            o->dir = v;
        } else if (!strcmp(a, "--scenario")) {
            o->scenario = v;
        } else if (!strcmp(a, "--count")) {
            if (number_arg(a, v, 1, PP_NET_MAX_ENDPOINTS / 4, &x) < 0) return -1;
            o->count = (long)x;
        } else if (!strcmp(a, "--port-base")) {
            if (number_arg(a, v, 1024, 65535, &x) < 0) return -1;
            o->port_base = (long)x;
        } else if (!strcmp(a, "--first-number")) {
            if (number_arg(a, v, 1, 9999999999999.0, &x) < 0) return -1;
            o->first = (unsigned long long)x;
        } else if (!strcmp(a, "--speed")) {
            if (number_arg(a, v, 1, 1e6, &o->speed) < 0) return -1;
        } else if (!strcmp(a, "--duration")) {
            if (number_arg(a, v, 1, 1e12, &x) < 0) return -1;
            o->duration_s = (long)x;
        } else {
            fprintf(stderr, "polyphase fleet: unknown option '%s' (see --help)\n", a);
            return -1;
        }
    }
    if (o->count < 1) {
        fprintf(stderr, "polyphase fleet: --count N is required (1..%d)\n",
                PP_NET_MAX_ENDPOINTS / 4);
        return -1;
    }
    if (o->port_base + 3 * o->count > 65536) {
        fprintf(stderr, "polyphase fleet: ports %ld..%ld exceed 65535; lower --port-base or "
                "--count\n", o->port_base, o->port_base + 3 * o->count - 1);
        return -1;
    }
    return 0;
}

static int start_meter(pp_vmeter_t *v, pp_hostcfg_t *hc, const fleet_opts_t *o, long i,
                       pp_net_t *net, FILE *csv)
{
    char err[PP_HOSTCFG_MESSAGE_MAX], path[4096];
    snprintf(hc->meter_number, sizeof hc->meter_number, "%llu", o->first + (unsigned long long)i);
    snprintf(path, sizeof path, "%s/%s.nvm", o->dir, hc->meter_number);
    const char *scen = o->scenario ? o->scenario : hc->scenario;
    if (pp_vmeter_start(v, hc, path, scen, (uint64_t)i + 1, o->speed, pp_host_utc_now_ms(), net,
                        err, sizeof err) < 0) {
        fprintf(stderr, "polyphase fleet: %s\n", err);
        return -1;
    }
    v->hp.log_level = PP_LOG_WARN;
    pp_vmeter_set_duration(v, o->duration_s);
    const pp_channel_t ch[3] = {PP_CH_DLMS_WRAPPER, PP_CH_DLMS_HDLC, PP_CH_OPTICAL};
    int port[3];
    for (int k = 0; k < 3; k++) {
        port[k] = pp_net_listen_tcp(net, v, ch[k], "127.0.0.1",
                                    (uint16_t)(o->port_base + 3 * i + k), err, sizeof err);
        if (port[k] < 0) {
            fprintf(stderr, "polyphase fleet: meter %s: %s\n", hc->meter_number, err);
            return -1;
        }
    }
    fprintf(csv, "%s,%d,%d,%d,%s\n", hc->meter_number, port[0], port[1], port[2], path);
    return 0;
}

int pp_cli_fleet(int argc, char **argv)
{
    fleet_opts_t o;
    if (parse_args(argc, argv, &o) < 0) {
        return 2;
    }
    static pp_hostcfg_t hc;
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (pp_hostcfg_load_or_default(&hc, o.config, err, sizeof err) < 0) {
        fprintf(stderr, "polyphase fleet: %s\n", err);
        return 2;
    }
    if (mkdir(o.dir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "polyphase fleet: cannot create %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    char csv_path[4096];
    snprintf(csv_path, sizeof csv_path, "%s/ports.csv", o.dir);
    FILE *csv = fopen(csv_path, "w");
    pp_vmeter_t *v = calloc((size_t)o.count, sizeof *v);
    pp_net_t *net = pp_net_new(&pp_vmeter_net_callbacks);
    if (!csv || !v || !net) {
        fprintf(stderr, "polyphase fleet: cannot write %s or out of memory\n", csv_path);
        return 1;
    }
    fprintf(csv, "meter,wrapper_tcp,hdlc_tcp,optical_tcp,nvm\n");
    long started = 0;
    int rc = 0;
    for (; started < o.count && rc == 0; started++) {
        rc = start_meter(&v[started], &hc, &o, started, net, csv);
    }
    fclose(csv);
    if (rc == 0) {
        printf("polyphase fleet: %ld meters, ports %ld..%ld, list in %s; Ctrl-C stops\n", o.count,
               o.port_base, o.port_base + 3 * o.count - 1, csv_path);
        fflush(stdout);
    }
    pp_vmeter_catch_signals();
    while (rc == 0 && !pp_vmeter_stop_requested() && !(o.duration_s && pp_vmeter_elapsed_s(&v[0]) >= o.duration_s)) {
        pp_net_poll(net, o.speed > 50 ? 0 : 5);
        for (long i = 0; i < o.count; i++) {
            pp_vmeter_step(&v[i]);
        }
    }
    unsigned long long frames = 0;
    int failed = 0;
    for (long i = 0; i < started; i++) {
        frames += v[i].meter ? v[i].meter->status.frames : 0;
        failed += pp_vmeter_stop(&v[i]) != PP_OK;
    }
    if (rc == 0) {
        printf("polyphase fleet: stopped; %ld meters, %llu frames, %d NVM commit failures\n",
               o.count, frames, failed);
    }
    pp_net_free(net);
    free(v);
    return rc ? 1 : (failed ? 1 : 0);
}
