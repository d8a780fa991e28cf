#!/usr/bin/env python3
"""run-dhcp.py [options] -- COMMAND... : boot the nettest image and expect a DHCP offer.

COMMAND boots ServiceOS (serviceos-sim or serviceos-qemu) with --init nettest; the
word @TAP@ in it is replaced by the TAP interface this script makes. Output is TAP.

With a TAP interface (the default), the test needs root and a working `unshare -n`:
the script re-runs itself in a private network namespace (unshare -n), where it makes
the TAP interface sostap0 with 10.0.2.2/24, starts dnsmasq on it alone (DHCP range
10.0.2.15 only, no DNS, no ping check) and boots COMMAND attached to it. The namespace
has no interface but lo and the TAP device, hence no route anywhere: nothing the guest
or dnsmasq sends can leave it. Without root, unshare, ip or dnsmasq it says
`1..0 # SKIP` with the reason.

  --no-namespace   run COMMAND as it is (the simulator's slirp answers DHCP itself)
  --expect-absent  expect "nettest: no network device" and exit status 2 (--net none)
  --expect LINE    the line that proves it worked (default: the nettest offer)
  --echo-server    in the namespace also give lo the address 192.168.77.1 and run a TCP
                   echo server on 192.168.77.1:7777 (for a guest behind the simulator's
                   slirp, whose NAT connects there from inside the namespace)
  --services       the network service's scenario: dnsmasq also answers DNS on the TAP
                   address (repo.test is 10.0.2.2, other names under .test do not
                   exist), and the namespace runs a TCP echo on 10.0.2.2:7007, a UDP
                   echo on 10.0.2.2:7008, Python's http.server on 10.0.2.2:8080, and
                   a client that connects to the guest's 10.0.2.15:7777 (until the
                   guest listens), sends a line and expects it back; host_http.py
                   adds a 1 MiB random big.bin and the test CA's ca.pem to what
                   http.server serves, HTTPS servers on :8443 (test CA) and :8444
                   (an unknown CA), a silent server on :7010, and curl fetching the
                   guest's `net listen 8081 1 /big.bin`. COMMAND prints
                   TAP itself (run-scenario.py): its lines pass through, followed by
                   the host side's own case.
  --slirp          with --services: no TAP and no dnsmasq; the guest is on the simulator's
                   slirp inside the namespace, and the echo servers listen on
                   192.168.77.1, an address of the namespace's lo, where slirp's NAT
                   takes the guest's connections (no host client: slirp forwards
                   nothing in)
  --no-dhcp        with --services: no dnsmasq at all (nothing answers DHCP or DNS)
  --serve DIR      with --services: http.server and the HTTPS servers serve DIR (not the
                   scratch directory; its ca.pem is on plain HTTP at :8079), and the host
                   side's cases of service.scn (its client, the DNS
                   query count) are left out: COMMAND is another scenario (packages
                   over HTTP: the test repository)
  --timeout S      give up after S seconds (default 60)
"""
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import host_http

TAP = 'sostap0'
OFFER = 'nettest: offer 10.0.2.15 from 10.0.2.2'
NETNS_MARK = 'SOS_NET_TEST_NAMESPACE'


def skip(reason):
    print(f'1..0 # SKIP {reason}')
    sys.exit(0)


def parse(argv):
    opts = {'namespace': True, 'absent': False, 'timeout': 60.0, 'expect': OFFER, 'echo': False,
            'services': False, 'slirp': False, 'no_dhcp': False, 'serve': None}
    i = 0
    while i < len(argv) and argv[i] != '--':
        a = argv[i]
        if a == '--no-namespace':
            opts['namespace'] = False
        elif a == '--expect-absent':
            opts['absent'] = True
        elif a == '--echo-server':
            opts['echo'] = True
        elif a == '--services':
            opts['services'] = True
        elif a == '--slirp':
            opts['slirp'] = True
        elif a == '--no-dhcp':
            opts['no_dhcp'] = True
        elif a == '--serve':
            i += 1
            opts['serve'] = os.path.abspath(argv[i])
        elif a == '--timeout':
            i += 1
            opts['timeout'] = float(argv[i])
        elif a == '--expect':
            i += 1
            opts['expect'] = argv[i]
        else:
            sys.exit(f'run-dhcp.py: unknown option {a}\n{__doc__}')
        i += 1
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit(__doc__)
    return opts, cmd


def run_guest(cmd, timeout):
    """Run the boot command; its output and exit status (None on a timeout)."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return out, p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return out, None


def report(out, status, opts, what):
    print('1..1')
    for line in out.splitlines():
        print('# ' + line)
    if opts['absent']:
        ok = status == 2 and 'nettest: no network device' in out
    else:
        ok = status == 0 and opts['expect'] in out and 'check FAILED' not in out
    print(f'{"ok" if ok else "not ok"} 1 - {what} (exit status {status})')
    return 0 if ok else 1


def sh(*args):
    r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        sys.exit(f'run-dhcp.py: {" ".join(args)}: {r.stderr.strip()}')


def start_dnsmasq(work, dns=False):
    """dnsmasq on the TAP interface only: DHCP for 10.0.2.15, no ping check; DNS only
    with dns (repo.test is 10.0.2.2, the rest of .test does not exist, nothing is
    forwarded anywhere)."""
    log = open(os.path.join(work, 'dnsmasq.log'), 'w')
    names = (['--address=/repo.test/10.0.2.2', '--local=/test/', '--log-queries=extra', '--local-ttl=300']
             if dns else ['--port=0'])
    p = subprocess.Popen(['dnsmasq', '--keep-in-foreground', '--no-daemon', '--conf-file=/dev/null',
                          '--interface=' + TAP, '--bind-interfaces', '--except-interface=lo'] + names +
                         ['--no-resolv', '--no-hosts', '--no-ping',
                          '--dhcp-authoritative', '--dhcp-range=10.0.2.15,10.0.2.15,255.255.255.0,1h',
                          '--dhcp-leasefile=' + os.path.join(work, 'leases'), '--log-dhcp',
                          '--pid-file=' + os.path.join(work, 'dnsmasq.pid'), '--user=root'],
                         stdout=log, stderr=subprocess.STDOUT)
    for _ in range(50):  # wait until it listens (its log says so) or dies
        time.sleep(0.1)
        if p.poll() is not None:
            break
        if 'DHCP, IP range' in open(os.path.join(work, 'dnsmasq.log')).read():
            return p
    p.kill()
    p.wait()
    sys.exit('run-dhcp.py: dnsmasq did not start:\n' + open(os.path.join(work, 'dnsmasq.log')).read())


def echo_server():
    """A TCP echo server on 192.168.77.1:7777 (an address of the namespace's lo)."""
    sh('ip', 'addr', 'add', '192.168.77.1/32', 'dev', 'lo')
    srv = socket.create_server(('192.168.77.1', 7777))

    def serve():
        while True:
            conn, _ = srv.accept()
            with conn:
                data = b''
                while len(data) < 5:
                    more = conn.recv(64)
                    if not more:
                        break
                    data += more
                conn.sendall(data)
    threading.Thread(target=serve, daemon=True).start()


def host_servers(work, host, serve=None):
    """TCP echo on host:7007, UDP echo on :7008, http.server on :8080 (threads) serving
    `serve`, else the scratch directory."""
    tcp = socket.create_server((host, 7007))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((host, 7008))

    def tcp_serve():
        while True:
            conn, _ = tcp.accept()
            with conn:
                while True:
                    more = conn.recv(4096)
                    if not more:
                        break
                    conn.sendall(more)

    def udp_serve():
        while True:
            data, peer = udp.recvfrom(65536)
            udp.sendto(data, peer)
    for fn in (tcp_serve, udp_serve):
        threading.Thread(target=fn, daemon=True).start()
    with open(os.path.join(work, 'index.html'), 'w') as f:
        f.write('served by the test\n')
    tls = host_http.setup(work, host, host == '10.0.2.2', serve)
    http = subprocess.Popen([sys.executable, '-m', 'http.server', '--bind', host,
                             '--directory', serve or work, '8080'], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return http, tls


GUEST_LISTEN = ('10.0.2.15', 7777)
HOST_LINE = b'bytes from the host\n'


def host_client(result, deadline):
    """Connect to the guest's `net listen 7777` (refused or unanswered until it listens:
    try again), send HOST_LINE and expect it back; result['echo'] gets what came."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(GUEST_LISTEN, timeout=1) as c:
                c.settimeout(10)
                c.sendall(HOST_LINE)
                got = b''
                while len(got) < len(HOST_LINE):
                    more = c.recv(4096)
                    if not more:
                        break
                    got += more
                result['echo'] = got
                break
        except OSError:
            time.sleep(0.3)
    if 'echo' in result:  # the guest now waits for the second connection: it is up
        for key, family, addr in (('ping4', socket.AF_INET, (GUEST_LISTEN[0], 0)),
                                  ('ping6', socket.AF_INET6, (GUEST_LL6, 0, 0, 0))):
            try:
                if family == socket.AF_INET6:
                    addr = (GUEST_LL6, 0, 0, socket.if_nametoindex(TAP))
                result[key] = icmp_echo(family, addr)
            except OSError as e:
                result[key + '_error'] = str(e)
        bulk_echo(result)


GUEST_LL6 = 'fe80::5054:ff:fe12:3456'  # the guest's link-local address, from its MAC


def icmp_echo(family, addr):
    """One echo request to the guest (raw socket, root); True when it answers in 2 s."""
    v6 = family == socket.AF_INET6
    proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
    req_type, rep_type = (128, 129) if v6 else (8, 0)
    body = struct.pack('!HH', 0x5354, 1) + b'from the host'
    msg = struct.pack('!BBH', req_type, 0, 0) + body
    if not v6:  # the kernel sums ICMPv6 itself
        padded = msg + b'\0' * (len(msg) % 2)
        total = sum(struct.unpack('!%dH' % (len(padded) // 2), padded))
        while total >> 16:
            total = (total & 0xffff) + (total >> 16)
        msg = struct.pack('!BBH', req_type, 0, ~total & 0xffff) + body
    with socket.socket(family, socket.SOCK_RAW, proto) as s:
        s.settimeout(0.5)
        s.sendto(msg, addr)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            try:
                pkt = s.recv(2048)
            except socket.timeout:
                continue
            icmp = pkt if v6 else pkt[(pkt[0] & 15) * 4:]
            if icmp[0] == rep_type and icmp[4:] == body:
                return True
    return False


BULK = 256 * 1024       # bytes the host sends through the guest's echo
BULK_BOUND = 192 * 1024  # what may be in flight when nobody reads the echoes


def bulk_echo(result):
    """Backpressure: a second connection to the guest's echo sends without reading the
    echoes (small host buffers) until it has stalled for 2 s; a bounded service has
    then taken little (result['stalled_at']). Then it reads and sends on, and expects
    every byte back in order (result['bulk_ok'])."""
    data = bytes(i * 7 % 251 for i in range(BULK))
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    c.settimeout(10)
    try:
        c.connect(GUEST_LISTEN)
        c.setblocking(False)
        sent, last = 0, time.monotonic()
        while sent < BULK and time.monotonic() - last < 2:
            try:
                sent += c.send(data[sent:sent + 4096])
                last = time.monotonic()
            except BlockingIOError:
                time.sleep(0.05)
        result['stalled_at'] = sent
        t0 = time.monotonic()
        got = bytearray()
        end = time.monotonic() + 60
        while len(got) < BULK and time.monotonic() < end:
            r, w, _ = select.select([c], [c] if sent < BULK else [], [], 1)
            if w:
                sent += c.send(data[sent:sent + 4096])
            if r:
                more = c.recv(65536)
                if not more:
                    break
                got += more
        result['bulk_s'] = time.monotonic() - t0
        result['bulk_ok'] = bytes(got) == data
        result['bulk_got'] = len(got)
    except OSError as e:
        result['bulk_error'] = str(e)
    finally:
        c.close()


def repo_lookups(log):
    """Lookups of repo.test in dnsmasq's log (--log-queries=extra: "N 10.0.2.15/PORT
    query[A] repo.test ..."). lwIP sends an unanswered query again, from the same port,
    at its next one-second DNS tick, which can come a moment after the first send when
    the guest is slow (QEMU under load; after a restart the query also waits for ARP):
    queries are counted by source port, so such a resend is not taken for a lookup."""
    return len(set(re.findall(r'/(\d+) query\[A\] repo\.test ', log)))


def run_services(opts, cmd, work):
    """The service scenario: COMMAND's TAP, then the host side's cases."""
    http, hosted = host_servers(work, '192.168.77.1' if opts['slirp'] else '10.0.2.2',
                                opts['serve'])
    result = {}
    end = time.monotonic() + opts['timeout']

    def clients():  # the scenario runs `net listen 7777 2`, then `net listen 8081 1 /big.bin`
        host_client(result, end)
        host_http.curl_client(hosted, end)
    client = threading.Thread(target=clients, daemon=True)
    # --serve: a repository's scenario, not service.scn: none of the host side's cases
    tap = not opts['slirp'] and not opts['no_dhcp'] and not opts['serve']
    if tap:
        client.start()
    try:
        out, status = run_guest([a.replace('@TAP@', TAP) for a in cmd], opts['timeout'] + 30)
    finally:
        http.terminate()
        http.wait()
        host_http.stop(hosted)
    if client.is_alive():
        client.join(1)
    n = 0
    for line in out.splitlines():
        if line.startswith('1..'):
            n = int(line[3:])
        elif line.startswith(('ok ', 'not ok ')):
            print(line)
        else:
            print('# ' + line)
    ok = True
    if tap:
        got = result.get('echo')
        ok = got == HOST_LINE
        n += 1
        print(f'{"ok" if ok else "not ok"} {n} - the host connected to the guest\'s '
              f'net listen 7777 and got its line back (got {got!r})')
        stalled = result.get('stalled_at')
        bounded = stalled is not None and stalled < BULK_BOUND
        n += 1
        print(f'{"ok" if bounded else "not ok"} {n} - a sender whose echoes nobody reads is '
              f'held back: {stalled} of {BULK} bytes taken (bound {BULK_BOUND}) '
              f'{result.get("bulk_error", "")}')
        bulk = result.get('bulk_ok', False)
        n += 1
        print(f'{"ok" if bulk else "not ok"} {n} - then all {BULK} bytes came back in order '
              f'(got {result.get("bulk_got")})')
        if bulk:
            secs = result['bulk_s']
            print(f'# echo through the guest after the stall: {BULK - stalled} bytes out and '
                  f'{BULK} back in {secs:.2f} s ({BULK / 1024 / secs:.0f} KiB/s each way)')
        for key, what in (('ping4', f'{GUEST_LISTEN[0]}'), ('ping6', f'{GUEST_LL6} (link-local)')):
            n += 1
            good = result.get(key, False)
            print(f'{"ok" if good else "not ok"} {n} - the guest answers the host\'s ping of {what} '
                  f'{result.get(key + "_error", "")}')
            ok = ok and good
        ok = ok and bounded and bulk
    if not opts['no_dhcp'] and not opts['serve']:
        for good, what in host_http.check(hosted, out, tap):
            n += 1
            print(f'{"ok" if good else "not ok"} {n} - {what}')
            ok = ok and good
    if tap:
        # service.scn looks repo.test up three times: twice from the first instance of
        # the service (the second from lwIP's table: the answer's TTL is 300 s) and once
        # after `kill network`, from a new instance with an empty table
        queries = repo_lookups(open(os.path.join(work, 'dnsmasq.log')).read())
        n += 1
        print(f'{"ok" if queries == 2 else "not ok"} {n} - dnsmasq saw {queries} lookups of '
              f'repo.test (2: the repeated lookup came from the DNS cache)')
        ok = ok and queries == 2
    crashes = [l for l in out.splitlines()
               if 'faulted' in l or 'assertion' in l or 'did not stop' in l]
    print(f'{"not ok" if crashes else "ok"} {n + 1} - no process faulted or hung at power-off '
          f'{crashes}')
    print(f'1..{n + 1}')
    return 0 if ok and not crashes and status == 0 else 1


def inside_namespace(opts, cmd):
    """In the private namespace: TAP + dnsmasq (and the echo server), then the guest."""
    sh('ip', 'link', 'set', 'lo', 'up')
    if opts['slirp']:
        sh('ip', 'addr', 'add', '192.168.77.1/32', 'dev', 'lo')
        with tempfile.TemporaryDirectory(prefix='sos-net-') as work:
            return run_services(opts, cmd, work)
    if opts['echo']:
        echo_server()
    sh('ip', 'tuntap', 'add', 'dev', TAP, 'mode', 'tap')
    sh('ip', 'addr', 'add', '10.0.2.2/24', 'dev', TAP)
    sh('ip', 'link', 'set', TAP, 'up')
    routes = subprocess.run(['ip', 'route'], capture_output=True, text=True).stdout
    if 'default' in routes:  # never: a fresh namespace has no way out
        sys.exit('run-dhcp.py: the namespace has a default route; refusing to run')
    with tempfile.TemporaryDirectory(prefix='sos-net-') as work:
        if opts['no_dhcp']:
            open(os.path.join(work, 'dnsmasq.log'), 'w').close()
            return run_services(opts, cmd, work)
        dns = start_dnsmasq(work, opts['services'])
        try:
            if opts['services']:
                rc = run_services(opts, cmd, work)
            else:
                out, status = run_guest([a.replace('@TAP@', TAP) for a in cmd], opts['timeout'])
        finally:
            dns.terminate()
            dns.wait()
        log = open(os.path.join(work, 'dnsmasq.log')).read()
    if not opts['services']:
        rc = report(out, status, opts, f'"{opts["expect"]}" in a private network namespace')
    for line in log.splitlines():
        print('# dnsmasq: ' + line)
    return rc


def main():
    opts, cmd = parse(sys.argv[1:])
    if not opts['namespace']:
        out, status = run_guest(cmd, opts['timeout'])
        what = 'no network device' if opts['absent'] else f'"{opts["expect"]}"'
        return report(out, status, opts, what)
    if os.environ.get(NETNS_MARK) == '1':
        return inside_namespace(opts, cmd)
    if os.geteuid() != 0:
        skip('needs root to make a network namespace and a TAP device')
    for tool in ('unshare', 'ip', 'dnsmasq'):
        if not shutil.which(tool):
            skip(f'{tool} is not installed (packages util-linux, iproute2, dnsmasq-base)')
    if opts['services'] and not shutil.which('curl'):
        skip('curl is not installed (package curl)')
    if opts['services'] and not host_http.have_cryptography():
        skip('the cryptography module is missing (package python3-cryptography)')
    if not os.path.exists('/dev/net/tun'):
        skip('/dev/net/tun is missing')
    probe = subprocess.run(['unshare', '-n', 'true'], capture_output=True, text=True)
    if probe.returncode:
        skip(f'unshare -n does not work here: {probe.stderr.strip()}')
    env = dict(os.environ, **{NETNS_MARK: '1'})
    return subprocess.run(['unshare', '-n', '--', sys.executable, os.path.abspath(__file__)] +
                          sys.argv[1:], env=env).returncode


if __name__ == '__main__':
    sys.exit(main())
