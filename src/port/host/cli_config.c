/* polyphase config: decode and encode order codes, print the code tables,
 * check a host configuration file. Text and JSON are both generated from the
 * core's field tables (polyphase/ordercode.h), so they cannot drift apart. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hostcfg.h"
#include "polyphase/ordercode.h"

#define EXIT_BAD 2
#define EXIT_FAIL 1

static const char *const PRESET_NAME[PP_PRESET_COUNT] = {
    "", "display", "disconnect", "tariff", "load", "pb2", "1107", "calendar"};
static const char *const TARIFF_SOURCE[] = {"single", "table", "input2", "input4"};

static void usage(FILE *out)
{
    fprintf(out,
        "usage: polyphase config decode TYPE [ZCODE] [--json]\n"
        "       polyphase config encode [--config FILE] [--type TYPE] [--software ZCODE]\n"
        "                               [--from-json FILE] [--FIELD VALUE]... [--json]\n"
        "       polyphase config tables [--markdown]\n"
        "       polyphase config check [FILE]\n"
        "\n"
        "decode   print every field of a type number (68 X1..X16) and optionally a\n"
        "         software code (Z1..Z20): position, key, code and meaning. Spaces and\n"
        "         dashes inside codes are ignored; more than two words are joined and\n"
        "         split after the 18th character (68 + X1..X16).\n"
        "encode   build codes from field options, starting from the default meter\n"
        "         (or --config FILE, --type, --software, --from-json of a decode --json\n"
        "         output). FIELD is a key or position from 'config tables', e.g.\n"
        "         --energy-type A+/A- --breaker standard --country DK --z11 UTC+1.\n"
        "         VALUE is the code, the data sheet's words or the short alias.\n"
        "tables   list every field and value (--markdown: as in docs/configuration.md).\n"
        "check    parse a host configuration file (default etc/polyphase.conf) and\n"
        "         summarise it.\n"
        "\n"
        "exit status: 0 ok, 1 a file cannot be read, 2 invalid arguments or codes.\n");
}

/* ---------------- JSON writing ---------------- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

typedef pp_err_t (*value_fn)(const void *code, size_t i, pp_ordercode_value_t *v);

static pp_err_t type_value(const void *code, size_t i, pp_ordercode_value_t *v)
{
    return pp_ordercode_type_value(code, i, v);
}

static pp_err_t sw_value(const void *code, size_t i, pp_ordercode_value_t *v)
{
    return pp_ordercode_sw_value(code, i, v);
}

static void json_code(FILE *out, const char *name, const char *printed, pp_ordercode_kind_t kind,
                      const void *code, value_fn fn)
{
    fprintf(out, "  \"%s\": {\n    \"code\": ", name);
    json_str(out, printed);
    fprintf(out, ",\n    \"fields\": {\n");
    size_t n = pp_ordercode_field_count(kind);
    for (size_t i = 0; i < n; i++) {
        pp_ordercode_value_t v;
        char meaning[128];
        fn(code, i, &v);
        pp_ordercode_value_meaning(&v, meaning, sizeof meaning);
        fprintf(out, "      \"%s\": {\"position\": \"%s\", \"code\": ", v.desc->key, v.desc->pos);
        json_str(out, v.code);
        fprintf(out, ", \"meaning\": ");
        json_str(out, meaning);
        if (v.option == NULL) {
            fprintf(out, ", \"preset\": \"%s\"", PRESET_NAME[v.desc->preset]);
        } else if (kind == PP_ORDERCODE_TYPE && strcmp(v.desc->key, "country") == 0) {
            fprintf(out, ", \"iso\": ");
            json_str(out, v.option->alias);
        }
        fprintf(out, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(out, "    }\n  }");
}

static void json_features(FILE *out, const pp_ordercode_features_t *f)
{
    fprintf(out,
            "    \"features\": {\"disconnect_control\": %s, \"export_registers\": %s, "
            "\"reactive_registers\": %s, \"profile_channels\": %u, \"pulse_input\": %s, "
            "\"alarm_input\": %s, \"s0_output\": %s, \"radio\": %s, \"battery_display\": %s, "
            "\"tariff_source\": \"%s\", \"debiting_external\": %s, \"optical_21\": %s}\n",
            f->disconnect_control ? "true" : "false", f->export_registers ? "true" : "false",
            f->reactive_registers ? "true" : "false", (unsigned)f->profile_channels,
            f->pulse_input ? "true" : "false", f->alarm_input ? "true" : "false",
            f->s0_output ? "true" : "false", f->radio ? "true" : "false",
            f->battery_display ? "true" : "false", TARIFF_SOURCE[f->tariff_source],
            f->debiting_external ? "true" : "false", f->optical_21 ? "true" : "false");
}

/* ---------------- text writing ---------------- */

static void text_code(FILE *out, const char *title, const char *printed, pp_ordercode_kind_t kind,
                      const void *code, value_fn fn)
{
    fprintf(out, "%s: %s\n", title, printed);
    for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
        pp_ordercode_value_t v;
        char meaning[128];
        fn(code, i, &v);
        pp_ordercode_value_meaning(&v, meaning, sizeof meaning);
        fprintf(out, "  %-8s %-19s %-4s %s", v.desc->pos, v.desc->key, v.code, meaning);
        if (v.option != NULL && kind == PP_ORDERCODE_TYPE && strcmp(v.desc->key, "country") == 0) {
            fprintf(out, " (%s)", v.option->alias);
        }
        fputc('\n', out);
    }
}

static void text_features(FILE *out, const pp_ordercode_features_t *f)
{
    fprintf(out, "features:\n");
    fprintf(out, "  disconnect control  %s\n", f->disconnect_control ? "yes" : "no");
    fprintf(out, "  export registers    %s\n", f->export_registers ? "yes" : "no");
    fprintf(out, "  reactive registers  %s\n", f->reactive_registers ? "yes" : "no");
    fprintf(out, "  profile channels    %u\n", (unsigned)f->profile_channels);
    fprintf(out, "  pulse input         %s\n", f->pulse_input ? "yes" : "no");
    fprintf(out, "  alarm input         %s\n", f->alarm_input ? "yes" : "no");
    fprintf(out, "  S0 output           %s\n", f->s0_output ? "yes" : "no");
    fprintf(out, "  radio               %s\n", f->radio ? "yes" : "no");
    fprintf(out, "  battery display     %s\n", f->battery_display ? "yes" : "no");
    fprintf(out, "  tariff source       %s\n", TARIFF_SOURCE[f->tariff_source]);
    fprintf(out, "  debiting external   %s\n", f->debiting_external ? "yes" : "no");
    fprintf(out, "  IEC 62056-21        %s\n", f->optical_21 ? "yes" : "no");
}

static void print_error(const char *cmd, const pp_ordercode_error_t *e)
{
    char msg[PP_ORDERCODE_MESSAGE_MAX];
    pp_ordercode_error_format(e, msg, sizeof msg);
    fprintf(stderr, "polyphase config %s: %s\n", cmd, msg);
}

/* Prints both codes (sw may be NULL) and their check; returns the exit code. */
static int show(const pp_type_code_t *tc, const pp_sw_code_t *sc, bool json)
{
    char tbuf[PP_ORDERCODE_TYPE_TEXT], sbuf[PP_ORDERCODE_SW_TEXT];
    pp_ordercode_print_type(tc, tbuf, sizeof tbuf);
    pp_ordercode_features_t feat;
    pp_ordercode_error_t e;
    pp_sw_code_t dflt;
    /* The type alone is checked against the default software code's neutral
     * fields only for the product (X1); conflicts need both codes. */
    int rc = PP_OK;
    if (sc != NULL) {
        pp_ordercode_print_sw(sc, sbuf, sizeof sbuf);
        rc = pp_ordercode_check(tc, sc, &feat, &e);
    } else if (!tc->three_phase) {
        pp_ordercode_parse_sw(pp_ordercode_default_sw, &dflt, NULL);
        rc = pp_ordercode_check(tc, &dflt, NULL, &e);
    }
    char msg[PP_ORDERCODE_MESSAGE_MAX] = "";
    if (rc != PP_OK) {
        pp_ordercode_error_format(&e, msg, sizeof msg);
    }
    if (json) {
        printf("{\n");
        json_code(stdout, "type_number", tbuf, PP_ORDERCODE_TYPE, tc, type_value);
        if (sc != NULL) {
            printf(",\n");
            json_code(stdout, "software_code", sbuf, PP_ORDERCODE_SW, sc, sw_value);
        }
        printf(",\n  \"check\": {\n    \"ok\": %s", rc == PP_OK ? "true" : "false");
        if (rc != PP_OK) {
            printf(",\n    \"error\": ");
            json_str(stdout, msg);
            printf("\n");
        } else if (sc != NULL) {
            printf(",\n");
            json_features(stdout, &feat);
        } else {
            printf("\n");
        }
        printf("  }\n}\n");
    } else {
        text_code(stdout, "type number", tbuf, PP_ORDERCODE_TYPE, tc, type_value);
        if (sc != NULL) {
            text_code(stdout, "software code", sbuf, PP_ORDERCODE_SW, sc, sw_value);
            if (rc == PP_OK) {
                text_features(stdout, &feat);
            }
        }
    }
    if (rc != PP_OK) {
        /* A single-phase type number decodes, but no meter runs from it. */
        fprintf(stderr, "polyphase config: %s%s\n", sc == NULL ? "note: " : "", msg);
        return sc == NULL ? 0 : EXIT_BAD;
    }
    return 0;
}

/* ---------------- decode ---------------- */

static int cmd_decode(int argc, char **argv)
{
    bool json = false;
    const char *pos[64];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, "polyphase config decode: unknown option '%s'; allowed: --json\n",
                    argv[i]);
            return EXIT_BAD;
        } else if (npos < 64) {
            pos[npos++] = argv[i];
        }
    }
    if (npos == 0) {
        fprintf(stderr, "polyphase config decode: missing TYPE (e.g. '68 4-1 1 3 1-B N 1 4-3 1 "
                "1-1 010'); see 'polyphase config --help'\n");
        return EXIT_BAD;
    }
    char type_text[512] = "", sw_text[512] = "";
    if (npos <= 2) {
        snprintf(type_text, sizeof type_text, "%s", pos[0]);
        if (npos == 2) {
            snprintf(sw_text, sizeof sw_text, "%s", pos[1]);
        }
    } else {
        /* Unquoted words: the type number is 68 + 16 significant characters. */
        char all[512] = "";
        for (int i = 0; i < npos; i++) {
            strncat(all, pos[i], sizeof all - strlen(all) - 2);
            strcat(all, " ");
        }
        size_t sig = 0, cut = 0;
        while (all[cut] != '\0' && sig < 18) {
            sig += (all[cut] != ' ' && all[cut] != '-');
            cut++;
        }
        snprintf(type_text, sizeof type_text, "%.*s", (int)cut, all);
        snprintf(sw_text, sizeof sw_text, "%s", all + cut);
    }
    pp_type_code_t tc;
    pp_sw_code_t sc;
    pp_ordercode_error_t e;
    if (pp_ordercode_parse_type(type_text, &tc, &e) != PP_OK) {
        print_error("decode", &e);
        return EXIT_BAD;
    }
    bool have_sw = sw_text[strspn(sw_text, " -")] != '\0';
    if (have_sw && pp_ordercode_parse_sw(sw_text, &sc, &e) != PP_OK) {
        print_error("decode", &e);
        return EXIT_BAD;
    }
    return show(&tc, have_sw ? &sc : NULL, json);
}

/* ---------------- a small JSON reader for --from-json ---------------- */

/* Collects string leaves as "a.b.c" = value; enough for decode's output. */
typedef struct jleaf {
    char path[96];
    char value[128];
} jleaf_t;

typedef struct jreader {
    const char *p;
    jleaf_t leaf[128];
    int n;
    int depth;
} jreader_t;

static void jskip(jreader_t *r)
{
    while (isspace((unsigned char)*r->p)) {
        r->p++;
    }
}

static int jstring(jreader_t *r, char *out, size_t cap)
{
    size_t n = 0;
    if (*r->p != '"') {
        return -1;
    }
    for (r->p++; *r->p != '"'; r->p++) {
        char c = *r->p;
        if (c == '\0') {
            return -1;
        }
        if (c == '\\') {
            r->p++;
            c = *r->p == 'n' ? '\n' : *r->p == 't' ? '\t' : *r->p;
            if (*r->p == 'u') { /* only what json_str writes: \u00XX */
                unsigned x;
                if (sscanf(r->p + 1, "%4x", &x) != 1) {
                    return -1;
                }
                c = (char)x;
                r->p += 4;
            } else if (c == '\0') {
                return -1;
            }
        }
        if (n + 1 < cap) {
            out[n++] = c;
        }
    }
    r->p++;
    out[n] = '\0';
    return 0;
}

static int jvalue(jreader_t *r, const char *path);

static int jcontainer(jreader_t *r, const char *path, char close)
{
    r->p++;
    if (++r->depth > 16) {
        return -1;
    }
    jskip(r);
    int index = 0;
    while (*r->p != close) {
        char key[64], sub[96];
        if (close == '}') {
            if (jstring(r, key, sizeof key) != 0) {
                return -1;
            }
            jskip(r);
            if (*r->p++ != ':') {
                return -1;
            }
        } else {
            snprintf(key, sizeof key, "%d", index);
        }
        index++;
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
        if (jvalue(r, sub) != 0) {
            return -1;
        }
        jskip(r);
        if (*r->p == ',') {
            r->p++;
            jskip(r);
        } else if (*r->p != close) {
            return -1;
        }
    }
    r->p++;
    r->depth--;
    return 0;
}

static int jvalue(jreader_t *r, const char *path)
{
    jskip(r);
    if (*r->p == '{') {
        return jcontainer(r, path, '}');
    }
    if (*r->p == '[') {
        return jcontainer(r, path, ']');
    }
    if (*r->p == '"') {
        char v[128];
        if (jstring(r, v, sizeof v) != 0) {
            return -1;
        }
        if (r->n < 128) {
            snprintf(r->leaf[r->n].path, sizeof r->leaf[0].path, "%s", path);
            snprintf(r->leaf[r->n].value, sizeof r->leaf[0].value, "%s", v);
            r->n++;
        }
        return 0;
    }
    /* numbers, true, false, null: skipped */
    const char *start = r->p;
    while (*r->p != '\0' && strchr(",}] \t\r\n", *r->p) == NULL) {
        r->p++;
    }
    return r->p > start ? 0 : -1;
}

static const char *jget(const jreader_t *r, const char *path)
{
    for (int i = 0; i < r->n; i++) {
        if (strcmp(r->leaf[i].path, path) == 0) {
            return r->leaf[i].value;
        }
    }
    return NULL;
}

static char *read_all(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL && n < cap) {
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) {
            break;
        }
        n += got;
    }
    if (f != stdin) {
        fclose(f);
    }
    if (buf != NULL) {
        buf[n] = '\0';
    }
    return buf;
}

/* Applies a decode --json document: each object's "code", then its fields'
 * codes (so an edited field wins over the printed code). */
static int apply_json(const char *file, pp_type_code_t *tc, pp_sw_code_t *sc, bool *have_sw)
{
    char *text = read_all(file);
    if (text == NULL) {
        fprintf(stderr, "polyphase config encode: cannot read '%s'\n", file);
        return EXIT_FAIL;
    }
    jreader_t *r = calloc(1, sizeof *r);
    if (r == NULL) {
        free(text);
        return EXIT_FAIL;
    }
    r->p = text;
    int bad = jvalue(r, "") != 0;
    pp_ordercode_error_t e;
    int rc = 0;
    if (bad) {
        fprintf(stderr, "polyphase config encode: '%s' is not valid JSON near offset %ld\n", file,
                (long)(r->p - text));
        rc = EXIT_BAD;
    }
    const char *v;
    if (rc == 0 && (v = jget(r, "type_number.code")) != NULL &&
        pp_ordercode_parse_type(v, tc, &e) != PP_OK) {
        rc = EXIT_BAD;
    }
    if (rc == 0 && (v = jget(r, "software_code.code")) != NULL) {
        *have_sw = true;
        rc = pp_ordercode_parse_sw(v, sc, &e) != PP_OK ? EXIT_BAD : 0;
    }
    for (size_t i = 0; rc == 0 && i < PP_ORDERCODE_TYPE_FIELDS + PP_ORDERCODE_SW_FIELDS; i++) {
        bool is_type = i < PP_ORDERCODE_TYPE_FIELDS;
        size_t k = is_type ? i : i - PP_ORDERCODE_TYPE_FIELDS;
        const pp_ordercode_field_desc_t *f =
            pp_ordercode_field(is_type ? PP_ORDERCODE_TYPE : PP_ORDERCODE_SW, k);
        char path[96];
        snprintf(path, sizeof path, "%s.fields.%s.code", is_type ? "type_number" : "software_code",
                 f->key);
        if ((v = jget(r, path)) != NULL) {
            *have_sw |= !is_type;
            pp_err_t x = is_type ? pp_ordercode_set_type(tc, f->key, v, &e)
                                 : pp_ordercode_set_sw(sc, f->key, v, &e);
            rc = x != PP_OK ? EXIT_BAD : 0;
        }
    }
    if (rc == EXIT_BAD && !bad) {
        print_error("encode", &e);
    }
    free(r);
    free(text);
    return rc;
}

/* ---------------- encode ---------------- */

static int encode_field(const char *name, const char *value, pp_type_code_t *tc, pp_sw_code_t *sc,
                        bool *have_sw)
{
    pp_ordercode_error_t e;
    pp_err_t rc;
    if (pp_ordercode_field_find(PP_ORDERCODE_TYPE, name) >= 0) {
        rc = pp_ordercode_set_type(tc, name, value, &e);
    } else if (pp_ordercode_field_find(PP_ORDERCODE_SW, name) >= 0) {
        *have_sw = true;
        rc = pp_ordercode_set_sw(sc, name, value, &e);
    } else {
        fprintf(stderr, "polyphase config encode: unknown option '--%s'; allowed: --json, "
                "--config, --type, --software, --from-json and a field key or position "
                "('polyphase config tables' lists them)\n", name);
        return EXIT_BAD;
    }
    if (rc != PP_OK) {
        print_error("encode", &e);
        return EXIT_BAD;
    }
    return 0;
}

static int load_codes(const char *path, pp_type_code_t *tc, pp_sw_code_t *sc)
{
    pp_hostcfg_t *cfg = malloc(sizeof *cfg); /* large: not on the stack */
    char msg[PP_HOSTCFG_MESSAGE_MAX];
    if (cfg == NULL) {
        return EXIT_FAIL;
    }
    int rc = 0;
    if (pp_hostcfg_load(cfg, path, msg, sizeof msg) != 0) {
        fprintf(stderr, "polyphase config encode: %s\n", msg);
        rc = strstr(msg, ": cannot read:") != NULL ? EXIT_FAIL : EXIT_BAD;
    } else {
        *tc = cfg->type;
        *sc = cfg->sw;
    }
    free(cfg);
    return rc;
}

static int cmd_encode(int argc, char **argv)
{
    pp_type_code_t tc;
    pp_sw_code_t sc;
    pp_ordercode_error_t e;
    bool json = false, have_sw = true;
    pp_ordercode_parse_type(pp_ordercode_default_type, &tc, NULL);
    pp_ordercode_parse_sw(pp_ordercode_default_sw, &sc, NULL);
    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *a = argv[i], *value = NULL;
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "polyphase config encode: unexpected argument '%s'; fields are "
                    "given as --FIELD VALUE\n", a);
            return EXIT_BAD;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), a + 2);
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(stderr, "polyphase config encode: option '%s' needs a value\n", a);
            return EXIT_BAD;
        }
        int rc = 0;
        if (strcmp(name, "type") == 0) {
            rc = pp_ordercode_parse_type(value, &tc, &e) != PP_OK ? EXIT_BAD : 0;
        } else if (strcmp(name, "software") == 0) {
            rc = pp_ordercode_parse_sw(value, &sc, &e) != PP_OK ? EXIT_BAD : 0;
        } else if (strcmp(name, "config") == 0) {
            rc = load_codes(value, &tc, &sc);
            if (rc != 0) {
                return rc;
            }
            continue;
        } else if (strcmp(name, "from-json") == 0) {
            rc = apply_json(value, &tc, &sc, &have_sw);
            if (rc != 0) {
                return rc;
            }
            continue;
        } else {
            rc = encode_field(name, value, &tc, &sc, &have_sw);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        if (rc != 0) {
            print_error("encode", &e);
            return rc;
        }
    }
    if (json) {
        return show(&tc, have_sw ? &sc : NULL, true);
    }
    char tbuf[PP_ORDERCODE_TYPE_TEXT], sbuf[PP_ORDERCODE_SW_TEXT];
    pp_ordercode_print_type(&tc, tbuf, sizeof tbuf);
    pp_ordercode_print_sw(&sc, sbuf, sizeof sbuf);
    if (pp_ordercode_check(&tc, &sc, NULL, &e) != PP_OK) {
        print_error("encode", &e);
        return EXIT_BAD;
    }
    printf("%s\n%s\n", tbuf, sbuf);
    return 0;
}

/* ---------------- tables ---------------- */

static void md_cell(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '|') {
            fputc('\\', out);
        }
        fputc(*s, out);
    }
}

static void tables_markdown(FILE *out)
{
    static const char *const KIND_TITLE[] = {"Type number (hardware): 68 X1..X16",
                                             "Software configuration: Z1..Z20"};
    for (int k = 0; k < 2; k++) {
        pp_ordercode_kind_t kind = (pp_ordercode_kind_t)k;
        fprintf(out, "### %s\n\n| position | key | field | digits |\n|---|---|---|---|\n",
                KIND_TITLE[k]);
        for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
            fprintf(out, "| %s | `%s` | %s | %u |\n", f->pos, f->key, f->title, f->width);
        }
        fputc('\n', out);
        for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
            fprintf(out, "#### %s %s (`%s`)\n\n| code | meaning | alias |\n|---|---|---|\n",
                    f->pos, f->title, f->key);
            for (uint8_t o = 0; o < f->n_options; o++) {
                fprintf(out, "| %s | ", f->options[o].code);
                md_cell(out, f->options[o].meaning);
                fprintf(out, " | ");
                md_cell(out, f->options[o].alias != NULL ? f->options[o].alias : "");
                fprintf(out, " |\n");
            }
            if (f->preset != PP_PRESET_NONE) {
                fprintf(out, "\nAny other %u digits NNN name the section `[preset.%s.NNN]` of "
                        "the host configuration file.\n", f->width, PRESET_NAME[f->preset]);
            }
            fputc('\n', out);
        }
    }
}

static void tables_text(FILE *out)
{
    for (int k = 0; k < 2; k++) {
        pp_ordercode_kind_t kind = (pp_ordercode_kind_t)k;
        for (size_t i = 0; i < pp_ordercode_field_count(kind); i++) {
            const pp_ordercode_field_desc_t *f = pp_ordercode_field(kind, i);
            fprintf(out, "%s %s (--%s)\n", f->pos, f->title, f->key);
            for (uint8_t o = 0; o < f->n_options; o++) {
                const pp_ordercode_option_t *op = &f->options[o];
                fprintf(out, "  %-4s %s%s%s%s\n", op->code, op->meaning, op->alias ? " [" : "",
                        op->alias ? op->alias : "", op->alias ? "]" : "");
            }
            if (f->preset != PP_PRESET_NONE) {
                fprintf(out, "  NNN  any other value: [preset.%s.NNN]\n", PRESET_NAME[f->preset]);
            }
        }
    }
}

static int cmd_tables(int argc, char **argv)
{
    bool md = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0) {
            md = true;
        } else {
            fprintf(stderr, "polyphase config tables: unknown argument '%s'; allowed: "
                    "--markdown\n", argv[i]);
            return EXIT_BAD;
        }
    }
    if (md) {
        tables_markdown(stdout);
    } else {
        tables_text(stdout);
    }
    return 0;
}

/* ---------------- check ---------------- */

static int cmd_check(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "etc/polyphase.conf";
    if (argc > 2) {
        fprintf(stderr, "polyphase config check: too many arguments; usage: polyphase config "
                "check [FILE]\n");
        return EXIT_BAD;
    }
    pp_hostcfg_t *cp = malloc(sizeof *cp); /* large: not on the stack */
    char msg[PP_HOSTCFG_MESSAGE_MAX];
    if (cp == NULL) {
        return EXIT_FAIL;
    }
    if (pp_hostcfg_load(cp, path, msg, sizeof msg) != 0) {
        fprintf(stderr, "polyphase config check: %s\n", msg);
        free(cp);
        return strstr(msg, ": cannot read:") != NULL ? EXIT_FAIL : EXIT_BAD;
    }
    const pp_hostcfg_t *cfg = cp;
    char tbuf[PP_ORDERCODE_TYPE_TEXT], sbuf[PP_ORDERCODE_SW_TEXT];
    pp_ordercode_print_type(&cfg->type, tbuf, sizeof tbuf);
    pp_ordercode_print_sw(&cfg->sw, sbuf, sizeof sbuf);
    printf("%s: ok\n  meter     %s%s\n  type      %s\n  software  %s\n", path, cfg->manufacturer,
           cfg->meter_number, tbuf, sbuf);
    printf("  ports     wrapper %u, hdlc %u, optical %u, pty %s\n", cfg->wrapper_tcp_port,
           cfg->hdlc_tcp_port, cfg->optical_tcp_port, cfg->pty ? "yes" : "no");
    printf("  presets   %u display, %u tariff, %u other\n", cfg->n_display, cfg->n_tariff,
           cfg->n_other);
    printf("  run       nvm %s, scenario %s, speed ", cfg->nvm_image, cfg->scenario);
    if (cfg->speed == 0) {
        printf("max\n");
    } else {
        printf("%g\n", cfg->speed);
    }
    free(cp);
    return 0;
}

int pp_cli_config(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(sub, "decode") == 0) {
        return cmd_decode(argc - 1, argv + 1);
    }
    if (strcmp(sub, "encode") == 0) {
        return cmd_encode(argc - 1, argv + 1);
    }
    if (strcmp(sub, "tables") == 0) {
        return cmd_tables(argc - 1, argv + 1);
    }
    if (strcmp(sub, "check") == 0) {
        return cmd_check(argc - 1, argv + 1);
    }
    fprintf(stderr, "polyphase config: unknown subcommand '%s'; allowed: decode, encode, tables, "
            "check\n\n", sub);
    usage(stderr);
    return EXIT_BAD;
}
