#!/usr/bin/env python3
"""hal-x86_64/tools/filegraph.py - the HAL's file-level call graph and include graph.

Calls: for every object of the kernel (build/hal-x86_64/kernel.elf.p/*.o, as compile_commands.json lists them) `nm` lists the
symbols it defines and the ones it needs; file A depends on file B when A needs a symbol
B defines (calls and data alike). Symbols no HAL file defines (the core's) are left out.
Includes: the quoted #include lines of hal-x86_64's own .c, .S and .h files.
For each graph it prints the edges and the strongly connected sets of more than one
file (Tarjan): a set is a dependency circle, every file in it reaching every other.
For the calls it also prints each file's level (docs/x86_64.md, "File map").

    hal-x86_64/tools/filegraph.py [--check] [BUILD_DIR]     (default: build)

--check prints only what is wrong and exits 1 when the call graph has a circle other
than the two known pairs (ALLOWED: one part in two languages each, docs/x86_64.md) or
the include graph has any circle: the test x86-filegraph (suite unit) runs it.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def obj_name(o):
    n = o[:-2] if o.endswith('.o') else o
    return n.replace('meson-generated_.._', '')


def kernel_objects(build):
    """The kernel's objects as the build lists them now (stale ones of removed sources
    may still lie in the directory)."""
    with open(os.path.join(build, 'compile_commands.json')) as fh:
        cmds = json.load(fh)
    return sorted(os.path.basename(c['output']) for c in cmds
                  if os.path.dirname(c['output']) == 'hal-x86_64/kernel.elf.p')


def call_graph(build):
    objdir = os.path.join(build, 'hal-x86_64', 'kernel.elf.p')
    defs, needs = {}, {}
    for o in kernel_objects(build):
        name = obj_name(o)
        if name.startswith('.._'):
            continue  # the core and common/: outside the HAL, calls into them are left out
        out = subprocess.run(['nm', os.path.join(objdir, o)], check=True,
                             capture_output=True, text=True).stdout
        needs[name] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == 'U':
                needs[name].add(f[1])
            elif len(f) == 3 and f[1] in 'TDBRCVW':
                defs.setdefault(f[2], name)
    graph = {n: set() for n in needs}
    for n, syms in needs.items():
        for s in syms:
            d = defs.get(s)
            if d and d != n:
                graph[n].add(d)
    return graph


def declarations(header):
    """Functions and variables a header declares for other files: prototypes and
    externs, not macros, types or static inline helpers."""
    with open(os.path.join(HERE, header)) as fh:
        text = fh.read()
    text = re.sub(r'/\*.*?\*/|//[^\n]*|^\s*#[^\n]*(\\\n[^\n]*)*', ' ', text, flags=re.S | re.M)
    while True:  # drop bodies: structs, static inline functions
        t = re.sub(r'\{[^{}]*\}', ' ', text)
        if t == text:
            break
        text = t
    n = 0
    for stmt in text.split(';'):
        stmt = ' '.join(stmt.split())
        if not stmt or 'static inline' in stmt or stmt.startswith(('struct ', 'typedef ')) and '(' not in stmt:
            continue
        if stmt.startswith('extern ') or re.search(r'\w\s*\(', stmt):
            n += 1
    return n


def visible(graph, f):
    """The local headers `f` sees, directly or through other headers."""
    seen, todo = set(), list(graph.get(f, ()))
    while todo:
        h = todo.pop()
        if h not in seen:
            seen.add(h)
            todo.extend(graph.get(h, ()))
    return seen


def include_graph():
    graph = {}
    for f in sorted(os.listdir(HERE)):
        if not re.search(r'\.(c|h|S)$', f) or f.endswith('_test.c'):
            continue
        graph[f] = set()
        with open(os.path.join(HERE, f)) as fh:
            for line in fh:
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m and os.path.exists(os.path.join(HERE, m.group(1))):
                    graph[f].add(m.group(1))
    return graph


def sccs(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def levels(graph):
    """Each file's level: 0 calls no other file, otherwise one more than the highest
    level it calls (a circle counts as one unit). Lists the files level by level."""
    comps = sccs(graph)
    cid = {n: i for i, c in enumerate(comps) for n in c}
    lvl = {}

    def level(i):
        if i not in lvl:
            deps = {cid[w] for n in comps[i] for w in graph[n] if cid[w] != i}
            lvl[i] = 1 + max((level(d) for d in deps), default=-1)
        return lvl[i]

    by = {}
    for i, c in enumerate(comps):
        by.setdefault(level(i), []).append('+'.join(c))
    return [(k, sorted(by[k])) for k in sorted(by)]


def report(title, graph):
    print(f'== {title}: {len(graph)} files, {sum(len(e) for e in graph.values())} edges')
    for n in sorted(graph):
        print(f'  {n} -> {" ".join(sorted(graph[n])) or "-"}')
    big = [c for c in sccs(graph) if len(c) > 1]
    print(f'  circles (strongly connected sets > 1): {len(big)}'
          f'{"; sizes " + ", ".join(str(len(c)) for c in big) if big else ""}')
    for c in big:
        print(f'    {len(c)}: {" ".join(c)}')


ALLOWED = [['cpu.c', 'entry.S'], ['isr.S', 'trap.c']]


def check(calls, inc):
    bad = [c for c in sccs(calls) if len(c) > 1 and c not in ALLOWED]
    bad_inc = [c for c in sccs(inc) if len(c) > 1]
    for c in bad:
        print(f'filegraph: these files call each other in a circle: {" ".join(c)}; '
              f'move the shared code down (docs/x86_64.md, "File map")')
    for c in bad_inc:
        print(f'filegraph: these headers include each other in a circle: {" ".join(c)}')
    if not bad and not bad_inc:
        print(f'filegraph: {len(calls)} files, no circles but the known pairs '
              f'{", ".join("+".join(c) for c in ALLOWED)}')
    return 1 if bad or bad_inc else 0


def main():
    args = sys.argv[1:]
    checking = '--check' in args
    args = [a for a in args if a != '--check']
    build = args[0] if args else 'build'
    if not os.path.isdir(os.path.join(build, 'hal-x86_64', 'kernel.elf.p')):
        sys.exit(f'filegraph: no objects in {objdir}: build the kernel first '
                 f'(ninja -C {build} hal-x86_64/kernel.elf)')
    calls = call_graph(build)
    if checking:
        sys.exit(check(calls, include_graph()))
    report('calls (nm)', calls)
    print('  levels (a file calls only files of lower levels; a+b: a circle):')
    for k, files in levels(calls):
        print(f'    {k}: {" ".join(files)}')
    inc = include_graph()
    report('includes', inc)
    print('  declarations (functions, variables) in the HAL headers each source includes, its own among them:')
    for f in sorted(inc):
        if not f.endswith('.h'):
            hs = visible(inc, f)
            print(f'    {f}: {sum(declarations(h) for h in hs)} (from {len(hs)} headers)')


if __name__ == '__main__':
    main()
