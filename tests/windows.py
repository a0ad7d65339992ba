"""The throttles count in fixed windows (a minute, a day): a test's requests
must all fall in one window, or they are counted in two."""

import time

DAY = 86400


def start_well_inside_a_day(margin=30):
    """Wait for the next UTC day if this one ends within ``margin`` seconds."""
    until_midnight = DAY - time.time() % DAY
    if until_midnight < margin:
        time.sleep(until_midnight + 1)
