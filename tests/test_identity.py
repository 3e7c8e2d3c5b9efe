"""The organisation's identity from settings: name, logo, colours, favicon; nothing from elsewhere."""
import re

import pytest

from .conftest import text


def test_favicon_and_colours_are_served_by_the_app(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content_type == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    css = client.get("/identity.css").get_data(as_text=True)
    assert "--brand: #0033a0;" in css and "--accent: #a3262a;" in css


@pytest.mark.parametrize("app_config", [{"BRAND_COLOUR": "#123456", "ACCENT_COLOUR": "red; } body { x: y",
                                         "ORGANISATION_NAME": "Regional Migration Forum",
                                         "ORGANISATION_SHORT_NAME": "RMF"}], indirect=True)
def test_the_settings_change_name_and_colours_and_odd_values_are_ignored(client):
    css = client.get("/identity.css").get_data(as_text=True)
    assert "--brand: #123456;" in css
    assert "--accent: #a3262a;" in css and "body" not in css  # not a colour: the default stays
    page = text(client.get("/"))
    assert "Regional Migration Forum" in page and "RMF" in page


def test_the_header_names_the_organisation_in_the_readers_language_and_loads_nothing_from_elsewhere(client):
    expected = {"en": "International Organization for Migration",
                "fr": "Organisation internationale pour les migrations",
                "es": "Organización Internacional para las Migraciones"}
    for lang, name in expected.items():
        html = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert name in html
        assert '<link rel="icon"' in html
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html.split("<body", 1)[0])
        assert external == []
