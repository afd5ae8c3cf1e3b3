"""Scripts that measure (nothing in the test suite asserts timing); a package so they can share helpers."""
