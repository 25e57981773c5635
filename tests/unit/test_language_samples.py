"""A document's language is detected from one sample (title and first paragraphs), and
its paragraphs are split by the rules of their own language, one analyser call per
language: the service's copies of both are gone."""

from __future__ import annotations

from collections.abc import Sequence

from reader.analysis import InProcessAnalyser
from reader.core.models import Sentence
from reader.core.text import LANGUAGE_SAMPLE_PARAGRAPHS, sample_language
from reader.service import ReaderService


class CountingAnalyser(InProcessAnalyser):
    """The real in-process analyser, counting the splits asked of it."""

    def __init__(self) -> None:
        self.splits: list[tuple[int, str]] = []

    def split(self, paragraphs: Sequence[str], lang: str) -> list[list[Sentence]]:
        self.splits.append((len(paragraphs), lang))
        return super().split(paragraphs, lang)


def test_the_sample_is_the_title_and_the_first_paragraphs() -> None:
    english = ["An English paragraph."] * LANGUAGE_SAMPLE_PARAGRAPHS
    assert sample_language([*english, "한국어 문단 " * 200]) == "en"  # the 21st is not read
    assert sample_language(english, title="한국어 제목 " * 200) == "ko"
    assert sample_language(["1234", "—"]) is None


def test_paragraphs_are_split_in_their_own_language_in_one_call_per_language() -> None:
    analyser = CountingAnalyser()
    service = ReaderService(analyser=analyser)
    try:
        paragraphs = [
            "오늘 학교에 갔다. 친구를 만났다.",
            "Dr. Kim said hello. Then he left.",
            "내일 또 간다.",
            "2026",
        ]
        split = service.split_by_language(paragraphs, "ko")
        assert [[s.text for s in sentences] for sentences in split] == [
            ["오늘 학교에 갔다.", "친구를 만났다."],
            ["Dr. Kim said hello.", "Then he left."],
            ["내일 또 간다."],
            ["2026"],
        ]
        assert sorted(analyser.splits) == [(1, "en"), (3, "ko")]
    finally:
        service.close()
