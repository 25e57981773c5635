"""OPUS-MT, NLLB-200 and M2M-100 models through the one engine, recognised from their files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader.core.model_families import (
    ARGOS,
    M2M100,
    MARIAN,
    NLLB,
    FamilyError,
    detect_family,
    infer_pair,
)
from reader.core.translation import CTranslate2Engine, Outcome
from reader.service import ReaderService
from tests.support.tiny_argos import TinyPackages
from tests.support.tiny_families import TinyFamilies

KO = "고양이 가 학교 간다."
EN = "The cat reads a book."


class TestDetection:
    def test_each_layout_is_recognised(self, tiny_families: TinyFamilies) -> None:
        marian = detect_family(tiny_families.marian_ko_en)
        assert (marian.family, marian.pairs) == (MARIAN, ())
        nllb = detect_family(tiny_families.nllb)
        assert (nllb.family, nllb.pairs) == (NLLB, (("ko", "en"), ("en", "ko")))
        m2m = detect_family(tiny_families.m2m100)  # shared_vocabulary.txt
        assert (m2m.family, m2m.pairs) == (M2M100, (("ko", "en"), ("en", "ko")))

    def test_an_argos_package_folder(
        self, installed_tiny_models: Path, tiny_packages: TinyPackages
    ) -> None:
        [folder] = installed_tiny_models.glob("translate-ko_en*")
        layout = detect_family(folder)
        assert (layout.family, layout.pairs) == (ARGOS, (("ko", "en"),))
        assert layout.model_dir.name == "model"

    @pytest.mark.parametrize(
        ("remove", "add", "message"),
        [
            (["model.bin"], {}, "no model.bin"),
            (["config.json"], {}, "no config.json"),
            (["shared_vocabulary.json"], {}, "no vocabulary"),
            (["sentencepiece.bpe.model"], {}, "no tokenizer"),
            (["sentencepiece.bpe.model"], {"tokenizer.json": "{}"}, "tokenizer.json alone"),
            (["shared_vocabulary.json"], {"shared_vocabulary.json": '["<s>", "a"]'}, "codes"),
            (["shared_vocabulary.json"], {"shared_vocabulary.json": "{not json"}, "not valid"),
        ],
    )
    def test_a_folder_that_fits_no_family_says_what_is_missing(
        self,
        tiny_families: TinyFamilies,
        tmp_path: Path,
        remove: list[str],
        add: dict[str, str],
        message: str,
    ) -> None:
        folder = shutil.copytree(tiny_families.nllb, tmp_path / "broken")
        for name in remove:
            (folder / name).unlink()
        for name, text in add.items():
            (folder / name).write_text(text, encoding="utf-8")
        with pytest.raises(FamilyError, match=message) as caught:
            detect_family(folder)
        assert "\n" not in str(caught.value)

    def test_a_marian_folder_needs_both_sentencepiece_models(
        self, tiny_families: TinyFamilies, tmp_path: Path
    ) -> None:
        folder = shutil.copytree(tiny_families.marian_ko_en, tmp_path / "opus")
        (folder / "target.spm").unlink()
        with pytest.raises(FamilyError, match=r"source\.spm \+ target\.spm"):
            detect_family(folder)

    @pytest.mark.parametrize(
        ("name", "pair"),
        [
            ("opus-mt-ko-en", ("ko", "en")),
            ("opus-mt-tc-big-ko-en", ("ko", "en")),
            ("opus-mt-en-ko-ct2-int8", ("en", "ko")),
            ("Helsinki-NLP_opus-mt-tc-big-kor-eng", ("ko", "en")),
            ("nllb-200-distilled-600M", None),
            ("my-model", None),
            ("token-en", None),
        ],
    )
    def test_pair_from_a_name(self, name: str, pair: tuple[str, str] | None) -> None:
        assert infer_pair(name) == pair


@pytest.mark.usefixtures("installed_families", "no_network")
class TestTranslation:
    @pytest.mark.parametrize(
        ("model", "source", "target", "text", "expected"),
        [
            ("opus-mt-ko-en", "ko", "en", "고양이 학교 책 친구.", "cat school book friend."),
            ("nllb-tiny", "ko", "en", KO, "cat 가 school 간다."),
            ("nllb-tiny", "en", "ko", EN, "The 고양이 reads a 책."),
            ("m2m100-tiny", "ko", "en", KO, "cat 가 school 간다."),
            ("m2m100-tiny", "en", "ko", EN, "The 고양이 reads a 책."),
        ],
    )
    def test_each_family_translates_exactly(
        self, model: str, source: str, target: str, text: str, expected: str
    ) -> None:
        """Exact outputs: a language code after ``</s>`` (legacy NLLB order) loses the first
        word, a forgotten target prefix leaves the source's code in the output, and a
        Marian source without ``</s>`` runs on to the length limit."""
        translations = ReaderService().translations
        engine = translations.engine(source, target, model)
        assert isinstance(engine, CTranslate2Engine)
        assert translations.translate([text], source, target, model=model) == [Outcome(expected)]

    def test_the_tiny_models_notice_wrong_token_orders(self, installed_families: Path) -> None:
        """The fixture itself: the mistakes above really change the output."""
        engine = ReaderService().translations.engine("ko", "en", "nllb-tiny")
        assert isinstance(engine, CTranslate2Engine)
        engine.load()
        pieces = engine.encode(KO)
        translator = engine._translator
        right = translator.translate_batch(
            [["kor_Hang", *pieces, "</s>"]], target_prefix=[["eng_Latn"]]
        )[0].hypotheses[0]
        legacy = translator.translate_batch(
            [[*pieces, "</s>", "kor_Hang"]], target_prefix=[["eng_Latn"]]
        )[0].hypotheses[0]
        no_prefix = translator.translate_batch([["kor_Hang", *pieces, "</s>"]])[0].hypotheses[0]
        assert right == ["eng_Latn", "▁cat", *right[2:]]
        assert legacy[1] != "▁cat"
        assert no_prefix[0] == "kor_Hang"

    def test_long_sentences_are_split_for_every_family(self) -> None:
        service = ReaderService()
        service.config.translation.max_sentence_tokens = 6
        sentence = "고양이 가 학교 간다, 친구 는 책 을 읽는다, 오늘 사과 를 먹는다."
        outcome = service.translations.translate([sentence], "ko", "en", model="nllb-tiny")[0]
        assert outcome == Outcome(
            "cat 가 school 간다, friend 는 book 을 읽는다, today apple 를 먹는다."
        )

    def test_cache_is_keyed_by_model(self) -> None:
        service = ReaderService()
        service.translations.translate([KO], "ko", "en", model="nllb-tiny")
        service.translations.translate([KO], "ko", "en", model="m2m100-tiny")
        rows = service.store.query("SELECT DISTINCT model FROM translations ORDER BY model")
        assert [row[0] for row in rows] == ["m2m100-tiny@local", "nllb-tiny@local"]
        again = service.translations.translate([KO], "ko", "en", model="nllb-tiny")
        assert again == [Outcome("cat 가 school 간다.", cached=True)]


def test_reader_model_json_gives_a_marian_folder_its_pair(
    tiny_families: TinyFamilies, reader_home: Path
) -> None:
    from reader.paths import get_paths

    own = get_paths().own_models_dir
    folder = shutil.copytree(tiny_families.marian_ko_en, own / "my-marian")
    service = ReaderService()
    assert [m.name for m in service.translations.installed()] == []  # no pair known: skipped
    (folder / "reader-model.json").write_text(json.dumps({"pairs": ["ko-en"]}), "utf-8")
    [model] = service.translations.installed()
    assert (model.name, model.family, model.pairs) == ("my-marian", MARIAN, (("ko", "en"),))
