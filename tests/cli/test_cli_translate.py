"""``reader translate`` and ``reader models`` end to end, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_reader
from tests.support.tiny_argos import TinyPackages


def test_translate_without_model_exits_1_with_one_line() -> None:
    result = run_reader("translate", input="The cat reads.")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "reader models install en-ko" in lines[0]


def test_models_install_list_translate_remove(tiny_packages: TinyPackages) -> None:
    for archive in (tiny_packages.ko_en, tiny_packages.en_ko):
        installed = run_reader("models", "install", str(archive))
        assert installed.returncode == 0, installed.stderr
        assert installed.stdout.startswith("installed ")

    listing = json.loads(run_reader("models", "list", "--json").stdout)
    assert [(m["pair"], m["version"]) for m in listing["installed"]] == [
        ("en-ko", "1.0"),
        ("ko-en", "1.0"),
    ]

    text = "고양이 가 잔다. 오늘 비.\n\n친구 는 책 을 읽는다."
    plain = run_reader("translate", "-", input=text)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == "cat 가 잔다. today 비.\n\nfriend 는 book 을 읽는다.\n"

    as_json = json.loads(run_reader("translate", "--json", input=text).stdout)
    assert as_json["source_lang"] == "ko"
    assert as_json["target_lang"] == "en"
    assert as_json["model"] == "translate-ko_en@1.0"
    assert [(p["paragraph"], p["source"], p["target"]) for p in as_json["pairs"]] == [
        (0, "고양이 가 잔다.", "cat 가 잔다."),
        (0, "오늘 비.", "today 비."),
        (1, "친구 는 책 을 읽는다.", "friend 는 book 을 읽는다."),
    ]

    forced = run_reader("translate", "--from", "en", "--to", "ko", input="The cat.")
    assert forced.stdout == "The 고양이.\n"

    removed = run_reader("models", "remove", "ko-en")
    assert removed.returncode == 0
    assert removed.stdout == "removed ko-en 1.0\n"
    missing = run_reader("translate", input="고양이")
    assert missing.returncode == 1
    assert "reader models install ko-en" in missing.stderr


def test_translate_a_file_and_show_translate(installed_tiny_models: Path, tmp_path: Path) -> None:
    document = tmp_path / "story.txt"
    document.write_text("제목\n\n고양이 가 잔다.\n\n오늘 사과 를 먹는다.", encoding="utf-8")
    translated = run_reader("translate", str(document))
    assert translated.stdout == "제목\n\ncat 가 잔다.\n\ntoday apple 를 먹는다.\n"

    opened = json.loads(run_reader("open", str(document), "--json").stdout)
    shown = json.loads(run_reader("show", str(opened["id"]), "--translate", "--json").stdout)
    assert shown["target_lang"] == "en"
    assert [p["target"] for p in shown["pairs"]] == ["cat 가 잔다.", "today apple 를 먹는다."]


def test_install_of_a_broken_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.argosmodel"
    broken.write_bytes(b"PK\x03\x04 not really")
    result = run_reader("models", "install", str(broken))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "broken.argosmodel" in result.stderr


def test_a_sentence_the_model_fails_on_is_kept_and_reported(
    installed_tiny_models: Path, reader_home: Path
) -> None:
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[translation]\nmax_sentence_tokens = 5000\n", encoding="utf-8")
    too_long = " ".join(["고양이"] * 400)
    result = run_reader("translate", input=f"고양이 가 잔다. {too_long}")
    assert result.returncode == 0
    assert result.stdout == f"cat 가 잔다. {too_long}\n"
    assert "1 sentence left untranslated: model failed" in result.stderr


def test_auto_detects_english_and_never_runs_korean_to_english(
    installed_tiny_models: Path,
) -> None:
    result = run_reader("translate", "--from", "auto", "--json", input="hello\n")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["source_lang"], shown["target_lang"]) == ("en", "ko")
    assert shown["model"] == "translate-en_ko@1.0"


def test_auto_english_without_an_english_model_says_so(tiny_packages: TinyPackages) -> None:
    assert run_reader("models", "install", str(tiny_packages.ko_en)).returncode == 0
    result = run_reader("translate", "--from", "auto", input="hello\n")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no en→ko model installed" in result.stderr


def test_mixed_text_goes_both_ways(installed_tiny_models: Path) -> None:
    text = "고양이 가 잔다.\n\nThe cat sleeps.\n"
    result = run_reader("translate", input=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "cat 가 잔다.\n\nThe 고양이 sleeps.\n"
    with_only_ko_en = run_reader("models", "remove", "en-ko")
    assert with_only_ko_en.returncode == 0
    result = run_reader("translate", input=text)
    assert result.stdout == "cat 가 잔다.\n\nThe cat sleeps.\n"  # kept: no en→ko model
