"""The extractor finds the claims written down (from reading) for each seed document."""
from __future__ import annotations

import collections
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from auditor.claims import extract
from auditor.model import Block, Document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "claims" / "seeds"
FIELDS = ("kind", "subject", "stated", "unit", "text", "direction", "base", "reason")


def _read(path: Path) -> Document:
    try:
        from auditor.ingest import read_all
    except ImportError:  # pragma: no cover - before the reader landed: paragraphs of non-table lines
        blocks, cur = [], []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            if not line.strip() or "\t" in line:
                if cur:
                    blocks.append(Block(text="".join(cur)))
                cur = [] if not line.strip() or "\t" in line else cur
                continue
            cur.append(line.strip())
        return Document(doc=path.stem, files=[str(path)], blocks=blocks)
    docs, errors = read_all([path])
    assert not errors and len(docs) == 1
    return docs[0]


def _expected():
    for f in sorted(SEEDS.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        yield pytest.param(data["document"], data["claims"], id=f.stem)


@pytest.fixture(scope="module")
def extracted():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = extract(_read(ROOT / "corpus" / name))
        return cache[name]
    return get


def _key(c: dict):
    return tuple(str(Decimal(str(c[k])).normalize()) if k == "stated" and c.get(k) is not None else c.get(k)
                 for k in FIELDS)


@pytest.mark.parametrize("document,expected", list(_expected()))
def test_seed_claims_found(document, expected, extracted):
    got = collections.Counter()
    for c in extracted(document):
        j = {k: getattr(c, k) for k in FIELDS}
        got[_key(j)] += 1
    want = collections.Counter(_key({k: e.get(k) for k in FIELDS}) for e in expected)
    missing = want - got
    assert not missing, f"{sum(missing.values())} of {sum(want.values())} expected claims missing: " + \
        "; ".join(str(m) for m in list(missing)[:8])


@pytest.mark.parametrize("document", ["001_ccd06c2c755f1d0a.txt", "004_cb36ed78a1daab39.txt"])
def test_relations_on_seeds(document, extracted):
    claims = extracted(document)
    by_id = {c.id: c for c in claims}
    shares = [c for c in claims if c.kind == "share"]
    assert shares and all(by_id[c.of].kind == "amount" for c in shares)
    parts = [c for c in claims if c.parent]
    assert parts and all(by_id[c.parent].kind in ("amount", "count") for c in parts)
    for comp in (c for c in claims if c.kind == "composition"):
        assert comp.parts and all(by_id[p].parent == comp.of for p in comp.parts)
    for c in claims:
        assert c.sentence[c.start:c.end] == c.text


def test_seed_004_composition_sums():
    """上党区 2023: 收入 1,313.62 = 一般公共预算拨款收入 1,313.62 + 0.00 × 5 (the prose's own parts)."""
    claims = extract(_read(ROOT / "corpus" / "004_cb36ed78a1daab39.txt"))
    by_id = {c.id: c for c in claims}
    comp = next(c for c in claims if c.kind == "composition" and c.text == "主要包括")
    total = by_id[comp.of]
    assert total.stated == Decimal("1313.62")
    assert sum(by_id[p].stated for p in comp.parts) == total.stated
    assert len(comp.parts) == 6


def test_ids_stable_across_runs():
    doc = _read(ROOT / "corpus" / "002_c9d3211da2288e2b.txt")
    assert [c.id for c in extract(doc)] == [c.id for c in extract(doc)]
