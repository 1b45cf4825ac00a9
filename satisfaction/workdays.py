"""Working days in Saudi Arabia: the weekend is Friday and Saturday."""

import datetime

WEEKEND = {4, 5}  # Monday is 0: Friday 4, Saturday 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (a weekend start counts from Sunday)."""
    day = start
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() not in WEEKEND:
            left -= 1
    return day
