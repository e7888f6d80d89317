"""Entry point of the PyInstaller bundle (installer/desktop-crm.spec): the ``desktop-crm``
command, which starts the app without arguments."""

import multiprocessing
import sys

from desktop_crm.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
