#!/usr/bin/python3
"""Tests of the benchmark's own judgement, run by `bench/run.sh --ci` before
it measures: the CI limits fail a ratio past them and skip one not measured,
and the generated checklists have what the loader requires."""
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import checklists  # noqa: E402


def row(key, ratio):
    return {"id": key, "measurement": key, "preflight": 1.0, "reference": 1.0,
            "reference_tool": "x", "ratio": ratio, "ratio_of": "preflight/reference",
            "target": "", "met": None, "unit": "s"}


class CiLimits(unittest.TestCase):
    def test_a_ratio_past_a_max_limit_fails(self):
        kind, limit = bench.CI_LIMITS["range_vs_epoll"]
        self.assertEqual(kind, "max")
        checked, failures = bench.ci_check([row("range_vs_epoll", limit * 1.01)])
        self.assertEqual(len(failures), 1)
        self.assertFalse(checked[0]["ok"])

    def test_a_ratio_under_a_min_limit_fails(self):
        kind, limit = bench.CI_LIMITS["acc_vs_plugins"]
        self.assertEqual(kind, "min")
        _, failures = bench.ci_check([row("acc_vs_plugins", limit * 0.99)])
        self.assertIn("below the CI limit", failures[0])

    def test_ratios_within_their_limits_pass(self):
        rows = [row(k, limit * (1.5 if kind == "min" else 0.5))
                for k, (kind, limit) in bench.CI_LIMITS.items()]
        checked, failures = bench.ci_check(rows)
        self.assertEqual(failures, [])
        self.assertEqual(len(checked), len(bench.CI_LIMITS))

    def test_a_ratio_not_measured_is_skipped_not_failed(self):
        checked, failures = bench.ci_check([row("tls_one_vs_check_ssl_cert", None)])
        self.assertEqual((checked, failures), ([], []))


class GeneratedChecklists(unittest.TestCase):
    def check(self, text, count):
        root = ET.fromstring(text)
        source = root.find("source")
        self.assertTrue(source.get("document") and source.get("section"))
        checks = root.findall("section/check")
        self.assertEqual(len(checks), count)
        self.assertEqual(len({c.get("id") for c in checks}), count)
        for c in checks:
            self.assertIn(c.get("severity"), ("required", "recommended", "optional"))
            self.assertTrue(c.findtext("requirement") and c.findtext("fix"))
        return checks

    def test_tls_checks_trust_the_private_ca(self):
        for c in self.check(checklists.tls_checklist(3), 3):
            self.assertEqual(c.find("probe").get("private_ca"), "true")

    def test_mixed_tcp_checks_are_a_third_each(self):
        ports = [int(c.find("probe").get("port"))
                 for c in self.check(checklists.tcp_mixed_checklist(300, 1), 300)]
        filtered = [p for p in ports if checklists.FILTERED_FIRST <= p <= checklists.FILTERED_LAST]
        opened = [p for p in ports
                  if checklists.OPEN_FIRST <= p < checklists.OPEN_FIRST + checklists.OPEN_COUNT]
        self.assertEqual((len(filtered), len(opened)), (100, 100))

    def test_the_range_samples_every_port(self):
        probe = self.check(checklists.range_checklist(), 1)[0].find("probe")
        self.assertEqual(int(probe.get("sample")), 16384)


if __name__ == "__main__":
    unittest.main()
