"""The LLM reply parse rules on a table of real-looking replies: decimals, labels, denominators, nulls."""

from __future__ import annotations

import pytest

from ifteval.errors import ConfigError
from ifteval.judges.parse import get_parser, parse_paired, parse_single

PAIRED_OK = [
    ("7.5,9", (7.5, 9.0), "template"),
    ("8,9", (8.0, 9.0), "template"),
    (" 8 , 9 ", (8.0, 9.0), "template"),
    ("10,10", (10.0, 10.0), "template"),
    ("0,0", (0.0, 0.0), "template"),
    ("7,5", (7.0, 5.0), "template"),  # a comma separates scores; it is never a decimal mark
    ("8;6", (8.0, 6.0), "template"),
    ("6, 8.\nExplanation: Response 1 has 3 errors.", (6.0, 8.0), "template"),
    ("Sure! Here are the scores:\n\n9,7", (9.0, 7.0), "template"),
    ("Score 1: 8\nScore 2: 9", (8.0, 9.0), "labelled"),
    ("Response 1: 7\nResponse 2: 10", (7.0, 10.0), "labelled"),
    ("**Response 1:** 9/10\n**Response 2:** 6/10", (9.0, 6.0), "labelled"),
    ("Response 1 gets 7 and Response 2 gets 9.", (7.0, 9.0), "labelled"),
    ("Response 1 (model): 6.5\nResponse 2 (gold): 8", (6.5, 8.0), "labelled"),
    ("8/10, 9/10", (8.0, 9.0), "template"),
    ("8.5/10,7/10", (8.5, 7.0), "template"),
    ("8.5 / 10 , 7/10.", (8.5, 7.0), "template"),
    ("Output: 6,8", (6.0, 8.0), "template"),
    ("Response 1: 8/10\nResponse 2: 9/10", (8.0, 9.0), "labelled"),
    ("1. 8\n2. 9", (8.0, 9.0), "labelled"),  # list item numbers are labels, not scores (was 1,8)
    ("1) 7.5/10\n2) 9/10", (7.5, 9.0), "labelled"),
    ("Score 1: 8\nScore 2: 9\n\n8,9", (8.0, 9.0), "template"),  # forms that agree
    ("I would rate them 7 out of 10 and 9 out of 10.", (7.0, 9.0), "out of 10"),
    ("<think>Response 1 misses 2 facts.</think>\n5,9", (5.0, 9.0), "template"),
]

PAIRED_NULL = [
    ("11,9", "outside 0-10"),
    ("8,12", "outside 0-10"),
    ("-1,5", "outside 0-10"),
    ("8", "found 1 score"),
    ("I'd give it an 8", "found 1 score"),
    ("The first response is good.", "found 0 score"),
    ("<score1 from 0 to 10>,<score2 from 0 to 10>", "found 0 score"),
    ("", "empty reply"),
    ("   \n", "empty reply"),
    # the old "first numbers" fallback read these silently wrong (issue: never a silent score)
    ("Response 1 has 3 errors. 6,9", "3 loose numbers"),  # was (3, 6)
    ("8,9,10", "3 loose numbers"),  # was (8, 9)
    ("Response 1 is better. 8,4", "ambiguous"),
    ("The first response has 2 errors, 7", "ambiguous"),
    ("8,9\n7,6", "ambiguous reply: 2 different score lines"),
    ("Score 1: 8\nScore 2: 9\n7,6", "ambiguous reply: template reads 7,6 but labelled reads 8,9"),
    ("Score 1: 8\nScore 1: 5\nScore 2: 9", "score 1 is given 2 different values"),
    ("Response 1 is 3 words long, Response 2 is 5 words long.", "ambiguous"),
]


@pytest.mark.parametrize(("reply", "scores", "rule"), PAIRED_OK)
def test_paired_reads_two_scores(reply: str, scores: tuple[float, float], rule: str) -> None:
    parsed = parse_paired(reply)
    assert parsed.scores == scores
    assert parsed.rule == rule
    assert parsed.ok


@pytest.mark.parametrize(("reply", "reason"), PAIRED_NULL)
def test_paired_nonconforming_reply_is_null_with_reason(reply: str, reason: str) -> None:
    parsed = parse_paired(reply)
    assert parsed.scores is None
    assert not parsed.ok
    assert reason in parsed.reason


@pytest.mark.parametrize(
    ("reply", "score"),
    [("8", 8.0), ("7.5", 7.5), ("Score: 7/10", 7.0), ("Rating = 3", 3.0),
     ("I would rate this 4 out of 10.", 4.0), ("9/10.", 9.0), ("0", 0.0)],
)
def test_single_reads_one_score(reply: str, score: float) -> None:
    assert parse_single(reply).scores == (score,)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [("12", "outside 0-10"), ("none", "found 0"), ("", "empty"),
     ("8,9", "2 loose numbers"),  # was 8
     ("Criteria 1: yes. 7", "2 loose numbers"),  # was 1
     ("Score 1: 8", "2 loose numbers"),
     ("The score is 8, the rating is 6.", "labelled with 2 different values"),
     ("8\n6", "ambiguous reply: 2 different score lines")],
)
def test_single_nonconforming_reply_is_null(reply: str, reason: str) -> None:
    parsed = parse_single(reply)
    assert parsed.scores is None
    assert reason in parsed.reason


def test_unknown_parse_rule_suggests_the_closest() -> None:
    assert get_parser("paired_csv") is parse_paired
    with pytest.raises(ConfigError, match="Did you mean 'paired_csv'"):
        get_parser("pared_csv")
