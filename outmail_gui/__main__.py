from outmail_gui.app import main

raise SystemExit(main())
