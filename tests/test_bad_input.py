"""Bad input: each is ONE clear line naming the file and the problem; the batch goes on."""
from __future__ import annotations

from pathlib import Path

import pytest

from auditor import cli
from auditor.ingest import read_all

GOOD = "某单位2023年部门预算\n\n收入总计 10.00 万元。\n"


def _one_error(tmp_path, name, data: bytes, *words):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(data)
    docs, errors = read_all([good, bad])
    assert [d.doc for d in docs] == ["good"], "the batch must go on"
    assert len(errors) == 1
    msg = str(errors[0])
    assert "\n" not in msg and msg.startswith(str(bad)) and name in msg
    for w in words:
        assert w in msg.lower()
    return msg


def test_empty_file(tmp_path):
    _one_error(tmp_path, "empty.txt", b"", "empty")


def test_whitespace_only_file(tmp_path):
    _one_error(tmp_path, "blank.txt", b"  \n\t\n\n", "empty")


def test_tiny_pdf(tmp_path):
    _one_error(tmp_path, "tiny.pdf", b"this is not a pdf", "pdf")


def test_unknown_extension(tmp_path):
    msg = _one_error(tmp_path, "data.xyz", b"whatever", "unknown file type .xyz")
    assert msg.endswith("unknown file type .xyz")


def test_undecodable_bytes(tmp_path):
    _one_error(tmp_path, "garbage.txt", bytes([0xFF, 0x80, 0xFE, 0xFF, 0x81, 0xFF]) * 40, "decode")


def test_binary_with_nul(tmp_path):
    _one_error(tmp_path, "bin.txt", b"\x00\x01\x02abc" * 20, "binary")


def test_no_narrative_no_tables(tmp_path):
    _one_error(tmp_path, "dashes.txt", "-----\n\n......\n\n12 34\n".encode(), "no narrative and no tables")


def test_missing_path(tmp_path):
    docs, errors = read_all([tmp_path / "nope.txt"])
    assert docs == [] and len(errors) == 1 and "no such file" in str(errors[0])


def test_folder_ignores_unknown_types(tmp_path):
    (tmp_path / "x.xyz").write_text("a", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    docs, errors = read_all([tmp_path])
    assert errors == [] and [d.doc for d in docs] == ["good"]


def test_cli_reports_errors_and_exit_code(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert cli.main(["tables", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {bad}: empty file"
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    assert cli.main(["tables", str(bad), str(good)]) == 0
