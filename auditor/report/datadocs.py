"""GX Data Docs -> a site an auditor can open offline and read.

Two jobs, both on the files GX writes (auditor/gx.py stays the only module that runs GX):

1. `label_results(gx_root)`: before the site is rendered, rewrite the stored validation
   results so failing rows read as labelled figures at their printed precision
   ("文中 stated 126.92 · 表中 expected 0.00 · 精度 step 0.01") instead of float tuples
   such as (126.925, 0.01, 0.005, -0.005, 126.915) or 0.24999999999999983.
2. `site_to_offline(site_dir)`: copy the vendored CDN assets (static/vendor, see its
   README for sources and licences) into the site and point every page at them, so
   the site renders with no network at all.

`build(validation)` does both around auditor.gx.build_data_docs and returns the index.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

VENDOR = Path(__file__).parent / "static" / "vendor"

# CDN URL used by GX's templates -> file under static/vendor/
CDN_TO_VENDOR = {
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper/popper.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega/vega-embed.min.js",
}
S3_LOGO = re.compile(r"url\(['\"]?https://great-expectations-web-assets[^)'\"]*['\"]?\)")
FAVICON = re.compile(r'href="[./]*static/images/favicon\.ico"')
S3_IMG = re.compile(r"https://great-expectations-web-assets[^\"'\s]*")
# src/href pointing off the machine inside <link>/<script>/<img> (not plain <a> links)
REMOTE_ASSET = re.compile(r"<(?:link|script|img)\b[^>]*?(?:src|href)=[\"'](?:https?:)?//", re.I)
SRI = re.compile(r"\s+(?:integrity|crossorigin)=(?:\"[^\"]*\"|'[^']*')")

ROWS_SHOWN = 100  # failing rows listed per expectation (GX keeps them all: the Data Docs stay one size at any scale;
                  # every failing row is in findings.json and the evidence pages, and GX's own count is kept)
SHOWN = ("check_id", "doc", "sentence")  # what identifies a failing row to a person (check id and sentence added here)
HIDDEN = ("row", "level", "cap")       # the rest of auditor.gx.INDEX_COLUMNS: what the run needs, not the reader
FIGURES = "数值 figures"
# GX frame columns -> how an auditor calls them
LABELS = {"stated": "文中 stated", "expected": "表中 expected", "step": "精度 step"}


# ---------------------------------------------------------------- numbers
def number_to_text(x, step: float | None = None) -> str:
    """A float from GX at printed precision: 0.24999999999999983 -> '0.25'; with step 0.01 -> 2 decimals."""
    if x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if x != x:  # NaN
        return "—"
    if step:
        places = max(0, -Decimal(repr(float(step))).normalize().as_tuple().exponent)
        return f"{x:.{places}f}"
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def row_to_text(values: dict) -> str:
    """{'stated_lo','stated_hi','expected_lo','expected_hi','step'} -> labelled figures.

    An interval lo..hi is the printed figure ± half its step: shown as its midpoint at
    the step's decimals. Other columns are shown as 'name value'.
    """
    step = values.get("step")
    step = step if isinstance(step, (int, float)) and step == step and step > 0 else None
    parts, done = [], set()
    order = {"stated_lo": 0, "stated_hi": 0, "expected_lo": 1, "expected_hi": 1, "step": 9}
    for key in sorted(values, key=lambda k: order.get(k, 5)):
        if key.endswith(("_lo", "_hi")):
            base = key[:-3]
            if base in done:
                continue
            done.add(base)
            lo, hi = values.get(base + "_lo"), values.get(base + "_hi")
            label = LABELS.get(base, base)
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                parts.append(f"{label} {number_to_text((lo + hi) / 2, step)}")
            else:
                parts.append(f"{label} {number_to_text(lo if lo is not None else hi, step)}")
        else:
            parts.append(f"{LABELS.get(key, key)} {number_to_text(values[key])}")
    return " · ".join(parts)


def text_to_html(value):
    """A string GX will put into its pages as it is (GX does not escape cell text) -> escaped, so
    that document text (a sentence, a document id, a file name) can never be markup there."""
    return html.escape(value, quote=True) if isinstance(value, str) else value


def _labelled(value, columns: list[str] | None):
    if isinstance(value, dict):
        return text_to_html(row_to_text(value))
    if isinstance(value, (list, tuple)) and columns and len(value) == len(columns):
        return text_to_html(row_to_text(dict(zip(columns, value))))
    if isinstance(value, float):
        return number_to_text(value)
    return text_to_html(value)


def result_to_legible(result: dict, labels: dict | None = None) -> dict:
    """One expectation result (JSON dict): failing values labelled, floats at printed precision,
    each failing row named by its check id and sentence (`labels`: {row key: {check_id, sentence}});
    every string of them HTML-escaped (text_to_html: GX renders them as markup)."""
    kwargs = (result.get("expectation_config") or {}).get("kwargs") or {}
    columns = kwargs.get("column_list") or ([kwargs["column"]] if "column" in kwargs else None)
    res = result.get("result") or {}
    more = _bounded(res)
    for key in ("partial_unexpected_list", "unexpected_list"):
        if isinstance(res.get(key), list):
            res[key] = [_labelled(v, columns) for v in res[key]]
    for entry in res.get("partial_unexpected_counts") or []:
        if isinstance(entry, dict) and "value" in entry:
            entry["value"] = _labelled(entry["value"], columns)
    index_cols = set(SHOWN) | set(HIDDEN)
    entries = res.get("unexpected_index_list") or []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        label = (labels or {}).get(entry.get("row"), {})
        values = {k: v for k, v in entry.items() if k not in index_cols and k != LEVEL}
        entries[n] = {"check_id": text_to_html(label.get("check_id", entry.get("check_id", ""))),
                      "doc": text_to_html(entry.get("doc", "")),
                      **({LEVEL: entry[LEVEL]} if LEVEL in entry else {}),
                      **({FIGURES: text_to_html(row_to_text(values))} if values else {}),
                      "sentence": text_to_html(label.get("sentence", entry.get("sentence", "")))}
    if more:
        entries.append({"check_id": text_to_html(f"… {more} more · 另有 {more} 行未列出 (findings.json)"), "doc": "",
                        "sentence": ""})
    if isinstance(res.get("unexpected_index_column_names"), list):
        res["unexpected_index_column_names"] = list(SHOWN)
    if isinstance(res.get("observed_value"), float):
        res["observed_value"] = number_to_text(res["observed_value"])
    return result


LEVEL = "级别 level"


def _rule_of(result: dict) -> str:
    cond = ((result.get("expectation_config") or {}).get("kwargs") or {}).get("row_condition") or {}
    return cond.get("parameter") if isinstance(cond, dict) else str(cond)


def _row_status(hit: dict, level: str, fails: set) -> str:
    """A failing row's status as the findings give it (auditor.gx._verdicts): an interval check's
    row is a fail when it misses beyond one unit, a yes/no check's row has its own level, and a
    capped row (a miss worth a look that proves nothing) stays a warn."""
    status = (hit.get("level") or "fail") if level == "row" else ("fail" if hit.get("row") in fails else "warn")
    return "warn" if status == "fail" and hit.get("cap") == "warn" else status


def results_to_one_per_rule(results: list[dict]) -> list[dict]:
    """An interval rule is two expectations to GX (a miss within one unit of the last printed digit
    warns, beyond it fails), which Data Docs shows as two same-titled sections: here they become
    one result per rule, its failing rows (those of the warn level, which holds every miss) each
    marked with its status, 不符 or 舍入差异, as the findings and the HTML report give it; the
    rule's Chinese name and explanation are its description."""
    from auditor.report import words

    by_rule: dict[str, list[dict]] = {}
    for r in results:
        by_rule.setdefault(_rule_of(r), []).append(r)
    out = []
    for rule, group in by_rule.items():
        levels = {(g.get("expectation_config") or {}).get("meta", {}).get("level"): g for g in group}
        keep = levels.get("warn") or group[0]
        fails = {h.get("row") for h in ((levels.get("fail") or {}).get("result") or {}).get("unexpected_index_list") or []}
        level = "row" if "row" in levels else "interval"
        for hit in (keep.get("result") or {}).get("unexpected_index_list") or []:
            if isinstance(hit, dict):
                hit[LEVEL] = words.status(_row_status(hit, level, fails))
        keep["success"] = all(g.get("success") for g in group)
        cfg = keep.setdefault("expectation_config", {})
        cfg["description"] = (f"{words.rule_name(rule)}（{rule}）：{words.rule_summary(rule)}"
                              + ("。差一个末位单位以内为舍入差异，超过为不符" if level == "interval" else ""))
        out.append(keep)
    return out


def _statistics(results: list[dict]) -> dict:
    n, ok = len(results), sum(1 for r in results if r.get("success"))
    return {"evaluated_expectations": n, "successful_expectations": ok, "unsuccessful_expectations": n - ok,
            "success_percent": 100.0 * ok / n if n else None}


def _bounded(res: dict) -> int:
    """Cut a result's lists of failing rows (and GX's query naming all of them) to ROWS_SHOWN;
    returns how many rows were left out of the index list."""
    more = 0
    for key in ("unexpected_list", "unexpected_index_list"):
        rows = res.get(key)
        if isinstance(rows, list) and len(rows) > ROWS_SHOWN:
            if key == "unexpected_index_list":
                more = len(rows) - ROWS_SHOWN
            del rows[ROWS_SHOWN:]
    query = res.get("unexpected_index_query")
    if more and isinstance(query, str):
        i, j = query.find("["), query.rfind("]")
        if 0 <= i < j:
            res["unexpected_index_query"] = query[:i + 1] + "…" + query[j:]
    return more


def shown_rows(validation) -> set:
    """The keys of the failing rows the Data Docs list (the first ROWS_SHOWN of each expectation):
    the only ones whose labels (check id, sentence) they need."""
    keys = set()
    for run in validation.results:
        for r in run.results:
            hits = (r.result or {}).get("unexpected_index_list") or []
            keys.update(int(h["row"]) for h in hits[:ROWS_SHOWN] if isinstance(h, dict) and "row" in h)
    return keys


def label_results(gx_root: Path, labels: dict | None = None) -> int:
    """Rewrite every stored validation result under gx_root (one result per rule, failing rows
    labelled); returns how many files changed. A file already rewritten is left as it is."""
    n = 0
    for path in (Path(gx_root) / "uncommitted" / "validations").rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if (data.get("meta") or {}).get("auditor_labelled"):
            continue
        data["results"] = results_to_one_per_rule(data.get("results") or [])
        data.setdefault("statistics", {}).update(_statistics(data["results"]))
        data.setdefault("meta", {})["auditor_labelled"] = True
        for r in data.get("results") or []:
            result_to_legible(r, labels)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        n += 1
    return n


# ---------------------------------------------------------------- offline
OFFLINE_MARK = "auditor-datadocs.css"  # the stylesheet page_to_offline links: a page that has it is offline
def page_to_offline(page: str, prefix: str) -> str:
    """Point one page's CDN assets at static/vendor (prefix = relative path to the site root)."""
    for url, local in CDN_TO_VENDOR.items():
        page = page.replace(url, f"{prefix}static/vendor/{local}")
    page = S3_IMG.sub(f"{prefix}static/images/logo-long.png", page)  # GX's tracking-pixel logo
    page = re.sub(r"<(link|script)\b[^>]*>", lambda m: SRI.sub("", m.group(0)), page)
    if OFFLINE_MARK not in page:
        page = page.replace("</head>", f'<link rel="stylesheet" href="{prefix}static/{OFFLINE_MARK}">\n</head>', 1)
    # GX writes the favicon one level too shallow on validation pages: point it at the real file
    page = FAVICON.sub(f'href="{prefix}static/images/favicon.ico"', page)
    return page_to_policed(page)


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"""\son[a-z]+=(?:"([^"]*)"|'([^']*)')""", re.I)
CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', re.I)


def page_to_policed(page: str) -> str:
    """A Content-Security-Policy for one Data Docs page, as on the evidence pages: scripts only from
    the site's own files and the inline scripts and handlers GX's templates wrote (allowed by
    their hashes, taken after every document string was escaped), no frames, plugins, forms or
    remote anything. Markup that slipped into a page still could not run."""
    page = CSP.sub("", page)
    hashes = {_csp_hash(m.group(1)) for m in INLINE_SCRIPT.finditer(page)}
    handlers = {_csp_hash(html.unescape(m.group(1) if m.group(1) is not None else m.group(2)))
                for m in HANDLER.finditer(page)}
    sources = " ".join(sorted(hashes | handlers))
    policy = ("default-src 'self'; script-src 'self' " + ("'unsafe-hashes' " if handlers else "") + sources
              + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:;"
              " object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    head = re.search(r"<head\b[^>]*>", page, re.I)
    return page[:head.end()] + "\n" + meta + page[head.end():] if head else meta + page


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def site_to_offline(site_dir: Path) -> list[str]:
    """Vendor assets into the site, rewrite every page; returns remaining remote asset refs (should be [])."""
    site = Path(site_dir)
    dest = site / "static" / "vendor"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(VENDOR, dest, ignore=shutil.ignore_patterns("README.md"))
    shutil.copy(VENDOR.parent / "datadocs.css", site / "static" / OFFLINE_MARK)
    for css in (site / "static" / "styles").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        css.write_text(S3_LOGO.sub("url('../images/logo-long.png')", text), encoding="utf-8")
    remaining = []
    for page in site.rglob("*.html"):
        depth = len(page.relative_to(site).parts) - 1
        text = page.read_text(encoding="utf-8")
        if OFFLINE_MARK in text:
            continue  # an earlier run's page, made offline then
        text = page_to_offline(text, "../" * depth)
        page.write_text(text, encoding="utf-8")
        remaining += [f"{page.relative_to(site)}: {m.group(0)}" for m in REMOTE_ASSET.finditer(text)]
    return remaining


def build(validation, labels: dict | None = None) -> Path | None:
    """Label the stored results (failing rows named by `labels`, see result_to_legible), let GX
    render the site once, make it offline. Returns index.html."""
    import expectations  # noqa: F401  registers the custom expectations GX must render
    from auditor import gx

    if validation.context_root is None:
        return None
    root = Path(validation.context_root)
    label_results(root / "gx" if (root / "gx").is_dir() else root, labels)
    index = gx.build_data_docs(validation)
    if index is not None:
        site_to_offline(index.parent)
    return index
