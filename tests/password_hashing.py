"""Argon2 at the lowest cost, for the tests only (tests/conftest.py puts it first in PASSWORD_HASHERS).

Django's Argon2 settings (100 MiB, 2 passes, 8 lanes) cost about 0.3 s of CPU for each password
hashed or checked: every demo build, every login and every failed login paid it, several minutes in
all on the two passes. The algorithm, the `argon2` prefix and the check stay Argon2; only the cost
is lower. `sanxiang` processes started by the tests, and the tests that use the
`production_password_hashing` fixture, use the installation's own setting.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the least Argon2 allows for one lane
    parallelism = 1
