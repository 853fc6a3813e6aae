"""Offline stand-in for the ``get-pip.py`` bootstrap script that ``ansible-test`` downloads.

``ansible-test`` creates each sanity test's virtual environment without pip, then runs
``python get_pip_<version>.py [pip options] pip==<version> --no-setuptools --no-wheel`` in it.
The real script comes from a host that CI cannot reach. This one runs the pip wheel that ships
with Python (``ensurepip``) to install the requested packages from the configured package index,
which gives the same result. ``scripts/setup-sanity-offline`` puts it in ansible-test's cache.
"""

import ensurepip
import glob
import os
import subprocess
import sys

# get-pip.py options that only stop it from adding setuptools and wheel; pip itself does not know them.
GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}


def bundled_pip_wheel():
    """Return the path of the pip wheel bundled with this Python, or None where it was removed."""
    bundled_dir = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
    wheels = sorted(glob.glob(os.path.join(bundled_dir, "pip-*.whl")))
    return wheels[-1] if wheels else None


def pip_command():
    """Return a command that runs a pip, bootstrapping one into this environment if needed."""
    wheel = bundled_pip_wheel()
    if wheel:
        return [sys.executable, os.path.join(wheel, "pip")]
    ensurepip.bootstrap()
    return [sys.executable, "-m", "pip"]


def main():
    """Install the requested packages the way get-pip.py does."""
    pip_arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_FLAGS]
    command = pip_command() + ["install", "--upgrade", "--force-reinstall"] + pip_arguments
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
