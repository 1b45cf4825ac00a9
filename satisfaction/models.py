"""Satisfaction surveys and complaints & suggestions (POL-4.5, POL-4.6). Models arrive with
the satisfaction issue."""
