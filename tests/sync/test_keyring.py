"""Account keys in a real system keyring (keyrings.alt's file backend, in the test's
own folder): the key goes there and nowhere else, sync reads it back, remove deletes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader.core.sync.fever import fever_api_key
from reader.core.sync.keys import KEYRING_SERVICE, load_key, save_key
from tests.conftest import run_reader
from tests.sync.mini_fever import PASSWORD, USER, MiniFever

pytest.importorskip("keyring")
pytest.importorskip("keyrings.alt")

BACKEND = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def keyring_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A plaintext keyring whose file lives in this test's folder."""
    import keyring
    from keyring.backends import fail

    data = tmp_path / "xdg-data"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", BACKEND)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    keyring.core.init_backend()  # this process may have chosen a backend already
    yield data
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]


def key_in_keyring(account: str) -> str | None:
    """What the keyring file holds for ``account``, read with the backend itself."""
    from keyrings.alt.file import PlaintextKeyring

    return PlaintextKeyring().get_password(KEYRING_SERVICE, account)  # type: ignore[no-any-return]


def test_save_and_load_use_the_keyring_when_one_works(
    keyring_folder: Path, reader_home: Path
) -> None:
    assert save_key(reader_home, "home", "0123abcd") == "keyring"
    assert load_key(reader_home, "home", "keyring") == "0123abcd"
    assert not (reader_home / "account-keys").exists()
    assert key_in_keyring("home") == "0123abcd"
    assert list(keyring_folder.rglob("*.cfg"))


def test_an_account_keeps_its_key_in_the_keyring_and_syncs_with_it(
    keyring_folder: Path, reader_home: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fever = MiniFever()
    fever.add_items(7, 3)
    httpserver.expect_request("/fever/").respond_with_handler(fever.handler)
    monkeypatch.setenv("READER_ACCOUNT_PASSWORD", PASSWORD)
    added = run_reader("accounts", "add", "fever", httpserver.url_for("/fever/"), "--user", USER)
    assert added.returncode == 0, added.stderr
    [account] = json.loads(run_reader("accounts", "list", "--json").stdout)
    assert account["key_store"] == "keyring"
    assert not (reader_home / "account-keys").exists()
    key = fever_api_key(USER, PASSWORD)
    assert key_in_keyring(account["name"]) == key
    assert PASSWORD not in "".join(p.read_text() for p in keyring_folder.rglob("*.cfg"))

    synced = run_reader("accounts", "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert key not in synced.stdout + synced.stderr
    assert len(json.loads(run_reader("list", "--json").stdout)) == 3

    assert run_reader("accounts", "remove", account["name"]).returncode == 0
    assert key_in_keyring(account["name"]) is None
