"""Parsing: character sets, Korean dates, identity, links, hostile XML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.core import feedparse
from reader.core.feedparse import (
    FeedParseError,
    decode_body,
    entry_identity,
    has_timezone,
    limit_entries,
    parse_feed,
    safe_xml,
)

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def rss(items: str, channel: str = "<title>T</title>", declaration: str = "") -> bytes:
    return f'{declaration}<rss version="2.0"><channel>{channel}{items}</channel></rss>'.encode()


class TestKoreanCharsets:
    def test_undeclared_euc_kr_is_detected(self, corpus: Path) -> None:
        data = (corpus / "korean" / "feedparser_chardet_euckr_undeclared.xml").read_bytes()
        parsed = parse_feed(data, "http://example.com/feed.xml")
        assert parsed.encoding == "cp949"
        entry = parsed.entries[0]
        assert entry.title == "EUC-KR 에서 TypeKey 한글닉네임 표시하기"
        assert entry.paragraphs[0].startswith("TypeKey 시스템이 UTF-8로 돌아가는데")
        assert entry.language == "ko"

    def test_declared_euc_kr_and_cp949_extension(self) -> None:
        # 똠 is outside EUC-KR proper (CP949 extension); servers labelled EUC-KR send it anyway.
        body = rss(
            "<item><title>똠방각하 한국어</title></item>",
            declaration='<?xml version="1.0" encoding="euc-kr"?>',
        )
        data = body.decode().encode("cp949")
        parsed = parse_feed(data)
        assert parsed.entries[0].title == "똠방각하 한국어"

    def test_http_charset_header_wins_over_detection(self) -> None:
        data = rss("<item><title>한국어 제목</title></item>").decode().encode("cp949")
        parsed = parse_feed(data, content_type="application/rss+xml; charset=EUC-KR")
        assert parsed.entries[0].title == "한국어 제목"

    def test_wrong_declaration_falls_back_to_detection(self) -> None:
        text = rss(
            "<item><title>한국어 제목입니다 정말로</title></item>",
            declaration='<?xml version="1.0" encoding="utf-8"?>',
        )
        parsed = parse_feed(text.decode().encode("cp949"))
        assert parsed.entries[0].title == "한국어 제목입니다 정말로"

    def test_a_utf16_label_on_a_utf8_body_is_not_trusted(self) -> None:
        data = rss(
            "<item><title>한국어 제목</title></item>",
            declaration='<?xml version="1.0" encoding="utf-8"?>',
        )
        parsed = parse_feed(data, content_type="application/rss+xml; charset=utf-16")
        assert parsed.entries[0].title == "한국어 제목"
        undeclared = rss("<item><title>한국어 제목</title></item>")
        assert decode_body(undeclared, "text/xml; charset=UTF-16LE").text.startswith("<rss")

    def test_a_utf8_label_on_a_utf16_body_is_not_trusted(self) -> None:
        data = rss("<item><title>한국어 제목</title></item>").decode().encode("utf-16-le")
        decoded = decode_body(data, "application/rss+xml; charset=utf-8")
        assert decoded.text.startswith("<rss") and "\x00" not in decoded.text

    def test_a_true_utf16_label_is_kept(self) -> None:
        data = rss("<item><title>한국어</title></item>").decode().encode("utf-16-le")
        assert decode_body(data, "text/xml; charset=utf-16").text.startswith("<rss")

    def test_decode_body_bom_and_garbage(self) -> None:
        assert decode_body(b"\xef\xbb\xbf<rss/>").text == "<rss/>"
        assert decode_body("<rss/>".encode("utf-16")).text == "<rss/>"
        assert isinstance(decode_body(bytes(range(256)) * 10).text, str)


class TestKoreanDates:
    def test_year_month_day_format_is_kst(self, corpus: Path) -> None:
        data = (corpus / "korean" / "feedparser_hist_item_pubDate_euc-kr.xml").read_bytes()
        assert parse_feed(data).entries[0].published == "2004-05-27T16:31:15+00:00"

    def test_nate_pm_format_keeps_its_time(self, corpus: Path) -> None:
        data = (corpus / "korean" / "feedparser_hist_channel_pubDate_korean_nate.xml").read_bytes()
        assert parse_feed(data).updated == "2004-05-25T14:23:17+00:00"

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("2004년 05월 28일 01:31:15", "2004-05-27T16:31:15+00:00"),
            ("2004-05-25 오후 11:23:17", "2004-05-25T14:23:17+00:00"),
            ("2004-05-25 오전 12:05:00", "2004-05-24T15:05:00+00:00"),
            ("2004-05-25 오후 12:05:00", "2004-05-25T03:05:00+00:00"),
            ("2022-07-30T09:00:23.000Z", "2022-07-30T09:00:23+00:00"),
            ("2022-07-30T09:00:23", "2022-07-30T00:00:23+00:00"),
            ("Sat, 30 Jul 2022 09:00:00 +0900", "2022-07-30T00:00:00+00:00"),
            ("Sat, 30 Jul 2022 09:00:00 GMT", "2022-07-30T09:00:00+00:00"),
            ("2022-07-30", "2022-07-29T15:00:00+00:00"),
        ],
    )
    def test_dates_in_a_korean_feed(self, raw: str, expected: str) -> None:
        item = f"<item><title>한국어 기사 제목</title><pubDate>{raw}</pubDate></item>"
        channel = "<title>한국 신문</title><language>ko</language>"
        assert parse_feed(rss(item, channel)).entries[0].published == expected

    def test_zone_less_date_in_an_english_feed_stays_utc(self) -> None:
        item = "<item><title>English title</title><pubDate>2022-07-30T09:00:23</pubDate></item>"
        assert parse_feed(rss(item)).entries[0].published == "2022-07-30T09:00:23+00:00"

    def test_has_timezone(self) -> None:
        assert has_timezone("2022-07-30T09:00:23Z")
        assert has_timezone("Sat, 30 Jul 2022 09:00:00 KST")
        assert has_timezone("2022-07-30T09:00:23+09:00")
        assert not has_timezone("2022-07-30 09:00:23")
        assert not has_timezone("2004-05-25 오후 11:23:17")


class TestKoreanNews:
    def test_knews_feeds(self, corpus: Path) -> None:
        counts = {"hani": 30, "chosun": 100, "joongang": 30}
        for name, count in counts.items():
            path = corpus / "korean" / f"knews_rerendered_{name}_all_2022-07-30.xml"
            parsed = parse_feed(path.read_bytes(), "https://example.com/feed")
            assert len(parsed.entries) == count
            assert parsed.language == "ko"
            assert all(e.published and e.published.startswith("2022-") for e in parsed.entries)
        hani = parse_feed(
            (corpus / "korean" / "knews_rerendered_hani_all_2022-07-30.xml").read_bytes()
        )
        assert hani.title == "한겨레신문 - 전체기사"
        first = hani.entries[0]
        assert first.title == "[논썰] 돌격대장인가 스타장관인가, “쿠데타” 외치는 이상민"
        assert first.published == "2022-07-30T09:00:23+00:00"
        assert first.url == "http://www.hani.co.kr/arti/politics/politics_general/1052901.html"
        assert first.paragraphs[0].startswith("행정안전부에 경찰국을 설치하는 문제로")
        assert not any("<p>" in p or "&lt;" in p for e in hani.entries for p in e.paragraphs)

    def test_huge_merge_feed_keeps_markup_lookalikes_as_text(self, corpus: Path) -> None:
        path = corpus / "korean" / "knews_rerendered_categories_all_2022-07-30.xml"
        parsed = parse_feed(path.read_bytes())
        assert len(parsed.entries) == 1027  # 1,038 items, 11 repeated guids stored once
        text = [p for e in parsed.entries for p in e.paragraphs]
        assert any("‘Urban Dictionary’ [website]" in p for p in text)
        assert any(e.title.startswith("[포토]") for e in parsed.entries)
        assert any("<2018 이주노동자의 노동조건과 주거환경 실태조사>" in p for p in text)


class TestHostileXml:
    BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>bomb</title>
<item><title>&lol9;</title><description>&lol9;</description></item>
<item><title>second</title></item></channel></rss>"""

    def test_billion_laughs_never_expands(self) -> None:
        parsed = parse_feed(self.BOMB)
        text = " ".join(e.title + " ".join(e.paragraphs) for e in parsed.entries)
        assert "lollol" not in text
        assert len(text) < 1000
        assert [e.title for e in parsed.entries][-1] == "second"

    def test_quadratic_blowup_never_expands(self) -> None:
        big = "x" * 100_000
        refs = "&big;" * 10_000
        data = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]>'
            f"<rss><channel><item><title>t</title><description>{refs}</description></item></channel></rss>"
        ).encode()
        parsed = parse_feed(data)
        assert sum(len(p) for e in parsed.entries for p in e.paragraphs) < 200_000

    def test_xxe_from_the_corpus_reads_nothing(self, corpus: Path) -> None:
        data = (corpus / "nasty" / "feedvalidator_system_entity_XXE.xml").read_bytes()
        parsed = parse_feed(data)
        assert "boot" not in repr(parsed)

    def test_xxe_etc_passwd_never_read(self) -> None:
        data = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "file:///etc/passwd">%p;]>
<rss version="2.0"><channel><title>&xxe;</title>
<item><title>a &xxe; b</title><description>&xxe;</description><link>file:///etc/passwd</link></item>
</channel></rss>"""
        parsed = parse_feed(data)
        assert "root:" not in repr(parsed)
        assert parsed.entries[0].url is None

    def test_safe_xml_removes_declarations_only_from_the_prolog(self) -> None:
        text = '<?xml version="1.0" encoding="euc-kr"?><!DOCTYPE x [<!ENTITY a "b">]><rss><![CDATA[<!DOCTYPE>]]></rss>'
        assert (
            safe_xml(text)
            == '<?xml version="1.0" encoding="utf-8"?><rss><![CDATA[<!DOCTYPE>]]></rss>'
        )

    def test_html_error_page_is_a_clear_error(self) -> None:
        page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>oops</body></html>"
        with pytest.raises(FeedParseError, match="web page"):
            parse_feed(page)

    def test_html_page_with_feed_link_names_the_feed(self) -> None:
        page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
        with pytest.raises(FeedParseError, match=re.escape("http://example.com/rss")):
            parse_feed(page, "http://example.com/blog/")

    def test_truncated_feed_keeps_the_complete_entries(self) -> None:
        data = b"<rss><channel><item><title>one</title></item><item><title>two</title></item><item><tit"
        parsed = parse_feed(data)
        assert [e.title for e in parsed.entries][:2] == ["one", "two"]

    @pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b"not xml at all", b"{}"])
    def test_not_a_feed(self, data: bytes) -> None:
        with pytest.raises(FeedParseError):
            parse_feed(data)

    def test_deep_nesting(self) -> None:
        deep = "<div>" * 50_000 + "x" + "</div>" * 50_000
        data = rss(f"<item><title>deep</title><description><![CDATA[{deep}]]></description></item>")
        parsed = parse_feed(data)
        assert parsed.entries[0].paragraphs == ["x"]

    def test_escape_sequences_and_markup_in_every_field(self) -> None:
        evil = "\x1b]0;pwned\x07\x1b[2J\u202e[bold red]x[/]\x9b31m"
        item = (
            f"<item><title>{evil}</title><author>{evil}</author><description>{evil}</description>"
            f"<guid>{evil}</guid></item>"
        )
        parsed = parse_feed(rss(item, f"<title>{evil}</title>").replace(b"\x9b", b""))
        entry = parsed.entries[0]
        for value in (parsed.title, entry.title, entry.author or "", entry.guid, *entry.paragraphs):
            assert not CONTROL.search(value)
            assert "[bold red]x[/]" in value or value == ""


class TestEntries:
    def test_identity_guid_then_link_then_hash(self) -> None:
        assert entry_identity("g", "http://l", "t", "d") == "g"
        assert entry_identity(None, "http://l", "t", "d") == "http://l"
        hashed = entry_identity(None, None, "t", "d")
        assert hashed.startswith("sha256:") and hashed == entry_identity("", None, "t", "d")
        assert hashed != entry_identity(None, None, "t", "e")

    def test_relative_links_resolve_against_feed_url_and_xml_base(self) -> None:
        items = (
            "<item><title>a</title><link>/posts/a</link></item>"
            '<item xml:base="http://other.example/x/"><title>b</title><link>b.html</link></item>'
            "<item><title>c</title><link>javascript:alert(1)</link></item>"
        )
        parsed = parse_feed(rss(items), "https://example.com/feed/rss.xml")
        assert [e.url for e in parsed.entries] == [
            "https://example.com/posts/a",
            "http://other.example/x/b.html",
            None,
        ]
        assert parsed.entries[0].guid == "https://example.com/posts/a"

    def test_content_preferred_over_summary(self) -> None:
        items = (
            '<item xmlns:content="http://purl.org/rss/1.0/modules/content/"><title>a</title>'
            "<description>short</description>"
            "<content:encoded><![CDATA[<p>full one</p><p>full two</p>]]></content:encoded></item>"
            "<item><title>b</title><description>only summary</description></item>"
        )
        parsed = parse_feed(rss(items))
        assert parsed.entries[0].paragraphs == ["full one", "full two"]
        assert not parsed.entries[0].summary_only
        assert parsed.entries[1].summary_only

    def test_double_escaped_html_shows_as_text(self) -> None:
        item = "<item><title>a</title><description>&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt;</description></item>"
        assert parse_feed(rss(item)).entries[0].paragraphs == ["<b>bold</b>"]

    def test_over_escaped_korean_brackets_are_shown_as_brackets(self) -> None:
        item = (
            "<item><title>&amp;amp;lt;눈보다 귀&amp;amp;gt; 연재</title>"
            "<description>&lt;p&gt;드라마 &amp;amp;lt;이상한 변호사 우영우&amp;amp;gt;(ETN)&lt;/p&gt;"
            "&lt;p&gt;&amp;amp;#27;[2J&lt;/p&gt;</description></item>"
        )
        entry = parse_feed(rss(item)).entries[0]
        assert entry.title == "<눈보다 귀> 연재"
        assert entry.paragraphs == ["드라마 <이상한 변호사 우영우>(ETN)", "[2J"]

    def test_untitled_entry_takes_its_first_words(self) -> None:
        item = "<item><description>첫 문단 내용입니다</description><guid>x</guid></item>"
        assert parse_feed(rss(item)).entries[0].title == "첫 문단 내용입니다"

    def test_atom(self) -> None:
        data = """<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko"><title>Atom</title>
<link href="https://blog.example/"/>
<entry><id>tag:1</id><title type="html">&lt;i&gt;제목&lt;/i&gt;</title><updated>2024-01-02T03:04:05+09:00</updated>
<content type="html">&lt;p&gt;본문&lt;/p&gt;</content></entry></feed>"""
        parsed = parse_feed(data.encode())
        assert parsed.site_url == "https://blog.example/"
        entry = parsed.entries[0]
        assert (entry.guid, entry.title, entry.paragraphs) == ("tag:1", "제목", ["본문"])
        assert entry.published == "2024-01-01T18:04:05+00:00"


class TestHugeFeeds:
    def test_only_the_first_entries_of_a_huge_feed_are_read(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(feedparse, "MAX_ENTRIES", 2000)
        items = "".join(f"<item><title>t{n}</title><guid>g{n}</guid></item>" for n in range(5000))
        parsed = parse_feed(f"<rss><channel><title>x</title>{items}</channel></rss>".encode())
        assert len(parsed.entries) == 2000
        assert parsed.entries[-1].title == "t1999"
        assert parsed.warning is not None and "more than 2000" in parsed.warning

    def test_limit_counts_atom_and_prefixed_entries_only(self) -> None:
        text = "<feed><items/><itemized/><entry>a</entry><atom:entry>b</atom:entry><entry>c</entry>"
        assert limit_entries(text, 2) == (
            "<feed><items/><itemized/><entry>a</entry><atom:entry>b</atom:entry>",
            True,
        )
        assert limit_entries(text, 3) == (text, False)
