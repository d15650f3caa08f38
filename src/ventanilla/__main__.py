import sys

from ventanilla.cli import main

sys.exit(main())
