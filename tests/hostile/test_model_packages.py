"""Hostile model packages: bad metadata, escapes, bombs, links and FIFOs, deep nesting.

Every case ends with one line and exit 1 (or a one-line warning), nothing installed
that should not be, and every other `models` command and `translate` still working.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reader.core import packages
from reader.paths import get_paths
from tests.conftest import run_reader
from tests.support.bombs import (
    RawMember,
    member_from_bytes,
    members_of,
    write_zip,
    zero_member,
)
from tests.support.measure import run_measured
from tests.support.tiny_argos import TinyPackages

ESC = "\x1b"


def models_dir() -> Path:
    return get_paths().effective_models_dir()


def entries() -> list[str]:
    folder = models_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def tiny_metadata(source: str = "ko", target: str = "en", **extra: object) -> dict[str, object]:
    return {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": source,
        "to_code": target,
        "type": "translate",
        **extra,
    }


def with_metadata(archive: Path, target: Path, metadata: bytes | dict[str, object]) -> Path:
    """A copy of a tiny package with its metadata.json replaced."""
    data = metadata if isinstance(metadata, bytes) else json.dumps(metadata).encode()
    return with_members(archive, target, {"metadata.json": data})


def with_members(
    archive: Path, target: Path, change: dict[str, bytes | None], top: str | None = None
) -> Path:
    """A copy of ``archive`` with members replaced (bytes), removed (None) or renamed top."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            old_top, _, inner = item.filename.partition("/")
            name = f"{top or old_top}/{inner}"
            if inner in change:
                if change[inner] is not None:
                    out.writestr(name, change[inner])  # type: ignore[arg-type]
                continue
            out.writestr(name, source.read(item))
        for inner, data in change.items():
            if data is not None and f"{top or old_top}/{inner}" not in out.namelist():
                out.writestr(f"{top or old_top}/{inner}", data)
    return target


def assert_one_line_failure(result: object, *needles: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, stderr  # type: ignore[attr-defined]
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert ESC not in stderr and ESC not in result.stdout  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in stderr, stderr


def plant_broken_package(installed_tiny_models: Path, name: str, metadata: bytes) -> Path:
    """A package already in the models folder (as Argos or an old reader left it)."""
    good = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-ko_en"))
    folder = installed_tiny_models / name
    shutil.copytree(good, folder)
    shutil.rmtree(good)  # the broken one is the only ko→en package
    (folder / "metadata.json").write_bytes(metadata)
    return folder


def assert_other_commands_work(tiny_packages: TinyPackages) -> None:
    """The commands a broken package used to crash: list, translate, install, remove."""
    listing = run_reader("models", "list")
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    assert listing.stderr.count("\n") == 1 and "skipped the damaged model package" in listing.stderr
    assert "en-ko" in listing.stdout
    english = run_reader("translate", "--from", "en", input="The cat sleeps.")
    assert english.returncode == 0, english.stderr
    korean = run_reader("translate", "--from", "ko", input="고양이.")
    assert_one_line_failure(korean, "reader models install ko-en")
    installed = run_reader("models", "install", str(tiny_packages.ko_en))
    assert installed.returncode == 0 and "Traceback" not in installed.stderr, installed.stderr
    assert "translate-ko_en-1_0" in entries()


# -- 34: metadata of the wrong type or size, a broken tokenizer --------------------------------

BAD_METADATA: dict[str, bytes | dict[str, object]] = {
    "languages is a number": tiny_metadata(languages=5),
    "from_codes is text": tiny_metadata(from_codes="ko"),
    "a 5,000-digit version": tiny_metadata(package_version="9" * 5000),
    "a 5,000-digit version number": b'{"from_code": "ko", "to_code": "en", "package_version": '
    + b"9" * 5000
    + b"}",
    "a lone surrogate in the version": b'{"from_code": "ko", "to_code": "en",'
    b' "package_version": "1.0\\ud800"}',
    "target_prefix is a list": tiny_metadata(target_prefix=["x"]),
    "links hold a number": tiny_metadata(links=[5]),
    "from_name is huge": tiny_metadata(from_name="K" * 100_000),
    "200,000 [": b"[" * 200_000,
    "NaN version": b'{"from_code": "ko", "to_code": "en", "package_version": NaN}',
}


@pytest.mark.parametrize("case", list(BAD_METADATA))
def test_bad_metadata_is_refused_in_one_line(
    tiny_packages: TinyPackages, tmp_path: Path, case: str
) -> None:
    metadata = BAD_METADATA[case]
    archive = with_metadata(tiny_packages.ko_en, tmp_path / "bad.argosmodel", metadata)
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result, "metadata.json")
    assert entries() == []


@pytest.mark.parametrize(
    "case", ["languages is a number", "a 5,000-digit version", "a lone surrogate in the version"]
)
def test_an_installed_broken_package_is_skipped_not_a_crash(
    installed_tiny_models: Path, tiny_packages: TinyPackages, case: str
) -> None:
    metadata = BAD_METADATA[case]
    data = metadata if isinstance(metadata, bytes) else json.dumps(metadata).encode()
    plant_broken_package(installed_tiny_models, "translate-ko_en-old", data)
    assert [m.pair for m in packages.installed_models(installed_tiny_models)] == ["en-ko"]
    assert_other_commands_work(tiny_packages)
    # The new install replaced the broken package of the same pair.
    assert "translate-ko_en-old" not in entries()


def test_a_broken_package_of_a_known_pair_can_be_removed(installed_tiny_models: Path) -> None:
    folder = plant_broken_package(
        installed_tiny_models,
        "translate-ko_en-old",
        json.dumps(tiny_metadata(languages=5)).encode(),
    )
    result = run_reader("models", "remove", "ko-en")
    assert result.returncode == 0, result.stderr
    assert "removed ko-en damaged" in result.stdout
    assert not folder.exists()


def test_models_list_json_reports_damaged_packages(installed_tiny_models: Path) -> None:
    plant_broken_package(installed_tiny_models, "translate-ko_en-old", b"[" * 200_000)
    result = run_reader("models", "list", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert [m["pair"] for m in listing["installed"]] == ["en-ko"]
    [damaged] = listing["damaged"]
    assert damaged["path"].endswith("translate-ko_en-old")
    assert "nested too deeply" in damaged["reason"]


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"", "empty"), (b"garbage" * 100, "garbage"), (os.urandom(4096), "random bytes")],
    ids=["empty", "garbage", "random bytes"],  # the same names in every xdist worker
)
def test_a_broken_sentencepiece_model_is_refused(
    tiny_packages: TinyPackages, tmp_path: Path, content: bytes, why: str
) -> None:
    archive = with_members(
        tiny_packages.ko_en, tmp_path / f"{why}.argosmodel", {"sentencepiece.model": content}
    )
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result)
    assert "sentencepiece" in result.stderr
    assert entries() == []


def test_an_installed_garbage_tokenizer_is_skipped_and_logged(
    installed_tiny_models: Path, reader_home: Path
) -> None:
    folder = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-ko"))
    (folder / "sentencepiece.model").write_bytes(b"garbage" * 100)
    result = run_reader("translate", "--from", "ko", input="고양이.")
    assert_one_line_failure(result, "no ko→en model installed", "reader models install ko-en")
    log = get_paths().log_file.read_text()
    assert "skipped the damaged model package" in log and "sentencepiece.model does not" in log
    listing = run_reader("models", "list")
    assert listing.returncode == 0 and listing.stderr.count("\n") == 1
    assert "sentencepiece.model does not load" in listing.stderr


# -- 35: escape sequences from metadata, archive names and the index ---------------------------

OSC52 = f"{ESC}]52;c;ZXZpbA=={chr(7)}"
OSC0_CSI = f"{ESC}]0;pwned{chr(7)}{ESC}[2J{ESC}[31m"


@pytest.mark.parametrize("escape", [OSC52, OSC0_CSI])
def test_escapes_in_package_version_never_reach_the_terminal(
    tiny_packages: TinyPackages, tmp_path: Path, escape: str
) -> None:
    metadata = tiny_metadata(package_version="1.0" + escape, from_name="Korean" + escape)
    archive = with_metadata(tiny_packages.ko_en, tmp_path / "esc.argosmodel", metadata)
    installed = run_reader("models", "install", str(archive))
    assert installed.returncode == 0, installed.stderr
    assert ESC not in installed.stdout and "\x07" not in installed.stdout
    assert "installed ko-en 1.0 in" in installed.stdout
    listing = run_reader("models", "list")
    assert ESC not in listing.stdout and "\x07" not in listing.stdout
    assert listing.stdout.startswith("translate-ko_en\tArgos\tko-en\t1.0\t")
    stored = (models_dir() / "translate-ko_en-1_0" / "metadata.json").read_text()
    assert ESC not in stored and json.loads(stored)["from_name"] == "Korean"


def test_an_archive_folder_name_with_escapes_is_refused(
    tiny_packages: TinyPackages, tmp_path: Path
) -> None:
    archive = with_members(
        tiny_packages.ko_en, tmp_path / "esc.argosmodel", {}, top=f"evil{ESC}]0;x{chr(7)}"
    )
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result, "unsafe member name")
    assert entries() == []


def test_index_versions_are_cleaned(httpserver: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_httpserver import HTTPServer

    assert isinstance(httpserver, HTTPServer)
    index = [
        {"from_code": "ko", "to_code": "en", "package_version": "1.1" + OSC0_CSI, "links": []},
        {"from_code": "en", "to_code": "ko", "package_version": "9" * 5000, "links": []},
        {"from_code": "en", "to_code": "ko", "package_version": "1.2", "size": 1e308},
    ]
    httpserver.expect_request("/index.json").respond_with_json(index)
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", httpserver.url_for("/"))
    result = run_reader("models", "list", "--available")
    assert result.returncode == 0, result.stderr
    assert ESC not in result.stdout and "\x07" not in result.stdout
    assert "  ko-en\t1.1\n" in result.stdout and "  en-ko\t1.2\n" in result.stdout
    assert "9999" not in result.stdout


# -- 36: the install folder comes from the metadata, never from the archive ----------------------


def test_an_archive_named_like_another_pair_does_not_replace_it(
    installed_tiny_models: Path, tiny_packages: TinyPackages, tmp_path: Path
) -> None:
    en_ko = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-en"))
    en_de = installed_tiny_models / "translate-en_de-1_0"
    en_ko.rename(en_de)
    (en_de / "metadata.json").write_text(json.dumps(tiny_metadata("en", "de")))
    archive = with_members(tiny_packages.ko_en, tmp_path / "x.argosmodel", {}, top=en_de.name)
    result = run_reader("models", "install", str(archive))
    assert result.returncode == 0, result.stderr
    assert json.loads((en_de / "metadata.json").read_text())["to_code"] == "de"
    pairs = {m.pair: m.path.name for m in packages.installed_models(installed_tiny_models)}
    assert pairs == {"en-de": "translate-en_de-1_0", "ko-en": "translate-ko_en-1_0"}


def test_a_folder_of_another_pair_in_the_way_is_left_alone(
    tiny_packages: TinyPackages,
) -> None:
    squatter = models_dir() / "translate-ko_en-1_0"
    squatter.mkdir(parents=True)
    (squatter / "metadata.json").write_text(json.dumps(tiny_metadata("en", "de")))
    (squatter / "keep.txt").write_text("mine")
    result = run_reader("models", "install", str(tiny_packages.ko_en))
    assert_one_line_failure(result, "already exists and is not a ko→en package")
    assert (squatter / "keep.txt").read_text() == "mine"
    assert entries() == ["translate-ko_en-1_0"]


# -- 38: caps on what members inflate to, stale work folders -------------------------------------


def test_a_huge_metadata_json_is_refused_fast_with_low_memory(
    tiny_packages: TinyPackages, tmp_path: Path
) -> None:
    top = "translate-ko_en-tiny"
    bomb = write_zip(
        tmp_path / "bomb.argosmodel",
        [
            zero_member(f"{top}/metadata.json", 1900 * 2**20),
            *members_of(tiny_packages.ko_en, skip={"metadata.json"}),
        ],
    )
    assert bomb.stat().st_size < 3 * 2**20
    started = time.monotonic()
    result, peak_mb = run_measured("models", "install", str(bomb))
    elapsed = time.monotonic() - started
    assert_one_line_failure(result, "metadata.json", "at most 1.0 MB")
    assert entries() == []
    assert elapsed < 20  # before: 30 s (a bound, not a timing claim: the refusal reads nothing)
    assert peak_mb < 300, peak_mb  # before: 5.9 GB


def test_a_model_bin_bomb_is_refused(tiny_packages: TinyPackages, tmp_path: Path) -> None:
    top = "translate-ko_en-tiny"
    bomb = write_zip(
        tmp_path / "bomb.argosmodel",
        [
            zero_member(f"{top}/model/model.bin", 256 * 2**20),
            *members_of(tiny_packages.ko_en, skip={"model/model.bin"}),
        ],
    )
    result = run_reader("models", "install", str(bomb))
    assert_one_line_failure(result, "zip bomb")
    assert entries() == []


def test_an_installed_huge_metadata_json_costs_nothing_to_skip(
    installed_tiny_models: Path,
) -> None:
    folder = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-ko"))
    with (folder / "metadata.json").open("r+b") as handle:
        handle.truncate(1900 * 2**20)  # sparse: 1.9 GB to read, nothing on disk
    result, peak_mb = run_measured("translate", "--from", "en", input_text="The cat sleeps.")
    assert result.returncode == 0, result.stderr
    assert peak_mb < 400, peak_mb  # before: 3.9 GB for every translate
    listing = run_reader("models", "list")
    assert "metadata.json" in listing.stderr and "over 1.0 MB" in listing.stderr


def test_an_archive_file_name_with_escapes_is_shown_cleaned(tmp_path: Path) -> None:
    missing = tmp_path / f"evil{ESC}]0;x{chr(7)}{ESC}[2J.argosmodel"
    result = run_reader("models", "install", str(missing))
    assert_one_line_failure(result, "evil")
    missing.write_bytes(b"not a zip")
    assert_one_line_failure(run_reader("models", "install", str(missing)), "not a zip archive")


def start_holder(folder: Path) -> subprocess.Popen[str]:
    """A process that makes an install work folder in ``folder`` and holds it."""
    code = (
        "import sys, time; from pathlib import Path;"
        "from reader.core.safe_archive import Staging;"
        "s = Staging(Path(sys.argv[1]), '.installing-'); print(s.path, flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    holder.stdout.readline()
    return holder


def test_stale_install_folders_are_removed_and_live_ones_kept(
    tiny_packages: TinyPackages,
) -> None:
    folder = models_dir()
    folder.mkdir(parents=True)
    killed = start_holder(folder)
    killed.send_signal(signal.SIGKILL)  # as kill -9 during an install
    killed.wait()
    (folder / ".installing-old").mkdir()  # from an older reader: no lock file, an hour old
    (folder / ".installing-old" / "model.bin").write_bytes(b"x" * 1000)
    hour_ago = time.time() - 3600
    os.utime(folder / ".installing-old", (hour_ago, hour_ago))
    live = start_holder(folder)
    try:
        assert len([n for n in entries() if n.startswith(".installing-")]) == 3
        result = run_reader("models", "list")
        assert result.returncode == 0, result.stderr
        left = [n for n in entries() if n.startswith(".installing-")]
        assert len(left) == 1  # only the live one
        result = run_reader("models", "install", str(tiny_packages.ko_en))
        assert result.returncode == 0, result.stderr
        assert [n for n in entries() if n.startswith(".installing-")] == left
    finally:
        live.kill()
        live.wait()
    run_reader("models", "list")
    assert entries() == ["translate-ko_en-1_0"]


# -- 45: deep nesting ------------------------------------------------------------------------


def test_a_member_nested_2000_folders_deep_is_refused(
    tiny_packages: TinyPackages, tmp_path: Path
) -> None:
    deep = "/".join(["d"] * 2000) + "/x.txt"
    archive = with_members(tiny_packages.ko_en, tmp_path / "deep.argosmodel", {deep: b"x"})
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result, "nested over")
    assert entries() == []


def test_an_installed_package_nested_deep_is_skipped(installed_tiny_models: Path) -> None:
    folder = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-ko"))
    deep = folder.joinpath(*["d"] * 200)
    deep.mkdir(parents=True)
    assert [m.pair for m in packages.installed_models(installed_tiny_models)] == ["en-ko"]
    removed = run_reader("models", "remove", "ko-en")
    assert removed.returncode == 0, removed.stderr
    assert not folder.exists()


# -- 47: links and special files -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev-zero link", "link out"])
def test_special_files_in_an_installed_package_are_refused_without_reading(
    installed_tiny_models: Path, kind: str
) -> None:
    folder = next(p for p in installed_tiny_models.iterdir() if p.name.startswith("translate-ko"))
    model_bin = folder / "model" / "model.bin"
    model_bin.unlink()
    if kind == "fifo":
        os.mkfifo(model_bin)
    elif kind == "dev-zero link":
        model_bin.symlink_to("/dev/zero")
    else:
        (folder.parent / "elsewhere.bin").write_bytes(b"x")
        model_bin.symlink_to(folder.parent / "elsewhere.bin")
    # A read of the FIFO would block for ever; 120 s bounds that yet outlasts a loaded start-up.
    listing = run_reader("models", "list", timeout=120)
    assert listing.returncode == 0 and "link or a special file" in listing.stderr
    result = run_reader("translate", "--from", "ko", input="고양이.", timeout=120)
    assert_one_line_failure(result, "reader models install ko-en")


def test_a_fifo_as_the_archive_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.argosmodel"
    os.mkfifo(fifo)
    result = run_reader("models", "install", str(fifo), timeout=30)
    assert_one_line_failure(result, "not a regular file")


def test_a_symlink_member_is_refused(tiny_packages: TinyPackages, tmp_path: Path) -> None:
    top = "translate-ko_en-tiny"
    archive = write_zip(
        tmp_path / "link.argosmodel",
        [
            *members_of(tiny_packages.ko_en, skip={"model/model.bin"}),
            member_from_bytes(f"{top}/model/model.bin", b"/dev/zero", mode=0o120777),
        ],
    )
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result, "link or a special file")
    assert entries() == []


@pytest.mark.parametrize("member", ["metadata.json", "model/model.bin"])
@pytest.mark.parametrize("damage", ["garbage deflate data", "unknown compression method"])
def test_damaged_member_data_is_one_line(
    tiny_packages: TinyPackages, tmp_path: Path, member: str, damage: str
) -> None:
    top = "translate-ko_en-tiny"
    if damage == "garbage deflate data":
        broken = RawMember(f"{top}/{member}", b"\xff" * 64, 0, 1000)
    else:
        broken = RawMember(f"{top}/{member}", b"x" * 64, 0, 64, method=99)
    archive = write_zip(
        tmp_path / "damaged.argosmodel",
        [*members_of(tiny_packages.ko_en, skip={member}), broken],
    )
    result = run_reader("models", "install", str(archive))
    assert_one_line_failure(result, "damaged zip archive")
    assert entries() == []
