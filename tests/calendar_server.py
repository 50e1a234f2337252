"""A local stand-in for the council information systems `meeting sync` reads: it answers
OpenBesluitvorming's `/api/sources` and `/api/export/snapshot`, Notubiz's `/organisations`,
`/organisations/{id}/gremia` and `/events`, and serves iCalendar feeds, from the recorded
files in a folder (tests/fixtures/meetings, copied so a test can change them). Paging and the
cursor follow the sources' documentation, in small pages so that paging is exercised."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

SNAPSHOT_PAGE = 40  # records per export page (the real one serves up to `limit`)
EVENTS_PAGE = 50  # events per Notubiz page (the real one serves 200 as `per_page`)


class _Handler(BaseHTTPRequestHandler):
    folder: Path
    requests: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: the tests assert what they need

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")
        if url.path == "/api/sources":
            self._file("openbesluitvorming/sources.json")
        elif url.path == "/api/export/snapshot":
            self._snapshot(query)
        elif url.path == "/organisations":
            self._file("notubiz/organisations.json")
        elif len(parts) == 3 and parts[0] == "organisations" and parts[2] == "gremia":
            self._file(f"notubiz/gremia-{parts[1]}.json")
        elif url.path == "/events":
            self._events(query)
        elif url.path.startswith("/feeds/"):
            self._file("ical/" + url.path.removeprefix("/feeds/"), "text/calendar")
        else:
            self._send(404, b'{"code": "not_found"}')

    def _file(self, name: str, kind: str = "application/json") -> None:
        path = self.folder / name
        if not path.is_file():
            self._send(404, b'{"code": "not_found"}')
            return
        self._send(200, path.read_bytes(), kind)

    def _snapshot(self, query: dict[str, str]) -> None:
        path = self.folder / "openbesluitvorming" / f"snapshot-{query.get('source')}.ndjson"
        if not path.is_file():
            self._send(400, b'{"code": "unknown_export_source"}')
            return
        records = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        cursor = query.get("cursor", "")
        after = [r for r in records if json.loads(r)["entity_id"] >= cursor]
        limit = min(int(query.get("limit", "500")), SNAPSHOT_PAGE)
        page, rest = after[:limit], after[limit:]
        headers = {"X-Has-More": "true" if rest else "false",
                   "X-Changes-Cursor": "c-1"}
        if rest:
            # The next page starts at the next record's id (a cursor is an id position).
            headers["X-Next-Cursor"] = json.loads(rest[0])["entity_id"]
        self._send(200, "".join(line + "\n" for line in page).encode(),
                   "application/x-ndjson", headers)

    def _events(self, query: dict[str, str]) -> None:
        path = self.folder / "notubiz" / f"events-{query.get('organisation_id')}.json"
        if not path.is_file():
            self._send(404, b'{"message": "No organisation"}')
            return
        first, last = query["date_from"], query["date_to"]
        events = [e for e in json.loads(path.read_text(encoding="utf-8"))["events"]
                  if first <= e["plannings"][0]["start_date"] <= last]
        page = int(query.get("page", "1"))
        chunk = events[(page - 1) * EVENTS_PAGE:page * EVENTS_PAGE]
        pages = max(1, -(-len(events) // EVENTS_PAGE))
        body = {"pagination": {"page": page, "per_page": EVENTS_PAGE, "total_pages": pages,
                               "items_on_page": len(chunk), "total_items": len(events),
                               "has_more_pages": page < pages},
                "events": chunk}
        self._send(200, json.dumps(body).encode())

    def _send(self, status: int, body: bytes, kind: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve the recorded files of `folder` on 127.0.0.1; the base URL and the paths asked."""
    requests: list[str] = []
    handler = type("Handler", (_Handler,), {"folder": folder, "requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
