#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# The host end of the rig's control line (dom0's /dev/ttyS1, QEMU's second
# serial port): dom0 writes "SCREENDUMP NAME", this takes a screendump of
# QEMU's display adapter through QMP into OUT/NAME.png and answers
# "OK NAME" or "ERR NAME reason", so dom0 waits for the capture instead of
# sleeping. Exits when QEMU closes the line.
#
#   host-ctl.py CTL_SOCKET QMP_SOCKET OUT_DIR
import json
import os
import re
import socket
import sys
import time


def connect(path, limit=60):
    end = time.monotonic() + limit
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


class Qmp:
    def __init__(self, path):
        self.sock = connect(path)
        self.file = self.sock.makefile('rw')
        self.reply()  # greeting
        self.command('qmp_capabilities')

    def reply(self):
        while True:
            line = self.file.readline()
            if not line:
                raise OSError('QMP closed')
            msg = json.loads(line)
            if 'event' not in msg:
                return msg

    def command(self, name, **args):
        self.file.write(json.dumps({'execute': name, 'arguments': args}))
        self.file.flush()
        return self.reply()


def main():
    ctl_path, qmp_path, out = sys.argv[1:4]
    ctl = connect(ctl_path)
    qmp = None
    buf = b''
    while True:
        data = ctl.recv(4096)
        if not data:
            return
        buf += data
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            words = line.decode(errors='replace').strip().split()
            if len(words) != 2 or words[0] != 'SCREENDUMP':
                continue
            name = words[1]
            if not re.fullmatch(r'[A-Za-z0-9_.-]+', name):
                ctl.sendall(b'ERR %s bad-name\n' % name.encode())
                continue
            if qmp is None:
                qmp = Qmp(qmp_path)
            r = qmp.command('screendump',
                            filename=os.path.join(out, name + '.png'),
                            format='png')
            if 'error' in r:
                reason = r['error'].get('desc', '?').replace(' ', '_')
                ctl.sendall(('ERR %s %s\n' % (name, reason)).encode())
            else:
                ctl.sendall(('OK %s\n' % name).encode())
            print('rig: screendump %s: %s' % (name, r), file=sys.stderr)


if __name__ == '__main__':
    main()
