def load(stdout):
    return []
