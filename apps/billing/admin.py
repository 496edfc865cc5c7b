from django.contrib import admin

from apps.billing.models import (
    Bill,
    BillingSettings,
    BillLine,
    DayClose,
    DoctorFee,
    Payment,
    PriceItem,
    ReceiptCounter,
)
from common.admin import ClinicalRecordAdmin

# Read-only (the admin site makes every ModelAdmin so) and, for the super admin who may see no patient's
# data: ids, hospital, status, amounts and times only; no charge names, reasons or payment references.
_COLUMNS = {
    BillingSettings: [
        "id",
        "hospital",
        "default_consultation_fee",
        "follow_up_fee",
        "require_payment_before_consultation",
    ],
    DoctorFee: ["id", "hospital", "doctor_id", "fee"],
    PriceItem: ["id", "hospital", "price", "is_active"],
    Bill: ["id", "hospital", "visit_id", "session_id", "bill_date", "status", "total", "paid"],
    BillLine: ["id", "hospital", "bill_id", "kind", "quantity", "amount", "created_at"],
    Payment: ["id", "hospital", "bill_id", "kind", "mode", "amount", "financial_year", "number", "business_date"],
    ReceiptCounter: ["id", "hospital", "kind", "financial_year", "last_number"],
    DayClose: ["id", "hospital", "user_id", "business_date", "receipts", "refunds", "entries"],
}

for model, columns in _COLUMNS.items():
    admin.site.register(model, type(f"{model.__name__}Admin", (ClinicalRecordAdmin,), {"list_display": columns}))
