"""Shared vocabulary of the pipeline: models, errors, config, URLs, dates, the archive port."""
