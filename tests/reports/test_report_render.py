"""Rendered report: JSON/CSV equal the model; the HTML is self-contained and renders in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ecoai_chain.cli import main
from ecoai_chain.reports.model import build_report
from ecoai_chain.reports.render import to_csv, to_html, to_json
from ecoai_chain.reports.sources import windows_from_trace

ROOT = Path(__file__).resolve().parents[2]
TRACE = ROOT / "traces" / "synthetic_llm_gpu.csv"
UNTIL = 1_795_000_000 // 3600 * 3600
OPT = ROOT / "tests" / "optimizer" / "fixtures"


def _report():
    ws = windows_from_trace(TRACE, 60, UNTIL)
    return build_report(ws, "KR", UNTIL - 3600, UNTIL, lambda ts: 430_567,
                        baseline_ng_per_work=3_000_000)


def test_json_and_csv_match_the_model():
    r = _report()
    j = json.loads(json.dumps(to_json(r)))
    assert (j["energy_mj"], j["carbon_mg"], j["eco_score"]) == (r.energy_mj, r.carbon_mg,
                                                                r.eco_score)
    assert sum(s["energy_mj"] for s in j["series"]) == j["energy_mj"]
    rows = list(csv.DictReader(io.StringIO(to_csv(r))))
    body, total = rows[:-1], rows[-1]
    assert len(body) == len(r.windows) and total["start_s"] == "total"
    assert sum(int(x["carbon_mg"]) for x in body) == int(total["carbon_mg"]) == r.carbon_mg
    assert sum(int(x["energy_mj"]) for x in body) == int(total["energy_mj"]) == r.energy_mj


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "xlink:href", "action", "data", "poster") and v:
                self.refs.append(v)


def _external(html_text):
    p = _Refs()
    p.feed(html_text)
    ext = [r for r in p.refs if not r.startswith("#")]
    ext += re.findall(r"url\(\s*['\"]?(https?:)", html_text)
    ext += re.findall(r"@import", html_text)
    return p, ext


def test_html_is_self_contained():
    html_text = to_html(_report())
    p, ext = _external(html_text)
    assert ext == []
    assert p.tags.count("svg") == 3 and "script" not in p.tags
    assert "SYNTHETIC" in html_text and "Eco Score" in html_text


@pytest.mark.browser
@pytest.mark.slow
def test_cli_html_report_renders_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (scripts/setup.sh system)")
    out = tmp_path / "report.html"
    rc = main(["report", "--trace", str(TRACE), "--since", "24h", "--region", "KR",
               "--format", "html", "--out", str(out), "--baseline-ng-per-work", "3000000",
               "--recommendation", str(OPT / "recommendation.json")])
    assert rc == 0
    html_text = out.read_text()
    assert _external(html_text)[1] == []
    assert "Green Optimizer result" in html_text
    shot = tmp_path / "report.png"
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
             f"--screenshot={shot}", "--window-size=1280,2000", f"file://{out}"],
            capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-500:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a page, not a blank
    keep = ROOT / "test-artifacts"
    if keep.is_dir():
        shutil.copy(shot, keep / "ecoai-report.png")


def test_cli_json_and_csv(tmp_path, capsys):
    assert main(["report", "--trace", str(TRACE), "--since", "1h", "--format", "json",
                 "--region", "gcp:europe-west9"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["region"] == "GCP:EUROPE-WEST9" and j["intensity_mg_per_kwh"] <= 34_000
    assert j["recommendation"]["kind"] == "rule"
    assert main(["report", "--trace", str(TRACE), "--format", "csv", "--out",
                 str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_text().startswith("start_s,end_s,energy_mj")


def test_cli_errors(capsys):
    assert main(["report", "--format", "pdf", "--trace", str(TRACE)]) == 1
    assert "--format" in capsys.readouterr().err
    assert main(["report"]) == 1
    assert "exactly one of --db" in capsys.readouterr().err
    assert main(["report", "--trace", str(TRACE), "--region", "XX", "--format", "json"]) == 1
    assert "no bundled grid intensity for region 'XX'" in capsys.readouterr().err
    assert main(["report", "--trace", str(TRACE), "--since", "yesterday"]) == 1
    assert "--since" in capsys.readouterr().err


def test_cli_live_layer_needs_credentials(capsys, monkeypatch):
    monkeypatch.delenv("ECOAI_ELECTRICITYMAPS_TOKEN", raising=False)
    assert main(["report", "--trace", str(TRACE), "--live", "electricitymaps"]) == 1
    assert "ECOAI_ELECTRICITYMAPS_TOKEN" in capsys.readouterr().err
    assert main(["report", "--trace", str(TRACE), "--live", "carrier-pigeon"]) == 1
    assert "--live must be" in capsys.readouterr().err
