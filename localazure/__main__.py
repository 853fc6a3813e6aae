import sys

from localazure.cli import main

sys.exit(main())
