/* polyphase run: one virtual meter in real time (or N times faster) with its
 * ports on TCP and pseudo-terminals, a live one-line reading, and a clean
 * shutdown on Ctrl-C (everything committed to the NVM image). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vmeter.h"

typedef struct run_opts {
    const char *config;
    const char *nvm;
    const char *scenario;
    double speed;
    long duration_s;   /* 0: until Ctrl-C */
    int port_offset;
    int live;          /* -1 auto (a terminal), 0 off, 1 on */
    int pty;           /* -1 from the config */
    int trace;
    unsigned long long seed;
} run_opts_t;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: polyphase run [options]\n"
            "Runs one virtual meter: DLMS/COSEM on the TCP wrapper and HDLC ports, IEC 62056-21\n"
            "on the optical port, driven by a load scenario on the meter's clock.\n\n"
            "  --config FILE     host configuration (default etc/polyphase.conf if present)\n"
            "  --speed N         run the clock N times faster than real time (default: config)\n"
            "  --nvm FILE        NVM image file (default: config nvm_image); 'none' = RAM only\n"
            "  --scenario NAME   %s\n"
            "  --seed N          scenario seed (default 1)\n"
            "  --duration S      stop after S seconds of meter time\n"
            "  --port-offset N   add N to every TCP port (several meters on one machine)\n"
            "  --no-pty          no pseudo-terminals\n"
            "  --trace           log every HDLC frame and DLMS APDU (decoded, then hex) to stderr\n"
            "  --live / --no-live  the one-line live reading (default: on a terminal)\n",
            pp_scenario_names());
}

static int parse_args(int argc, char **argv, run_opts_t *o)
{
    *o = (run_opts_t){.live = -1, .pty = -1, .seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--trace")) {
            o->trace = 1;
        } else if (!strcmp(a, "--no-pty")) {
            o->pty = 0;
        } else if (!strcmp(a, "--live") || !strcmp(a, "--no-live")) {
            o->live = !strcmp(a, "--live");
        } else if (!v) {
            fprintf(stderr, "polyphase run: unknown option or missing value: '%s'\n", a);
            return -1;
        } else if (!strcmp(a, "--config")) {
            o->config = v, i++;
        } else if (!strcmp(a, "--nvm")) {
            o->nvm = v, i++;
        } else if (!strcmp(a, "--scenario")) {
            o->scenario = v, i++;
        } else if (!strcmp(a, "--speed")) {
            o->speed = strtod(v, &end), i++;
            if (*end || o->speed < 1 || o->speed > 1e6) {
                fprintf(stderr, "polyphase run: --speed '%s': a number from 1 to 1000000\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--seed")) {
            o->seed = strtoull(v, &end, 10), i++;
            if (*end) {
                fprintf(stderr, "polyphase run: --seed '%s': a whole number\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--duration")) {
            o->duration_s = strtol(v, &end, 10), i++;
            if (*end || o->duration_s < 1) {
                fprintf(stderr, "polyphase run: --duration '%s': seconds, at least 1\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--port-offset")) {
            o->port_offset = (int)strtol(v, &end, 10), i++;
            if (*end || o->port_offset < 0 || o->port_offset > 60000) {
                fprintf(stderr, "polyphase run: --port-offset '%s': 0..60000\n", v);
                return -1;
            }
        } else {
            fprintf(stderr, "polyphase run: unknown option '%s' (see --help)\n", a);
            return -1;
        }
    }
    return 0;
}

static int open_ports(pp_vmeter_t *v, pp_net_t *net, const pp_hostcfg_t *hc, const run_opts_t *o)
{
    char err[256];
    const struct { pp_channel_t ch; uint16_t port; const char *what; } tcp[] = {
        {PP_CH_DLMS_WRAPPER, hc->wrapper_tcp_port, "DLMS/COSEM TCP-UDP wrapper (IEC 62056-47)"},
        {PP_CH_DLMS_HDLC, hc->hdlc_tcp_port, "DLMS/COSEM HDLC over TCP (IEC 62056-46)"},
        {PP_CH_OPTICAL, hc->optical_tcp_port, "optical port, IEC 62056-21 (mode E -> HDLC)"},
    };
    char type[PP_ORDERCODE_TYPE_TEXT], sw[PP_ORDERCODE_SW_TEXT];
    pp_ordercode_print_type(&hc->type, type, sizeof type);
    pp_ordercode_print_sw(&hc->sw, sw, sizeof sw);
    printf("Polyphase virtual meter %s%s\n  type %s, software %s\n", hc->manufacturer,
           hc->meter_number, type, sw);
    for (size_t i = 0; i < sizeof tcp / sizeof tcp[0]; i++) {
        if (!tcp[i].port) {
            continue;
        }
        int p = pp_net_listen_tcp(net, v, tcp[i].ch, "127.0.0.1",
                                  (uint16_t)(tcp[i].port + o->port_offset), err, sizeof err);
        if (p < 0) {
            fprintf(stderr, "polyphase run: %s\n", err);
            return -1;
        }
        printf("  tcp 127.0.0.1:%-5d %s\n", p, tcp[i].what);
    }
    if (o->pty == 0 || (o->pty < 0 && !hc->pty)) {
        return 0;
    }
    const struct { pp_channel_t ch; const char *name; const char *what; } ptys[] = {
        {PP_CH_DLMS_HDLC, "hdlc", "DLMS/COSEM HDLC (serial)"},
        {PP_CH_OPTICAL, "optical", "optical port, IEC 62056-21 (serial)"},
    };
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "/tmp/polyphase-%s-%s", hc->meter_number, ptys[i].name);
        if (pp_net_open_pty(net, v, ptys[i].ch, path, err, sizeof err) < 0) {
            fprintf(stderr, "polyphase run: %s\n", err);
            return -1;
        }
        printf("  pty %-19s %s\n", path, ptys[i].what);
    }
    return 0;
}

static void live_line(const pp_vmeter_t *v, const pp_net_t *net)
{
    const pp_meter_t *m = v->meter;
    pp_tariff_time_t t;
    pp_meter_local_time(m, m->status.utc_ms, &t);
    double kwh = (double)pp_app_energy_wh(&m->app, PP_REG_A_PLUS, PP_REG_TOTAL) / 1000.0;
    double kwh_out = (double)pp_app_energy_wh(&m->app, PP_REG_A_MINUS, PP_REG_TOTAL) / 1000.0;
    printf("\r%04u-%02u-%02u %02u:%02u:%02u  A+ %10.3f kWh  A- %9.3f kWh  P %8.1f W  T%u  "
           "U %5.1f %5.1f %5.1f V  links %u ",
           t.year, t.month, t.day, t.hour, t.minute, t.second, kwh, kwh_out, m->frame.p_w,
           pp_app_tariff(&m->app), m->frame.phase[0].u_rms_v, m->frame.phase[1].u_rms_v,
           m->frame.phase[2].u_rms_v, pp_net_open_connections(net));
    fflush(stdout);
}

int pp_cli_run(int argc, char **argv)
{
    run_opts_t o;
    static pp_hostcfg_t hc;
    static pp_vmeter_t v;
    char err[PP_HOSTCFG_MESSAGE_MAX];
    if (parse_args(argc, argv, &o) < 0) {
        return 2;
    }
    if (pp_hostcfg_load_or_default(&hc, o.config, err, sizeof err) < 0) {
        fprintf(stderr, "polyphase run: %s\n", err);
        return 2;
    }
    double speed = o.speed > 0 ? o.speed : (hc.speed > 0 ? hc.speed : 1);
    const char *nvm = o.nvm ? o.nvm : hc.nvm_image;
    const char *scenario = o.scenario ? o.scenario : hc.scenario;
    pp_net_t *net = pp_net_new(&pp_vmeter_net_callbacks);
    if (pp_vmeter_start(&v, &hc, strcmp(nvm, "none") ? nvm : NULL, scenario, o.seed, speed,
                        pp_host_utc_now_ms(), net, err, sizeof err) < 0) {
        fprintf(stderr, "polyphase run: %s\n", err);
        return 2;
    }
    pp_vmeter_set_duration(&v, o.duration_s);
    if (o.trace) {
        v.meter->cfg.trace = true;
        v.hp.log_level = PP_LOG_TRACE;
    }
    if (open_ports(&v, net, &hc, &o) < 0) {
        return 1;
    }
    printf("  nvm %s, scenario %s, speed %gx; Ctrl-C stops\n", nvm, scenario, speed);
    fflush(stdout);
    pp_vmeter_catch_signals();
    int live = o.live >= 0 ? o.live : isatty(STDOUT_FILENO);
    uint64_t last_live = 0;
    while (!pp_vmeter_stop_requested() && !(o.duration_s && pp_vmeter_elapsed_s(&v) >= o.duration_s)) {
        pp_net_poll(net, speed > 50 ? 0 : 5);
        pp_vmeter_step(&v);
        uint64_t mono = v.hp.port.monotonic_ms(v.hp.port.ctx);
        if (live && mono - last_live >= (uint64_t)(250 * speed)) {
            live_line(&v, net);
            last_live = mono;
        }
    }
    unsigned long long frames = (unsigned long long)v.meter->status.frames;
    pp_err_t rc = pp_vmeter_stop(&v);
    printf("%spolyphase run: stopped; %llu frames, NVM %s\n", live ? "\n" : "", frames,
           rc == PP_OK ? "committed" : pp_strerror(rc));
    pp_net_free(net);
    return rc == PP_OK ? 0 : 1;
}
