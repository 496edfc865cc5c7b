"""Web view mixins: role checks and the one place domain errors become messages/pages."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from common.exceptions import DomainError, NotFound, PermissionDenied
from common.submissions import Done, submit_once


class RoleRequiredMixin(LoginRequiredMixin):
    """Refuses (403) a logged-in user whose role fails `role_check` (a `common.permissions` function)."""

    role_check: Callable[[Any], bool]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if request.htmx:
                # A partial refresh after the session ended: reload the whole page, which goes to login,
                # instead of swapping the login page into a fragment.
                return HttpResponse(headers={"HX-Refresh": "true"})
            return self.handle_no_permission()
        if not type(self).role_check(request.user):
            raise DjangoPermissionDenied("You do not have permission to open this page.")
        return super().dispatch(request, *args, **kwargs)


class HtmxPartialMixin:
    """An htmx request gets `partial_template_name` (a fragment of the page) with the page's context."""

    partial_template_name: str

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return [self.partial_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **response_kwargs):
        return vary_on_htmx(super().render_to_response(context, **response_kwargs))


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """A URL that answers with a page or a fragment must not let a cache mix the two up."""
    patch_vary_headers(response, ("HX-Request",))
    return response


class DomainErrorMixin:
    """Turns a DomainError raised by a service or selector into a 404/403 page or a message.

    NotFound and PermissionDenied become Django's 404/403 (styled templates); any
    other domain error is shown as an error message and the view's
    `domain_error_response` decides what to render (by default: redirect back).
    """

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from None
        except DomainError as error:
            messages.error(request, error.message)
            return self.domain_error_response(request, error)

    def domain_error_response(self, request: HttpRequest, error: DomainError) -> HttpResponse:
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            return redirect(referer)
        return redirect("accounts:home")


class ServiceFormMixin(DomainErrorMixin):
    """A FormView whose valid form is handed to one service call (`perform`).

    A domain error from the service is shown on the form, keeping everything the
    user typed: field errors next to their fields, conflicts above the form.
    NotFound and PermissionDenied still become 404/403 pages.
    """

    success_message = ""
    template_name = "form_page.html"
    page_title = ""
    cancel_url = "accounts:home"

    def perform(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=self.get_page_title(), cancel_url=resolve_url(self.cancel_url), **kwargs
        )

    def get_page_title(self) -> str:
        return self.page_title

    def form_valid(self, form):
        # A double submit runs `perform` once (common.submissions).
        return submit_once(self.request, lambda: self.write(form))

    def write(self, form) -> Done | HttpResponse:
        try:
            self.result = self.perform(form)
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            add_domain_error(form, error)
            return self.form_invalid(form)
        return Done(self.get_success_url(), self.success_message.format(result=self.result))


def add_domain_error(form, error: DomainError) -> None:
    """Put a service's error messages on the form fields they belong to (the rest above the form)."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, field_messages in error.errors.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)
