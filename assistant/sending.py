"""One send, exactly once: allowed domain → ledger claim → build → deliver → record.

The ledger decides (docs/design.md §7): a message already sent for (job, recipient, period) is skipped, a
failed one is retried on the next run, and one whose outcome is unknown (a crash mid-send) is not
repeated automatically. The message is only built once the claim is held, so a skipped send costs
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from assistant.delivery.mail import Delivery, DeliveryError, allowed
from assistant.i18n import tr
from assistant.ledger import ALREADY_SENT, Ledger

SENT, WRITTEN, SKIPPED, UNCERTAIN, FAILED, BLOCKED, NO_ADDRESS = (
    "sent", "written", "already_sent", "in_flight", "failed", "blocked", "no_address")


@dataclass
class SendOutcome:
    kind: str  # digest | remind | escalate
    name: str
    email: str | None
    status: str
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def message(self) -> str:
        kind = tr(f"kind.{self.kind}")
        key = {SENT: "send.sent", WRITTEN: "send.written", SKIPPED: "send.already", UNCERTAIN: "send.in_flight",
               FAILED: "send.failed", BLOCKED: "send.blocked", NO_ADDRESS: "send.no_address"}[self.status]
        return tr(key, kind=kind, name=self.name, email=self.email or "", error=self.error)


@dataclass
class Sender:
    """What a job needs to send: the delivery, the ledger and the office's rules."""

    delivery: Delivery
    ledger: Ledger
    domains: tuple[str, ...]
    force: bool = False

    def send(self, kind: str, name: str, email: str | None, periods: list[str],
             build: Callable[[list[str]], EmailMessage]) -> SendOutcome:
        """Claim every period (one per item for reminders, one for a digest) and send one
        message covering the claimed ones, which `build(claimed periods)` makes."""
        if not email:
            return SendOutcome(kind, name, None, NO_ADDRESS)
        if not allowed(email, self.domains):
            return SendOutcome(kind, name, email, BLOCKED)
        claims, reasons = [], set()
        for period in periods:
            claim, reason = self.ledger.claim_or_reason(kind, email, period, force=self.force)
            if claim is None:
                reasons.add(reason)
            else:
                claims.append(claim)
        if not claims:
            return SendOutcome(kind, name, email, SKIPPED if reasons == {ALREADY_SENT} else UNCERTAIN)
        try:
            msg = build([c.period for c in claims])
        except BaseException:
            for c in claims:  # nothing went out: the next run may try again
                self.ledger.failed(c, "internal error before sending")
            raise
        try:
            message_id = self.delivery.send(msg)
        except DeliveryError as exc:  # refused before the server took it: safe to retry
            for c in claims:
                self.ledger.failed(c, exc.message)
            return SendOutcome(kind, name, email, FAILED, exc.message)
        # Anything else (Ctrl-C, a crash) mid-send leaves the claims 'sending': maybe sent, never repeated.
        for c in claims:
            self.ledger.sent(c, message_id)
        return SendOutcome(kind, name, email, WRITTEN if self.delivery.local else SENT)
