"""Hypothesis profiles for the test suite (``ci`` when ``CI`` is set, else ``dev``);
``--hypothesis-profile`` or ``HYPOTHESIS_PROFILE`` choose another."""

from hypothesis import settings

from spec import profiles

profiles.register()
settings.load_profile(profiles.default_profile())
