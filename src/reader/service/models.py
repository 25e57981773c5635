"""Translation models: install (files, folders, the hub, the Argos index), choose per
direction, list and remove."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.text import clean_line
from reader.service.errors import LicenceNotAcceptedError, ServiceError, licence_notice
from reader.service.results import ModelUse

if TYPE_CHECKING:
    from reader.core.model_install import Installed
    from reader.core.model_registry import CatalogueEntry, ModelEntry
    from reader.core.packages import (
        AvailableModel,
        BrokenPackage,
        InstalledModel,
        ProgressCallback,
    )
    from reader.service.facade import ReaderService


def models_list(
    service: ReaderService, fetch_index: bool = False
) -> tuple[list[InstalledModel], list[AvailableModel] | None]:
    """Installed packages, and the Argos index (fetched now, or the last copy, or None)."""
    from reader.core import packages

    models_dir = service.paths.effective_models_dir()
    packages.remove_stale_work_folders(models_dir, service.paths.cache_dir)
    installed = packages.installed_models(models_dir, warn=False)
    try:
        if fetch_index:
            return installed, packages.fetch_index(service.paths.cache_dir)
    except packages.PackageError as error:
        raise ServiceError(str(error)) from None
    return installed, packages.cached_index(service.paths.cache_dir)


def damaged_models(service: ReaderService) -> list[BrokenPackage]:
    """Installed folders that look like packages but are skipped, and why (`models list`
    shows them; every other command logs them once)."""
    from reader.core import packages

    return packages.broken_models(service.paths.effective_models_dir())


def models_install(
    service: ReaderService,
    what: str,
    progress: ProgressCallback | None = None,
    name: str | None = None,
    pair: str | None = None,
    accept_licence: bool = False,
) -> ModelEntry:
    """Install a model: a ``.argosmodel`` file, a model folder or a ``.zip``/``.tar.gz``
    of one, a catalogue name (downloaded from the hub), or ``ko-en``/``en-ko`` (from
    the Argos index). A non-commercial licence needs ``accept_licence``.
    """
    from reader.core.model_install import archive_kind
    from reader.core.model_registry import catalogue_entry

    path = Path(what)
    if what.endswith(".argosmodel"):
        return _install_argos(service, what, progress)
    if path.exists() or path.is_symlink() or archive_kind(path) is not None:
        return _install_own(service, lambda own: _install_path(path, own, name, pair))
    entry = catalogue_entry(what)
    if entry is None:
        if not _looks_like_pair(what):
            raise ServiceError(
                f"{clean_line(what)[:200]}: no such file or folder, nor a model of"
                " `reader models available`, nor ko-en / en-ko"
            )
        return _install_argos(service, what, progress)
    if entry.argos_pair is not None:
        return _install_argos(service, entry.argos_pair, progress)
    if entry.non_commercial and not accept_licence:
        raise LicenceNotAcceptedError(licence_notice(entry))
    return _install_own(service, lambda own: _download(entry, own, progress))


def _install_path(path: Path, own: Path, name: str | None, pair: str | None) -> Installed:
    from reader.core.model_install import install_path

    return install_path(path, own, name, pair)


def _download(entry: CatalogueEntry, own: Path, progress: ProgressCallback | None) -> Installed:
    from reader.core.model_install import download_entry

    return download_entry(entry, own, progress)


def _install_own(service: ReaderService, install: Callable[[Path], Installed]) -> ModelEntry:
    """Run one of reader's own installs; the replaced model's cache is dropped."""
    from reader.core.model_install import InstallError

    try:
        installed = install(service.paths.own_models_dir)
    except InstallError as error:
        raise ServiceError(str(error)) from None
    old = installed.replaced
    if old is not None and old.model_id != installed.model.model_id:
        service.store.drop_translations(old.model_id)
    service.translations.forget()
    return installed.model


def _install_argos(
    service: ReaderService, what: str, progress: ProgressCallback | None
) -> ModelEntry:
    """Install a ``.argosmodel`` file, or download ``ko-en``/``en-ko`` from the Argos index."""
    from reader.core import packages
    from reader.core.model_registry import argos_entry

    models_dir = service.paths.effective_models_dir()
    try:
        if what.endswith(".argosmodel") or Path(what).exists():
            model, replaced = packages.install_file(Path(what), models_dir)
        else:
            model, replaced = packages.download_and_install(
                what, models_dir, service.paths.cache_dir, progress
            )
    except packages.PackageError as error:
        raise ServiceError(str(error)) from None
    for old in replaced:
        if old.model_id != model.model_id:
            service.store.drop_translations(old.model_id)
    service.translations.forget()
    return argos_entry(model)


def models_remove(service: ReaderService, what: str) -> list[ModelEntry]:
    """Remove a model by name (or a direction's Argos packages by pair), and only
    its cached translations."""
    from reader.core import packages
    from reader.core.model_install import remove_model_folder
    from reader.core.model_registry import argos_entry, find_by_name

    installed = service.translations.installed()
    model = find_by_name(installed, what)
    if model is not None and model.family != "argos":
        remove_model_folder(model)
        removed = [model]
    else:
        try:
            argos = packages.remove_model(
                service.paths.effective_models_dir(),
                model.argos.pair if model and model.argos else what,
            )
        except packages.PackageError as error:
            raise ServiceError(str(error)) from None
        removed = [argos_entry(m) for m in argos]
    for entry in removed:
        service.store.drop_translations(entry.name)
        for source, target in entry.pairs:
            if service.translations.preferred_model(source, target) == entry.name:
                service.store.delete_meta(_preference_key(source, target))
    service.translations.forget()
    return removed


def _preference_key(source: str, target: str) -> str:
    from reader.core.model_registry import PREFERENCE_KEY

    return PREFERENCE_KEY.format(pair=f"{source}-{target}")


def models_installed(service: ReaderService) -> list[ModelUse]:
    """Every installed model with the directions it serves now (``reader models list``)."""
    installed = service.translations.installed()
    serving: dict[str, list[str]] = {}
    for source, target in (("ko", "en"), ("en", "ko")):
        chosen = service.model_for(source, target, installed)
        if chosen is not None:
            serving.setdefault(chosen.model_id, []).append(f"{source}-{target}")
    return [ModelUse(model, serving.get(model.model_id, [])) for model in installed]


def model_for(
    service: ReaderService, source: str, target: str, installed: list[ModelEntry] | None = None
) -> ModelEntry | None:
    """The model that translates a direction now: the chosen one, else the best."""
    from reader.core.model_registry import choose

    models = service.translations.installed() if installed is None else installed
    return choose(models, source, target, service.translations.preferred_model(source, target))


def models_for_direction(service: ReaderService, source: str, target: str) -> list[ModelEntry]:
    """The installed models that can translate a direction, best first."""
    serving = [m for m in service.translations.installed() if m.serves(source, target)]
    return sorted(serving, key=lambda m: (m.rank, m.name))


def models_use(service: ReaderService, pair: str, name: str) -> ModelEntry:
    """Remember ``name`` as the model for a direction (raises ServiceError)."""
    from reader.core import packages
    from reader.core.model_registry import find_by_name

    try:
        source, target = packages.parse_pair(pair)
    except packages.PackageError as error:
        raise ServiceError(str(error)) from None
    model = find_by_name(service.translations.installed(), name)
    if model is None:
        raise ServiceError(f"no model named {name!r} is installed (see `reader models list`)")
    if not model.serves(source, target):
        served = ", ".join(model.pair_names)
        raise ServiceError(f"{model.name} translates {served}, not {source}-{target}")
    service.store.set_meta(_preference_key(source, target), model.name)
    service.translations.forget()
    return model


def models_available(service: ReaderService) -> list[CatalogueEntry]:
    """The catalogue of good models (shipped with reader, no network)."""
    from reader.core.model_registry import catalogue

    return list(catalogue())


def _looks_like_pair(text: str) -> bool:
    """True for ``ko-en``-like text (a language pair, maybe of unsupported languages)."""
    return re.fullmatch(r"\s*[A-Za-z]{2,3}\s*[-_→:]\s*[A-Za-z]{2,3}\s*", text) is not None
