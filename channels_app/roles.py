"""What each role may do with channels, contacts and notifications."""

CONTACT_LOG = [
    "channels_app.view_interaction",
    "channels_app.add_interaction",
]
OUTREACH_READ = [
    "channels_app.view_outreachitem",
    "channels_app.view_outreachreach",
    "channels_app.view_reachimport",
]
OUTREACH_WRITE = [
    "channels_app.add_outreachitem",
    "channels_app.change_outreachitem",
    "channels_app.add_outreachreach",
    "channels_app.change_outreachreach",
    "channels_app.add_reachimport",
]

GRANTS = {
    "relations_officer": [
        "channels_app.view_channel",
        "channels_app.view_notification",
        "channels_app.retry_notification",
        "channels_app.view_notificationtemplate",
        *CONTACT_LOG,
        "channels_app.refer_interaction",
        *OUTREACH_READ,
        *OUTREACH_WRITE,
    ],
    "social_researcher": [
        "channels_app.view_channel",
        "channels_app.view_notification",
        *CONTACT_LOG,
    ],
    "manager": [
        "channels_app.view_channel",
        "channels_app.change_channel",
        "channels_app.view_notification",
        "channels_app.retry_notification",
        "channels_app.view_notificationtemplate",
        "channels_app.add_notificationtemplate",
        "channels_app.change_notificationtemplate",
        *CONTACT_LOG,
        "channels_app.refer_interaction",
        *OUTREACH_READ,
        *OUTREACH_WRITE,
        "channels_app.delete_outreachitem",
        "channels_app.delete_outreachreach",
    ],
}
