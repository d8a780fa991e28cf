#!/usr/bin/env python3
"""Write the hand-made seeds of the syscall fuzzer into tests/fuzz/corpus/syscalls/.

Each seed is a short, meaningful program in the input format of fuzz_syscalls.c (read
its header first): libFuzzer starts from these and mutates them, which reaches deep
states (a reply to a channel_call, a periodic timer feeding a port) that random bytes
take long to find. The encoders below mirror the generators in fuzz_syscalls.c; a seed
that drifts from them is still a valid input, only a less useful one.

    tests/fuzz/seeds_syscalls.py        (re)writes corpus/syscalls/seed-* and the
                                        regress-* inputs defined here
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

NR = {}
NARGS = {}
for line in open(os.path.join(SRC, "core", "include", "sos", "syscalls.def")):
    m = re.match(r"SOS_SYSCALL(\d)\((\d+), (\w+)", line)
    if m:
        NARGS[m.group(3)] = int(m.group(1))
        NR[m.group(3)] = int(m.group(2))

# buffers of every fuzz process (g_buf_len): 0,1: 4 KiB; 2: 8 KiB; 3: 72 KiB; 4: 256 B;
# 5: 8 KiB (the stack of P_THREAD threads); spawned processes get 4 KiB ones
SIZES = [0, 1, 2, 3, 4, 7, 8, 16, 24, 32, 40, 63, 64, 65, 255, 256, 1024, 4095, 4096, 4097,
         8192, 65535, 65536, 65537, 262144, 1 << 20, (1 << 32) - 1, 1 << 32, (1 << 32) + 1,
         (1 << 32) - 1, (1 << 64) - 1, (1 << 63) - 1]
SIGS = {"none": 0, "signaled": 1, "readable": 2, "writable": 3, "peer_closed": 4,
        "terminated": 5, "user0": 6}
RIGHT_BITS = ["read", "write", "map", "signal", "wait", "send", "receive", "duplicate",
              "transfer", "manage", "execute"]
P_OPS = ["poke", "poke_handle", "poke_ptr", "struct", "thread", "spawn", "fault", "irq",
         "console", "wild"]


def le16(v):
    return struct.pack("<H", v)


def le64(v):
    return struct.pack("<Q", v & (1 << 64) - 1)


class Prog:
    """Builds one input; tracks the fuzz process's handle pool by name."""

    def __init__(self):
        self.out = b""
        self.pool = ["image", "thread", "self", "root"]  # newest last

    def h(self, name):
        """A pool handle by name (typed selector: p-th most recent)."""
        p = len(self.pool) - 1 - self.pool.index(name)
        assert p < 24, name
        return bytes([p])

    def got(self, *names):
        for n in names:
            if n in self.pool:
                self.pool.remove(n)
            self.pool.append(n)

    def sys(self, name, *args, got=()):
        assert len(args) == NARGS[name], (name, len(args))
        self.out += bytes([NR[name]]) + b"".join(args)
        self.got(*got)
        return self

    def op(self, name, b=0, off=0, rest=b""):
        self.out += bytes([0xd0 + P_OPS.index(name), b]) + le16(off) + rest
        return self


# ---- argument encoders (typed, mode 0, unless said)
def u(v):
    return bytes([v]) if v < 20 else bytes([0xe0 | 16]) + le64(v)  # mode 7 raw


def ptr(buf, off=0):
    """A plain pointer into buffer `buf` (mode 5: never builds a struct there)."""
    if off == 0:
        return bytes([0xa0 | buf])
    assert off % 8 == 0 and off < 2048
    return bytes([0xa0 | (6 + buf), off // 8])


def size(v):
    return bytes([SIZES.index(v)]) if v in SIZES else bytes([31]) + le16(v)


def soon(us):
    """A deadline `us` microseconds from now (< 256)."""
    return bytes([4, us])


NEVER = bytes([6])
PAST = bytes([1])


def rights(*names):
    if names == ("same",):
        return bytes([0])
    if names == ("all",):
        return bytes([1])
    m = 0
    for n in names:
        m |= 1 << RIGHT_BITS.index(n)
    return bytes([16]) + le16(m)


def sig(name):
    return bytes([SIGS[name]])


def build_here(buf):
    """For a struct-typed pointer argument: fill the struct at the start of `buf`."""
    return bytes([buf])


def chan_read_fields(bytes_buf, handles_buf, cap=64, hcap=8):
    return ptr(bytes_buf) + ptr(handles_buf) + size(cap) + size(hcap)


# ---- the seeds
def seeds():
    s = {}

    p = Prog()
    p.sys("channel_create", u(0), ptr(0), got=("c0", "c1"))
    p.op("poke", 1, 0, bytes([8]) + b"hello!\0\0")
    p.sys("channel_write", p.h("c0"), ptr(1), size(8), ptr(2), size(0))
    p.sys("channel_read", p.h("c1"), build_here(4) + chan_read_fields(2, 3))
    p.sys("channel_read", p.h("c1"), build_here(4) + chan_read_fields(2, 3))  # SHOULD_WAIT
    p.sys("handle_close", p.h("c0"))
    p.sys("channel_read", p.h("c1"), build_here(4) + chan_read_fields(2, 3))  # PEER_CLOSED
    s["channel"] = p

    p = Prog()
    p.sys("event_create", u(0), ptr(0), got=("ev",))
    p.sys("channel_create", u(0), ptr(0, 8), got=("c0", "c1"))
    p.sys("channel_write", p.h("c0"), ptr(1), size(4),
          build_here(2) + p.h("ev") + bytes([24]) * 7, size(1))
    p.sys("channel_read", p.h("c1"), build_here(4) + chan_read_fields(1, 3), got=("ev2",))
    p.sys("object_signal", p.h("ev2"), sig("none"), sig("signaled"))
    p.sys("object_wait_one", p.h("ev2"), sig("signaled"), soon(10), ptr(1))
    s["transfer"] = p

    # a call answered by a second thread: the reply carries the txid back
    p = Prog()
    p.sys("channel_create", u(0), ptr(0), got=("c0", "c1"))
    p.op("thread", 0, 0, bytes([0, 0, 0]))
    p.got("th")
    call = (build_here(4) + ptr(1) + ptr(3) + size(16) + size(0) + chan_read_fields(2, 3))
    p.sys("channel_call", p.h("c0"), soon(200), call)
    p.sys("channel_read", p.h("c1"), build_here(4, ) + chan_read_fields(1, 3))
    p.sys("channel_write", p.h("c1"), ptr(1), size(16), ptr(3), size(0))
    s["call"] = p

    p = Prog()
    p.sys("port_create", u(0), ptr(0), got=("port",))
    p.sys("event_create", u(0), ptr(0, 8), got=("ev",))
    p.sys("object_wait_async", p.h("ev"), p.h("port"), u(7), sig("signaled"), u(1))
    p.sys("object_signal", p.h("ev"), sig("none"), sig("signaled"))
    p.sys("port_wait", p.h("port"), soon(10), ptr(1))
    p.sys("object_signal", p.h("ev"), sig("signaled"), sig("none"))
    p.sys("object_signal", p.h("ev"), sig("none"), sig("signaled"))
    p.sys("port_queue", p.h("port"), build_here(2) + le64(9) + bytes([1]) + bytes(4) + le64(5))
    p.sys("port_wait", p.h("port"), soon(10), ptr(1))
    p.sys("port_wait", p.h("port"), soon(10), ptr(1))
    p.sys("handle_close", p.h("ev"))
    p.sys("port_wait", p.h("port"), soon(50), ptr(1))
    s["port"] = p

    p = Prog()
    p.sys("timer_create", u(0), ptr(0), got=("t",))
    p.sys("port_create", u(0), ptr(0, 8), got=("port",))
    p.sys("timer_set", p.h("t"), soon(100), bytes([0xe0 | 16]) + le64(200000))
    p.sys("object_wait_async", p.h("t"), p.h("port"), u(1), sig("signaled"), u(1))
    p.sys("object_wait_one", p.h("t"), sig("signaled"), soon(250), ptr(1))
    p.sys("port_wait", p.h("port"), soon(250), ptr(1))
    p.sys("thread_sleep", soon(250))
    p.sys("port_wait", p.h("port"), soon(250), ptr(1))
    p.sys("timer_cancel", p.h("t"))
    p.sys("timer_set", p.h("t"), PAST, u(0))
    p.sys("object_wait_one", p.h("t"), sig("signaled"), NEVER, ptr(1))
    s["timer"] = p

    p = Prog()
    p.sys("revoker_create", ptr(0), got=("rv",))
    p.sys("event_create", u(0), ptr(0, 8), got=("ev",))
    p.sys("handle_mint", p.h("ev"), p.h("rv"), rights("same"), ptr(0, 16), got=("m",))
    p.sys("handle_duplicate", p.h("m"), rights("signal", "duplicate", "transfer"), ptr(0, 24),
          got=("md",))
    p.sys("channel_create", u(0), ptr(0, 32), got=("c0", "c1"))
    p.sys("channel_write", p.h("c0"), ptr(1), size(0), build_here(2) + p.h("md") + bytes(7),
          size(1))
    p.sys("revoker_revoke", p.h("rv"))
    p.sys("object_signal", p.h("m"), sig("none"), sig("signaled"))
    p.sys("channel_read", p.h("c1"), build_here(4) + chan_read_fields(1, 3))
    p.sys("handle_replace", p.h("ev"), rights("wait"), ptr(0, 40), got=("ev2",))
    s["revoke"] = p

    p = Prog()
    p.sys("vmo_create", size(8192), u(1), ptr(0), got=("vmo",))
    p.sys("vmo_write", p.h("vmo"), ptr(1), size(4096), size(4095))
    p.sys("vmo_read", p.h("vmo"), ptr(2), size(16), size(4096))
    p.sys("vmo_set_size", p.h("vmo"), size(65536))
    p.sys("vmo_get_size", p.h("vmo"), ptr(0, 8))
    vm_map = (build_here(4) + p.h("self") + p.h("vmo") + size(0) + size(8192)
              + bytes([3, 0]) + ptr(0))
    p.sys("vm_map", vm_map)
    p.sys("vmo_set_size", p.h("vmo"), size(4096))
    p.sys("object_get_info", p.h("vmo"), u(5), ptr(1), size(64))
    s["vmo"] = p

    # spawn arguments: nhandles, two handle selectors, priority, flags (1: want thread)
    p = Prog()
    p.op("spawn", 0, 0, bytes([0, 24, 24, 0, 1]))
    p.got("proc", "pthread")
    p.sys("object_get_info", p.h("proc"), u(2), ptr(1), size(1024))
    p.sys("thread_set_priority", p.h("pthread"), u(3), u(0))
    p.sys("process_kill", p.h("proc"))
    p.sys("object_wait_one", p.h("proc"), sig("terminated"), soon(100), ptr(1))
    s["spawn"] = p

    # the child runs the rest of the stream while the parent waits: it signals the event
    # it was given (the newest handle of its own pool)
    p = Prog()
    p.sys("event_create", u(0), ptr(0), got=("ev",))
    p.sys("handle_duplicate", p.h("ev"), rights("same"), ptr(0, 8), got=("evd",))
    p.op("spawn", 0, 0, bytes([1, 0, 24, 0, 1]))
    p.got("proc", "pthread")
    p.sys("object_wait_one", p.h("proc"), sig("terminated"), soon(200), ptr(1))
    p.sys("object_signal", bytes([0]), sig("none"), sig("signaled"))  # in the child
    p.sys("debug_write", ptr(0), size(4))
    s["spawn-run"] = p

    # the spawned process faults while the parent sleeps; the parent reads the record
    p = Prog()
    p.op("spawn", 0, 0, bytes([0, 24, 24, 0, 0]))
    p.got("proc")
    p.sys("thread_sleep", soon(10))
    p.op("fault", 0, 0, bytes([2, 25]) + le64(0x1234))
    p.sys("fault_read", p.h("root"), ptr(1), u(4))
    p.sys("object_get_info", p.h("proc"), u(2), ptr(1), size(1024))
    s["fault"] = p

    p = Prog()
    p.sys("interrupt_create", p.h("root"), u(20), ptr(0), got=("irq",))
    p.op("irq", 20, 1)
    p.sys("object_wait_one", p.h("irq"), sig("signaled"), soon(10), ptr(1))
    p.sys("interrupt_ack", p.h("irq"))
    p.op("console", 0, 0, bytes([3]) + b"ls\n")
    p.sys("console_read", p.h("root"), ptr(1), size(16))
    p.sys("audit_read", p.h("root"), u(0), ptr(3), size(64))
    p.sys("object_get_info", p.h("root"), u(3), ptr(1), size(1024))
    p.op("poke", 1, 0, bytes([5]) + b"hi!\n\0")
    p.sys("debug_write", ptr(1), size(4))
    p.sys("system_power", p.h("root"), u(0), u(3))
    s["system"] = p

    p = Prog()
    p.op("thread", 0, 0, bytes([0, 0, 0]))
    p.got("th")
    p.sys("thread_sleep", soon(20))
    p.sys("thread_yield")
    p.sys("thread_kill", p.h("th"))
    p.sys("thread_yield")
    p.sys("object_wait_one", p.h("th"), sig("terminated"), soon(10), ptr(1))
    p.sys("process_exit", u(7))
    s["threads"] = p
    return s


def regressions():
    """Inputs for bugs the fuzzer found whose own input no longer says the same thing."""
    s = {}
    # an odd number of spawn handles left the startup block's argv unaligned (UBSan)
    p = Prog()
    p.sys("event_create", u(0), ptr(0), got=("ev",))
    p.op("spawn", 0, 0, bytes([1, 0, 24, 0, 0]))
    p.got("proc")
    p.sys("object_wait_one", p.h("proc"), sig("terminated"), soon(100), ptr(1))
    s["startup-argv-align"] = p
    return s


def main():
    d = os.path.join(HERE, "corpus", "syscalls")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    for prefix, progs in (("seed-", seeds()), ("regress-", regressions())):
        for name, prog in progs.items():
            with open(os.path.join(d, prefix + name), "wb") as f:
                f.write(prog.out)
    print("wrote %d seeds and %d regression inputs to %s" % (len(seeds()), len(regressions()), d))


if __name__ == "__main__":
    main()
