from django.urls import path

from apps.formulary import views

app_name = "formulary"
urlpatterns = [
    path("", views.FormularyListView.as_view(), name="list"),
    path("export/", views.FormularyExportView.as_view(), name="export"),
    path("add/", views.EntryCreateView.as_view(), name="create"),
    path("<id:pk>/", views.EntryEditView.as_view(), name="edit"),
]
