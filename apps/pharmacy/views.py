from django.contrib import messages
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.consultations.selectors import record_for_session
from apps.pharmacy import selectors, services, sharing
from common.mixins import DomainErrorMixin, RoleRequiredMixin
from common.pagination import keyset_page
from common.permissions import can_view_dispense_records


class PharmacyMixin(RoleRequiredMixin, DomainErrorMixin):
    role_check = can_view_dispense_records

    @cached_property
    def record(self):
        return selectors.dispense_record_get(hospital=self.request.user.hospital, record_id=self.kwargs["pk"])


class PharmacyListView(PharmacyMixin, TemplateView):
    """Medical staff's start page: prescriptions waiting (?status=pending|printed|dispensed), a page at a time."""

    template_name = "pharmacy/list.html"
    page_size = 25

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or "pending"
        records = selectors.dispense_record_list(hospital=self.request.user.hospital, status=status)
        page = keyset_page(self.request, records, page_size=self.page_size)
        for record in page:
            record.covered_items = selectors.record_items(record)
            record.allergies = selectors.record_allergies(record)
            record.allergy_overridden = any(item.allergy_overridden for item in record.covered_items)
        return super().get_context_data(page=page, status=status, statuses=selectors.STATUSES, **kwargs)


class RecordDetailView(PharmacyMixin, TemplateView):
    template_name = "pharmacy/detail.html"
    page = "prescription"  # what the audit event says was read

    def get(self, request, *args, **kwargs):
        services.record_dispense_view(by=request.user, record=self.record, page=self.page)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        items = list(selectors.record_items(self.record))
        return super().get_context_data(
            record=self.record,
            items=items,
            allergies=selectors.record_allergies(self.record),
            share=sharing.share(record=self.record, items=items),
            **kwargs,
        )


class PrintView(RecordDetailView):
    """The printable prescription (A5). Opening it from the print button records the print."""

    template_name = "pharmacy/print.html"
    page = "print view"

    def get_context_data(self, **kwargs):
        # The consultation's notes (complaints, diagnoses, investigations, advice, follow-up) beside the Rx.
        session, visit = self.record.session, self.record.prescription.visit
        notes = record_for_session(hospital=self.request.user.hospital, session=session)
        review = notes.review_date
        return super().get_context_data(
            consultation=notes,
            follow_up_of_this_visit=review is not None and review <= visit.validity_end_date(),
            **kwargs,
        )


class LabelsView(RecordDetailView):
    """One medicine label per item the record covers: a label printer's roll or a sheet of them on A4."""

    template_name = "pharmacy/labels.html"
    page = "labels"
    LAYOUTS = ("sheet", "roll")

    def get_context_data(self, **kwargs):
        layout = self.request.GET.get("layout")
        return super().get_context_data(layout=layout if layout in self.LAYOUTS else "sheet", **kwargs)


class MarkPrintedView(PharmacyMixin, View):
    def post(self, request, pk):
        services.mark_as_printed(by=request.user, record=self.record)
        return redirect("pharmacy:print_view", pk)


class DispenseView(PharmacyMixin, View):
    def post(self, request, pk):
        record = services.mark_as_dispensed(by=request.user, record=self.record)
        messages.success(request, f"Dispensed to {record.prescription.visit.patient.full_name}.")
        return redirect("pharmacy:list")
