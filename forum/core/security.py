"""Security headers on every response, and a guard for `next=` redirects."""

from urllib.parse import urlsplit

from flask import current_app, url_for


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS_SECONDS"):
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains",
        )
    return response


def safe_next_url(target, fallback_endpoint="core.home"):
    """Return `target` if it is a path on this site, otherwise the fallback page.

    Refuses absolute URLs, scheme-relative ones (//evil.example), backslash tricks that
    browsers read as //, and anything with control characters.
    """
    fallback = url_for(fallback_endpoint)
    if not target or any(ord(char) < 32 for char in target):
        return fallback
    cleaned = target.replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return fallback
    return cleaned
