#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora from files already in the repository (nothing is copied
into git): usage make_seeds.py SOURCE_DIR OUT_DIR. OUT_DIR/<target>/ is emptied and refilled:

  message/  every schemas/messages/*.example.json
  event/    examples/*.json and tests/data/*.event.json events, whole and cut down to one
            scenario each (small inputs mutate faster), and the event of each rules.* example
  sheet/    a few sheets of each scenario of examples/aplc-demo.json, with and without the judge,
            with a run status and with checks written true/false, and the sheet of each sheet.*
            example
"""
import hashlib
import json
import pathlib
import shutil
import sys


def write(directory, document):
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    name = hashlib.sha1(text).hexdigest()[:16] + ".json"
    (directory / name).write_bytes(text)


def is_event(document):
    return isinstance(document, dict) and "scenarios" in document and "teams" in document


def one_scenario_events(event):
    """The event with one scenario, its sheets and runs, and no rankings."""
    for scenario in event.get("scenarios", []):
        cut = dict(event)
        cut["scenarios"] = [scenario]
        cut.pop("rankings", None)
        for member in ("sheets", "runs"):
            if member in event:
                cut[member] = [x for x in event[member] if x.get("scenario") == scenario["id"]]
        yield cut


def main():
    source, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    dirs = {name: out / name for name in ("message", "event", "sheet")}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)

    examples = sorted((source / "schemas" / "messages").glob("*.example.json"))
    for path in examples:
        message = json.loads(path.read_text())
        write(dirs["message"], message)
        if isinstance(message.get("event"), dict):
            write(dirs["event"], message["event"])
        if isinstance(message.get("sheet"), dict):
            write(dirs["sheet"], message["sheet"])

    events = sorted((source / "examples").glob("*.json")) + sorted(
        (source / "tests" / "data").glob("*.event.json"))
    for path in events:
        event = json.loads(path.read_text())
        if not is_event(event):
            continue
        write(dirs["event"], event)
        for cut in one_scenario_events(event):
            write(dirs["event"], cut)

    demo = json.loads((source / "examples" / "aplc-demo.json").read_text())
    check_fields = {f["id"] for s in demo["scenarios"] for f in s["fields"] if f["kind"] == "check"}
    per_scenario = {}
    for sheet in demo["sheets"]:
        per_scenario.setdefault(sheet["scenario"], []).append(sheet)
    for sheets in per_scenario.values():
        for sheet in sheets[:3]:
            write(dirs["sheet"], sheet)
        without_judge = {k: v for k, v in sheets[0].items() if k != "judge"}
        write(dirs["sheet"], without_judge)
        write(dirs["sheet"], dict(sheets[0], status="dnf"))
        # Yes/no checks may be written true/false.
        checks = {k: v in ("1", 1, True) for k, v in sheets[0]["values"].items()
                  if k in check_fields}
        if checks:
            write(dirs["sheet"], dict(sheets[0], values=dict(sheets[0]["values"], **checks)))

    for name, d in dirs.items():
        print(f"[aplc] fuzz seeds: {sum(1 for _ in d.iterdir())} in {d}")


if __name__ == "__main__":
    main()
