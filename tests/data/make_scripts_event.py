#!/usr/bin/env python3
"""Writes scripts.event.json: a small event whose team, member, judge and scenario names are
written in the scripts of the region (Chinese, Thai, Vietnamese, Malay, Korean), for the
export tests. Deterministic: the marks are fixed."""
import json, pathlib

teams = [
    ("HKG", "香港懲教署", ["陳大文", "李嘉欣"]),
    ("THA", "กรมราชทัณฑ์", ["สมชาย ใจดี", "ณัฐวุฒิ ศรีสุข"]),
    ("VNM", "Cục Cảnh sát quản lý trại giam", ["Nguyễn Văn Hùng", "Trần Thị Thu Hằng"]),
    ("MYS", "Jabatan Penjara Malaysia", ["Siti Nurhaliza binti Abdullah", "Muhammad Faizal bin Rahman"]),
    ("KOR", "대한민국 법무부 교정본부", ["김민준", "이서연"]),
]
judges = [("J01", "Graham Whitfield", "AUS"), ("J02", "Aroha Ngata", "NZL"),
          ("J03", "Phạm Minh Tuấn", "VNM"), ("J04", "สุดารัตน์ ทองดี", "THA")]
criteria = [
    {"id": "planning", "label": "Planning", "kind": "criterion", "min": "0", "max": "10", "step": "0.5"},
    {"id": "execution", "label": "Execution", "kind": "criterion", "min": "0", "max": "10", "step": "0.5"},
    {"id": "time", "label": "Time (s)", "kind": "time", "min": "0", "max": "600", "step": "0.01", "from": "timekeeper"},
]
rescue = {
    "id": "rescue", "name": "人質救援 · Giải cứu con tin · ช่วยเหลือตัวประกัน", "day": 1, "entry": "team",
    "panel": ["J01", "J02", "J03"], "roles": {"timekeeper": "J04"}, "fields": criteria,
    "values": [
        {"id": "judge_total", "per": "judge", "expr": "planning + execution"},
        {"id": "tactics", "per": "panel", "of": "judge_total", "method": "mean", "round": {"places": 2, "mode": "half_up"}},
        {"id": "time_score", "expr": "40 * max(0, min(1, (600 - time) / 300))", "round": {"places": 2, "mode": "half_up"}},
        {"id": "score", "expr": "3*tactics + time_score"}],
    "result": {"value": "score", "better": "higher", "places": 2},
    "status_from": "timekeeper",
    "points": {"method": "percent_of_best", "max": "100", "round": {"places": 2, "mode": "half_up"}},
}
course = {
    "id": "course", "name": "장애물 코스 · Halangan", "day": 1, "entry": "member",
    "roles": {"timekeeper": "J04"},
    "fields": [{"id": "time", "label": "Course time (s)", "kind": "time", "min": "0", "max": "900", "step": "0.01", "from": "timekeeper"}],
    "values": [{"id": "course_time", "expr": "time"}],
    "result": {"value": "course_time", "better": "lower", "places": 2},
    "status_from": "timekeeper",
    "points": {"method": "percent_of_best", "max": "100", "round": {"places": 2, "mode": "half_up"}},
}
marks = {"HKG": [(8.5, 9, 8, 8.5, 9, 9.5), 301.25], "THA": [(9, 9, 9.5, 8.5, 8, 9), 288.5],
         "VNM": [(7.5, 8, 8, 7.5, 8.5, 8), 350.75], "MYS": [(8, 8.5, 9, 9, 8.5, 8), 310.0],
         "KOR": [(9.5, 9, 9, 9.5, 9, 9), 276.33]}
sheets = []
for tid, (m, t) in marks.items():
    for j, judge in enumerate(["J01", "J02", "J03"]):
        sheets.append({"scenario": "rescue", "entrant": tid, "judge": judge,
                       "values": {"planning": str(m[2*j]), "execution": str(m[2*j+1])}})
    sheets.append({"scenario": "rescue", "entrant": tid, "judge": "J04", "values": {"time": str(t)}})
for i, (tid, _, members) in enumerate(teams):
    for k, _ in enumerate(members):
        sheets.append({"scenario": "course", "entrant": f"{tid}-{k+1}", "judge": "J04",
                       "values": {"time": f"{400 + 17.25 * i - 11.5 * k:.2f}"}})
doc = {
    "$schema": "../../schemas/event.schema.json", "format": "aplc-event/1",
    "event": {"id": "aplc-scripts", "name": "APLC 2026 · 亞洲監獄 · การแข่งขัน", "venue": "Kajang, Selangor",
              "days": [{"day": 1, "date": "2026-11-24", "label": "Ngày 1 · 第一日"}]},
    "teams": [{"id": t, "name": n, "country": t,
               "members": [{"id": f"{t}-{k+1}", "name": m} for k, m in enumerate(ms)]} for t, n, ms in teams],
    "judges": [{"id": j, "name": n, "country": c} for j, n, c in judges],
    "scenarios": [rescue, course],
    "rankings": [{"id": "overall", "name": "総合 · Overall · 종합", "of": "team",
                  "scenarios": [{"id": "rescue"}, {"id": "course", "weight": "0.5", "combine": "sum"}],
                  "better": "higher", "round": {"places": 2, "mode": "half_up"},
                  "tie_break": [{"by": "countback"}]}],
    "sheets": sheets,
}
out = pathlib.Path(__file__).with_name("scripts.event.json")
out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
