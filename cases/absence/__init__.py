"""Early detection (Hjørring's week-1 alert): absence spells from payroll, sickness periods, alert rules.

- `periods`: pure functions that merge spells into sickness periods and derive the statutory dates.
- `csvformat`: the per-source CSV mapping, streamed and validated line by line (Danish messages).
- `ingest`: the one write path for spells (CSV upload, REST API): idempotent bulk upserts.
- `alerts`: the rules as data, evaluated after each import and nightly; the manager's mail; the queue.
- `clocks`: a case's first absence day and statutory clocks follow its spells.
- `selectors`: read models (the queue, the results figures, periods reaching a week).
"""
