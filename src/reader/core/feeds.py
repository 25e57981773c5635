"""Feed fetching and refreshing, under the name callers have always imported.

The work lives in :mod:`reader.core.fetch`; this module re-exports its names so that
``from reader.core.feeds import …`` keeps working.
"""

from __future__ import annotations

from reader.core.fetch import ACCEPT_FEEDS as ACCEPT_FEEDS
from reader.core.fetch import ACCEPT_PAGES as ACCEPT_PAGES
from reader.core.fetch import USER_AGENT as USER_AGENT
from reader.core.fetch import DownloadSlot as DownloadSlot
from reader.core.fetch import FeedRefreshResult as FeedRefreshResult
from reader.core.fetch import FetchError as FetchError
from reader.core.fetch import FetchResult as FetchResult
from reader.core.fetch import FetchSettings as FetchSettings
from reader.core.fetch import HostClients as HostClients
from reader.core.fetch import HostLimiter as HostLimiter
from reader.core.fetch import ParserPool as ParserPool
from reader.core.fetch import ProbedFeed as ProbedFeed
from reader.core.fetch import ProgressCallback as ProgressCallback
from reader.core.fetch import RefreshResults as RefreshResults
from reader.core.fetch import _writer_for as _writer_for
from reader.core.fetch import backoff_until as backoff_until
from reader.core.fetch import describe_http_error as describe_http_error
from reader.core.fetch import fetch as fetch
from reader.core.fetch import fetch_one as fetch_one
from reader.core.fetch import interleave_hosts as interleave_hosts
from reader.core.fetch import make_client as make_client
from reader.core.fetch import move_feed as move_feed
from reader.core.fetch import parse_body as parse_body
from reader.core.fetch import probe_feed as probe_feed
from reader.core.fetch import record_checks as record_checks
from reader.core.fetch import refresh_feeds as refresh_feeds
from reader.core.fetch import run_sync as run_sync
from reader.core.fetch import shared_ssl_context as shared_ssl_context
from reader.core.fetch import store_parsed as store_parsed
