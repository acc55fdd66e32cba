from marp_build.cli import main

main()
