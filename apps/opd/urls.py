from django.urls import path

from apps.opd import views

app_name = "opd"
urlpatterns = [
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("lists/", views.PickListsView.as_view(), name="pick_lists"),
    path("queue/call-next/", views.CallNextView.as_view(), name="call_next"),
    path("sessions/<id:pk>/recall/", views.RecallView.as_view(), name="recall"),
    path("sessions/<id:pk>/skip/", views.SkipView.as_view(), name="skip"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("sessions/<id:pk>/", views.SessionView.as_view(), name="session"),
    path("sessions/<id:pk>/start/", views.StartView.as_view(), name="start"),
    path("sessions/<id:pk>/items/", views.AddItemView.as_view(), name="add_item"),
    path("sessions/<id:pk>/repeat/", views.RepeatView.as_view(), name="repeat"),
    path("sessions/<id:pk>/apply-template/", views.ApplyTemplateView.as_view(), name="apply_template"),
    path("sessions/<id:pk>/save-template/", views.SaveTemplateView.as_view(), name="save_template"),
    path("sessions/<id:pk>/update-template/", views.UpdateTemplateView.as_view(), name="update_template"),
    path("sessions/<id:pk>/delete-template/", views.DeleteTemplateView.as_view(), name="delete_template"),
    path("sessions/<id:pk>/medicines/", views.MedicineSuggestView.as_view(), name="medicine_suggest"),
    path("sessions/<id:pk>/medicines/<id:entry_id>/", views.PickMedicineView.as_view(), name="pick_medicine"),
    path("sessions/<id:pk>/items/<id:item_id>/stop/", views.StopItemView.as_view(), name="stop_item"),
    path("sessions/<id:pk>/record/", views.RecordView.as_view(), name="record"),
    path("sessions/<id:pk>/icd10/", views.IcdSearchView.as_view(), name="icd10"),
    path("sessions/<id:pk>/complete/", views.CompleteView.as_view(), name="complete"),
]
