#include "meter_setup.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void set_name(pp_cal_name_t *n, const char *text)
{
    size_t len = strlen(text);
    n->len = (uint8_t)(len < PP_CAL_NAME_MAX ? len : PP_CAL_NAME_MAX);
    memcpy(n->b, text, n->len);
}

int pp_meter_setup_calendar(const pp_hostcfg_tariff_t *t, pp_calendar_t *cal,
                            pp_special_days_t *special, char *err, size_t errlen)
{
    memset(cal, 0, sizeof *cal);
    memset(special, 0, sizeof *special);
    set_name(&cal->name, t->name);
    cal->n_seasons = t->n_seasons;
    for (uint8_t i = 0; i < t->n_seasons; i++) {
        pp_cal_season_t *s = &cal->season[i];
        set_name(&s->name, t->season[i].name);
        s->year = PP_CAL_ANY_YEAR;
        s->month = t->season[i].month;
        s->day = t->season[i].mday;
        set_name(&s->week, t->week[t->season[i].week].name);
    }
    cal->n_weeks = t->n_weeks;
    for (uint8_t i = 0; i < t->n_weeks; i++) {
        set_name(&cal->week[i].name, t->week[i].name);
        for (int d = 0; d < 7; d++) {
            cal->week[i].day_id[d] = (uint8_t)(t->week[i].day[d] + 1);
        }
    }
    cal->n_days = t->n_days;
    for (uint8_t i = 0; i < t->n_days; i++) {
        pp_cal_day_t *d = &cal->day[i];
        d->day_id = (uint8_t)(i + 1);
        d->n_actions = t->day[i].n_switches;
        for (uint8_t k = 0; k < d->n_actions; k++) {
            d->action[k] = (pp_cal_action_t){.hour = (uint8_t)(t->day[i].sw[k].minute / 60),
                                             .minute = (uint8_t)(t->day[i].sw[k].minute % 60),
                                             .tariff = t->day[i].sw[k].tariff};
        }
    }
    special->n = t->n_special;
    for (uint8_t i = 0; i < t->n_special; i++) {
        special->entry[i] = (pp_cal_special_t){
            .index = i, .year = t->special[i].year ? t->special[i].year : PP_CAL_ANY_YEAR,
            .month = t->special[i].month, .day = t->special[i].mday, .weekday = PP_CAL_ANY,
            .day_id = (uint8_t)(t->special[i].day + 1)};
    }
    if (pp_calendar_check(cal) != PP_OK || pp_special_days_check(special, cal) != PP_OK) {
        snprintf(err, errlen, "tariff preset %03u '%s' does not form a valid activity calendar",
                 t->id, t->name);
        return -1;
    }
    return 0;
}

int pp_meter_setup_from_hostcfg(pp_meter_setup_t *setup, const pp_hostcfg_t *hc, char *err,
                                size_t errlen)
{
    pp_meter_config_t *c = &setup->cfg;
    if (pp_meter_config_default(c) != PP_OK) {
        snprintf(err, errlen, "built-in default order codes do not parse");
        return -1;
    }
    snprintf(c->meter_number, sizeof c->meter_number, "%s", hc->meter_number);
    snprintf(c->manufacturer, sizeof c->manufacturer, "%s", hc->manufacturer);
    snprintf(c->lls_password, sizeof c->lls_password, "%s", hc->lls_password);
    memcpy(c->guek, hc->guek, sizeof c->guek);
    memcpy(c->gak, hc->gak, sizeof c->gak);
    c->type = hc->type;
    c->sw = hc->sw;
    c->features = hc->features;
    if (!c->type.three_phase) {
        snprintf(err, errlen, "type number X1 = %u: this is the three-phase meter; "
                 "a single-phase code cannot run", c->type.meter_type);
        return -1;
    }
    const pp_hostcfg_tariff_t *t = c->sw.tariff_preset ? pp_hostcfg_tariff(hc, c->sw.tariff_preset)
                                                       : NULL;
    if (t) {
        if (pp_meter_setup_calendar(t, &setup->calendar, &setup->special_days, err, errlen) < 0) {
            return -1;
        }
        c->calendar = &setup->calendar;
        c->special_days = &setup->special_days;
    }
    return 0;
}

int pp_hostcfg_load_or_default(pp_hostcfg_t *hc, const char *path, char *err, size_t errlen)
{
    pp_hostcfg_defaults(hc);
    if (!path && access("etc/polyphase.conf", R_OK) == 0) {
        path = "etc/polyphase.conf";
    }
    return path ? pp_hostcfg_load(hc, path, err, errlen) : 0;
}
