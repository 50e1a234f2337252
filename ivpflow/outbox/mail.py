"""The e-mail of an outbox message: settings (SMTP or Maildir, the sender), the message as bytes
with its plain text, HTML and .ics parts, and delivery into a Maildir."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

from ..dates import local
from ..errors import InvalidValueError
from ..i18n import _

# The defaults live with the other settings (ivpflow.settings, ivpflow.toml):
# LEASE_SECONDS, RETRY_HOURS (how long a message that meets only transient failures is
# retried), SMTP_TIMEOUT (seconds a connect or one reply may take before the server counts
# as down) and DEFAULT_SENDER.
from ..settings import DEFAULT_SENDER as DEFAULT_SENDER
from ..settings import LEASE_SECONDS as LEASE_SECONDS
from ..settings import RETRY_HOURS as RETRY_HOURS
from ..settings import SMTP_TIMEOUT as SMTP_TIMEOUT
from ..settings import unit_name
from ..store.rows import OutboxRow
from ..text import scrub


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes: an SMTP server when a URL is given, else a Maildir folder."""

    sender: str
    maildir: Path
    smtp_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = SMTP_TIMEOUT  # seconds for the connect and for each reply
    lease_seconds: float = LEASE_SECONDS  # how long a claim keeps others off a message
    retry_hours: float = RETRY_HOURS  # transient failures are retried this long, then failed

    @classmethod
    def from_env(cls, store_dir: str | Path,
                 environ: Mapping[str, str] | None = None) -> MailSettings:
        """Settings from IVPFLOW_SMTP_URL, _USER, _PASSWORD, _TIMEOUT, IVPFLOW_MAIL_FROM,
        IVPFLOW_LEASE_SECONDS and IVPFLOW_RETRY_HOURS (of `environ`, default os.environ;
        the command line adds those of ivpflow.toml)."""
        env = os.environ if environ is None else environ
        timeout = env_number("IVPFLOW_SMTP_TIMEOUT", SMTP_TIMEOUT, 1, 600, "seconds", env)
        lease = env_number("IVPFLOW_LEASE_SECONDS", LEASE_SECONDS, 10, 86400, "seconds", env)
        settings = cls(sender=env.get("IVPFLOW_MAIL_FROM") or DEFAULT_SENDER,
                       maildir=Path(store_dir) / "outbox",
                       smtp_url=env.get("IVPFLOW_SMTP_URL") or None,
                       user=env.get("IVPFLOW_SMTP_USER") or None,
                       password=env.get("IVPFLOW_SMTP_PASSWORD") or None,
                       timeout=timeout, lease_seconds=lease,
                       retry_hours=env_number("IVPFLOW_RETRY_HOURS", RETRY_HOURS, 1, 720,
                                               "hours", env))
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse a sender or SMTP URL that cannot work, before anything is sent."""
        name, address = parseaddr(self.sender)
        if "@" not in address or any(ch in self.sender for ch in "\r\n"):
            raise InvalidValueError("IVPFLOW_MAIL_FROM", self.sender, _("is not an address"))
        if self.smtp_url:
            url = urlsplit(self.smtp_url)
            if url.scheme not in ("smtp", "smtps") or not url.hostname:
                raise InvalidValueError("IVPFLOW_SMTP_URL", self.smtp_url, _(
                    "must look like smtp://host:port or smtps://host:port"))

    @property
    def target(self) -> str:
        """Where the mail goes, for messages: the SMTP server without any credentials in
        its URL, or the Maildir."""
        if not self.smtp_url:
            return f"Maildir {self.maildir}"
        url = urlsplit(self.smtp_url)
        host = f"[{url.hostname}]" if url.hostname and ":" in url.hostname else url.hostname
        return f"{url.scheme}://{host}" + (f":{url.port}" if url.port else "")


def env_number(name: str, default: float, low: float, high: float, unit: str,
                environ: Mapping[str, str]) -> float:
    """A number of `unit` from the environment, or the default when it is unset or empty;
    refused with one line when it is not a number from `low` to `high`."""
    text = (environ.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also refuses nan and inf
        raise InvalidValueError(name, text, _("must be a number of {unit} from {low} to {high}")
                                .format(unit=unit_name(unit), low=f"{low:g}", high=f"{high:g}"))
    return value


def render_raw(row: OutboxRow, sender: str) -> bytes:
    """The e-mail of an outbox row as bytes (CRLF): plain text and HTML, the .ics, headers.

    Written out directly rather than through EmailMessage, which costs ten times as much per
    message; every value that reaches a header is folded onto one line first, so no name or
    title can add a header.
    """
    sender_name, sender_address = parseaddr(sender)
    seed = sha256(row.dedupe_key.encode()).hexdigest()
    mixed, alternative = f"=_mixed_{seed[:24]}", f"=_alt_{seed[:24]}"
    headers = [
        f"From: {_address(sender_name, sender_address)}",
        f"To: {_address(row.recipient_name, row.recipient)}",
        f"Subject: {_header(row.subject)}",
        f"Date: {format_datetime(local(row.queued_at))}",
        f"Message-ID: {one_line(row.message_id)}",
        "Auto-Submitted: auto-generated",
        f"X-Ivpflow-Process: {one_line(row.process_id)}",
        "MIME-Version: 1.0",
    ]
    if row.reply_to:
        reply_name, reply_address = parseaddr(row.reply_to)
        headers.insert(2, f"Reply-To: {_address(reply_name, reply_address)}")
    parts = [
        _part("text/plain; charset=\"utf-8\"", row.body_text),
        _part("text/html; charset=\"utf-8\"", row.body_html),
    ]
    body = [f"--{alternative}\r\n{part}" for part in parts]
    text = "\r\n".join(body) + f"--{alternative}--\r\n"
    if row.ics:
        headers.append(f"Content-Type: multipart/mixed; boundary=\"{mixed}\"")
        calendar = _part("text/calendar; charset=\"utf-8\"; method=PUBLISH", row.ics,
                         'Content-Disposition: attachment; filename="termijn.ics"')
        text = (f"--{mixed}\r\nContent-Type: multipart/alternative; "
                f"boundary=\"{alternative}\"\r\n\r\n{text}\r\n--{mixed}\r\n{calendar}"
                f"--{mixed}--\r\n")
    else:
        headers.append(f"Content-Type: multipart/alternative; boundary=\"{alternative}\"")
    return ("\r\n".join(headers) + "\r\n\r\n" + text).encode("ascii")


def _header(text: str) -> str:
    """A header value: as it is when ASCII, else RFC 2047 base64 words of whole characters,
    folded. (email.header picks the shorter of two encodings character by character, a third
    of the time of sending a message.)"""
    value = one_line(text)
    if value.isascii():
        return value
    words, chunk = [], ""
    for char in value:
        if len((chunk + char).encode()) > 45:  # 45 bytes: a 60-character base64 word
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\r\n ".join("=?utf-8?b?" + base64.b64encode(word.encode()).decode("ascii") + "?="
                         for word in words)


def _address(name: str, address: str) -> str:
    return formataddr((one_line(name), one_line(address)), charset="utf-8")


def _part(content_type: str, content: str, *extra: str) -> str:
    encoded = base64.encodebytes(content.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
    lines = [f"Content-Type: {content_type}", *extra, "Content-Transfer-Encoding: base64"]
    return "\r\n".join(lines) + "\r\n\r\n" + encoded


def compose(row: OutboxRow, settings: MailSettings) -> EmailMessage:
    """The e-mail of an outbox row, parsed back as a message object (to inspect it)."""
    parsed = message_from_bytes(render_raw(row, settings.sender), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def write_maildir(folder: Path, messages: list[tuple[str, bytes]]) -> list[Path]:
    """Deliver into a Maildir, each under a name fixed by its reminder, so a retry replaces
    it; the files are on disk (one sync for the batch) before this returns."""
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    staged = []
    for key, raw in messages:
        name = f"ivpflow.{sha256(key.encode()).hexdigest()[:32]}"
        tmp = folder / "tmp" / name
        # Maildir files have plain newlines; SMTP wants CRLF.
        tmp.write_bytes(raw.replace(b"\r\n", b"\n"))
        staged.append((tmp, folder / "new" / name))
    os.sync()
    for tmp, final in staged:
        os.replace(tmp, final)
    directory = os.open(folder / "new", os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return [final for _, final in staged]


def one_line(text: str | None) -> str:
    """Text for a header or a list line: line breaks and tabs become spaces, and a character
    no mail may carry (a control character stored before input was checked) becomes U+FFFD."""
    return " ".join(scrub(text or "").split())
