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
    if (pp_meter_init(&meter, &port, &cfg) != PP_OK) {
        return 1;
    }
    for (;;) {
        pp_meter_task(&meter); /* the UART ISR queues bytes; pp_meter_receive() them here */
    }
}

#if defined(__arm__)
int main(void)
{
    return template_firmware_main();
}
#endif
