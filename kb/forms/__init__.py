"""WTForms forms: shape validation only; labels through lazy_gettext."""
