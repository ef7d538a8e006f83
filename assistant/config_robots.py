"""The group robots of assistant.toml: `[[robots]]` and `[robots_policy]` (docs/config.md#robots).

A robot's webhook URL and signing secret are never written in the file: it names the environment
variables that hold them (`webhook_env`, `secret_env`), read when a job posts. Which hosts a URL
may point to is the policy's (by default each platform's official API host), so a mistyped or
hostile config cannot send the office's data elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.i18n import tr
from assistant.suggest import did_you_mean

if TYPE_CHECKING:
    from assistant.config import _Reader

KINDS = ("wecom", "dingtalk", "feishu")
# the jobs a robot may post for: what each posts is in docs/robots.md
ROBOT_JOBS = ("digest", "remind", "report_bulletin", "report_staffing", "report_quota", "report_district", "duty")


@dataclass(frozen=True)
class RobotConfig:
    name: str
    kind: str  # wecom | dingtalk | feishu
    webhook_env: str  # the environment variable holding the webhook URL
    secret_env: str | None = None  # the one holding the signing secret (DingTalk, Feishu)
    scope: str | dict[str, str] = "all"  # as a recipient's: the rows its digest and reminders cover
    jobs: tuple[str, ...] = ("digest", "remind", "report_bulletin")


@dataclass(frozen=True)
class RobotsPolicy:
    allowed_hosts: tuple[str, ...] | None = None  # None: each platform's official API host


def read_robots(reader: _Reader, top: dict[str, Any]) -> tuple[tuple[RobotConfig, ...], RobotsPolicy]:
    robots = tuple(_robot(reader, r, i) for i, r in enumerate(reader.get(top, "robots", "", list, [])))
    names = [r.name for r in robots]
    for n in names:
        if names.count(n) > 1:
            raise reader.fail("robots.name", tr("config.duplicate_robot", name=n))
    t = reader.table(top.get("robots_policy", {}), "robots_policy", ["allowed_hosts"])
    hosts = reader.strings(t, "allowed_hosts", "robots_policy")
    return robots, RobotsPolicy(tuple(h.strip().lower() for h in hosts) if hosts is not None else None)


def _robot(reader: _Reader, data: Any, i: int) -> RobotConfig:
    where = f"robots[{i}]"
    t = reader.table(data, where, ["name", "kind", "webhook_env", "secret_env", "scope", "jobs"])
    kind = reader.get(t, "kind", where, str, required=True)
    if kind not in KINDS:
        raise reader.fail(f"{where}.kind", tr("config.robot_kind", kind=kind, known=", ".join(KINDS))
                          + did_you_mean(kind, KINDS))
    secret_env = reader.get(t, "secret_env", where, str)
    if secret_env and kind == "wecom":  # WeCom does not sign: its key is in the URL
        raise reader.fail(f"{where}.secret_env", tr("config.robot_no_secret"))
    scope = reader.get(t, "scope", where, (str, dict), "all")
    if (isinstance(scope, str) and scope != "all") or \
            (isinstance(scope, dict) and not all(isinstance(v, str) for v in scope.values())):
        raise reader.fail(f"{where}.scope", tr("config.scope_form"))
    jobs = reader.strings(t, "jobs", where)
    for job in jobs or ():
        if job not in ROBOT_JOBS:
            raise reader.fail(f"{where}.jobs", tr("config.robot_job", job=job, known=", ".join(ROBOT_JOBS))
                              + did_you_mean(job, ROBOT_JOBS))
    for key in ("webhook_env", "secret_env"):
        value = t.get(key)
        if isinstance(value, str) and ("://" in value or not value.replace("_", "").isalnum()):
            raise reader.fail(f"{where}.{key}", tr("config.robot_env_name"))  # a URL or secret pasted in
    return RobotConfig(name=reader.get(t, "name", where, str, required=True), kind=kind,
                       webhook_env=reader.get(t, "webhook_env", where, str, required=True),
                       secret_env=secret_env, scope=scope,
                       jobs=jobs if jobs is not None else RobotConfig.jobs)
