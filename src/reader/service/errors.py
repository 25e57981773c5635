"""The errors the service raises: one-line messages for the user."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.model_registry import CatalogueEntry


class ServiceError(Exception):
    """An expected failure with a one-line message for the user."""


class LicenceNotAcceptedError(ServiceError):
    """A model's licence needs the user's yes (``--accept-licence``) before its download."""


def licence_notice(entry: CatalogueEntry) -> str:
    """One line naming a non-commercial licence and how to accept it."""
    return (
        f"{entry.name} is licensed {entry.licence}: non-commercial use only;"
        " run again with --accept-licence to download it"
    )
