import contextvars
import json
from collections.abc import Iterator

from django.contrib import messages
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from apps.audit.forms import AuditFilterForm
from apps.audit.selectors import audit_event_list
from apps.audit.services import record_audit_export
from common.csv_export import csv_lines
from common.mixins import RoleRequiredMixin
from common.pagination import KeysetPage, keyset_page
from common.permissions import can_read_audit

CSV_HEADER = ["time", "username", "role", "hospital", "action", "object type", "object id", "summary", "changes", "ip"]


class AuditFilterMixin(RoleRequiredMixin):
    role_check = can_read_audit

    def filter_form(self) -> AuditFilterForm:
        # A hospital admin reads days in the hospital's zone; the super admin in the installation's.
        hospital = self.request.user.hospital
        zone = hospital.zone if hospital else timezone.get_default_timezone()
        return AuditFilterForm(self.request.GET, zone=zone)


class AuditLogView(AuditFilterMixin, TemplateView):
    """The audit log, newest first, filtered by day range, username, action and object."""

    template_name = "audit/list.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        form = self.filter_form()
        if form.is_valid():
            page = keyset_page(
                self.request, audit_event_list(by=self.request.user, **form.filters()), page_size=self.page_size
            )
        else:
            page = KeysetPage([], None, None)
        return super().get_context_data(form=form, page=page, **kwargs)


class AuditExportView(AuditFilterMixin, View):
    """The filtered log as CSV, streamed row by row: a year of events never sits in memory.

    The export is audited when the stream ends, with what was actually sent (see `exported_rows`).
    """

    def get(self, request):
        form = self.filter_form()
        if not form.is_valid():
            messages.error(request, "Correct the filters before exporting.")
            return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
        filters = form.filters()
        rows = exported_rows(
            by=request.user,
            events=audit_event_list(by=request.user, **filters),
            filters=filters,
            context=contextvars.copy_context(),
        )
        response = StreamingHttpResponse(csv_lines(CSV_HEADER, rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="clinicsetu-audit-{stamp}.csv"'
        return response


def exported_rows(*, by, events: QuerySet, filters: dict, context: contextvars.Context) -> Iterator[list]:
    """Each event as a CSV row; then, in a transaction of its own, audit.export with the filters and the number
    of rows sent, also when the client went away half-way (the response closes this generator).

    That runs after the request's middleware has finished: `context`, copied while the request was
    served, brings back its client address for the event.
    """
    sent, complete = 0, False
    events = events.iterator(chunk_size=2000)
    try:
        for event in events:
            sent += 1  # handed to the response: a client that goes away now may still have it
            yield [
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                event.actor_username,
                event.actor_role,
                event.hospital.name if event.hospital else "",
                event.action,
                event.object_type,
                event.object_id,
                event.summary,
                json.dumps(event.changes, ensure_ascii=False),
                event.ip_address,
            ]
        complete = True
    finally:
        events.close()  # the cursor, before the connection writes
        context.run(record_audit_export, by=by, filters=filters, rows=sent, complete=complete)
