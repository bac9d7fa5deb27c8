"""What a person sees: headless Chromium (installed by scripts/setup.sh) on the generated pages.

Driven over the Chrome DevTools Protocol so the test sees every network request the page makes.
Skips only when no Chromium is installed.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from auditor import api
from auditor.report.html import doc_to_filename

CORPUS = Path(__file__).parents[1] / "corpus"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed: run scripts/setup.sh (make setup)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-allow-origins=*", "--window-size=1400,1000", "about:blank"]


class Browser:
    """One Chromium, one tab; navigate(url) records every request and failure."""

    def __init__(self):
        import urllib.request

        import websocket

        self.profile = tempfile.mkdtemp(prefix="chromium-")
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(200):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.n = 0
        for method in ("Page.enable", "Network.enable", "Runtime.enable", "Log.enable"):
            self.call(method)

    def call(self, method, **params):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg.get("result", {})
            self._event(msg)

    def _event(self, msg):
        m, p = msg.get("method"), msg.get("params", {})
        if m == "Network.requestWillBeSent":
            self.requests.append(p["request"]["url"])
        elif m == "Network.responseReceived":
            self.responses.append(p["response"]["url"])
        elif m == "Network.loadingFailed":
            self.failed.append((p.get("errorText"), p.get("requestId")))
        elif m == "Page.javascriptDialogOpening":
            self.dialogs.append(p.get("message"))
            self.ws.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}))
        elif m == "Runtime.exceptionThrown":
            self.errors.append(p["exceptionDetails"].get("text"))
        elif m == "Page.loadEventFired":
            self.loaded = True
        elif m == "Log.entryAdded":  # a Content-Security-Policy violation is reported here
            self.logs.append(p["entry"].get("text") or "")

    def navigate(self, url: str, settle: float = 0.5):
        self.requests, self.responses, self.failed, self.dialogs, self.errors, self.logs = [], [], [], [], [], []
        self.loaded = False
        self.call("Page.navigate", url=url)
        deadline = time.time() + 30
        while not self.loaded and time.time() < deadline:
            self._event(json.loads(self.ws.recv()))
        end = time.time() + settle  # late requests (fonts, scripts run on load)
        self.ws.settimeout(0.1)
        while time.time() < end:
            try:
                self._event(json.loads(self.ws.recv()))
            except Exception:  # noqa: BLE001  timeout: nothing more
                pass
        self.ws.settimeout(30)
        assert self.loaded, url

    def js(self, expr: str):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    findings, _ = api.audit([CORPUS], out_dir=out)
    return out, findings


def test_index_lists_every_corpus_document(browser, out):
    folder, findings = out
    browser.navigate((folder / "report" / "index.html").as_uri())
    rows = browser.js("[...document.querySelectorAll('#documents tbody tr')].map(r => r.cells[0].innerText)")
    assert sorted(rows) == sorted(d["doc"] for d in findings["documents"])
    assert len(rows) == len(list(CORPUS.glob("*.txt")))
    assert browser.js("getComputedStyle(document.querySelector('.badge.fail')).backgroundColor") == "rgb(198, 40, 40)"
    # sorting: clicking the year header orders the rows by year
    browser.js("document.querySelectorAll('#documents thead th')[2].click()")
    years = browser.js("[...document.querySelectorAll('#documents tbody tr')].map(r => r.cells[2].innerText)")
    assert years == sorted(years)
    assert not browser.failed and not browser.errors
    assert all(u.startswith("file://") for u in browser.requests), browser.requests


def test_selecting_a_failing_claim_shows_its_evidence(browser, out):
    folder, findings = out
    claim = next(c for c in findings["claims"] if c["status"] == "fail")
    browser.navigate((folder / "report" / "doc" / doc_to_filename(claim["doc"])).as_uri())
    sel = json.dumps(claim["id"])
    assert browser.js("document.querySelector('#evidence-panel section.evidence:not([hidden])')") is None
    assert browser.js(f"[...document.querySelectorAll('mark.claim')].find(m => m.dataset.claim === {sel}).innerText") \
        == claim["text"]
    browser.js(f"[...document.querySelectorAll('mark.claim')].find(m => m.dataset.claim === {sel}).click()")
    shown = browser.js("[...document.querySelectorAll('section.evidence')].filter(s => !s.hidden)"
                       ".map(s => s.innerText)")
    assert len(shown) == 1
    assert claim["evidence"] in shown[0] and claim["sentence"] in shown[0] and "不符" in shown[0]
    assert browser.js("document.querySelector('mark.selected').dataset.claim") == claim["id"]
    # side by side: the panel sits to the right of the narrative
    assert browser.js("document.getElementById('evidence-panel').getBoundingClientRect().left >"
                      " document.getElementById('narrative').getBoundingClientRect().right - 1")
    assert not browser.failed and not browser.errors


def test_data_docs_load_styled_with_no_network(browser, out):
    folder, findings = out
    site = folder / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = [site / "index.html", *sorted((site / "validations").rglob("*.html"))[:2]]
    for page in pages:
        browser.navigate(page.as_uri(), settle=1.0)
        assert not browser.failed, (page, browser.failed)
        remote = [u for u in browser.requests if not u.startswith(("file://", "data:"))]
        assert remote == [], (page, remote)
        # every stylesheet and script the page names arrived (from disk)
        wanted = browser.js("[...document.querySelectorAll('link[rel=stylesheet], script[src]')]"
                            ".map(e => e.href || e.src)")
        assert len(wanted) >= 12 and set(wanted) <= set(browser.responses), set(wanted) - set(browser.responses)
        # ... and applies: Bootstrap utilities, Font Awesome glyphs, jQuery + the table plugin
        probe = ("(() => { const e = document.createElement('i'); e.className = 'd-none'; document.body.append(e);"
                 " const f = document.createElement('i'); f.className = 'fas fa-check'; document.body.append(f);"
                 " return [getComputedStyle(e).display, getComputedStyle(f).fontFamily,"
                 " getComputedStyle(f, '::before').content]; })()")
        display, family, glyph = browser.js(probe)
        assert display == "none" and "Font Awesome" in family and glyph not in ("none", "normal", ""), (display, family, glyph)
        assert browser.js("typeof window.jQuery === 'function' && typeof jQuery.fn.bootstrapTable === 'function'")
        # the icon font itself loads from the vendored webfonts folder
        assert browser.js("document.fonts.load('900 16px \"Font Awesome 6 Free\"').then(f => f.length)") >= 1
        assert not browser.failed and not browser.errors, (browser.failed, browser.errors)
        # the page's Content-Security-Policy lets GX's own scripts run: nothing was refused
        assert not [t for t in browser.logs if "Content Security Policy" in t], browser.logs


def test_markup_in_narrative_does_not_run(browser, tmp_path):
    from auditor.model import Block, Document
    from auditor.report.html import write_site

    evil = '<script>document.title="pwned";alert(1)</script><b>x</b><img src=x onerror="alert(2)">'
    doc = Document(doc="evil", files=["evil.txt"], blocks=[Block(text="说明" + evil, page=1)])
    findings = {"documents": [{"doc": "evil", "files": ["evil.txt"], "kind": "budget", "year": 2024,
                               "department": "部门", "tables": 0, "claims": 0, "status": "ok", "error": None}],
                "claims": [], "table_checks": []}
    write_site(findings, [doc], [], tmp_path)
    browser.navigate((tmp_path / "report" / "doc" / "evil.html").as_uri())
    assert browser.dialogs == []
    assert browser.js("document.title") != "pwned"
    assert browser.js("document.querySelectorAll('#narrative b, #narrative img, #narrative script').length") == 0
    assert evil in browser.js("document.getElementById('narrative').innerText")


def test_markup_in_documents_and_file_names_is_text_in_the_data_docs(browser, out, tmp_path):
    """A failing sentence carrying markup (the text reader strips a line's tags, then turns its &lt;
    into "<") and a file named as markup: in the Data Docs they are text, nothing runs, no element
    is injected."""
    _, findings = out
    seed = CORPUS / "000_a196a527a44fa05c.txt"
    text = seed.read_text(encoding="utf-8")
    failing = [c["sentence"] for c in findings["claims"] if c["status"] == "fail" and c["doc"] == seed.stem]
    payload = "<b></b>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    for sentence in failing:
        text = text.replace(sentence, sentence[:-1] + payload + sentence[-1:], 1)
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / '"><img src=x onerror=alert(3)>.txt').write_text(text, encoding="utf-8")
    run, _ = api.audit([inputs], out_dir=tmp_path / "out")
    doc = run["documents"][0]["doc"]
    assert doc == '"><img src=x onerror=alert(3)>' and run["counts"]["fail"] >= len(failing) > 0
    site = tmp_path / "out" / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = sorted((site / "validations").rglob("*.html"))
    shown = ""
    for page in [site / "index.html", *pages, tmp_path / "out" / "report" / "doc" / doc_to_filename(doc)]:
        browser.navigate(page.as_uri(), settle=0.3)
        assert browser.dialogs == [], page
        assert browser.js(INJECTED) == 0, page
        shown += browser.js("document.body.innerText")
    assert "<script>alert(1)</script>" in shown and doc in shown  # shown as text, where it was
    policy = browser.js("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "script-src 'self'" in policy


# elements a payload would have made live (attribute values merely holding the text are not, nor is
# the text inside a data island, <script type="application/json">, which a browser never runs)
INJECTED = ("[...document.querySelectorAll('*')].filter(e =>"
            " [...e.attributes].some(a => /^on/i.test(a.name) && /alert/.test(a.value))"
            " || (e.tagName === 'SCRIPT' && e.type !== 'application/json' && /alert\\(/.test(e.textContent))"
            " || e.tagName === 'IFRAME'"
            " || (e.tagName === 'IMG' && e.getAttribute('src') === 'x')).length")
