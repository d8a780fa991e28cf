#!/usr/bin/env python3
"""Malformed traffic against the network service on a private network, for a bounded time.

usage: run-robust.py [--seconds S] -- COMMAND...   (COMMAND boots the system with the shell
                                                   on stdin; @TAP@ becomes the TAP device)

As root it re-runs itself in a private network namespace (run-dhcp.py's: a TAP device,
10.0.2.2 on the host side, dnsmasq for DHCP only, no route out). The host side then:
  - answers DNS itself on 10.0.2.2:53: every query first gets a burst of broken answers
    with its own id and question (compression loops, pointers past the end, labels over
    63 bytes, NUL labels, names over 255 bytes, huge counts, wrong record lengths, cut
    messages: what dnsmasq cannot send), then the right one (10.0.2.99);
  - while the guest's `net listen 7777` runs, for S seconds (default 20): frames crafted
    with scapy (bad IP, UDP, TCP and ICMP checksums, overlapping and tiny fragments, TCP
    with odd flag sets to open and closed ports, bad header lengths, total lengths that
    lie, runts and garbage, IPv6 junk), real TCP clients that reset their connection in
    the middle of a transfer or close their window to zero, and an nmap SYN scan
    (7777 open, the other ports closed, none filtered);
then checks that the network service is the same process, answers ping both ways and
still resolves; `kill network`: a new process, a new lease, the next resolve and
connect work. It prints how many malformed inputs of each kind it sent.
Without root, unshare, dnsmasq, scapy or nmap: TAP SKIP with the reason.
"""
import importlib.util
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('run_dhcp', os.path.join(HERE, 'run-dhcp.py'))
rd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rd)
TAP, GUEST, HOST = rd.TAP, '10.0.2.15', '10.0.2.2'
GOOD = bytes([10, 0, 2, 99])
MARK = 'SOS_NET_ROBUST_NAMESPACE'


class Guest:
    """The booted system: lines typed on stdin, its output collected by a thread."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.out, self.lock, self.mark = '', threading.Lock(), 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b''):
            with self.lock:
                self.out += chunk.decode('utf-8', 'replace')

    def type(self, text):
        self.mark = len(self.out)
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def wait(self, regex, timeout=30):
        """The match of regex in the output since the last typed line, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = re.search(regex, self.out[self.mark:])
            if m:
                return m
            time.sleep(0.05)
        return None


def dns_name(wire_q):
    """The question name's end in a query (the name is plain labels)."""
    i = 12
    while i < len(wire_q) and wire_q[i]:
        i += 1 + wire_q[i]
    return i + 1


def broken_answers(q):
    """Answers to the query q that a resolver must not take (NAME:WRECK, AMNESIA:33)."""
    end = dns_name(q) + 4
    qid, question = q[:2], q[12:end]
    hdr = lambda qd=1, an=1: qid + b'\x81\x80' + struct.pack('>HHHH', qd, an, 0, 0)
    rr = lambda owner=b'\xc0\x0c', typ=1, rdlen=4, rdata=GOOD: owner + struct.pack('>HHIH', typ, 1, 60, rdlen) + rdata
    loop_at = 12 + len(question)
    zeros = b''.join(b'\x3f' + bytes(63) for _ in range(18)) + b'\0'
    return {
        'owner-points-at-itself': hdr() + question + rr(struct.pack('>H', 0xc000 | loop_at)),
        'two-pointers-at-each-other': hdr() + question + rr(struct.pack('>HH', 0xc000 | loop_at + 2, 0xc000 | loop_at)),
        'pointer-past-end': hdr() + question + rr(b'\xc3\xff'),
        'question-points-at-itself': hdr() + b'\xc0\x0c\x00\x01\x00\x01' + rr(),
        'label-over-63': hdr() + b'\x50' + b'a' * 80 + b'\0\x00\x01\x00\x01' + rr(),
        'reserved-label-type': hdr() + b'\x80' + question[1:] + rr(),
        'nul-label': hdr() + question[:-5] + b'\x01\x00\x00' + question[-4:] + rr(),
        'name-over-255': hdr() + question[:-5] + zeros + question[-4:] + rr(),
        'huge-answer-count': hdr(1, 0xffff) + question + rr(),
        'huge-question-count': hdr(0xffff, 1) + question + rr(),
        'rdlength-past-end': hdr() + question + rr(rdlen=0x4000),
        'cut-in-record': (hdr() + question + rr())[:-3],
        'header-only': hdr(),
        'empty': b'',
    }


def dns_responder(stop, counts):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 53))
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            q, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        if len(q) < 17:
            continue
        for kind, a in broken_answers(q).items():
            s.sendto(a, peer)
            counts['dns:' + kind] = counts.get('dns:' + kind, 0) + 1
        end = dns_name(q) + 4
        answer = q[:2] + b'\x81\x80' + struct.pack('>HHHH', 1, 1, 0, 0) + q[12:end] + b'\xc0\x0c'
        s.sendto(answer + struct.pack('>HHIH', 1, 1, 60, 4) + GOOD, peer)
        # well-formed but without an address: had it come first, the name would rightly
        # fail; after the answer it finds no query waiting
        s.sendto(answer + struct.pack('>HHIH', 1, 1, 60, 0), peer)
        counts['dns:rdlength-0-late'] = counts.get('dns:rdlength-0-late', 0) + 1
    s.close()


def echo_server(stop):
    srv = socket.create_server((HOST, 7007))
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        with c:
            c.settimeout(5)
            try:
                while (b := c.recv(4096)):
                    c.sendall(b)
            except OSError:
                pass
    srv.close()


def crafted_frames(rng):
    """One round of malformed frames (scapy), as (kind, frame) pairs."""
    from scapy.all import ICMP, IP, TCP, UDP, Ether, IPv6, IPv6ExtHdrHopByHop, Raw, fragment
    eth = Ether(dst='52:54:00:12:34:56', src=get_mac())
    ip = lambda **kw: IP(src=HOST, dst=GUEST, **kw)
    sport = rng.randrange(20000, 60000)
    out = [
        ('bad-ip-checksum', eth / ip(chksum=0x1234) / ICMP() / (b'x' * 8)),
        ('bad-icmp-checksum', eth / ip() / ICMP(chksum=0x1234) / (b'x' * 8)),
        ('bad-udp-checksum', eth / ip() / UDP(sport=sport, dport=7008, chksum=0x1234) / b'x'),
        ('bad-tcp-checksum', eth / ip() / TCP(sport=sport, dport=7777, flags='S', chksum=0x1234)),
        ('ihl-under-5', eth / ip(ihl=3) / ICMP()),
        ('ihl-past-packet', eth / ip(ihl=15) / (b'\0' * 8)),
        ('total-length-too-big', eth / ip(len=1400) / ICMP()),
        ('total-length-too-small', eth / ip(len=10) / ICMP() / (b'x' * 40)),
        ('runt-frame', Ether(bytes(eth)[:14] + b'\x45')),
        ('garbage-frame', Ether(bytes(eth)[:12] + b'\x08\x00' + bytes(rng.randrange(256) for _ in range(60)))),
        ('ipv6-hop-by-hop-junk', Ether(dst='52:54:00:12:34:56', src=get_mac()) /
         IPv6(src='fe80::1', dst='fe80::5054:ff:fe12:3456') / IPv6ExtHdrHopByHop(options=[]) /
         Raw(bytes(rng.randrange(256) for _ in range(32)))),
    ]
    for flags in ('SF', 'SFRPAU', '', 'F', 'FPU', 'SR', 'A', 'R', 'U', 'SE', 'FSRPAUEC'):
        for port in (7777, 7779):
            out.append(('tcp-flags-' + (flags or 'none'),
                        eth / ip() / TCP(sport=sport, dport=port, flags=flags, seq=rng.randrange(1 << 32),
                                         window=rng.choice((0, 1, 65535)))))
    # overlapping fragments: a UDP datagram and an ICMP echo whose pieces cover each
    # other with different bytes, and tiny 8-byte fragments
    big = ip(id=rng.randrange(65536)) / ICMP(id=7, seq=1) / (b'A' * 64)
    frags = fragment(big, fragsize=24)
    over = frags[1].copy()
    over.frag = frags[1].frag - 1
    over[Raw].load = b'B' * len(over[Raw].load)
    out += [('overlapping-fragments', eth / f) for f in frags[:1] + [over] + frags[1:]]
    out += [('tiny-fragments', eth / f) for f in fragment(ip(id=rng.randrange(65536)) /
                                                             UDP(sport=sport, dport=7008) / (b'C' * 48), fragsize=8)]
    out.append(('fragment-past-64k', eth / ip(id=rng.randrange(65536), frag=8189, flags=0) / (b'D' * 64)))
    return out


_mac = []


def get_mac():
    if not _mac:  # (not from /sys: that is the sysfs of the namespace it was mounted in)
        from scapy.all import get_if_hwaddr
        _mac.append(get_if_hwaddr(TAP))
    return _mac[0]


def flood(stop_at, counts, result):
    try:
        flood_frames(stop_at, counts)
    except Exception as e:  # the case below fails with it
        result['flood_error'] = repr(e)


def flood_frames(stop_at, counts):
    from scapy.all import conf
    conf.verb = 0
    rng = random.Random(7)
    sock = conf.L2socket(iface=TAP)
    try:
        while time.monotonic() < stop_at:
            for kind, f in crafted_frames(rng):
                sock.send(f)
                counts[kind] = counts.get(kind, 0) + 1
            time.sleep(0.02)
    finally:
        sock.close()


def tcp_abuse(stop_at, counts, result):
    """Real clients of the guest's echo: a reset in the middle of a transfer, and a
    window closed to zero (a small receive buffer that is never read)."""
    while time.monotonic() < stop_at:
        try:
            with socket.create_connection((GUEST, 7777), timeout=3) as c:
                c.sendall(os.urandom(32768))
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            counts['tcp-rst-mid-transfer'] = counts.get('tcp-rst-mid-transfer', 0) + 1
            c = socket.socket()
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            c.settimeout(1)
            c.connect((GUEST, 7777))
            try:
                while True:
                    c.send(os.urandom(16384))
            except OSError:
                pass  # the guest's echo is stuck against our zero window: as designed
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            c.close()
            counts['tcp-zero-window'] = counts.get('tcp-zero-window', 0) + 1
        except OSError as e:
            result.setdefault('tcp_errors', []).append(str(e))
            time.sleep(0.2)


def nmap_scan(result):
    """A SYN scan of 21 ports around the listener: 7777 open, the rest closed (lwIP
    answers RST), none filtered (nothing in the guest drops a SYN)."""
    r = subprocess.run(['nmap', '-n', '-Pn', '-sS', '-p', '7770-7790', '--max-retries', '2',
                        '-oX', '-', GUEST], capture_output=True, text=True, timeout=120)
    states = {}
    for port, state in re.findall(r'portid="(\d+)"><state state="(\w+)"', r.stdout):
        states[state] = states.get(state, []) + [int(port)]
    for state, n in re.findall(r'<extraports state="(\w+)" count="(\d+)"', r.stdout):
        states[state] = states.get(state, []) + ['x'] * int(n)
    result['nmap'] = states


class Cases:
    def __init__(self):
        self.n, self.failed = 0, 0

    def check(self, ok, what):
        self.n += 1
        self.failed += not ok
        print(f'{"ok" if ok else "not ok"} {self.n} - {what}', flush=True)
        return ok


def wait_lease(g, seconds=30):
    """`net ifaces` once a second until it shows the lease; whether it did."""
    for _ in range(seconds):
        g.type('net ifaces\n')
        if g.wait(r'ipv4 10\.0\.2\.15', 1):
            return True
    return False


def network_pid(g):
    g.type('ps\n')
    m = g.wait(r'\n\s*network\s+\S+\s+\S+\s+pid (\d+)', 10)
    return int(m.group(1)) if m else None


def resolve(g, name, timeout=30):
    g.type(f'net resolve {name}\n')
    return g.wait(re.escape(name) + r': 10\.0\.2\.99', timeout) is not None


def attack(g, seconds, counts, result):
    """`net listen 7777` in the guest, the host's attacks for `seconds`, then Ctrl-C."""
    g.type('net listen 7777\n')
    g.wait(r'7777', 10)
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=flood, args=(stop_at, counts, result)),
               threading.Thread(target=tcp_abuse, args=(stop_at, counts, result)),
               threading.Thread(target=nmap_scan, args=(result,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    g.type('\x03')
    time.sleep(1)


def scenario(g, seconds, cases):
    counts, result = {}, {}
    cases.check(g.wait(r'serviceos> ', 60) is not None, 'the system booted to the shell')
    g.type('config set network.ipv4.dns 10.0.2.2\nrestart network\n')
    cases.check(wait_lease(g), 'the service has its lease')
    pid = network_pid(g)
    cases.check(pid is not None, f'the network service runs (pid {pid})')
    ok = all(resolve(g, f'evil{i}.test') for i in range(6))
    cases.check(ok, 'six names resolve, each after a burst of broken answers with its id')
    attack(g, seconds, counts, result)
    frames = sum(v for k, v in counts.items() if not k.startswith(('dns:', 'tcp-rst', 'tcp-zero')))
    cases.check(frames > 0 and 'flood_error' not in result,
                f'the host sent {frames} crafted frames {result.get("flood_error", "")}')
    cases.check(counts.get('tcp-rst-mid-transfer') and counts.get('tcp-zero-window'),
                'real clients reset transfers and closed their window')
    cases.check(network_pid(g) == pid, f'after {seconds} s of malformed traffic the network '
                                       f'service is the same process (pid {pid})')
    g.type('net ping 10.0.2.2 2\n')
    cases.check(g.wait(r'reply from 10\.0\.2\.2: seq 2', 20) is not None, 'the guest pings the host')
    cases.check(rd.icmp_echo(socket.AF_INET, (GUEST, 0)), 'the host pings the guest')
    cases.check(resolve(g, 'after.test'), 'the guest still resolves')
    states = result.get('nmap', {})
    cases.check(states.get('open') == [7777] and len(states.get('closed', [])) == 20 and
                not states.get('filtered'),
                f'nmap: 7777 open, 20 ports closed, none filtered ({ {k: len(v) for k, v in states.items()} })')
    g.type('kill network\n')
    time.sleep(1)
    cases.check(resolve(g, 'restarted.test', 40), 'after `kill network` the next resolve works '
                                                 '(it waits for the new lease)')
    g.type('net connect 10.0.2.2 7007 after the restart\n')
    cases.check(g.wait(r'after the restart\s*\n.*bytes received', 20) is not None,
                'and the next TCP connect works')
    new = network_pid(g)
    cases.check(new is not None and new != pid, f'a new network process (pid {new})')
    g.type('logs 200 --service network\n')
    g.wait(r'serviceos> $', 10)
    leases = len(re.findall(r'net0: lease 10\.0\.2\.15', g.out[g.mark:]))
    cases.check(leases >= 2, f'the log has a lease from each instance ({leases})')
    return counts, result


def inside_namespace(seconds, cmd):
    rd.sh('ip', 'link', 'set', 'lo', 'up')
    rd.sh('ip', 'tuntap', 'add', 'dev', TAP, 'mode', 'tap')
    rd.sh('ip', 'addr', 'add', HOST + '/24', 'dev', TAP)
    rd.sh('ip', 'link', 'set', TAP, 'up')
    if 'default' in subprocess.run(['ip', 'route'], capture_output=True, text=True).stdout:
        sys.exit('run-robust.py: the namespace has a default route; refusing to run')
    cases, stop = Cases(), threading.Event()
    with tempfile.TemporaryDirectory(prefix='sos-robust-') as work:
        dns = rd.start_dnsmasq(work, dns=False)  # DHCP only: port 53 is the responder's
        helpers = [threading.Thread(target=dns_responder, args=(stop, counts_dns := {}), daemon=True),
                   threading.Thread(target=echo_server, args=(stop,), daemon=True)]
        for t in helpers:
            t.start()
        g = Guest([a.replace('@TAP@', TAP) for a in cmd])
        try:
            counts, result = scenario(g, seconds, cases)
            g.type('poweroff\n')
            g.p.wait(30)
        finally:
            stop.set()
            if g.p.poll() is None:
                os.killpg(g.p.pid, 9)
            dns.terminate()
            dns.wait()
    crashes = [l for l in g.out.splitlines() if 'faulted' in l or 'assertion' in l or 'lwip:' in l]
    cases.check(not crashes, f'no process faulted, no lwIP assertion {crashes[:3]}')
    for line in g.out.splitlines():
        print('# ' + line)
    counts.update(counts_dns)
    print('# malformed inputs sent, by kind:')
    for kind in sorted(counts):
        print(f'#   {kind}: {counts[kind]}')
    total = sum(v for k, v in counts.items()
                if not k.startswith(('tcp-rst', 'tcp-zero')) and not k.endswith('-late'))
    print(f'# malformed inputs sent: {total} frames and DNS answers (the well-formed late '
          f'answers not counted); '
          f'{counts.get("tcp-rst-mid-transfer", 0)} connections reset mid-transfer, '
          f'{counts.get("tcp-zero-window", 0)} held at a zero window; tcp errors '
          f'{result.get("tcp_errors", [])[:3]}')
    print(f'1..{cases.n}')
    return 1 if cases.failed else 0


def main():
    argv = sys.argv[1:]
    seconds = 20.0
    if argv[:1] == ['--seconds']:
        seconds, argv = float(argv[1]), argv[2:]
    if argv[:1] != ['--'] or len(argv) < 2:
        sys.exit(__doc__)
    if os.environ.get(MARK) == '1':
        return inside_namespace(seconds, argv[1:])
    if os.geteuid() != 0:
        rd.skip('needs root to make a network namespace and a TAP device')
    for tool, pkg in (('unshare', 'util-linux'), ('ip', 'iproute2'), ('dnsmasq', 'dnsmasq-base'),
                      ('nmap', 'nmap')):
        if not shutil.which(tool):
            rd.skip(f'{tool} is not installed (package {pkg})')
    if importlib.util.find_spec('scapy') is None:
        # Debian's python3-scapy is for Debian's python3, which may not be first in PATH
        deb = '/usr/bin/python3'
        if sys.executable != deb and os.path.exists(deb) and not subprocess.run(
                [deb, '-c', 'import scapy'], capture_output=True).returncode:
            return subprocess.run([deb, os.path.abspath(__file__)] + sys.argv[1:]).returncode
        rd.skip('scapy is not installed (package python3-scapy)')
    return rerun_in_namespace(MARK, __file__)


def rerun_in_namespace(mark, script):
    """Run `script` again with this process's arguments in a new network namespace, with
    mark=1 in its environment; its exit status. TAP SKIP when unshare -n fails."""
    if subprocess.run(['unshare', '-n', 'true'], capture_output=True).returncode:
        rd.skip('unshare -n does not work here')
    env = dict(os.environ, **{mark: '1'})
    return subprocess.run(['unshare', '-n', '--', sys.executable, os.path.abspath(script)] +
                          sys.argv[1:], env=env).returncode


if __name__ == '__main__':
    sys.exit(main())
