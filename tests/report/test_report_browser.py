"""The report in a real browser: Debian's chromium, headless, driven by Playwright (no downloaded browser).

Fails on any console error, page error or failed resource load; checks tables, images, the sample browser
and that its filters and sort work against numbers computed here from the same JSONL files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ifteval.cli import main

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]  # a container's small /dev/shm crashes big pages


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("no chromium on PATH: `apt-get install chromium` (make test installs it as root)")
    return path


@pytest.fixture(scope="module")
def browser_context(chromium: str, tmp_path_factory: pytest.TempPathFactory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (a dev dependency) is missing")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


def _open(context, page_path: Path) -> tuple[object, list[str]]:
    """The page, and every problem it reported: console errors, uncaught errors, failed loads."""
    problems: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed load: {r.url}"))
    page.goto(page_path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, problems


def _merged_rows(*paths: Path) -> list[dict]:
    """The rows of every input, one per output (task, doc, prediction), with every input's scores."""
    merged: dict[tuple, dict] = {}
    for path in paths:
        files = sorted(path.glob("samples_*.jsonl")) if path.is_dir() else [path]
        for file in files:
            for line in file.read_text().splitlines():
                row = json.loads(line)
                first = merged.setdefault((row["task"], row["doc_id"], row["prediction"]), row)
                first["scores"] = {**first["scores"], **row["scores"]}
    return list(merged.values())


def _cards(page) -> int:
    return page.locator("#sample-list article.sample").count()


@pytest.mark.slow
def test_run_report_in_chromium(browser_context, demo_run: Path, judged_jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(demo_run), str(judged_jsonl), "--output", str(out)]) == 0
    page, problems = _open(browser_context, out)
    rows = _merged_rows(demo_run, judged_jsonl)  # the judge file extends the run's rows: one card each

    assert page.locator("table.scores").count() == 2  # the run's and the judged file's score tables
    assert page.locator("table.scores >> text=SMOKE SET · not real data").count() == 2  # both run tasks
    images = page.locator("img")
    assert images.count() == 2
    for i in range(images.count()):  # decoded, not a broken-image icon
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 100")
    assert _cards(page) == len(rows) == 4
    assert page.locator("#sample-count").inner_text().startswith(f"{len(rows)} of {len(rows)} samples")
    first = page.locator("#sample-list article.sample").first
    assert first.locator("h4").inner_text().endswith(f"{demo_run} + {judged_jsonl}")
    assert first.locator("table.verdicts tbody th").all_inner_texts() == ["gold", "rouge1", "gpt4"]

    page.select_option("#filter-task", "ifteval_xsum")
    assert _cards(page) == sum(r["task"] == "ifteval_xsum" for r in rows)
    page.select_option("#filter-task", "")
    page.select_option("#filter-judge", "rouge1")
    page.fill("#score-min", "0.1")
    assert _cards(page) == sum(r["scores"].get("rouge1") is not None and r["scores"]["rouge1"] >= 0.1
                               for r in rows)
    page.fill("#score-min", "")

    # sort by disagreement between gpt4 and rouge1: the first card is the largest |A - B|
    page.select_option("#judge-a", "gpt4")
    page.select_option("#judge-b", "rouge1")
    page.select_option("#sort", "disagreement")
    judged = [r for r in rows if r["scores"].get("gpt4") is not None]
    top = max(abs(r["scores"]["gpt4"] - r["scores"]["rouge1"]) for r in judged)
    assert page.locator("#sample-list article.sample h4").first.inner_text().endswith(f"= {top:.3f}")

    # the LLM judge's raw reply is there, as text: its markup did not run
    raw = page.locator("pre.raw").first
    assert "</script><script>window.pwned = 1</script>" in raw.text_content()
    assert page.evaluate("window.pwned === undefined")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert problems == []


@pytest.mark.slow
def test_meta_report_in_chromium(browser_context, meta_json: Path, tmp_path: Path) -> None:
    out = tmp_path / "meta.html"
    assert main(["report", str(meta_json), "--output", str(out)]) == 0
    page, problems = _open(browser_context, out)
    judges = json.loads(meta_json.read_text())["meta"]["judges"]
    assert page.locator("table.meta tbody tr").count() == len(judges) + 1  # + the human row
    assert page.locator("img[alt^='CIT, CAT and TFA']").evaluate("img => img.naturalWidth > 100")
    assert page.locator("img[alt^='correlation heatmap']").evaluate("img => img.naturalWidth > 100")
    levels = page.locator("table.level caption")
    assert levels.count() == 2  # summary and system level, each naming its resampling
    assert all("resampling: percentile bootstrap" in levels.nth(i).inner_text() for i in range(2))
    page.screenshot(path=str(tmp_path / "meta.png"), full_page=True)
    page.emulate_media(media="print")  # the print stylesheet hides the controls and keeps the tables
    assert page.locator("nav").is_hidden()
    assert page.locator("table.meta").is_visible()
    assert problems == []
