#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Root entry point of the kernel driver suite (pnpm test:driver, make test):
# builds everything and runs the C tests in a QEMU guest. See docs/DRIVER.md.
exec "$(dirname "$0")/qemu/run.sh" "$@"
