"""/apply/ and /track/ (public contracts in DESIGN.md: the paths never change)."""

from django.urls import path

from . import views

# No namespace: base.html and home.html link to {% url "apply" %} and {% url "track" %}.
urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/done/", views.apply_done, name="apply-done"),
    path("apply/<slug:step>/", views.apply_step, name="apply-step"),
    path("track/", views.track, name="track"),
    path("track/documents/", views.track_documents, name="track-documents"),
    path("track/withdraw/", views.track_withdraw, name="track-withdraw"),
    path("track/stop-messages/", views.track_stop_messages, name="track-stop-messages"),
    path("track/leave/", views.track_leave, name="track-leave"),
]
