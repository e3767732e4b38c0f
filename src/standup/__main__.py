import sys

from standup.cli.main import main

sys.exit(main())
