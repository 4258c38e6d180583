#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seed corpora: for fuzz-requests, request sequences a real
xen-drm-front sends (modeset and flips, EDID, be-alloc), so the fuzzer
starts from deep inside the protocol; for fuzz-ring, the same on a real
ring with the guest's indexes (near their wrap too); for fuzz-fb-check,
framebuffers of every format, as fields and as requests. Run from this
directory."""

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


# fuzz-ring: the guest's starting indexes, pages 0 and 5, then steps.
def ring_header(req_prod=0, rsp_prod=0, in_prod=0, in_cons=0, refs=()):
    return struct.pack('<IIII', req_prod, rsp_prod, in_prod,
                       in_cons) + header(list(refs))


def put(slot, request):
    """The guest writes a request into a slot and publishes it."""
    return bytes([0, slot]) + request + bytes([1, 1])


KICK = bytes([3, 0])


def flip_done(cookie):
    return bytes([6, cookie])


def ring_seeds():
    yield 'modeset-flip', ring_header(refs=[1, 2, 3, 4]) + b''.join([
        put(0, create(1, 100, 64, 64, 32, 16384)), KICK,
        put(1, attach(2, 100, 200, 64, 64)), KICK,
        put(2, config(3, 200, 64, 64)), KICK,
        put(3, flip(4, 200)), KICK, flip_done(200),
        bytes([4, 0]), put(4, flip(5, 200)), KICK, flip_done(200)])
    # Indexes about to wrap: requests across it, events across it with
    # the guest reading none of them.
    start = 0xfffffff8
    yield 'requests-wrap', ring_header(start, start) + b''.join(
        put((start + i) % 32, req(i, 0x42, b'')) + KICK for i in range(16))
    yield 'events-wrap', ring_header(in_prod=0xfffffff0,
                                     in_cons=0xfffffff0) + b''.join(
        flip_done(i) for i in range(24))
    yield 'events-cons-ahead', ring_header() + b''.join([
        flip_done(1), bytes([4, 5]), flip_done(2), bytes([4, 0x80]),
        flip_done(3), bytes([4, 0]), flip_done(4)])
    yield 'full-ring', ring_header() + b''.join(
        bytes([0, i]) + req(i, 0x42, b'') for i in range(32)) + \
        bytes([1, 32]) + KICK + bytes([1, 32]) + KICK
    yield 'corrupt-prod', ring_header() + bytes([2, 0]) + \
        struct.pack('<I', 1000) + KICK + KICK
    yield 'scribble', ring_header() + b''.join([
        bytes([7, 0]) + struct.pack('<I', 0xdeadbeef),
        bytes([7, 3]) + struct.pack('<I', 77),
        put(0, req(1, 0x42, b'')), KICK, flip_done(9)])


FORMATS = {'XRGB8888': 0, 'ARGB8888': 1, 'RGB888': 2, 'RGB565': 3,
           'XRGB4444': 4, 'YUYV': 8}


def fb_fields(w, h, fmt, pitch, ofs, size):
    return b'\0' + struct.pack('<IIIIII', w, h, FORMATS[fmt], pitch, ofs,
                               size)


def fb_requests(w, h, bpp, size, ofs, fw, fh, fmt):
    return b'\1' + struct.pack('<IIIIIIII', w, h, bpp, size, ofs, fw, fh,
                               FORMATS[fmt])


def fb_seeds():
    yield 'xrgb', fb_fields(64, 64, 'XRGB8888', 256, 0, 16384)
    yield 'rgb888-offset', fb_fields(33, 7, 'RGB888', 100, 13, 13 + 700)
    yield 'yuyv-odd', fb_fields(31, 4, 'YUYV', 64, 0, 256)
    yield 'rgb565-tight', fb_fields(10, 10, 'RGB565', 20, 0, 200)
    yield 'req-xrgb', fb_requests(64, 64, 32, 16384, 0, 64, 64, 'XRGB8888')
    yield 'req-offset', fb_requests(64, 64, 32, 16384, 100, 64, 64,
                                    'XRGB8888')
    yield 'req-rgb565', fb_requests(100, 50, 16, 10000, 0, 100, 50,
                                    'RGB565')
    yield 'req-yuyv', fb_requests(63, 8, 16, 64 * 8 * 2, 0, 63, 8, 'YUYV')


for corpus, make in (('requests', seeds), ('ring', ring_seeds),
                     ('fb-check', fb_seeds)):
    os.makedirs(os.path.join('corpus', corpus), exist_ok=True)
    for name, data in make():
        with open(os.path.join('corpus', corpus, name), 'wb') as f:
            f.write(data)
