"""Many workers on Celery: sites spread by host, results replayed by the archive's one writer."""
