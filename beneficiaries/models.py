"""The beneficiary registry: direct and indirect beneficiaries (POL-3), households,
documents, consent and the access log. Models arrive with the registry issue."""
