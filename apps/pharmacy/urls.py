from django.urls import path

from apps.pharmacy import views

app_name = "pharmacy"
urlpatterns = [
    path("", views.PharmacyListView.as_view(), name="list"),
    path("records/<id:pk>/", views.RecordDetailView.as_view(), name="detail"),
    path("records/<id:pk>/print/", views.MarkPrintedView.as_view(), name="print"),
    path("records/<id:pk>/print-view/", views.PrintView.as_view(), name="print_view"),
    path("records/<id:pk>/labels/", views.LabelsView.as_view(), name="labels"),
    path("records/<id:pk>/dispense/", views.DispenseView.as_view(), name="dispense"),
]
