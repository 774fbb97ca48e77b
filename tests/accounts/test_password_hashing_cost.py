"""The tests hash passwords with a cheap Argon2 (tests/password_hashing.py); the installation keeps
Django's full-cost Argon2, and an account made under it carries that cost."""

from django.contrib.auth.hashers import identify_hasher

from sanxiang import settings as installation_settings
from sanxiang.access.actors import OPERATOR
from sanxiang.orgs import actions as A


def test_the_installation_hashes_with_full_cost_argon2():
    assert installation_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_an_account_made_under_the_installation_setting_carries_its_cost(production_password_hashing, db):
    user = A.do_create_user("hash-cost", name="王测试", password="a-long-enough-password", actor=OPERATOR)
    assert "$m=102400,t=2,p=8$" in user.password
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("a-long-enough-password")
