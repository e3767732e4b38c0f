import sys

from standup.entry import main

sys.exit(main())
