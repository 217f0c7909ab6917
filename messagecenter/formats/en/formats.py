# ISO 8601 with the zone, whatever the language (see messagecenter/formats/__init__.py).
DATETIME_FORMAT = r"Y-m-d\TH:i:sO"
SHORT_DATETIME_FORMAT = r"Y-m-d\TH:i:sO"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i:s"
