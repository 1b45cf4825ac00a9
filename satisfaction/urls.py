"""Public survey and feedback pages (paths fixed by DESIGN.md) and the staff results."""

from django.urls import path

from . import views

app_name = "satisfaction"

urlpatterns = [
    path("survey/thanks/", views.survey_thanks, name="survey-thanks"),
    path("survey/<str:token>/", views.survey, name="survey"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/sent/", views.feedback_sent, name="feedback-sent"),
    path("feedback/follow/", views.feedback_follow, name="feedback-follow"),
    path("satisfaction/results/", views.results, name="results"),
    path("satisfaction/results/export.csv", views.results_export, name="results-export"),
]
