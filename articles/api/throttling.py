"""Throttles that read their rate at request time.

DRF's throttles copy ``DEFAULT_THROTTLE_RATES`` into a class attribute at import,
so a changed setting (an override in tests, say) would go unnoticed.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    pass
