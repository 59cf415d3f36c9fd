"""Bad input to estimate, calibrate, plan, judge --calibration: one line naming the flag or file, exit 2."""

from __future__ import annotations

import pytest

from ifteval.cli import main
from tests.trust.helpers import systems_frame, write_jsonl


@pytest.fixture
def data(tmp_path):
    frame = systems_frame(n_items=30, labelled=10)
    frame.loc[[0, 1, 15], "task"] = "rare"  # two labelled rows and one unlabelled in task "rare"
    frame["unscored"] = None
    return write_jsonl(frame, tmp_path / "d.jsonl")


@pytest.mark.parametrize(("args", "message"), [
    (["calibrate", "{data}", "--judges", ",", "-o", "{tmp}/m.json"], "--judges is empty"),
    (["calibrate", "{data}", "--judges", "judge", "-o", "{data}"], "is an input of this command"),
    (["calibrate", "{data}", "--judges", "judge", "-o", "{data}/m.json"], "which is a file, not a folder"),
    (["calibrate", "{data}", "--judges", "judge", "--human", "hidden", "-o", "{tmp}/m.json"],
     "unknown human column 'hidden' (--human)"),
    (["calibrate", "{data}", "--judges", "judge", "--folds", "1", "-o", "{tmp}/m.json"], "--folds must be"),
    (["calibrate", "{data}", "--judges", "judge", "--per-task", "-o", "{tmp}/m.json"],
     "for judge 'judge' in task 'rare'"),
    (["estimate", "{data}", "--judge", "unscored"], "judge column 'unscored' in"),
    (["estimate", "{data}", "--judge", "judge", "--per-task"], "--per-task only applies with --calibrate"),
    (["estimate", "{data}", "--judge", "judge", "--compare", "base:nobody"], "system 'nobody'"),
    (["plan", "{data}", "--judges", "judge", "--next", "5"], "--next K needs --output"),
    (["plan", "{data}", "--judges", "judge", "--width", "-1"], "--width must be positive"),
    (["plan", "{data}", "--judges", "judge", "--power", "2"], "--power must be between 0 and 1"),
    (["judge", "{data}", "--judges", "rouge1", "--calibration", "{tmp}/none.json", "-o", "{tmp}/j.jsonl"],
     "calibration file"),
    (["judge", "{data}", "--judges", "rouge1", "--calibration", "{data}", "-o", "{tmp}/j.jsonl"],
     "is not JSON"),
])
def test_one_line_and_exit_2(data, tmp_path, capsys, args, message):
    argv = [a.format(data=data, tmp=tmp_path) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and err.count("\n") == 0, err
    assert not (tmp_path / "m.json").exists() and not (tmp_path / "j.jsonl").exists()
