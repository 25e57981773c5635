"""Feed fetching and refreshing, under the name callers have always imported.

The work lives in one module per concern; this module re-exports their names so that
``from reader.core.feeds import …`` keeps working:

- :mod:`reader.core.fetch`: the retriever (one GET: client, redirects, caps, deadline);
- :mod:`reader.core.download_slots`: how many downloads run at once;
- :mod:`reader.core.parse_pool`: where fetched bodies are parsed (threads, processes);
- :mod:`reader.core.subscribe`: a URL the user gives, resolved to a feed;
- :mod:`reader.core.refresh`: the refresh pipeline, over :mod:`reader.core.feed_update`
  (its pure decider, :func:`~reader.core.feed_update.decide_feed_update`, and the
  writes) and :mod:`reader.core.refresh_results`.
"""

from __future__ import annotations

from reader.core.download_slots import DownloadSlot as DownloadSlot
from reader.core.download_slots import HostLimiter as HostLimiter
from reader.core.fetch import ACCEPT_FEEDS as ACCEPT_FEEDS
from reader.core.fetch import ACCEPT_PAGES as ACCEPT_PAGES
from reader.core.fetch import USER_AGENT as USER_AGENT
from reader.core.fetch import FetchError as FetchError
from reader.core.fetch import FetchResult as FetchResult
from reader.core.fetch import FetchSettings as FetchSettings
from reader.core.fetch import HostClients as HostClients
from reader.core.fetch import describe_http_error as describe_http_error
from reader.core.fetch import fetch as fetch
from reader.core.fetch import fetch_one as fetch_one
from reader.core.fetch import make_client as make_client
from reader.core.fetch import run_sync as run_sync
from reader.core.fetch import shared_ssl_context as shared_ssl_context
from reader.core.parse_pool import ParserPool as ParserPool
from reader.core.parse_pool import parse_body as parse_body
from reader.core.refresh import FeedRefreshResult as FeedRefreshResult
from reader.core.refresh import ProgressCallback as ProgressCallback
from reader.core.refresh import RefreshResults as RefreshResults
from reader.core.refresh import backoff_until as backoff_until
from reader.core.refresh import decide_feed_update as decide_feed_update
from reader.core.refresh import interleave_hosts as interleave_hosts
from reader.core.refresh import move_feed as move_feed
from reader.core.refresh import record_checks as record_checks
from reader.core.refresh import refresh_feeds as refresh_feeds
from reader.core.refresh import store_parsed as store_parsed
from reader.core.subscribe import ProbedFeed as ProbedFeed
from reader.core.subscribe import probe_feed as probe_feed
