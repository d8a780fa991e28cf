#!/usr/bin/env python3
"""tests/fuzz/seeds_pkg_records.py - writes the seed corpus of the package records fuzz
target: tests/fuzz/corpus/pkg_records/. Each seed is a PKG_PACKAGES or PKG_TRUST reply
as services/clients/pkgrec.c encodes it (the fuzzer mutates from there), or one of the
malformed classes services/clients/pkgrec_test.c feeds. Run it from anywhere; it
overwrites its own files."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "pkg_records")


def hdr(ordinal):
    return struct.pack("<IIiI", 0, ordinal, 0, 1)  # txid, ordinal, status, SOS_MSG_REPLY


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def s(text):
    b = text.encode()
    return u32(len(b)) + b + b"\0"


def ordinal(n):
    return (1 << 24) | (12 << 16) | n  # SOS_ORD(PROTO_PKG, 1, n)


def package(name="hello", version="1.1", flags=0, channel=0):
    return (s(name) + s(version) + s("The hello program") + u32(flags) + s("1.0") + u32(channel) +
            s("test") + u64(9000) + s("base >=1"))


def repo(name="test", clock=1):
    return (s(name) + s("http://repo.test:8080/") + u32(1) + u64(4102444800) + u32(3) + u32(2) +
            u32(5) + u32(clock) + s("0011223344556677:root+targets"))


def origin(flags=3):
    return (s("hello") + s("1.0") + u32(flags) + s("test") + s("file:test") + u32(1) +
            s("0011223344556677") + s("snapshot 3, targets 2") + s("allow test *") + s("a" * 64) +
            s("b" * 64) + u32(4) + s("software"))


SEEDS = {
    "packages": hdr(ordinal(16)) + u32(0) + u32(2) + package() + package("hellowin", "1", 1, 1),
    "packages-page": hdr(ordinal(16)) + u32(32) + u32(1) + package(),
    "packages-empty": hdr(ordinal(16)) + u32(0) + u32(0),
    "packages-trailing": hdr(ordinal(16)) + u32(0) + u32(1) + package() + u32(0),
    "packages-channel": hdr(ordinal(16)) + u32(0) + u32(1) + package(channel=2),
    "trust": hdr(ordinal(17)) + u32(2) + repo() + repo("apps", 0) + u32(1) + origin(),
    "trust-no-origin": hdr(ordinal(17)) + u32(1) + repo() + u32(0),
    "trust-two-origins": hdr(ordinal(17)) + u32(0) + u32(2) + origin() + origin(),
    "trust-clock": hdr(ordinal(17)) + u32(1) + repo(clock=3) + u32(0),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
