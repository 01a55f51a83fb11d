#!/usr/bin/env bash
# Mount tracefs at /sys/kernel/tracing unless it is already mounted (root only).
set -euo pipefail
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
