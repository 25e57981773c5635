"""A package's metadata.json, read as hostile input: every field checked, cleaned and
bounded, unknown ones dropped."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.packages.common import (
    PackageError,
)
from reader.core.text import clean_line

MAX_METADATA_BYTES = 1024**2
"""metadata.json is a few hundred bytes in every real package."""
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})?")
_MAX_KEYS = 200
_MAX_LIST = 500
_MAX_TEXT = 10_000
_SHORT_TEXT_FIELDS = {"from_name": 100, "to_name": 100, "argos_version": 32, "code": 100}
_CODE_LIST_FIELDS = ("from_codes", "to_codes")
_LANGUAGE_LIST_FIELDS = ("languages", "source_languages", "target_languages")
_TEXT_LIST_FIELDS = {"links": 2048, "dependencies": 200}


@dataclass(frozen=True)
class PackageMetadata:
    """A package's metadata.json, every field checked for type and size, controls removed."""

    source: str
    target: str
    version: str
    type: str
    target_prefix: str
    multilingual: bool
    fields: dict[str, Any]
    """The cleaned fields, as written back into the installed package."""

    @property
    def pair(self) -> tuple[str, str]:
        return self.source, self.target


def parse_metadata(data: bytes) -> PackageMetadata:
    """Parse and check metadata.json; raises PackageError (a line starting ``metadata.json``).

    Every field argostranslate reads is checked for its type and size; other fields are
    kept only when they are short scalars. Text is cleaned of control characters and
    escape sequences; a version or language code that is not plain afterwards is refused.
    """
    raw = load_json(data, "metadata.json", MAX_METADATA_BYTES)
    if not isinstance(raw, dict):
        raise PackageError("metadata.json must hold an object")
    if len(raw) > _MAX_KEYS:
        raise PackageError(f"metadata.json has over {_MAX_KEYS} fields")
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if len(key) > 64 or clean_text(key) != key:
            raise PackageError(
                f"metadata.json has a field name that is not plain: {shown_text(key)}"
            )
        fields[key] = _checked_field(key, value)
    fields = {key: value for key, value in fields.items() if value is not _DROP}
    source, target = (
        _code(fields.get("from_code"), "from_code"),
        _code(fields.get("to_code"), "to_code"),
    )
    if source == target:
        raise PackageError(f"metadata.json translates {source} into itself")
    version = fields.get("package_version") or "0"
    return PackageMetadata(
        source=source,
        target=target,
        version=version,
        type=fields.get("type") or "translate",
        target_prefix=fields.get("target_prefix") or "",
        multilingual=bool(fields.get("languages")) or bool(fields.get("from_codes")),
        fields=fields,
    )


_DROP: Any = object()


def _checked_field(key: str, value: Any) -> Any:
    """A field's cleaned value, or _DROP for an unknown field that is not a short scalar."""
    if key == "package_version":
        return checked_version(value)
    if key in ("from_code", "to_code"):
        return _code(value, key)
    if key in ("type", "target_prefix"):
        return _text(value, key, 64)
    if key in _SHORT_TEXT_FIELDS:
        return _text(value, key, _SHORT_TEXT_FIELDS[key])
    if key in _CODE_LIST_FIELDS:
        return [_code(item, key) for item in _list(value, key)]
    if key in _LANGUAGE_LIST_FIELDS:
        return [_language(item, key) for item in _list(value, key)]
    if key in _TEXT_LIST_FIELDS:
        return [_text(item, key, _TEXT_LIST_FIELDS[key]) for item in _list(value, key)]
    if isinstance(value, str):
        return _text(value, key, _MAX_TEXT)
    if (
        value is None
        or isinstance(value, bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        return value
    return _DROP


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _text(value: Any, key: str, limit: int) -> str:
    if not isinstance(value, str):
        raise PackageError(f"metadata.json: {key} must be text, not {_type_name(value)}")
    if len(value) > limit:
        raise PackageError(f"metadata.json: {key} is over {limit} characters")
    return clean_text(value)


def checked_version(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # some packages write 1.1 as a number
    text = _text(value, "package_version", 64)
    if not _VERSION.fullmatch(text):
        raise PackageError(f"metadata.json: package_version {shown_text(text)} is not a version")
    return text


def _code(value: Any, key: str) -> str:
    text = _text(value, key, 32)
    if not LANGUAGE_CODE.fullmatch(text):
        raise PackageError(f"metadata.json: {key} {shown_text(text)} is not a language code")
    return text


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise PackageError(f"metadata.json: {key} must be a list, not {_type_name(value)}")
    if len(value) > _MAX_LIST:
        raise PackageError(f"metadata.json: {key} has over {_MAX_LIST} items")
    return value


def _language(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise PackageError(f"metadata.json: {key} items must be objects, not {_type_name(value)}")
    language = {"code": _code(value.get("code"), f"{key} code")}
    if "name" in value:
        language["name"] = _text(value["name"], f"{key} name", 100)
    return language


def clean_text(text: str) -> str:
    """Controls and escape sequences removed; a lone surrogate becomes U+FFFD."""
    return clean_line(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def shown_path(path: Path) -> str:
    """A path for a message or a listing: controls removed, undecodable bytes as U+FFFD."""
    return clean_text(str(path))


def shown_text(text: str) -> str:
    cleaned = clean_text(text)
    return repr(cleaned if len(cleaned) <= 40 else cleaned[:37] + "…")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(digits: str) -> int:
    if len(digits) > 20:
        raise ValueError("a number of over 20 digits")
    return int(digits)


def load_json(data: bytes, what: str, limit: int) -> Any:
    """JSON from outside: size-capped, strict UTF-8, no NaN, no huge numbers, no deep nesting."""
    if len(data) > limit:
        raise PackageError(f"{what} is over {limit // 1024**2 or 1} MB")
    try:
        return json.loads(
            data.decode("utf-8-sig"), parse_constant=_refuse_constant, parse_int=_bounded_int
        )
    except RecursionError:
        raise PackageError(f"{what} is nested too deeply") from None
    except UnicodeDecodeError:
        raise PackageError(f"{what} is not UTF-8 text") from None
    except ValueError as error:  # JSONDecodeError included
        reason = clean_line(str(error))[:120]
        raise PackageError(f"{what} is not valid JSON ({reason})") from None
