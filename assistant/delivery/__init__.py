"""Delivery of messages: e-mail (SMTP via yagmail, or .eml files in the outbox); IM robots later.
Deliveries are found by transport name in one registry (assistant.delivery.registry)."""

from assistant.delivery.mail import (
    Attachment,
    Delivery,
    DeliveryError,
    DeliveryUncertain,
    FileOutbox,
    SmtpDelivery,
    allowed,
    build_message,
    open_delivery,
)

__all__ = [
    "Attachment",
    "Delivery",
    "DeliveryError",
    "DeliveryUncertain",
    "FileOutbox",
    "SmtpDelivery",
    "allowed",
    "build_message",
    "open_delivery",
]
