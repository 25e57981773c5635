"""The reader's own translations: an edit or a chosen n-best alternative beats every
model and the cache, survives re-opening and re-translation until the source changes,
and is exported with the article, marked as edited."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reader.core.packages import install_file
from reader.core.store import MIGRATIONS, Store
from reader.paths import get_paths
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader

KO = "고양이 가 학교 간다."


def _pair(service: ReaderService, text: str = KO, model: str = "translate-ko_en") -> dict[str, Any]:
    pair: dict[str, Any] = service.translate_text(text, "ko", "en", model=model)["pairs"][0]
    return pair


@pytest.mark.usefixtures("installed_tiny_models", "installed_families", "no_network")
class TestEdits:
    def test_an_edit_beats_the_model_and_the_cache(self) -> None:
        service = ReaderService()
        assert _pair(service)["target"] == "cat 가 school 간다."  # now cached
        service.set_sentence_translation(KO, "ko", "en", "The cat goes to school.")
        pair = _pair(service)
        assert pair["target"] == "The cat goes to school."
        assert (pair["edited"], pair["confidence"], pair["reason"]) == (
            "edit",
            1.0,
            "edited by you",
        )
        assert _pair(service, model="nllb-tiny")["target"] == "The cat goes to school."

    def test_it_survives_reopening_and_retranslation_until_the_source_changes(self) -> None:
        ReaderService().set_sentence_translation(KO, "ko", "en", "The cat goes to school.")
        again = ReaderService()  # a new process, the engines loaded afresh
        again.store.connection.execute("DELETE FROM translations")  # the cache emptied
        assert _pair(again)["target"] == "The cat goes to school."
        changed = _pair(again, "고양이 가 학교 간다!")
        assert changed["target"] == "cat 가 school 간다!" and "edited" not in changed

    def test_the_model_translation_is_still_there_to_compare(self) -> None:
        service = ReaderService()
        service.set_sentence_translation(KO, "ko", "en", "The cat goes to school.")
        [own] = service.translations.translate([KO], "ko", "en")
        [model] = service.translations.translate(
            [KO], "ko", "en", model="translate-ko_en", own_translations=False
        )
        assert own is not None and own.user == "edit"
        assert model is not None and model.target == "cat 가 school 간다."

    def test_the_text_is_cleaned_and_an_empty_one_forgets_the_edit(self) -> None:
        service = ReaderService()
        kept = service.set_sentence_translation(KO, "ko", "en", "The \x1b[31mcat\n goes.")
        assert kept == "The cat goes."
        assert _pair(service)["target"] == "The cat goes."
        service.set_sentence_translation(KO, "ko", "en", "  ")
        assert _pair(service)["target"] == "cat 가 school 간다."
        with pytest.raises(ServiceError, match="at most"):
            service.set_sentence_translation(KO, "ko", "en", "x" * 5000)
        with pytest.raises(ServiceError, match="unknown kind"):
            service.set_sentence_translation(KO, "ko", "en", "x", kind="guess")

    def test_an_edit_is_exported_with_the_article_and_marked(self, tmp_path: Path) -> None:
        service = ReaderService()
        article = service.save_text(KO + " 오늘 비.").article
        service.set_sentence_translation(KO, "ko", "en", "The cat goes to school.")
        markdown = tmp_path / "article.md"
        document = service.export_article(article.id, "md", "interlinear", markdown)
        segments = [segment for paragraph in document.paragraphs for segment in paragraph]
        assert [(s.target, s.edited) for s in segments] == [
            ("The cat goes to school.", True),
            ("today 비.", False),
        ]
        text = markdown.read_text(encoding="utf-8")
        assert "*The cat goes to school. ✎*" in text and "*today 비.*" in text
        html = tmp_path / "article.html"
        service.export_article(article.id, "html", "side-by-side", html)
        assert '<span class="edited" title="edited by the reader">The cat goes' in html.read_text(
            encoding="utf-8"
        )


@pytest.mark.usefixtures("no_network")
def test_a_chosen_alternative_survives_reopening_and_retranslation(
    ambiguous_package: Path,
) -> None:
    install_file(ambiguous_package, get_paths().effective_models_dir())
    service = ReaderService()
    [outcome] = service.translations.translate(["고양이 학교 책."], "ko", "en")
    assert outcome is not None and outcome.alternatives
    chosen = outcome.alternatives[0]
    service.set_sentence_translation("고양이 학교 책.", "ko", "en", chosen, kind="alternative")
    reopened = ReaderService()
    reopened.store.connection.execute("DELETE FROM translations")
    pair = _pair(reopened, "고양이 학교 책.", model="translate-ko_en@1.0")
    assert (pair["target"], pair["edited"]) == (chosen, "alternative")
    assert pair["reason"] == "alternative you chose"


def test_migration_7_keeps_the_data_and_backs_up(tmp_path: Path) -> None:
    """A schema-6 database gains the tables; its rows stay; the backup is written."""
    path = tmp_path / "reader.db"
    connection = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:6], start=1):
        connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {number}")
    connection.execute("INSERT INTO translations VALUES ('m', 'ko', 'en', '{}', 'h', 'cat', 'now')")
    connection.commit()
    connection.close()
    store = Store(path)
    assert store.schema_version() >= 7
    assert (tmp_path / "reader.db.v6.bak").exists()
    assert store.query("SELECT target FROM translations")[0][0] == "cat"
    assert store.query("SELECT count(*) FROM user_translations")[0][0] == 0
    store.close()


@pytest.mark.usefixtures("installed_tiny_models", "no_network")
def test_translate_set_keeps_and_forgets_a_sentence() -> None:
    done = run_reader("translate", "--set", "The cat goes to school.", "-", input=KO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"kept your translation (ko→en): {KO}"
    shown = run_reader("translate", "--json", "-", input=KO)
    [pair] = json.loads(shown.stdout)["pairs"]
    assert (pair["target"], pair["edited"]) == ("The cat goes to school.", "edit")
    two = run_reader("translate", "--set", "x", "-", input=KO + " 오늘 비.")
    assert two.returncode == 1 and "one sentence; the text has 2" in two.stderr
    forgot = run_reader("translate", "--set", "", "-", input=KO)
    assert forgot.stdout.startswith("forgot your translation")
    assert run_reader("translate", "-", input=KO).stdout.strip() == "cat 가 school 간다."
