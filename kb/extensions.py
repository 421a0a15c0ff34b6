"""Flask extensions, created without an app; `create_app` binds them."""

import logging
from functools import cached_property

from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from kb.models.base import db

migrate = Migrate()


_KEPT = "kb:kept"


class _KeptCatalogues(Domain):
    """Flask-Babel's domain, each locale's catalogue found once: `get_translations` is what
    every `gettext` and lazy string calls, and Flask-Babel's found it by the locale's name
    after looking up its context three times (~14 µs; a results page asks ~12 times from
    Python). The catalogues are the ones Flask-Babel keeps per process and locale."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:  # outside a request or application: Flask-Babel's own answer
            return super().get_translations()
        # Kept in Flask-Babel's own dictionary, so that whoever clears it (a test pointing
        # Babel at other catalogues) clears these too: one domain serves every app of the
        # process.
        # The locale by its parts: a Locale's own hash and equality are Python methods,
        # and this runs a dozen times a page.
        key = (_KEPT, locale.language, locale.territory, locale.script, locale.variant)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = super().get_translations()
        return found


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _KeptCatalogues(domain=self.domain)


babel = _Babel()
csrf = CSRFProtect()
#: No default limits: endpoints that need one (sign-up, login, registration) say so
#: (kb/ratelimits.py). Keyed by the client's address (after ProxyFix).
limiter = Limiter(key_func=get_remote_address)
#: Under the app's logger, so "Rate limit storage unreachable - falling back to
#: in-memory storage" reaches the log (flask-limiter's own logger has only a NullHandler).
limiter.logger = logging.getLogger("kb.ratelimit")

__all__ = ["babel", "csrf", "db", "limiter", "migrate"]
