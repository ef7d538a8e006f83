"""One send, exactly once: allowed domain → ledger claim → build → deliver → record.

The ledger decides (docs/design.md §7): a message already sent for (job, recipient, period) is skipped, a
failed one is retried on the next run, and one whose outcome is unknown (a crash mid-send, or a
server whose answer to the whole message was lost) is not repeated automatically: `--force --to
ADDRESS` redoes that one send. The message is only built once the claim is held, so a skipped send
costs nothing; one recipient's message failing to build is that send's failure, never the others'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage

from assistant.delivery.mail import Delivery, DeliveryError, DeliveryUncertain, allowed
from assistant.errors import AssistantError, ConfigError, UsageError
from assistant.i18n import tr
from assistant.ledger import ALREADY_SENT, Ledger
from assistant.suggest import did_you_mean

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # logged where the scheduler logs; a command shows the outcome

SENT, WRITTEN, SKIPPED, IN_FLIGHT, UNCERTAIN, FAILED, BLOCKED, NO_ADDRESS = (
    "sent", "written", "already_sent", "in_flight", "uncertain", "failed", "blocked", "no_address")
_MESSAGES = {SENT: "send.sent", WRITTEN: "send.written", SKIPPED: "send.already", IN_FLIGHT: "send.in_flight",
             UNCERTAIN: "send.uncertain", FAILED: "send.failed", BLOCKED: "send.blocked",
             NO_ADDRESS: "send.no_address"}
COMMANDS = {"digest": "digest", "remind": "remind", "escalate": "remind",  # the command that resends a kind
            **{f"report_{n}": f"report {n} --mail" for n in ("staffing", "quota", "bulletin", "district")},
            "duty": "jobs run duty", "duty_gap": "jobs run duty", "robot_failing": "remind"}


@dataclass
class SendOutcome:
    kind: str  # digest | remind | escalate
    name: str
    email: str | None
    status: str
    error: str = ""

    @property
    def failed(self) -> bool:
        """Not known to have arrived, and a person should know (exit 1): failed, or uncertain."""
        return self.status in (FAILED, UNCERTAIN)

    def message(self) -> str:
        return tr(_MESSAGES[self.status], kind=tr(f"kind.{self.kind}"), name=self.name, email=self.email or "",
                  error=self.error, command=COMMANDS.get(self.kind, self.kind))


@dataclass
class Sender:
    """What a job needs to send: the delivery, the ledger and the office's rules. `to`: only these
    addresses (`--to`, compared case-insensitively); empty: everyone."""

    delivery: Delivery
    ledger: Ledger
    domains: tuple[str, ...]
    force: bool = False
    to: tuple[str, ...] = ()
    _only: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._only = frozenset(a.strip().lower() for a in self.to)

    def check_to(self, recipients: Iterable[str | None]) -> None:
        """Before anything is sent: each `--to` address must be one of this run's `recipients`,
        else a UsageError with "did you mean" (exit 2)."""
        known = sorted({r.strip().lower() for r in recipients if r})
        for address in self.to:
            if address.strip().lower() not in known:
                shown = ", ".join(known[:10]) + (" …" if len(known) > 10 else "") or "—"
                raise UsageError(tr("send.unknown_to", address=address, known=shown)
                                 + did_you_mean(address.strip().lower(), known), hint=tr("send.unknown_to_hint"))

    def wants(self, email: str | None) -> bool:
        """Whether this run sends to `email` at all (`--to`)."""
        return not self._only or (email or "").strip().lower() in self._only

    def refusal(self, email: str | None) -> str | None:
        """NO_ADDRESS or BLOCKED when nothing can be sent to `email`, whatever the ledger says."""
        if not email:
            return NO_ADDRESS
        return None if allowed(email, self.domains) else BLOCKED

    def send(self, kind: str, name: str, email: str | None, periods: list[str],
             build: Callable[[list[str]], EmailMessage]) -> SendOutcome:
        """Claim every period (one per item for reminders, one for a digest) and send one
        message covering the claimed ones, which `build(claimed periods)` makes."""
        if refused := self.refusal(email):
            return SendOutcome(kind, name, email, refused)
        assert email is not None
        claims, reasons = [], set()
        for period in periods:
            claim, reason = self.ledger.claim_or_reason(kind, email, period, force=self.force)
            if claim is None:
                reasons.add(reason)
            else:
                claims.append(claim)
        if not claims:
            return SendOutcome(kind, name, email, SKIPPED if reasons == {ALREADY_SENT} else IN_FLIGHT)
        try:
            msg = build([c.period for c in claims])
        except (ConfigError, KeyboardInterrupt, SystemExit):
            # A template mistake is the office's for every recipient (exit 2); Ctrl-C stops all.
            # Nothing went out: the next run may try again.
            self._record(claims, self.ledger.failed, "stopped before sending")
            raise
        except Exception as exc:  # this recipient's message only: the others are still sent
            detail = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
            error = tr("send.build_failed", detail=detail[:300])
            log.error("%s for %s <%s>: %s", kind, name, email, error, exc_info=True)
            self._record(claims, self.ledger.failed, error)
            return SendOutcome(kind, name, email, FAILED, error)
        try:
            message_id = self.delivery.send(msg)
        except DeliveryUncertain as exc:  # the server may have it: never repeated by itself
            self._record(claims, self.ledger.maybe_sent, exc.message)
            return SendOutcome(kind, name, email, UNCERTAIN, exc.message)
        except DeliveryError as exc:  # refused before the server took it: safe to retry
            self._record(claims, self.ledger.failed, exc.message)
            return SendOutcome(kind, name, email, FAILED, exc.message)
        # Anything else (Ctrl-C, a crash) mid-send leaves the claims 'sending': maybe sent, never repeated.
        for c in claims:
            self.ledger.sent(c, message_id)
        return SendOutcome(kind, name, email, WRITTEN if self.delivery.local else SENT)

    @staticmethod
    def _record(claims: list, how: Callable, error: str) -> None:
        for c in claims:
            how(c, error)
