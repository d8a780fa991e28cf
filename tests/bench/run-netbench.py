#!/usr/bin/env python3
"""Network benchmarks: the guest through the network service against two host processes.

usage: run-netbench.py [--slirp] [--name NAME] --netpeer PATH -- COMMAND...
       (COMMAND boots the system with the shell on stdin; @TAP@ is the TAP device;
        PATH is tests/bench/netpeer.c built: the host's sink, closer and clients;
        NAME labels the figures, default sim_tap or sim_slirp)

As root it re-runs itself in a private network namespace (nothing routed out). There:
  - the guest's side: a TAP device (10.0.2.2, dnsmasq for DHCP; run-dhcp.py's) or, with
    --slirp, the simulator's slirp (its NAT reaches the namespace's 192.168.77.1, an
    address on lo); `start netbench` (tests/progs/netbench.c) runs bulk TCP to a sink on
    port 7100 there, pings 10.0.2.2 (the host on TAP, slirp itself on slirp), and
    connects + closes to port 7101;
  - the baseline: the same three between two host processes over a veth pair, the
    peer in a network namespace of its own (10.0.3.1 -> 10.0.3.2), in the same run.
It prints medians (bulk: 3 runs of 16 MiB; ping: 30 round trips; connections: 3 runs
of 2 s) and ratios (ours / baseline), and the lines `NETBENCH name=... ours=...
baseline=... ratio=...`. Without root or unshare: TAP SKIP.
"""
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


rd = load('run_dhcp', os.path.join(HERE, '../net/run-dhcp.py'))
rr = load('run_robust', os.path.join(HERE, '../net/run-robust.py'))
MARK = 'SOS_NETBENCH_NAMESPACE'
BULK = 16 << 20
PEER = '10.0.3.2'


def serve(netpeer, addr):
    """netpeer's sink (7100) and closer (7101) on addr; the process."""
    p = subprocess.Popen([netpeer, 'serve', addr], stdout=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != 'ready':
        sys.exit('run-netbench.py: netpeer serve did not start')
    return p


def peer(netpeer):
    """In the child namespace: wait for vb1, configure it, then be netpeer serve."""
    # (ip, not /sys: sysfs shows the namespace it was mounted in)
    while subprocess.run(['ip', 'link', 'show', 'vb1'], capture_output=True).returncode:
        time.sleep(0.02)
    rd.sh('ip', 'link', 'set', 'lo', 'up')
    rd.sh('ip', 'addr', 'add', PEER + '/24', 'dev', 'vb1')
    rd.sh('ip', 'link', 'set', 'vb1', 'up')
    os.execv(netpeer, [netpeer, 'serve', PEER])


def run_peer(netpeer, *args):
    out = subprocess.run([netpeer] + list(args), capture_output=True, text=True, check=True).stdout
    return dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', out))


def host_ping(addr):
    """30 round trips measured by ping(8) (kernel timestamps), in ns."""
    out = subprocess.run(['ping', '-n', '-c', '30', '-i', '0.01', addr], capture_output=True,
                         text=True).stdout
    return [float(t) * 1e6 for t in re.findall(r'time=([\d.]+) ms', out)]


def baseline(netpeer):
    rd.sh('ip', 'link', 'add', 'vb0', 'type', 'veth', 'peer', 'name', 'vb1')
    p = subprocess.Popen(['unshare', '-n', '--', sys.executable, os.path.abspath(__file__),
                          '--peer', netpeer], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)
    rd.sh('ip', 'link', 'set', 'vb1', 'netns', str(p.pid))
    rd.sh('ip', 'addr', 'add', '10.0.3.1/24', 'dev', 'vb0')
    rd.sh('ip', 'link', 'set', 'vb0', 'up')
    if p.stdout.readline().strip() != 'ready':
        sys.exit('run-netbench.py: the veth peer did not start')
    try:
        bulk = [BULK / (1 << 20) / (run_peer(netpeer, 'bulk', PEER, str(BULK))['ns'] / 1e9)
                for _ in range(3)]
        conns = [run_peer(netpeer, 'conn', PEER, '2000') for _ in range(3)]
        ping = host_ping(PEER)
        return {'bulk': bulk, 'ping': ping, 'call': ping,
                'conn': [c['n'] / (c['ns'] / 1e9) for c in conns]}
    finally:
        p.kill()
        p.wait()


def guest(cmd):
    g = rr.Guest(cmd)
    try:
        if not g.wait(r'serviceos> ', 300):  # (QEMU under TCG boots slowly)
            sys.exit('run-netbench.py: no shell prompt')
        if not rr.wait_lease(g):
            sys.exit('run-netbench.py: no lease:\n' + g.out)
        g.type('start netbench\n')
        if not g.wait(r'netbench: (done|FAILED.*)', 900) or 'FAILED' in g.out:
            g.type('net stats\n')  # for the reader: what the service holds
            g.wait(r'sockets.*\n(.*\n)*serviceos> ', 10)
            sys.exit('run-netbench.py: netbench failed:\n' + g.out)
        g.type('poweroff\n')
        g.p.wait(30)
    finally:
        if g.p.poll() is None:
            os.killpg(g.p.pid, 9)
    bulk = [int(b) / (1 << 20) / (int(t) / 1e9) for b, t in re.findall(r'netbench: bulk bytes=(\d+) ns=(\d+)', g.out)]
    ping = [int(t) for t in re.findall(r'netbench: ping ns=(\d+)', g.out)]
    call = [int(t) for t in re.findall(r'netbench: ping ns=\d+ call_ns=(\d+)', g.out)]
    conn = [int(n) / (int(t) / 1e9) for n, t in re.findall(r'netbench: conn n=(\d+) ns=(\d+)', g.out)]
    full = [int(w) for w in re.findall(r'netbench: conn .* full=(\d+)', g.out)]
    print(f'# connect found every PCB taken and waited 1 ms: {full} times in the three runs')
    return {'bulk': bulk, 'ping': ping, 'call': call, 'conn': conn}


def report(mode, ours, base):
    rows = (('bulk', 'TCP bulk guest -> host, 16 MiB (MiB/s)', '%.1f'),
            ('ping', 'ping round trip, in the service (us)', '%.1f'),
            ('call', 'ping round trip, the program\'s call (us)', '%.1f'),
            ('conn', 'TCP connect + close (per s)', '%.0f'))
    print(f'1..1\n# {mode}: ours (median) / host -> host over veth (median) / ratio')
    for key, what, fmt in rows:
        o, b = statistics.median(ours[key]), statistics.median(base[key])
        if key in ('ping', 'call'):
            o, b = o / 1000, b / 1000
        print(f'# {what:42s} {fmt % o:>10s} {fmt % b:>10s} {o / b:8.3f}')
        print(f'NETBENCH name={mode}_{key} ours={fmt % o} baseline={fmt % b} ratio={o / b:.4f} '
              f'samples={len(ours[key])}/{len(base[key])}')
    print(f'ok 1 - {mode}: the network benchmarks ran')


def inside_namespace(slirp, name, netpeer, cmd):
    rd.sh('ip', 'link', 'set', 'lo', 'up')
    if slirp:  # slirp's NAT reaches an address of the namespace's lo (run-dhcp.py's)
        rd.sh('ip', 'addr', 'add', '192.168.77.1/32', 'dev', 'lo')
        server = serve(netpeer, '192.168.77.1')
        try:
            ours = guest(cmd)
        finally:
            server.kill()
    else:
        rd.sh('ip', 'tuntap', 'add', 'dev', rd.TAP, 'mode', 'tap')
        rd.sh('ip', 'addr', 'add', '10.0.2.2/24', 'dev', rd.TAP)
        rd.sh('ip', 'link', 'set', rd.TAP, 'up')
        server = serve(netpeer, '10.0.2.2')
        with tempfile.TemporaryDirectory(prefix='sos-netbench-') as work:
            dns = rd.start_dnsmasq(work, dns=False)
            try:
                ours = guest([a.replace('@TAP@', rd.TAP) for a in cmd])
            finally:
                server.kill()
                dns.terminate()
                dns.wait()
    report(name or ('sim_slirp' if slirp else 'sim_tap'), ours, baseline(netpeer))
    return 0


def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--peer']:
        return peer(argv[1])
    slirp = argv[:1] == ['--slirp']
    argv = argv[1:] if slirp else argv
    name = argv[1] if argv[:1] == ['--name'] else None
    argv = argv[2:] if name else argv
    if argv[:1] != ['--netpeer'] or argv[2:3] != ['--'] or len(argv) < 4:
        sys.exit(__doc__)
    if os.environ.get(MARK) == '1':
        return inside_namespace(slirp, name, os.path.abspath(argv[1]), argv[3:])
    if os.geteuid() != 0:
        rd.skip('needs root to make network namespaces, TAP and veth devices')
    if not shutil.which('ping'):
        rd.skip('ping is not installed (package iputils-ping)')
    return rr.rerun_in_namespace(MARK, __file__)


if __name__ == '__main__':
    sys.exit(main())
