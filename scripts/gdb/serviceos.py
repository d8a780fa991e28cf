"""scripts/gdb/serviceos.py - gdb sees ServiceOS's processes with their symbols.

Load it into gdb (`source scripts/gdb/serviceos.py`, or `gdb -x ...`); docs/debugging.md
has the command lines for the simulator and for QEMU. It works the way a dynamic
linker's debugger interface does: the kernel calls core_debug_image_loaded(name, base,
size, entry) after loading every image (core/proc/fault.c), the script keeps a
breakpoint on it that never stops, and adds the image's unstripped ELF (the build's
image/bootstore/debug-images.txt says where each one is) at its load address.

- The simulator: every address space is a window of the one host process, so all the
  images' symbols are loaded at once and `bt` in any vCPU thread (named vcpu0, vcpu1,
  ...) shows service functions. The simulator's interrupt signals (SIG34 and SIG35)
  pass silently. `sos-load` also adds the images of processes that were running
  before the script was loaded (attach), from the kernel's list of processes.
- QEMU (target remote): every process has its own address space at the same virtual
  addresses, so only the image of the process running on the stopped CPU is loaded,
  swapped on every stop; which one it is, the image's ELF and program headers at its
  load address in the current address space tell.

Commands:
  sos-break IMAGE FUNCTION  break at FUNCTION of IMAGE (now, or as soon as a process
                            of that name loads it); on QEMU only in that process
  sos-images                the processes seen loading, their bases and image files
  sos-load                  (simulator) add the symbols of every running process
  sos-build DIR             the build directory (default: found from the executable)

Layer: tools (runs inside gdb on the host).
"""
import os
import subprocess

import gdb

HOOK = 'core_debug_image_loaded'
ALIASES = {'init': 'rootmgr'}  # the kernel names the first process init


class State:
    def __init__(self):
        self.build = None
        self.images = {}      # name -> unstripped image path
        self.loaded = {}      # name -> (base, size, path) as last loaded
        self.sym_at = {}      # base -> name whose symbols are added there (simulator)
        self.current = None   # QEMU: the name whose symbols are in now
        self.pending = []     # (image, function) breakpoints waiting for a load
        self.breaks = []      # the ProcessBreak objects made (kept for Python's sake)
        self.headers = {}     # image path -> what tells it apart (identity())
        self.hook = None      # the LoadHook, once the kernel's symbols are there


S = State()


def is_remote():
    """Whether gdb debugs through a gdb stub (QEMU), not the simulator's process."""
    conn = getattr(gdb.selected_inferior(), 'connection', None)
    if conn is not None:
        return conn.type in ('remote', 'extended-remote')
    try:  # a gdb older than 12 has no Inferior.connection
        return 'remote' in gdb.execute('info target', to_string=True)
    except gdb.error:
        return False


def find_build():
    if S.build:
        return S.build
    for objfile in gdb.objfiles():
        f = objfile.filename or ''
        # build/sim/serviceos-sim, build/hal-x86_64/kernel.elf, build-aarch64/hal-aarch64/...
        d = os.path.dirname(os.path.dirname(os.path.abspath(f)))
        if os.path.exists(os.path.join(d, 'build.ninja')):
            S.build = d
            return d
    return None


# Where an image is in a build whose map was not built (a partial build).
GUESSES = ['services/{0}/{0}', 'tests/progs/{0}', 'desktop/{0}/{0}', 'desktop/apps/{0}/{0}']


def read_images():
    b = find_build()
    if not b or S.images:
        return
    try:
        with open(os.path.join(b, 'image/bootstore/debug-images.txt')) as f:
            for line in f:
                parts = line.split(None, 1)
                if len(parts) == 2:
                    S.images[parts[0]] = parts[1].strip()
    except OSError:
        pass


def image_path(name):
    """The unstripped image of `name`: the build's map, else a guess at its place."""
    read_images()
    if name not in S.images and S.build:
        for g in GUESSES:
            p = os.path.join(S.build, g.format(name))
            if os.path.isfile(p):
                S.images[name] = p
                break
    return S.images.get(name)


def arch_regs():
    arch = gdb.selected_frame().architecture().name()
    if 'aarch64' in arch:
        return ['$x0', '$x1', '$x2', '$x3']
    return ['$rdi', '$rsi', '$rdx', '$rcx']


def text_offset(path):
    """The .text section's address in the image (for add-symbol-file's address)."""
    out = subprocess.run(['readelf', '-SW', path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.replace('[ ', '[').split()
        if len(f) > 4 and f[1] == '.text':
            return int(f[3], 16)
    return 0


def symbol_value(path, func):
    out = subprocess.run(['nm', '--defined-only', path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == func and f[1] in 'tTwW':
            return int(f[0], 16)
    return None


def add_symbols(name, base):
    path = image_path(name)
    if not path:
        return False
    old = S.sym_at.get(base)
    if old is not None:
        remove_symbols(base)
    gdb.execute('add-symbol-file %s -o %#x' % (path, base), to_string=True)
    S.sym_at[base] = name
    return True


def remove_symbols(base):
    name = S.sym_at.pop(base, None)
    if name is None:
        return
    path = S.images.get(name)
    try:
        gdb.execute('remove-symbol-file -a %#x' % (base + text_offset(path)), to_string=True)
    except gdb.error:
        pass


class ProcessBreak(gdb.Breakpoint):
    """A breakpoint in an image; on QEMU it stops only in a process of that name."""

    def __init__(self, image, func, addr):
        # a hardware breakpoint: the image's pages may not be mapped yet when it loads
        super().__init__('*%#x' % addr, type=gdb.BP_HARDWARE_BREAKPOINT, internal=False)
        self.image = image
        self.func = func

    def stop(self):
        if not is_remote():
            return True
        if process_at(current_pc()) != self.image:
            return False
        show_symbols(self.image)  # before gdb prints where it stopped
        return True


def arm_pending(name):
    base = S.loaded[name][0]
    keep = []
    for image, func in S.pending:
        if image != name:
            keep.append((image, func))
            continue
        off = symbol_value(image_path(name), func)
        if off is None:
            print('serviceos.py: %s has no function %s' % (name, func))
            continue
        S.breaks.append(ProcessBreak(image, func, base + off))
        print('serviceos.py: breakpoint at %s in %s (%#x)' % (func, image, base + off))
    S.pending = keep


class LoadHook(gdb.Breakpoint):
    """core_debug_image_loaded: note the image; never stops."""

    def __init__(self):
        super().__init__('*' + HOOK, internal=True)
        self.silent = True

    def stop(self):
        try:
            r = arch_regs()
            name = gdb.parse_and_eval('(char *)' + r[0]).string(length=32).split('\0')[0]
            name = ALIASES.get(name, name)
            base = int(gdb.parse_and_eval(r[1])) & 0xffffffffffffffff
            size = int(gdb.parse_and_eval(r[2]))
        except gdb.error as e:
            print('serviceos.py: cannot read the image hook: %s' % e)
            return False
        try:
            S.loaded[name] = (base, size, image_path(name))
            if not is_remote():
                add_symbols(name, base)
            if S.loaded[name][2]:
                arm_pending(name)
        except gdb.error as e:  # never stop here for the script's own trouble
            print('serviceos.py: %s at %#x: %s' % (name, base, e))
        return False


HEADER = 64 + 8 * 56  # the ELF header and up to 8 program headers


def identity(b):
    """What tells two images apart and survives `objcopy --strip-debug` (the boot store
    holds stripped copies): the ELF header without the section header fields (offset,
    count, names) and the program headers (entry point, segment sizes)."""
    phnum = min(int.from_bytes(b[56:58], 'little'), 8)
    return b[0:40] + b[52:58] + b[64:64 + 56 * phnum]


def image_header(path):
    if path not in S.headers:
        with open(path, 'rb') as f:
            S.headers[path] = identity(f.read(HEADER))
    return S.headers[path]


def process_at(pc):
    """QEMU: which loaded image runs at pc in the current address space: the one whose
    ELF header is at its load base there. Only user memory is read (on aarch64 the
    kernel's half cannot be read while the CPU is at EL0)."""
    for name, (base, size, path) in S.loaded.items():
        if not path or not base <= pc < base + size:
            continue
        try:
            mem = bytes(gdb.selected_inferior().read_memory(base, HEADER))
        except gdb.MemoryError:
            continue
        if identity(mem) == image_header(path):
            return name
    return None


def current_pc():
    return int(gdb.parse_and_eval('$pc')) & 0xffffffffffffffff


def on_stop(event):
    """QEMU: the symbols of the process on the stopped CPU, and no other."""
    if is_remote():
        show_symbols(process_at(current_pc()))


def show_symbols(name):
    if name == S.current:
        return
    for base in list(S.sym_at):
        remove_symbols(base)
    S.current = None
    if name in S.loaded and add_symbols(name, S.loaded[name][0]):
        S.current = name


class SosBreak(gdb.Command):
    """sos-break IMAGE FUNCTION: break at FUNCTION in IMAGE's processes."""

    def __init__(self):
        super().__init__('sos-break', gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        a = arg.split()
        if len(a) != 2:
            raise gdb.GdbError('usage: sos-break IMAGE FUNCTION')
        if not image_path(a[0]):
            raise gdb.GdbError('no image %s in the build (%s)' % (a[0], find_build()))
        S.pending.append((a[0], a[1]))
        if a[0] in S.loaded:
            arm_pending(a[0])
        else:
            print('serviceos.py: %s %s: pending until %s loads' % (a[0], a[1], a[0]))


class SosImages(gdb.Command):
    """sos-images: the images seen loading: name, base, size, file."""

    def __init__(self):
        super().__init__('sos-images', gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        for name, (base, size, path) in sorted(S.loaded.items()):
            print('%-12s %#18x %8d %s' % (name, base, size, path or '(not in the build)'))


class SosLoad(gdb.Command):
    """sos-load: (simulator) add the symbols of every process the kernel lists."""

    def __init__(self):
        super().__init__('sos-load', gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        read_images()
        head = gdb.parse_and_eval('&g_processes')
        node = head['next']
        ptype = gdb.lookup_type('struct process')
        offset = int(gdb.parse_and_eval('&((struct process *)0)->all_node'))
        n = 0
        while int(node) != int(head) and n < 4096:
            p = gdb.Value(int(node) - offset).cast(ptype.pointer())
            name, base = p['name'].string(), int(p['image_base'])
            name = ALIASES.get(name, name)
            if base and image_path(name):
                S.loaded[name] = (base, int(p['image_size']), image_path(name))
                if not is_remote():
                    add_symbols(name, base)
            node = node['next']
            n += 1
        print('serviceos.py: %d processes, %d with symbols' % (n, len(S.sym_at)))


class SosBuild(gdb.Command):
    """sos-build DIR: the meson build directory holding the images."""

    def __init__(self):
        super().__init__('sos-build', gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        S.build = os.path.abspath(arg.strip())
        S.images = {}
        read_images()


def setup():
    gdb.execute('set pagination off')
    gdb.execute('set confirm off')
    # the simulator's timer and kick signals (SIGRTMIN, SIGRTMIN + 1) and its pipes
    gdb.execute('handle SIG34 SIG35 SIGPIPE nostop noprint pass', to_string=True)
    SosBreak()
    SosImages()
    SosLoad()
    SosBuild()
    gdb.events.stop.connect(on_stop)


def ensure_hook(event=None):
    """Place the hook once the core's symbols are known (the file may come later)."""
    if S.hook is None:
        try:
            gdb.parse_and_eval(HOOK)
        except gdb.error:
            return
        S.hook = LoadHook()


setup()
ensure_hook()
gdb.events.new_objfile.connect(ensure_hook)
