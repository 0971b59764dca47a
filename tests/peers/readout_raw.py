#!/usr/bin/env python3
"""Reads one IEC 62056-21 mode C readout from a TCP optical port with our own
minimal client, checks the BCC, and prints the data sets as JSON in the form
compare_iec21.py expects: {"A-B:C.D.E": {"value": .., "unit": .., "value2": ..}}."""
import json
import re
import socket
import sys
import time

port = int(sys.argv[1])
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", port))
        break
    except OSError:
        time.sleep(0.1)
s.settimeout(10)
s.sendall(b"/?!\r\n")
ident = b""
while not ident.endswith(b"\r\n"):
    ident += s.recv(1)
s.sendall(b"\x06050\r\n")
data = b""
while b"\x03" not in data or len(data) <= data.index(b"\x03") + 1:
    data += s.recv(4096)
stx, etx = data.index(b"\x02"), data.index(b"\x03")
bcc = 0
for b in data[stx + 1:etx + 1]:
    bcc ^= b
if data[etx + 1] != bcc:
    sys.exit("readout_raw: BCC %02x, expected %02x" % (data[etx + 1], bcc))
out = {}
for line in data[stx + 1:etx].decode("ascii").split("\r\n"):
    m = re.fullmatch(r"([0-9]+-[0-9]+:[0-9.]+)\(([^)*]*)(?:\*([^)]*))?\)(?:\(([^)]*)\))?", line)
    if m:
        out[m.group(1)] = {"value": m.group(2), "unit": m.group(3) or "", "value2": m.group(4) or ""}
    elif line not in ("!", ""):
        sys.exit("readout_raw: not a data set: %r" % line)
json.dump(out, sys.stdout, indent=1)
