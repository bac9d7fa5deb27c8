"""Screenshots of an audit's report with headless Chromium: DIR/screenshots/{index,document}.png.

    .venv/bin/python scripts/screenshots.py out/        (after `auditor audit corpus/ --out out`)

The document page is the first one with a failing claim, opened with that claim selected
(#claim=<id>), so its evidence shows beside the sentence.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium not found: run `make setup` (scripts/setup.sh installs it)")


def shoot(url: str, dest: Path, size: str = "1400,1000") -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
                        "--virtual-time-budget=3000", f"--screenshot={dest}", url],
                       check=True, capture_output=True, timeout=120)


def main(out_dir: str) -> list[Path]:
    out = Path(out_dir).resolve()
    report = out / "report"
    if not (report / "index.html").exists():
        sys.exit(f"{report / 'index.html'}: not found; run `auditor audit corpus/ --out {out_dir}` first")
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    written = [shots / "index.png"]
    shoot((report / "index.html").as_uri(), written[0])
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    failing = [c for c in findings["claims"] if c["status"] == "fail"] or findings["claims"]
    if failing:
        from auditor.report.html import doc_to_filename

        c = failing[0]
        page = report / "doc" / doc_to_filename(c["doc"])
        written.append(shots / "document.png")
        shoot(page.as_uri() + "#claim=" + c["id"], written[1])
    for p in written:
        print(p)
    return written


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
