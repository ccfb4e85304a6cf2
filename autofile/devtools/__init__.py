"""Developer tooling behind `make demo` and `make test`: plain Python, no Django import."""
