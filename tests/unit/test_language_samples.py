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


def test_the_app_the_service_and_the_prefetcher_split_alike() -> None:
    """One per-language split (core/paragraph_split.py) serves all three: the same
    sentences, one analyser call per language each; the app and the prefetcher keep a
    paragraph without sentences whole, the service leaves it empty."""
    from reader.core.prefetch import split_by_language
    from reader.ui.translation import split_paragraphs

    analyser = CountingAnalyser()
    service = ReaderService(analyser=analyser)
    try:
        paragraphs = ["오늘 학교에 갔다. 친구를 만났다.", "Dr. Kim said hello. Then he left.", " "]
        texts = [["오늘 학교에 갔다.", "친구를 만났다."], ["Dr. Kim said hello.", "Then he left."]]
        from_service = service.split_by_language(paragraphs, "ko")
        assert [[s.text for s in sentences] for sentences in from_service] == [*texts, []]
        for split in (
            split_paragraphs(service, paragraphs, "ko"),
            split_by_language(service.split_paragraphs, paragraphs, "ko"),
        ):
            assert [[s.text for s in sentences] for sentences in split] == [*texts, [" "]]
        assert sorted(analyser.splits) == [(1, "en")] * 3 + [(2, "ko")] * 3
    finally:
        service.close()
