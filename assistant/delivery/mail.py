"""E-mail: building the message and delivering it (docs/design.md §2 Delivery, §4 [mail], §7).

    build_message(...)        the whole MIME message, made here with the standard library
    Delivery                  send(msg) -> Message-ID, close(); a context manager; DeliveryError when
                              it did not go out, DeliveryUncertain when it may have
    ├── FileOutbox(folder)    each message as a .eml file (transport = "file")
    └── SmtpDelivery(mail)    one SMTP connection per run, opened and logged in by yagmail
    open_delivery(config)     the one the config asks for (assistant.delivery.registry)
    allowed(address, domains) is the address's domain one of allowed_domains (exact match)?

yagmail is used for what it is good at (connecting with the right TLS mode and logging in) and
not for building or sending the message. Its known pitfalls, and what we do about each:

(a) `yagmail.SMTP.send()` retries and then *returns False* instead of raising. We never call it:
    the message goes out through smtplib's `send_message()` on yagmail's connection
    (`client.smtp`), which raises on every failure, and we turn each failure into DeliveryError.
(b) yagmail appends "@gmail.com" to a user name without "@" (`make_addr_alias_user`). We pass
    the user as a one-entry dict `{user: user}`, which it takes as it is, so a login name such
    as "dzb" reaches the server as "dzb".
(c) With several content parts and `prettify_html` it can drop or mangle content. We build the
    MIME ourselves (`build_message`), so yagmail never touches the content.
(d) Its default Message-ID is an md5 of From/To/Subject: identical digests get identical IDs and
    are threaded or deduplicated away. `build_message` sets a unique one (`make_msgid`) per call.

Recipient checks against `allowed_domains` are the caller's job (`allowed()`), before building.
"""

from __future__ import annotations

from assistant.delivery.message import Attachment, DeliveryError, DeliveryUncertain, allowed, build_message
from assistant.delivery.outbox import Delivery, FileOutbox
from assistant.delivery.registry import open_delivery
from assistant.delivery.smtp import SmtpDelivery

__all__ = ["Attachment", "Delivery", "DeliveryError", "DeliveryUncertain", "FileOutbox", "SmtpDelivery", "allowed",
           "build_message", "open_delivery"]
