from django.urls import path

from apps.billing import views

app_name = "billing"
urlpatterns = [
    path("bills/<id:pk>/", views.BillView.as_view(), name="bill"),
    path("bills/<id:pk>/pay/", views.PayView.as_view(), name="pay"),
    path("bills/<id:pk>/charge/", views.ChargeView.as_view(), name="charge"),
    path("bills/<id:pk>/discount/", views.DiscountView.as_view(), name="discount"),
    path("bills/<id:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("bills/<id:pk>/refund/", views.RefundView.as_view(), name="refund"),
    path("visits/<id:pk>/bill/", views.BillVisitView.as_view(), name="bill_visit"),
    path("patients/<id:pk>/visit/", views.VisitWithBillView.as_view(), name="visit_with_bill"),
    path("receipts/<id:pk>/", views.ReceiptView.as_view(), name="receipt"),
    path("cash/", views.CashView.as_view(), name="cash"),
    path("cash/close/", views.CloseDayView.as_view(), name="close_day"),
    path("cash/export.csv", views.CashCsvView.as_view(), name="cash_csv"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
]
