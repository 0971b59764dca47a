/* The core's text appender: numbers at their limits, hex, truncation that
 * always leaves a terminated string and counts what did not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "polyphase/text.h"

static void numbers_and_hex(void **state)
{
    (void)state;
    char buf[64];
    pp_text_t t;
    pp_text_init(&t, buf, sizeof buf);
    pp_text_u(&t, 0);
    pp_text_c(&t, ' ');
    pp_text_u(&t, 4294967295u);
    pp_text_s(&t, " 0x");
    pp_text_x(&t, 0xA5);
    const uint8_t bytes[] = {0x00, 0x7E, 0xFF};
    pp_text_hex(&t, bytes, sizeof bytes);
    assert_string_equal(buf, "0 4294967295 0xA5 00 7E FF");
    assert_int_equal(pp_text_length(&t), strlen(buf));
}

static void truncation(void **state)
{
    (void)state;
    char buf[8];
    pp_text_t t;
    pp_text_init(&t, buf, sizeof buf);
    pp_text_s(&t, "0123456789");
    assert_string_equal(buf, "0123456");          /* 7 characters and the NUL */
    assert_int_equal(t.len, 10u);                 /* what was asked for */
    assert_int_equal(pp_text_length(&t), 7u);
    char small[12];
    const uint8_t many[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    pp_text_init(&t, small, sizeof small);
    pp_text_hex(&t, many, sizeof many);
    assert_string_equal(small, " 01 02 ...");     /* room for " ..." kept */
    pp_text_init(&t, NULL, 0);                    /* no buffer: counts only */
    pp_text_s(&t, "abc");
    assert_int_equal(t.len, 3u);
    assert_int_equal(pp_text_length(&t), 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_and_hex),
        cmocka_unit_test(truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
