"""English short dates, "1 Dec 2026", beside the Danish "1. dec. 2026" (`config/formats/da`)."""

SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
