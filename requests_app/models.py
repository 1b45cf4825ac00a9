"""Programs and the support-request workflow (POL-7). Models arrive with the workflow issue."""
