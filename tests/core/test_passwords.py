"""The password policy (ASVS V2.1): length over composition, a common-password check, no rotation."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # lower-case words and spaces: no composition rule
        "4829301847562910",  # digits only
        "ñandú-über-straße",  # any characters
        "x" * 64,
        "y" * 128,
    ],
)
def test_long_passwords_of_any_characters_are_accepted(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("elevenchars", "at least 12 characters"),
        ("z" * 129, "Use at most 128 characters."),
        ("qwerty123456", "This password is too common."),
        ("1q2w3e4r5t6y", "This password is too common."),
    ],
)
def test_short_overlong_and_common_passwords_are_refused_with_a_reason(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(message in text for text in refused.value.messages)


def test_a_password_like_the_username_is_refused(make_user):
    user = make_user("care_manager", username="carlamartinez", email="carla@example.org")
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("carlamartinez", user)


def test_no_composition_rule_and_no_expiry_are_configured():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "MaximumLengthValidator",
        "CommonPasswordValidator",
    }
