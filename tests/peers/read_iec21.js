#!/usr/bin/env node
// Reads one IEC 62056-21 data readout with the independent npm package
// smartmeter-obis (SerialRequestResponseTransport: /?! sign-on, mode C
// option select, baud change) over a serial device or pty given as the
// argument, and prints the parsed OBIS values as JSON:
//   { "1-0:1.8.0": [{"value": 4321.987, "unit": "kWh"}], ... }
// Exits 1 on an error or when nothing is read within the timeout.
'use strict';

const SmartmeterObis = require('smartmeter-obis');

const path = process.argv[2];
const timeoutMs = Number(process.argv[3] || 60000);
if (!path) {
    console.error('usage: read_iec21.js SERIAL_PATH [timeout_ms]');
    process.exit(2);
}

let transport = null;
let done = false;

function finish(code, text) {
    if (done) return;
    done = true;
    if (text) (code ? process.stderr : process.stdout).write(text + '\n');
    const exit = () => process.exit(code);
    if (transport) transport.stop(exit); else exit();
    setTimeout(exit, 2000).unref();
}

const options = {
    protocol: 'D0Protocol',
    transport: 'SerialRequestResponseTransport',
    transportSerialPort: path,
    transportSerialBaudrate: 300,
    transportSerialDataBits: 7,
    transportSerialParity: 'even',
    transportSerialStopBits: 1,
    transportSerialMessageTimeout: timeoutMs,
    requestInterval: -1,
    debug: process.env.IEC21_DEBUG ? 2 : 0,
};
// IEC21_MODE=A makes the reader ignore the offered mode C (no option select).
if (process.env.IEC21_MODE) options.protocolD0ModeOverwrite = process.env.IEC21_MODE;

transport = SmartmeterObis.init(options, (err, obis) => {
    if (err) {
        finish(1, 'read_iec21: ' + err.message);
        return false;
    }
    const out = {};
    for (const id of Object.keys(obis)) {
        out[id] = obis[id].values.map((v) => ({ value: v.value, unit: v.unit }));
    }
    finish(0, JSON.stringify(out, null, 1));
    return false;
});
transport.process();
setTimeout(() => finish(1, 'read_iec21: timeout'), timeoutMs + 5000).unref();
