"""The hospital admin's formulary pages: the list (search, export, import with a dry run), add and edit."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView

from apps.formulary import selectors, services
from apps.formulary.forms import EntryForm, ImportForm
from common.exceptions import Invalid
from common.mixins import DomainErrorMixin, RoleRequiredMixin, ServiceFormMixin
from common.permissions import can_manage_formulary
from common.submissions import Done, submit_once

MAX_UPLOAD_BYTES = 2_000_000


class FormularyListView(RoleRequiredMixin, DomainErrorMixin, View):
    role_check = can_manage_formulary

    def page(self, request, *, import_form=None, report=None, status=200):
        q = request.GET.get("q", "")[:100]
        entries = Paginator(selectors.formulary_list(hospital=request.user.hospital, q=q), 50)
        context = {
            "page": entries.get_page(request.GET.get("page")),
            "q": q,
            "import_form": import_form or ImportForm(),
            "report": report,
        }
        return TemplateResponse(request, "formulary/list.html", context, status=status)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        # A double click on "Check or import" imports once: the repeat shows the first import's counts
        # instead of a second import reporting every row as "updated" (and a second audit event).
        return submit_once(request, lambda: self.check_or_import(request))

    def check_or_import(self, request):
        """The CSV import: a dry run reports; an import writes all rows or, with any bad row, none."""
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, import_form=form, status=400)
        upload = form.cleaned_data["csv_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("csv_file", "At most 2 MB.")
            return self.page(request, import_form=form, status=400)
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("csv_file", "The file is not UTF-8 text.")
            return self.page(request, import_form=form, status=400)
        if form.cleaned_data["dry_run"]:
            report = services.check_formulary_csv(hospital=request.user.hospital, text=text)
            return self.page(request, import_form=form, report=report)
        try:
            report = services.import_formulary_csv(by=request.user, text=text)
        except Invalid as error:
            report = services.ImportReport(errors=error.extra.get("rows", []))
            form.add_error(None, error.message)
            return self.page(request, import_form=form, report=report, status=400)
        return Done(reverse("formulary:list"), f"Imported: {report.created} added, {report.updated} updated.")


class FormularyExportView(RoleRequiredMixin, View):
    role_check = can_manage_formulary

    def get(self, request):
        entries = selectors.formulary_list(hospital=request.user.hospital)
        response = HttpResponse(services.export_formulary_csv(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="formulary.csv"'
        return response


class EntryCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_formulary
    form_class = EntryForm
    page_title = "Add medicine"
    success_message = "Added {result.label}."
    cancel_url = "formulary:list"

    def perform(self, form):
        return services.create_formulary_entry(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("formulary:list")


class EntryEditView(RoleRequiredMixin, ServiceFormMixin, FormView):
    role_check = can_manage_formulary
    form_class = EntryForm
    success_message = "Saved {result.label}."
    cancel_url = "formulary:list"

    @cached_property
    def entry(self):
        return selectors.formulary_get(hospital=self.request.user.hospital, entry_id=self.kwargs["pk"])

    def get_page_title(self):
        return f"Edit {self.entry.label}"

    def get_initial(self):
        return {field: getattr(self.entry, field) for field in EntryForm.base_fields}

    def perform(self, form):
        return services.update_formulary_entry(by=self.request.user, entry=self.entry, **form.cleaned_data)

    def get_success_url(self):
        return reverse("formulary:list")
