#!/usr/bin/env python3
"""Parses Prometheus text exposition from the file named by the argument (or standard input) with prometheus_client's own parser (an
independent implementation) and prints the families as JSON:
{"families": [{"name", "type", "help", "samples": [{"name", "labels", "value"}]}]}.
Exits 1 with the parser's error when the text does not parse."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
try:
    families = []
    for family in text_string_to_metric_families(text):
        families.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [
                {"name": s.name, "labels": s.labels, "value": None if math.isnan(s.value) else s.value}
                for s in family.samples
            ],
        })
except Exception as error:  # the parser's own error, shown to the test
    print(f"parse error: {error}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"families": families}))
