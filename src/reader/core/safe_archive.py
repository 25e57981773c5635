"""Safe extraction of model packages: bounded sizes, regular files only, no escape.

A model package (``.argosmodel`` zip, a tar.gz, or a folder) comes from outside and is
hostile until checked. Every installer goes through these functions:

* :func:`member_path` — a member name is relative, has no ``..``, backslash, control
  character or empty part, and is at most :attr:`ArchiveLimits.max_depth` deep;
* :func:`check_zip_members`, :func:`check_tar_members`, :func:`check_folder` — only
  regular files and folders (no links, FIFOs or devices), each under its size cap
  (``metadata.json`` and other small files have small caps), the total under a ceiling,
  no member inflating more than :attr:`ArchiveLimits.max_ratio` times its stored size;
* :func:`extract_zip`, :func:`extract_tar`, :func:`copy_folder` — write each member with
  ``O_EXCL | O_NOFOLLOW`` and count the bytes actually written, so a header that lies
  about a size cannot write more than the cap;
* :func:`open_regular`, :func:`read_bounded` — read one file (which may be a FIFO or
  ``/dev/zero``) without blocking and without reading past a cap;
* :class:`Staging` and :func:`remove_stale_staging` — a hidden work folder locked with
  ``flock`` for as long as its process lives, so a later run can remove the folders of
  a killed install and never one in use.

Nothing here knows about Argos metadata; callers add their own checks. The checks are
in :mod:`~reader.core.archive_checks`, the bounded reading and writing in
:mod:`~reader.core.archive_io` and the staging folders in :mod:`~reader.core.staging`;
this module re-exports their names.
"""

from __future__ import annotations

from reader.core.archive_checks import SMALL_MEMBER_CAPS as SMALL_MEMBER_CAPS
from reader.core.archive_checks import ArchiveError as ArchiveError
from reader.core.archive_checks import ArchiveLimits as ArchiveLimits
from reader.core.archive_checks import GiB as GiB
from reader.core.archive_checks import Member as Member
from reader.core.archive_checks import MiB as MiB
from reader.core.archive_checks import check_folder as check_folder
from reader.core.archive_checks import check_tar_members as check_tar_members
from reader.core.archive_checks import check_zip_members as check_zip_members
from reader.core.archive_checks import member_path as member_path
from reader.core.archive_checks import os_reason as os_reason
from reader.core.archive_checks import shown_name as shown_name
from reader.core.archive_io import COPY_CHUNK as COPY_CHUNK
from reader.core.archive_io import copy_bounded as copy_bounded
from reader.core.archive_io import copy_folder as copy_folder
from reader.core.archive_io import extract_tar as extract_tar
from reader.core.archive_io import extract_zip as extract_zip
from reader.core.archive_io import open_regular as open_regular
from reader.core.archive_io import read_bounded as read_bounded
from reader.core.archive_io import read_regular as read_regular
from reader.core.staging import LOCK_FILE as LOCK_FILE
from reader.core.staging import STALE_GRACE_SECONDS as STALE_GRACE_SECONDS
from reader.core.staging import Staging as Staging
from reader.core.staging import log as log
from reader.core.staging import remove_stale_staging as remove_stale_staging
from reader.core.staging import remove_tree as remove_tree
