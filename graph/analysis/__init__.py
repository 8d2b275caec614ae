"""Metrics of DOMAIN.md computed per community and village."""
