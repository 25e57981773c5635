"""Where an account's API key is kept: the system keyring, else a file only the user reads.

Only the API key is kept (for Fever, md5 of ``user:password``), never the password.
The key is never printed or logged; error messages name the account, not the key.
"""

from __future__ import annotations

import contextlib
import stat
from pathlib import Path
from typing import Any, Literal

from reader.core.files import write_file_atomically

KeyStore = Literal["keyring", "file"]
KEYRING_SERVICE = "reader-feed-accounts"
KEYS_FOLDER = "account-keys"
MAX_KEY_BYTES = 4096


class AccountKeyError(Exception):
    """The key cannot be kept or found; one line for the user."""


def _usable_keyring() -> Any | None:
    """The ``keyring`` module when it is installed and has a real backend, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed, or broken by its own dependencies
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def _key_file(folder: Path, account: str) -> Path:
    return folder / KEYS_FOLDER / f"{account}.key"


def save_key(folder: Path, account: str, key: str) -> KeyStore:
    """Keep ``key``: in the keyring when one works, else in a 0600 file under ``folder``."""
    keyring = _usable_keyring()
    if keyring is not None:
        try:
            keyring.set_password(KEYRING_SERVICE, account, key)
        except Exception:  # a locked or refusing keyring: fall back to the file
            pass
        else:
            return "keyring"
    _write_private(_key_file(folder, account), key)
    return "file"


def _write_private(path: Path, key: str) -> None:
    """Write the key to a file created with mode 0600 (never readable by others)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        write_file_atomically(path, key.encode("ascii"), private=True)
    except OSError as error:
        raise AccountKeyError(
            f"cannot keep the account key in {path.parent}: {error.strerror}"
        ) from None


def load_key(folder: Path, account: str, where: str) -> str:
    """The key of ``account``; raises AccountKeyError when it is missing or unsafe."""
    if where == "keyring":
        keyring = _usable_keyring()
        key = None
        if keyring is not None:
            with contextlib.suppress(Exception):
                key = keyring.get_password(KEYRING_SERVICE, account)
        if not key:
            raise AccountKeyError(f"the key of account {account} is not in the system keyring")
        return str(key)
    path = _key_file(folder, account)
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_KEY_BYTES:
            raise AccountKeyError(f"{path}: not a key file")
        if info.st_mode & 0o077:
            raise AccountKeyError(f"{path}: readable by other users; refusing to use it")
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise AccountKeyError(
            f"the key of account {account} is missing: add the account again"
        ) from None


def delete_key(folder: Path, account: str, where: str) -> None:
    """Forget the key (missing keys are not an error: the account goes anyway)."""
    if where == "keyring":
        keyring = _usable_keyring()
        if keyring is not None:
            with contextlib.suppress(Exception):
                keyring.delete_password(KEYRING_SERVICE, account)
        return
    with contextlib.suppress(OSError):
        _key_file(folder, account).unlink()
