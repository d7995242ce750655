from silkwire.cli import main

main()
