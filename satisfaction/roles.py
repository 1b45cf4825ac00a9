"""What each role may do with surveys, answers and complaints & suggestions. Answers are
read by managers for improvement; officers handle complaints but do not browse ratings."""

GRANTS = {
    "relations_officer": [
        "satisfaction.view_survey",
        "satisfaction.view_surveyinvitation",
        "satisfaction.view_feedback",
        "satisfaction.add_feedback",
        "satisfaction.change_feedback",
    ],
    "manager": [
        "satisfaction.view_survey",
        "satisfaction.add_survey",
        "satisfaction.change_survey",
        "satisfaction.view_surveyquestion",
        "satisfaction.add_surveyquestion",
        "satisfaction.change_surveyquestion",
        "satisfaction.delete_surveyquestion",
        "satisfaction.view_surveyinvitation",
        "satisfaction.view_surveyresponse",
        "satisfaction.view_surveyanswer",
        "satisfaction.view_feedback",
        "satisfaction.add_feedback",
        "satisfaction.change_feedback",
    ],
}
