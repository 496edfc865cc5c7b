"""The waiting-room display (no log-in: its key is the only credential, and it reaches nothing else) and the
hospital admin's page of display keys."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from apps.visits.selectors import active_doctors
from apps.waitingroom import selectors, services
from apps.waitingroom.forms import DisplayForm
from common.exceptions import Invalid, NotFound
from common.mixins import DomainErrorMixin, RoleRequiredMixin, add_domain_error
from common.permissions import can_manage_displays
from common.submissions import Done, submit_once

# How often the screen asks for a change (static/js/display.js reads it from the page): within 2 s of a call.
POLL_MS = 1000
NEW_KEY = "waitingroom_new_display_key"


def _display(key: str):
    try:
        return selectors.display_for_key(raw_key=key)
    except NotFound:
        raise Http404 from None


def _private(response):
    # The key is in the URL: no cache keeps the page, no search engine lists it, no referrer carries it.
    response["Cache-Control"] = "no-cache, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class DisplayPage(View):
    """The full-screen board: large tokens per doctor. Rendered whole once; static/js/display.js then keeps it
    current from DisplayState (without JavaScript it says to reload)."""

    def get(self, request, key):
        display = _display(key)
        context = {
            "display": display,
            "board": selectors.display_board(display=display),
            "state_url": reverse("display:state", args=[key]),
            "poll_ms": POLL_MS,
        }
        return _private(TemplateResponse(request, "waitingroom/display.html", context))


class DisplayState(View):
    """The board as JSON, with an ETag: a screen that sends `If-None-Match` with the current one gets a 304
    after two small queries. A revoked key is a 404 at the next poll."""

    def get(self, request, key):
        try:
            display = selectors.display_for_key(raw_key=key)
        except NotFound:
            return _private(JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404))
        etag = f'"{selectors.display_version(display=display)}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        else:
            response = JsonResponse(selectors.display_board(display=display) | {"version": etag.strip('"')})
        response["ETag"] = etag
        return _private(response)


class DisplaysView(RoleRequiredMixin, DomainErrorMixin, TemplateView):
    """The hospital admin's display keys: create (the key shown once), revoke; initials on or off."""

    role_check = can_manage_displays
    template_name = "waitingroom/displays.html"

    def form(self, data=None) -> DisplayForm:
        return DisplayForm(data, doctors=active_doctors(hospital=self.request.user.hospital))

    def get_context_data(self, **kwargs):
        hospital = self.request.user.hospital
        new = self.request.session.pop(NEW_KEY, None)
        return super().get_context_data(
            displays=selectors.display_list(hospital=hospital),
            settings=selectors.display_settings(hospital=hospital),
            form=kwargs.pop("form", None) or self.form(),
            new_key=new,
            new_url=self.request.build_absolute_uri(reverse("display:board", args=[new["key"]])) if new else None,
            **kwargs,
        )

    def post(self, request):
        return submit_once(request, lambda: self.create(self.form(request.POST)))

    def create(self, form: DisplayForm):
        if form.is_valid():
            try:
                display, raw = services.create_display_key(by=self.request.user, **form.cleaned_data)
            except Invalid as error:
                add_domain_error(form, error)
            else:
                # Shown once, on the page this redirects to, then forgotten (the server keeps only its hash).
                self.request.session[NEW_KEY] = {"id": display.pk, "key": raw}
                return Done(reverse("waitingroom:displays"), f"Display “{display.name}” created.")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RevokeDisplayView(RoleRequiredMixin, DomainErrorMixin, View):
    role_check = can_manage_displays

    def post(self, request, pk):
        display = selectors.display_get(hospital=request.user.hospital, display_id=pk)
        display = services.revoke_display_key(by=request.user, display=display)
        messages.success(request, f"Display “{display.name}” revoked: it stops at its next update.")
        return redirect("waitingroom:displays")


class DisplaySettingsView(RoleRequiredMixin, DomainErrorMixin, View):
    role_check = can_manage_displays

    def post(self, request):
        settings = services.set_display_initials(
            by=request.user, show_initials=request.POST.get("show_initials") == "on"
        )
        messages.success(
            request, "Displays show patients' initials." if settings.show_initials else "Displays show tokens only."
        )
        return redirect("waitingroom:displays")
