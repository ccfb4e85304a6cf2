"""AutoFile: rebate filing for HVAC and home-energy contractors on ServiceTitan."""

from autofile.celery import app as celery_app

__all__ = ["celery_app"]
