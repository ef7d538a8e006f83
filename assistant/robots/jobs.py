"""A job's posts to its robots, and the admin told of a robot that keeps failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.config_robots import RobotConfig
from assistant.i18n import tr, using

if TYPE_CHECKING:
    from assistant.context import JobContext
    from assistant.robots.poster import Message, PostOutcome
    from assistant.sending import SendOutcome


def post_robots(ctx: JobContext, job: str, period: str,
                message_for: Callable[[RobotConfig], Message | None]) -> list[PostOutcome | SendOutcome]:
    """Post `job`'s message (`message_for(robot)`, None: nothing for that robot) to each robot
    that posts for it, once per `period`; nothing in a dry run. Messages are in the office's
    language: a group has no one reader."""
    if ctx.robots is None or ctx.dry_run:
        return []
    config = ctx.office.config
    out: list[PostOutcome | SendOutcome] = []
    for robot in ctx.robots.for_job(job):
        with using(config.lang):
            message = message_for(robot)
            if message is None:
                continue
            outcome = ctx.robots.post(job, robot, period, message)
        out.append(outcome)
        if outcome.failing and ctx.sender is not None and config.admin_email:
            out.append(_alert(ctx, robot, outcome))
    return out


def _alert(ctx: JobContext, robot: RobotConfig, failed: PostOutcome) -> SendOutcome:
    """Mail the admin, once a day per robot: the robot's posts keep failing, and why."""
    from assistant.delivery.mail import build_message

    config = ctx.office.config
    admin = config.admin_email
    assert ctx.sender is not None and admin

    def build(_claimed: list[str]):
        with using(config.lang):
            subject = tr("robot.failing.subject", office=config.office_name, robot=robot.name)
            text = tr("robot.failing.body", robot=robot.name, kind=robot.kind, job=failed.job,
                      attempts=failed.attempts, error=failed.error, env=robot.webhook_env)
        return build_message(config.mail.sender, [admin], subject, text)

    return ctx.sender.send("robot_failing", tr("robot.admin"), admin,
                           [f"{ctx.today.isoformat()}|{robot.name}"], build)
