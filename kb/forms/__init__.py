"""WTForms forms: the shape of what people type; the schemas and services judge the rest."""
