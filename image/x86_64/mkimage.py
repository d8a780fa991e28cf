#!/usr/bin/env python3
"""mkimage.py - build the ServiceOS x86_64 UEFI disk image, without root or loop devices.

    mkimage.py -o disk.img --loader BOOTX64.EFI --kernel kernel.elf
               [--init init.elf] [--bootstore bootstore.bin] [--cmdline TEXT] [--extra NAME=PATH ...]
               [--esp-mib 64]

The image is a GPT disk with one EFI system partition (FAT32, made by mkfs.vfat and
filled by mtools) holding:
    EFI/BOOT/BOOTX64.EFI      the UEFI stage (the removable-media path: a USB stick
                              written with dd boots on a real UEFI PC)
    serviceos/kernel.elf      the kernel
    serviceos/init.elf        the first process, when given (without it the kernel starts
                              the boot store's root manager)
    serviceos/bootstore.bin   the boot store bundle, when given
    serviceos/cmdline.txt     the command line, when given
    serviceos/NAME            each --extra file (e.g. ktest.elf)
The GPT (protective MBR, primary and backup headers and entry arrays, CRC32s) is
written here; the output is sparse.
"""
import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import uuid
import zlib

SECTOR = 512
ESP_TYPE = uuid.UUID('c12a7328-f81f-11d2-ba4b-00a0c93ec93b')


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    if r.returncode:
        sys.exit('mkimage: %s failed:\n%s' % (' '.join(cmd), r.stdout.decode(errors='replace')))


def make_esp(path, mib, files):
    if os.path.exists(path):
        os.unlink(path)
    run(['mkfs.vfat', '-C', '-F', '32', '-s', '1', '-S', str(SECTOR), '-n', 'SERVICEOS',
         path, str(mib * 1024)])
    env = dict(os.environ, MTOOLS_SKIP_CHECK='1', MTOOLS_NO_VFAT='0')
    run(['mmd', '-i', path, '::/EFI', '::/EFI/BOOT', '::/serviceos'], env=env)
    for dest, src in files:
        run(['mcopy', '-i', path, '-o', src, '::' + dest], env=env)


def gpt_header(my_lba, alt_lba, first, last, entries_lba, disk_guid, entries_crc):
    h = struct.pack('<8sIIIIQQQQ16sQIII', b'EFI PART', 0x00010000, 92, 0, 0, my_lba, alt_lba,
                    first, last, disk_guid.bytes_le, entries_lba, 128, 128, entries_crc)
    crc = zlib.crc32(h) & 0xffffffff
    h = h[:16] + struct.pack('<I', crc) + h[20:]
    return h.ljust(SECTOR, b'\0')


def write_disk(out, esp, seed):
    esp_size = os.path.getsize(esp)
    esp_sectors = esp_size // SECTOR
    start = 2048  # 1 MiB alignment
    total = start + esp_sectors + 2048
    last = total - 1
    h = hashlib.sha256(seed).digest()
    disk_guid, part_guid = uuid.UUID(bytes=h[:16]), uuid.UUID(bytes=h[16:])
    name = 'EFI system partition'.encode('utf-16-le').ljust(72, b'\0')
    entry = struct.pack('<16s16sQQQ72s', ESP_TYPE.bytes_le, part_guid.bytes_le, start,
                        start + esp_sectors - 1, 0, name)
    entries = entry.ljust(128 * 128, b'\0')
    ecrc = zlib.crc32(entries) & 0xffffffff
    mbr = bytearray(SECTOR)
    mbr[446:462] = struct.pack('<B3sB3sII', 0, b'\x00\x02\x00', 0xee, b'\xff\xff\xff', 1,
                               min(total - 1, 0xffffffff))
    mbr[510:512] = b'\x55\xaa'
    tmp = '%s.tmp%d' % (out, os.getpid())
    with open(tmp, 'wb') as f:
        f.truncate(total * SECTOR)
        f.write(mbr)
        f.write(gpt_header(1, last, 34, last - 33, 2, disk_guid, ecrc))
        f.write(entries)
        f.seek((last - 32) * SECTOR)
        f.write(entries)
        f.write(gpt_header(last, 1, 34, last - 33, last - 32, disk_guid, ecrc))
        with open(esp, 'rb') as e:  # copy the partition, leaving zero blocks sparse
            off = start * SECTOR
            while True:
                blk = e.read(1 << 16)
                if not blk:
                    break
                if blk.count(0) != len(blk):
                    f.seek(off)
                    f.write(blk)
                off += len(blk)
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser(description='Build the ServiceOS x86_64 UEFI disk image.')
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--loader', required=True)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--init', help='the first process (optional with a boot store)')
    ap.add_argument('--bootstore')
    ap.add_argument('--cmdline')
    ap.add_argument('--extra', action='append', default=[], help='NAME=PATH under serviceos/')
    ap.add_argument('--esp-mib', type=int, default=64)
    a = ap.parse_args()
    for tool in ('mkfs.vfat', 'mcopy', 'mmd'):
        if not shutil.which(tool) and not os.path.exists('/usr/sbin/' + tool) and not os.path.exists('/sbin/' + tool):
            sys.exit('mkimage: %s is missing (Debian packages: dosfstools mtools)' % tool)
    os.environ['PATH'] = os.environ.get('PATH', '') + ':/usr/sbin:/sbin'
    if not a.init and not a.bootstore:
        sys.exit('mkimage: give --init, --bootstore or both')
    files = [('/EFI/BOOT/BOOTX64.EFI', a.loader), ('/serviceos/kernel.elf', a.kernel)]
    if a.init:
        files.append(('/serviceos/init.elf', a.init))
    if a.bootstore:
        files.append(('/serviceos/bootstore.bin', a.bootstore))
    for x in a.extra:
        name, _, path = x.partition('=')
        files.append(('/serviceos/' + name, path))
    for _, src in files:
        if not os.path.isfile(src):
            sys.exit('mkimage: missing input %s' % src)
    with tempfile.TemporaryDirectory() as d:
        if a.cmdline is not None:
            c = os.path.join(d, 'cmdline.txt')
            with open(c, 'w') as f:
                f.write(a.cmdline + '\n')
            files.append(('/serviceos/cmdline.txt', c))
        esp = os.path.join(d, 'esp.img')
        make_esp(esp, a.esp_mib, files)
        write_disk(a.output, esp, os.path.abspath(a.output).encode())


main()
