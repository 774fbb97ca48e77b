"""One access policy (访问控制) for every app: who may read and do what, as data."""
