"""What each role may do with channels, contacts and notifications."""

GRANTS = {
    "relations_officer": [
        "channels_app.view_channel",
        "channels_app.view_notification",
        "channels_app.retry_notification",
        "channels_app.view_notificationtemplate",
    ],
    "social_researcher": [
        "channels_app.view_channel",
        "channels_app.view_notification",
    ],
    "manager": [
        "channels_app.view_channel",
        "channels_app.change_channel",
        "channels_app.view_notification",
        "channels_app.retry_notification",
        "channels_app.view_notificationtemplate",
        "channels_app.add_notificationtemplate",
        "channels_app.change_notificationtemplate",
    ],
}
