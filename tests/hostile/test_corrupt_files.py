"""Corrupted files: models, databases and settings fail with one clear line and harm nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.service import ReaderService, ServiceError
from tests.conftest import run_reader
from tests.support.tiny_argos import TinyPackages


def models_dir_entries() -> list[str]:
    from reader.paths import get_paths

    folder = get_paths().effective_models_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_argosmodel_is_refused_and_installs_nothing(
    tiny_packages: TinyPackages, tmp_path: Path, keep: float
) -> None:
    data = tiny_packages.ko_en.read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(data[: int(len(data) * keep)])

    result = run_reader("models", "install", str(truncated))

    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert models_dir_entries() == []


def test_random_bytes_argosmodel_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.argosmodel"
    garbage.write_bytes(bytes(range(256)) * 64)
    result = run_reader("models", "install", str(garbage))
    assert result.returncode == 1 and "not a zip archive" in result.stderr
    assert models_dir_entries() == []


def test_model_folder_deleted_while_running(installed_tiny_models: Path) -> None:
    service = ReaderService()
    first = service.translate_text("정부는 외교를 강조했다.")
    assert first["pairs"]

    shutil.rmtree(installed_tiny_models)

    # The loaded model may go on serving this process; a new one says what is missing.
    try:
        service.translate_text("대통령은 회견을 열었다.")
    except ServiceError as error:
        assert "reader models install" in str(error)
    service.close()
    fresh = ReaderService()
    with pytest.raises(ServiceError, match="reader models install ko-en"):
        fresh.translate_text("대통령은 회견을 열었다.")
    fresh.close()
    result = run_reader("translate", "--from", "ko", input="대통령은 회견을 열었다.")
    assert result.returncode == 1
    assert "reader models install ko-en" in result.stderr and result.stderr.count("\n") == 1


def test_unreadable_config_and_state_files(reader_home: Path, tmp_path: Path) -> None:
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_bytes(b"\xff\xfe\x00garbage")
    result = run_reader("list")
    assert result.returncode == 1
    assert str(config) in result.stderr and result.stderr.count("\n") == 1


def filled_database(reader_home: Path) -> Path:
    from reader.core.models import EntryData

    service = ReaderService()
    feed, _ = service.store.add_feed("http://corrupt.test/feed")
    service.store.upsert_entries(
        feed.id,
        [EntryData(guid=str(n), title=f"기사 {n}", paragraphs=["본문 " * 300]) for n in range(500)],
    )
    service.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = service.paths.database
    service.close()
    return path


@pytest.mark.parametrize(
    "damage",
    ["truncate-half", "truncate-tail", "zero-middle", "flip-bytes", "random-tail"],
)
def test_damaged_database_gives_one_line_and_is_left_untouched(
    reader_home: Path, damage: str
) -> None:
    import random

    path = filled_database(reader_home)
    data = bytearray(path.read_bytes())
    rng = random.Random(damage)
    if damage == "truncate-half":
        data = data[: len(data) // 2]
    elif damage == "truncate-tail":
        data = data[: len(data) - 4096 * 3]
    elif damage == "zero-middle":
        middle = len(data) // 2
        data[middle : middle + 8192] = bytes(8192)
    elif damage == "flip-bytes":
        for _ in range(200):
            position = rng.randrange(4096, len(data))
            data[position] ^= 0xFF
    else:
        tail = len(data) * 3 // 4
        data[tail:] = rng.randbytes(len(data) - tail)
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)

    for args in (("list",), ("search", "본문"), ("show", "250"), ("feeds",), ("list", "--json")):
        result = run_reader(*args)
        assert "Traceback" not in result.stderr, (damage, args, result.stderr)
        if result.returncode != 0:
            assert result.returncode == 1 and result.stderr.count("\n") == 1, (damage, args)
    assert path.read_bytes() == bytes(data)
