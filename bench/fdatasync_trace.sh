#!/usr/bin/env bash
# How long a running process's fdatasync calls take, from the kernel's syscall tracepoints:
# the durable ack's floor on this disk, as the server meets it (docs/performance.md).
#
#   bench/fdatasync_trace.sh PID [SECONDS]      # default 15 s; needs perf and tracepoints
#
# Prints the count, p50, p90, p99 and max in ms, over every thread of PID.
set -euo pipefail
pid=${1:?usage: fdatasync_trace.sh PID [SECONDS]}
seconds=${2:-15}
data=$(mktemp /tmp/aplc-fdatasync.XXXXXX)
trap 'rm -f "$data"' EXIT
perf record -q -o "$data" -e syscalls:sys_enter_fdatasync,syscalls:sys_exit_fdatasync \
    -p "$pid" -- sleep "$seconds" 2>/dev/null
perf script -i "$data" -F tid,time,event 2>/dev/null | awk '
    { t = $2; sub(/:$/, "", t) }
    $3 ~ /sys_enter_fdatasync/ { began[$1] = t; next }
    $3 ~ /sys_exit_fdatasync/ && ($1 in began) { print (t - began[$1]) * 1000; delete began[$1] }
' | sort -n | awk '
    { v[NR] = $1 }
    function q(p,   r) { r = int(p * NR + 0.999999); if (r < 1) r = 1; return v[r] }
    END {
        if (NR == 0) { print "fdatasync: no calls traced"; exit 1 }
        printf "fdatasync: %d calls, p50 %.3f p90 %.3f p99 %.3f max %.3f ms\n",
            NR, q(0.5), q(0.9), q(0.99), v[NR]
    }'
