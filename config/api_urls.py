"""REST API v1 (SPEC §4), one line per endpoint of the table, in its order."""

from django.urls import path

from apps.accounts.api import MeApi, TokenApi, UserDetailApi, UserListApi
from apps.audit.api import AuditEventListApi
from apps.billing.api import (
    BillDetailApi,
    BillingSettingsApi,
    BillListApi,
    CancelBillApi,
    CashApi,
    ChargeApi,
    CloseDayApi,
    DiscountApi,
    DoctorFeeApi,
    PaymentApi,
    PriceItemApi,
    PriceListApi,
    RefundApi,
)
from apps.consultations.api import (
    IcdSearchApi,
    IcdSynonymDetailApi,
    IcdSynonymListApi,
    PickListEntryDetailApi,
    PickListEntryListApi,
    PickListsApi,
    RecordApi,
)
from apps.formulary.api import (
    FormularyDetailApi,
    FormularyExportApi,
    FormularyImportApi,
    FormularyListApi,
    FormularySearchApi,
)
from apps.hospitals.api import HospitalDetailApi, HospitalListApi
from apps.opd.api import (
    CallNextApi,
    CompleteSessionApi,
    QueueApi,
    RecallApi,
    SessionApi,
    SkipApi,
    StartSessionApi,
    VisitMoveApi,
    VisitPriorityApi,
    VisitRequeueApi,
)
from apps.patients.api import AllergyDetailApi, AllergyListApi, PatientDetailApi, PatientListApi
from apps.pharmacy.api import DispenseApi, DispenseRecordDetailApi, DispenseRecordListApi, PrintApi
from apps.prescriptions.api import (
    AddItemApi,
    ApplyTemplateApi,
    PrescriptionApi,
    RepeatApi,
    StopItemApi,
    StopItemByNameApi,
    TemplateDetailApi,
    TemplateListApi,
)
from apps.visits.api import CloseVisitApi, DoctorListApi, FollowUpApi, VisitDetailApi, VisitListApi
from apps.waitingroom.api import DisplayListApi, DisplayRevokeApi

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("me/", MeApi.as_view(), name="me"),
    path("hospitals/", HospitalListApi.as_view(), name="hospitals"),
    path("hospitals/<id:pk>/", HospitalDetailApi.as_view(), name="hospital"),
    path("users/", UserListApi.as_view(), name="users"),
    path("users/<id:pk>/", UserDetailApi.as_view(), name="user"),
    path("patients/", PatientListApi.as_view(), name="patients"),
    path("patients/<id:pk>/", PatientDetailApi.as_view(), name="patient"),
    path("patients/<id:pk>/allergies/", AllergyListApi.as_view(), name="patient-allergies"),
    path("patients/<id:pk>/allergies/<id:allergy_id>/", AllergyDetailApi.as_view(), name="patient-allergy"),
    # Not in the SPEC table: the front desk needs the doctors' ids to create a visit.
    path("doctors/", DoctorListApi.as_view(), name="doctors"),
    path("visits/", VisitListApi.as_view(), name="visits"),
    path("visits/<id:pk>/", VisitDetailApi.as_view(), name="visit"),
    path("visits/<id:pk>/follow-up/", FollowUpApi.as_view(), name="visit-follow-up"),
    path("visits/<id:pk>/close/", CloseVisitApi.as_view(), name="visit-close"),
    path("visits/<id:pk>/priority/", VisitPriorityApi.as_view(), name="visit-priority"),
    path("visits/<id:pk>/move/", VisitMoveApi.as_view(), name="visit-move"),
    # Not in the SPEC table: a no-show who turns up goes back in the queue (SPEC §11: the front desk sees them).
    path("visits/<id:pk>/requeue/", VisitRequeueApi.as_view(), name="visit-requeue"),
    path("queue/", QueueApi.as_view(), name="queue"),
    path("queue/call-next/", CallNextApi.as_view(), name="queue-call-next"),
    path("sessions/<id:pk>/", SessionApi.as_view(), name="session"),
    path("sessions/<id:pk>/recall/", RecallApi.as_view(), name="session-recall"),
    path("sessions/<id:pk>/skip/", SkipApi.as_view(), name="session-skip"),
    path("sessions/<id:pk>/start/", StartSessionApi.as_view(), name="session-start"),
    path("sessions/<id:pk>/complete/", CompleteSessionApi.as_view(), name="session-complete"),
    path("sessions/<id:pk>/record/", RecordApi.as_view(), name="session-record"),
    path("icd10/", IcdSearchApi.as_view(), name="icd10"),
    # Not in the SPEC table: the hospital admin edits the lists and shorthand the doctor picks from (§9).
    path("icd10/synonyms/", IcdSynonymListApi.as_view(), name="icd10-synonyms"),
    path("icd10/synonyms/<id:pk>/", IcdSynonymDetailApi.as_view(), name="icd10-synonym"),
    path("pick-lists/", PickListsApi.as_view(), name="pick-lists"),
    path("pick-lists/entries/", PickListEntryListApi.as_view(), name="pick-list-entries"),
    path("pick-lists/entries/<id:pk>/", PickListEntryDetailApi.as_view(), name="pick-list-entry"),
    path("prescriptions/<id:pk>/", PrescriptionApi.as_view(), name="prescription"),
    path("prescriptions/<id:pk>/items/", AddItemApi.as_view(), name="prescription-items"),
    path("prescriptions/<id:pk>/items/stop/", StopItemByNameApi.as_view(), name="prescription-item-stop-by-name"),
    path("prescriptions/<id:pk>/items/<id:item_id>/stop/", StopItemApi.as_view(), name="prescription-item-stop"),
    path("prescriptions/<id:pk>/apply-template/", ApplyTemplateApi.as_view(), name="prescription-apply-template"),
    path("prescriptions/<id:pk>/repeat/", RepeatApi.as_view(), name="prescription-repeat"),
    path("templates/", TemplateListApi.as_view(), name="templates"),
    path("templates/<id:pk>/", TemplateDetailApi.as_view(), name="template-detail"),
    path("formulary/", FormularyListApi.as_view(), name="formulary"),
    path("formulary/search/", FormularySearchApi.as_view(), name="formulary-search"),
    path("formulary/import/", FormularyImportApi.as_view(), name="formulary-import"),
    path("formulary/export/", FormularyExportApi.as_view(), name="formulary-export"),
    path("formulary/<id:pk>/", FormularyDetailApi.as_view(), name="formulary-entry"),
    path("pharmacy/dispense-records/", DispenseRecordListApi.as_view(), name="dispense-records"),
    path("pharmacy/dispense-records/<id:pk>/", DispenseRecordDetailApi.as_view(), name="dispense-record"),
    path("pharmacy/dispense-records/<id:pk>/print/", PrintApi.as_view(), name="dispense-record-print"),
    path("pharmacy/dispense-records/<id:pk>/dispense/", DispenseApi.as_view(), name="dispense-record-dispense"),
    path("displays/", DisplayListApi.as_view(), name="displays"),
    path("displays/<id:pk>/revoke/", DisplayRevokeApi.as_view(), name="display-revoke"),
    path("audit/", AuditEventListApi.as_view(), name="audit"),
    path("bills/", BillListApi.as_view(), name="bills"),
    # Not in the SPEC table: a bill's balance and receipts, a charge or discount added after billing.
    path("bills/<id:pk>/", BillDetailApi.as_view(), name="bill"),
    path("bills/<id:pk>/charges/", ChargeApi.as_view(), name="bill-charges"),
    path("bills/<id:pk>/discounts/", DiscountApi.as_view(), name="bill-discounts"),
    path("bills/<id:pk>/payments/", PaymentApi.as_view(), name="bill-payments"),
    path("bills/<id:pk>/refunds/", RefundApi.as_view(), name="bill-refunds"),
    path("bills/<id:pk>/cancel/", CancelBillApi.as_view(), name="bill-cancel"),
    path("cash/", CashApi.as_view(), name="cash"),
    path("cash/close/", CloseDayApi.as_view(), name="cash-close"),
    # The hospital admin's fees and price list (SPEC §1: "the price list, fees").
    path("billing/settings/", BillingSettingsApi.as_view(), name="billing-settings"),
    path("billing/price-list/", PriceListApi.as_view(), name="price-list"),
    path("billing/price-list/<id:pk>/", PriceItemApi.as_view(), name="price-item"),
    path("billing/doctor-fees/", DoctorFeeApi.as_view(), name="doctor-fees"),
]
