"""assistant.toml: the office's configuration (docs/design.md §4).

Every key is checked: an unknown key or a wrong type is a ConfigError that names the file, the key
and what was expected. Paths are relative to the config file. Secrets are `{ env = "NAME" }` and are
only resolved when used, so they never sit in objects that get printed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.config_calendar import CalendarConfig, read_calendar
from assistant.config_mail import MailConfig, Recipient, read_mail, read_recipient
from assistant.config_robots import RobotConfig, RobotsPolicy, read_robots
from assistant.errors import ConfigError
from assistant.i18n import tr
from assistant.suggest import did_you_mean

CONFIG_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG = "assistant.toml"


@dataclass(frozen=True)
class Secret:
    """A reference to a secret; `repr` never shows the value."""

    env: str

    def resolve(self) -> str | None:
        return os.environ.get(self.env)

    def __repr__(self) -> str:
        return f"Secret(env={self.env!r})"


@dataclass(frozen=True)
class WorkbookConfig:
    name: str
    source: str  # a path (resolved against the config folder) or "gsheets:<key>"
    registers: tuple[str, ...] | None = None
    credentials: Secret | Path | None = None
    api_url: str | None = None


@dataclass(frozen=True)
class JobConfig:
    name: str
    cron: str | None = None
    workdays_only: bool = False
    enabled: bool = True
    catch_up: str | None = None
    period: str | None = None  # day | week | month: how often a recipient may get this mail
    recipients: tuple[str, ...] | None = None  # report jobs: the names of the [[recipients]] it mails; None: all
    owner_every: int = 1  # remind: an escalated item's owner is reminded every this many working days


# the figures a 督查通报 may weigh into its score ([reports.bulletin] weights; docs/reports.md)
BULLETIN_WEIGHTS = ("on_time_rate", "completion_rate", "overdue", "data_errors", "quota_met")


@dataclass(frozen=True)
class Limits:
    """[limits]: how big a workbook may be before it is refused unread, and how many workbooks are
    handled at once (docs/config.md#limits).
    Each default is well above what Excel/WPS can hold in one register, so only a damaged or
    crafted file (or a stray cell at the far corner of the grid) reaches one."""

    max_rows: int = 2_000_000  # Excel/WPS hold at most 1,048,576 rows
    max_cells: int = 50_000_000  # rows x columns of a sheet's used range: 1,048,576 rows x 47 columns
    max_part_mb: int = 1024  # one part of the package uncompressed; a full-height register is ~600 MB
    max_total_mb: int = 2048  # all parts together, uncompressed
    # workbooks `check` and `flag` handle at once, each in a process (assistant/parallel.py)
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class Config:
    path: Path
    office_name: str
    timezone: str
    schemas_dir: Path
    workbooks: tuple[WorkbookConfig, ...]
    mail: MailConfig
    recipients: tuple[Recipient, ...]
    jobs: dict[str, JobConfig]
    lang: str = "zh"
    workdays: str = "official"
    admin_email: str | None = None
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    keep_backups: int = 10  # [writeback]: backups kept per workbook
    limits: Limits = field(default_factory=Limits)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)  # [reports.NAME]: settings given
    robots: tuple[RobotConfig, ...] = ()  # [[robots]]: group-chat robots (assistant/config_robots.py)
    robots_policy: RobotsPolicy = field(default_factory=RobotsPolicy)
    director: str | None = None  # [office] director: the office director's name (duty alerts)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def state_dir(self) -> Path:
        return self.folder / ".assistant"

    @property
    def outbox_dir(self) -> Path:
        return self.folder / "outbox"

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def resolve_config_path(given: str | os.PathLike | None) -> Path:
    """--config, else $ASSISTANT_CONFIG, else ./assistant.toml."""
    raw = given or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG
    return Path(raw).expanduser().absolute()


def load_config(path: Path) -> Config:
    if not path.exists():
        raise ConfigError(tr("config.not_found", path=path), hint=tr("config.not_found_hint"))
    return _Reader(path).config(read_toml(path))


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(tr("config.not_utf8", path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(tr("config.syntax", path=path, detail=exc)) from None


# --- reading and checking -----------------------------------------------------------------------

_TYPE_NAMES = {str: "text", int: "integer", bool: "true/false", float: "number", list: "list", dict: "table"}


class _Reader:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(tr("config.problem", path=self.path.name, key=key, message=message))

    def table(self, data: Any, key: str, allowed: list[str]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(key, tr("config.expected", expected=tr("type.table")))
        for k in data:
            if k not in allowed:
                hint = did_you_mean(k, allowed)
                raise self.fail(f"{key}.{k}" if key else k, tr("config.unknown_key", allowed=", ".join(allowed)) + hint)
        return data

    def get(self, data: dict, key: str, where: str, kind: type | tuple, default: Any = None,
            required: bool = False, check: Callable[[Any], str | None] | None = None) -> Any:
        full = f"{where}.{key}" if where else key
        if key not in data:
            if required:
                raise self.fail(full, tr("config.required"))
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a port of `true` is still wrong.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            expected = " / ".join(tr(f"type.{_TYPE_NAMES[k]}") for k in kinds)
            raise self.fail(full, tr("config.expected_got", expected=expected, got=repr(value)))
        if check and (problem := check(value)):
            raise self.fail(full, problem)
        return value

    def strings(self, data: dict, key: str, where: str) -> tuple[str, ...] | None:
        value = self.get(data, key, where, list)
        if value is None:
            return None
        if not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where}.{key}", tr("config.expected", expected=tr("type.list_of_text")))
        return tuple(value)

    def secret(self, data: dict, key: str, where: str) -> Secret | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str):
            return Secret(env=value["env"])
        raise self.fail(f"{where}.{key}", tr("config.secret_form"))

    def config(self, data: dict) -> Config:
        top = self.table(data, "", ["office", "workbooks", "mail", "recipients", "jobs", "calendar", "writeback",
                                    "limits", "reports", "robots", "robots_policy"])
        office = self.table(top.get("office", {}), "office",
                            ["name", "timezone", "schemas", "lang", "workdays", "admin_email", "director"])
        name = self.get(office, "name", "office", str, required=True)
        timezone = self.get(office, "timezone", "office", str, "Asia/Shanghai", check=_check_tz)
        schemas = self.get(office, "schemas", "office", str, "sheets_schema")
        lang = self.get(office, "lang", "office", str, "zh", check=_one_of("zh", "en"))
        workdays = self.get(office, "workdays", "office", str, "official", check=_one_of("official", "weekdays"))
        admin = self.get(office, "admin_email", "office", str)

        wb_list = self.get(top, "workbooks", "", list, [])
        workbooks = tuple(self.workbook(w, i) for i, w in enumerate(wb_list))
        names = [w.name for w in workbooks]
        for n in names:
            if names.count(n) > 1:
                raise self.fail("workbooks.name", tr("config.duplicate_workbook", name=n))
        if not workbooks:
            raise self.fail("workbooks", tr("config.no_workbooks"))

        mail = read_mail(self, top.get("mail", {}))
        robots, robots_policy = read_robots(self, top)
        recipients = tuple(read_recipient(self, r, i) for i, r in enumerate(self.get(top, "recipients", "", list, [])))
        jobs_t = top.get("jobs", {})
        if not isinstance(jobs_t, dict):
            raise self.fail("jobs", tr("config.expected", expected=tr("type.table")))
        jobs = {n: self.job(n, j, recipients) for n, j in jobs_t.items()}
        calendar = read_calendar(self, top.get("calendar", {}))
        writeback = self.table(top.get("writeback", {}), "writeback", ["keep_backups"])
        keep = self.get(writeback, "keep_backups", "writeback", int, 10, check=_at_least_one)
        return Config(path=self.path, office_name=name, timezone=timezone,
                      schemas_dir=(self.path.parent / schemas), workbooks=workbooks, mail=mail,
                      recipients=recipients, jobs=jobs, lang=lang, workdays=workdays,
                      admin_email=admin, calendar=calendar, keep_backups=keep,
                      limits=self.limits(top.get("limits", {})), reports=self.reports(top.get("reports", {})),
                      robots=robots, robots_policy=robots_policy,
                      director=self.get(office, "director", "office", str))

    def limits(self, data: Any) -> Limits:
        names = ["max_rows", "max_cells", "max_part_mb", "max_total_mb", "workers"]
        t = self.table(data, "limits", names)
        default = Limits()
        return Limits(**{n: self.get(t, n, "limits", int, getattr(default, n), check=_at_least_one) for n in names})

    def reports(self, data: Any) -> dict[str, dict[str, Any]]:
        """[reports.staffing], [reports.bulletin]: only the keys given (each report has defaults)."""
        t = self.table(data, "reports", ["staffing", "bulletin"])
        out: dict[str, dict[str, Any]] = {}
        if "staffing" in t:
            s = self.table(t["staffing"], "reports.staffing", ["vacancy_threshold", "worker_sections"])
            out["staffing"] = {k: v for k, v in {
                "vacancy_threshold": self.get(s, "vacancy_threshold", "reports.staffing", (float, int), check=_fraction),
                "worker_sections": self.strings(s, "worker_sections", "reports.staffing")}.items() if v is not None}
        if "bulletin" in t:
            b = self.table(t["bulletin"], "reports.bulletin", ["weights", "requirements"])
            weights = self.get(b, "weights", "reports.bulletin", dict)
            if weights is not None:
                w = self.table(weights, "reports.bulletin.weights", list(BULLETIN_WEIGHTS))
                weights = {k: self.get(w, k, "reports.bulletin.weights", (float, int)) for k in w}
            out["bulletin"] = {k: v for k, v in {
                "weights": weights, "requirements": self.get(b, "requirements", "reports.bulletin", str)}.items()
                if v is not None}
        return out

    def workbook(self, data: Any, i: int) -> WorkbookConfig:
        where = f"workbooks[{i}]"
        t = self.table(data, where, ["name", "source", "registers", "credentials", "api_url"])
        name = self.get(t, "name", where, str, required=True)
        source = self.get(t, "source", where, str, required=True)
        from assistant.sources import DEFAULT, source_kind  # the sources import this module

        if source_kind(source).name == DEFAULT:  # a file: relative to the config; other kinds keep their URI
            source = str((self.path.parent / source).resolve())
        creds_raw = t.get("credentials")
        creds: Secret | Path | None
        if isinstance(creds_raw, str):
            creds = (self.path.parent / creds_raw).resolve()
        else:
            creds = self.secret(t, "credentials", where)
        return WorkbookConfig(name=name, source=source, registers=self.strings(t, "registers", where),
                              credentials=creds, api_url=self.get(t, "api_url", where, str))

    def job(self, name: str, data: Any, recipients: tuple[Recipient, ...]) -> JobConfig:
        from assistant.jobs import JOBS  # here, not at the top: the registry imports every job

        where = f"jobs.{name}"
        if name not in JOBS:  # a misspelt [jobs.X] would otherwise be ignored without a word
            raise self.fail(where, tr("run.unknown_job", name=name, known=", ".join(JOBS)) + did_you_mean(name, JOBS))
        t = self.table(data, where, ["cron", "workdays_only", "enabled", "catch_up", "period", "recipients",
                                     "owner_every"])
        if "owner_every" in t and name != "remind":  # only reminders have owners to remind
            raise self.fail(f"{where}.owner_every", tr("config.owner_every_remind_only"))
        chosen = self.strings(t, "recipients", where)
        if chosen is not None:
            known = [r.name for r in recipients]
            if not name.startswith("report_"):
                raise self.fail(f"{where}.recipients", tr("config.job_recipients_reports_only"))
            for who in chosen:
                if who not in known:
                    raise self.fail(f"{where}.recipients", tr("config.unknown_recipient", name=who)
                                    + did_you_mean(who, known))
        return JobConfig(name=name, cron=self.get(t, "cron", where, str),
                         workdays_only=self.get(t, "workdays_only", where, bool, False),
                         enabled=self.get(t, "enabled", where, bool, True),
                         catch_up=self.get(t, "catch_up", where, str),
                         period=self.get(t, "period", where, str, check=_one_of("day", "week", "month")),
                         recipients=tuple(chosen) if chosen is not None else None,
                         owner_every=self.get(t, "owner_every", where, int, 1, check=_at_least_one))



def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else tr("config.one_of", choices=" | ".join(choices)) + did_you_mean(value, list(choices))
    return check


def _transport(value: Any) -> str | None:
    """A `[mail] transport` some delivery registered (assistant.delivery.registry)."""
    from assistant.delivery.registry import transports

    return _one_of(*transports())(value)


def _fraction(value: float) -> str | None:
    return None if 0 <= value <= 1 else tr("config.expected_got", expected=tr("type.fraction"), got=value)


def _at_least_one(value: int) -> str | None:
    return None if value >= 1 else tr("config.expected_got", expected=tr("type.positive_integer"), got=value)


def _check_tz(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return tr("config.bad_timezone")
    return None


def known_keys() -> dict[str, set[str]]:
    """Every table of assistant.toml and the keys the loader accepts in it, for docs and tests.

    Names: "" for the top level, "office", "workbooks" ([[workbooks]]), "mail", "mail.directory",
    "recipients" ([[recipients]]), "jobs.NAME" ([jobs.NAME]), "calendar", "writeback", "limits". Read off the
    loader itself: a minimal config is loaded and the keys each table is checked against are recorded,
    so this cannot drift from what `load_config` accepts. Reads no file and changes nothing.
    """
    seen: dict[str, set[str]] = {}

    class _Recorder(_Reader):
        def table(self, data: Any, key: str, allowed: list[str]) -> dict:
            key = "jobs.NAME" if key.startswith("jobs.") else key.split("[", 1)[0]
            seen.setdefault(key, set()).update(allowed)
            return super().table(data, key, allowed)

    minimal = {"office": {"name": "-"}, "workbooks": [{"name": "-", "source": "gsheets:-"}],
               "mail": {"directory": {}}, "recipients": [{"name": "-", "email": "-@example.org"}],
               "jobs": {"check": {}, "report_bulletin": {"recipients": ["-"]}}, "calendar": {}, "writeback": {}, "limits": {},
               "reports": {"staffing": {}, "bulletin": {"weights": {}}},
               "robots": [{"name": "-", "kind": "dingtalk", "webhook_env": "X", "secret_env": "Y"}], "robots_policy": {}}
    _Recorder(Path(DEFAULT_CONFIG)).config(minimal)
    return seen
