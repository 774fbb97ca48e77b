from sanxiang.profiles.registry import get_profile, list_profiles


def load(stdout):
    """Validate every shipped profile; a broken profile stops the demo (raises ProfileError)."""
    for key in list_profiles():
        get_profile(key)
    return []
