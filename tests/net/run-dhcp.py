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
  --timeout S      give up after S seconds (default 60)
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TAP = 'sostap0'
OFFER = 'nettest: offer 10.0.2.15 from 10.0.2.2'
NETNS_MARK = 'SOS_NET_TEST_NAMESPACE'


def skip(reason):
    print(f'1..0 # SKIP {reason}')
    sys.exit(0)


def parse(argv):
    opts = {'namespace': True, 'absent': False, 'timeout': 60.0, 'expect': OFFER, 'echo': False}
    i = 0
    while i < len(argv) and argv[i] != '--':
        a = argv[i]
        if a == '--no-namespace':
            opts['namespace'] = False
        elif a == '--expect-absent':
            opts['absent'] = True
        elif a == '--echo-server':
            opts['echo'] = True
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


def start_dnsmasq(work):
    """dnsmasq on the TAP interface only: DHCP for 10.0.2.15, no DNS, no ping check."""
    log = open(os.path.join(work, 'dnsmasq.log'), 'w')
    p = subprocess.Popen(['dnsmasq', '--keep-in-foreground', '--no-daemon', '--conf-file=/dev/null',
                          '--interface=' + TAP, '--bind-interfaces', '--except-interface=lo',
                          '--port=0', '--no-resolv', '--no-hosts', '--no-ping',
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


def inside_namespace(opts, cmd):
    """In the private namespace: TAP + dnsmasq (and the echo server), then the guest."""
    sh('ip', 'link', 'set', 'lo', 'up')
    if opts['echo']:
        echo_server()
    sh('ip', 'tuntap', 'add', 'dev', TAP, 'mode', 'tap')
    sh('ip', 'addr', 'add', '10.0.2.2/24', 'dev', TAP)
    sh('ip', 'link', 'set', TAP, 'up')
    routes = subprocess.run(['ip', 'route'], capture_output=True, text=True).stdout
    if 'default' in routes:  # never: a fresh namespace has no way out
        sys.exit('run-dhcp.py: the namespace has a default route; refusing to run')
    with tempfile.TemporaryDirectory(prefix='sos-net-') as work:
        dns = start_dnsmasq(work)
        try:
            out, status = run_guest([a.replace('@TAP@', TAP) for a in cmd], opts['timeout'])
        finally:
            dns.terminate()
            dns.wait()
        log = open(os.path.join(work, 'dnsmasq.log')).read()
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
