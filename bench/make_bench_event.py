#!/usr/bin/env python3
"""Write the event file of bench/fanout.sh: the demo event (examples/aplc-demo.json) mid-way.

The demo event is complete: every judge has sent every sheet, so a benchmark judge could only
send corrections. This copy drops the sheets of the judges the load generator signs in (by
default the first four who sit on a panel or hold a role, the ones `loadgen --judges 4` picks),
so they walk their running orders with `sheet.submit` first and correct their own sheets once
every slot is used. Every other sheet stays: the boards are as full as in a real event.

    python3 bench/make_bench_event.py -o /tmp/bench-event.json            # --judges 4
    python3 bench/make_bench_event.py --judges 6 -o /tmp/bench-event.json

Standard library only; deterministic.
"""

import argparse
import json
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "examples" / "aplc-demo.json"


def working_judges(event):
    """Judges on a panel or holding a role, in the event's judge order (as loadgen picks)."""
    working = set()
    for scenario in event["scenarios"]:
        working.update(scenario.get("panel", []))
        working.update(j for j in scenario.get("roles", {}).values() if isinstance(j, str))
    return [j["id"] for j in event["judges"] if j["id"] in working]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True, help="where to write the event")
    parser.add_argument("--judges", type=int, default=4, help="judges whose sheets are dropped")
    parser.add_argument("--demo", default=str(DEMO), help="the event to start from")
    args = parser.parse_args()

    event = json.loads(Path(args.demo).read_text(encoding="utf-8"))
    dropped = set(working_judges(event)[: args.judges])
    before = len(event.get("sheets", []))
    event["sheets"] = [s for s in event.get("sheets", []) if s["judge"] not in dropped]
    event["$schema"] = str(Path(args.demo).resolve().parent.parent / "schemas" / "event.schema.json")
    Path(args.output).write_text(json.dumps(event, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    print(f"wrote {args.output}: {len(event['sheets'])} of {before} sheets "
          f"(dropped those of {', '.join(sorted(dropped))})")


if __name__ == "__main__":
    main()
