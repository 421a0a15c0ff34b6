"""Flask extensions, created without an app; `create_app` binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kb.models.base import db

migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
#: No default limits: endpoints that need one (sign-up, login, registration) say so.
limiter = Limiter(key_func=get_remote_address)

__all__ = ["babel", "csrf", "db", "limiter", "migrate"]
