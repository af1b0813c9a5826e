"""Web forms (Flask-WTF: CSRF token included)."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional


class SignInForm(FlaskForm):
    email = EmailField(
        lazy_gettext("E-mail"), validators=[DataRequired(), Email(), Length(max=320)]
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[DataRequired(), Length(max=1024)]
    )


class NewTokenForm(FlaskForm):
    name = StringField(
        lazy_gettext("Name of the token"),
        validators=[DataRequired(), Length(max=100)],
        default="API token",
    )
    expires_days = IntegerField(
        lazy_gettext("Expires after (days)"),
        default=90,
        validators=[Optional(), NumberRange(min=1, max=365)],
    )


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""
