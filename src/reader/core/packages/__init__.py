"""Translation packages: list, validate, install, download and remove Argos models.

The models folder is argostranslate's own (so packages installed for Argos or
LibreTranslate are reused) unless ``READER_HOME`` is set; the caller passes it in.
``argostranslate.package`` is cheap to import, but ``argostranslate.settings``
reads ``ARGOS_PACKAGES_DIR`` once at import time, so :func:`argos_package_module`
sets that variable first and re-points the settings at the folder on every call
(tests switch folders within one process).

Installing never goes through ``argostranslate.package.install_from_path``: that
extracts straight into the folder (a broken file leaves half a package behind) and
imports ``argostranslate.translate`` (torch, 2–3 s) to clear a cache. Here a file
is checked first, extracted into a hidden folder beside the others, its model
loaded once, and only then renamed into place.

One module per concern: :mod:`~.common` (model records, errors, limits),
:mod:`~.metadata` (metadata.json), :mod:`~.tokenizers`, :mod:`~.installed` (the models
folder), :mod:`~.install` (installing a file) and :mod:`~.argos_index` (the index and
downloads). This module re-exports their names.
"""

from __future__ import annotations

from reader.core.packages.argos_index import INDEX_DEADLINE as INDEX_DEADLINE
from reader.core.packages.argos_index import MAX_INDEX_BYTES as MAX_INDEX_BYTES
from reader.core.packages.argos_index import cached_index as cached_index
from reader.core.packages.argos_index import download_and_install as download_and_install
from reader.core.packages.argos_index import download_file as download_file
from reader.core.packages.argos_index import fetch_index as fetch_index
from reader.core.packages.argos_index import index_url as index_url
from reader.core.packages.common import ARCHIVE_LIMITS as ARCHIVE_LIMITS
from reader.core.packages.common import CONNECT_TIMEOUT as CONNECT_TIMEOUT
from reader.core.packages.common import DEFAULT_INDEX_URL as DEFAULT_INDEX_URL
from reader.core.packages.common import INDEX_FILE_NAME as INDEX_FILE_NAME
from reader.core.packages.common import INSTALLED_LIMITS as INSTALLED_LIMITS
from reader.core.packages.common import MAX_ARCHIVE_BYTES as MAX_ARCHIVE_BYTES
from reader.core.packages.common import READ_TIMEOUT as READ_TIMEOUT
from reader.core.packages.common import SUPPORTED_LANGUAGES as SUPPORTED_LANGUAGES
from reader.core.packages.common import AvailableModel as AvailableModel
from reader.core.packages.common import InstalledModel as InstalledModel
from reader.core.packages.common import PackageError as PackageError
from reader.core.packages.common import ProgressCallback as ProgressCallback
from reader.core.packages.common import argos_package_module as argos_package_module
from reader.core.packages.common import install_command as install_command
from reader.core.packages.common import no_model_message as no_model_message
from reader.core.packages.install import DOWNLOAD_PREFIX as DOWNLOAD_PREFIX
from reader.core.packages.install import STAGING_PREFIX as STAGING_PREFIX
from reader.core.packages.install import check_package_folder as check_package_folder
from reader.core.packages.install import install_file as install_file
from reader.core.packages.install import install_folder_name as install_folder_name
from reader.core.packages.install import remove_stale_work_folders as remove_stale_work_folders
from reader.core.packages.install import validate_archive as validate_archive
from reader.core.packages.installed import BrokenPackage as BrokenPackage
from reader.core.packages.installed import broken_models as broken_models
from reader.core.packages.installed import find_model as find_model
from reader.core.packages.installed import installed_models as installed_models
from reader.core.packages.installed import parse_pair as parse_pair
from reader.core.packages.installed import remove_model as remove_model
from reader.core.packages.installed import scan_models as scan_models
from reader.core.packages.metadata import MAX_METADATA_BYTES as MAX_METADATA_BYTES
from reader.core.packages.metadata import PackageMetadata as PackageMetadata
from reader.core.packages.metadata import parse_metadata as parse_metadata
from reader.core.packages.metadata import shown_path as shown_path
from reader.core.packages.tokenizers import load_sentencepiece as load_sentencepiece
