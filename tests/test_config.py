"""Settings: ivpflow.toml, its precedence under options and IVPFLOW_* variables, `ivpflow
config`, and read commands that never create a store."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ivpflow.cli import cli
from ivpflow.outbox.mail import MailSettings
from ivpflow.settings import resolve_settings

from .conftest import NOT, POSTGRESQL, _admin_execute, _database_url, _drop_database

Rows = dict[str, tuple[Any, str]]


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, ["--now", "2026-03-02T09:00", *args], catch_exceptions=False)


def config(runner: CliRunner, *args: str) -> Rows:
    """`ivpflow [args] config --json` as {key: (value, source)}."""
    result = run(runner, *args, "config", "--json")
    assert result.exit_code == 0, result.output
    return {row["key"]: (row["value"], row["source"]) for row in json.loads(result.stdout)}


def write_toml(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ivpflow.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder of its own, as the current folder."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


# --------------------------------------------------------------------------- precedence

@pytest.mark.parametrize(("key", "option", "env", "in_file", "expected"), [
    ("store", "/o/store", "/e/store", "/f/store", ["/o/store", "/e/store", "/f/store"]),
    ("db", "sqlite:////o.db", "sqlite:////e.db", "sqlite:////f.db",
     ["sqlite:////o.db", "sqlite:////e.db", "sqlite:////f.db"]),
    ("actor", "olga", "erik", "femke", ["olga", "erik", "femke"]),
], ids=["store", "db", "actor"])
def test_option_beats_environment_beats_file_beats_default(
        runner: CliRunner, here: Path, monkeypatch: pytest.MonkeyPatch, key: str, option: str,
        env: str, in_file: str, expected: list[str]) -> None:
    toml = write_toml(here, f'{key} = "{in_file}"\n')
    monkeypatch.setenv(f"IVPFLOW_{key.upper()}", env)
    assert config(runner, f"--{key}", option)[key] == (expected[0], "option")
    assert config(runner)[key] == (expected[1], f"environment IVPFLOW_{key.upper()}")
    monkeypatch.delenv(f"IVPFLOW_{key.upper()}")
    assert config(runner)[key] == (expected[2], str(toml))
    toml.unlink()
    assert config(runner)[key][1] == "default"


@pytest.mark.parametrize(("key", "in_file", "env", "default"), [
    ("smtp_url", "smtp://file.example:25", "smtp://env.example:25", None),
    ("mail_from", "IVP <ivp@file.example>", "IVP <ivp@env.example>",
     "ivpflow <ivpflow@localhost>"),
], ids=["smtp_url", "mail_from"])
def test_mail_settings_environment_beats_file_beats_default(
        runner: CliRunner, here: Path, monkeypatch: pytest.MonkeyPatch, key: str,
        in_file: str, env: str, default: str | None) -> None:
    assert config(runner)[key] == (default, "default")
    toml = write_toml(here, f'{key} = "{in_file}"\n')
    assert config(runner)[key] == (in_file, str(toml))
    monkeypatch.setenv(f"IVPFLOW_{key.upper()}", env)
    assert config(runner)[key] == (env, f"environment IVPFLOW_{key.upper()}")


def test_the_defaults_without_any_file(runner: CliRunner, here: Path) -> None:
    rows = config(runner, "--actor", "coordinator")
    assert rows["config"] == (None, "default")
    assert rows["store"] == (str(here / "store"), "default")
    assert rows["db"] == (f"sqlite:///{here}/store/ivpflow.sqlite3", "default")
    assert rows["smtp_timeout"] == (30.0, "default")
    assert rows["workflows"] == ([], "default")
    assert rows["language"] == ("en", "default")
    assert rows["now"] == ("2026-03-02T09:00+01:00", "option")


# --------------------------------------------------------------------------- finding the file

def test_a_file_in_a_parent_folder_is_found_and_its_paths_are_its_own(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = write_toml(tmp_path / "ivp", 'store = "store"\ntemplates = "sjablonen"\n'
                                        'workflows = ["definities", "/abs/x.yaml"]\n'
                                        'db = "sqlite:///data/ivp.sqlite3"\n')
    deeper = tmp_path / "ivp" / "stukken" / "2026"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    rows = config(runner)
    assert rows["config"] == (str(toml), "parent folder")
    assert rows["store"] == (str(tmp_path / "ivp" / "store"), str(toml))
    assert rows["templates"] == (str(tmp_path / "ivp" / "sjablonen"), str(toml))
    assert rows["workflows"] == ([str(tmp_path / "ivp" / "definities"), "/abs/x.yaml"],
                                 str(toml))
    assert rows["db"] == (f"sqlite:///{tmp_path}/ivp/data/ivp.sqlite3", str(toml))


def test_the_nearest_file_wins(runner: CliRunner, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(tmp_path, 'actor = "outer"\n')
    inner = write_toml(tmp_path / "inner", 'actor = "inner"\n')
    monkeypatch.chdir(tmp_path / "inner")
    assert config(runner)["actor"] == ("inner", str(inner))
    assert config(runner)["config"] == (str(inner), "current folder")


def test_config_option_and_ivpflow_config_name_the_file(
        runner: CliRunner, here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(here, 'actor = "found"\n')
    by_env = tmp_path / "env.toml"
    by_env.write_text('actor = "by-env"\n', encoding="utf-8")
    by_option = tmp_path / "option.toml"
    by_option.write_text('actor = "by-option"\n', encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_CONFIG", str(by_env))
    assert config(runner)["config"] == (str(by_env), "environment IVPFLOW_CONFIG")
    assert config(runner)["actor"] == ("by-env", str(by_env))
    rows = config(runner, "--config", str(by_option))
    assert rows["config"] == (str(by_option), "option")
    assert rows["actor"] == ("by-option", str(by_option))


def test_a_named_file_that_does_not_exist(runner: CliRunner, here: Path) -> None:
    result = run(runner, "--config", "nergens.toml", "status")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {here / 'nergens.toml'}: no such settings file (named by option)\n")


def test_the_user_config_folder(runner: CliRunner, tmp_path: Path, here: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    mine = write_toml(tmp_path / "xdg" / "ivpflow", 'actor = "mine"\nstore = "~/ivp/store"\n')
    rows = config(runner)
    assert rows["config"] == (str(mine), "user config folder")
    assert rows["actor"] == ("mine", str(mine))
    assert rows["store"] == (str(Path("~/ivp/store").expanduser()), str(mine))
    write_toml(here, 'actor = "project"\n')  # a project's own file comes first
    assert config(runner)["actor"] == ("project", str(here / "ivpflow.toml"))


@pytest.mark.parametrize("xdg", [None, "", "relative/xdg", "/abs/xdg"])
def test_the_user_config_folder_is_platformdirs_own(xdg: str | None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_config_dir

    from ivpflow.settings import user_config_file

    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert user_config_file() == Path(user_config_dir("ivpflow")) / "ivpflow.toml"


# --------------------------------------------------------------------------- bad files

@pytest.mark.parametrize(("text", "message"), [
    ('store = "s"\nstor = "x"\n',
     ":2: unknown key 'stor' (did you mean 'store'?); the keys are store, db, actor, "
     "smtp_url, smtp_user, mail_from, smtp_timeout, retry_hours, lease_seconds, workflows, "
     "templates, house_style, language, openbesluitvorming_url, notubiz_url, "
     "smtp_password_env, smtp_password_file"),
    ("store = 5\n", ":1: key 'store' must be a string, not a number"),
    ('smtp_timeout = "30"\n', ":1: key 'smtp_timeout' must be a number of seconds, not '30'"),
    ("retry_hours = 0\n",
     ":1: key 'retry_hours' must be a number of hours from 1 to 720, not 0"),
    ('workflows = "defs"\n',
     ":1: key 'workflows' must be a list of paths, e.g. [\"workflows\"], not 'defs'"),
    ('language = "de"\n', ":1: key 'language' must be 'en' or 'nl', not 'de'"),
    ('actor = ""\n', ":1: key 'actor' is empty; leave it out for the default"),
    ('smtp_password = "geheim"\n',
     ":1: key 'smtp_password' would keep the password in the file; name where it is with "
     "smtp_password_env = \"VARIABLE\" or smtp_password_file = \"PATH\""),
    ('smtp_password_env = "A"\nsmtp_password_file = "p"\n',
     ":1: keys 'smtp_password_env' and 'smtp_password_file' exclude each other; keep one"),
    ('language = "nl"\nstore = "unclosed\n',
     ":2: not valid TOML: Illegal character '\\n' (column 18)"),
], ids=["unknown-key", "not-a-string", "not-a-number", "out-of-range", "not-a-list",
        "language", "empty", "password", "two-passwords", "not-toml"])
def test_a_bad_file_is_one_line_naming_file_and_key(runner: CliRunner, here: Path, text: str,
                                                    message: str) -> None:
    toml = write_toml(here, text)
    result = run(runner, "status")
    assert (result.exit_code, result.stderr) == (1, f"Error: {toml}{message}\n")
    assert not (here / "store").exists()


def test_a_bad_language_in_the_environment(runner: CliRunner, here: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVPFLOW_LANGUAGE", "fr")
    result = run(runner, "config")
    assert (result.exit_code, result.stderr) == (
        1, "Error: IVPFLOW_LANGUAGE 'fr' must be en or nl\n")


# --------------------------------------------------------------------------- secrets

def test_config_masks_passwords_in_urls(runner: CliRunner, here: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    toml = write_toml(here, 'smtp_url = "smtps://ivp:Ge%40heim@mail.example.nl:465"\n')
    monkeypatch.setenv("IVPFLOW_DB", "postgresql+psycopg://ivpflow:s3cret@db.example/ivp")
    result = run(runner, "config", "--json")
    assert "Ge%40heim" not in result.stdout and "s3cret" not in result.stdout
    rows = config(runner)
    assert rows["smtp_url"] == ("smtps://ivp:***@mail.example.nl:465", str(toml))
    assert rows["db"] == ("postgresql+psycopg://ivpflow:***@db.example/ivp",
                          "environment IVPFLOW_DB")
    table = run(runner, "config").stdout
    assert "smtps://ivp:***@mail.example.nl:465" in table and "s3cret" not in table


def test_the_password_from_a_named_variable_or_file(runner: CliRunner, here: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    toml = write_toml(here, 'smtp_password_env = "MAIL_SECRET"\n')
    assert config(runner)["smtp_password"] == (
        None, f"environment MAIL_SECRET (smtp_password_env in {toml}) — not set")
    monkeypatch.setenv("MAIL_SECRET", "geheim")
    assert config(runner)["smtp_password"] == (
        "***", f"environment MAIL_SECRET (smtp_password_env in {toml})")
    write_toml(here, 'smtp_password_file = "secrets/smtp"\n')
    (here / "secrets").mkdir()
    (here / "secrets" / "smtp").write_text("van-bestand\n", encoding="utf-8")
    assert config(runner)["smtp_password"] == (
        "***", f"file {here}/secrets/smtp (smtp_password_file in {toml})")
    monkeypatch.setenv("IVPFLOW_SMTP_PASSWORD", "env-wint")
    assert config(runner)["smtp_password"] == ("***", "environment IVPFLOW_SMTP_PASSWORD")
    assert "geheim" not in run(runner, "config").stdout


def test_mail_settings_take_the_file_with_the_environment_first(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(here, 'smtp_url = "smtp://mail.example.nl:25"\nsmtp_user = "ivp"\n'
                     'smtp_password_file = "pw"\nmail_from = "IVP <ivp@example.nl>"\n'
                     'smtp_timeout = 12\nretry_hours = 24\n')
    (here / "pw").write_text("uit-bestand\n", encoding="utf-8")
    monkeypatch.setenv("IVPFLOW_RETRY_HOURS", "48")
    settings = resolve_settings(environ=os.environ, cwd=here)
    mail = MailSettings.from_env(here / "store", settings.mail_environment(os.environ))
    assert (mail.smtp_url, mail.user, mail.password, mail.sender, mail.timeout,
            mail.retry_hours) == ("smtp://mail.example.nl:25", "ivp", "uit-bestand",
                                  "IVP <ivp@example.nl>", 12.0, 48.0)


def test_an_unreadable_password_file_stops_only_mail(runner: CliRunner, here: Path) -> None:
    toml = write_toml(here, 'smtp_url = "smtp://127.0.0.1:1"\nsmtp_password_file = "weg"\n')
    assert run(runner, "start", NOT, "--id", "not").exit_code == 0
    assert run(runner, "status", "not").exit_code == 0
    result = run(runner, "tick")
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {toml}: cannot read the SMTP password from {here}/weg "
           "(smtp_password_file): No such file or directory\n")


# --------------------------------------------------------------------------- the file at work

def test_the_store_of_the_file_is_used_from_a_subfolder(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml(tmp_path, 'store = "store"\nactor = "coordinator"\n')
    monkeypatch.chdir(tmp_path)
    assert run(runner, "start", NOT, "--id", "not").stdout == "not\n"
    (tmp_path / "stukken").mkdir()
    monkeypatch.chdir(tmp_path / "stukken")
    result = run(runner, "processes", "--json")
    assert [row["id"] for row in json.loads(result.stdout)] == ["not"]
    assert not (tmp_path / "stukken" / "store").exists()
    history = json.loads(run(runner, "history", "not", "--json").stdout)
    assert history[0]["actor"] == "coordinator"


def test_workflows_of_the_file_are_available(runner: CliRunner, here: Path) -> None:
    shipped = Path(__file__).parent.parent / "workflows" / f"{NOT}.yaml"
    (here / "definities").mkdir()
    text = shipped.read_text(encoding="utf-8").replace(f"id: {NOT}", "id: eigen-ivp", 1)
    (here / "definities" / "eigen.yaml").write_text(text, encoding="utf-8")
    write_toml(here, 'workflows = ["definities"]\n')
    rows = json.loads(run(runner, "workflows", "--json").stdout)
    assert {"id": "eigen-ivp", "path": str(here / "definities" / "eigen.yaml")}.items() <= \
        next(r for r in rows if r["id"] == "eigen-ivp").items()


def test_templates_of_the_file_are_used_for_that_command_only(runner: CliRunner,
                                                               here: Path) -> None:
    (here / "sjablonen" / "mail").mkdir(parents=True)
    (here / "sjablonen" / "mail" / "reminder.txt.j2").write_text("eigen\n", encoding="utf-8")
    write_toml(here, 'templates = "sjablonen"\n')
    rows = json.loads(run(runner, "templates", "--json").stdout)
    own = next(r for r in rows if r["name"] == "mail/reminder.txt.j2")
    assert (own["origin"], own["path"]) == (
        "override", str(here / "sjablonen" / "mail" / "reminder.txt.j2"))
    assert "IVPFLOW_TEMPLATES" not in os.environ


# --------------------------------------------------------------------------- missing stores

READ_COMMANDS = [
    ("status",), ("status", "not"), ("processes",), ("processes", "--json"), ("plan", "not"),
    ("history", "not"), ("outbox",), ("outbox", "--json"), ("report", "not"),
    ("export", "ics", "not"), ("meeting", "list", "not"), ("values", "not"),
    ("drafts", "not"), ("priority", "list", "not"), ("indicator", "list", "not"),
    ("action", "list", "not"), ("calendar", "2026-01-01", "2026-01-31", "--process", "not"),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_on_a_missing_store_creates_nothing(
        runner: CliRunner, here: Path, command: tuple[str, ...]) -> None:
    result = run(runner, *command)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Error: No ivpflow store at {here / 'store'} (no such folder); start a "
               "process with 'ivpflow start WORKFLOW', or point --store/--db or "
               "ivpflow.toml at your store\n")
    assert list(here.iterdir()) == []


def test_a_read_command_on_a_folder_without_a_database(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "leeg"
    folder.mkdir()
    result = run(runner, "--store", str(folder), "processes")
    assert result.stderr == (f"Error: No ivpflow store at {folder} (ivpflow.sqlite3 not "
                             "found); start a process with 'ivpflow start WORKFLOW', or "
                             "point --store/--db or ivpflow.toml at your store\n")
    assert list(folder.iterdir()) == []


def test_a_read_command_on_a_missing_sqlite_file(runner: CliRunner, tmp_path: Path) -> None:
    database = tmp_path / "nergens" / "ivp.sqlite3"
    result = run(runner, "--db", f"sqlite:///{database}", "status")
    assert (result.exit_code, result.stderr.split(" (")[0]) == (
        1, f"Error: No ivpflow store at {database}")
    assert not (tmp_path / "nergens").exists()


def test_a_write_command_still_creates_the_store(runner: CliRunner, here: Path) -> None:
    assert run(runner, "start", NOT, "--id", "not").exit_code == 0
    assert (here / "store" / "ivpflow.sqlite3").is_file()
    assert run(runner, "status", "not").exit_code == 0


def test_tick_still_creates_the_store(runner: CliRunner, here: Path) -> None:
    assert run(runner, "tick").exit_code == 0
    assert (here / "store" / "ivpflow.sqlite3").is_file()


def test_calendar_of_a_municipality_needs_no_store(runner: CliRunner, here: Path) -> None:
    result = run(runner, "calendar", "2026-04-27", "2026-04-28", "--municipality", "Losser",
                 "--json")
    assert (result.exit_code, json.loads(result.stdout)["working_days"]) == (0, ["2026-04-28"])
    assert list(here.iterdir()) == []


@pytest.mark.skipif(not POSTGRESQL, reason="needs IVPFLOW_TEST_POSTGRESQL")
def test_a_read_command_on_an_empty_postgresql_database_creates_no_tables(
        runner: CliRunner, here: Path) -> None:
    from sqlalchemy import create_engine, inspect

    name = f"ivpflow_test_empty_{os.getpid()}"
    _admin_execute(f"CREATE DATABASE {name}")
    try:
        url = _database_url(name)
        result = run(runner, "--db", url, "processes")
        assert (result.exit_code, result.stderr.split(" (")[1]) == (
            1, "it has no ivpflow tables yet); start a process with 'ivpflow start "
               "WORKFLOW', or point --store/--db or ivpflow.toml at your store\n")
        engine = create_engine(url)
        try:
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
    finally:
        _drop_database(name)
