"""Held over every document any test audits: a claim's verdict is the verdict on its figure.

Every findings contract built during the tests (auditor.report.findings.build, in this process
or in a forked worker) is checked here, so no test can audit a document in which a claim
passes without a passing check of its figure, or in which a side check (a stated reason)
decided a claim's verdict.
"""
import pytest

from auditor.report import findings as _findings


def figure_verdict_violations(contract: dict) -> list[str]:
    """The claims of a findings contract whose status is not the verdict on their figure."""
    bad = []
    for c in contract.get("claims", []):
        figure = [k for k in c["checks"] if k["rule"] not in _findings.SIDE_RULES]
        if c["status"] == "pass" and not any(k["status"] == "pass" for k in figure):
            bad.append(f"{c['id']}: pass without a passing figure check ({c['rule']}): {c['sentence']}")
        if c["status"] in ("pass", "fail") and not c["figure_checked"]:
            bad.append(f"{c['id']}: {c['status']} but its figure was not checked: {c['sentence']}")
        if not figure and c["status"] != "unverified":
            bad.append(f"{c['id']}: only side checks, yet {c['status']}: {c['sentence']}")
    return bad


@pytest.fixture(autouse=True, scope="session")
def _every_verdict_is_about_its_figure():
    build = _findings.build

    def checked(*args, **kwargs):
        contract = build(*args, **kwargs)
        bad = figure_verdict_violations(contract)
        assert not bad, "\n".join(bad[:20])
        return contract

    _findings.build = checked
    yield
    _findings.build = build
