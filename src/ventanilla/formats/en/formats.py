"""English date formats as GOV.UK writes them: 19 February 1967, not Feb. 19, 1967."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
