/* parser.c — placeholder; being written. */
