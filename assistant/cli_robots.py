"""`assistant robots list` and `assistant robots test NAME` (docs/commands.md#robots)."""

from __future__ import annotations

import os

import click

from assistant.cli import Options, common, main, say
from assistant.cli_help import group_lang
from assistant.errors import UsageError
from assistant.i18n import tr


@main.group(help="help.robots")
@group_lang
def robots() -> None:
    pass


@robots.command("list", help="help.robots_list")
@common
def robots_list(opts: Options) -> int:
    config = opts.office().config
    if not config.robots:
        say(tr("robots.none"))
    for r in config.robots:
        state = tr("robots.env_set" if os.environ.get(r.webhook_env) else "robots.env_unset")
        say(tr("robots.list_line", name=r.name, kind=r.kind, jobs=", ".join(r.jobs), env=r.webhook_env, state=state))
    return 0


@robots.command("test", help="help.robots_test")
@click.argument("name")
@common
def robots_test(opts: Options, name: str) -> int:
    from assistant.api import robot_test
    from assistant.suggest import did_you_mean

    office = opts.office()
    known = [r.name for r in office.config.robots]
    robot = next((r for r in office.config.robots if r.name == name), None)
    if robot is None:
        raise UsageError(tr("robots.unknown", name=name, known=", ".join(known) or "—") + did_you_mean(name, known))
    answer = robot_test(office, robot)
    if answer.ok:
        say(tr("robots.test_ok", robot=name, kind=robot.kind))
        return 0
    say(tr("robots.test_failed", robot=name, kind=robot.kind,
           error=tr(f"robot.error.{answer.kind}", code=answer.code, detail=answer.detail)), err=True)
    return 1
