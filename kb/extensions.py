"""Flask extensions, created without an app; `create_app` binds them."""

from flask_babel import Babel
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kb.models.base import db

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()

__all__ = ["babel", "csrf", "db", "migrate"]
