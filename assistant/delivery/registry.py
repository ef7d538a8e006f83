"""Deliveries by transport name (`[mail] transport`): a new one is one module plus one `register`.

    register("file", factory)     factory(config) -> Delivery, called once per run
    open_delivery(config)         the delivery the config asks for
    transports()                  the names config accepts
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.delivery.message import DeliveryError
from assistant.delivery.outbox import Delivery
from assistant.i18n import tr

if TYPE_CHECKING:  # pragma: no cover
    from assistant.config import Config

Factory = Callable[["Config"], Delivery]
_REGISTRY: dict[str, Factory] = {}


def register(transport: str, factory: Factory) -> None:
    _REGISTRY[transport] = factory


def transports() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def open_delivery(config: Config) -> Delivery:
    """The delivery [mail] asks for: "file" → FileOutbox(outbox/), "smtp" → SmtpDelivery."""
    factory = _REGISTRY.get(config.mail.transport)
    if factory is None:
        raise DeliveryError(tr("mail.bad_transport", value=config.mail.transport))
    return factory(config)


def _file(config: Config) -> Delivery:
    import datetime as dt

    from assistant.delivery.outbox import FileOutbox

    tz = config.tz  # file names in the office's time, as the dates in the mail
    return FileOutbox(config.outbox_dir, clock=lambda: dt.datetime.now(tz))


def _smtp(config: Config) -> Delivery:
    from assistant.delivery.smtp import SmtpDelivery  # yagmail is loaded only when mail goes by SMTP

    return SmtpDelivery(config.mail)


register("file", _file)
register("smtp", _smtp)
