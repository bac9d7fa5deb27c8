"""The exploration API the notebooks call: findings -> pandas DataFrames, chart helpers, CJK fonts.

Notebooks (notebooks/*.ipynb) hold one parameter cell and calls into this module only.

- load_findings(corpus, findings_json) -> findings contract (runs auditor.api.audit or reads JSON)
- documents_frame / claims_frame / table_checks_frame(findings) -> DataFrames
- province_of(department, text, files) -> province ("template" = province + document kind)
- parse_expected("284.4（283.4~285.4）") -> (284.4, 283.4, 285.4); rounding_band(284.4) -> (284.35, 284.45)
- status_table, largest_deviations, table_health -> summary DataFrames
- plot_status_by, plot_stated_vs_expected, plot_table_health -> matplotlib Axes
- evidence_refs, drill_down -> one claim's sentence beside the table rows its evidence names
- use_cjk_font() -> the font family matplotlib now uses for Chinese labels
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

STATUSES = ["fail", "warn", "unverified", "pass"]
STATUS_COLORS = {"fail": "#d62728", "warn": "#ff7f0e", "unverified": "#9e9e9e", "pass": "#2ca02c"}
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN"]
_DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------- fonts

def use_cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str | None:
    """Make matplotlib draw Chinese: put the first installed CJK family first in font.sans-serif.

    Returns the family chosen, or None when no CJK font is installed (scripts/setup.sh installs
    Debian's fonts-noto-cjk)."""
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = next((c for c in candidates if c in installed), None)
    if family is None:  # a new font installed since matplotlib built its cache
        for path in font_manager.findSystemFonts():
            if re.search(r"(?i)cjk|wqy|droidsansfallback|simhei|yahei|pingfang|uming", path):
                try:
                    font_manager.fontManager.addfont(path)
                except Exception:  # noqa: BLE001 — an unreadable font file is skipped
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family = next((c for c in candidates if c in installed), None)
    if family:
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["font.sans-serif"] = [family] + [
            f for f in matplotlib.rcParams["font.sans-serif"] if f != family]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


# ---------------------------------------------------------------- loading

def resolve(path: str | Path | None, base: str | Path | None = None) -> Path | None:
    """A parameter path, relative paths taken from `base` (the notebook's folder)."""
    if path is None or str(path) == "":
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() or base is None else (Path(base) / p).resolve()


def load_findings(corpus: str | Path | Sequence[str | Path] | None = None,
                  findings_json: str | Path | None = None, **audit_kwargs) -> dict:
    """The findings contract: read `findings_json` when given, else audit `corpus` (file(s)/folder)."""
    if findings_json:
        return json.loads(Path(findings_json).read_text(encoding="utf-8"))
    if corpus is None:
        raise ValueError("give a corpus folder or a findings JSON")
    from auditor import api

    paths = [corpus] if isinstance(corpus, (str, Path)) else list(corpus)
    findings, errors = api.audit(paths, **audit_kwargs)
    findings.setdefault("errors", [str(e) for e in errors])
    return findings


def read_documents(corpus: str | Path | Sequence[str | Path]) -> dict:
    """{doc id: Document} for the drill-down and table types (auditor.api.read_documents)."""
    from auditor import api

    paths = [corpus] if isinstance(corpus, (str, Path)) else list(corpus)
    docs, _ = api.read_documents(paths)
    return {d.doc: d for d in docs}


# ---------------------------------------------------------------- province / template

@lru_cache(maxsize=1)
def _regions() -> dict:
    from auditor.data import read as read_data

    return read_data("regions.yaml")


def province_in_text(text: str | None) -> str | None:
    """The province whose name (or a listed city/county) occurs first in `text`."""
    if not text:
        return None
    best: tuple[int, int, str] | None = None
    for province, places in _regions()["provinces"].items():
        for place in places:
            i = text.find(place)
            if i >= 0 and (best is None or (i, -len(place)) < best[:2]):
                best = (i, -len(place), province)
    return best[2] if best else None


def province_of(department: str | None = None, text: str | None = None,
                files: Iterable[str] = ()) -> str:
    """Province of a document: from its department name, else its opening text, else the
    file-name prefix (data/regions.yaml `file_prefixes`, e.g. js-… -> 江苏); "未知" if none."""
    for source in (department, text):
        p = province_in_text(source)
        if p:
            return p
    prefixes = _regions().get("file_prefixes") or {}
    for f in files:
        head = re.split(r"[-_ .]", Path(f).name.lower(), maxsplit=1)[0]
        if head in prefixes:
            return prefixes[head]
    return "未知"


# ---------------------------------------------------------------- frames

def document_label(d: dict) -> str:
    """A document as a chart names it: its department and year ('南阳市行政审批和政务信息管理局 2024'),
    its id when neither is known."""
    name = " ".join(str(x) for x in (d.get("department"), d.get("year")) if x)
    return name or d["doc"]


def _short(r) -> str:
    """A claim's document in a crowded axis: the department's first characters and the year."""
    dept, year = r.get("department"), r.get("year")
    if not isinstance(dept, str) or not dept:
        return str(r["doc"])[:12]
    return f"{dept[:8]}…{int(year) if year == year and year is not None else ''}" if len(dept) > 8 else f"{dept}{year or ''}"


def documents_frame(findings: dict, docs: dict | None = None) -> pd.DataFrame:
    """One row per document with `document` (its department and year, the label of the charts),
    `province`, `template` (= province·kind, e.g. 河南·budget) and `template_year` ("河南·budget 2024").

    With `docs` ({doc: Document}) the first narrative lines help find the province."""
    rows = []
    for d in findings.get("documents", []):
        opening = None
        if docs and d["doc"] in docs:
            opening = "\n".join(b.text for b in docs[d["doc"]].blocks[:15])
        province = province_of(d.get("department"), opening, d.get("files") or [])
        template = f"{province}·{d.get('kind') or '?'}"
        rows.append({**d, "files": ", ".join(d.get("files") or []), "province": province,
                     "template": template, "template_year": f"{template} {d.get('year') or '?'}",
                     "document": document_label(d)})
    labels = [r["document"] for r in rows]
    for r in rows:  # two documents of one department and year: each keeps its id beside the name
        if labels.count(r["document"]) > 1:
            r["document"] = f"{r['document']} ({r['doc']})"
    cols = ["doc", "document", "department", "year", "kind", "province", "template", "template_year", "tables",
            "claims", "status", "error", "files"]
    df = pd.DataFrame(rows)
    return df.reindex(columns=cols + [c for c in df.columns if c not in cols])


_RANGE = re.compile(r"^\s*(-?[\d,\.]+)\s*[（(]\s*(-?[\d,\.]+)\s*[~～\-–]\s*(-?[\d,\.]+)\s*[)）]\s*$")


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return None if x != x else float(x)  # NaN (a pandas blank) is no number
    try:
        v = float(Decimal(str(x).replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        return None
    return None if v != v else v


def parse_expected(value: Any) -> tuple[float | None, float | None, float | None]:
    """(value, lo, hi) of a claim's `expected`: a number -> (v, v, v); "284.4（283.4~285.4）"
    -> (284.4, 283.4, 285.4); anything else -> (None, None, None)."""
    v = _num(value)
    if v is not None:
        return v, v, v
    if isinstance(value, str):
        m = _RANGE.match(value)
        if m:
            return _num(m.group(1)), _num(m.group(2)), _num(m.group(3))
    return None, None, None


def rounding_band(stated: Any) -> tuple[float | None, float | None]:
    """± half a unit of the stated figure's last printed digit: 284.4 -> (284.35, 284.45)."""
    v = _num(stated)
    if v is None:
        return None, None
    d = Decimal(repr(stated)) if isinstance(stated, float) else Decimal(str(stated).replace(",", "").strip())
    half = Decimal(1).scaleb(min(d.as_tuple().exponent, 0)) / 2
    return float(d - half), float(d + half)


def claims_frame(findings: dict, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Claims as a DataFrame, plus expected_value/lo/hi, band_lo/hi, deviation (stated − expected),
    rel_deviation (|deviation| / |expected|), within_band, and the document's province/template/year."""
    df = pd.DataFrame(findings.get("claims", []))
    if df.empty:
        df = pd.DataFrame(columns=["id", "doc", "page", "section", "sentence", "text", "kind", "subject",
                                   "stated", "unit", "status", "expected", "evidence", "rule", "checks"])
    exp = [parse_expected(v) for v in df["expected"]]
    df["expected_value"] = [e[0] for e in exp]
    df["expected_lo"] = [e[1] for e in exp]
    df["expected_hi"] = [e[2] for e in exp]
    df["stated_value"] = [_num(v) for v in df["stated"]]
    band = [rounding_band(v) for v in df["stated"]]
    df["band_lo"] = [b[0] for b in band]
    df["band_hi"] = [b[1] for b in band]
    df["deviation"] = df["stated_value"] - df["expected_value"]
    denom = df["expected_value"].abs().where(df["expected_value"].abs() > 0)
    df["rel_deviation"] = df["deviation"].abs() / denom
    df["within_band"] = ((df["expected_hi"] >= df["band_lo"]) & (df["expected_lo"] <= df["band_hi"]))
    df["rule"] = df["rule"].fillna("").replace("", "(none)")
    docs = documents if documents is not None else documents_frame(findings)
    meta = docs[["doc", "document", "department", "year", "province", "template", "template_year"]] \
        if len(docs) else None
    if meta is not None:
        df = df.merge(meta, on="doc", how="left")
    return df


def table_type_of(title: str | None) -> str:
    """The table type id (data/tables.yaml) of a table title."""
    from auditor.tables import classify

    return classify(title or "") if title else "other"


def table_checks_frame(findings: dict, docs: dict | None = None,
                       documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Table checks as a DataFrame with `table_type` (from the Document's table when `docs` are
    given — matched by the T<index> in the check id, else by title — else classified from the
    title) and the document's province/template/year."""
    df = pd.DataFrame(findings.get("table_checks", []))
    if df.empty:
        df = pd.DataFrame(columns=["id", "doc", "table", "page", "rule", "status", "stated", "expected",
                                   "evidence"])
    types = []
    for _, r in df.iterrows():
        t = None
        if docs and r["doc"] in docs:
            tables = docs[r["doc"]].tables
            m = re.search(r":T(\d+):", str(r["id"]))
            if m:
                t = next((x for x in tables if x.index == int(m.group(1))), None)
            if t is None or (r.get("table") and t.title != r["table"]):
                t = next((x for x in tables if x.title == r.get("table")), t)
        types.append(t.type if t is not None else table_type_of(r.get("table")))
    df["table_type"] = types
    df["deviation"] = [(_num(s) - _num(e)) if _num(s) is not None and _num(e) is not None else None
                       for s, e in zip(df["stated"], df["expected"])]
    docs_df = documents if documents is not None else documents_frame(findings, docs)
    if len(docs_df):
        df = df.merge(docs_df[["doc", "document", "department", "year", "kind", "province", "template",
                               "template_year"]],
                      on="doc", how="left")
    return df


# ---------------------------------------------------------------- summaries

def status_table(df: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Counts of each status per `by` value(s), statuses as columns (fail, warn, unverified, pass),
    sorted by fails then warns, with a `total` column."""
    t = pd.crosstab([df[b] for b in ([by] if isinstance(by, str) else by)], df["status"])
    t = t.reindex(columns=[s for s in STATUSES if s in t.columns] +
                  [c for c in t.columns if c not in STATUSES], fill_value=0)
    t["total"] = t.sum(axis=1)
    keys = [c for c in ("fail", "warn") if c in t.columns]
    return t.sort_values(keys + ["total"], ascending=False) if keys else t


def anomalies(claims: pd.DataFrame, statuses: Sequence[str] = ("fail", "warn")) -> pd.DataFrame:
    """The failing / warned claims, the columns an analyst reads first."""
    cols = ["doc", "province", "year", "status", "rule", "kind", "text", "stated", "expected",
            "deviation", "evidence", "sentence", "id"]
    sel = claims[claims["status"].isin(statuses)]
    return sel[[c for c in cols if c in sel.columns]].reset_index(drop=True)


def largest_deviations(claims: pd.DataFrame, n: int = 10, by: str = "abs",
                       statuses: Sequence[str] | None = ("fail", "warn")) -> pd.DataFrame:
    """The `n` claims whose stated value is farthest from the computed one (`by`="abs" in the
    claim's unit, or "rel" relative to the expected value)."""
    df = claims if statuses is None else claims[claims["status"].isin(statuses)]
    df = df[df["deviation"].notna()].copy()
    df["abs_deviation"] = df["deviation"].abs()
    key = "abs_deviation" if by == "abs" else "rel_deviation"
    cols = ["doc", "status", "rule", "kind", "text", "stated", "expected", "deviation", "rel_deviation",
            "unit", "evidence", "id"]
    return df.sort_values(key, ascending=False).head(n)[[c for c in cols if c in df.columns]] \
        .reset_index(drop=True)


def table_health(checks: pd.DataFrame, by: Sequence[str] = ("table_type",)) -> pd.DataFrame:
    """Per `by` group (e.g. table_type, or template + year + table_type): number of checks, fails,
    fail rate, and fails of each rule (foots = parts_sum_to_whole, across = figure_agrees_across_tables)."""
    by = list(by)
    if checks.empty:
        return pd.DataFrame(columns=by + ["checks", "fail", "fail_rate"])
    g = checks.assign(is_fail=checks["status"].eq("fail"))
    out = g.groupby(by, dropna=False).agg(checks=("status", "size"), fail=("is_fail", "sum"),
                                          tables=("table", "nunique"))
    per_rule = pd.crosstab([g[b] for b in by], g["rule"], values=g["is_fail"], aggfunc="sum") \
        .fillna(0).astype(int).add_prefix("fail:")
    out = out.join(per_rule)
    out["fail_rate"] = (out["fail"] / out["checks"]).round(4)
    return out.sort_values(["fail", "checks"], ascending=False).reset_index()


# ---------------------------------------------------------------- charts

def plot_status_by(df: pd.DataFrame, by: str, ax=None, title: str | None = None, top: int = 25):
    """Horizontal stacked bars: status counts per `by` value (rule, kind, doc, table_type …)."""
    import matplotlib.pyplot as plt

    t = status_table(df, by).drop(columns="total").head(top).iloc[::-1]
    t.index = [_wrap(str(k)) for k in t.index]  # long names on two lines: no two labels overlap
    if ax is None:
        _, ax = plt.subplots(figsize=(8, _rows_height(t.index) + 1.2))
    t.plot.barh(stacked=True, ax=ax, color=[STATUS_COLORS.get(c, "#1f77b4") for c in t.columns],
                width=0.75)
    ax.set_xlabel("数量")
    ax.set_ylabel("文件 document" if by == "document" else by)
    ax.set_title(title or f"状态分布：按 {by}")
    ax.legend(title="status", loc="lower right", fontsize=8)
    return ax


def plot_problems_by(df: pd.DataFrame, by: str, top: int = 20, width: int = 16):
    """Fails and warns per `by` value in two panels side by side, each on its own scale, so a handful
    of fails is not lost beside many warns (or thousands of passes). Long labels are wrapped at
    `width` characters and the figure grows with their lines, so no two overlap. Returns the figure."""
    import matplotlib.pyplot as plt

    from auditor.report import words

    t = status_table(df, by)
    t = t.reindex(columns=["fail", "warn"], fill_value=0)
    t = t[(t["fail"] > 0) | (t["warn"] > 0)].head(top).iloc[::-1]
    if by == "rule":  # rules by their Chinese names
        labels = [_wrap(words.rule_name(str(k)), width) for k in t.index]
    else:
        labels = [_wrap(str(k), width) for k in t.index]
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(12, _rows_height(labels) + 1.4))
    for ax, status in zip(axes, ("fail", "warn")):
        ax.barh(range(len(t)), t[status], color=STATUS_COLORS[status], height=0.7)
        ax.set_title(f"{words.status(status)} {status}：按 {by}")
        ax.set_xlabel("数量")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_yticks(range(len(t)), labels)
    fig.tight_layout()
    return fig


def _wrap(label: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _rows_height(labels) -> float:
    """Inches for bars whose labels take these many lines (0.2 in a line, 0.35 at least a bar)."""
    return max(sum(max(0.35, 0.2 * (str(x).count("\n") + 1)) for x in labels), 1.0)


def plot_stated_vs_expected(claims: pd.DataFrame, ax=None, annotate: int = 8, log: bool = True):
    """Stated (x) against computed (y) per claim, coloured by status, the diagonal, the rounding
    band of each stated figure (horizontal bar) and the expected range when the evidence leaves one
    (vertical bar). The `annotate` largest deviations are labelled with the claim text."""
    import matplotlib.pyplot as plt

    df = claims[claims["stated_value"].notna() & claims["expected_value"].notna()]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 7))
    if df.empty:
        ax.set_title("没有可比较的数值")
        return ax
    for status in reversed(STATUSES):
        s = df[df["status"] == status]
        if s.empty:
            continue
        ax.errorbar(s["stated_value"], s["expected_value"],
                    xerr=[s["stated_value"] - s["band_lo"], s["band_hi"] - s["stated_value"]],
                    yerr=[s["expected_value"] - s["expected_lo"], s["expected_hi"] - s["expected_value"]],
                    fmt="o", ms=4 if status == "pass" else 6, alpha=0.75, capsize=2, lw=1,
                    color=STATUS_COLORS[status], label=f"{status} ({len(s)})")
    lo = max(min(df["stated_value"].min(), df["expected_value"].min()), 0.1 if log else -1e18)
    hi = max(df["stated_value"].max(), df["expected_value"].max())
    ax.plot([lo, hi], [lo, hi], color="black", lw=0.8, ls="--", label="stated = computed")
    if log:
        ax.set_xscale("symlog", linthresh=1)
        ax.set_yscale("symlog", linthresh=1)
    top = df.assign(a=df["deviation"].abs()).sort_values("a", ascending=False).head(annotate)
    for _, r in top.iterrows():
        if r["a"] > 0:
            ax.annotate(f"{r['text'][:14]}", (r["stated_value"], r["expected_value"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("文中数值 stated（横线：四舍五入区间）")
    ax.set_ylabel("表格/计算值 expected（竖线：证据区间）")
    ax.set_title("文中数值 vs 计算值")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_deviation_bands(claims: pd.DataFrame, n: int = 20, ax=None,
                         statuses: Sequence[str] | None = None):
    """Zoom on single claims: for the `n` claims farthest from agreement (|deviation| measured in
    rounding-band half-widths), the computed value minus the stated one (dot, with the evidence's
    range as a bar) against the stated figure's rounding band (grey box around 0)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    df = claims[claims["deviation"].notna() & claims["band_lo"].notna()]
    if statuses is not None:
        df = df[df["status"].isin(statuses)]
    half = ((df["band_hi"] - df["band_lo"]) / 2).where(lambda x: x > 0)
    df = df.assign(_score=(df["deviation"].abs() / half).fillna(0)) \
        .sort_values("_score", ascending=False).head(n).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.38 * max(len(df), 3) + 1.3))
    if df.empty:
        ax.set_title("没有可比较的数值")
        return ax
    for i, (_, r) in enumerate(df.iterrows()):
        ax.add_patch(Rectangle((r["band_lo"] - r["stated_value"], i - 0.35), r["band_hi"] - r["band_lo"], 0.7,
                               color="#bbbbbb", alpha=0.6, lw=0))
        lo, hi = r["expected_lo"] - r["stated_value"], r["expected_hi"] - r["stated_value"]
        ax.plot([lo, hi], [i, i], color=STATUS_COLORS.get(r["status"], "#1f77b4"), lw=2)
        ax.plot(-r["deviation"], i, "o", color=STATUS_COLORS.get(r["status"], "#1f77b4"))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(df)), [f"{_short(r)} · {str(r['text'])[:18]}" for _, r in df.iterrows()],
                  fontsize=8)
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_xlabel("计算值 − 文中数值（灰框：文中数值的四舍五入区间）")
    ax.set_title("偏差最大的声明")
    return ax


def plot_table_health(checks: pd.DataFrame, rows: str = "table_type", cols: str = "template",
                      ax=None, title: str | None = None):
    """Heat map of failing table checks (`rows` × `cols`), each cell "fails/checks"."""
    import matplotlib.pyplot as plt
    import numpy as np

    if checks.empty:
        if ax is None:
            _, ax = plt.subplots()
        ax.set_title("没有表格校验")
        return ax
    g = checks.assign(is_fail=checks["status"].eq("fail"))
    n = pd.crosstab(g[rows], g[cols])
    f = pd.crosstab(g[rows], g[cols], values=g["is_fail"], aggfunc="sum").reindex_like(n).fillna(0)
    order = f.sum(axis=1).sort_values(ascending=False).index
    n, f = n.loc[order], f.loc[order]
    rate = (f / n.where(n > 0)).to_numpy(dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * len(n.columns) + 4, 0.4 * len(n) + 1.5))
    cmap = plt.get_cmap("Reds").copy()
    cmap.set_bad("#f0f0f0")  # no checks of this table type there
    vmax = max(0.05, float(np.nanmax(rate)) if np.isfinite(rate).any() else 1.0)
    im = ax.imshow(np.ma.masked_invalid(rate), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for i in range(len(n)):
        for j in range(len(n.columns)):
            if n.iat[i, j]:
                ax.text(j, i, f"{int(f.iat[i, j])}/{int(n.iat[i, j])}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(n.columns)), [str(c) for c in n.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(n)), [str(i) for i in n.index])
    ax.figure.colorbar(im, ax=ax, label="不通过比例 fail rate")
    ax.set_title(title or f"表格校验不通过：{rows} × {cols}")
    return ax


# ---------------------------------------------------------------- drill-down

def evidence_refs(finding: dict | pd.Series) -> list[dict]:
    """The table cells a finding's evidence data cites (its checks' cells, for a claim), in order:
    [{"table": index, "title", "row": row index, "label", "column", "col", "value", "pages"}];
    a table cited whole has row None. Another document's cells (the previous year's) are left out."""
    checks = finding.get("checks")
    evidences = list(checks) if isinstance(checks, (list, tuple)) else [finding]
    out, seen = [], set()
    for ev in evidences:
        tables = {t["table"]: t for t in ev.get("tables") or [] if not t.get("doc")}
        cells = [c for c in ev.get("cells") or [] if not c.get("doc")]
        for c in cells:
            key = (c["table"], c["row"], c["column"])
            if key not in seen and c["table"] in tables:
                seen.add(key)
                t = tables[c["table"]]
                out.append({"table": c["table"], "title": t["title"], "pages": t["pages"], "row": c["row"],
                            "label": c["label"], "column": c["column"], "col": c["col"], "value": c["value"]})
        for index, t in tables.items():
            if not any(c["table"] == index for c in cells) and (index, None, None) not in seen:
                seen.add((index, None, None))
                out.append({"table": index, "title": t["title"], "pages": t["pages"], "row": None, "label": None,
                            "column": None, "col": None, "value": None})
    return out


def table_frame(table) -> pd.DataFrame:
    """A typed Table as a DataFrame (header paths as columns; duplicates made unique)."""
    cols, seen = [], {}
    for c in table.columns:
        seen[c] = seen.get(c, 0) + 1
        cols.append(c if seen[c] == 1 else f"{c}#{seen[c]}")
    rows = [list(r) + [None] * (len(cols) - len(r)) for r in table.rows]
    return pd.DataFrame([r[:len(cols)] for r in rows], columns=cols)


def table_rows(table, row: int | None, context: int = 0) -> pd.DataFrame:
    """Row `row` of `table` (± `context` rows); all rows if no row is given."""
    df = table_frame(table)
    if row is None:
        return df
    keep = [j for j in range(row - context, row + context + 1) if 0 <= j < len(df)]
    return df.iloc[keep]


def pick_claim(claims: pd.DataFrame, claim_id: str | None = None,
               statuses: Sequence[str] = ("fail", "warn")) -> pd.Series:
    """The claim `claim_id`, else the anomaly with the largest deviation that names a table."""
    if claim_id:
        sel = claims[claims["id"] == claim_id]
        if sel.empty:
            raise KeyError(claim_id)
        return sel.iloc[0]
    sel = claims[claims["status"].isin(statuses)].copy()
    if sel.empty:
        raise LookupError("no anomalies")
    sel["_names_table"] = [bool(evidence_refs(r)) for _, r in sel.iterrows()]
    sel["_abs"] = sel["deviation"].abs().fillna(-1)
    return sel.sort_values(["_names_table", "_abs"], ascending=False).iloc[0]


def drill_down(claim: pd.Series | dict, docs: dict, context: int = 0) -> dict:
    """One claim beside the table rows its evidence data cites:
    {"claim": {...}, "sentence", "evidence", "tables": [{evidence_refs' fields, "type", "rows": DataFrame}]}
    (a table the documents do not hold is listed with rows=None)."""
    c = dict(claim)
    document = docs.get(c.get("doc"))
    out = {"claim": {k: c.get(k) for k in ("id", "doc", "page", "section", "status", "rule", "kind",
                                           "text", "stated", "expected", "unit")},
           "sentence": c.get("sentence"), "evidence": c.get("evidence"), "tables": []}
    by_index = {t.index: t for t in document.tables} if document is not None else {}
    for ref in evidence_refs(c):
        t = by_index.get(ref["table"])
        out["tables"].append({**ref, "type": getattr(t, "type", None),
                              "rows": table_rows(t, ref["row"], context) if t is not None else None})
    return out


def show_drill_down(dd: dict) -> None:
    """Display a drill_down() result in a notebook (sentence, evidence, then each table's rows)."""
    from IPython.display import HTML, display

    import html as h

    c = dd["claim"]
    display(HTML(
        f"<div style='display:flex;gap:1em'><div style='flex:1;border-left:4px solid "
        f"{STATUS_COLORS.get(c['status'], '#888')};padding-left:.6em'>"
        f"<b>{h.escape(str(c['doc']))}</b> · {h.escape(str(c['section'] or ''))}<br>"
        f"<p style='font-size:1.1em'>{h.escape(str(dd['sentence'] or ''))}</p>"
        f"<p>claim <code>{h.escape(str(c['text']))}</code> — status <b>{c['status']}</b> ({c['rule']}); "
        f"stated {c['stated']} vs expected {c['expected']} {c['unit'] or ''}</p>"
        f"<p style='color:#555'>{h.escape(str(dd['evidence'] or ''))}</p></div></div>"))
    for t in dd["tables"]:
        head = f"《{t['title']}》 type={t['type']} pages={t['pages']} row「{t['label']}」 column「{t['column']}」"
        display(HTML(f"<h4>{h.escape(head)}</h4>"))
        display(t["rows"] if t["rows"] is not None else HTML("<i>table not found in the document</i>"))
