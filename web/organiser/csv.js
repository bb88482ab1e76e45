// Teams and judges from CSV files (RFC 4180: commas, double quotes, CRLF or LF), as the
// organiser's spreadsheet exports them, turned into the event document's `teams` and `judges`
// (schemas/event.schema.json). Each problem names its row as the spreadsheet numbers it (the
// header is row 1). The server checks everything else when the document is previewed. (Pages
// load only what the server serves from web/, and no npm package is served; a reader this
// small is kept here rather than copying a CSV library into the web root.)

/**
 * The rows of a CSV text that are not blank: arrays of fields, each with `line`, the line of the
 * file it starts on (a spreadsheet's row number, as long as no field spans lines). Throws an
 * Error naming the line of an open quote.
 */
export function parse_csv(text) {
    const rows = [];
    let row = [];
    let field = "";
    let quoted = false;
    let line = 1;
    let row_line = 1;
    const end_row = () => {
        row.push(field);
        Object.defineProperty(row, "line", { value: row_line }); // not a field: left out of comparisons
        rows.push(row);
        row = [];
        field = "";
    };
    text = text.replace(/^\uFEFF/, ""); // the byte-order mark spreadsheets write
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
            else if (c === '"') quoted = false;
            else { if (c === "\n") line++; field += c; }
        } else if (c === '"' && field === "") quoted = true;
        else if (c === ",") { row.push(field); field = ""; }
        else if (c === "\n" || c === "\r") {
            if (c === "\r" && text[i + 1] === "\n") i++;
            end_row();
            row_line = ++line;
        } else field += c;
    }
    if (quoted) throw new Error(`row ${row_line}: a quoted field is not closed`);
    if (field !== "" || row.length) end_row();
    return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

// Reads the header and each row into objects keyed by column name; `problems` collects
// {row, message}.
function records(text, required, optional, problems) {
    let rows;
    try { rows = parse_csv(text); } catch (err) { problems.push({ row: null, message: err.message }); return []; }
    if (!rows.length) { problems.push({ row: null, message: "the file is empty" }); return []; }
    const header = rows[0].map((h) => h.trim().toLowerCase());
    const known = [...required, ...optional];
    for (const h of header)
        if (!known.includes(h)) problems.push({ row: 1, message: `unknown column "${h}" (the columns are ${known.join(", ")})` });
    for (const r of required)
        if (!header.includes(r)) problems.push({ row: 1, message: `the column "${r}" is missing` });
    if (problems.length) return [];
    const out = [];
    rows.slice(1).forEach((cells) => {
        if (cells.length > header.length) {
            problems.push({ row: cells.line, message: `${cells.length} fields, but the header has ${header.length} columns` });
            return;
        }
        const rec = { row: cells.line };
        header.forEach((h, k) => { rec[h] = (cells[k] ?? "").trim(); });
        for (const r of required)
            if (!rec[r]) problems.push({ row: rec.row, message: `"${r}" is empty` });
        out.push(rec);
    });
    const seen = new Map();
    for (const rec of out) {
        if (seen.has(rec.id)) problems.push({ row: rec.row, message: `the id "${rec.id}" is also on row ${seen.get(rec.id)}` });
        else seen.set(rec.id, rec.row);
    }
    return out;
}

/**
 * Teams from a CSV with the columns id, name, country and optionally division and members
 * ("SGP-1: Tan Wei Ming; SGP-2: Lim Jun Hao"). Without a members column a team keeps the
 * members it has in `current` (the event's teams). Returns {teams, rows, problems}: rows[i] is
 * the spreadsheet row of teams[i].
 */
export function read_teams(text, current = []) {
    const problems = [];
    const recs = records(text, ["id", "name", "country"], ["division", "members"], problems);
    const teams = [];
    for (const rec of recs) {
        const team = { id: rec.id, name: rec.name, country: rec.country.toUpperCase() };
        if (rec.division) team.division = rec.division;
        if (rec.members !== undefined) {
            const members = [];
            for (const part of rec.members.split(";").map((p) => p.trim()).filter(Boolean)) {
                const colon = part.indexOf(":");
                if (colon <= 0) { problems.push({ row: rec.row, message: `the member "${part}" is not written as "ID: Name"` }); continue; }
                members.push({ id: part.slice(0, colon).trim(), name: part.slice(colon + 1).trim() });
            }
            if (members.length) team.members = members;
        } else {
            const before = current.find((t) => t.id === rec.id);
            if (before?.members) team.members = before.members;
        }
        teams.push(team);
    }
    return { teams, rows: recs.map((r) => r.row), problems };
}

/** Judges from a CSV with the columns id, name and optionally country. Returns {judges, rows, problems}. */
export function read_judges(text) {
    const problems = [];
    const recs = records(text, ["id", "name"], ["country"], problems);
    const judges = recs.map((rec) => {
        const judge = { id: rec.id, name: rec.name };
        if (rec.country) judge.country = rec.country.toUpperCase();
        return judge;
    });
    return { judges, rows: recs.map((r) => r.row), problems };
}
