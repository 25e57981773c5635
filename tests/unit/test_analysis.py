"""The analysers: the helper process gives what this process would, and never hangs."""

from __future__ import annotations

import time

import pytest

from reader.analysis import (
    AnalysisTimeoutError,
    InProcessAnalyser,
    _analyse_in_helper,
    _lemma_in_helper,
    run_in_helper,
    split_here,
)


def test_a_helper_that_does_not_answer_is_a_clear_error_and_is_replaced() -> None:
    started = time.monotonic()
    with pytest.raises(AnalysisTimeoutError, match=r"did not answer within 0\.5 s"):
        run_in_helper(0.5, time.sleep, 30)
    assert time.monotonic() - started < 10
    assert run_in_helper(60, sorted, [3, 1, 2]) == [1, 2, 3]  # a new helper answers


def test_the_helper_analyses_korean_as_this_process_does() -> None:
    """What the helper answers (made there whether or not kiwipiepy is loaded here)."""
    text = "오늘 학교에서 친구를 만났다. 우리는 책을 읽었다."
    analysed = run_in_helper(120, _analyse_in_helper, [text], "ko", True)
    lemma, _ = run_in_helper(120, _lemma_in_helper, "학교에서", "ko")
    split = run_in_helper(120, split_here, [text], "ko")
    here = InProcessAnalyser()
    assert analysed == here.analyse_many([text], "ko")
    assert lemma == here.lemma_for("학교에서", "ko") == "학교"
    assert split == here.split([text], "ko")
