"""The three group-chat robot platforms: the posts that carry one message, how they are signed,
and what an answer means. Pure functions and small classes: no config, no ledger, no network
(the poster sends each `Request` and hands the answer back to `Platform.answer`).

What each platform documents, and where it was read (names of the documents, not addresses):

Signing
- DingTalk, 自定义机器人接入 / 自定义机器人安全设置, section 加签 (open.dingtalk.com): the string to
  sign is timestamp + "\\n" + secret, HmacSHA256 keyed with the secret, Base64, then urlEncode
  (UTF-8; the document's Python sample uses urllib.parse.quote_plus); `&timestamp=…&sign=…` is
  appended to the webhook. The timestamp is in milliseconds and may differ from the platform's
  clock by at most one hour.
- Feishu, 自定义机器人使用指南, section 签名校验 (open.feishu.cn): timestamp + "\\n" + secret is the
  KEY of an HMAC-SHA256 over an empty message, then Base64; `timestamp` (seconds, as a string)
  and `sign` go in the JSON body; at most one hour (3600 s) from the platform's clock.
- WeCom, 群机器人配置说明 (developer.work.weixin.qq.com, document 91770): no signature at all; the
  `key` in the webhook URL is the credential.
Neither document gives a worked example (inputs and output): tests/test_robot_platforms.py checks
both functions against each document's own Python sample, run once with fixed inputs.

Limits
- WeCom (群机器人配置说明): markdown.content at most 4096 bytes, text.content at most 2048 bytes
  (UTF-8); at most 20 messages a minute per robot.
- DingTalk (自定义机器人接入): at most 20 messages a minute per robot (more: throttled for 10
  minutes). The request body at most 20000 bytes: errcode 460101 "message too long, exceed 20000
  bytes" (issue threads timonwong/prometheus-webhook-dingtalk#30, Le0nsec/SecCrawler#12; newer
  wording "body 大小不合法 … 请保持大小在 20000bytes 以内", ZhuLinsen/daily_stock_analysis#61).
- Feishu (自定义机器人使用指南): 100 a minute and 5 a second per robot; the request body at most
  "20 KB", read here as 20000 bytes (the stricter reading).

Error codes mapped by `answer` (anything else, and any code of these platforms not listed here,
is "rejected" with its code and message)
- WeCom, 全局错误码 (document 90313, as listed in WxJava's WxCpErrorMsgEnum): 45009 接口调用超过限制
  and 45033 接口并发调用超过限制 → rate_limited; 93000 机器人webhookurl不合法或者机器人已经被移除出群
  ("invalid webhook url") and 93004 机器人被停用 → invalid_key; 45002 消息内容大小超过限制 → too_long;
  40058 不合法的参数 → too_long when its errmsg says "exceed max length" (as in "markdown.content
  exceed max length 4096", RayWangQvQ/BiliBiliTool#569, feiyu563/PrometheusAlert#155), else
  rejected; 44004 (empty content), 40008 (invalid message type) → rejected.
- DingTalk: 130101 "send too fast, exceed 20 times per minute" → rate_limited; 300001 and 300005
  "token is not exist" (prometheus-webhook-dingtalk#91, #226) → invalid_key; 460101 → too_long;
  310000 is every security-setting failure, told apart by errmsg: "sign not match" / 机器人发送签名
  不匹配 / "invalid timestamp" → bad_signature, "keywords not in content" / 关键词不匹配 → keyword,
  others (an IP not in the whitelist) → rejected; 400402 and 40035 (a missing or malformed
  parameter) → rejected.
- Feishu (自定义机器人使用指南): 19021 "sign match fail or timestamp is not within one hour from
  current time" → bad_signature; 19024 "Key Words Not Found" → keyword; 19022 "Ip Not Allowed" →
  rejected; 11232 (frequency control) → rate_limited; 9499 "Bad Request" → rejected, except its
  "too many request" variant (ccfos/nightingale#1437) → rate_limited; 19001 "param invalid:
  incoming webhook access token invalid" (sansan0/TrendRadar#278) → invalid_key; 19036 "The
  message exceeds the size limit of 30KB" (XUJiahua/alertmanager-webhook-feishu#3) → too_long;
  99991400 "request trigger frequency limit" (the open platform's 频率控制 document) → rate_limited.
- Not confirmed, so left to "rejected": the 4xxxxx codes of DingTalk's newer documentation
  (a removed robot, a dissolved group), WeCom 93008.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

OK, RATE_LIMITED, BAD_SIGNATURE, INVALID_KEY, TOO_LONG, KEYWORD, REJECTED, HTTP = (
    "ok", "rate_limited", "bad_signature", "invalid_key", "too_long", "keyword", "rejected", "http")
DETAIL_MAX = 300  # characters of the platform's own message kept in an Answer


def encode(body: Mapping[str, Any]) -> bytes:
    """A JSON body as posted: compact, UTF-8, Chinese left as it is (not \\uXXXX escapes)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Request:
    """One HTTP POST to make."""

    url: str   # the webhook URL, with the signing query added where the platform signs in the URL
    body: dict  # the JSON body

    @property
    def data(self) -> bytes:
        """The bytes to post (`data=`, Content-Type `application/json; charset=utf-8`). Why not
        `json=`: it escapes each Chinese character to six bytes, and DingTalk and Feishu limit the
        body's bytes, which `Platform.size` counts as encoded here."""
        return encode(self.body)


@dataclass(frozen=True)
class Answer:
    ok: bool
    kind: str  # "ok" | "rate_limited" | "bad_signature" | "invalid_key" | "too_long" | "keyword" | "rejected" | "http"
    code: int | str | None  # the platform's error code (errcode / code), or the HTTP status for kind "http"
    detail: str  # the platform's own message (errmsg / msg), at most DETAIL_MAX characters


def sign_dingtalk(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` query value, already URL-encoded (加签)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def sign_feishu(secret: str, timestamp_s: int) -> str:
    """Feishu's `sign` body field (签名校验): the string is the key, the message is empty."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


# An error code maps to a kind, or to a function of the platform's message giving the kind.
Rule = str | Callable[[str], str]


def _if(needles: Sequence[str], kind: str, otherwise: str = REJECTED) -> Callable[[str], str]:
    return lambda message: kind if any(n in message.lower() for n in needles) else otherwise


def _dingtalk_security(message: str) -> str:
    """errcode 310000 covers all of a robot's security settings; only errmsg tells them apart."""
    signature = _if(("sign not match", "签名不匹配", "invalid timestamp"), BAD_SIGNATURE, otherwise="")(message)
    return signature or _if(("keywords not in content", "关键词不匹配"), KEYWORD)(message)


class Platform:
    """One robot platform: its documented limits, the posts of one message, the reading of an answer."""

    kind: str
    hosts: tuple[str, ...]  # the official API host(s) the webhooks point to
    limit: int  # the documented maximum of one message, in UTF-8 bytes, as `size` counts it
    per_minute: int  # documented rate limit per robot
    per_second: int | None = None
    mentions_by_mobile: bool
    code_fields: tuple[str, ...]  # where the answer's code is, first found wins
    message_fields: tuple[str, ...]
    codes: Mapping[int, Rule]

    def size(self, markdown: str, title: str = "", mobiles: Sequence[str] = ()) -> int:
        """What counts against `limit` for the message `requests` makes of these (UTF-8 bytes)."""
        raise NotImplementedError

    def requests(self, webhook: str, secret: str | None, title: str, markdown: str, mobiles: Sequence[str],
                 now: float, *, mention_text: str = "") -> list[Request]:
        """The posts that deliver one message, in order; `now` is the Unix time (s) for signing."""
        raise NotImplementedError

    def answer(self, status: int, text: str) -> Answer:
        """What the platform's answer (HTTP status, body text) means."""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if data is None or status >= 400:
                return Answer(False, HTTP, status, text.strip()[:DETAIL_MAX])
            return Answer(False, REJECTED, None, text.strip()[:DETAIL_MAX])
        code = _first(data, self.code_fields)
        message = str(_first(data, self.message_fields) or "")[:DETAIL_MAX]
        if code is None:
            return Answer(False, HTTP if status >= 400 else REJECTED, status if status >= 400 else None,
                          message or text.strip()[:DETAIL_MAX])
        number = _number(code)
        if number == 0:
            return Answer(True, OK, code, message) if status < 400 else Answer(False, HTTP, status, message)
        rule = self.codes.get(number, REJECTED) if number is not None else REJECTED
        return Answer(False, rule if isinstance(rule, str) else rule(message), code, message)


def _first(data: Mapping[str, Any], fields: Sequence[str]) -> Any:
    return next((data[f] for f in fields if data.get(f) is not None), None)


def _number(code: object) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    try:
        return int(str(code).strip())
    except ValueError:
        return None


class WeCom(Platform):
    """企业微信群机器人: markdown cannot mention by mobile, so a short text message follows with them."""

    kind = "wecom"
    hosts = ("qyapi.weixin.qq.com",)
    limit = 4096  # markdown.content
    text_limit = 2048  # text.content (the mention message)
    per_minute = 20
    mentions_by_mobile = True
    code_fields = ("errcode",)
    message_fields = ("errmsg",)
    codes = {45009: RATE_LIMITED, 45033: RATE_LIMITED, 93000: INVALID_KEY, 93004: INVALID_KEY,
             45002: TOO_LONG, 40058: _if(("exceed max length",), TOO_LONG)}

    @staticmethod
    def content(title: str, markdown: str) -> str:
        # WeCom's markdown message has no title field: the title is its first line, in bold.
        return f"**{title}**\n{markdown}" if title else markdown

    def size(self, markdown: str, title: str = "", mobiles: Sequence[str] = ()) -> int:
        return len(self.content(title, markdown).encode("utf-8"))

    def requests(self, webhook: str, secret: str | None, title: str, markdown: str, mobiles: Sequence[str],
                 now: float, *, mention_text: str = "") -> list[Request]:
        if secret:
            raise ValueError("WeCom robots are not signed: the key in the webhook URL is the credential")
        posts = [Request(webhook, {"msgtype": "markdown", "markdown": {"content": self.content(title, markdown)}})]
        if mobiles:
            text = clip(mention_text or title, self.text_limit)
            posts.append(Request(webhook, {"msgtype": "text",
                                           "text": {"content": text, "mentioned_mobile_list": list(mobiles)}}))
        return posts


class DingTalk(Platform):
    """钉钉自定义机器人: signed in the URL; a mention needs atMobiles AND "@mobile" in the text."""

    kind = "dingtalk"
    hosts = ("oapi.dingtalk.com",)
    limit = 20000  # the whole request body
    per_minute = 20
    mentions_by_mobile = True
    code_fields = ("errcode",)
    message_fields = ("errmsg",)
    codes = {130101: RATE_LIMITED, 300001: INVALID_KEY, 300005: INVALID_KEY, 460101: TOO_LONG,
             310000: _dingtalk_security}

    @staticmethod
    def body(title: str, markdown: str, mobiles: Sequence[str]) -> dict:
        text = markdown
        if mobiles:  # the documentation: the @-mention shows only if the text holds "@mobile"
            text = f"{markdown}\n\n" + " ".join(f"@{m}" for m in mobiles)
        body: dict = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if mobiles:
            body["at"] = {"atMobiles": list(mobiles), "isAtAll": False}
        return body

    def size(self, markdown: str, title: str = "", mobiles: Sequence[str] = ()) -> int:
        return len(encode(self.body(title, markdown, mobiles)))

    def requests(self, webhook: str, secret: str | None, title: str, markdown: str, mobiles: Sequence[str],
                 now: float, *, mention_text: str = "") -> list[Request]:
        url = webhook
        if secret:
            timestamp = round(now * 1000)  # milliseconds, as the document's sample
            url += f"{'&' if '?' in webhook else '?'}timestamp={timestamp}&sign={sign_dingtalk(secret, timestamp)}"
        return [Request(url, self.body(title, markdown, mobiles))]


class Feishu(Platform):
    """飞书自定义机器人: an interactive card (header + one lark_md div), signed in the body."""

    kind = "feishu"
    hosts = ("open.feishu.cn", "open.larksuite.com")
    limit = 20000  # the whole request body
    per_minute = 100
    per_second = 5
    mentions_by_mobile = False  # a card mentions by open_id only
    code_fields = ("code", "StatusCode")
    message_fields = ("msg", "StatusMessage")
    codes = {19021: BAD_SIGNATURE, 19024: KEYWORD, 11232: RATE_LIMITED, 99991400: RATE_LIMITED,
             19001: INVALID_KEY, 19036: TOO_LONG, 9499: _if(("too many request",), RATE_LIMITED)}

    @staticmethod
    def body(title: str, markdown: str) -> dict:
        return {"msg_type": "interactive",
                "card": {"header": {"title": {"tag": "plain_text", "content": title}},
                         "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": markdown}}]}}

    def size(self, markdown: str, title: str = "", mobiles: Sequence[str] = ()) -> int:
        # Counted as if signed (a seconds timestamp and a 44-character sign): a few bytes too many
        # for an unsigned robot, never too few.
        return len(encode({"timestamp": "0" * 10, "sign": "0" * 44, **self.body(title, markdown)}))

    def requests(self, webhook: str, secret: str | None, title: str, markdown: str, mobiles: Sequence[str],
                 now: float, *, mention_text: str = "") -> list[Request]:
        body = self.body(title, markdown)
        if secret:
            timestamp = int(now)
            body = {"timestamp": str(timestamp), "sign": sign_feishu(secret, timestamp), **body}
        return [Request(webhook, body)]


PLATFORMS: dict[str, Platform] = {p.kind: p for p in (WeCom(), DingTalk(), Feishu())}
