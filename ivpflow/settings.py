"""The settings in effect and where each comes from: command-line options, then environment
variables, then an `ivpflow.toml` file, then the defaults.

The settings file is the one named by `--config` or IVPFLOW_CONFIG, else `ivpflow.toml` in
the current folder or the nearest of its parents, else the one in the user's config folder
(`platformdirs.user_config_dir("ivpflow")`). Every key of the file is its environment
variable without `IVPFLOW_`, in lower case; relative paths in the file are relative to the
file's folder. The SMTP password never sits in the file: `smtp_password_env` names the
variable that holds it, `smtp_password_file` the file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import IvpflowError
from .i18n import LANGUAGES, _, locale_language

FILE_NAME = "ivpflow.toml"
CONFIG_ENV = "IVPFLOW_CONFIG"
MASK = "***"

# Defaults of the mail settings (MailSettings uses them too).
LEASE_SECONDS = 300.0  # how long a claim keeps other workers off a message
RETRY_HOURS = 72.0  # how long a message that meets only transient failures is retried
SMTP_TIMEOUT = 30.0  # seconds a connect or one reply may take before the server counts as down
DEFAULT_SENDER = "ivpflow <ivpflow@localhost>"
# The council information systems `meeting sync` reads (tests point them at 127.0.0.1).
OPENBESLUITVORMING_URL = "https://openbesluitvorming.nl"
NOTUBIZ_URL = "https://api.notubiz.nl"


class ConfigError(IvpflowError):
    """The settings file cannot be read, or a key of it is unknown or has a wrong value:
    '<file>:<line>: key '<key>' …'."""

    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Key:
    """One setting: its key in the file, its environment variable, what it holds."""

    name: str
    kind: str  # path, paths, text, url, number, choice, secret
    what: str  # for messages and the help: "the store folder"
    low: float = 0.0
    high: float = 0.0
    unit: str = ""

    @property
    def env(self) -> str:
        return "IVPFLOW_" + self.name.upper()


def _number(name: str, what: str, low: float, high: float, unit: str) -> Key:
    return Key(name, "number", what, low, high, unit)


# The order in which `ivpflow config` lists them. The ranges are those MailSettings checks.
KEYS: tuple[Key, ...] = (
    Key("store", "path", "the store folder (ivpflow.sqlite3, outbox/, drafts/)"),
    Key("db", "url", "the database URL"),
    Key("actor", "text", "who is acting, recorded in the history"),
    Key("smtp_url", "url", "the SMTP server, smtp://host:port or smtps://host:port"),
    Key("smtp_user", "text", "the SMTP user name"),
    Key("smtp_password", "secret", "the SMTP password"),
    Key("mail_from", "text", "the sender of the mails"),
    _number("smtp_timeout", "seconds a connect or a reply may take", 1, 600, "seconds"),
    _number("retry_hours", "hours a message is retried", 1, 720, "hours"),
    _number("lease_seconds", "seconds a claim keeps others off a message", 10, 86400,
            "seconds"),
    Key("workflows", "paths", "extra workflow definition files or folders"),
    Key("templates", "path", "a folder of templates overriding the shipped ones"),
    Key("house_style", "path", "a .docx whose styles, header and logo the Word drafts use"),
    Key("language", "choice", "the language of the command line (en or nl)"),
    Key("openbesluitvorming_url", "url", "the OpenBesluitvorming API that 'meeting sync' reads"),
    Key("notubiz_url", "url", "the Notubiz API that 'meeting sync' reads"),
)
BY_NAME = {key.name: key for key in KEYS}
# Keys the file has that are not settings themselves: where the password comes from.
PASSWORD_KEYS = ("smtp_password_env", "smtp_password_file")


def _defaults() -> dict[str, Any]:
    return {"store": "store", "db": None, "actor": _default_actor(), "smtp_url": None,
            "smtp_user": None, "smtp_password": None, "mail_from": DEFAULT_SENDER,
            "smtp_timeout": SMTP_TIMEOUT, "retry_hours": RETRY_HOURS,
            "lease_seconds": LEASE_SECONDS, "workflows": [], "templates": None,
            "house_style": None, "language": "en",
            "openbesluitvorming_url": OPENBESLUITVORMING_URL, "notubiz_url": NOTUBIZ_URL}


def _default_actor() -> str:
    import getpass

    user = os.environ.get("USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Setting:
    """A setting in effect: its value and where it came from ('option', 'environment
    IVPFLOW_X', the path of the settings file, or 'default')."""

    key: str
    value: Any
    source: str


@dataclass
class Settings:
    """Every setting in effect, and the settings file that was read (if any)."""

    values: dict[str, Setting]
    file: Path | None = None
    file_source: str = "default"  # how the file was found
    _password: _Password | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def source(self, name: str) -> str:
        return self.values[name].source

    def from_file(self, name: str) -> bool:
        """Whether the value comes from the settings file."""
        return self.file is not None and self.values[name].source == str(self.file)

    @property
    def workflows_path(self) -> str | None:
        """The extra definition locations as IVPFLOW_WORKFLOWS spells them (a path list)."""
        value = self["workflows"]
        if isinstance(value, str):
            return value or None
        return os.pathsep.join(value) if value else None

    def smtp_password(self) -> str | None:
        """The SMTP password: IVPFLOW_SMTP_PASSWORD, else from where the file says it is.

        Read only when needed, so a password file only the scheduler's user can read does
        not stop anyone else's `status`."""
        setting = self.values["smtp_password"]
        if setting.value is not None or self._password is None:
            return setting.value  # type: ignore[no-any-return]
        return self._password.read()

    def mail_environment(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The environment with the mail settings of the file added, for
        MailSettings.from_env (the environment's own values win, as everywhere)."""
        merged = dict(environ)
        for key in KEYS:
            if key.name in ("store", "db", "actor", "workflows", "templates", "house_style",
                            "language"):
                continue
            if key.name == "smtp_password":
                password = self.smtp_password()
                if password is not None and not environ.get(key.env):
                    merged[key.env] = password
            elif self.from_file(key.name):
                value = self[key.name]
                merged[key.env] = f"{value:g}" if isinstance(value, float) else str(value)
        return merged

    def shown(self) -> list[dict[str, Any]]:
        """Every setting as {"key", "value", "source"}, secrets masked: first the settings
        file itself, then the settings in KEYS order."""
        rows: list[dict[str, Any]] = [{"key": "config", "value": _path_text(self.file),
                                       "source": self.file_source}]
        for key in KEYS:
            setting = self.values[key.name]
            value = setting.value
            source = setting.source
            if key.name == "smtp_password":
                value, source = self._shown_password(setting)
            elif key.kind == "url" and isinstance(value, str):
                value = mask_url(value)
            elif key.name == "db" and value is None:
                value = mask_url(f"sqlite:///{Path(self['store']).absolute()}/ivpflow.sqlite3")
            elif key.kind == "path" and value is not None:
                value = _path_text(Path(value).expanduser())
            elif key.kind == "paths":
                entries = value.split(os.pathsep) if isinstance(value, str) else value
                value = [_path_text(Path(v).expanduser()) for v in entries if v]
            rows.append({"key": key.name, "value": value, "source": source})
        return rows

    def _shown_password(self, setting: Setting) -> tuple[str | None, str]:
        if setting.value is not None or self._password is None:
            return (MASK if setting.value else None), setting.source
        try:
            found = self._password.read()
        except ConfigError as exc:
            return None, f"{self._password.source} ({exc.message})"
        unset = " — not set" if found is None and self._password.env else ""
        return (MASK if found else None), self._password.source + unset


def _path_text(path: Path | None) -> str | None:
    return str(path.absolute()) if path is not None else None


def mask_url(url: str) -> str:
    """A URL with the password of its user part shown as ***."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    user, at, host = netloc.rpartition("@")
    if not at or ":" not in user:
        return url
    return f"{scheme}://{user.split(':', 1)[0]}:{MASK}@{host}{slash}{tail}"


@dataclass(frozen=True)
class _Password:
    """Where the file says the SMTP password is: a variable or a file."""

    env: str | None
    path: Path | None
    settings_file: Path

    @property
    def source(self) -> str:
        if self.env:
            return f"environment {self.env} (smtp_password_env in {self.settings_file})"
        return f"file {self.path} (smtp_password_file in {self.settings_file})"

    def read(self) -> str | None:
        if self.env:
            return os.environ.get(self.env) or None
        assert self.path is not None
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else _("it is not UTF-8 text")
            raise ConfigError(f"{self.settings_file}", _(
                "cannot read the SMTP password from {path} (smtp_password_file): {reason}")
                .format(path=self.path, reason=reason)) from None
        return text.rstrip("\r\n") or None


# --------------------------------------------------------------------------- finding the file

def find_config_file(option: str | None, environ: Mapping[str, str],
                     cwd: Path) -> tuple[Path | None, str]:
    """The settings file to read and how it was found: `--config`, IVPFLOW_CONFIG, the
    current folder or a parent, the user's config folder; (None, 'default') for none."""
    named, how = (option, "option") if option else (environ.get(CONFIG_ENV), f"environment "
                                                                            f"{CONFIG_ENV}")
    if named:
        path = (cwd / Path(named).expanduser()).absolute()
        if not path.is_file():
            raise ConfigError(str(path), (
                _("no such settings file (named by option)") if how == "option" else
                _("no such settings file (named by environment {variable})").format(
                    variable=CONFIG_ENV)))
        return path, how
    for folder in (cwd, *cwd.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate, "current folder" if folder == cwd else "parent folder"
    candidate = user_config_file()
    if candidate.is_file():
        return candidate, "user config folder"
    return None, "default"


def user_config_file() -> Path:
    """ivpflow.toml in the user's config folder (~/.config/ivpflow on Linux)."""
    if sys.platform.startswith("linux"):
        # platformdirs' rule for Linux (the XDG base directories), without importing it for
        # every command: it costs a twentieth of a `status`.
        base = os.environ.get("XDG_CONFIG_HOME", "")
        if not os.path.isabs(base):  # unset, empty or relative: ignored, as the spec says
            base = os.path.expanduser("~/.config")
        return Path(base) / "ivpflow" / FILE_NAME
    from platformdirs import user_config_dir

    return Path(user_config_dir("ivpflow")) / FILE_NAME


# --------------------------------------------------------------------------- reading the file

def read_config_file(path: Path) -> tuple[dict[str, Any], _Password | None]:
    """The settings of a file, checked and with paths made absolute against its folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else _("it is not UTF-8 text")
        raise ConfigError(str(path), _("cannot read the settings file: {reason}").format(
            reason=reason)) from None
    import tomllib  # only when there is a file: most commands run without one

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        if found is None:
            raise ConfigError(str(path), _("not valid TOML: {reason}").format(
                reason=exc)) from None
        raise ConfigError(f"{path}:{found[1]}", _("not valid TOML: {reason} (column {column})")
                          .format(reason=str(exc)[:found.start()], column=found[2])) from None
    lines = text.splitlines()
    values: dict[str, Any] = {}
    for name, raw in data.items():
        where = f"{path}:{_line_of(lines, name)}" if _line_of(lines, name) else str(path)
        if name in PASSWORD_KEYS:
            continue
        if name == "smtp_password":
            raise ConfigError(where, _(
                "key 'smtp_password' would keep the password in the file; name where it is "
                "with smtp_password_env = \"VARIABLE\" or smtp_password_file = \"PATH\""))
        key = BY_NAME.get(name)
        if key is None:
            close = _close_key(name)
            message = (_("unknown key '{key}' (did you mean '{near}'?); the keys are {keys}")
                       if close else _("unknown key '{key}'; the keys are {keys}"))
            raise ConfigError(where, message.format(key=name, near=close,
                                                    keys=", ".join(_file_keys())))
        values[name] = _checked(key, raw, where, path.parent)
    return values, _password_source(data, lines, path)


def _file_keys() -> list[str]:
    return [k.name for k in KEYS if k.name != "smtp_password"] + list(PASSWORD_KEYS)


def _close_key(name: str) -> str | None:
    import difflib  # only for a misspelt key

    close = difflib.get_close_matches(name, _file_keys(), n=1)
    return close[0] if close else None


def _line_of(lines: list[str], name: str) -> int | None:
    quoted = re.escape(name)
    pattern = re.compile(rf"""^\s*(?:{quoted}|"{quoted}"|'{quoted}')\s*=""")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None


def unit_name(unit: str) -> str:
    """A unit of a number setting ("seconds", "hours") in the language in use."""
    return {"seconds": _("seconds"), "hours": _("hours")}.get(unit, unit)


def _type_name(value: Any) -> str:
    return {bool: _("a boolean"), int: _("a number"), float: _("a number"), str: _("a string"),
            list: _("a list"), dict: _("a table")}.get(type(value), type(value).__name__)


def _checked(key: Key, raw: Any, where: str, base: Path) -> Any:
    """A value of the file as the setting holds it, or a one-line refusal."""
    def refuse(expected: str) -> ConfigError:
        shown = f"'{raw}'" if isinstance(raw, str) else _type_name(raw)
        return ConfigError(where, _("key '{key}' must be {expected}, not {value}").format(
            key=key.name, expected=expected, value=shown))

    if key.kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise refuse(_("a number of {unit}").format(unit=unit_name(key.unit)))
        if not key.low <= raw <= key.high:  # also refuses nan and inf
            raise ConfigError(where, _(
                "key '{key}' must be a number of {unit} from {low} to {high}, not {value}")
                .format(key=key.name, unit=unit_name(key.unit), low=f"{key.low:g}",
                        high=f"{key.high:g}", value=raw))
        return float(raw)
    if key.kind == "paths":
        if not isinstance(raw, list) or not all(isinstance(v, str) and v for v in raw):
            raise refuse(_("a list of paths, e.g. [\"workflows\"]"))
        return [str(_resolve(v, base)) for v in raw]
    if not isinstance(raw, str):
        raise refuse(_("a string"))
    if not raw.strip():
        raise ConfigError(where, _("key '{key}' is empty; leave it out for the default").format(
            key=key.name))
    if any(ch in raw for ch in "\r\n\0"):
        raise ConfigError(where, _("key '{key}' must be one line").format(key=key.name))
    if key.kind == "choice" and raw not in LANGUAGES:
        raise refuse(_(" or ").join(f"'{c}'" for c in LANGUAGES))
    if key.kind == "path":
        return str(_resolve(raw, base))
    if key.name == "db":
        return _sqlite_against(raw, base)
    return raw


def _resolve(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _sqlite_against(url: str, base: Path) -> str:
    """A SQLite URL with a relative file made relative to the settings file's folder."""
    prefix, sep, database = url.partition(":///")
    if not sep or not prefix.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith(("/", "file:")) or "?" in database.split("/")[0]:
        return url
    return f"{prefix}:///{_resolve(database, base)}"


def _password_source(data: Mapping[str, Any], lines: list[str],
                     path: Path) -> _Password | None:
    named = {k: data[k] for k in PASSWORD_KEYS if k in data}
    if not named:
        return None
    first = next(iter(named))
    line = _line_of(lines, first)
    where = f"{path}:{line}" if line else str(path)
    if len(named) > 1:
        raise ConfigError(where, _("keys 'smtp_password_env' and 'smtp_password_file' exclude "
                                   "each other; keep one"))
    value = named[first]
    if not isinstance(value, str) or not value.strip():
        message = (_("key '{key}' must be the name of an environment variable")
                   if first.endswith("env") else _("key '{key}' must be a path"))
        raise ConfigError(where, message.format(key=first))
    if first == "smtp_password_env":
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ConfigError(where, _("key 'smtp_password_env' must be the name of an "
                                       "environment variable, not '{value}'").format(
                value=value))
        return _Password(value, None, path)
    return _Password(None, _resolve(value, path.parent), path)


# --------------------------------------------------------------------------- all together

def resolve_settings(options: Mapping[str, Any] | None = None,
                     environ: Mapping[str, str] | None = None, cwd: Path | None = None,
                     config: str | None = None) -> Settings:
    """The settings in effect: `options` (given on the command line; None for not given),
    then the environment, then the settings file (`config`, else found from `cwd`), then
    the defaults."""
    options = options or {}
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    file, how = find_config_file(config, environ, cwd)
    from_file, password = read_config_file(file) if file else ({}, None)
    defaults = _defaults()
    values: dict[str, Setting] = {}
    for key in KEYS:
        if options.get(key.name) is not None:
            values[key.name] = Setting(key.name, options[key.name], "option")
        elif environ.get(key.env):
            raw: Any = environ[key.env]
            if key.kind == "choice" and raw not in LANGUAGES:
                from .errors import InvalidValueError

                raise InvalidValueError(key.env, raw, _("must be {choices}").format(
                    choices=_(" or ").join(LANGUAGES)))
            values[key.name] = Setting(key.name, raw, f"environment {key.env}")
        elif key.name in from_file:
            values[key.name] = Setting(key.name, from_file[key.name], str(file))
        elif key.name == "language" and (spoken := locale_language(environ)):
            values[key.name] = Setting(key.name, spoken[0], f"environment {spoken[1]}")
        else:
            values[key.name] = Setting(key.name, defaults[key.name], "default")
    return Settings(values, file, how, password)
