"""The Python tests never skip (issue #17: the tests that need pandas,
numpy and Dask run in CI, never skipped there): a test or a test file
that skips, by pytest.skip, a skip mark or pytest.importorskip on a
missing package, is reported as failed, naming why it wanted to skip."""
import pytest


def _no_skip(report, what):
    if report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = "%s skipped, and this suite never skips: %s" % (what, report.longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _no_skip(outcome.get_result(), item.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _no_skip(outcome.get_result(), collector.nodeid)
