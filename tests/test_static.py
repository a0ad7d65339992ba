"""Our CSS is served by WhiteNoise from hashed, compressed files (no CDN)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings


def test_site_css_has_chinese_typography():
    css = Path(finders.find("articles/site.css")).read_text(encoding="utf-8")
    assert '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei"' in css
    assert '"Noto Sans CJK SC"' in css
    assert "line-height: 1.8" in css
    assert ":focus-visible" in css
    assert "http://" not in css and "https://" not in css  # nothing from a CDN


@pytest.mark.django_db
def test_collectstatic_with_production_storage(tmp_path, client):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = list(tmp_path.glob("articles/site.*.css"))
        assert hashed and (hashed[0].with_suffix(".css.gz")).exists()
        page = client.get("/").content.decode()
        assert f'href="/static/articles/{hashed[0].name}"' in page


def test_whitenoise_is_in_the_middleware(settings):
    assert settings.MIDDLEWARE[1] == "whitenoise.middleware.WhiteNoiseMiddleware"
