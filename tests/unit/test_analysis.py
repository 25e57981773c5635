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


def _where_split(text: str) -> tuple[bool, bool]:
    """In a fresh process: (same sentences as here, helper process started)."""
    import subprocess
    import sys

    code = f"""
import reader.analysis as analysis
text = {text!r}
same = analysis.HelperProcessAnalyser(timeout=120).split([text], "en") == analysis.split_here(
    [text], "en"
)
print(same, analysis._pool is not None)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    same, started = done.stdout.split()
    return same == "True", started == "True"


def test_a_long_english_text_is_split_in_the_helper_and_a_short_one_here() -> None:
    """A long article's parts would hold the app's GIL (and freeze the screen) while
    they are split; a sentence is quicker here than a round trip."""
    assert _where_split("The cat sleeps on the mat. " * 1000) == (True, True)
    assert _where_split("The cat sleeps on the mat.") == (True, False)
