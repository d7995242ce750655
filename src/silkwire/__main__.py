from silkwire.cli.main import main

main()
