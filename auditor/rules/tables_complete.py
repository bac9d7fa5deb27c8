"""公开表格齐全 — the standard tables of the document's kind and province (data/tables.yaml
`templates`) are all published: each one missing is a warn naming it. A table published empty is
there. A document with no table at all makes no row (it says so itself: "未找到公开表格").

A table counts as published when a table of one of its types was read, or when its title is
printed alone on a page that holds a table (a table the reader took for the continuation of the one
above it: the title is there, the table under it)."""
from __future__ import annotations

from functools import lru_cache

from auditor.evidence import says
from auditor.rules.base import TABLES, Context, Row, Rule

RULE_ID = "tables_complete"
_TITLE_LONGEST = 60  # a longer block is a paragraph, not a table's title


@lru_cache(maxsize=1)
def templates() -> dict:
    """data/tables.yaml `templates`: kind -> province (or `default`) -> the standard tables."""
    from auditor.tables import load_types

    return load_types()["templates"]


def template_of(doc) -> tuple[str, list[dict]]:
    """(the template's province, or 财政部 for the default, its tables) for a document."""
    from auditor.explore import province_of

    by_kind = templates().get(doc.kind) or {}
    opening = " ".join(b.text for b in doc.blocks[:5])
    province = province_of(doc.department, opening, doc.files)
    if province in by_kind:
        return province, by_kind[province]
    return "财政部", by_kind.get("default", [])


def _titled_on_table_pages(doc) -> set[str]:
    """The table types whose title stands alone as a narrative line on a page that holds a table."""
    from auditor.tables import classify_title

    pages = {(t.file, p) for t in doc.tables for p in t.pages}
    return {ty for b in doc.blocks
            if b.page is not None and (b.file, b.page) in pages and "表" in b.text and len(b.text) <= _TITLE_LONGEST
            and (ty := classify_title(b.text))}


def check(ctx: Context) -> list[Row]:
    doc = ctx.doc
    if doc.no_tables:
        return []
    province, wanted = template_of(doc)
    present = {t.type for t in doc.tables}
    titled = None
    rows = []
    for entry in wanted:
        types = set(entry["types"])
        if entry.get("optional") or types & present:
            continue
        if titled is None:
            titled = _titled_on_table_pages(doc)
        if types & titled:
            continue
        ev = says(f"tables_complete.missing_{doc.kind}", table=f"《{entry['name']}》", template=province)
        rows.append(Row(check_id=f"{doc.doc}:D:{RULE_ID}:{entry['name']}", doc=doc.doc, scope="table",
                        rule=RULE_ID, evidence=ev, holds=False, level="warn", sentence=f"《{entry['name']}》",
                        text=entry["name"]))
    return rows


RULE = Rule(
    id="tables_complete", reports=RULE_ID, scope=TABLES, applies_to=("*",),
    name="公开表格齐全", name_en="The standard tables are published",
    summary="按文件类型（预算/决算）与所在省份的公开模板，标准公开表格应全部公开（空表也应公开）。",
    summary_en="Every standard table of the document's kind and province's template is published (an empty one too).",
    levels=("warn",), examples="corpus/rules/tables_complete.yaml", check=check)
