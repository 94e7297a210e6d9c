from tariffcalc.cli.main import main

main()
