"""The glossary steering real translations: every family's tiny model, the cache, the
fallback when a model damages a sentinel, and ``reader translate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.core.packages import install_file
from reader.core.steering import SENTINEL
from reader.paths import get_paths
from reader.service import ReaderService
from tests.conftest import run_reader

KO_MODELS = ["translate-ko_en", "opus-mt-ko-en", "nllb-tiny", "m2m100-tiny"]
EN_MODELS = ["translate-en_ko", "nllb-tiny", "m2m100-tiny"]


def _service(*terms: tuple[str, str, str]) -> ReaderService:
    service = ReaderService()
    for text, gloss, lang in terms:
        service.add_term(text, gloss=gloss, lang=lang)
    return service


def _targets(
    service: ReaderService, text: str, source: str, model: str | None = None
) -> list[dict[str, Any]]:
    target = "en" if source == "ko" else "ko"
    result = service.translate_text(text, source=source, target=target, model=model)
    pairs: list[dict[str, Any]] = [dict(pair) for pair in result["pairs"]]
    return pairs


def _no_sentinel_anywhere(
    service: ReaderService, pairs: list[dict[str, Any]], gloss: str = ""
) -> None:
    """No sentinel in the pairs, their alternatives or the cache (``gloss`` is a gloss
    that looks like one: it is taken out first)."""

    def check(text: str) -> None:
        assert not SENTINEL.search(text.replace(gloss, "") if gloss else text), text

    for pair in pairs:
        check(pair["target"])
        for alternative in pair["alternatives"]:
            check(alternative)
    for row in service.store.query("SELECT target FROM translations"):
        check(row[0])
    for row in service.store.query("SELECT alternatives FROM translation_details"):
        check(row[0])


@pytest.mark.usefixtures("installed_tiny_models", "installed_families", "no_network")
class TestEveryFamily:
    @pytest.mark.parametrize("model", KO_MODELS)
    def test_korean_terms_with_their_particles_come_out_as_the_gloss(self, model: str) -> None:
        service = _service(("외교", "diplomacy", "ko"), ("책", "tome", "ko"))
        # Only dictionary words besides the terms: the tiny OPUS-MT model's English
        # SentencePiece cannot write other Korean words.
        pairs = _targets(service, "외교를 학교. 외교는 책 외교 친구. 외교부 가 크다.", "ko", model)
        assert [p["target"] for p in pairs][:2] == [
            "diplomacy school.",
            "diplomacy tome diplomacy friend.",  # several terms, the same one twice
        ]
        assert "diplomacy" not in pairs[2]["target"]  # 외교부 is another word
        assert pairs[0]["terms"] == [{"term": "외교", "gloss": "diplomacy", "applied": True}]
        assert [t["term"] for t in pairs[1]["terms"]] == ["외교", "책"]
        assert pairs[2]["terms"] == []
        _no_sentinel_anywhere(service, pairs)

    @pytest.mark.parametrize("model", EN_MODELS)
    def test_english_terms_come_out_as_the_korean_gloss(self, model: str) -> None:
        service = _service(("policy", "정책", "en"), ("sea", "[2] 바다", "en"))
        pairs = _targets(service, "The policies see the sea.", "en", model)
        # the gloss that looks like a sentinel is put in as it is
        assert pairs[0]["target"] == "The 정책 see the [2] 바다."
        assert all(t["applied"] for t in pairs[0]["terms"])
        _no_sentinel_anywhere(service, pairs, gloss="[2] 바다")

    @pytest.mark.parametrize("model", EN_MODELS)
    def test_kept_and_ignored_terms_stay_as_they_are(self, model: str) -> None:
        service = _service(("cat", "고양이", "en"), ("book", "책", "en"))
        service.keep_term_text("cat", lang="en")
        book = service.list_terms(lang="en", text="book")[0]
        service.set_term_status(book.id, "ignored")
        pairs = _targets(service, "The cat reads a book.", "en", model)
        assert pairs[0]["target"] == "The cat reads a book."  # unsteered: 고양이, 책
        unsteered = _targets(service, "The cat reads a book.", "en", model)
        assert unsteered[0]["target"] == "The cat reads a book."
        plain = service.translate_text("The cat reads a book.", "en", "ko", model, glossary=False)
        assert plain["pairs"][0]["target"] == "The 고양이 reads a 책."


@pytest.mark.usefixtures("installed_tiny_models", "no_network")
class TestCache:
    def test_editing_a_gloss_retranslates_only_the_sentences_holding_it(self) -> None:
        service = _service(("외교", "diplomacy", "ko"))
        sentences = ["외교를 좋다.", "고양이 가 간다."]
        service.translations.translate(sentences, "ko", "en", glossary=_glossary(service))
        again = service.translations.translate(sentences, "ko", "en", glossary=_glossary(service))
        assert [o.cached for o in again if o] == [True, True]
        assert again[0] is not None and again[0].terms[0].applied
        term = service.list_terms(lang="ko")[0]
        term.gloss = "statecraft"
        service.update_term(term)
        edited = service.translations.translate(sentences, "ko", "en", glossary=_glossary(service))
        assert [(o.target, o.cached) for o in edited if o] == [
            ("statecraft 좋다.", False),
            ("cat 가 간다.", True),
        ]

    def test_dropping_a_models_cache_drops_its_details(self) -> None:
        service = _service(("외교", "diplomacy", "ko"))
        service.translations.translate(["외교 좋다."], "ko", "en", glossary=_glossary(service))
        assert service.store.query("SELECT count(*) FROM translation_details")[0][0] == 1
        service.store.drop_translations("translate-ko_en")
        assert service.store.query("SELECT count(*) FROM translation_details")[0][0] == 0

    def test_without_the_glossary_the_plain_entry_is_used(self) -> None:
        service = _service(("외교", "diplomacy", "ko"))
        steered = service.translations.translate(
            ["외교 좋다."], "ko", "en", glossary=_glossary(service)
        )
        plain = service.translations.translate(["외교 좋다."], "ko", "en")
        assert steered[0] is not None and steered[0].target == "diplomacy 좋다."
        assert plain[0] is not None and (plain[0].target, plain[0].cached) == ("외교 좋다.", False)


def _glossary(service: ReaderService):  # type: ignore[no-untyped-def]
    return service.glossary_for(("ko", "en"))


@pytest.mark.usefixtures("no_network")
class TestDamagedSentinels:
    @pytest.fixture(autouse=True)
    def _breaking_model(self, sentinel_breaking_package: Path) -> None:
        install_file(sentinel_breaking_package, get_paths().effective_models_dir())

    def test_the_model_really_damages_them(self) -> None:
        engine = ReaderService().translations.engine("ko", "en")
        assert engine.translate(["[1] 좋다."])[0].target == "[2] 좋다."
        assert engine.translate(["[1] [2] 좋다."])[0].target == "[2] [2] 좋다."

    @pytest.mark.parametrize(
        ("text", "plain"),
        [
            ("외교를 좋다.", "외교를 좋다."),  # [1] dropped
            ("외교 책 좋다.", "외교 book 좋다."),  # [1] dropped, [2] duplicated
        ],
    )
    def test_a_damaged_sentence_falls_back_to_the_plain_translation(
        self, text: str, plain: str
    ) -> None:
        service = _service(("외교", "diplomacy", "ko"), ("책", "tome", "ko"))
        pairs = _targets(service, text, "ko")
        assert pairs[0]["target"] == plain
        assert pairs[0]["terms"] and not any(t["applied"] for t in pairs[0]["terms"])
        assert "not applied" in pairs[0]["reason"]
        assert pairs[0]["confidence"] <= 0.6
        cached = _targets(service, text, "ko")  # from the cache: the same, still marked
        assert cached[0]["target"] == plain and not cached[0]["terms"][0]["applied"]
        _no_sentinel_anywhere(service, pairs + cached)

    def test_no_sentinel_reaches_an_export(self, tmp_path: Path) -> None:
        service = _service(("외교", "diplomacy", "ko"))
        article = service.save_text("외교를 좋다. 외교 책 좋다.").article
        document = service.bilingual_document(article.id)
        targets = [segment.target for paragraph in document.paragraphs for segment in paragraph]
        assert targets and not any(SENTINEL.search(target) for target in targets)


@pytest.mark.usefixtures("installed_tiny_models", "no_network")
class TestCommand:
    def test_json_pairs_carry_terms_confidence_and_reason(self) -> None:
        _service(("외교", "diplomacy", "ko"))
        done = run_reader("translate", "--json", "-", input="외교를 좋다.")
        assert done.returncode == 0, done.stderr
        [pair] = json.loads(done.stdout)["pairs"]
        assert pair["target"] == "diplomacy 좋다."
        assert pair["terms"] == [{"term": "외교", "gloss": "diplomacy", "applied": True}]
        assert 0.0 <= pair["confidence"] <= 1.0 and pair["reason"]

    def test_no_glossary_compares(self) -> None:
        _service(("외교", "diplomacy", "ko"))
        done = run_reader("translate", "--no-glossary", "-", input="외교를 좋다.")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "외교를 좋다."

    def test_the_setting_turns_it_off(self, reader_home: Path) -> None:
        _service(("외교", "diplomacy", "ko"))
        get_paths().config_file.write_text("[translation]\nglossary = false\n", encoding="utf-8")
        done = run_reader("translate", "-", input="외교를 좋다.")
        assert done.stdout.strip() == "외교를 좋다."

    def test_keep_command(self) -> None:
        _service(("cat", "고양이", "en"))
        done = run_reader("terms", "keep", "cat", "--lang", "en")
        assert done.returncode == 0 and "1 term kept as is" in done.stdout
        assert run_reader("translate", "-", input="The cat.").stdout.strip() == "The cat."
        run_reader("terms", "keep", "cat", "--lang", "en", "--off")
        assert run_reader("translate", "-", input="The cat.").stdout.strip() == "The 고양이."
        missing = run_reader("terms", "keep", "dog", "--lang", "en")
        assert missing.returncode != 0 and "no term 'dog'" in missing.stderr
