import sys

from standup.cli.entry import main

sys.exit(main())
