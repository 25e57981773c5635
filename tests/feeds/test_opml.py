"""OPML: real exports from other readers, folders, duplicates, invalid entries, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.opml import OpmlError, export_opml, parse_opml
from reader.service import ReaderService, ServiceError

from .conftest import fast_config


@pytest.fixture
def service() -> ReaderService:
    return ReaderService(config=fast_config())


@pytest.mark.parametrize(
    ("name", "feeds", "folders"),
    [
        ("feeder_Flym_auto_backup.opml", 11, {"black humor", "comics", "Tech", "Political humour"}),
        ("feeder_antennapod-feeds.opml", 8, set()),
        ("feeder_rssguard_1.opml", 30, {"Amis", "Actu Geek"}),
        ("plenary_awesome-rss-feeds_South_Korea.opml", 6, {"South Korea"}),
    ],
)
def test_real_exports(corpus: Path, name: str, feeds: int, folders: set[str]) -> None:
    document = parse_opml((corpus / "opml" / name).read_bytes())
    assert len(document.feeds) == feeds
    found = {feed.folder for feed in document.feeds if feed.folder}
    assert folders <= found
    assert all(feed.url.startswith(("http://", "https://")) for feed in document.feeds)


def test_flym_details(corpus: Path) -> None:
    document = parse_opml((corpus / "opml" / "feeder_Flym_auto_backup.opml").read_bytes())
    smbc = document.feeds[0]
    assert (smbc.title, smbc.url, smbc.folder) == (
        "SMBC",
        "http://www.smbc-comics.com/rss.php",
        "black humor",
    )


def test_import_counts_duplicates_and_invalid(tmp_path: Path, service: ReaderService) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>mine</title></head><body>
<outline text="뉴스">
  <outline text="한겨레 &xxe;" type="rss" xmlUrl="https://www.hani.co.kr/rss/"/>
  <outline text="dup" type="rss" xmlUrl="https://www.hani.co.kr/rss/"/>
  <outline text="local" type="rss" xmlUrl="file:///etc/passwd"/>
  <outline text="js" type="rss" xmlUrl="javascript:alert(1)"/>
  <outline text="\x1b]0;evil\x07Evil &amp; [bold]co[/]" type="rss" xmlUrl="https://e.example/feed?a=1&amp;b=2"/>
</outline>
<outline text="no url" type="rss"/>
</body></opml>""",
        encoding="utf-8",
    )
    result = service.import_opml(opml)
    assert len(result.added) == 2
    assert result.skipped == 1
    assert len(result.invalid) == 3
    feeds = {feed.url: feed for feed in service.feeds()}
    assert feeds["https://www.hani.co.kr/rss/"].folder == "뉴스"
    assert "root:" not in feeds["https://www.hani.co.kr/rss/"].title
    assert feeds["https://e.example/feed?a=1&b=2"].title == "Evil & [bold]co[/]"
    again = service.import_opml(opml)
    assert (len(again.added), again.skipped) == (0, 3)


def test_export_reimports_to_the_same_subscriptions(
    corpus: Path, tmp_path: Path, service: ReaderService
) -> None:
    service.import_opml(corpus / "opml" / "feeder_rssguard_1.opml")
    before = {(f.url, f.title, f.folder) for f in service.feeds()}
    exported = tmp_path / "out.opml"
    service.export_opml(exported)
    fresh_home = tmp_path / "other"
    other = ReaderService(
        paths=type(service.paths)(
            config_dir=fresh_home / "c",
            data_dir=fresh_home / "d",
            cache_dir=fresh_home / "k",
            themes_dir=fresh_home / "t",
            models_dir=fresh_home / "m",
        )
    )
    other.import_opml(exported)
    assert {(f.url, f.title, f.folder) for f in other.feeds()} == before
    other.close()


def test_broken_files(tmp_path: Path, service: ReaderService) -> None:
    with pytest.raises(OpmlError):
        parse_opml(b"<rss><channel/></rss>")
    with pytest.raises(OpmlError):
        parse_opml(b"\x00\x01garbage")
    with pytest.raises(ServiceError, match="cannot read"):
        service.import_opml(tmp_path / "missing.opml")


def test_recovers_from_stray_ampersands() -> None:
    data = b'<opml><body><outline text="A & B" xmlUrl="http://x.example/?a=1&b=2"/></body></opml>'
    document = parse_opml(data)
    assert [feed.url for feed in document.feeds] == ["http://x.example/?a=1&b=2"]


def test_export_escapes_everything() -> None:
    from reader.core.models import Feed

    text = export_opml([Feed(id=1, url="http://x/?a=1&b=2", title='"<x>" & y', folder="f<1>")])
    document = parse_opml(text.encode())
    assert document.feeds[0].url == "http://x/?a=1&b=2"
    assert document.feeds[0].title == '"<x>" & y'
    assert document.feeds[0].folder == "f<1>"


def test_nested_folders_are_exported_nested_and_read_back_the_same() -> None:
    """An import files a feed in ``news/korea`` for an outline inside an outline; the
    export writes that tree again (not one outline named "news/korea"), so another
    reader sees the same folders, and reading it back gives the same ones."""
    from lxml import etree

    from reader.core.models import Feed

    nested = b"""<opml version="2.0"><body>
      <outline text="news">
        <outline text="korea"><outline text="hani" xmlUrl="https://hani.example/rss"/></outline>
        <outline text="world" xmlUrl="https://world.example/rss"/>
      </outline>
      <outline text="top" xmlUrl="https://top.example/rss"/>
    </body></opml>"""
    imported = parse_opml(nested).feeds
    assert {feed.url: feed.folder for feed in imported} == {
        "https://hani.example/rss": "news/korea",
        "https://world.example/rss": "news",
        "https://top.example/rss": None,
    }
    feeds = [
        Feed(id=n, url=feed.url, title=feed.title, folder=feed.folder)
        for n, feed in enumerate(imported, 1)
    ]
    text = export_opml(feeds)
    body = etree.fromstring(text.encode()).find("body")
    assert body is not None
    news = body.find("outline[@text='news']")
    assert (
        news is not None and news.find("outline[@text='korea']/outline[@text='hani']") is not None
    )
    assert body.find("outline[@text='news/korea']") is None
    read_back = {feed.url: feed.folder for feed in parse_opml(text.encode()).feeds}
    assert read_back == {feed.url: feed.folder for feed in imported}


def test_a_folder_deeper_than_the_limit_ends_in_one_outline() -> None:
    from reader.core.models import Feed
    from reader.core.opml import MAX_FOLDER_DEPTH

    folder = "/".join(f"f{n}" for n in range(MAX_FOLDER_DEPTH + 10))
    text = export_opml([Feed(id=1, url="https://deep.example/rss", title="deep", folder=folder)])
    [feed] = parse_opml(text.encode()).feeds
    assert feed.folder == folder
