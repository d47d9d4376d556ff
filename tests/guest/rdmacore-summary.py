#!/usr/bin/python3
"""Summarise rdma-core's run_tests.py -v output; fail on unknown failures.

usage: rdmacore-summary.py LOG KNOWN_FAILURES OUT_JSON [MIN_PASSED]

MIN_PASSED: how many tests pass on the base anchor (tests/rdma-core-baseline.txt).
Fewer passing tests fail the run, less one for each listed known failure that
failed this time (a test that went from pass to skip is a loss too).
"""
import json
import re
import sys

log, known_file, out = sys.argv[1:4]
min_passed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
text = open(log, errors="replace").read()
results = {}
# "test_x (tests.test_mod.Class.test_x) ... ok"; a test's own output may
# come between the name and its verdict.
for m in re.finditer(r"^(test\w*) \(([\w.]+)\)(?:.|\n)*?\.\.\. (ok|skipped|FAIL|ERROR|expected failure)",
                     text, re.M):
    name = m.group(2).removeprefix("tests.")
    if not name.endswith("." + m.group(1)):
        name += "." + m.group(1)
    results[name] = m.group(3)
ran = re.search(r"^Ran (\d+) tests?", text, re.M)
known = set()
for line in open(known_file):
    line = line.split("#")[0].strip()
    if line:
        known.add(line)
count = lambda s: sum(1 for v in results.values() if v == s)
failed = sorted(k for k, v in results.items() if v in ("FAIL", "ERROR"))
new = [f for f in failed if f not in known]
summary = {"ran": int(ran.group(1)) if ran else None, "parsed": len(results),
           "passed": count("ok"), "skipped": count("skipped"),
           "failed": failed, "new_failures": new,
           "known_failures": sorted(known)}
json.dump(summary, open(out, "w"), indent=1)
print(f"rdma-core: {summary['ran']} run, {summary['passed']} passed, "
      f"{summary['skipped']} skipped, {len(failed)} failed "
      f"({len(failed) - len(new)} known on base)")
for f in new:
    print("new failure:", f)
need = min_passed - (len(failed) - len(new))
summary["min_passed"] = need
json.dump(summary, open(out, "w"), indent=1)
if summary["passed"] < need:
    print(f"only {summary['passed']} tests passed, the base anchor passes {min_passed} "
          f"({need} with this run's known failures)")
    sys.exit(1)
if not ran or summary["parsed"] != summary["ran"]:
    print(f"could not parse every result ({summary['parsed']} of {summary['ran']})")
    sys.exit(1)
sys.exit(1 if new else 0)
