#!/usr/bin/env bash
# Which system calls a running server makes, and how many, over a few seconds: how many sends
# per recipient and how many event-loop waits (epoll_wait) a fan-out costs (docs/performance.md).
#
#   bench/syscall_count.sh PID [SECONDS]      # default 4 s; needs perf and tracepoints
#
# Prints one line per counted call: the count and the name, over every thread of PID.
set -euo pipefail
pid=${1:?usage: syscall_count.sh PID [SECONDS]}
seconds=${2:-4}
calls=(sendmsg sendto writev write epoll_wait epoll_ctl timerfd_settime recvmsg recvfrom read
       futex fdatasync)
events=raw_syscalls:sys_enter
for c in "${calls[@]}"; do events+=",syscalls:sys_enter_$c"; done
perf stat -x, -e "$events" -p "$pid" -- sleep "$seconds" 2>&1 >/dev/null | awk -F, '
    $3 ~ /sys_enter/ { name = $3; sub(/.*sys_enter_?/, "", name); if (name == "") name = "(all)"
                       printf "%10s  %s\n", $1, name }'
