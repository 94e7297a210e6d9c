from tariffcalc.cli import main

main()
