/* Bare-metal main loop of the template firmware: one meter, one task
 * function. In the cross build this links the whole core (metrology,
 * application, protocols), so the size report shows the real footprint.
 * The meter lives in static storage of the firmware, not of the core. */
#include "polyphase/meter.h"
#include "template_port.h"

int template_firmware_main(void);

int template_firmware_main(void)
{
    static template_board_t board;
    static pp_port_t port;
    static pp_meter_t meter;
    static pp_meter_config_t cfg;
    template_port_init(&port, &board);
    if (pp_meter_config_default(&cfg) != PP_OK) {
        return 1;
    }
    cfg.waveform = true; /* samples from the AFE through metrology */
    for (int ch = 0; ch < PP_ADC_CHANNELS; ch++) {
        cfg.metrology.scale[ch] = ch < 3 ? 1.0e-4f : 2.0e-5f; /* per-board calibration */
    }
    if (pp_meter_init(&meter, &port, &cfg) != PP_OK ||
        pp_meter_open(&meter, PP_CH_OPTICAL, 1) != PP_OK ||
        pp_meter_open(&meter, PP_CH_DLMS_HDLC, 2) != PP_OK) {
        return 1;
    }
    for (;;) {
        static uint8_t rx[64];
        size_t n = template_uart_take(&board.optical, rx, sizeof rx);
        if (n) {
            pp_meter_receive(&meter, PP_CH_OPTICAL, 1, rx, n);
        }
        n = template_uart_take(&board.rs485, rx, sizeof rx);
        if (n) {
            pp_meter_receive(&meter, PP_CH_DLMS_HDLC, 2, rx, n);
        }
        pp_meter_task(&meter);
    }
}

#if defined(__arm__)
int main(void)
{
    return template_firmware_main();
}
#endif
