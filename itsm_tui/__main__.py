from itsm_tui.cli import main

main()
