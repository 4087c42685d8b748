"""Shared by the .bench scripts' table makers."""


def ms(s):
    """Milliseconds of a wrk latency as wrk prints it: 812.00us, 1.20ms, 2.01s."""
    for suf, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if s.endswith(suf):
            return float(s[:-len(suf)]) * f
    return float("nan")
