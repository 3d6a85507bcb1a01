"""Lyngby-Taarbæk's week-6 screening (kernel side): who reaches sick week 5-7 in a chosen week (the
information meeting's attendance), the consultant's marks, and opening a case for a marked person.

The booking of the start conversations is the roundtable app's (roundtable/services/screening.py);
this package never imports it."""

# Written to the access log (Danish: the citizen reads it in the insight export).
PURPOSE_SCREENING = "screening ved informationsmøde"
