"""Council calendars as the griffie's system publishes them: OpenBesluitvorming, Notubiz's
public API and iCalendar feeds, read into one shape for `meeting sync`.

Each reader returns a `SourceCalendar`: what it read (for the report of what was found), and
the meetings with their id in the source, the name the source gives their body (a
commissie's or gremium's name, else the meeting's title) and whether the source says they
are cancelled. Only the standard library's urllib speaks HTTP here: the sources are plain
read-only JSON, NDJSON and iCalendar over HTTPS, without keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ..errors import SourceAnswerError, SourceUnreachableError

TIMEOUT = 30.0  # seconds a connect or a reply may take before the source counts as down
# The APIs ask callers to name themselves; no contact address is sent on a user's behalf.
USER_AGENT = "ivpflow meeting sync (https://github.com/ivpflow)"


@dataclass(frozen=True)
class SourceMeeting:
    """A meeting as a source lists it."""

    uid: str  # its id in the source, stable when the meeting moves
    name: str  # the name of the body that meets, as the source gives it
    day: date
    cancelled: bool = False
    title: str = ""  # the meeting's own title, tried when `name` names no body


@dataclass(frozen=True)
class SourceCalendar:
    """The meetings read from one source for one gemeente (None: a feed for any of them)."""

    origin: str  # what a synced meeting remembers as its origin: 'notubiz:1234', a URL, …
    system: str  # 'OpenBesluitvorming', 'Notubiz', 'iCalendar feed'
    label: str  # for the report: "OpenBesluitvorming 'losser' (notubiz)"
    municipality: str | None
    meetings: tuple[SourceMeeting, ...]


@dataclass(frozen=True)
class Fetcher:
    """Reads the sources for one process: who to name in the way out when they are down."""

    process_id: str
    timeout: float = TIMEOUT

    def get(self, source: str, url: str, params: Mapping[str, Any] | None = None
            ) -> tuple[bytes, Mapping[str, str]]:
        """The body and headers of a GET; SourceUnreachableError when the network or the
        server is not there, SourceAnswerError for an HTTP error."""
        import urllib.error
        import urllib.request

        full = url + ("?" + urlencode(params) if params else "")
        request = urllib.request.Request(full, headers={"User-Agent": USER_AGENT,
                                                        "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as exc:
            raise SourceAnswerError(source, full, f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason.strerror if isinstance(exc.reason, OSError) and \
                exc.reason.strerror else str(exc.reason)
            raise SourceUnreachableError(source, full, reason, self.process_id) from None
        except (TimeoutError, OSError) as exc:
            raise SourceUnreachableError(source, full, exc.strerror or str(exc) or
                                         type(exc).__name__, self.process_id) from None

    def get_json(self, source: str, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """The JSON a GET answers with; SourceAnswerError when it is not JSON."""
        body, _headers = self.get(source, url, params)
        return parse_json(source, url, body)


def parse_json(source: str, url: str, body: bytes) -> Any:
    """JSON text as data; SourceAnswerError naming the source when it is not JSON."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise SourceAnswerError(source, url, "something that is not JSON") from None


def shape_error(source: str, url: str, what: str) -> SourceAnswerError:
    """The error for an answer that lacks what the source's documentation promises."""
    return SourceAnswerError(source, url, f"no {what}")
