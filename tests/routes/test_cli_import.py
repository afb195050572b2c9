"""flask routes import: files and folders, a summary, and a non-zero exit when anything was rejected."""

from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Route
from tests import factories as f
from tests.routes.gpxdocs import KML, ROOT, SAMPLES


class TestRoutesImport:
    def test_it_imports_a_folder(self, runner, app):
        with app.app_context():
            email = f.user().email
        result = runner.invoke(args=["routes", "import", str(ROOT / "sample_routes"), "--owner", email])
        assert result.exit_code == 0, result.output
        assert f"{len(SAMPLES)} imported, 0 rejected" in result.output
        with app.app_context():
            assert db.session.scalar(select(func.count(Route.id))) == len(SAMPLES)

    def test_a_rejected_file_is_reported_and_fails_the_command(self, runner, app, tmp_path):
        bad = tmp_path / "bad.gpx"
        bad.write_bytes(KML)
        with app.app_context():
            email = f.user().email
        result = runner.invoke(args=["routes", "import", str(SAMPLES[0]), str(bad), "--owner", email])
        assert result.exit_code == 1
        assert "1 imported, 1 rejected" in result.output and "bad.gpx" in result.output and "kml" in result.output

    def test_an_unknown_owner_is_a_usage_error(self, runner):
        result = runner.invoke(args=["routes", "import", str(SAMPLES[0]), "--owner", "nobody@example.org"])
        assert result.exit_code == 2
