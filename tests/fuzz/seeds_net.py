#!/usr/bin/env python3
"""tests/fuzz/seeds_net.py - writes the seed corpora of the network fuzz targets:
tests/fuzz/corpus/{dns,dhcp,lwip_frame,net_wire}/. Each seed is a well-formed message
(the fuzzers mutate from there) or one of the malformed classes the unit test
tests/net/lwip_parse_test.c feeds. Run it from anywhere; it overwrites its own files."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def name(n):
    return b"".join(bytes([len(l)]) + l for l in n.encode().split(b".")) + b"\0"


def dns(qname, typ, rdata, an=1, flags=0x8180, owner=b"\xc0\x0c"):
    m = struct.pack(">HHHHHH", 0, flags, 1, an, 0, 0) + name(qname) + struct.pack(">HH", typ, 1)
    return m + owner + struct.pack(">HHIH", typ, 1, 60, len(rdata)) + rdata


def bootp(typ, opts=b""):
    m = bytearray(240)
    m[0:3] = b"\x02\x01\x06"
    m[16:20] = bytes([10, 0, 2, 15])
    m[28:34] = bytes.fromhex("525400123456")
    m[236:240] = b"\x63\x82\x53\x63"
    o = bytes([53, 1, typ, 54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 14, 16, 1, 4, 255, 255, 255, 0,
               3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 2])
    return bytes(m) + o + opts + b"\xff"


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(proto, payload, src="10.0.2.2", dst="10.0.2.15", frag=0, ident=1):
    a = bytes(map(int, src.split("."))) + bytes(map(int, dst.split(".")))
    h = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0) + a
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


def eth(typ, payload):
    return bytes.fromhex("525400123456525400aabbcc") + struct.pack(">H", typ) + payload


def frames(*fs):
    return b"".join(struct.pack(">H", len(f)) + f for f in fs)


def tcp(dport, flags, seq=1000, win=8192):
    return struct.pack(">HHIIBBHHH", 40000, dport, seq, 0, 5 << 4, flags, win, 0, 0)


def msg(n, body=b""):
    """A request of proto/net.h: struct sos_msg_hdr (txid, ordinal, status, flags), then
    the fields (u32 little-endian; a string is its u32 length, its bytes and a NUL)."""
    return struct.pack("<IIiI", 7, 1 << 24 | 9 << 16 | n, 0, 0) + body


def s(text):
    return struct.pack("<I", len(text)) + text + b"\0"


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for n, b in seeds.items():
        with open(os.path.join(d, n), "wb") as f:
            f.write(b)


a4 = bytes([10, 0, 2, 9])
write("dns", {
    "good-a": b"\0" + dns("fuzz.test", 1, a4),
    "good-aaaa": b"\1" + dns("fuzz.test", 28, bytes(15) + b"\7"),
    "loop-owner": b"\0" + dns("fuzz.test", 1, a4, owner=b"\xc0\x1b"),
    "nul-label": b"\0" + dns("fuzz.test", 1, a4)[:12] + name("fuzz.test")[:-1] + b"\x01\0\0" +
                 dns("fuzz.test", 1, a4)[12 + 11:],
    "huge-count": b"\0" + dns("fuzz.test", 1, a4, an=0xffff),
    "cname-then-a": b"\0" + dns("fuzz.test", 5, name("other.test")) + b"\xc0\x0c" +
                    struct.pack(">HHIH", 1, 1, 60, 4) + a4,
})
write("dhcp", {
    "offer": b"\0" + bootp(2),
    "ack": b"\0" + bootp(5),
    "nak": b"\0" + bootp(6),
    "overload": b"\0" + bootp(2, bytes([52, 1, 3])),
    "offer-frag": b"\x10" + bootp(2),
    "bad-len": b"\0" + bootp(2, bytes([1, 0, 51, 2, 0, 0])),
})
udp_dns = struct.pack(">HHHH", 53, 4000, 8 + 20, 0) + dns("x.test", 1, a4)[:20]
write("lwip_frame", {
    "arp-request": frames(eth(0x0806, bytes.fromhex("0001080006040001525400aabbcc0a000202000000000000") +
                              bytes([10, 0, 2, 15]))),
    "icmp-echo": frames(eth(0x0800, ip4(1, b"\x08\x00\xf7\xfe\x00\x01\x00\x00"))),
    "tcp-syn": frames(eth(0x0800, ip4(6, tcp(7777, 0x02))), b"", eth(0x0800, ip4(6, tcp(7777, 0x3f)))),
    "tcp-xmas-closed": frames(eth(0x0800, ip4(6, tcp(9, 0x29)))),
    "frag-overlap": frames(eth(0x0800, ip4(17, udp_dns[:16], frag=0x2000, ident=9)),
                           eth(0x0800, ip4(17, udp_dns[8:], frag=1, ident=9))),
    "udp-7008": frames(eth(0x0800, ip4(17, struct.pack(">HHHH", 5000, 7008, 12, 0) + b"ping"))),
    "ipv6-ns": frames(eth(0x86dd, bytes.fromhex("6000000000203aff") + bytes.fromhex("fe80" + "00" * 12 + "0002") +
                          bytes.fromhex("ff0200000000000000000001ff123456") +
                          bytes.fromhex("870000000000000000fe80000000000000505400fffe1234560101525400aabbcc"))),
})
write("net_wire", {
    "info": msg(1),
    "resolve": msg(3, s(b"repo.test")),
    "connect": msg(5, s(b"10.0.2.2") + struct.pack("<II", 7007, 3000)),
    "send": msg(8, s(b"") + struct.pack("<II", 0, 5) + b"hello"),
    "cut": msg(5, struct.pack("<I", 200) + b"x"),  # a host longer than the message
})
