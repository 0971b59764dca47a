/* Fuzz target: order-code parsers, editing, checks and messages, and the
 * host configuration file parser. The first byte picks the mode; the rest is
 * the text. Whatever the input: no crash, and what parses prints back to a
 * form that parses to the same digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostcfg.h"
#include "polyphase/ordercode.h"

static void codes(const char *text)
{
    pp_type_code_t t, t2;
    pp_sw_code_t s, s2;
    pp_ordercode_error_t e;
    char buf[PP_ORDERCODE_MESSAGE_MAX];
    if (pp_ordercode_parse_type(text, &t, &e) == PP_OK) {
        if (pp_ordercode_print_type(&t, buf, sizeof buf) < 0 ||
            pp_ordercode_parse_type(buf, &t2, NULL) != PP_OK || strcmp(t.digits, t2.digits) != 0) {
            abort();
        }
    }
    pp_ordercode_error_format(&e, buf, sizeof buf);
    if (pp_ordercode_parse_sw(text, &s, &e) == PP_OK) {
        if (pp_ordercode_print_sw(&s, buf, sizeof buf) < 0 ||
            pp_ordercode_parse_sw(buf, &s2, NULL) != PP_OK || strcmp(s.digits, s2.digits) != 0) {
            abort();
        }
    }
    pp_ordercode_error_format(&e, buf, sizeof buf);
}

/* "key=value": edit the default codes, then cross-check them. */
static void edit(char *text)
{
    pp_type_code_t t;
    pp_sw_code_t s;
    pp_ordercode_error_t e;
    char buf[PP_ORDERCODE_MESSAGE_MAX];
    pp_ordercode_parse_type(pp_ordercode_default_type, &t, NULL);
    pp_ordercode_parse_sw(pp_ordercode_default_sw, &s, NULL);
    char *eq = strchr(text, '=');
    const char *value = "";
    if (eq != NULL) {
        *eq = '\0';
        value = eq + 1;
    }
    pp_ordercode_set_type(&t, text, value, &e);
    pp_ordercode_error_format(&e, buf, sizeof buf);
    pp_ordercode_set_sw(&s, text, value, &e);
    pp_ordercode_error_format(&e, buf, sizeof buf);
    pp_ordercode_features_t f;
    pp_ordercode_check(&t, &s, &f, &e);
    pp_ordercode_error_format(&e, buf, 7); /* truncation path */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1 << 16) {
        return 0;
    }
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0'; /* stops at an embedded NUL, like a C string */
    switch (data[0] % 3) {
    case 0:
        codes(text);
        break;
    case 1:
        edit(text);
        break;
    default: {
        pp_hostcfg_t *cfg = malloc(sizeof *cfg);
        char err[PP_HOSTCFG_MESSAGE_MAX];
        pp_hostcfg_parse(cfg, "fuzz", text, err, sizeof err);
        free(cfg);
        break;
    }
    }
    free(text);
    return 0;
}
