/* CSV export of profiles and logs through the common reader. */
#include "export_csv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "polyphase/clock.h"

typedef struct csv_ctx {
    FILE *out;
    int16_t offset_min;
    bool event_names;
    bool failed;
} csv_ctx_t;

static void put_time(FILE *out, int64_t std_ms, int16_t offset_min)
{
    pp_civil_t c;
    pp_civil_from_ms(std_ms, &c);
    int off = offset_min < 0 ? -offset_min : offset_min;
    fprintf(out, "%04u-%02u-%02uT%02u:%02u:%02u%c%02d:%02d", c.year, c.month, c.day, c.hour,
            c.minute, c.second, offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

static int put_row(void *user, const pp_log_row_t *row)
{
    csv_ctx_t *x = user;
    for (uint8_t i = 0; i < row->ncells; i++) {
        const pp_log_cell_t *c = &row->cell[i];
        if (i > 0) {
            fputc(',', x->out);
        }
        if (c->type == PP_LOG_TIME) {
            put_time(x->out, c->value, x->offset_min);
        } else {
            fprintf(x->out, "%" PRId64, c->value);
        }
        if (x->event_names && c->column == 1) {
            const pp_ev_code_info_t *info = pp_events_code_info((uint16_t)c->value);
            fprintf(x->out, ",\"%s\"", info != NULL ? info->name : "unknown");
        }
    }
    if (fputc('\n', x->out) == EOF) {
        x->failed = true;
        return PP_ERR_PORT;
    }
    return 0;
}

int pp_export_csv_view(const pp_log_view_t *view, int16_t std_offset_min, bool event_names,
                       FILE *out)
{
    if (view == NULL || out == NULL) {
        return PP_ERR_ARG;
    }
    for (uint8_t i = 0; i < view->ncolumns; i++) {
        fprintf(out, "%s\"%s\"", i > 0 ? "," : "", view->columns[i].name);
        if (event_names && i == 1) {
            fputs(",\"event\"", out);
        }
    }
    fputc('\n', out);
    csv_ctx_t x = {out, std_offset_min, event_names, false};
    pp_log_select_t all;
    memset(&all, 0, sizeof(all));
    int rows = pp_log_read(view, &all, put_row, &x);
    if (rows >= 0 && (x.failed || ferror(out))) {
        return PP_ERR_PORT;
    }
    return rows;
}

int pp_export_csv_file(const pp_log_view_t *view, int16_t std_offset_min, bool event_names,
                       const char *dir, const char *name)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s.csv", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return PP_ERR_RANGE;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        return PP_ERR_PORT;
    }
    int rows = pp_export_csv_view(view, std_offset_min, event_names, f);
    if (fclose(f) != 0 && rows >= 0) {
        return PP_ERR_PORT;
    }
    return rows;
}

pp_err_t pp_export_csv_all(const char *dir, int16_t std_offset_min, pp_lp_t *lp, pp_al_t *al,
                           pp_events_t *ev)
{
    if (dir == NULL) {
        return PP_ERR_ARG;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        return PP_ERR_PORT;
    }
    pp_log_view_t v;
    if (lp != NULL) {
        pp_lp_view(lp, &v);
        PP_TRY(pp_export_csv_file(&v, std_offset_min, false, dir, "load_profile"));
    }
    if (al != NULL) {
        pp_al_view(al, &v);
        PP_TRY(pp_export_csv_file(&v, std_offset_min, false, dir, "analysis_logger"));
    }
    for (unsigned l = 0; ev != NULL && l < PP_EVLOG_COUNT; l++) {
        char name[64];
        snprintf(name, sizeof(name), "events_%s", pp_events_log_name((pp_evlog_t)l));
        PP_TRY(pp_events_view(ev, (pp_evlog_t)l, &v));
        PP_TRY(pp_export_csv_file(&v, std_offset_min, true, dir, name));
    }
    return PP_OK;
}
