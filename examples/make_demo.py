#!/usr/bin/env python3
"""Generate examples/aplc-demo.json, the demo event of APLC Scoring.

The demo is a complete, fictional Asian Prisons Lockdown Challenge 2026: ten teams of six,
fourteen judges, seven scenarios over three days, two overall rankings and a full set of score
sheets. Everything is derived from a fixed random seed, so running this script again rewrites a
byte-identical file:

    python3 examples/make_demo.py            # writes examples/aplc-demo.json
    python3 examples/make_demo.py -o out.json

Standard library only. The script also checks what it writes: every sheet value lies within its
field's min/max and on its step, and no judge scores a team or member of their own country.
"""

import argparse
import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 2026
OUT = Path(__file__).resolve().parent / "aplc-demo.json"

# ---------------------------------------------------------------------------------------------
# Entrants. "skill" (0..1) is hidden: it only steers the generated marks, so that stronger teams
# do better on average while every scenario keeps some upsets.
# ---------------------------------------------------------------------------------------------

TEAMS = [
    ("SGP", "Singapore Prison Service Emergency Response Team", 0.90, [
        "Tan Wei Ming", "Muhammad Faizal bin Rahman", "Rajesh Kumar s/o Subramaniam",
        "Lim Jun Hao", "Nur Hidayah binte Osman", "Goh Kah Wai"]),
    ("HKG", "Hong Kong Correctional Services Regional Response Team", 0.88, [
        "Chan Ka Ho", "Wong Chi Keung", "Lee Siu Fung", "Cheung Wing Yan", "Lau Tsz Chun",
        "Ho Man Kit"]),
    ("KOR", "Korea Correctional Service Correctional Emergency Response Team", 0.85, [
        "Kim Min-jun", "Lee Seung-woo", "Park Ji-hoon", "Choi Dong-hyun", "Jung Hye-jin",
        "Kang Tae-yang"]),
    ("MYS", "Malaysian Prison Department Special Response Unit", 0.80, [
        "Mohd Hafiz bin Ismail", "Ahmad Syukri bin Yusof", "Wong Kok Leong",
        "Siti Aminah binti Hassan", "Kumaresan a/l Muniandy", "Azlan bin Abdullah"]),
    ("THA", "Department of Corrections Thailand Correctional Tactical Team", 0.76, [
        "Somchai Prasertsuk", "Anan Wongsawat", "Kittipong Chaiyaporn", "Nattapong Srisuk",
        "Supaporn Kaewmanee", "Wichai Thongdee"]),
    ("MAC", "Macao Correctional Services Bureau Tactical Intervention Group", 0.71, [
        "Leong Chi Wai", "Chan Kin Man", "Lei Hou In", "Wong Sio Fong", "Ricardo Sousa",
        "Lam Weng Hong"]),
    ("IDN", "Directorate General of Corrections Indonesia Rapid Response Team", 0.68, [
        "Agus Setiawan", "Budi Santoso", "Dwi Prasetyo", "Rizky Pratama", "Sri Wahyuni",
        "Eko Wahyudi"]),
    ("PHL", "Bureau of Jail Management and Penology Special Tactics and Response Team", 0.66, [
        "Juan Miguel Dela Cruz", "Mark Anthony Santos", "Jerome Reyes", "Ma. Kristine Bautista",
        "Rommel Villanueva", "Arnel Mendoza"]),
    ("VNM", "Viet Nam Prison Management Police Rapid Response Unit", 0.62, [
        "Nguyễn Văn Hùng", "Trần Minh Đức", "Lê Quang Huy", "Phạm Thị Lan", "Hoàng Văn Nam",
        "Vũ Đức Thắng"]),
    ("BRN", "Brunei Prisons Department Emergency Response Team", 0.56, [
        "Mohd Hazwan bin Haji Ahmad", "Pengiran Muhammad Zulkifli", "Awangku Shahrul Nizam",
        "Muhammad Aiman bin Jaafar", "Dayang Nurul Ain binti Abdullah", "Roslan bin Haji Yahya"]),
]

# (id, name, country). The own-country rule is on, so only judges from countries without a team
# sit on panels or hold roles; the four judges from competing services form the jury of appeal.
JUDGES = [
    ("J01", "Graham Whitfield", "AUS"),   # chief judge
    ("J02", "Aroha Ngata", "NZL"),
    ("J03", "Takeshi Morimoto", "JPN"),
    ("J04", "Sarah McAllister", "AUS"),
    ("J05", "Daniel Tremblay", "CAN"),
    ("J06", "Ian Fairbairn", "GBR"),
    ("J07", "Liam Patterson", "NZL"),
    ("J08", "Yuki Hasegawa", "JPN"),
    ("J09", "Ong Boon Keat", "SGP"),
    ("J10", "Norazlina binti Kamarudin", "MYS"),
    ("J11", "Tsang Kwok Wing", "HKG"),
    ("J12", "Yoon Sang-hoon", "KOR"),
    ("J13", "Kirsty Andrews", "AUS"),     # timekeeper
    ("J14", "Vikram Nair", "IND"),        # timekeeper
]

DAYS = [
    {"day": 1, "date": "2026-11-24", "label": "Day 1: individual skills"},
    {"day": 2, "date": "2026-11-25", "label": "Day 2: tactical scenarios"},
    {"day": 3, "date": "2026-11-26", "label": "Day 3: crisis response and relay final"},
]

# ---------------------------------------------------------------------------------------------
# Scenarios (the rules). Every decimal is a string.
# ---------------------------------------------------------------------------------------------

R2 = {"places": 2, "mode": "half_up"}
RANK_TABLE = ["100", "90", "82", "75", "69", "64", "60", "57", "55", "53"]


def crit(fid, label):
    return {"id": fid, "label": label, "kind": "criterion", "min": "0", "max": "10", "step": "0.5"}


def counter(fid, label, maximum, role):
    return {"id": fid, "label": label, "kind": "counter", "min": "0", "max": str(maximum),
            "from": role}


def timef(fid, label, cap, role):
    return {"id": fid, "label": label, "kind": "time", "min": "0", "max": str(cap),
            "step": "0.01", "from": role}


def check(fid, label):
    return {"id": fid, "label": label, "kind": "check"}


SCENARIOS = [
    {
        "id": "specialist-course",
        "name": "Specialist Obstacle Course",
        "description": (
            "Individual run, full tactical kit, through 12 stations (wall, rope climb, low crawl, "
            "door breach, casualty drag, cell-door lock-up...); time cap 18 minutes. The "
            "timekeeper records the time and the tasks missed or failed; each missed task adds "
            "30 s. A competitor stopped at the cap (DNF) is ranked with the cap plus 30 s per "
            "missed task. Points: percent of the best course time (best = 100). A team counts "
            "its best four members at a quarter weight in the overall ranking."),
        "day": 1,
        "entry": "member",
        "roles": {"timekeeper": "J13"},
        "fields": [
            timef("time", "Course time (s)", 1080, "timekeeper"),
            counter("missed_tasks", "Tasks missed or failed (+30 s each)", 12, "timekeeper"),
        ],
        "values": [
            {"id": "course_time", "label": "Course time with penalties (s)",
             "expr": "time + 30*missed_tasks"},
        ],
        "result": {"value": "course_time", "better": "lower", "places": 2},
        "tie_break": [{"value": "missed_tasks", "better": "lower"}],
        "status_from": "timekeeper",
        "status": {
            "dnf": {"set": {"time": "1080"}, "order": "normal"},
            "dns": {"points": "0", "order": "last"},
        },
        "points": {"method": "percent_of_best", "max": "100", "round": R2},
    },
    {
        "id": "marksmanship",
        "name": "Tactical Marksmanship",
        "description": (
            "Individual course of fire, 30 rounds on IPSC targets from barricades, scored "
            "Comstock: alpha 5, charlie 3, delta 1, minus 10 per miss, no-shoot hit or procedural "
            "error; hit factor = points / time (cap 3 minutes), 4 places. Points: percent of the "
            "best hit factor. Unsafe weapon handling is a disqualification (DQ) recorded by the "
            "range officer. A team counts its best four members at a quarter weight."),
        "day": 1,
        "entry": "member",
        "roles": {"range_officer": "J05"},
        "fields": [
            counter("alpha", "A-zone hits", 30, "range_officer"),
            counter("charlie", "C-zone hits", 30, "range_officer"),
            counter("delta", "D-zone hits", 30, "range_officer"),
            counter("miss", "Misses (-10)", 30, "range_officer"),
            counter("no_shoot", "No-shoot hits (-10)", 6, "range_officer"),
            counter("procedural", "Procedural errors (-10)", 5, "range_officer"),
            timef("time", "Time (s)", 180, "range_officer"),
        ],
        "values": [
            {"id": "hit_points", "label": "Points",
             "expr": "max(0, 5*alpha + 3*charlie + delta - 10*(miss + no_shoot + procedural))"},
            {"id": "hit_factor", "label": "Hit factor", "expr": "hit_points / time",
             "round": {"places": 4, "mode": "half_up"}},
        ],
        "result": {"value": "hit_factor", "better": "higher", "places": 4},
        "tie_break": [{"value": "alpha", "better": "higher"}],
        "status_from": "range_officer",
        "status": {
            "dns": {"points": "0", "order": "last"},
            "dq": {"points": "0", "order": "last"},
        },
        "points": {"method": "percent_of_best", "max": "100", "round": R2},
    },
    {
        "id": "hostage-rescue",
        "name": "Hostage Rescue in a Cell Block",
        "description": (
            "Team assault on a cell block where two inmates hold an officer hostage; time cap 10 "
            "minutes. Three judges mark planning, execution and communication (0-10, half "
            "points); the panel's mean total (max 30) is doubled into a tactics score (max 60). "
            "The timekeeper's time plus 60 s per hostage hit and 10 s per procedural error gives "
            "the adjusted time, worth 40 points at 300 s or less, falling linearly to 0 at 900 s. "
            "Score = tactics + time score (max 100); a team stopped at the cap (DNF) keeps its "
            "panel marks with the time set to the cap. Points: percent of the best score."),
        "day": 2,
        "entry": "team",
        "panel": ["J01", "J02", "J03"],
        "roles": {"timekeeper": "J14"},
        "fields": [
            crit("planning", "Planning and briefing"),
            crit("execution", "Entry and execution"),
            crit("communication", "Command and communication"),
            timef("time", "Time to hostage secured (s)", 600, "timekeeper"),
            counter("hostage_hit", "Hostage hit (+60 s)", 5, "timekeeper"),
            counter("procedural", "Procedural errors (+10 s)", 10, "timekeeper"),
        ],
        "values": [
            {"id": "judge_total", "per": "judge",
             "expr": "planning + execution + communication"},
            {"id": "tactics_mean", "label": "Panel mean of the judges' totals", "per": "panel",
             "of": "judge_total", "method": "mean", "round": R2},
            {"id": "adjusted_time", "label": "Adjusted time (s)",
             "expr": "time + 60*hostage_hit + 10*procedural"},
            {"id": "time_score", "label": "Time score (max 40)",
             "expr": "40 * max(0, min(1, (900 - adjusted_time) / 600))", "round": R2},
            {"id": "score", "label": "Score (max 100)", "expr": "2*tactics_mean + time_score"},
        ],
        "result": {"value": "score", "better": "higher", "places": 2},
        "tie_break": [{"value": "adjusted_time", "better": "lower"}],
        "status_from": "timekeeper",
        "status": {
            "dnf": {"set": {"time": "600"}, "order": "normal"},
            "dns": {"points": "0", "order": "last"},
        },
        "points": {"method": "percent_of_best", "max": "100", "round": R2},
    },
    {
        "id": "riot-control",
        "name": "Riot Control in the Exercise Yard",
        "description": (
            "Team in shield formation disperses and contains a disturbance of 20 role-players. "
            "Five judges mark formation, command, shield work and arrest technique (0-10, half "
            "points); each judge's total (max 40) is combined by a trimmed mean: the highest and "
            "the lowest totals are dropped and the other three averaged, rounded half up to 2 "
            "places. The head judge records safety violations, 5 points each. Ties go to fewer "
            "violations, then the better mean command mark, else the place is shared. Points: "
            "rank points 100-90-82-75-69-64-60-57-55-53, shared places average their points."),
        "day": 2,
        "entry": "team",
        "panel": ["J04", "J05", "J06", "J07", "J08"],
        "roles": {"head": "J04"},
        "fields": [
            crit("formation", "Formation and movement"),
            crit("command", "Command and control"),
            crit("shield_work", "Shield work"),
            crit("arrest_technique", "Arrest and restraint technique"),
            counter("safety_violation", "Safety violations (-5)", 5, "head"),
        ],
        "values": [
            {"id": "judge_total", "per": "judge",
             "expr": "formation + command + shield_work + arrest_technique"},
            {"id": "panel_score", "label": "Trimmed mean of the judges' totals", "per": "panel",
             "of": "judge_total", "method": "trimmed", "drop_high": 1, "drop_low": 1,
             "then": "mean", "round": R2},
            {"id": "command_mean", "label": "Mean command mark", "per": "panel", "of": "command",
             "method": "mean", "round": R2},
            {"id": "score", "label": "Score", "expr": "max(0, panel_score - 5*safety_violation)"},
        ],
        "result": {"value": "score", "better": "higher", "places": 2},
        "tie_break": [{"value": "safety_violation", "better": "lower"},
                      {"value": "command_mean", "better": "higher"}],
        "status": {"dns": {"points": "0", "order": "last"}},
        "points": {"method": "rank_points", "table": RANK_TABLE, "beyond_table": "50",
                   "ties": "average"},
    },
    {
        "id": "cell-extraction",
        "name": "Cell Extraction of a Violent Inmate",
        "description": (
            "Five-officer team extracts a non-compliant, armed inmate from a cell; time cap 5 "
            "minutes. Three judges mark approach, control and restraint, subject safety and "
            "teamwork (0-10, half points); the result is the median of the judges' totals "
            "(max 40), ties broken by the faster time. Excessive force is a disqualification "
            "ruled by the head judge (0 points). Points: rank points "
            "100-90-82-75-69-64-60-57-55-53."),
        "day": 3,
        "entry": "team",
        "panel": ["J01", "J07", "J08"],
        "roles": {"timekeeper": "J13"},
        "fields": [
            crit("approach", "Approach and cell-door procedure"),
            crit("control", "Control and restraint"),
            crit("subject_safety", "Subject safety and medical check"),
            crit("teamwork", "Teamwork and communication"),
            timef("time", "Time (s)", 300, "timekeeper"),
        ],
        "values": [
            {"id": "judge_total", "per": "judge",
             "expr": "approach + control + subject_safety + teamwork"},
            {"id": "panel_score", "label": "Median of the judges' totals", "per": "panel",
             "of": "judge_total", "method": "median"},
        ],
        "result": {"value": "panel_score", "better": "higher", "places": 2},
        "tie_break": [{"value": "time", "better": "lower"}],
        "status": {
            "dns": {"points": "0", "order": "last"},
            "dq": {"points": "0", "order": "last"},
        },
        "points": {"method": "rank_points", "table": RANK_TABLE, "beyond_table": "50"},
    },
    {
        "id": "first-aid-under-stress",
        "name": "First Aid under Stress",
        "description": (
            "After a fire-team exertion drill, the team treats two casualties of a cell-block "
            "stabbing; time cap 7 minutes. Three judges tick six protocol checks; each check "
            "counts when a majority of the panel ticked it, 15 points apiece (max 90). The time "
            "adds up to 10 points: 10 at 180 s or less, falling linearly to 0 at the cap. Score "
            "(max 100, 2 places) is the points; ties go to the faster time."),
        "day": 3,
        "entry": "team",
        "panel": ["J02", "J03", "J06"],
        "roles": {"timekeeper": "J14"},
        "fields": [
            check("scene_safety", "Scene made safe, weapon secured"),
            check("bleeding", "Catastrophic bleeding controlled (tourniquet, packing)"),
            check("airway", "Airway opened and breathing assessed"),
            check("spine", "C-spine protected on the fall casualty"),
            check("recovery", "Casualty placed in the recovery position, monitored"),
            check("handover", "MIST handover to the medical team"),
            timef("time", "Time (s)", 420, "timekeeper"),
        ],
        "values": [
            {"id": "ok_scene_safety", "per": "panel", "of": "scene_safety", "method": "majority"},
            {"id": "ok_bleeding", "per": "panel", "of": "bleeding", "method": "majority"},
            {"id": "ok_airway", "per": "panel", "of": "airway", "method": "majority"},
            {"id": "ok_spine", "per": "panel", "of": "spine", "method": "majority"},
            {"id": "ok_recovery", "per": "panel", "of": "recovery", "method": "majority"},
            {"id": "ok_handover", "per": "panel", "of": "handover", "method": "majority"},
            {"id": "protocol", "label": "Protocol points (max 90)",
             "expr": "15*(ok_scene_safety + ok_bleeding + ok_airway + ok_spine + ok_recovery"
                     " + ok_handover)"},
            {"id": "time_bonus", "label": "Time bonus (max 10)",
             "expr": "10 * min(1, (420 - time) / 240)", "round": R2},
            {"id": "score", "label": "Score (max 100)", "expr": "protocol + time_bonus"},
        ],
        "result": {"value": "score", "better": "higher", "places": 2},
        "tie_break": [{"value": "time", "better": "lower"}],
        "status": {"dns": {"points": "0", "order": "last"}},
        "points": {"method": "raw"},
    },
    {
        "id": "obstacle-relay",
        "name": "Lockdown Relay (final)",
        "description": (
            "Closing relay: the six members run in turn through the perimeter obstacle course "
            "carrying a 40 kg stretcher and the team's kit; time cap 15 minutes. The referee adds "
            "15 s per piece of equipment dropped and 60 s per obstacle missed. A team stopped at "
            "the cap (DNF) is ranked with the cap plus its penalties. Points, decathlon style: "
            "0.00016 x (1200 - relay time)^2, 2 places (about 97 points for 420 s)."),
        "day": 3,
        "entry": "team",
        "roles": {"timekeeper": "J13", "referee": "J05"},
        "fields": [
            timef("time", "Relay time (s)", 900, "timekeeper"),
            counter("dropped_equipment", "Equipment dropped (+15 s)", 10, "referee"),
            counter("missed_obstacle", "Obstacles missed (+60 s)", 6, "referee"),
        ],
        "values": [
            {"id": "relay_time", "label": "Relay time with penalties (s)",
             "expr": "time + 15*dropped_equipment + 60*missed_obstacle"},
        ],
        "result": {"value": "relay_time", "better": "lower", "places": 2},
        "status_from": "timekeeper",
        "status": {
            "dnf": {"set": {"time": "900"}, "order": "normal"},
            "dns": {"points": "0", "order": "last"},
        },
        "points": {"method": "formula", "formula": "0.00016 * max(0, 1200 - result)^2",
                   "round": R2},
    },
]

RANKINGS = [
    {
        "id": "overall",
        "name": "APLC 2026 Overall Champion",
        "of": "team",
        "scenarios": [
            {"id": "specialist-course", "weight": "0.25", "combine": "sum", "count": 4},
            {"id": "marksmanship", "weight": "0.25", "combine": "sum", "count": 4},
            {"id": "hostage-rescue"},
            {"id": "riot-control"},
            {"id": "cell-extraction"},
            {"id": "first-aid-under-stress"},
            {"id": "obstacle-relay"},
        ],
        "better": "higher",
        "round": R2,
        "tie_break": [{"by": "wins"}, {"by": "scenario", "scenario": "hostage-rescue"},
                      {"by": "countback"}],
    },
    {
        "id": "top-operator",
        "name": "Top Operator (individual)",
        "of": "member",
        "scenarios": [{"id": "specialist-course"}, {"id": "marksmanship"}],
        "better": "higher",
        "round": R2,
        "tie_break": [{"by": "scenario", "scenario": "specialist-course"}, {"by": "countback"}],
    },
]

# Scripted incidents, so the demo exercises every run status.
SPECIALIST_DNF = {"BRN-4", "VNM-6", "PHL-2"}   # stopped at the 18-minute cap
SPECIALIST_DNS = {"KOR-5"}                      # hamstring injury in the warm-up
MARKSMANSHIP_DQ = {"PHL-3"}                     # muzzle sweep of the range officer
HOSTAGE_DNF = {"BRN"}                           # hostage not secured within the cap
RELAY_DNF = {"VNM"}                             # stretcher dropped, stopped at the cap
RUNS = [{"scenario": "cell-extraction", "entrant": "IDN", "status": "dq"}]  # excessive force
# Riot control: these two teams get identical marks, so they share a place (and its points).
RIOT_TWINS = ("MAC", "IDN")
# Cell extraction: these two teams get the same median and are split by their times.
CELL_TWINS = ("MYS", "THA")

# Overall: KOR's first-aid time is set by hand so that KOR and MYS finish level on 605.21 points;
# neither has a scenario win, so the second tie-break (place in hostage-rescue) puts MYS third.
# (If the generation above changes, recompute this time with `aplc score`.)
FIRST_AID_TIME = {"KOR": "315.06"}

# ---------------------------------------------------------------------------------------------
# Generation helpers
# ---------------------------------------------------------------------------------------------

rng = random.Random(SEED)


def on_step(x, step, low, high):
    """x rounded to the nearest multiple of step, clamped to [low, high], as a Decimal."""
    step = Decimal(step)
    v = (Decimal(repr(x)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return min(max(v, Decimal(low)), Decimal(high))


def dec(v):
    """A Decimal as a plain string: '8', '7.5', '612.45'."""
    s = format(v, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def secs(x, cap):
    return format(on_step(x, "0.01", "0", cap), ".2f")


def mark(x):
    return dec(on_step(x, "0.5", "0", "10"))


def clamp(x, low, high):
    return min(max(x, low), high)


def form(skill):
    """A team's form on one scenario."""
    return clamp(skill + rng.gauss(0, 0.05), 0.3, 1.0)


SKILL = {code: skill for code, _, skill, _ in TEAMS}
MEMBER_SKILL = {}
for code, _, skill, names in TEAMS:
    for i in range(len(names)):
        MEMBER_SKILL[f"{code}-{i + 1}"] = clamp(skill + rng.gauss(0, 0.06), 0.3, 1.0)
JUDGE_BIAS = {jid: rng.gauss(0, 0.3) for jid, _, _ in JUDGES}


def panel_marks(judge, level, criteria):
    """One judge's marks: level (0..1) of the team, the judge's bias, some noise."""
    return {c: mark(3.5 + 6.0 * level + JUDGE_BIAS[judge] + rng.gauss(0, 0.45)) for c in criteria}


def sheet(scenario, entrant, judge, values, status=None):
    s = {"scenario": scenario, "entrant": entrant, "judge": judge, "values": values}
    if status:
        s["status"] = status
        if not values:
            del s["values"]
    return s


# ---------------------------------------------------------------------------------------------
# Sheets, scenario by scenario
# ---------------------------------------------------------------------------------------------

def specialist_sheets():
    out = []
    for mid, skill in MEMBER_SKILL.items():
        if mid in SPECIALIST_DNS:
            out.append(sheet("specialist-course", mid, "J13", {}, "dns"))
            continue
        missed = max(0, round(rng.gauss(2.6 * (1 - skill) - 0.1, 0.7)))
        if mid in SPECIALIST_DNF:
            out.append(sheet("specialist-course", mid, "J13",
                             {"missed_tasks": str(missed + 2)}, "dnf"))
            continue
        t = 520 + 520 * (1 - skill) + rng.gauss(0, 35)
        out.append(sheet("specialist-course", mid, "J13",
                         {"time": secs(t, 1079.99), "missed_tasks": str(missed)}))
    return out


def marksmanship_sheets():
    out = []
    for mid, skill in MEMBER_SKILL.items():
        if mid in MARKSMANSHIP_DQ:
            out.append(sheet("marksmanship", mid, "J05", {}, "dq"))
            continue
        acc = clamp(skill + rng.gauss(0, 0.07), 0.3, 1.0)
        counts = {"alpha": 0, "charlie": 0, "delta": 0, "miss": 0}
        for _ in range(30):
            u = rng.random()
            if u < 0.25 + 0.55 * acc:
                counts["alpha"] += 1
            elif u < 0.72 + 0.22 * acc:
                counts["charlie"] += 1
            elif u < 0.90 + 0.09 * acc:
                counts["delta"] += 1
            else:
                counts["miss"] += 1
        values = {k: str(v) for k, v in counts.items()}
        values["no_shoot"] = str(1 if rng.random() < 0.25 * (1.1 - acc) else 0)
        values["procedural"] = str(1 if rng.random() < 0.15 else 0)
        values["time"] = secs(62 + 55 * (1 - skill) + rng.gauss(0, 6), 180)
        out.append(sheet("marksmanship", mid, "J05", values))
    return out


def hostage_sheets():
    out = []
    crits = ["planning", "execution", "communication"]
    for code, _, skill, _ in TEAMS:
        f = form(skill)
        for j in ["J01", "J02", "J03"]:
            out.append(sheet("hostage-rescue", code, j, panel_marks(j, f, crits)))
        hits = 1 if rng.random() < 0.35 * (1.1 - f) else 0
        proc = max(0, round(rng.gauss(3 * (1 - f), 0.8)))
        values = {"hostage_hit": str(hits), "procedural": str(proc)}
        if code in HOSTAGE_DNF:
            out.append(sheet("hostage-rescue", code, "J14", values, "dnf"))
        else:
            values = {"time": secs(290 + 330 * (1 - f) + rng.gauss(0, 25), 599.99), **values}
            out.append(sheet("hostage-rescue", code, "J14", values))
    return out


def riot_sheets():
    out = []
    crits = ["formation", "command", "shield_work", "arrest_technique"]
    panel = ["J04", "J05", "J06", "J07", "J08"]
    twin = None
    for code, _, skill, _ in TEAMS:
        f = form(skill)
        if code == RIOT_TWINS[1]:
            marks = twin
        else:
            marks = {j: panel_marks(j, f, crits) for j in panel}
        if code == RIOT_TWINS[0]:
            twin = marks
        for j in panel:
            values = dict(marks[j])
            if j == "J04":
                violations = 0 if code in RIOT_TWINS else int(rng.random() < 0.3 * (1.1 - f))
                values["safety_violation"] = str(violations)
            out.append(sheet("riot-control", code, j, values))
    return out


def total(marks):
    return sum(Decimal(v) for v in marks.values())


def cell_sheets():
    out = []
    crits = ["approach", "control", "subject_safety", "teamwork"]
    panel = ["J01", "J07", "J08"]
    twin = None
    for code, _, skill, _ in TEAMS:
        f = form(skill)
        marks = {j: panel_marks(j, f, crits) for j in panel}
        if code == CELL_TWINS[0]:
            # make J07's sheet the median one, so that copying it copies the median
            middle = sorted(panel, key=lambda j: total(marks[j]))[1]
            marks["J07"], marks[middle] = marks[middle], marks["J07"]
            twin = marks
        if code == CELL_TWINS[1]:
            # the same median total as the first twin, with a different time: the tie-break
            # (time) decides between them
            marks["J07"] = dict(twin["J07"])
            median = total(marks["J07"])
            low, high = sorted([marks["J01"], marks["J08"]], key=total)
            while total(low) > median:
                k = max(low, key=lambda c: Decimal(low[c]))
                low[k] = dec(Decimal(low[k]) - Decimal("0.5"))
            while total(high) < median:
                k = min(high, key=lambda c: Decimal(high[c]))
                high[k] = dec(Decimal(high[k]) + Decimal("0.5"))
        for j in panel:
            out.append(sheet("cell-extraction", code, j, marks[j]))
        out.append(sheet("cell-extraction", code, "J13",
                         {"time": secs(150 + 150 * (1 - f) + rng.gauss(0, 12), 299.99)}))
    return out


def first_aid_sheets():
    out = []
    checks = ["scene_safety", "bleeding", "airway", "spine", "recovery", "handover"]
    for code, _, skill, _ in TEAMS:
        f = form(skill)
        # each check: done or not (the team's performance), then each judge's view of it
        done = {c: rng.random() < 0.35 + 0.65 * f for c in checks}
        for j in ["J02", "J03", "J06"]:
            ticks = {c: (done[c] if rng.random() < 0.9 else not done[c]) for c in checks}
            out.append(sheet("first-aid-under-stress", code, j, ticks))
        t = secs(200 + 240 * (1 - f) + rng.gauss(0, 20), 419.99)
        out.append(sheet("first-aid-under-stress", code, "J14",
                         {"time": FIRST_AID_TIME.get(code, t)}))
    return out


def relay_sheets():
    out = []
    for code, _, skill, _ in TEAMS:
        f = form(skill)
        if code in RELAY_DNF:
            out.append(sheet("obstacle-relay", code, "J13", {}, "dnf"))
        else:
            out.append(sheet("obstacle-relay", code, "J13",
                             {"time": secs(400 + 480 * (1 - f) + rng.gauss(0, 25), 899.99)}))
        dropped = max(0, round(rng.gauss(2.5 * (1 - f), 0.8)))
        missed = 1 if rng.random() < 0.3 * (1 - f) else 0
        out.append(sheet("obstacle-relay", code, "J05",
                         {"dropped_equipment": str(dropped), "missed_obstacle": str(missed)}))
    return out


# ---------------------------------------------------------------------------------------------
# Assembly, self-check, output
# ---------------------------------------------------------------------------------------------

def build():
    teams = [
        {"id": code, "name": name, "country": code,
         "members": [{"id": f"{code}-{i + 1}", "name": n} for i, n in enumerate(names)]}
        for code, name, _, names in TEAMS
    ]
    sheets = (specialist_sheets() + marksmanship_sheets() + hostage_sheets() + riot_sheets()
              + cell_sheets() + first_aid_sheets() + relay_sheets())
    return {
        "$schema": "../schemas/event.schema.json",
        "format": "aplc-event/1",
        "event": {
            "id": "aplc-2026",
            "name": "Asian Prisons Lockdown Challenge 2026",
            "venue": "Malaysian Correctional Academy (Akademi Koreksional Malaysia), Kajang, "
                     "Selangor, Malaysia",
            "judges_own_country": False,
            "days": DAYS,
        },
        "teams": teams,
        "judges": [{"id": j, "name": n, "country": c} for j, n, c in JUDGES],
        "scenarios": SCENARIOS,
        "rankings": RANKINGS,
        "sheets": sheets,
        "runs": RUNS,
    }


def self_check(doc):
    country = {j["id"]: j["country"] for j in doc["judges"]}
    team_country = {}
    for t in doc["teams"]:
        team_country[t["id"]] = t["country"]
        for m in t["members"]:
            team_country[m["id"]] = t["country"]
    scen = {s["id"]: s for s in doc["scenarios"]}
    seen = set()
    for sh in doc["sheets"]:
        s = scen[sh["scenario"]]
        key = (sh["scenario"], sh["entrant"], sh["judge"])
        assert key not in seen, f"two sheets for {key}"
        seen.add(key)
        assert country[sh["judge"]] != team_country[sh["entrant"]], f"own country: {key}"
        roles = {r for r, j in s.get("roles", {}).items() if j == sh["judge"]}
        on_panel = sh["judge"] in s.get("panel", [])
        fields = [f for f in s["fields"]
                  if (f.get("from") in roles) or (on_panel and "from" not in f)]
        assert fields or sh.get("status"), f"judge has nothing to fill: {key}"
        values = sh.get("values", {})
        for fid in values:
            assert any(f["id"] == fid for f in fields), f"{fid} not for this judge: {key}"
        for f in fields:
            if f["id"] not in values:
                assert sh.get("status") in ("dnf", "dns", "dq"), f"missing {f['id']}: {key}"
                continue
            v = values[f["id"]]
            if f["kind"] == "check":
                assert isinstance(v, bool), key
                continue
            d = Decimal(v)
            assert Decimal(f.get("min", "0")) <= d <= Decimal(f["max"]), f"{f['id']}={v}: {key}"
            if "step" in f:
                assert (d - Decimal(f.get("min", "0"))) % Decimal(f["step"]) == 0, key
            if f["kind"] == "counter":
                assert d == d.to_integral_value(), key
    for s in doc["scenarios"]:
        for j in s.get("panel", []) + list(s.get("roles", {}).values()):
            assert country[j] not in team_country.values(), f"{j} judges own country in {s['id']}"


ONE_LINE_ITEMS = {"sheets", "runs"}  # one line per sheet, however long


def render(v, indent=0, width=100):
    """JSON with short objects and arrays kept on one line (one line per sheet)."""
    flat = json.dumps(v, ensure_ascii=False)
    if not isinstance(v, (dict, list)) or not v or indent + len(flat) <= width:
        return flat
    pad = " " * (indent + 2)
    if isinstance(v, list):
        items = [pad + render(x, indent + 2, width) for x in v]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = []
    for k, x in v.items():
        key = json.dumps(k, ensure_ascii=False) + ": "
        if k in ONE_LINE_ITEMS and isinstance(x, list) and x:
            rows = [pad + "  " + json.dumps(y, ensure_ascii=False) for y in x]
            items.append(pad + key + "[\n" + ",\n".join(rows) + "\n" + pad + "]")
        else:
            items.append(pad + key + render(x, indent + 2, width - len(key)))
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    doc = build()
    self_check(doc)
    args.output.write_text(render(doc) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({len(doc['sheets'])} sheets)")


if __name__ == "__main__":
    main()
