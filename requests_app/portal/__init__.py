"""The public portal: apply for a program (/apply/) and follow the request (/track/)."""
