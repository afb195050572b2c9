"""The tile proxy: pages load tiles from our origin; the proxy caches, and degrades to quick blank tiles offline."""

import pytest

from planner.services import tiles

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 50


@pytest.fixture
def upstream(app, monkeypatch, tmp_path):
    calls = []

    def fake_fetch(url, user_agent, timeout_s):
        calls.append(url)
        if "fail" in app.config["TILES_URL"]:
            raise OSError("network is unreachable")
        return PNG

    monkeypatch.setattr(tiles, "fetch_upstream", fake_fetch)
    monkeypatch.setitem(app.config, "TILES_URL", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setitem(app.config, "TILES_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(tiles._backoff, "until", 0.0)
    return calls


class TestTileProxy:
    def test_it_fetches_once_then_serves_from_the_cache(self, client, upstream):
        for _ in range(2):
            response = client.get("/tiles/3/4/2.png")
            assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
        assert upstream == ["https://tiles.example/3/4/2.png"]

    def test_an_unreachable_upstream_gives_an_uncached_blank_tile_and_backs_off(
        self, client, upstream, app, monkeypatch
    ):
        monkeypatch.setitem(app.config, "TILES_URL", "https://fail.example/{z}/{x}/{y}.png")
        for path in ("/tiles/1/0/0.png", "/tiles/1/1/0.png"):
            response = client.get(path)
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
            assert response.data == tiles.blank_png()
        assert len(upstream) == 1

    def test_the_blank_tile_is_a_valid_256_pixel_png(self):
        png = tiles.blank_png()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
        assert int.from_bytes(png[16:20], "big") == int.from_bytes(png[20:24], "big") == 256
        assert png.endswith(b"IEND\xaeB`\x82")  # the IEND chunk with its fixed CRC

    def test_out_of_range_tiles_are_404s(self, client, upstream):
        assert client.get("/tiles/2/4/0.png").status_code == 404
        assert client.get("/tiles/25/0/0.png").status_code == 404
        assert upstream == []

    def test_switched_off_tiles_are_404s(self, client, app, monkeypatch):
        monkeypatch.setitem(app.config, "TILES_URL", "")
        assert client.get("/tiles/1/0/0.png").status_code == 404


class TestPagesUseOnlyOurOrigin:
    def test_the_home_page_map_points_only_at_our_origin(self, client, app, monkeypatch):
        monkeypatch.setitem(app.config, "TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        html = client.get("/").get_data(as_text=True)
        assert "/tiles/{z}/{x}/{y}.png" in html
        for attr in ("src=", "href="):
            for chunk in html.split(attr)[1:]:
                url = chunk[1:].split(chunk[0], 1)[0]
                assert not url.startswith(("http:", "https:", "//")) or "openstreetmap.org/copyright" in url, url
        assert "tile.openstreetmap.org" not in html
