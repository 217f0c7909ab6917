"""Django's formats for English and Spanish: ISO 8601 with the zone (the admin's dates).

Pages never use these: they write every date through the ``moment`` filter (core/moments.py),
relative while recent and then in the reader's language. What is left to Django's formats is
the admin, read by staff comparing moments across logs, CSV exports and the API, so one exact,
sortable form: ``2026-12-30T14:05:00+0000``.
"""
