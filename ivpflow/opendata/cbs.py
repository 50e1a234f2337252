"""A small client for CBS's OData v3 services: StatLine (opendata.cbs.nl) and the third-party
catalogue that carries the Politie tables (dataderden.cbs.nl).

Every answer is JSON `{"odata.metadata": …, "value": [...]}`; a long one comes in pages, each
naming the next in `odata.nextLink`. The base URLs are settings (IVPFLOW_CBS_URL,
IVPFLOW_CBS_THIRD_PARTY_URL; IVPFLOW_CBS_TIMEOUT in seconds), so that a test or a municipal
mirror can stand in for CBS. A proxy is taken from HTTPS_PROXY / HTTP_PROXY, as urllib does.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..errors import OpenDataError
from ..i18n import _

CBS_URL = "https://opendata.cbs.nl/ODataApi/odata"
THIRD_PARTY_URL = "https://dataderden.cbs.nl/ODataApi/odata"
TIMEOUT = 30.0  # seconds a connect or one answer may take
MAX_PAGES = 1000  # CBS pages by 10,000 rows: far more than any selection here needs


class Unreachable(Exception):
    """The service could not be reached at all (no network, a proxy, a closed port)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


def timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds a connect or one answer may take: IVPFLOW_CBS_TIMEOUT, else 30."""
    text = (os.environ if environ is None else environ).get("IVPFLOW_CBS_TIMEOUT")
    try:
        seconds = float(text) if text else TIMEOUT
    except ValueError:
        seconds = TIMEOUT
    return seconds if 0 < seconds <= 600 else TIMEOUT


def base_url(catalogue: str, environ: Mapping[str, str] | None = None) -> str:
    """The base URL of a catalogue ('cbs' or 'derden'), from its setting or the default."""
    env = os.environ if environ is None else environ
    if catalogue == "derden":
        return (env.get("IVPFLOW_CBS_THIRD_PARTY_URL") or THIRD_PARTY_URL).rstrip("/")
    return (env.get("IVPFLOW_CBS_URL") or CBS_URL).rstrip("/")


class Client:
    """Reads the endpoints of one table of one catalogue; `on_request` is told of every
    request (for a progress bar)."""

    def __init__(self, base: str, *, timeout: float = TIMEOUT,
                 on_request: Callable[[str], None] | None = None) -> None:
        self.base = base
        self.timeout = timeout
        self.on_request = on_request

    def url(self, table: str, endpoint: str, query: Mapping[str, str] | None = None) -> str:
        address = f"{self.base}/{urllib.parse.quote(table)}/{endpoint}"
        params = {"$format": "json", **(query or {})}
        return address + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)

    def rows(self, table: str, endpoint: str,
             query: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every row of an endpoint (DataProperties, a dimension, TypedDataSet), following
        `odata.nextLink` from page to page."""
        url: str | None = self.url(table, endpoint, query)
        pages = 0
        while url is not None:
            page = self._get(url)
            rows = page.get("value")
            if not isinstance(rows, list):
                raise OpenDataError(url, _("the answer is not an OData list of values"))
            yield from (row for row in rows if isinstance(row, dict))
            following = page.get("odata.nextLink")
            url = following if isinstance(following, str) and following else None
            pages += 1
            if pages >= MAX_PAGES:
                raise OpenDataError(url or self.base, _("more than {pages} pages").format(
                    pages=MAX_PAGES))

    def _get(self, url: str) -> dict[str, Any]:
        if self.on_request is not None:
            self.on_request(url)
        request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                       "User-Agent": "ivpflow"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404:
                raise OpenDataError(url, _("no such table or endpoint (HTTP 404)")) from None
            raise OpenDataError(url, _("HTTP {code} {reason}").format(
                code=exc.code, reason=exc.reason)) from None
        except urllib.error.URLError as exc:
            raise Unreachable(url, _reason(exc.reason)) from None
        except TimeoutError:
            raise Unreachable(url, _("no answer within {seconds} seconds").format(
                seconds=f"{self.timeout:g}")) from None
        except OSError as exc:
            raise Unreachable(url, _reason(exc)) from None
        try:
            data = json.loads(body)
        except ValueError:
            raise OpenDataError(url, _("the answer is not JSON")) from None
        if not isinstance(data, dict):
            raise OpenDataError(url, _("the answer is not an OData object"))
        return data


def _reason(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(reason, TimeoutError):
        return _("no answer in time")
    if isinstance(reason, socket.gaierror):
        return _("the name does not resolve")
    return " ".join(str(reason).split()) or type(reason).__name__
