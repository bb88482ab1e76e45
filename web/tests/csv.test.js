// The organiser console's CSV reader (web/organiser/csv.js): quoting as spreadsheets write it,
// and each problem named by its spreadsheet row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse_csv, read_judges, read_teams } from "../organiser/csv.js";

test("parse_csv reads quotes, doubled quotes, commas and line breaks inside quotes, CRLF and a BOM", () => {
    const text = '\uFEFFid,name\r\nSGP,"Singapore, ""ERT"""\r\nHKG,"two\nlines"\n\n';
    assert.deepEqual(parse_csv(text), [["id", "name"], ["SGP", 'Singapore, "ERT"'], ["HKG", "two\nlines"]]);
    assert.deepEqual(parse_csv("a,b"), [["a", "b"]], "no line break at the end");
    assert.throws(() => parse_csv('id,name\nSGP,"open'), /row 2: a quoted field is not closed/);
    const rows = parse_csv('id,name\n\nSGP,"two\nlines"\nHKG,x\n');
    assert.deepEqual(rows.map((r) => r.line), [1, 3, 5], "each row keeps the line it starts on");
});

test("read_teams keeps members it is not given and reads the ones it is", () => {
    const current = [{ id: "SGP", name: "old", country: "SGP", members: [{ id: "SGP-1", name: "Tan" }] }];
    const kept = read_teams("id,name,country\nSGP,Singapore ERT,sgp\n", current);
    assert.deepEqual(kept.problems, []);
    assert.deepEqual(kept.teams, [{ id: "SGP", name: "Singapore ERT", country: "SGP", members: [{ id: "SGP-1", name: "Tan" }] }]);
    const given = read_teams("id,name,country,division,members\nHKG,Hong Kong,HKG,open,HKG-1: Chan; HKG-2: Lee\n", current);
    assert.deepEqual(given.teams, [{ id: "HKG", name: "Hong Kong", country: "HKG", division: "open",
        members: [{ id: "HKG-1", name: "Chan" }, { id: "HKG-2", name: "Lee" }] }]);
    assert.deepEqual(given.rows, [2]);
});

test("read_teams and read_judges name the row of each problem", () => {
    const r = read_teams("id,name,country\nSGP,A,SGP\nHKG,,HKG\nSGP,C,SGP\nKOR,D,KOR,extra\n");
    assert.deepEqual([...r.problems].sort((a, b) => a.row - b.row), [
        { row: 3, message: '"name" is empty' },
        { row: 4, message: 'the id "SGP" is also on row 2' },
        { row: 5, message: "4 fields, but the header has 3 columns" },
    ]);
    // A blank line and a field over two lines: the rows are still the file's own.
    const spread = read_teams('id,name,country\n\nSGP,"Singapore\nERT",SGP\nSGP,B,SGP\n');
    assert.deepEqual(spread.rows, [3, 5]);
    assert.deepEqual(spread.problems, [{ row: 5, message: 'the id "SGP" is also on row 3' }]);
    assert.deepEqual(read_teams("id,name\nSGP,A\n").problems, [{ row: 1, message: 'the column "country" is missing' }]);
    assert.deepEqual(read_judges("id,name,colour\nJ01,A,red\n").problems,
        [{ row: 1, message: 'unknown column "colour" (the columns are id, name, country)' }]);
    assert.deepEqual(read_teams("id,name,country,members\nSGP,A,SGP,Tan Wei Ming\n").problems,
        [{ row: 2, message: 'the member "Tan Wei Ming" is not written as "ID: Name"' }]);
    assert.deepEqual(read_judges("").problems, [{ row: null, message: "the file is empty" }]);
});
