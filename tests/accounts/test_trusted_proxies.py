"""SANXIANG_TRUSTED_PROXIES (s25 tester10b #10): addresses and networks, read as IP networks; an entry that is
neither stops the start with a Chinese message instead of silently counting every visitor as the proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from sanxiang.accounts.throttle import client_address
from sanxiang.settings import _proxies


def seen(settings, value, remote, forwarded=""):
    settings.TRUSTED_PROXIES = _proxies(value)
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_a_network_of_proxies_is_trusted_and_the_client_behind_it_counted(settings):
    pool = "127.0.0.1, 10.0.0.0/8"
    assert seen(settings, pool, "10.3.4.5", "7.7.7.7") == "7.7.7.7"  # a balancer of the pool
    assert seen(settings, pool, "127.0.0.1", "7.7.7.7, 10.0.0.9") == "7.7.7.7"  # two proxies of the pool
    assert seen(settings, pool, "11.0.0.1", "7.7.7.7") == "11.0.0.1"  # not a proxy: the header is not believed
    assert seen(settings, "::1, fd00::/8", "fd00::5", "2001:db8::7") == "2001:db8::7"
    assert seen(settings, "127.0.0.1", "::ffff:127.0.0.1", "6.6.6.6") == "6.6.6.6"  # IPv4-mapped
    assert seen(settings, "", "127.0.0.1", "6.6.6.6") == "127.0.0.1"  # unset: the header is ignored


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "127.0.0.l", "localhost", "10.0.0.1-10.0.0.9"])
def test_an_entry_that_is_no_address_or_network_is_refused_by_name(bad):
    with pytest.raises(ImproperlyConfigured, match=f"“{bad}”不是 IP 地址或网段"):
        _proxies(f"127.0.0.1, {bad}")


@pytest.mark.own_sqlite_installation
def test_the_command_stops_with_the_message_and_no_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("SANXIANG_")}
    env.update(SANXIANG_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8",
               SANXIANG_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/33")
    result = subprocess.run([str(Path(sys.executable).with_name("sanxiang")), "serve", "127.0.0.1:0", "--no-worker"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SANXIANG_TRUSTED_PROXIES" in result.stderr and "“10.0.0.0/33”不是 IP 地址或网段" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
