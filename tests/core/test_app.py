"""The application shell: health check, headers, error pages, configuration."""

import pytest

from forum import create_app


def test_health_reports_database_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_reports_unavailable_database(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    # A path inside a file cannot be opened, so every connection attempt fails.
    (tmp_path / "file").write_text("not a folder")
    app = create_app("test", overrides={"DATABASE_URL": f"sqlite:///{tmp_path}/file/x.db"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_pages_need_no_database_to_say_it_is_down(tmp_path, monkeypatch):
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "file").write_text("not a folder")
    app = create_app("test", overrides={"DATABASE_URL": f"sqlite:///{tmp_path}/file/x.db"})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert b"briefly unavailable" in response.data


def test_every_response_has_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    script_sources = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_sources and "unsafe-inline" not in script_sources
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"Go to the home page" in response.data


def test_too_large_request_gets_413_page(app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.test_client().post("/account/signin", data={"login": "x" * 5000})
    assert response.status_code == 413
    assert b"too large" in response.data


def test_production_refuses_to_start_without_what_it_needs(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "FORUM_SECRET_KEY",
                 "FORUM_DATABASE_URL", "FORUM_REDIS_URL", "FORUM_MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as error:
        create_app("production")
    for needed in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_SERVER"):
        assert needed in str(error.value)


def test_production_search_needs_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    with pytest.raises(RuntimeError, match="PostgreSQL DATABASE_URL"):
        create_app("production")


def test_production_starts_with_secret_database_redis_and_mail(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://council@db.example.org/commonground")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example.org:6379/0")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    # Rate limits live in Redis, shared by every server; search and jobs leave no local state.
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.example.org:6379/0"
    assert app.extensions["search"].name == "postgres"
    assert (app.config["JOBS"], app.config["SEARCH_DRAIN"]) == ("rq", "job")


def test_any_setting_can_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_PASSWORD_MIN_LENGTH", "14")
    monkeypatch.setenv("FORUM_SITE_NAME", "Millbrook Together")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    app = create_app("test")
    assert app.config["PASSWORD_MIN_LENGTH"] == 14
    assert app.config["SITE_NAME"] == "Millbrook Together"
    assert app.config["MAIL_SERVER"] == "smtp.example.org"


def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path, monkeypatch):
    from sqlalchemy import text

    from forum.extensions import db

    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path))
    app = create_app("test", overrides={"DATABASE_URL": f"sqlite:///{tmp_path}/wal.db"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
