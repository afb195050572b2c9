"""Tests for planner.assets: vendored Leaflet, markercluster and jQuery from the XStatic packages."""

from __future__ import annotations

import re

from planner import assets


class TestInstallAssets:
    def test_it_copies_every_logical_asset_non_empty(self, tmp_path):
        assets.install_assets(tmp_path)
        for relative in assets.ASSET_FILES.values():
            path = tmp_path / relative
            assert path.is_file(), relative
            assert path.stat().st_size > 0, relative

    def test_it_copies_the_leaflet_images_the_css_refers_to(self, tmp_path):
        assets.install_assets(tmp_path)
        css = (tmp_path / assets.ASSET_FILES["leaflet.css"]).read_text(encoding="utf-8")
        images = set(re.findall(r"url\((images/[^)]+)\)", css))
        assert images
        for image in images:
            assert (tmp_path / "vendor" / "leaflet" / image).stat().st_size > 0

    def test_it_installs_the_versions_folium_expects(self, tmp_path):
        assets.install_assets(tmp_path)
        leaflet = (tmp_path / assets.ASSET_FILES["leaflet.js"]).read_text(encoding="utf-8")
        jquery = (tmp_path / assets.ASSET_FILES["jquery.js"]).read_text(encoding="utf-8")
        assert 'version="1.9.3"' in leaflet
        assert "jQuery v3.7.1" in jquery

    def test_it_is_idempotent(self, tmp_path):
        first = assets.install_assets(tmp_path)
        snapshot = {path: path.read_bytes() for path in first}
        second = assets.install_assets(tmp_path)
        assert second == first
        assert {path: path.read_bytes() for path in second} == snapshot
        assert not list(tmp_path.rglob("*.partial"))

    def test_it_puts_everything_under_vendor(self, tmp_path):
        installed = assets.install_assets(tmp_path)
        assert all(path.relative_to(tmp_path).parts[0] == "vendor" for path in installed)


class TestMissingAssets:
    def test_it_lists_everything_before_install(self, tmp_path):
        assert assets.missing_assets(tmp_path) == list(assets.ASSET_FILES)

    def test_it_lists_nothing_after_install(self, tmp_path):
        assets.install_assets(tmp_path)
        assert assets.missing_assets(tmp_path) == []

    def test_it_reports_an_empty_file(self, tmp_path):
        assets.install_assets(tmp_path)
        (tmp_path / assets.ASSET_FILES["jquery.js"]).write_bytes(b"")
        assert assets.missing_assets(tmp_path) == ["jquery.js"]


class TestAssetUrls:
    def test_it_maps_every_logical_name_through_the_static_url_function(self):
        urls = assets.asset_urls(lambda path: f"/static/{path}")
        assert urls["leaflet.js"] == "/static/vendor/leaflet/leaflet.js"
        assert set(urls) == set(assets.ASSET_FILES)


class TestMain:
    def test_it_installs_into_the_given_directory(self, tmp_path, capsys):
        assert assets.main([str(tmp_path)]) == 0
        assert "installed" in capsys.readouterr().out
        assert assets.missing_assets(tmp_path) == []

    def test_it_defaults_to_the_repository_static_directory(self):
        assert assets.DEFAULT_STATIC_DIR.name == "static"
        assert (assets.DEFAULT_STATIC_DIR.parent / "planner" / "assets.py").is_file()
