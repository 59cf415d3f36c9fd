"""`ifteval report` on real command outputs: what each section shows, hostile input, size budget."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from markupsafe import escape

from ifteval.cli import main
from ifteval.metameter.resampling import DESCRIBE
from ifteval.writers import write_json, write_jsonl


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["report", *args])
    captured = capsys.readouterr()
    return code, captured.err


def test_meta_report_shows_every_judge_with_intervals_and_resampling(
    meta_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "meta.html"
    code, err = _report(capsys, str(meta_json), "--output", str(out))
    assert code == 0, err
    page = out.read_text()
    report = json.loads(meta_json.read_text())
    for judge in ("gpt4", "rouge", "bertscore"):
        cit = report["cit_detail"][judge]
        # the value and its bootstrap interval, as the page formats them
        assert f"{cit['value']:.3f}" in page
        assert f"[{cit['ci'][0]:.3f}, {cit['ci'][1]:.3f}]" in page
        assert f"{report['tfa'][judge] * 100:+.1f} %" in page  # TFA is relative: shown in percent
    assert "percentile bootstrap, 200 resamples (seed 0)" in page
    assert f"interval; {DESCRIBE[report['meta']['resample']]}" in page  # the levels name their resampling
    assert str(escape(report["reasons"]["system_level"]["gpt4"])) in page  # an n/a says why
    assert page.count('<img src="data:image/png;base64,') == 2  # CIT/CAT/TFA bars and the heatmap
    assert "Paired tests" in page and "Williams p" in page
    assert 'id="sample-browser"' not in page  # a meta report has no samples to browse
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", page)  # nothing loads from anywhere


BROKEN_INPUTS = [  # (path, {file: content} written under tmp_path, what the one line must say)
    ("nothing-here", {}, "nothing-here: no such file or folder"),
    ("notes.txt", {"notes.txt": "hi"}, "unknown input type '.txt'"),
    ("bad.json", {"bad.json": '{"meta": '}, "bad.json:1: not valid JSON"),
    ("other.json", {"other.json": '{"a": 1}'}, "neither an 'ifteval meta'"),
    ("bad.jsonl", {"bad.jsonl": '{"prompt": "p"}\n[1]\n'}, "bad.jsonl:2: expected a JSON object"),
    ("rows.jsonl", {"rows.jsonl": '{"prompt": "p"}\n'}, "rows.jsonl:1: unknown row layout"),
    ("empty", {"empty/.keep": ""}, "folder has no results.json, sweep.json or curve.json"),
    ("c", {"c/curve.json": '{"points": [{"task": "t"}]}'}, "points[0]: missing field 'judge'"),
    ("r", {"r/results.json": '{"results": []}'}, "field 'results' must be an object of tasks"),
    ("m.json", {"m.json": '{"meta": {"judges": ["j"], "method": "spearman"}, "cit": {}, "cat": {}, '
                          '"cit_detail": {"j": 5}, "cat_detail": {}}'},
     "m.json: not laid out as 'ifteval meta' writes it (AttributeError"),
]


@pytest.mark.parametrize(("name", "files", "message"), BROKEN_INPUTS)
def test_unknown_or_broken_input_is_one_line_exit_2(
    name: str, files: dict[str, str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for file, content in files.items():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text(content)
    code, err = _report(capsys, str(tmp_path / name), "--output", str(tmp_path / "r.html"))
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_output_is_checked_before_work(
    meta_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = meta_json.read_bytes()
    for output, message in ((str(meta_json.with_suffix(".html")) + "x", "name it *.html"),
                            (str(tmp_path), "is a folder")):
        code, err = _report(capsys, str(meta_json), "--output", output)
        assert code == 2 and message in err
    code, err = _report(capsys, str(meta_json), "--output", str(meta_json / "sub" / "r.html"))
    assert code == 2 and "is a file, not a folder" in err
    html_input = tmp_path / "in.html"
    html_input.write_text("<p>mine</p>")
    code, err = _report(capsys, str(meta_json), str(html_input), "--output", str(html_input))
    assert code == 2 and "it would be overwritten" in err
    assert html_input.read_text() == "<p>mine</p>" and meta_json.read_bytes() == before


@pytest.mark.slow  # the run fixture loads the embedded model
def test_sweep_marks_the_best_adapter_per_task(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sweep table as `run_sweep` writes it (its own writer) over real run folders, one per adapter."""
    from ifteval.sweep import _rows, write_summary

    results = json.loads((demo_run / "results.json").read_text())
    sweep = tmp_path / "sweep"
    rows = []
    for name, shift in (("base", 0.0), ("lora_a", 0.25), ("lora_b", -0.25)):
        shifted = json.loads(json.dumps(results))
        for metrics in shifted["results"].values():
            for key, value in metrics.items():
                if "," in key and "_stderr," not in key and isinstance(value, float):
                    metrics[key] = value + shift
        write_json(sweep / name / "results.json", shifted)
        for sample in demo_run.glob("samples_*.jsonl"):
            (sweep / name / sample.name).write_bytes(sample.read_bytes())
        rows.extend(_rows(name, None if name == "base" else f"adapters/{name}", shifted))
    write_summary(sweep, {"base": "smollm2", "rows": rows})
    out = tmp_path / "sweep.html"
    code, err = _report(capsys, str(sweep), "--output", str(out))
    assert code == 0, err
    page = out.read_text()
    start = page.index("<tbody>", page.index('<table class="sweep">'))
    table = page[start:page.index("</tbody>", start)]
    best_rows = re.findall(r"<tr><th[^>]*>(\w+)</th>(.*?)</tr>", table, re.S)
    marks = {name: cells.count("★") for name, cells in best_rows}
    columns = len({(r["task"], r["metric"], r["filter"]) for r in rows})
    assert marks == {"base": 0, "lora_a": columns, "lora_b": 0}  # every metric here is higher-is-better
    smoke = [task for task, info in results["data"].items() if info["origin"] == "smoke"]
    assert smoke  # the demo run used the bundled sets; before, the sweep only said so in collapsed <details>
    _assert_visible_smoke_banner(page, '<table class="sweep">', smoke)


def _assert_visible_smoke_banner(page: str, section_start: str, tasks: Sequence[str]) -> None:
    """The smoke-set warning opens the section, outside any collapsed <details>, and names the tasks."""
    start = page.index(section_start)
    banner = page.rfind('class="warning smoke-banner"', 0, start)
    assert banner != -1, "no smoke banner before the section's content"
    opened = page[:banner]
    assert opened.count("<details") == opened.count("</details>")  # not inside a collapsed block
    text = page[banner:page.index("</p>", banner)]
    assert "Smoke sets, not real data" in text and all(task in text for task in tasks)


@pytest.mark.slow  # the run fixture loads the embedded model
def test_twenty_task_run_stays_under_5_mb(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """20 tasks x 150 samples with long texts (a real run's files, multiplied by its own writers)."""
    results = json.loads((demo_run / "results.json").read_text())
    rows = [json.loads(line) for line in (demo_run / "samples_ifteval_xsum.jsonl").read_text().splitlines()]
    big = tmp_path / "big"
    template = results["results"]["ifteval_xsum"]
    results["results"] = {}
    for t in range(20):
        task = f"task_{t:02d}"
        results["results"][task] = dict(template, name=task, alias=task)
        results.setdefault("data", {})[task] = {"source": "xsum", "origin": "smoke"}
        long_rows = [dict(rows[i % len(rows)], doc_id=i, task=task, prompt=rows[0]["prompt"] * 12,
                          prediction=rows[0]["prediction"] * 8) for i in range(150)]
        write_jsonl(big / f"samples_{task}.jsonl", long_rows)
    write_json(big / "results.json", results)
    out = tmp_path / "big.html"
    code, err = _report(capsys, str(big), "--output", str(out))
    assert code == 0, err
    size = out.stat().st_size
    assert size < 5_000_000, size
    page = out.read_text()
    assert "most disagreeing samples" in page and "more characters not shown" in page  # the caps say so
    assert page.count("SMOKE SET") == 20


@pytest.mark.slow  # the run fixture loads the embedded model
def test_curve_section_from_the_curve_writer(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """curve.json as `ifteval curve` writes it (its writer, over sweep rows of real run results)."""
    from ifteval.specialize.curve import CurveSpec, write_curve
    from ifteval.sweep import _rows

    results = json.loads((demo_run / "results.json").read_text())
    rows, found = [], []
    for name, n, repeat, gain in (("base", 0, 0, 0.0), ("a10r0", 10, 0, 0.3), ("a10r1", 10, 1, 0.35),
                                  ("a100r0", 100, 0, 0.5), ("a100r1", 100, 1, 0.55)):
        shifted = json.loads(json.dumps(results))
        for task, metrics in shifted["results"].items():
            for key in [k for k in metrics if k.endswith(",judge") and "_stderr" not in k]:
                metrics[key] = min(1.0, metrics[key] + gain)
            shifted["n-samples"][task]["effective"] = 200  # as if --limit 200: the margin lets N=10 count
            for counts in shifted["judges"]["scores"][task].values():
                counts["n_valid"] = 200
        adapter = None if name == "base" else str(tmp_path / "adapters" / name)
        rows.extend(_rows(name, adapter, shifted))
        if adapter is not None:
            found.append((Path(adapter), {"n": n, "repeat": repeat, "variant": "human",
                                          "target": "ifteval_sst2"}))
    curve_dir = tmp_path / "curve"
    curve = write_curve(curve_dir, rows, found, ["ifteval_sst2"], CurveSpec(judges=("gold", "rouge1")),
                        None, "smollm2", has_zero=False)
    out = tmp_path / "curve.html"
    code, err = _report(capsys, str(curve_dir), "--output", str(out))
    assert code == 0, err
    page = out.read_text()
    phase = curve["phases"]["ifteval_sst2"]
    assert phase["format_point"] == 10  # gold jumps by 0.3 at N=10
    assert "<th>format point</th><td>N = 10" in page
    assert "<th>task point</th><td>null: the data cannot say" in page  # no format-agnostic judge
    for reason in phase["reasons"]:
        assert str(escape(reason)) in page
    row = next(r for r in curve["summary"] if r["judge"] == "gold" and r["n"] == 100)
    assert f"{row['mean']:.3f} ± {row['spread']:.3f}" in page
    assert page.count('<img src="data:image/png;base64,') == 1
    # the runs used the bundled smoke sets: curve.json, curve.md and the page say so plainly
    assert results["data"]["ifteval_sst2"]["origin"] == "smoke"
    assert curve["data_origin"] == {"ifteval_sst2": ["smoke"]}
    assert "**SMOKE SETS, NOT REAL DATA:** ifteval_sst2" in (curve_dir / "curve.md").read_text()
    _assert_visible_smoke_banner(page, '<table class="compact phases">', ["ifteval_sst2"])


def test_embedded_json_cannot_close_its_script_element() -> None:
    from ifteval.report.samples import script_json

    hostile = {"prediction": "</script><script>alert(1)</script><!-- & \u2028", "x": ["</SCRIPT >"]}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == hostile  # the escapes are plain JSON: the page's JSON.parse gets it back


@pytest.mark.slow  # the run fixture loads the embedded model
def test_run_section_shows_provenance_and_never_a_secret(
    demo_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = json.loads((demo_run / "results.json").read_text())
    # results.json never holds a key (the runner redacts it); a hand-edited copy must not leak one either
    results["config"]["model_args"].update(api_key="sk-report-secret", base_url="http://user:pw@host:8000/v1")
    run = tmp_path / "run"
    write_json(run / "results.json", results)
    for sample in demo_run.glob("samples_*.jsonl"):
        (run / sample.name).write_bytes(sample.read_bytes())
    out = tmp_path / "run.html"
    code, err = _report(capsys, str(run), "--output", str(out))
    assert code == 0, err
    page = out.read_text()
    assert "sk-report-secret" not in page and "user:pw" not in page and "&lt;redacted&gt;" in page
    for task, signature in results["signatures"].items():
        assert signature in page and f"of {results['n-samples'][task]['original']}" in page
    for package, version in results["package_versions"].items():
        assert f"<th>{package}</th><td><code>{version}</code>" in page


def test_a_capped_browser_keeps_the_most_disagreeing_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-samples 4 of 12 judged rows (written by the record writer): the invalid row, then the three
    largest |a - b|, ties in file order; before, the first four rows of the file were kept."""
    from ifteval.record import Record, write_records
    from ifteval.types import Sample, Verdict

    gaps = [0.0, 0.1, 0.9, 0.2, 0.5, 0.0, 0.7, 0.5, 0.3, 0.0, 0.1, 0.0]
    records = []
    for i, gap in enumerate(gaps):
        b = Verdict(None, "unparsed", "no score in the reply", raw="?") if i == 11 else Verdict(0.1 + gap)
        row = {"id": f"d{i}", "prompt": f"prompt {i}", "prediction": f"answer {i}", "reference": "ref",
               "task": "ifteval_xsum"}
        records.append(Record(Sample(**row), {"a": Verdict(0.1), "b": b}, row))
    judged = tmp_path / "judged.jsonl"
    write_records(judged, records)
    out = tmp_path / "judged.html"
    code, err = _report(capsys, str(judged), "--output", str(out), "--max-samples", "4")
    assert code == 0, err
    page = out.read_text()
    blob = re.search(r'<script type="application/json" id="sample-data">(.*?)</script>', page, re.S)
    shown = [row["id"] for row in json.loads(blob.group(1))["rows"]]
    # d11 (invalid), then gaps 0.9 (d2), 0.7 (d6), 0.5 (d4 before d7: file order), shown in file order
    assert shown == ["d2", "d4", "d6", "d11"]
    assert "Only the 4 most disagreeing samples of each task are embedded" in page
    assert "ifteval_xsum: the 4 most disagreeing of 12." in page
