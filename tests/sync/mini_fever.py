"""A small Fever server of the tests' own, for what coldsweat cannot be made to do:
answer HTML or a 500 on demand, refuse flag changes, send hostile item text, drop a feed,
serve thousands of items. It speaks the API as coldsweat and FreshRSS do."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from reader.core.sync.fever import fever_api_key

USER, PASSWORD = "me", "secret password"


@dataclass
class MiniFever:
    key: str = fever_api_key(USER, PASSWORD)
    groups: dict[int, str] = field(default_factory=lambda: {1: "News"})
    feeds: dict[int, str] = field(default_factory=dict)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    unread: set[int] = field(default_factory=set)
    saved: set[int] = field(default_factory=set)
    mode: str = "ok"
    """``ok``, ``html`` (a login page), ``500``, or ``refuse-marks`` (500 on mark only)."""
    calls: list[str] = field(default_factory=list)

    def add_items(self, feed_id: int, count: int, html: str = "<p>Body {n}.</p>") -> None:
        self.feeds.setdefault(feed_id, f"Feed {feed_id}")
        start = max(self.items, default=0) + 1
        for number in range(start, start + count):
            self.items[number] = {
                "id": number,
                "feed_id": feed_id,
                "title": f"Item {number}",
                "author": "A",
                "html": html.format(n=number),
                "url": f"http://127.0.0.1/item/{number}",
                "created_on_time": 1_700_000_000 + number,
            }
            self.unread.add(number)

    def handler(self, request: Request) -> Response:
        self.calls.append(request.query_string.decode())
        if self.mode == "html":
            return Response("<!doctype html><title>Login</title>", content_type="text/html")
        if self.mode == "500":
            return Response("Internal Server Error", status=500)
        answer: dict[str, Any] = {"api_version": 3, "auth": 0}
        if request.form.get("api_key") != self.key:
            return Response(json.dumps(answer), content_type="application/json")
        answer["auth"] = 1
        args = request.args
        if "mark" in request.form:
            if self.mode == "refuse-marks":
                return Response("no", status=500)
            self._mark(int(request.form["id"]), request.form["as"])
        if "groups" in args:
            answer["groups"] = [{"id": i, "title": t} for i, t in self.groups.items()]
        if "feeds" in args:
            answer["feeds"] = [{"id": i, "title": t, "url": None} for i, t in self.feeds.items()]
        if "groups" in args or "feeds" in args:
            answer["feeds_groups"] = [
                {"group_id": 1, "feed_ids": ",".join(str(i) for i in self.feeds)}
            ]
        if "items" in args:
            since = int(args.get("since_id", "0"))
            chosen = sorted(i for i in self.items if i > since)[:50]
            if "with_ids" in args:
                asked = {int(i) for i in args["with_ids"].split(",")}
                chosen = sorted(asked & set(self.items))[:50]
            answer["items"] = [
                {
                    **self.items[i],
                    "is_read": int(i not in self.unread),
                    "is_saved": int(i in self.saved),
                }
                for i in chosen
                if self.items[i]["feed_id"] in self.feeds
            ]
        if "unread_item_ids" in args:
            answer["unread_item_ids"] = ",".join(map(str, sorted(self.unread)))
        if "saved_item_ids" in args:
            answer["saved_item_ids"] = ",".join(map(str, sorted(self.saved)))
        return Response(json.dumps(answer), content_type="application/json")

    def _mark(self, item_id: int, action: str) -> None:
        if action == "read":
            self.unread.discard(item_id)
        elif action == "unread":
            self.unread.add(item_id)
        elif action == "saved":
            self.saved.add(item_id)
        elif action == "unsaved":
            self.saved.discard(item_id)
