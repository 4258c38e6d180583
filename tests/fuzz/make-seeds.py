#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpus of fuzz-requests: request sequences a real
xen-drm-front sends (modeset and flips, EDID, be-alloc), so the fuzzer
starts from deep inside the protocol. Run from this directory."""

import os
import struct

HEADER = 256
OPS = {'create': 0x10, 'destroy': 0x11, 'attach': 0x12, 'detach': 0x13,
       'config': 0x14, 'flip': 0x15, 'edid': 0x16}
XRGB8888 = 0x34325258


def header(refs, next_ref=0):
    b = struct.pack('<I', next_ref) + struct.pack('<%dI' % len(refs), *refs)
    return b.ljust(HEADER, b'\0')


def req(rid, op, payload):
    return (struct.pack('<HB5x', rid, op) + payload).ljust(64, b'\0')


def create(rid, cookie, w, h, bpp, size, flags=0, dir_ref=0, ofs=0):
    return req(rid, OPS['create'],
               struct.pack('<QIIIIIII', cookie, w, h, bpp, size, flags,
                           dir_ref, ofs))


def attach(rid, dbuf, fb, w, h, fmt=XRGB8888):
    return req(rid, OPS['attach'], struct.pack('<QQIII', dbuf, fb, w, h, fmt))


def config(rid, fb, w, h, bpp=32):
    return req(rid, OPS['config'], struct.pack('<QIIIII', fb, 0, 0, w, h, bpp))


def flip(rid, fb):
    return req(rid, OPS['flip'], struct.pack('<Q', fb))


def done():
    return req(0, 0xff, b'')


def seeds():
    yield 'modeset-flip', header([1, 2, 3, 4]) + b''.join([
        create(1, 100, 64, 64, 32, 16384), attach(2, 100, 200, 64, 64),
        config(3, 200, 64, 64), flip(4, 200), done(), flip(5, 200),
        req(6, OPS['detach'], struct.pack('<Q', 200)),
        req(7, OPS['destroy'], struct.pack('<Q', 100))])
    yield 'edid', header([3]) + req(1, OPS['edid'], struct.pack('<II', 4096, 0))
    yield 'be-alloc', header([0, 0, 0, 0]) + b''.join([
        create(1, 100, 64, 64, 32, 16384, flags=1),
        attach(2, 100, 200, 64, 64), config(3, 200, 64, 64)])
    yield 'directory-loop', header([1] * 63, next_ref=0) + create(
        1, 100, 1024, 1024, 32, 4 << 20)
    yield 'data-ofs', header([1, 2, 3, 4, 6]) + b''.join([
        create(1, 100, 64, 64, 32, 16384, ofs=100),
        attach(2, 100, 200, 64, 64), config(3, 200, 64, 64), flip(4, 200)])


os.makedirs('corpus/requests', exist_ok=True)
for name, data in seeds():
    with open(os.path.join('corpus/requests', name), 'wb') as f:
        f.write(data)
