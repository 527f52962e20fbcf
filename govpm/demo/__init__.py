"""Demo data for `make demo` (the `load_demo` command): the top layer, above every app it fills."""
