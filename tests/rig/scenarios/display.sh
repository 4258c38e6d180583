# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# Rig display self-test (run.sh --display): Weston on the DRM backend drives
# QEMU's bochs-display; the host's QMP screendump of it comes back as
# weston-drm.png, and Weston's own capture as weston-drm-capture.png; then
# the guest test client draws 3 frames on bochs-drm, each screendumped as
# client-on-bochs-F.png (checked by tests/rig/selftest.sh).
rig_weston_start_drm --shell=kiosk
rig_weston_capture weston-drm-capture
rig_screendump weston-drm
rig_weston_stop
rig_client_on_display client-on-bochs 3
