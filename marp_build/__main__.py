from marp_build.quick import main

main()
