"""What each role may do with channels and contacts."""

GRANTS = {
    "relations_officer": ["channels_app.view_channel"],
    "social_researcher": ["channels_app.view_channel"],
    "manager": ["channels_app.view_channel", "channels_app.change_channel"],
}
