"""Who sees the dashboard and who may export. The auditor gets view_dashboard and
view_exportlog through config.roles (every view_ permission) and export_data here:
reading figures and lists is the auditor's work; sensitive columns stay out (POL-7.4)."""

GRANTS = {
    "relations_officer": ["dashboard.view_dashboard", "dashboard.export_data"],
    "manager": [
        "dashboard.view_dashboard",
        "dashboard.export_data",
        "dashboard.view_exportlog",
    ],
    "auditor": ["dashboard.export_data"],
}
