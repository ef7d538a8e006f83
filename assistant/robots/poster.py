"""Posting to group robots, exactly once: host allowed → split → per part: ledger claim → rate
limit → POST → answer recorded (docs/robots.md).

The ledger keys a part by (job, "robot:NAME", period#part): a rerun posts nothing already posted,
a failed part is posted again on the next run, and a part whose answer was lost (the connection
dropped after the request went out) is never repeated by itself (`--force` does). Each robot's
rate limit is shared through the ledger by every run and process. A post that failed three times
running is `failing`: the job tells the admin by mail (assistant/robots/jobs.py).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistant.config_robots import RobotConfig, RobotsPolicy
from assistant.errors import ConfigError
from assistant.i18n import tr
from assistant.ledger import ALREADY_SENT, Ledger
from assistant.robots.platforms import PLATFORMS, Answer
from assistant.robots.split import split

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

POSTED, SKIPPED, FAILED, UNCERTAIN, UNSET = "posted", "already_posted", "failed", "uncertain", "unset"
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # http allowed only here (tests, a local relay)
_JSON = {"Content-Type": "application/json; charset=utf-8"}  # Request.data: UTF-8, not \u escapes
FAILING_AFTER = 3  # attempts of one post that failed before the admin is told
TIMEOUT = 15.0  # seconds for one request


@dataclass
class PostOutcome:
    job: str
    robot: str
    status: str
    parts: int = 0  # parts posted in this run
    error: str = ""
    hint: str = ""
    attempts: int = 0  # of the failed part, this run's included

    @property
    def failing(self) -> bool:
        """Failed again and again: the admin should hear of it."""
        return self.status == FAILED and self.attempts >= FAILING_AFTER

    @property
    def failed(self) -> bool:
        """Not known to have arrived (exit 1); an unset variable is said, not failed."""
        return self.status in (FAILED, UNCERTAIN)

    def message(self) -> str:
        text = tr(f"robot.outcome.{self.status}", robot=self.robot, job=self.job, parts=self.parts, error=self.error)
        return text + (f"\n{tr('cli.hint')}{self.hint}" if self.hint else "")


@dataclass
class Message:
    """What a job posts: a title, blocks that are never split, and mobiles to @-mention."""

    title: str
    blocks: list[str]
    mobiles: list[str] = field(default_factory=list)


class RobotPoster:
    def __init__(self, robots: Sequence[RobotConfig], policy: RobotsPolicy, ledger: Ledger, *,
                 force: bool = False, env: Mapping[str, str] | None = None,
                 session: requests.Session | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep):
        import requests

        self.robots, self.policy, self.ledger, self.force = list(robots), policy, ledger, force
        self.env = os.environ if env is None else env
        self.session = session or requests.Session()
        self.clock, self.sleep = clock, sleep

    def for_job(self, job: str) -> list[RobotConfig]:
        """The robots posting for `job`, their webhooks checked first: a URL on a host the policy
        does not allow stops the job before anything is posted (ConfigError, exit 2)."""
        chosen = [r for r in self.robots if job in r.jobs]
        for robot in chosen:
            url = self.env.get(robot.webhook_env)
            if url:
                self.check_url(robot, url)
        return chosen

    def check_url(self, robot: RobotConfig, url: str) -> None:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        allowed = self.policy.allowed_hosts or PLATFORMS[robot.kind].hosts
        secure = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
        if host not in allowed or not secure:
            shown = f"{parts.scheme}://{host}" if host else parts.scheme or "?"  # never the key or token
            raise ConfigError(tr("robot.host_refused", robot=robot.name, env=robot.webhook_env, host=shown,
                                 allowed=", ".join(allowed)), hint=tr("robot.host_refused_hint"))

    def post(self, job: str, robot: RobotConfig, period: str, message: Message) -> PostOutcome:
        """Post `message` for `job` and `period`, in as many parts as its platform's limit needs."""
        url, secret, unset = self._credentials(robot)
        if unset:
            return PostOutcome(job, robot.name, UNSET, error=unset, hint=tr("robot.set_env", env=unset))
        platform = PLATFORMS[robot.kind]
        mentions = message.mobiles if platform.mentions_by_mobile else []
        parts = self.parts(robot, message)
        posted = 0
        for i, (title, body) in enumerate(parts, 1):
            key = part_key(period, i, len(parts))
            claim, reason = self.ledger.claim_or_reason(job, f"robot:{robot.name}", key, force=self.force)
            if claim is None:
                if reason != ALREADY_SENT:
                    return PostOutcome(job, robot.name, UNCERTAIN, posted, tr("robot.part_unknown", part=i))
                continue
            mobiles = mentions if i == len(parts) else []
            outcome = self._send(robot, url, secret, title, body, mobiles)
            if outcome is None:
                self.ledger.sent(claim, f"{robot.kind}:{i}/{len(parts)}")
                posted += 1
                continue
            status, error = outcome
            if status == UNCERTAIN:
                self.ledger.maybe_sent(claim, error)
            else:
                self.ledger.failed(claim, error)
            return PostOutcome(job, robot.name, status, posted, error, attempts=claim.attempt)
        return PostOutcome(job, robot.name, POSTED if posted else SKIPPED, posted)

    def parts(self, robot: RobotConfig, message: Message) -> list[tuple[str, str]]:
        """The (title, body) parts `message` is posted in on `robot`'s platform."""
        platform = PLATFORMS[robot.kind]
        mentions = message.mobiles if platform.mentions_by_mobile else []
        numbered = f"{message.title}（99/99）"  # measured with the longest numbering and every mention: never over

        def size(body: str) -> int:
            return platform.size(body, numbered, mentions)

        return split(message.title, message.blocks, platform.limit, size)

    def unset(self, robot: RobotConfig) -> str | None:
        """The environment variable `robot` needs that is not set (then nothing can be posted)."""
        return self._credentials(robot)[2]

    def test(self, robot: RobotConfig) -> Answer:
        """Post a short test message now (no ledger): the platform's answer."""
        url, secret, unset = self._credentials(robot)
        if unset:
            raise ConfigError(tr("robot.env_missing", robot=robot.name, env=unset), hint=tr("robot.set_env", env=unset))
        answers = self._requests(robot, url, secret, tr("robot.test_title"), tr("robot.test_body"), [])
        return answers[-1] if isinstance(answers, list) else Answer(False, "http", None, answers[1])

    def _credentials(self, robot: RobotConfig) -> tuple[str, str | None, str | None]:
        """The webhook URL (its host checked) and the secret from the environment, and the name of
        a variable that is not set (then nothing can be posted)."""
        url = (self.env.get(robot.webhook_env) or "").strip()
        if not url:
            return "", None, robot.webhook_env
        self.check_url(robot, url)
        secret = (self.env.get(robot.secret_env) or "").strip() if robot.secret_env else None
        if robot.secret_env and not secret:
            return url, None, robot.secret_env
        return url, secret, None

    def _send(self, robot: RobotConfig, url: str, secret: str | None, title: str, body: str,
              mobiles: list[str]) -> tuple[str, str] | None:
        """None when every request of the part was answered ok; else (FAILED or UNCERTAIN, error)."""
        answers = self._requests(robot, url, secret, title, body, mobiles)
        if not isinstance(answers, list):
            return answers
        for a in answers:
            if not a.ok:
                return FAILED, tr(f"robot.error.{a.kind}", code=a.code, detail=a.detail)
        return None

    def _requests(self, robot: RobotConfig, url: str, secret: str | None, title: str, body: str,
                  mobiles: list[str]) -> list[Answer] | tuple[str, str]:
        import requests

        platform = PLATFORMS[robot.kind]
        answers = []
        for req in platform.requests(url, secret, title, body, mobiles, self.clock(),
                                     mention_text=tr("robot.mention_text") if mobiles else ""):
            while (wait := self.ledger.reserve_post(robot.name, self.clock(), platform.per_minute,
                                                    platform.per_second)) > 0:
                self.sleep(wait)
            try:
                resp = self.session.post(req.url, data=req.data, headers=_JSON, timeout=TIMEOUT)
            except (requests.ConnectionError, requests.Timeout) as exc:
                sent = _went_out(exc)
                error = tr("robot.no_answer" if sent else "robot.unreachable", detail=type(exc).__name__)
                log.warning("robot %s: %s", robot.name, error)
                return (UNCERTAIN if sent else FAILED), error
            answers.append(platform.answer(resp.status_code, resp.text))
            if not answers[-1].ok:
                break
        return answers


def part_key(period: str, n: int, parts: int) -> str:
    """The ledger's period of part `n` of a post in `parts` parts."""
    return period if parts == 1 else f"{period}#{n}"


def _went_out(exc: Exception) -> bool:
    """Whether a failed request may have reached the platform: not when its connection was never
    made (refused, no route, timed out connecting): that post can safely go again."""
    import requests
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

    if isinstance(exc, requests.ConnectTimeout):
        return False
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, MaxRetryError):
        inner = inner.reason
    return not isinstance(inner, (NewConnectionError, ConnectTimeoutError))
