#!/usr/bin/env bash
# The live fan-out benchmark (docs/performance.md, "Live fan-out"): `aplc serve` and three
# reference broadcasters doing the same fan-out, each on CPU 0, measured by bench/loadgen on
# CPU 1, for N displays subscribed to one board and judges submitting sheets.
#
#   (cd bench/node-ws && npm ci)
#   (cd bench/uws && npm ci)        # uWebSockets' sources; the next configure adds ref_uws
#   ./scripts/build release --target aplc loadgen ref_beast ref_uws
#   flock /tmp/aplc-build.lock bench/fanout.sh          # nothing else should run meanwhile
#
# Every run starts a fresh server (a temporary database for aplc and ref_commit). Cases:
# N = SIZES displays with ROUNDS board changes one after the other, then the sustained case:
# SUSTAINED_N displays and RATE board changes per second for DURATION seconds. The event is the
# demo event without the sheets of the JUDGES benchmark judges (bench/make_bench_event.py), who
# submit their running orders and then correct their own sheets. The reference servers send
# boards of the size the aplc server sent in the same case (BOARD_BYTES when aplc is not run).
# Environment knobs (defaults below): SIZES ROUNDS JUDGES TOPIC SUSTAINED_N RATE DURATION
# SERVERS ("aplc ref_beast node-ws uws"; also ref_commit: ref_beast committing each publish to
# SQLite before its reply, the reference for the durable ack) EVENT BUILD OUT BOARD_BYTES. E.g.
# only the sustained case of aplc at 15 changes/s: SERVERS=aplc SIZES= RATE=15 bench/fanout.sh
# Prints each run's table, then a summary table; every RESULT line goes to $OUT/results.txt, and
# each change's ack and last display to $OUT/CASE-SERVER-samples.csv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build/release}
APLC=${APLC:-$BUILD/server/aplc}
LOADGEN=${LOADGEN:-$BUILD/bench/loadgen}
REF_BEAST=${REF_BEAST:-$BUILD/bench/ref_beast}
REF_UWS=${REF_UWS:-$BUILD/bench/ref_uws}
NODE_WS=bench/node-ws/server.js
EVENT=${EVENT:-}
SIZES=${SIZES-"100 1000 5000 10000"}   # may be empty: no rounds cases
ROUNDS=${ROUNDS:-100}
JUDGES=${JUDGES:-4}
TOPIC=${TOPIC:-latest}
SUSTAINED_N=${SUSTAINED_N:-5000}       # 0: no sustained case
RATE=${RATE:-30}
DURATION=${DURATION:-20}
SERVERS=${SERVERS:-"aplc ref_beast node-ws uws"}
BOARD_BYTES=${BOARD_BYTES:-4096}
OUT=${OUT:-$(mktemp -d /tmp/aplc-fanout.XXXXXX)}
PASSWORD="bench-organiser-$$"
mkdir -p "$OUT"
if [[ -z $EVENT ]]; then # the demo event without the benchmark judges' sheets
    EVENT="$OUT/bench-event.json"
    python3 bench/make_bench_event.py --judges "$JUDGES" -o "$EVENT" >&2
fi

# Each process needs N + a few descriptors; the hard limit may be lower than 65536.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
need=$(( $(printf '%s\n' $SIZES "$SUSTAINED_N" | sort -n | tail -1) + 64 ))
if (( $(ulimit -n) < need )); then
    echo "fanout: open-file limit $(ulimit -n) is below $need" >&2
    exit 1
fi

for s in $SERVERS; do
    case $s in
        aplc) [[ -x $APLC ]] || { echo "fanout: no $APLC (scripts/build release)" >&2; exit 1; } ;;
        ref_beast | ref_commit)
            [[ -x $REF_BEAST ]] || { echo "fanout: no $REF_BEAST" >&2; exit 1; } ;;
        node-ws) [[ -d bench/node-ws/node_modules/ws ]] ||
                     { echo "fanout: run 'npm ci' in bench/node-ws" >&2; exit 1; } ;;
        uws) [[ -x $REF_UWS ]] ||
                 { echo "fanout: no $REF_UWS ('npm ci' in bench/uws, then scripts/build" \
                        "release --target ref_uws)" >&2; exit 1; } ;;
        *) echo "fanout: unknown server $s" >&2; exit 1 ;;
    esac
done
[[ -x $LOADGEN ]] || { echo "fanout: no $LOADGEN (scripts/build release)" >&2; exit 1; }

server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap cleanup EXIT

# start_server NAME BOARD_BYTES LOG: starts NAME on CPU 0, sets server_pid and server_port.
start_server() {
    local name=$1 bytes=$2 log=$3
    case $name in
        aplc)
            local db="$OUT/aplc-$RANDOM.db"
            rm -f "$db" "$db-wal" "$db-shm"
            taskset -c 0 "$APLC" serve --db "$db" --event "$EVENT" --bind 127.0.0.1 --port 0 \
                --organiser-password "$PASSWORD" --max-connections-per-address 0 >"$log" 2>&1 &
            ;;
        ref_beast)
            taskset -c 0 "$REF_BEAST" --port 0 --board-bytes "$bytes" >"$log" 2>&1 &
            ;;
        ref_commit) # ref_beast storing each publish durably before its reply
            local db="$OUT/ref-$RANDOM.db"
            rm -f "$db" "$db-wal" "$db-shm"
            taskset -c 0 "$REF_BEAST" --port 0 --board-bytes "$bytes" --commit-to "$db" \
                >"$log" 2>&1 &
            ;;
        node-ws)
            taskset -c 0 node "$NODE_WS" --port 0 --board-bytes "$bytes" >"$log" 2>&1 &
            ;;
        uws)
            taskset -c 0 "$REF_UWS" --port 0 --board-bytes "$bytes" >"$log" 2>&1 &
            ;;
    esac
    server_pid=$!
    server_port=""
    for _ in $(seq 1 300); do
        server_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$log" |
                      head -1)
        [[ -n $server_port ]] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "fanout: $name exited:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    [[ -n $server_port ]] || { echo "fanout: $name did not start:" >&2; cat "$log" >&2; exit 1; }
}

# run_case CASE N [loadgen args...]: every server in SERVERS on one case.
run_case() {
    local case=$1 n=$2
    shift 2
    local bytes=$BOARD_BYTES
    for s in $SERVERS; do
        local log="$OUT/$case-$s-server.log"
        start_server "$s" "$bytes" "$log"
        local mode=ref
        local extra=()
        if [[ $s == aplc ]]; then
            mode=aplc
            extra=(--organiser-password "$PASSWORD" --event "$EVENT" --judges "$JUDGES")
        fi
        echo "== $case: $s, $n displays ($*)" >&2
        local out="$OUT/$case-$s.txt"
        if taskset -c 1 "$LOADGEN" --mode "$mode" --port "$server_port" --label "$s" \
            --case "$case" --displays "$n" --topic "$TOPIC" --server-pid "$server_pid" \
            --board-bytes "$bytes" --samples "$OUT/$case-$s-samples.csv" "${extra[@]}" "$@" \
            >"$out"; then
            cat "$out"
            grep '^RESULT ' "$out" >>"$OUT/results.txt"
            if [[ $s == aplc ]]; then # the references send boards of the same size
                local b
                b=$(sed -n 's/^RESULT .* board_bytes=\([0-9]*\) .*/\1/p' "$out")
                [[ -n $b && $b != 0 ]] && bytes=$b
            fi
        else
            echo "fanout: loadgen failed on $s ($case); server log:" >&2
            tail -20 "$log" >&2
        fi
        cleanup
        sleep 1 # let the sockets of the last run go
    done
}

echo "fanout: results in $OUT; $(nproc) CPUs; server on CPU 0, loadgen on CPU 1" >&2
for n in $SIZES; do
    run_case "n$n" "$n" --rounds "$ROUNDS"
done
if (( SUSTAINED_N > 0 )); then
    run_case "sustained" "$SUSTAINED_N" --rate "$RATE" --duration "$DURATION"
fi

# The summary: one row per run.
echo
echo "Live fan-out: $(date -u +%F), board topic '$TOPIC', $JUDGES judges (aplc)"
awk '
function v(k) { return (k in f) ? f[k] : "-" }
BEGIN {
    printf "%-10s %-10s %6s %6s %9s %9s %9s %9s %9s %8s %8s %8s %8s %6s %5s\n",
        "case", "server", "N", "bytes", "ack p50", "ack p99", "last p50", "last p99",
        "last max", "us/rcpt", "srv us/c", "cli us/c", "B/conn", "incmpl", "clsd"
    printf "%-10s %-10s %6s %6s %9s %9s %9s %9s %9s %8s %8s %8s %8s %6s %5s\n",
        "", "", "", "", "(ms)", "(ms)", "(ms)", "(ms)", "(ms)", "(cpu)", "", "", "", "", ""
}
/^RESULT / {
    delete f
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    printf "%-10s %-10s %6s %6s %9s %9s %9s %9s %9s %8s %8s %8s %8s %6s %5s\n",
        v("case"), v("label"), v("displays"), v("board_bytes"), v("ack_p50_ms"),
        v("ack_p99_ms"), v("last_p50_ms"), v("last_p99_ms"), v("last_max_ms"),
        v("server_sched_us_per_recipient"), v("server_sched_us_per_change"),
        v("client_cpu_us_per_change"), v("mem_per_conn_bytes"), v("incomplete"),
        v("displays_closed")
}' "$OUT/results.txt"
echo "(us/rcpt: server CPU per change / N; srv, cli us/c: CPU per board change of the server and"
echo " the loadgen; B/conn: server RSS growth per display connection; results in $OUT/results.txt)"
