"""Cases (申报 claims) and their awards through public notice (公示).

`claims`: submit, approve, reject (the state machine, TRANSITIONS). `publicity`: the held
award on notice, objections, and `post_due` — the job `points tick` runs.
"""
