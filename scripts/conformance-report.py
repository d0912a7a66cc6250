#!/usr/bin/env python3
"""Writes the results of a conformance run into docs/conformance.md (between
its result markers) and, with --check, fails on a regression against the
baseline: fewer passing tests than recorded, or a failing test the
baseline does not list with its reason."""
import datetime
import json
import re
import sys

summary_path, baseline_path, readme_path, doc_path = sys.argv[1:5]
check = "--check" in sys.argv[5:]
summary = json.load(open(summary_path))
baseline = json.load(open(baseline_path))
readme = open(readme_path).read()

names = {"dm2": ("VC Data Model 2.0", "vc-data-model-2.0-test-suite"),
         "eddsa": ("Data Integrity eddsa-rdfc-2022", "vc-di-eddsa-test-suite"),
         "bsl": ("Bitstring Status List", "vc-bitstring-status-list-test-suite")}

def commit(folder):
    m = re.search(r"`suites/%s` \| (\w+ \([\d-]+\))" % re.escape(folder), readme)
    return m.group(1) if m else "unknown"

lines = ["Run on %s by `scripts/conformance`." % datetime.date.today().isoformat(), "",
         "| suite | commit | passing | failing | pending |", "|---|---|---|---|---|"]
problems = []
for key, (title, folder) in names.items():
    s = summary.get(key, {"passing": 0, "failing": 0, "pending": 0, "failingTests": []})
    lines.append("| %s (`%s`) | %s | %d | %d | %d |" % (title, key, commit(folder), s["passing"], s["failing"], s["pending"]))
    b = baseline.get(key, {"passing": 0, "allowedFailures": {}})
    if s["passing"] < b["passing"]:
        problems.append("%s: %d passing, the baseline has %d" % (key, s["passing"], b["passing"]))
    for t in s["failingTests"]:
        if t not in b["allowedFailures"]:
            problems.append("%s: a test fails that the baseline does not allow: %s" % (key, t))
lines += ["", "Each failing test, and why it does not pass:", ""]
any_failing = False
for key in names:
    for t in summary.get(key, {}).get("failingTests", []):
        any_failing = True
        reason = baseline.get(key, {}).get("allowedFailures", {}).get(t, "no reason recorded: a regression")
        lines.append("- **%s**: %s  \n  %s" % (key, t, reason))
if not any_failing:
    lines.append("- none")

doc = open(doc_path).read()
start, end = "<!-- results -->", "<!-- /results -->"
i, j = doc.index(start) + len(start), doc.index(end)
doc = doc[:i] + "\n" + "\n".join(lines) + "\n" + doc[j:]
open(doc_path, "w").write(doc)
for key in names:
    s = summary.get(key, {})
    print("conformance: %s %d passing, %d failing, %d pending" % (key, s.get("passing", 0), s.get("failing", 0), s.get("pending", 0)))
if problems:
    print("conformance: REGRESSION\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1 if check else 0)
