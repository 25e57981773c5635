"""Several models for a direction: the user's choice, else the catalogue's quality order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.model_registry import catalogue, catalogue_entry
from reader.core.translation import Outcome
from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader

KO = "고양이 가 학교 간다."


def test_the_catalogue_has_the_models_the_issue_names() -> None:
    names = [entry.name for entry in catalogue()]
    for name in (
        "translate-ko_en",
        "translate-en_ko",
        "opus-mt-ko-en",
        "opus-mt-tc-big-ko-en",
        "nllb-200-distilled-600M-int8",
        "nllb-200-distilled-1.3B-int8",
    ):
        assert name in names
    assert [e.rank for e in catalogue()] == sorted(e.rank for e in catalogue())
    nllb = catalogue_entry("nllb-200-distilled-600M-int8")
    assert nllb is not None and nllb.non_commercial and nllb.licence == "CC-BY-NC-4.0"
    assert all(f.sha256 and f.size for f in nllb.files)
    assert sum(f.size or 0 for f in nllb.files) == nllb.size_bytes
    for entry in catalogue():
        assert entry.quality and all(q.source for q in entry.quality)
        for file in entry.files:  # pinned: a 40-hex commit, never a branch name
            assert len(file.revision) == 40 and int(file.revision, 16) >= 0


@pytest.mark.usefixtures("installed_tiny_models", "installed_families", "no_network")
class TestChoice:
    def test_best_by_quality_order_when_nothing_is_chosen(self) -> None:
        service = ReaderService()
        # OPUS-MT (rank 4) above Argos (rank 6); the tiny NLLB/M2M models are not in the
        # catalogue, so they come last.
        assert service.translations.engine("ko", "en").model.name == "opus-mt-ko-en"
        ranked = [m.name for m in service.models_for_direction("ko", "en")]
        assert ranked == ["opus-mt-ko-en", "translate-ko_en", "m2m100-tiny", "nllb-tiny"]
        assert service.translations.engine("en", "ko").model.name == "translate-en_ko"

    def test_the_catalogue_rank_beats_argos(self, installed_families: Path) -> None:
        (installed_families / "nllb-tiny").rename(
            installed_families / "nllb-200-distilled-600M-int8"
        )
        service = ReaderService()
        assert service.model_for("ko", "en").name == "nllb-200-distilled-600M-int8"  # type: ignore[union-attr]
        assert service.model_for("en", "ko").name == "nllb-200-distilled-600M-int8"  # type: ignore[union-attr]

    def test_use_is_remembered_and_switching_never_shows_another_models_text(self) -> None:
        service = ReaderService()
        service.models_use("ko-en", "translate-ko_en")
        first = service.translations.translate([KO], "ko", "en")
        assert first == [Outcome("cat 가 school 간다.")]
        service.models_use("ko-en", "nllb-tiny")
        again = ReaderService()
        assert again.translations.engine("ko", "en").model.name == "nllb-tiny"
        second = again.translations.translate([KO], "ko", "en")
        assert second == [Outcome("cat 가 school 간다.", cached=False)]  # its own, not cached
        assert again.model_for("en", "ko").name == "translate-en_ko"  # type: ignore[union-attr]

    def test_use_refuses_unknown_models_and_wrong_directions(self) -> None:
        service = ReaderService()
        with pytest.raises(ServiceError, match="no model named 'nope'"):
            service.models_use("ko-en", "nope")
        with pytest.raises(ServiceError, match="translates ko-en, not en-ko"):
            service.models_use("en-ko", "opus-mt-ko-en")
        with pytest.raises(ServiceError, match="unknown language pair"):
            service.models_use("ko-fr", "nllb-tiny")

    def test_remove_drops_only_its_cache_entries_and_the_choice(self) -> None:
        service = ReaderService()
        service.models_use("ko-en", "nllb-tiny")
        service.translations.translate([KO], "ko", "en")
        service.translations.translate([KO], "ko", "en", model="m2m100-tiny")
        [removed] = service.models_remove("nllb-tiny")
        assert removed.name == "nllb-tiny" and not removed.path.exists()
        rows = service.store.query("SELECT DISTINCT model FROM translations")
        assert [row[0] for row in rows] == ["m2m100-tiny@local"]
        assert service.translations.preferred_model("ko", "en") is None
        assert service.model_for("ko", "en").name == "opus-mt-ko-en"  # type: ignore[union-attr]

    def test_translate_with_a_model_that_does_not_serve_the_direction(self) -> None:
        with pytest.raises(ServiceError, match="does not translate en→ko"):
            ReaderService().translate_text("The cat.", model="opus-mt-ko-en")


@pytest.mark.usefixtures("installed_tiny_models", "installed_families")
def test_models_cli_list_use_translate_available() -> None:
    listing = json.loads(run_reader("models", "list", "--json").stdout)["installed"]
    by_name = {m["name"]: m for m in listing}
    assert by_name["nllb-tiny"]["family"] == "nllb"
    assert by_name["nllb-tiny"]["pairs"] == ["ko-en", "en-ko"]
    assert by_name["opus-mt-ko-en"]["pairs"] == ["ko-en"]
    assert by_name["opus-mt-ko-en"]["serves"] == ["ko-en"]
    assert by_name["translate-en_ko"]["serves"] == ["en-ko"]
    assert by_name["translate-ko_en"]["serves"] == []
    assert by_name["translate-ko_en"]["licence"] == "MIT"
    assert by_name["nllb-tiny"]["serves"] == []

    used = run_reader("models", "use", "ko-en", "m2m100-tiny")
    assert used.returncode == 0 and used.stdout == "ko-en: m2m100-tiny\n"
    plain = run_reader("models", "list").stdout
    assert "m2m100-tiny\tM2M-100\tko-en,en-ko\tlocal" in plain and "serves ko-en" in plain

    once = json.loads(
        run_reader("translate", "--json", "--model", "opus-mt-ko-en", input=KO).stdout
    )
    assert once["model"] == "opus-mt-ko-en@local"
    default = json.loads(run_reader("translate", "--json", input=KO).stdout)
    assert default["model"] == "m2m100-tiny@local"
    assert [p["target"] for p in default["pairs"]] == ["cat 가 school 간다."]

    wrong = run_reader("translate", "--model", "nope", input=KO)
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1

    available = json.loads(run_reader("models", "available", "--json").stdout)
    assert {e["name"] for e in available} >= {"nllb-200-distilled-600M-int8", "opus-mt-ko-en"}
    assert next(e for e in available if e["name"] == "translate-ko_en")["installed"] is True
    text = run_reader("models", "available").stdout
    assert "COMET 0.852" in text and "CC-BY-NC-4.0" in text

    removed = run_reader("models", "remove", "m2m100-tiny")
    assert removed.stdout == "removed m2m100-tiny local\n"
