"""The bundled demo blogs (our own text in real Blogger and WordPress markup) and their server."""

from scraper.demo.content import demo_truth, expected_totals
from scraper.demo.server import DemoServer, DemoSite

__all__ = ["DemoServer", "DemoSite", "demo_truth", "expected_totals"]
