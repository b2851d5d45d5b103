"""The audit trail: a hash chain over every event a station stores.

- registry.py: which tables are chained (one line to add a table);
- chain.py: the links, written by every store session in the commit they record;
- verify.py: `main.py audit verify`, what was edited, deleted or inserted;
- report.py: what a verification found (the problems, the quarantined rows), as text or JSON;
- anchors.py: chain heads in the log (and the central database) against truncation;
- state.py, known.py, verified_here.py: the audit state the supervisors' dashboard shows
  (a verification's verdict per station; what is known without walking the chain).
- central_verify.py: `audit verify --central`, each station's chain in the central copy,
  with central_rows.py (a central row against its link), central_marks.py (from the
  last verified mark), central_quarantine.py (rows the server set aside) and
  central_packers.py (the central packers' own chain).
"""
