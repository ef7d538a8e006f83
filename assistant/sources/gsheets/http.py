"""Talking to the Sheets API: which spreadsheet, with which service account, through which
endpoint, and what to do when Google says "not now".

The unmodified gspread HTTPClient does the talking (google-auth's AuthorizedSession: the token
comes from the key file's own `token_uri`). Two things are ours:

- the endpoint: gspread copies its URL constants at import time, so the only way to send its calls
  to a gateway (`api_url`, `$ASSISTANT_SHEETS_API_URL`) is to rewrite the prefix in `request()`;
- retries: gspread 6.2.1's BackOffHTTPClient can retry forever. Ours retries reads on 429 and 5xx
  (and on a dropped connection) with exponential backoff and jitter, honouring Retry-After, within
  a total time limit, each request with a timeout. A write is retried only on 429 (refused before
  anything was applied); after a 5xx or a timeout its outcome is unknown, so it is never replayed
  blindly: the caller re-reads and re-plans (WriteOutcomeUnknown).

Nothing here prints or logs a secret: messages name the key file or the environment variable,
never the key, and never a token.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Secret, WorkbookConfig
from assistant.errors import ConfigError, SourceError, WorkbookNotFound
from assistant.i18n import tr
from assistant.sources.base import StaleAfterWrite

GOOGLE_API = "https://sheets.googleapis.com"
API_URL_ENV = "ASSISTANT_SHEETS_API_URL"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")


class WriteOutcomeUnknown(StaleAfterWrite):
    """A write failed in a way that may or may not have applied it: read again and re-plan."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries of one request, the first included
    base: float = 1.0  # the first backoff, in seconds; doubled each time
    cap: float = 32.0  # the longest single wait
    total: float = 120.0  # no wait that would end later than this after the first try
    timeout: float = 60.0  # of each request (connect and read)


def spreadsheet_key(source: str) -> str:
    """The key of `gsheets:<key>` or of a spreadsheet's URL."""
    key = source[len("gsheets:"):].strip() if source.startswith("gsheets:") else None
    if key is None and (m := _URL.match(source)):
        key = m.group(1)
    if not key or not _KEY.match(key):
        raise ConfigError(tr("gsheets.bad_source", source=source), hint=tr("gsheets.bad_source_hint"))
    return key


def api_base(wb: WorkbookConfig) -> str:
    """Where the Sheets API is reached: the workbook's api_url, the environment, or Google."""
    url = (wb.api_url or os.environ.get(API_URL_ENV) or GOOGLE_API).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError(tr("gsheets.bad_api_url", workbook=wb.name, url=url))
    return url


# --- credentials ------------------------------------------------------------------------------------


def load_credentials(wb: WorkbookConfig) -> Any:
    """Service-account credentials for the workbook: a key file named by a path, by an environment
    variable (the variable may also hold the JSON itself), or by $GOOGLE_APPLICATION_CREDENTIALS."""
    from google.oauth2.service_account import Credentials

    where, text = _key_text(wb)
    try:
        info = json.loads(text)
    except ValueError:
        raise SourceError(tr("gsheets.creds_not_json", workbook=wb.name, where=where),
                          hint=tr("gsheets.creds_hint")) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise SourceError(tr("gsheets.creds_not_service_account", workbook=wb.name, where=where),
                          hint=tr("gsheets.creds_hint"))
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise SourceError(tr("gsheets.creds_incomplete", workbook=wb.name, where=where, keys=", ".join(missing)),
                          hint=tr("gsheets.creds_hint"))
    try:
        return Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, TypeError, KeyError):
        # The library's message may quote the key; ours says only where it came from.
        raise SourceError(tr("gsheets.creds_bad_key", workbook=wb.name, where=where),
                          hint=tr("gsheets.creds_hint")) from None


def _key_text(wb: WorkbookConfig) -> tuple[str, str]:
    """(where the key came from, for messages; the key file's text)."""
    creds = wb.credentials
    if creds is None:
        if not os.environ.get(CREDENTIALS_ENV):
            raise ConfigError(tr("gsheets.no_creds", workbook=wb.name), hint=tr("gsheets.no_creds_hint"))
        creds = Secret(env=CREDENTIALS_ENV)
    if isinstance(creds, Secret):
        env, value = creds.env, creds.resolve()
        if not value:
            raise ConfigError(tr("gsheets.creds_env_unset", workbook=wb.name, env=env),
                              hint=tr("gsheets.creds_env_hint", env=env))
        if value.lstrip().startswith("{"):
            return tr("gsheets.creds_in_env", env=env), value
        creds = Path(value).expanduser()
        where = tr("gsheets.creds_file_from_env", path=creds.name, env=env)
    else:
        where = tr("gsheets.creds_file", path=creds.name)
    try:
        return where, creds.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(tr("gsheets.creds_missing", workbook=wb.name, where=where),
                          hint=tr("gsheets.creds_hint")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(tr("gsheets.creds_unreadable", workbook=wb.name, where=where,
                             detail=type(exc).__name__), hint=tr("gsheets.creds_hint")) from None


# --- the HTTP client --------------------------------------------------------------------------------


def backoff(attempt: int, policy: RetryPolicy, retry_after: float | None, rng: Callable[[], float]) -> float:
    """Seconds to wait before try `attempt + 1`: Retry-After when the server gave one, else
    exponential with "equal jitter" (half fixed, half random), so a dozen offices that all ran at
    08:00 do not retry in step."""
    if retry_after is not None:
        return max(0.0, retry_after)
    step = min(policy.cap, policy.base * 2 ** (attempt - 1))
    return step / 2 + rng() * step / 2


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def client_class(base_url: str, policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, rng: Callable[[], float] = random.random) -> type:
    """A gspread HTTPClient subclass that sends its calls to `base_url` and retries as above."""
    import requests
    from gspread.exceptions import APIError
    from gspread.http_client import HTTPClient

    class SheetsHTTPClient(HTTPClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.timeout = policy.timeout

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            if endpoint.startswith(GOOGLE_API):
                endpoint = base_url + endpoint[len(GOOGLE_API):]
            write = method.lower() != "get"
            start = clock()
            for attempt in range(1, policy.attempts + 1):
                try:
                    return super().request(method, endpoint, *args, **kwargs)
                except APIError as exc:
                    status = exc.response.status_code
                    if status not in RETRY_STATUSES or (write and status != 429):
                        if write and status in RETRY_STATUSES:
                            raise WriteOutcomeUnknown(tr("gsheets.write_unknown", status=status)) from exc
                        raise
                    wait = backoff(attempt, policy, retry_after_seconds(exc.response.headers.get("Retry-After")), rng)
                    failure: Exception = exc
                except (requests.ConnectionError, requests.Timeout) as exc:
                    if write:  # the request may have arrived: do not send it twice
                        raise WriteOutcomeUnknown(tr("gsheets.write_unknown", status=type(exc).__name__)) from exc
                    wait = backoff(attempt, policy, None, rng)
                    failure = exc
                if attempt == policy.attempts or clock() - start + wait > policy.total:
                    raise failure
                sleep(wait)
            raise AssertionError("unreachable")

    return SheetsHTTPClient


def connect(wb: WorkbookConfig, policy: RetryPolicy | None = None) -> Any:
    """The HTTP client for one workbook (credentials loaded, no request made yet)."""
    creds = load_credentials(wb)
    return client_class(api_base(wb), policy or RetryPolicy())(auth=creds)


# --- errors -----------------------------------------------------------------------------------------


def translate(exc: Exception, wb_name: str, key: str, client_email: str | None) -> SourceError:
    """A failure of the API, the token endpoint or the network, as a message and a hint."""
    import requests
    from google.auth.exceptions import GoogleAuthError
    from gspread.exceptions import APIError

    if isinstance(exc, SourceError):
        return exc
    if isinstance(exc, GoogleAuthError):
        detail = str(exc).split("\n")[0][:200]
        return SourceError(tr("gsheets.auth_refused", workbook=wb_name, detail=detail), hint=tr("gsheets.creds_hint"))
    if isinstance(exc, APIError):
        status = exc.response.status_code
        message = str(exc.error.get("message", "")) if isinstance(exc.error, dict) else ""
        if status == 404:
            return WorkbookNotFound(tr("gsheets.not_found", workbook=wb_name, key=key),
                                    hint=tr("gsheets.not_found_hint"))
        if status == 403:
            if "has not been used" in message or "disabled" in message.lower():
                return SourceError(tr("gsheets.api_disabled", workbook=wb_name), hint=tr("gsheets.api_disabled_hint"))
            return SourceError(tr("gsheets.not_shared", workbook=wb_name, key=key),
                               hint=tr("gsheets.not_shared_hint", email=client_email or "?"))
        if status == 401:
            return SourceError(tr("gsheets.auth_refused", workbook=wb_name, detail=message[:200]),
                               hint=tr("gsheets.creds_hint"))
        if status == 429:
            return SourceError(tr("gsheets.quota", workbook=wb_name), hint=tr("gsheets.quota_hint"))
        if status >= 500:
            return SourceError(tr("gsheets.unavailable", workbook=wb_name, status=status),
                               hint=tr("gsheets.retry_hint"))
        return SourceError(tr("gsheets.refused", workbook=wb_name, status=status, detail=message[:300]))
    if isinstance(exc, (ValueError, KeyError, TypeError)):  # a gateway's HTML page, a cut-off body
        return SourceError(tr("gsheets.bad_answer", workbook=wb_name, detail=type(exc).__name__),
                           hint=tr("gsheets.unreachable_hint", env=API_URL_ENV))
    if isinstance(exc, requests.RequestException):
        return SourceError(tr("gsheets.unreachable", workbook=wb_name, detail=type(exc).__name__),
                           hint=tr("gsheets.unreachable_hint", env=API_URL_ENV))
    raise exc
