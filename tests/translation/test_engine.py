"""The fast CTranslate2 path, the argostranslate fallback, long sentences and the cache."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reader.config import Config
from reader.core.translation import ArgosEngine, CTranslate2Engine, Outcome
from reader.paths import get_paths
from reader.service import ReaderService, ServiceError
from tests.support.tiny_argos import TinyPackages

KO_PARAGRAPH = "고양이 가 학교 간다. 오늘 사과 를 먹는다! 친구 는 책 을 읽는다?"
KO_TARGETS = ["cat 가 school 간다.", "today apple 를 먹는다!", "friend 는 book 을 읽는다?"]
EN_PARAGRAPH = "The cat reads a book. I go to school!"
EN_TARGETS = ["The 고양이 reads a 책.", "I go to 학교!"]


def service_with(**translation: int) -> ReaderService:
    config = Config()
    for key, value in translation.items():
        setattr(config.translation, key, value)
    return ReaderService(config=config)


@pytest.mark.usefixtures("installed_tiny_models", "no_network")
class TestFastPath:
    def test_korean_to_english_sentence_by_sentence(self) -> None:
        result = ReaderService().translate_text(KO_PARAGRAPH)
        assert result["source_lang"] == "ko"
        assert result["target_lang"] == "en"
        assert result["model"] == "translate-ko_en@1.0"
        assert [pair["target"] for pair in result["pairs"]] == KO_TARGETS
        assert {pair["paragraph"] for pair in result["pairs"]} == {0}

    def test_english_to_korean_and_paragraphs_kept(self) -> None:
        result = ReaderService().translate_text(EN_PARAGRAPH + "\n\nThe apple.")
        assert result["source_lang"] == "en"
        assert [(p["paragraph"], p["target"]) for p in result["pairs"]] == [
            (0, EN_TARGETS[0]),
            (0, EN_TARGETS[1]),
            (1, "The 사과."),
        ]

    def test_direction_can_be_forced(self) -> None:
        result = ReaderService().translate_text("고양이", source="en", target="ko")
        assert result["source_lang"] == "en"
        with pytest.raises(ServiceError, match="cannot translate ko to ko"):
            ReaderService().translate_text("고양이", source="ko", target="ko")
        assert ReaderService().translate_text("cat", target="en")["source_lang"] == "ko"

    def test_a_paragraph_in_the_other_language_is_translated_the_other_way(self) -> None:
        service = ReaderService()
        text = "고양이 가 잔다. 오늘 비.\n\nThe cat sleeps. The book is new."
        article = service.save_text(text).article
        result = service.translate_article_pairs(article)
        assert (result["source_lang"], result["target_lang"]) == ("ko", "en")
        assert result["model"] == "translate-ko_en@1.0"
        assert [(p["paragraph"], p["target"]) for p in result["pairs"]] == [
            (0, "cat 가 잔다."),
            (0, "today 비."),
            (1, "The 고양이 sleeps."),  # before: kept as it was, one sentence
            (1, "The 책 is new."),
        ]
        english = result["pairs"][2]
        assert (english["source_lang"], english["target_lang"]) == ("en", "ko")
        assert english["model"] == "translate-en_ko@1.0"
        assert "source_lang" not in result["pairs"][0]

    def test_a_korean_paragraph_in_an_english_page_is_translated(self) -> None:
        service = ReaderService()
        text = "The cat sleeps. The book is new.\n\n친구 는 책 을 읽는다.\n\nThe apple."
        result = service.translate_text(text)
        assert (result["source_lang"], result["target_lang"]) == ("en", "ko")
        assert [p["target"] for p in result["pairs"] if p["paragraph"] == 1] == [
            "friend 는 book 을 읽는다."  # before: kept in Korean
        ]

    def test_one_direction_per_article_keeps_the_paragraph(self) -> None:
        config = Config()
        config.translation.per_paragraph = False
        service = ReaderService(config=config)
        article = service.save_text("고양이 가 잔다. 오늘 비.\n\nThe cat sleeps.").article
        result = service.translate_article_pairs(article)
        assert [p["target"] for p in result["pairs"]][2] == "The cat sleeps."

    def test_a_forced_direction_applies_to_every_paragraph(self) -> None:
        result = ReaderService().translate_text(
            "고양이 가 잔다.\n\nThe cat sleeps.", source="ko", target="en"
        )
        assert [p["target"] for p in result["pairs"]] == ["cat 가 잔다.", "The cat sleeps."]

    def test_engine_is_the_fast_one(self) -> None:
        engine = ReaderService().translations.engine("ko", "en")
        assert isinstance(engine, CTranslate2Engine)

    def test_long_sentence_is_split_at_clauses_not_truncated(self) -> None:
        service = service_with(max_sentence_tokens=6)
        sentence = "고양이 가 학교 간다, 친구 는 책 을 읽는다, 오늘 사과 를 먹는다."
        outcome = service.translations.translate([sentence], "ko", "en")[0]
        assert outcome == Outcome(
            "cat 가 school 간다, friend 는 book 을 읽는다, today apple 를 먹는다."
        )

    def test_a_failing_sentence_is_marked_and_the_rest_continue(self) -> None:
        # The tiny model knows 320 positions; with no splitting limit, a longer
        # sentence fails inside CTranslate2.
        service = service_with(max_sentence_tokens=5000)
        too_long = " ".join(["고양이"] * 400)
        outcomes = service.translations.translate(
            ["고양이 가 잔다.", too_long, "오늘 책."], "ko", "en"
        )
        assert outcomes[0] == Outcome("cat 가 잔다.")
        assert outcomes[1] is not None and outcomes[1].error and "model failed" in outcomes[1].error
        assert outcomes[2] == Outcome("today book.")

    def test_unknown_characters_are_copied(self) -> None:
        outcome = ReaderService().translations.translate(["고양이 햄버거"], "ko", "en")[0]
        assert outcome == Outcome("cat 햄버거")


@pytest.mark.usefixtures("installed_tiny_models", "no_network")
class TestCache:
    def test_second_translation_comes_from_the_cache(self) -> None:
        service = ReaderService()
        first = service.translations.translate(["고양이 가 잔다."], "ko", "en")
        assert first == [Outcome("cat 가 잔다.")]
        again = ReaderService().translations.translate(["고양이 가 잔다."], "ko", "en")
        assert again == [Outcome("cat 가 잔다.", cached=True)]

    def test_decoding_options_are_part_of_the_key(self) -> None:
        ReaderService().translations.translate(["고양이 가 잔다."], "ko", "en")
        other = service_with(beam_size=1).translations.translate(["고양이 가 잔다."], "ko", "en")
        assert other == [Outcome("cat 가 잔다.")]

    def test_removing_a_model_drops_only_its_entries(self) -> None:
        service = ReaderService()
        service.translations.translate(["고양이."], "ko", "en")
        service.translations.translate(["The cat."], "en", "ko")
        service.models_remove("ko-en")
        rows = service.store.query("SELECT model FROM translations")
        assert [row[0] for row in rows] == ["translate-en_ko@1.0"]

    def test_reopening_an_article_does_not_load_the_model(self) -> None:
        service = ReaderService()
        article = service.save_text(KO_PARAGRAPH, title="고양이").article
        service.translate_article_pairs(article)
        reopened = ReaderService()
        pairs = reopened.translate_article_pairs(reopened.article(article.id))
        assert [pair["target"] for pair in pairs["pairs"]] == KO_TARGETS
        engine = reopened.translations.engine("ko", "en")
        assert isinstance(engine, CTranslate2Engine)
        assert engine._translator is None  # never loaded


def test_no_model_names_the_install_command() -> None:
    with pytest.raises(ServiceError) as raised:
        ReaderService().translate_text("The cat.")
    message = str(raised.value)
    assert "\n" not in message
    assert "reader models install en-ko" in message


@pytest.mark.usefixtures("no_network")
def test_same_output_as_argostranslate(tiny_packages: TinyPackages, reader_home: Path) -> None:
    """Our sentences, joined, equal argostranslate.translate() on the same paragraph and beam."""
    from reader.core.packages import argos_package_module

    models_dir = reader_home / "models"
    argos_package = argos_package_module(models_dir)
    argos_package.install_from_path(tiny_packages.ko_en)
    argos_package.install_from_path(tiny_packages.en_ko)
    from argostranslate import translate as argos_translate

    argos_translate.get_installed_languages.cache_clear()
    argos_translate.installed_translates.clear()
    service = service_with(beam_size=4)
    for paragraph, source, target in ((KO_PARAGRAPH, "ko", "en"), (EN_PARAGRAPH, "en", "ko")):
        ours = service.translate_text(paragraph, source=source, target=target)
        theirs = argos_translate.translate(paragraph, source, target)
        assert " ".join(pair["target"] for pair in ours["pairs"]) == theirs


def _multilingual_copy(archive: Path, work_dir: Path) -> Path:
    """The same package with a ``languages`` list, which the fast path does not handle."""
    copy = work_dir / "multilingual.argosmodel"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("metadata.json"):
                metadata = json.loads(data)
                metadata["languages"] = [{"code": "ko"}, {"code": "en"}]
                data = json.dumps(metadata).encode()
            target.writestr(item, data)
    return copy


@pytest.mark.usefixtures("no_network")
def test_fallback_to_argostranslate_for_other_packages(
    tiny_packages: TinyPackages, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = ReaderService()
    service.models_install(str(_multilingual_copy(tiny_packages.ko_en, tmp_path)))
    with caplog.at_level(logging.INFO, logger="reader.core.translation"):
        engine = service.translations.engine("ko", "en")
    assert isinstance(engine, ArgosEngine)
    assert "multilingual package" in caplog.text
    result = service.translate_text(KO_PARAGRAPH)
    assert [pair["target"] for pair in result["pairs"]] == KO_TARGETS


def test_fast_path_never_imports_argostranslate_translate(installed_tiny_models: Path) -> None:
    script = (
        "import sys\n"
        "from reader.service import ReaderService\n"
        "result = ReaderService().translate_text('고양이 가 잔다.')\n"
        "heavy = [m for m in ('argostranslate.translate', 'torch', 'stanza') if m in sys.modules]\n"
        "print(result['pairs'][0]['target'], heavy)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert output.strip() == "cat 가 잔다. []"


@pytest.mark.usefixtures("no_network")
def test_pivot_through_a_third_language_uses_argostranslate(
    tiny_packages: TinyPackages, tmp_path: Path
) -> None:
    """ko→ja and ja→en packages installed by another Argos tool are chained."""
    from tests.support.tiny_argos import build_package, train_sentencepiece

    models_dir = get_paths().effective_models_dir()
    sentencepiece_model = train_sentencepiece()
    for source, target in (("ko", "ja"), ("ja", "en")):
        archive = build_package(tmp_path, source, target, sentencepiece_model)
        with zipfile.ZipFile(archive) as zip_file:
            zip_file.extractall(models_dir)
    service = ReaderService()
    assert isinstance(service.translations.engine("ko", "en"), ArgosEngine)
    # ko→ja maps 고양이 to cat, ja→en (built as the reverse dictionary) maps it back.
    result = service.translate_text("고양이 가 잔다.", source="ko", target="en")
    assert result["pairs"][0]["target"] == "고양이 가 잔다."
    assert result["model"].startswith("translate-ko_en@")
