"""Council calendars as the griffie's system publishes them: OpenBesluitvorming, Notubiz's
public API and iCalendar feeds, read into one shape for `meeting sync`.

Each reader returns a `SourceCalendar`: what it read (for the report of what was found), and
the meetings with their id in the source, the name the source gives their body (a
commissie's or gremium's name, else the meeting's title) and whether the source says they
are cancelled. Only the standard library's urllib speaks HTTP here: the sources are plain
read-only JSON, NDJSON and iCalendar over HTTPS, without keys. The refusals of a source (down,
an answer that cannot be read, a gemeente it does not list) are defined here, beside the only
code that raises them, as `settings.ConfigError` is beside the settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from ...errors import IvpflowError
from ...i18n import _

TIMEOUT = 30.0  # seconds a connect or a reply may take before the source counts as down
# The APIs ask callers to name themselves; no contact address is sent on a user's behalf.
USER_AGENT = "ivpflow meeting sync (https://github.com/ivpflow)"


class SourceUnreachableError(IvpflowError):
    """A council information system cannot be reached (network down, proxy, timeout);
    nothing was changed, and the message names the way out: a file."""

    def __init__(self, source: str, url: str, reason: str, process_id: str) -> None:
        self.source, self.url, self.reason = source, url, reason
        super().__init__(_("Cannot reach {source} at {url} ({reason}); nothing was changed. "
                           "Without the network, export the meetings as a file and take it "
                           "in with 'ivpflow meeting import {process_id} FILE'").format(
            source=source, url=url, reason=reason, process_id=process_id))


class SourceAnswerError(IvpflowError):
    """A council information system answered with something ivpflow cannot read (an HTTP
    error, not JSON, not the shape its documentation gives); nothing was changed."""

    def __init__(self, source: str, url: str, reason: str) -> None:
        self.source, self.url, self.reason = source, url, reason
        super().__init__(_("{source} answered {url} with {reason}; nothing was "
                           "changed").format(source=source, url=url, reason=reason))


class UnknownSourceOrganisationError(IvpflowError):
    """A gemeente is not in a council information system's list of organisations."""

    def __init__(self, source: str, municipality: str, nearest: list[str], setting: str) -> None:
        self.source, self.municipality, self.nearest = source, municipality, nearest
        if nearest:
            message = _("{source} lists no gemeente '{municipality}' (nearest: {nearest}); "
                        "name it with '{setting}' under meeting_sources in the definition, or "
                        "choose another --source").format(
                source=source, municipality=municipality, nearest=", ".join(nearest),
                setting=setting)
        else:
            message = _("{source} lists no gemeente '{municipality}'; name it with '{setting}' "
                        "under meeting_sources in the definition, or choose another "
                        "--source").format(source=source, municipality=municipality,
                                           setting=setting)
        super().__init__(message)


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
