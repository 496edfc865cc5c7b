"""Double submits (a double click, a reload after POST) run a form's write once.

Every form page renders a fresh random token in a hidden field
(`{% submission_token %}`). The first POST carrying a token claims it with
`cache.add`, which is atomic in every cache backend we use (database, Redis,
local memory), so exactly one request across all processes wins. The winner
runs the write; on success it remembers where it sent the user and what it
told them, and a repeat of the token is sent to the same place with the same
message instead of writing again. A failed write releases the token, so the
corrected form can be sent again. A repeat that arrives while the first is still
running waits for it.

A POST without a token (a script, a test) is simply not de-duplicated: the
domain rules still hold for it.
"""

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

FIELD = "submission_token"
PENDING = "pending"
TTL_SECONDS = 60 * 60
WAIT_SECONDS = 10.0
# What new_token() makes (URL-safe base64), with room to spare.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_OURS = "This form's one-time token is not valid; reload the page and send the form again."
ALREADY_SENT = "This form was already sent; nothing was saved twice."
STILL_SAVING = "This form is still being saved; check the result before sending it again."


@dataclass(frozen=True)
class Done:
    """A successful write: where to send the user and what to tell them."""

    url: str
    message: str


def new_token() -> str:
    return secrets.token_urlsafe(16)


def _key(request: HttpRequest, token: str) -> str:
    # Scoped to the user: one user's token never answers for another's form.
    return f"submission:{request.user.pk}:{token}"


def _earlier_outcome(key: str):
    """The first request's outcome once it is known: Done, None (it failed: the token is free
    again), or PENDING if it is still running after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    outcome = cache.get(key)
    while outcome == PENDING and time.monotonic() < deadline:
        time.sleep(0.05)
        outcome = cache.get(key)
    return outcome


def submit_once(request: HttpRequest, write: Callable[[], Done | HttpResponse]) -> HttpResponse:
    """Run `write` once per token. It returns Done on success, or a response (the form with errors).

    A token that is not of the shape `new_token()` makes is a 400: it would become a cache key.
    """
    token = request.POST.get(FIELD, "")
    if not token:
        return _respond(request, write())
    if not TOKEN_SHAPE.fullmatch(token):
        return TemplateResponse(request, "refused_input.html", {"field": FIELD, "message": NOT_OURS}, status=400)
    key = _key(request, token)
    while not cache.add(key, PENDING, TTL_SECONDS):
        earlier = _earlier_outcome(key)
        if isinstance(earlier, Done):
            messages.info(request, f"{ALREADY_SENT} {earlier.message}".strip())
            return redirect(earlier.url)
        if earlier == PENDING:
            messages.warning(request, STILL_SAVING)
            return redirect(request.get_full_path())
    try:
        outcome = write()
    except BaseException:
        cache.delete(key)
        raise
    if isinstance(outcome, Done):
        cache.set(key, outcome, TTL_SECONDS)
    else:
        cache.delete(key)
    return _respond(request, outcome)


def _respond(request: HttpRequest, outcome: Done | HttpResponse) -> HttpResponse:
    if isinstance(outcome, Done):
        if outcome.message:
            messages.success(request, outcome.message)
        return redirect(outcome.url)
    return outcome
