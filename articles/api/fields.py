"""Serializer fields with representations every client can parse."""

import datetime

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class RFC3339DateTimeField(serializers.DateTimeField):
    """Beijing time as usual, but always a valid RFC 3339 offset.

    Before 1901 the Asia/Shanghai zone has no standard time, only local mean time,
    UTC+08:05:43; Python writes that offset with seconds, which RFC 3339 (and the
    OpenAPI ``date-time`` format) does not allow. Such instants are given in UTC.
    """

    def to_representation(self, value):
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        if not value or not isinstance(output_format, str):
            return super().to_representation(value)
        if output_format.lower() != ISO_8601:
            return super().to_representation(value)
        value = self.enforce_timezone(value)
        offset = value.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            value = value.astimezone(datetime.UTC)
        text = value.isoformat()
        if text.endswith("+00:00"):
            text = text[:-6] + "Z"
        return text
