"""Units of legal periods (期限单位), defined once for the engine, the profiles and the models."""

UNITS = {"hours": "小时", "days": "日", "workdays": "个工作日", "months": "个月"}
UNIT_CHOICES = list(UNITS.items())
