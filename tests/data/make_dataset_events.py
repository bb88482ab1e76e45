#!/usr/bin/env python3
"""Write the two real-competition datasets as APLC event files plus their official expected numbers.

Usage: python3 tests/data/make_dataset_events.py [DATASETS_DIR]

DATASETS_DIR defaults to ../shared/datasets relative to the repository root (the repository root
is two levels above this script's directory: tests/data/ -> tests/ -> root). Outputs are written
next to this script (tests/data/):

  diving_2000.event.json            Sydney 2000 Olympic Games, men's 3 m springboard (semi + final)
  diving_2000.expected.json         totals, final order, two dive scores, the 81.30 margin
  uspsa_lprgc_2025-11.event.json    USPSA club match LPRGC, 1 Nov 2025 (6 stages, 40 competitors)
  uspsa_lprgc_2025-11.expected.json every published stage row + the published match points/places

Before anything is written, every expected number is recomputed from the raw inputs with the
published rule (the same logic as the datasets' verify_*.py scripts, exact arithmetic) and
compared with the officially published figures; any mismatch aborts with an error.
Standard library only; the output is deterministic (same input -> byte-identical files).
"""
import csv
import json
import re
import sys
from collections import OrderedDict, defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
DEFAULT_DATASETS = REPO_ROOT.parent / 'shared' / 'datasets'


class Mismatch(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Mismatch(msg)


# --------------------------------------------------------------------------------------------
# JSON layout: compact where a container fits on a line, one element per line otherwise.
# Items of the top-level "sheets" array are always on one line each.
# --------------------------------------------------------------------------------------------
WIDTH = 130


def _inline(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(', ', ': '))


def _dump(obj, indent, force_inline_items=False):
    pad = '  ' * indent
    pad1 = '  ' * (indent + 1)
    flat = _inline(obj)
    if not isinstance(obj, (dict, list)) or len(flat) + len(pad) <= WIDTH or not obj:
        return flat
    if isinstance(obj, list):
        parts = [(_inline(x) if force_inline_items else _dump(x, indent + 1)) for x in obj]
        return '[\n' + ',\n'.join(pad1 + p for p in parts) + '\n' + pad + ']'
    parts = []
    for k, v in obj.items():
        parts.append(pad1 + json.dumps(k, ensure_ascii=False) + ': '
                     + _dump(v, indent + 1, force_inline_items=(indent == 0 and k == 'sheets')))
    return '{\n' + ',\n'.join(parts) + '\n' + pad + '}'


def write_json(path, obj):
    text = _dump(obj, 0) + '\n'
    check(json.loads(text) == obj, f'{path}: layout round-trip failed')
    path.write_text(text, encoding='utf-8')
    print(f'wrote {path} ({len(text)} bytes)')


def dec_text(x):
    """A Decimal parsed from the dataset, back to its text ("8", "8.5", "3.0")."""
    s = str(x)
    check(re.fullmatch(r'-?[0-9]+(\.[0-9]+)?', s) is not None, f'not a plain decimal: {s!r}')
    return s


# --------------------------------------------------------------------------------------------
# Diving, Sydney 2000, men's 3 m springboard
# --------------------------------------------------------------------------------------------
NOC_NAMES = {
    'CHN': 'China', 'MEX': 'Mexico', 'RUS': 'Russia', 'AUS': 'Australia', 'USA': 'United States',
    'JPN': 'Japan', 'GER': 'Germany', 'HUN': 'Hungary', 'GBR': 'Great Britain',
}


def diver_id(name):
    # "XIONG Ni" -> "xiong-ni"
    return re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')


def dive_score(dd, marks):
    """FINA 2000 rule, 7 judges: drop the single highest and single lowest, sum 5, x DD x 0.6."""
    m = sorted(marks)
    return sum(m[1:-1]) * dd * Decimal('0.6')


def cents(x):
    q = x.quantize(Decimal('0.01'))
    check(q == x, f'{x} is not an exact multiple of 0.01')
    return format(q, 'f')


def build_diving(ds):
    data = json.loads((ds / 'diving_2000_m3m_springboard.json').read_text(encoding='utf-8'),
                      parse_float=Decimal, parse_int=Decimal)
    divers = data['divers']
    check(len(divers) == 12, f'expected 12 divers, got {len(divers)}')
    ids = {}
    for d in divers:
        check(len(d['semi']) == 5 and len(d['final']) == 6, f"{d['name']}: dive count")
        for dd, marks in d['semi'] + d['final']:
            check(len(marks) == 7, f"{d['name']}: panel of {len(marks)}")
            check(Decimal('1.0') <= dd <= Decimal('4.5') and dd % Decimal('0.1') == 0, f'DD {dd}')
            for m in marks:
                check(0 <= m <= 10 and m % Decimal('0.5') == 0, f'mark {m}')
        ids[d['name']] = diver_id(d['name'])
    check(len(set(ids.values())) == 12, 'diver ids not unique')

    # ---- recompute with the published rule and compare with the official figures ----
    res = {}
    for d in divers:
        semi = [dive_score(dd, m) for dd, m in d['semi']]
        fin = [dive_score(dd, m) for dd, m in d['final']]
        res[d['name']] = dict(semi=sum(semi), final=sum(fin), dives=semi + fin,
                              total=sum(semi) + sum(fin))
    off = data['official']
    for name, t in off['totals'].items():
        check(res[name]['total'] == t, f"diving total {name}: calc {res[name]['total']} official {t}")
    for key, v in off['dive_scores'].items():
        name, rnd, n = key.split('/')
        check(rnd == 'final', key)
        calc = res[name]['dives'][5 + int(n) - 1]
        check(calc == v, f'diving dive {key}: calc {calc} official {v}')
    xiong, platas = 'XIONG Ni', 'PLATAS Fernando'
    needed = res[platas]['total'] - (res[xiong]['total'] - res[xiong]['dives'][-1])
    (official_needed,) = off['needed_before_last_dive'].values()
    check(needed == official_needed, f'needed {needed} != official {official_needed}')
    order = sorted(res, key=lambda n: -res[n]['total'])
    check(len({res[n]['total'] for n in res}) == 12, 'tie in diving totals')
    check(order == off['final_ranking'], f'diving order {order}')
    for d in divers:
        check(int(d['dataset_final_rank']) == order.index(d['name']) + 1, f"rank of {d['name']}")
    official_three = {ids[n]: cents(v) for n, v in off['totals'].items()}
    check(official_three == {'xiong-ni': '708.72', 'platas-fernando': '708.42',
                             'saoutine-dmitri': '703.20'}, f'official totals {official_three}')

    # ---- event file ----
    judges = [f'J{i}' for i in range(1, 8)]
    scen_ids = [f'semi-{i}' for i in range(1, 6)] + [f'final-{i}' for i in range(1, 7)]
    teams = OrderedDict()
    for d in divers:
        noc = str(d['nat'])
        check(re.fullmatch(r'[A-Z]{3}', noc) is not None, noc)
        t = teams.setdefault(noc, {'id': noc, 'name': NOC_NAMES[noc], 'country': noc, 'members': []})
        t['members'].append({'id': ids[d['name']], 'name': d['name']})

    fields = [
        {'id': 'mark', 'label': 'Judge mark', 'kind': 'criterion', 'min': '0', 'max': '10', 'step': '0.5'},
        {'id': 'dd', 'label': 'Degree of difficulty', 'kind': 'number', 'min': '1.0', 'max': '4.5',
         'step': '0.1', 'from': 'referee'},
    ]
    values = [
        {'id': 'kept', 'per': 'panel', 'of': 'mark', 'method': 'trimmed', 'drop_high': 1, 'drop_low': 1,
         'then': 'sum'},
        {'id': 'dive', 'expr': 'kept * dd * 0.6'},
    ]
    scenarios = []
    for sid in scen_ids:
        rnd, n = sid.split('-')
        scenarios.append({
            'id': sid,
            'name': f"{'Semifinal' if rnd == 'semi' else 'Final'} dive {n}",
            'day': 1 if rnd == 'semi' else 2,
            'entry': 'member',
            'panel': judges,
            'roles': {'referee': 'REF'},
            'fields': fields,
            'values': values,
            'result': {'value': 'dive', 'better': 'higher', 'places': 2},
            'points': {'method': 'raw'},
        })
    sheets = []
    for sid in scen_ids:
        rnd, n = sid.split('-')
        for d in divers:
            dd, marks = d[rnd][int(n) - 1]
            for j, m in zip(judges, marks):
                sheets.append({'scenario': sid, 'entrant': ids[d['name']], 'judge': j,
                               'values': {'mark': dec_text(m)}})
            sheets.append({'scenario': sid, 'entrant': ids[d['name']], 'judge': 'REF',
                           'values': {'dd': dec_text(dd)}})
    event = OrderedDict([
        ('format', 'aplc-event/1'),
        ('event', {
            'id': 'sydney-2000-m3m-springboard',
            'name': "Sydney 2000 Olympic Games - men's 3 m springboard, semifinal + final (12 finalists)",
            'venue': 'Sydney International Aquatic Centre',
            'days': [{'day': 1, 'label': 'Semifinal (5 dives)'}, {'day': 2, 'label': 'Final (6 dives)'}],
        }),
        ('teams', list(teams.values())),
        ('judges', [{'id': j, 'name': f'Panel judge {j[1:]}'} for j in judges]
         + [{'id': 'REF', 'name': 'Referee (announces the degree of difficulty)'}]),
        ('scenarios', scenarios),
        ('rankings', [{'id': 'overall', 'name': 'Overall (semifinal + final)', 'of': 'member',
                       'scenarios': [{'id': s} for s in scen_ids], 'better': 'higher', 'places': 2}]),
        ('sheets', sheets),
    ])

    dive_keys = {}
    for key in off['dive_scores']:
        name, _, n = key.split('/')
        dive_keys[f'{ids[name]}/final-{n}'] = cents(res[name]['dives'][5 + int(n) - 1])
    expected = OrderedDict([
        ('_comment', 'Official: totals of xiong-ni, platas-fernando, saoutine-dmitri; order; dive_scores; '
                     'xiong_needed_on_last_dive. The other totals and day_totals are recomputed from the judges\' '
                     'marks with the 2000 FINA rule (drop 1 high + 1 low, sum 5, x DD x 0.6, exact decimals).'),
        ('totals', OrderedDict((ids[n], cents(res[n]['total'])) for n in order)),
        ('order', [ids[n] for n in order]),
        ('dive_scores', dive_keys),
        ('xiong_needed_on_last_dive', cents(needed)),
        ('day_totals', OrderedDict((ids[n], {'1': cents(res[n]['semi']), '2': cents(res[n]['final'])})
                                   for n in order)),
    ])
    check(expected['dive_scores'] == {'xiong-ni/final-6': '81.60', 'saoutine-dmitri/final-6': '65.10'},
          f"dive scores {expected['dive_scores']}")
    check(expected['xiong_needed_on_last_dive'] == '81.30', 'needed')
    return event, expected


# --------------------------------------------------------------------------------------------
# USPSA, LPRGC club match, 1 Nov 2025
# --------------------------------------------------------------------------------------------
# event counter field id -> CSV column
COUNTERS = [
    ('A', 'A', 'A hits'), ('B', 'B', 'B hits'), ('C', 'C', 'C hits'), ('D', 'D', 'D hits'),
    ('miss', 'Miss', 'Misses'), ('no_shoot', 'No Shoot', 'No-shoots'), ('procedural', 'Procedural', 'Procedurals'),
    ('late_shot', 'Late Shot', 'Late shots'), ('extra_shot', 'Extra Shot', 'Extra shots'),
    ('extra_hit', 'Extra Hit', 'Extra hits'), ('additional_penalty', 'Additional Penalty', 'Additional penalties'),
]
DIVISIONS = [  # (id, readable name, prefix of the dataset's division key)
    ('co', 'Carry Optics', 'Carry Optics'),
    ('b', 'Division B (name not in the export; major and minor shooters)', 'division_B'),
    ('c', 'Division C (name not in the export)', 'division_C'),
    ('d', 'Division D (name not in the export)', 'division_D'),
]


def q4(x):
    """Round half up to 4 decimals (exact rational in, Fraction out)."""
    return Fraction((x * 10000 + Fraction(1, 2)).__floor__(), 10000)


def f4(x):
    return format(Decimal(x.numerator) / Decimal(x.denominator), '.4f')


def build_uspsa(ds):
    with open(ds / 'uspsa_lprgc_2025-11_scores.csv', newline='', encoding='utf-8') as fh:
        rows = list(csv.DictReader(fh))
    meta = json.loads((ds / 'uspsa_lprgc_2025-11_match.json').read_text(encoding='utf-8'))
    check(len(rows) == 240, f'{len(rows)} rows')
    for r in rows:
        check(r['DQ'] == 'No' and r['DNF'] == 'No',
              f"stage {r['Stage']} comp {r['Comp']}: DQ={r['DQ']} DNF={r['DNF']} (not modelled)")
        for col in ('No Penalty Miss',):
            check(r[col] == '0', f'{col} is not modelled but non-zero')
    stages = {int(s['stage']): s for s in meta['stages']}
    check(sorted(stages) == [1, 2, 3, 4, 5, 6], 'stages')
    maxpts = {st: int(s['max_points']) for st, s in stages.items()}

    div_keys = list(meta['divisions'])
    check(len(div_keys) == len(DIVISIONS), 'divisions')
    div_of = {}
    for (did, _, prefix), key in zip(DIVISIONS, div_keys):
        check(key.startswith(prefix), f'division key {key!r}')
        for c in meta['divisions'][key]:
            check(c not in div_of, f'comp {c} in two divisions')
            div_of[int(c)] = did
    comps = sorted({int(r['Comp']) for r in rows})
    check(comps == sorted(div_of), 'competitors vs divisions')
    check(len(comps) == 40, 'competitor count')
    seen = set()
    for r in rows:
        key = (int(r['Stage']), int(r['Comp']))
        check(key not in seen, f'duplicate row {key}')
        seen.add(key)
    check(len(seen) == 6 * 40, 'not every competitor has every stage')

    I = lambda r, k: int(r[k])

    def raw(r, major):
        return 5 * I(r, 'A') + (4 if major else 3) * (I(r, 'B') + I(r, 'C')) + (2 if major else 1) * I(r, 'D')

    # power factor, inferred exactly as verify_uspsa.py does (ambiguous -> minor)
    cands = {}
    for r in rows:
        c = I(r, 'Comp')
        ok = {m for m in (False, True) if raw(r, m) == I(r, 'Raw Points')}
        cands[c] = cands.get(c, {False, True}) & ok
    for c, s in cands.items():
        check(s, f'comp {c}: no consistent power factor')
    major = {c: (True in s and False not in s) for c, s in cands.items()}
    ambiguous = sorted(c for c, s in cands.items() if len(s) == 2)

    # ---- recompute every published column ----
    res = defaultdict(dict)
    for r in rows:
        c, st = I(r, 'Comp'), I(r, 'Stage')
        pen = 10 * sum(I(r, col) for fid, col, _ in COUNTERS[4:])
        rp = raw(r, major[c])
        tot = max(0, rp - pen)
        t = Fraction(r['Time'])
        hf = q4(Fraction(tot) / t) if t > 0 else Fraction(0)
        res[(st, div_of[c])][c] = dict(row=r, pen=pen, raw=rp, tot=tot, hf=hf, time=t)
    stage_pts = defaultdict(Fraction)
    exp_stages = {}
    for (st, dv), g in res.items():
        best = max(v['hf'] for v in g.values())
        for c, v in g.items():
            r = v['row']
            sp = q4(v['hf'] / best * maxpts[st]) if best > 0 else Fraction(0)
            stage_pts[c] += sp
            place = 1 + sum(1 for o in g.values()
                            if o['hf'] > v['hf'] or (o['hf'] == v['hf'] and o['time'] < v['time']))
            check(sum(1 for o in g.values() if o['hf'] == v['hf'] and o['time'] == v['time']) == 1,
                  f'stage {st} comp {c}: unresolved tie')
            for name, calc, offv in [('Total Penalty', v['pen'], int(r['Total Penalty'])),
                                     ('Raw Points', v['raw'], int(r['Raw Points'])),
                                     ('Total Points', v['tot'], int(r['Total Points'])),
                                     ('Hit Factor', v['hf'], Fraction(r['Hit Factor'])),
                                     ('Stage Points', sp, Fraction(r['Stage Points'])),
                                     ('Stage Place', place, int(r['Stage Place']))]:
                check(calc == offv, f'uspsa stage {st} comp {c} {name}: calc {calc} official {offv}')
            check(f4(v['hf']) == r['Hit Factor'] and f4(sp) == r['Stage Points'],
                  f'stage {st} comp {c}: published decimal text differs from 4-dp form')
            exp_stages[(st, c)] = OrderedDict([
                ('hit_factor', r['Hit Factor']), ('penalty', r['Total Penalty']), ('place', int(r['Stage Place'])),
                ('raw', r['Raw Points']), ('stage_points', r['Stage Points']), ('total', r['Total Points']),
            ])

    def div_place(c):
        return 1 + sum(1 for o in comps if div_of[o] == div_of[c] and stage_pts[o] > stage_pts[c])

    off_mp = meta['official_match_points']
    for cs, o in off_mp.items():
        c = int(cs)
        check(stage_pts[c] == Fraction(str(o['match_points'])),
              f"match points comp {c}: calc {f4(stage_pts[c])} official {o['match_points']}")
        check(div_place(c) == o['place_overall'], f'match place comp {c}')
    check({int(c): (f4(stage_pts[int(c)]), div_place(int(c))) for c in off_mp}
          == {1: ('568.8844', 1), 2: ('467.1983', 2)}, 'official match points')

    # ---- event file ----
    cid = lambda c: f'c{c}'
    members = []
    for c in comps:
        m = {'id': cid(c), 'name': f'Competitor {c}', 'division': div_of[c]}
        if major[c]:
            m['attributes'] = {'major': '1'}
        members.append(m)
    fields = [{'id': fid, 'label': label, 'kind': 'counter', 'from': 'ro'} for fid, _, label in COUNTERS]
    fields.append({'id': 'time', 'label': 'Stage time (s)', 'kind': 'time', 'min': '0', 'step': '0.01', 'from': 'ro'})
    values = [
        {'id': 'raw', 'expr': '5*A + (3+major)*(B+C) + (1+major)*D'},
        {'id': 'penalty', 'expr': '10*(miss + no_shoot + procedural + late_shot + extra_shot + extra_hit'
                                  ' + additional_penalty)'},
        {'id': 'total', 'expr': 'max(0, raw - penalty)'},
        {'id': 'hf', 'expr': 'if(time > 0, total / time, 0)', 'round': {'places': 4, 'mode': 'half_up'}},
    ]
    scenarios = []
    for st in sorted(stages):
        s = stages[st]
        scenarios.append({
            'id': f'stage-{st}',
            'name': f"Stage {st}: {s['name']}",
            'description': f"{s['scoring']}, {s['min_rounds']} rounds, {s['max_points']} points",
            'day': 1,
            'entry': 'member',
            'panel': [],
            'roles': {'ro': f'RO{st}'},
            'fields': fields,
            'values': values,
            'result': {'value': 'hf', 'better': 'higher'},
            'tie_break': [{'value': 'time', 'better': 'lower'}],
            'by_division': True,
            'points': {'method': 'percent_of_best', 'max': str(maxpts[st]),
                       'round': {'places': 4, 'mode': 'half_up'}},
        })
    sheets = []
    for r in sorted(rows, key=lambda r: (I(r, 'Stage'), I(r, 'Comp'))):
        vals = OrderedDict((fid, r[col]) for fid, col, _ in COUNTERS)
        check(re.fullmatch(r'[0-9]+\.[0-9]{2}', r['Time']) is not None, f"time {r['Time']!r}")
        vals['time'] = r['Time']
        sheets.append({'scenario': f"stage-{r['Stage']}", 'entrant': cid(I(r, 'Comp')),
                       'judge': f"RO{r['Stage']}", 'values': vals})
    event = OrderedDict([
        ('format', 'aplc-event/1'),
        ('event', {
            'id': 'uspsa-lprgc-2025-11',
            'name': 'LPRGC - Lower Providence USPSA Match November 2025 (club match, Level I)',
            'venue': 'LPRGC, Lower Providence, PA',
            'days': [{'day': 1, 'date': '2025-11-01'}],
        }),
        ('divisions', [{'id': did, 'name': name} for did, name, _ in DIVISIONS]),
        ('attributes', [{'id': 'major', 'label': 'Major power factor (1) or minor (0)', 'default': '0'}]),
        ('teams', [{'id': 'LPRGC', 'name': 'LPRGC', 'country': 'USA', 'members': members}]),
        ('judges', [{'id': f'RO{st}', 'name': f'Range officer, stage {st}'} for st in sorted(stages)]),
        ('scenarios', scenarios),
        ('rankings', [{'id': 'match', 'name': 'Match (sum of stage points, by division)', 'of': 'member',
                       'scenarios': [{'id': f'stage-{st}'} for st in sorted(stages)],
                       'by_division': True, 'better': 'higher'}]),
        ('sheets', sheets),
    ])
    expected = OrderedDict([
        ('_comment', 'stages: every published PractiScore row (decimal text as in the CSV); match_points/'
                     'match_places: the two published match results (places within the division). '
                     'match_points_all/match_places_all: sums of the published 4-dp stage points for every '
                     'competitor (derived, not published), places within the division.'),
        ('stages', OrderedDict(
            (f'stage-{st}', OrderedDict((cid(c), exp_stages[(st, c)]) for c in comps)) for st in sorted(stages))),
        ('match_points', OrderedDict((cid(int(c)), f4(stage_pts[int(c)])) for c in off_mp)),
        ('match_places', OrderedDict((cid(int(c)), o['place_overall']) for c, o in off_mp.items())),
        ('match_points_all', OrderedDict((cid(c), f4(stage_pts[c])) for c in comps)),
        ('match_places_all', OrderedDict((cid(c), div_place(c)) for c in comps)),
    ])
    info = dict(major=sorted(c for c in comps if major[c]), ambiguous_pf=ambiguous)
    return event, expected, info


# --------------------------------------------------------------------------------------------
def validate(event, name):
    """Validate against schemas/event.schema.json if jsonschema is importable (optional)."""
    schema_path = REPO_ROOT / 'schemas' / 'event.schema.json'
    try:
        import jsonschema  # not required: the generator itself is standard library only
    except ImportError:
        print(f'{name}: jsonschema not importable, schema validation skipped')
        return
    if not schema_path.exists():
        print(f'{name}: {schema_path} missing, schema validation skipped')
        return
    schema = json.loads(schema_path.read_text(encoding='utf-8'))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(event), key=lambda e: list(e.path))
    check(not errors, f'{name}: schema errors:\n' + '\n'.join(
        f"  {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:20]))
    print(f'{name}: valid against {schema_path.name}')


def main(argv):
    ds = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATASETS
    if not ds.is_dir():
        sys.exit(f'datasets directory not found: {ds}')
    try:
        dv_event, dv_expected = build_diving(ds)
        us_event, us_expected, info = build_uspsa(ds)
        validate(dv_event, 'diving_2000.event.json')
        validate(us_event, 'uspsa_lprgc_2025-11.event.json')
    except Mismatch as e:
        sys.exit(f'ERROR: recomputed figures do not match the published ones: {e}')
    print('diving: all official figures reproduced (3 totals, 2 dive scores, 81.30, order 1-12)')
    print(f"uspsa: all 240 rows x 6 columns and both match totals reproduced; major PF: {info['major']}; "
          f"PF ambiguous (treated as minor): {info['ambiguous_pf']}")
    write_json(HERE / 'diving_2000.event.json', dv_event)
    write_json(HERE / 'diving_2000.expected.json', dv_expected)
    write_json(HERE / 'uspsa_lprgc_2025-11.event.json', us_event)
    write_json(HERE / 'uspsa_lprgc_2025-11.expected.json', us_expected)


if __name__ == '__main__':
    main(sys.argv)
