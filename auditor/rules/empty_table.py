"""空表说明与数据一致 — a table whose note says it holds nothing holds no figure but zeros, and the
note is about that table: a note naming another table's subject ("本单位无国有资本经营预算支出" under
the 政府性基金预算支出表, data/rules.yaml `empty_table.note_names`) is a warn."""
from __future__ import annotations

from decimal import Decimal

from auditor.evidence import VALUE, says, table_of
from auditor.model import Table
from auditor.rules.base import TABLE, Context, Row, Rule, cell_ref, vocab

RULE_ID = "absence_matches_tables"


def _named(note: str | None) -> list[tuple[str, set[str]]]:
    """The subjects a note names, with the table types each is about."""
    if not note:
        return []
    from auditor.numbers import normalize

    text = normalize(note).replace("“", "").replace("”", "").replace('"', "")
    return [(word, set(types)) for word, types in vocab("empty_table")["note_names"].items() if word in text]


def check(ctx: Context, t: Table) -> list[Row]:
    data = [(r, j) for r, row in enumerate(t.rows) for j, c in enumerate(row) if isinstance(c, Decimal) and c != 0]
    named = _named(t.note)
    if named and not any(t.type in types for _, types in named) and t.type != "other":
        r = ctx.table_row(t, "note", RULE_ID, None, None, says(
            "empty_table.other_table", note=t.note, named="、".join(f"“{w}”" for w, _ in named)))
        r.holds, r.level = False, "warn"
        return [r]
    if not data:
        return []
    first = cell_ref(t, *data[0])
    ev = says("empty_table.data", table=table_of(t), note=t.note or says("empty_table.no_note"), n=len(data),
              first=first[VALUE], cells=[first])
    r = ctx.table_row(t, "empty", RULE_ID, None, None, ev)
    r.holds = False
    return [r]


RULE = Rule(
    id="empty_table", reports=RULE_ID, scope=TABLE, applies_to=("*",),
    name="空表说明与数据一致", name_en="An empty-table note holds",
    summary="表注称本表无数据时，表中不应有非零数字。",
    summary_en="A table whose note says it is empty holds no non-zero figure.",
    levels=("fail",), examples="corpus/rules/empty_table.yaml", check=check, empty_tables=True)
