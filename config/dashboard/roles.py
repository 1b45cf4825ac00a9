"""Who sees the dashboard and who may download its tables. The auditor gets
view_dashboard and view_exportlog through config.roles (every view_ permission, nothing
else). Back-office list exports follow the list's view permission, as the registry's
export always did; every download is logged and sensitive columns need their permission."""

GRANTS = {
    "relations_officer": ["dashboard.view_dashboard", "dashboard.export_data"],
    "manager": [
        "dashboard.view_dashboard",
        "dashboard.export_data",
        "dashboard.view_exportlog",
        "dashboard.refresh_dashboard",
    ],
}
