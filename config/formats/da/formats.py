"""Danish date formats beyond Django's own (which stay the fallback): short dates read "1. dec. 2026" — the month's
abbreviation in lower case with its full stop ("N"), not the English-style "1. Dec 2026" of "M"."""

SHORT_DATE_FORMAT = "j. N Y"
SHORT_DATETIME_FORMAT = "j. N Y H:i"
