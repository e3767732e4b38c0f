import sys

from standup.cli import main

sys.exit(main())
