"""Every rule of the audit, in one list: read this file and you know what the audit checks.

A rule is one module here (what it applies to, how it finds its evidence and computes the
expected interval, its names and one-line summary in Chinese and English, how a miss is judged,
its example file under corpus/rules/), listed in RULES in the order the rules of a document run:
each claim through the CLAIM rules of its kind, then the CLAIMS rules over the document's claims,
each table through the TABLE rules, then the TABLES rules, and, across documents, the CORPUS
rules. Each rule's rows are judged by one of the EXPECTATIONS: the rule's face to Great
Expectations (the classes in expectations/, the suites in expectations/suites/, both made from
this list) and the `rule` each finding carries. A new rule is one module, one example file and
its words in data/ (evidence_words.yaml, rules.yaml, patterns.yaml).

    document_rows(doc, claims) -> (check rows, the figures the year-on-year rule needs)
"""
from __future__ import annotations

from auditor.rules import (absence, amount, change, change_members, code_footing, column_sums, column_tree,
                           completion, composition, count, cross_table, empty_table, flat, growth, impossible_change,
                           members, ordinal_sums, printed_form, prior_column, prior_level, reason, reason_sum, row_sums, share,
                           stated_sum, tables_complete, trailing_sum, two_values, units, year_on_year)
from auditor.rules.base import CLAIM, CLAIMS, CORPUS, HOLDS, INTERVAL, TABLE, TABLES, Context, Expectation, Row, Rule

NARRATIVE, PROSE, ARITHMETIC, CROSS = "narrative_vs_tables", "prose_contradictions", "table_arithmetic", "cross_table"

EXPECTATIONS: tuple[Expectation, ...] = (
    Expectation("amount_matches_table", "expect_amount_to_match_table_cell", NARRATIVE, INTERVAL,
                "金额与表格一致", "Amount matches its table cell",
                "文中金额与表中对应单元格一致（按印刷精度）", "An amount stated in the narrative equals its table cell, at printed precision"),
    Expectation("share_matches_ratio", "expect_share_to_match_ratio", NARRATIVE, INTERVAL,
                "占比与计算一致", "Share matches part ÷ whole",
                "文中占比等于部分除以整体", "A stated share equals part ÷ whole"),
    Expectation("growth_matches_change", "expect_growth_to_match_change", NARRATIVE, INTERVAL,
                "增减与计算一致", "Growth and change match the figures",
                "增长率等于增减额除以上年数；增减额等于本年数减上年数",
                "A growth rate equals change ÷ last year's figure; a change equals this year's minus last year's"),
    Expectation("count_matches_rows", "expect_count_to_match_table_rows", NARRATIVE, INTERVAL,
                "个数与表格一致", "Count matches the table rows",
                "文中个数与表中行数一致", "A stated count equals the number of table rows"),
    Expectation("absence_matches_tables", "expect_absence_to_match_tables", NARRATIVE, HOLDS,
                "“无”与表格一致", "Absence matches the tables",
                "“无…”或空表说明与表中数据相符", "A statement of absence or an empty-table note agrees with the tables"),
    Expectation("prose_consistent", "expect_prose_to_be_consistent", PROSE, HOLDS,
                "表述自身一致", "The prose is consistent",
                "文字表述自身不矛盾", "The narrative does not contradict itself"),
    Expectation("reason_given", "expect_change_to_carry_reason", PROSE, HOLDS,
                "说明增减原因", "A change gives its reason",
                "增减变动说明了原因，且原因不是模板残留", "A stated change carries a real reason", side=True),
    Expectation("printed_form", "expect_printed_form_to_be_clean", PROSE, HOLDS,
                "表述格式规范", "The printed form is clean",
                "数字的印刷形式规范：增长率带%，没有其他年度模板留下的年份与字样",
                "A rate carries its %, and no year or word is left over from another year's template", side=True),
    Expectation("parts_sum_to_whole", "expect_parts_to_sum_to_whole", ARITHMETIC, INTERVAL,
                "分项之和等于合计", "Parts sum to their whole",
                "各分项之和等于合计", "Parts sum to their whole"),
    Expectation("figure_agrees_across_tables", "expect_figure_to_agree_across_tables", CROSS, INTERVAL,
                "表间数字一致", "A figure agrees across tables",
                "同一数字在各表之间一致", "The same figure agrees across tables"),
    Expectation("units_agree", "expect_units_to_agree", CROSS, INTERVAL,
                "元与万元一致", "Units agree",
                "元表与万元表的同一金额一致", "The same amount agrees between a 元 table and a 万元 table"),
    Expectation("tables_complete", "expect_tables_to_be_complete", CROSS, HOLDS,
                "公开表格齐全", "The standard tables are published",
                "文件类型与省份公开模板的标准表格全部公开（空表也公开）",
                "Every standard table of the document's kind and province's template is published"),
)

RULES: tuple[Rule, ...] = (
    # each claim, by its kind
    amount.RULE,              # 金额与表格一致        amount       -> amount_matches_table
    share.RULE,               # 占比与部分÷整体一致    share        -> share_matches_ratio
    completion.RULE,          # 完成率与决算数÷预算数一致 completion -> share_matches_ratio
    growth.RULE,              # 增长率与增减额一致     growth       -> growth_matches_change
    change.RULE,              # 增减额与计算一致       change       -> growth_matches_change
    flat.RULE,                # 持平与计算一致         flat         -> growth_matches_change
    prior_column.RULE,        # 与表中上年数一致       change, growth, flat -> growth_matches_change
    prior_level.RULE,         # 上年数与增减一致       amount of an earlier period -> growth_matches_change
    impossible_change.RULE,   # 增减表述不可能成立     growth, change -> prose_consistent
    count.RULE,               # 项目个数与表格一致     count        -> count_matches_rows
    absence.RULE,             # “无”与表格一致        absence      -> absence_matches_tables
    composition.RULE,         # 其中各项之和等于总数   composition  -> parts_sum_to_whole
    trailing_sum.RULE,        # 合计与前列各项之和一致 a bare 合计X万元 after its parts -> parts_sum_to_whole
    # a document's claims together
    reason.RULE,              # 增减变动说明原因       change, growth -> reason_given (a side check)
    printed_form.RULE,        # 表述格式规范           growth, change, amount -> printed_form (a side check)
    two_values.RULE,          # 同一事项前后数字一致   amount       -> prose_consistent
    stated_sum.RULE,          # 分项之和等于所述总数   amount (ontology sum_of) -> parts_sum_to_whole
    members.RULE,             # 其中各项与总数互证     amount, count in a list that adds up -> parts_sum_to_whole
    change_members.RULE,      # 各项增减之和等于总增减 change of a list's total and parts -> parts_sum_to_whole
    reason_sum.RULE,          # 增减原因各项与增减额一致 change, amount in its reason -> growth_matches_change
    # each table
    empty_table.RULE,         # 空表说明与数据一致     empty tables -> absence_matches_tables
    code_footing.RULE,        # 科目级次合计           coded tables -> parts_sum_to_whole
    column_sums.RULE,         # 列间合计               table_checks.yaml -> parts_sum_to_whole
    column_tree.RULE,         # 表头层级合计           X/合计 columns -> parts_sum_to_whole
    row_sums.RULE,            # 行间合计               table_checks.yaml -> parts_sum_to_whole
    ordinal_sums.RULE,        # 收支总表分项合计       收支总表     -> parts_sum_to_whole
    # a document's tables together
    cross_table.RULE,         # 表间数字一致           -> figure_agrees_across_tables
    units.RULE,               # 元与万元一致           -> units_agree
    tables_complete.RULE,     # 公开表格齐全           the template's tables (data/tables.yaml) -> tables_complete
    # across documents
    year_on_year.RULE,        # 与上年文件一致         change, growth -> growth_matches_change
)

BY_ID = {r.id: r for r in RULES}
SIDE = frozenset(e.rule for e in EXPECTATIONS if e.side)  # the expectations that never decide a claim's verdict
EXPECTATION_OF = {e.rule: e for e in EXPECTATIONS}
_IN_SCOPE = {s: tuple(r for r in RULES if r.scope == s) for s in (CLAIM, CLAIMS, TABLE, TABLES, CORPUS)}
_FOR_KIND = {k: tuple(r for r in _IN_SCOPE[CLAIM] if k in r.applies_to)
             for k in {k for r in _IN_SCOPE[CLAIM] for k in r.applies_to}}


def rules_for(scope: str) -> tuple[Rule, ...]:
    return _IN_SCOPE[scope]


def document_rows(doc, claims: list) -> tuple[list[Row], Context]:
    """A document's own check rows: every rule of the registry over its claims and tables, in order."""
    ctx = Context(doc, claims)
    rows: list[Row] = []
    for c in claims:
        for rule in _FOR_KIND.get(c.kind, ()):
            rows.extend(_by(rule, rule.check(ctx, c)))
    for rule in rules_for(CLAIMS):
        rows.extend(_by(rule, rule.check(ctx)))
    table_rules = rules_for(TABLE)
    for t in doc.tables:
        for rule in table_rules:
            if rule.applies(t):
                rows.extend(_by(rule, rule.check(ctx, t)))
    for rule in rules_for(TABLES):
        rows.extend(_by(rule, rule.check(ctx)))
    return rows, ctx


def corpus_rows(claims: list, prior_of: dict, values: dict) -> list[Row]:
    """The rows of the CORPUS rules: checks of a document against the others in the run."""
    return [row for rule in rules_for(CORPUS) for row in _by(rule, rule.check(claims, prior_of, values))]


def _by(rule: Rule, rows: list[Row]) -> list[Row]:
    for row in rows:
        row.by = rule.id
    return rows


def suites() -> list[dict]:
    """The GX suites, as the JSON data expectations/suites/*.json holds: one entry per expectation
    judged yes/no (its rows carry the level a miss means), two per interval expectation (a miss
    within one unit of the last printed digit is a warning, beyond it critical)."""
    out: dict[str, list] = {}
    for e in EXPECTATIONS:
        cond = {"type": "comparison", "column": {"name": "rule"}, "operator": "==", "parameter": e.rule}
        if e.judged == INTERVAL:
            entries = [{"type": e.type, "kwargs": {"row_condition": cond, "tolerance_units": tol},
                        "severity": sev, "meta": {"level": level}}
                       for tol, sev, level in ((0, "warning", "warn"), (1, "critical", "fail"))]
        else:
            entries = [{"type": e.type, "kwargs": {"row_condition": cond}, "severity": "critical",
                        "meta": {"level": "row"}}]
        out.setdefault(e.suite, []).extend(entries)
    return [{"name": name, "expectations": entries} for name, entries in out.items()]
