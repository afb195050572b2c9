"""planner: groups, outings, GPX routes and meeting points for communities that meet offline."""

from __future__ import annotations

from flask import Flask, request_started
from flask_babel import refresh as refresh_locale
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

from planner import config, i18n, models  # noqa: F401  (models: the metadata must be complete for migrations)
from planner.api import bp as api_bp
from planner.api.docs import bp as api_docs_bp
from planner.api.errors import is_api_request, json_error
from planner.cli import register_commands
from planner.errors import ServiceError
from planner.extensions import babel, csrf, db, limiter, login_manager, migrate, ping_idle_connections
from planner.ratelimits import apply_rate_limits
from planner.security import register_security
from planner.web import register as register_web
from planner.web.errors import html_error


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, blueprints, error handlers and CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_mapping(config.from_env())
    if test_config:
        app.config.update(test_config)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    apply_rate_limits(app)
    register_errors(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to app."""
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_idle_connections(engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")
    # Flask-Babel keeps the selected locale in g: select afresh per request, also where one app context spans
    # several requests (as in the tests).
    request_started.connect(lambda sender, **extra: refresh_locale(), app, weak=False)
    i18n.install()
    app.jinja_env.globals.update(
        html_lang=i18n.html_lang,
        current_locale=i18n.current_locale,
        language_names=i18n.LANGUAGE_NAMES,
        js_messages=i18n.js_messages,
    )
    if app.config.get("PROXY_FIX"):
        # Flask documents wrapping wsgi_app like this; its stubs type the attribute as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    """Mount the web pages and the JSON API."""
    register_web(app)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)


def register_errors(app: Flask) -> None:
    """JSON errors under /api, HTML error pages elsewhere; never a bare 500 for a refused request."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return json_error(error) if is_api_request() else html_error(error)

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        return json_error(error) if is_api_request() else html_error(error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_unavailable(error: Exception):
        app.logger.warning("database unavailable: %s", error)
        refused = ServiceUnavailable("The database is unavailable for a moment. Please try again shortly.")
        response = app.make_response(json_error(refused) if is_api_request() else html_error(refused))
        response.headers["Retry-After"] = "5"
        return response


def register_cli(app: Flask) -> None:
    """Add the planner flask commands."""
    register_commands(app)
