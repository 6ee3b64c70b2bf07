#!/usr/bin/env python3
"""dns_query.py SERVER NAME [A|PTR] [PORT]: one DNS query over UDP, the answers
printed one a line (an address for A, a name for PTR); exit 1 with none.
Standard library only (no dig on a minimal Debian)."""
import random
import socket
import struct
import sys


def encode(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def read_name(msg, i):
    labels = []
    while True:
        n = msg[i]
        if n & 0xC0 == 0xC0:
            ptr = struct.unpack(">H", msg[i:i + 2])[0] & 0x3FFF
            labels.append(read_name(msg, ptr)[0])
            return ".".join(labels), i + 2
        i += 1
        if n == 0:
            return ".".join(labels), i
        labels.append(msg[i:i + n].decode())
        i += n


def main():
    server, name = sys.argv[1], sys.argv[2]
    kind = sys.argv[3] if len(sys.argv) > 3 else "A"
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 53
    if kind == "PTR":
        name = ".".join(reversed(name.split("."))) + ".in-addr.arpa"
    qtype = {"A": 1, "PTR": 12}[kind]
    qid = random.randrange(65536)
    query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + encode(name) + struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(query, (server, port))
    msg, _ = s.recvfrom(4096)
    _, flags, qd, an, _, _ = struct.unpack(">HHHHHH", msg[:12])
    i = 12
    for _ in range(qd):
        _, i = read_name(msg, i)
        i += 4
    found = 0
    for _ in range(an):
        _, i = read_name(msg, i)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        if rtype == 1 and kind == "A":
            print(socket.inet_ntoa(msg[i:i + 4]))
            found += 1
        elif rtype == 12 and kind == "PTR":
            print(read_name(msg, i)[0])
            found += 1
        i += rdlen
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
